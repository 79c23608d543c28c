// The trainer's gradient histograms (src/models/gbdt/histogram.cpp): both precisions must give exactly the
// sums of the rows' rounded values, slot by slot, at any thread count and for any subset of rows; low-bit
// rounding must stay within its bounds, be unbiased, and depend only on (seed, stream, row).
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "finai/core/random.hpp"
#include "models/gbdt/histogram.hpp"

namespace finai::gbdt {
namespace {

// A random binned matrix: `features` features of 2 to 256 bins.
TrainingData RandomData(std::int64_t rows, int features, Rng& rng) {
  TrainingData d;
  d.AllocateRows(rows, features);
  for (int f = 0; f < features; ++f) {
    FeatureMeta m;
    m.num_bins = 2 + static_cast<int>(rng.Below(255));
    m.missing_bin = m.num_bins - 1;
    m.offset = d.total_bins;
    d.total_bins += m.num_bins;
    d.meta.push_back(m);
  }
  for (std::int64_t r = 0; r < rows; ++r) {
    for (int f = 0; f < features; ++f) {
      d.mutable_row(r)[f] =
          static_cast<std::uint8_t>(rng.Below(static_cast<std::uint64_t>(d.meta[static_cast<std::size_t>(f)].num_bins)));
    }
  }
  return d;
}

Context Threads(int t) {
  Context ctx;
  ctx.set_threads(t);
  return ctx;
}

// Log-loss-like gradients in [-1, 1] and hessians in (0, 0.25], a few zero-weight rows.
void RandomGradients(std::size_t n, Rng& rng, std::vector<double>& grad, std::vector<double>& hess) {
  grad.resize(n);
  hess.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double p = rng.Uniform();
    const double w = rng.Uniform() < 0.02 ? 0.0 : 1.0;
    grad[i] = (p - (rng.Uniform() < 0.3 ? 1.0 : 0.0)) * w;
    hess[i] = p * (1 - p) * w;
  }
}

// Row r's rounded gradient as a bin, whatever the precision.
HistBin RowBin(const RowGradients& g, std::int32_t r) {
  return g.low_bit() ? UnpackSlot(g.packed[static_cast<std::size_t>(r)]) : g.pairs[static_cast<std::size_t>(r)];
}

// The histogram summed slot by slot from the rows' rounded values, the slow way.
Histogram BruteForce(const TrainingData& d, const std::vector<std::int32_t>& rows, const RowGradients& g) {
  Histogram h(static_cast<std::size_t>(d.total_bins));
  for (const std::int32_t r : rows) {
    for (int f = 0; f < d.features; ++f) {
      HistBin& b = h[static_cast<std::size_t>(d.meta[static_cast<std::size_t>(f)].offset + d.row(r)[f])];
      b.g += RowBin(g, r).g;
      b.hn += RowBin(g, r).hn;
    }
  }
  return h;
}

void ExpectSame(const Histogram& a, const Histogram& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t s = 0; s < a.size(); ++s) {
    ASSERT_EQ(a[s].g, b[s].g) << "slot " << s;
    ASSERT_EQ(a[s].hn, b[s].hn) << "slot " << s;
  }
}

TEST(GbdtHistogram, BothPrecisionsSumExactlyAtAnyThreadCount) {
  Rng rng(1);
  const TrainingData d = RandomData(40000, 9, rng);
  std::vector<double> grad, hess;
  RandomGradients(static_cast<std::size_t>(d.rows), rng, grad, hess);
  std::vector<std::int32_t> all(static_cast<std::size_t>(d.rows)), some;
  std::iota(all.begin(), all.end(), 0);
  for (const std::int32_t r : all) {
    if (rng.Uniform() < 0.37) some.push_back(r);
  }
  if (some.size() % 2 == 0) some.pop_back();  // scattered rows are added in pairs: an odd count has a last one
  // Consecutive rows not starting at 0 (read straight, without the index).
  std::vector<std::int32_t> range(2001);
  std::iota(range.begin(), range.end(), 1001);
  for (const bool low_bit : {false, true}) {
    RowGradients g;
    if (low_bit) {
      QuantizeGradientsLowBit(grad, hess, 5, 3, g, Threads(2));
    } else {
      QuantizeGradients(grad, hess, g, Threads(2));
    }
    ASSERT_EQ(g.low_bit(), low_bit);
    for (const auto* rows : {&all, &some, &range}) {
      const Histogram expected = BruteForce(d, *rows, g);
      for (const int threads : {1, 2}) {
        Histogram h;
        BuildHistogram(d, *rows, g, h, Threads(threads));
        ExpectSame(h, expected);
      }
      // Every feature's slots add up to the node's sums.
      const NodeSums total = SumOfRows(*rows, g);
      Histogram h;
      BuildHistogram(d, *rows, g, h, Threads(2));
      for (const FeatureMeta& m : d.meta) {
        NodeSums s;
        for (int b = 0; b < m.num_bins; ++b) {
          const NodeSums u = Unpack(h[static_cast<std::size_t>(m.offset + b)], g.scale.count_bits);
          s.g += u.g;
          s.h += u.h;
          s.n += u.n;
        }
        ASSERT_EQ(s.g, total.g);
        ASSERT_EQ(s.h, total.h);
        ASSERT_EQ(s.n, total.n);
      }
      if (!low_bit) {
        EXPECT_EQ(total.n, static_cast<std::int64_t>(rows->size()));
      }
    }
  }
}

TEST(GbdtHistogram, LowBitRoundingIsBoundedUnbiasedAndSeeded) {
  Rng rng(2);
  const std::size_t n = 200000;
  std::vector<double> grad, hess;
  RandomGradients(n, rng, grad, hess);
  RowGradients g;
  QuantizeGradientsLowBit(grad, hess, 9, 4, g, Threads(2));
  const double g_limit = std::floor(2147483647.0 / static_cast<double>(n));
  const double h_limit = std::floor(4294967295.0 / static_cast<double>(n));
  double sum_exact = 0, sum_rounded = 0, sum_h_exact = 0, sum_h_rounded = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = grad[i] * g.scale.g;
    const HistBin row = RowBin(g, static_cast<std::int32_t>(i));
    const auto q = row.g;
    const auto h = static_cast<std::int64_t>(row.hn);
    // Rounded down or up to a neighbouring integer, within the limits; a row with a hessian keeps >= 1.
    ASSERT_TRUE(q == std::floor(x) || q == std::ceil(x)) << i;
    ASSERT_LE(std::fabs(static_cast<double>(q)), g_limit);
    ASSERT_LE(static_cast<double>(h), h_limit);
    ASSERT_EQ(h > 0, hess[i] > 0) << i;
    ASSERT_EQ(g.packed[i], q * 4294967296LL + h);
    sum_exact += x;
    sum_rounded += static_cast<double>(q);
    sum_h_exact += hess[i] * g.scale.h;
    sum_h_rounded += static_cast<double>(h);
  }
  // Unbiased: the rounding errors (each within 1, sd about 0.3) of 200k rows sum to a few hundred at most.
  EXPECT_LT(std::fabs(sum_rounded - sum_exact), 2000.0);
  EXPECT_LT(std::fabs(sum_h_rounded - sum_h_exact), 2000.0 + 0.01 * sum_h_exact);
  // At least 11 bits of gradient resolution for 200k rows.
  EXPECT_GE(g.scale.g * 1.0, 1024.0);
  // The same (seed, stream) rounds the same at any thread count; another stream does not.
  RowGradients again, other;
  QuantizeGradientsLowBit(grad, hess, 9, 4, again, Threads(1));
  QuantizeGradientsLowBit(grad, hess, 9, 5, other, Threads(2));
  EXPECT_EQ(again.packed, g.packed);
  EXPECT_NE(other.packed, g.packed);
}

TEST(GbdtHistogram, LowBitRoundingComputedInOnePassEqualsTheStoredOne) {
  // QuantizeLowBit with the gradients' own largest magnitudes as bounds is what QuantizeGradientsLowBit does.
  Rng rng(3);
  std::vector<double> grad, hess;
  RandomGradients(5000, rng, grad, hess);
  double max_g = 0, max_h = 0;
  for (std::size_t i = 0; i < grad.size(); ++i) {
    max_g = std::max(max_g, std::fabs(grad[i]));
    max_h = std::max(max_h, hess[i]);
  }
  RowGradients stored, fused;
  QuantizeGradientsLowBit(grad, hess, 1, 2, stored, Threads(2));
  QuantizeLowBit(grad.size(), [&](std::size_t i) { return std::pair(grad[i], hess[i]); }, {max_g, max_h}, 1, 2, fused,
                 Threads(1));
  EXPECT_EQ(fused.packed, stored.packed);
  EXPECT_EQ(fused.scale.g, stored.scale.g);
  // Looser bounds give a coarser scale, never a finer one.
  RowGradients loose;
  QuantizeLowBit(grad.size(), [&](std::size_t i) { return std::pair(grad[i], hess[i]); }, {1.0, 0.25}, 1, 2, loose,
                 Threads(2));
  EXPECT_LE(loose.scale.g, stored.scale.g);
  EXPECT_LE(loose.scale.h, stored.scale.h);
}

}  // namespace
}  // namespace finai::gbdt
