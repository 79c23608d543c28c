#include "finai/data/quantile_sketch.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <utility>
#include <vector>

#include "finai/core/context.hpp"
#include "finai/core/error.hpp"
#include "finai/core/parallel.hpp"

namespace finai {
namespace {

// The exact weighted distribution, computed plainly by sorting: the oracle the sketch is checked against.
class ExactDistribution {
 public:
  explicit ExactDistribution(std::vector<std::pair<double, double>> data) {
    std::sort(data.begin(), data.end());
    for (const auto& [v, w] : data) {
      if (w == 0) continue;
      if (values_.empty() || values_.back() != v) {
        values_.push_back(v);
        cumulative_.push_back(cumulative_.empty() ? 0.0 : cumulative_.back());
      }
      cumulative_.back() += w;
    }
  }
  double total() const { return cumulative_.empty() ? 0 : cumulative_.back(); }
  // Weight of the values <= x and < x.
  double AtOrBelow(double x) const {
    const auto it = std::upper_bound(values_.begin(), values_.end(), x);
    return it == values_.begin() ? 0.0 : cumulative_[static_cast<std::size_t>(it - values_.begin()) - 1];
  }
  double Below(double x) const {
    const auto it = std::lower_bound(values_.begin(), values_.end(), x);
    return it == values_.begin() ? 0.0 : cumulative_[static_cast<std::size_t>(it - values_.begin()) - 1];
  }
  // The lower weighted quantile: the smallest value whose weight at or below reaches rank.
  double LowerQuantile(double rank) const {
    for (std::size_t i = 0; i < values_.size(); ++i) {
      if (cumulative_[i] >= rank) return values_[i];
    }
    return values_.back();
  }
  const std::vector<double>& values() const { return values_; }
  const std::vector<double>& cumulative() const { return cumulative_; }

 private:
  std::vector<double> values_;
  std::vector<double> cumulative_;
};

std::vector<std::pair<double, double>> RandomWeighted(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> value(0.0, 1.5);
  std::uniform_real_distribution<double> weight(0.1, 10.0);
  std::vector<std::pair<double, double>> data(n);
  for (auto& [v, w] : data) {
    v = value(rng);
    w = weight(rng);
  }
  return data;
}

// Checks the documented guarantee of Query against the exact distribution at many ranks.
void ExpectQueriesWithinError(const QuantileSummary& summary, const ExactDistribution& exact, double error) {
  const double total = exact.total();
  const double slack = 1e-9 * total;  // rounding of long sums
  for (int i = 0; i <= 1000; ++i) {
    const double rank = total * i / 1000;
    const double x = summary.Query(rank);
    EXPECT_LE(exact.Below(x), rank + error + slack) << "rank " << rank << " answered by " << x;
    EXPECT_GE(exact.AtOrBelow(x), rank - error - slack) << "rank " << rank << " answered by " << x;
  }
}

TEST(QuantileSummaryTest, FromValuesEqualsFromWeightedWithUnitWeights) {
  std::mt19937_64 rng(3);
  std::vector<double> values;
  std::vector<std::pair<double, double>> weighted;
  for (int i = 0; i < 20000; ++i) {
    const double v = i % 7 == 0 ? -0.0 : static_cast<double>(rng() % 3000) / 8;  // ties, and -0.0 beside 0.0
    values.push_back(v);
    weighted.emplace_back(v, 1.0);
  }
  const QuantileSummary a = QuantileSummary::FromValues(values);
  const QuantileSummary b = QuantileSummary::FromWeighted(weighted);
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(a.total_weight(), 20000.0);
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a.entries()[i].value, b.entries()[i].value);
    EXPECT_EQ(a.entries()[i].rmin, b.entries()[i].rmin);
    EXPECT_EQ(a.entries()[i].rmax, b.entries()[i].rmax);
    EXPECT_EQ(a.entries()[i].wmin, b.entries()[i].wmin);
  }
  EXPECT_THROW(QuantileSummary::FromValues({1.0, std::numeric_limits<double>::infinity()}), InvalidArgument);
}

TEST(QuantileSketchTest, ExactWithFewDistinctValues) {
  std::mt19937_64 rng(7);
  std::vector<std::pair<double, double>> data;
  QuantileSketch sketch(64);
  for (int i = 0; i < 100000; ++i) {
    const double v = static_cast<double>(rng() % 50) * 0.5 - 3;
    const double w = static_cast<double>(1 + rng() % 4);  // integers: every sum is exact
    data.emplace_back(v, w);
    sketch.Push(v, w);
  }
  const ExactDistribution exact(data);
  const QuantileSummary summary = sketch.Summary();
  summary.Validate();
  ASSERT_TRUE(summary.exact());
  EXPECT_EQ(summary.RankError(), 0.0);
  EXPECT_EQ(sketch.RankErrorBound(), 0.0);
  ASSERT_EQ(summary.size(), exact.values().size());
  for (std::size_t i = 0; i < summary.size(); ++i) {
    EXPECT_EQ(summary.entries()[i].value, exact.values()[i]);
    EXPECT_EQ(summary.entries()[i].rmax, exact.cumulative()[i]);
  }
  for (int i = 0; i <= 200; ++i) {
    const double rank = exact.total() * i / 200;
    EXPECT_EQ(summary.Query(rank), exact.LowerQuantile(rank)) << "rank " << rank;
  }
  for (double x : {-10.0, -3.0, 0.25, 1.0, 100.0}) {
    const auto [lo, hi] = summary.WeightAtOrBelow(x);
    EXPECT_EQ(lo, exact.AtOrBelow(x));
    EXPECT_EQ(hi, exact.AtOrBelow(x));
  }
}

TEST(QuantileSketchTest, RankErrorWithinBoundOnRandomWeightedData) {
  constexpr int kSize = 64;
  const auto data = RandomWeighted(200000, 11);
  QuantileSketch sketch(kSize);
  for (const auto& [v, w] : data) sketch.Push(v, w);
  const ExactDistribution exact(data);
  const QuantileSummary summary = sketch.Summary();
  summary.Validate();
  EXPECT_FALSE(summary.exact());
  EXPECT_NEAR(summary.total_weight(), exact.total(), 1e-9 * exact.total());
  EXPECT_EQ(summary.min_value(), exact.values().front());
  EXPECT_EQ(summary.max_value(), exact.values().back());

  // The documented a-priori bound: levels * W / (2 (k - 1)), levels <= 1 + log2(n / 2k).
  const double levels = 1 + std::floor(std::log2(200000.0 / (2 * kSize)));
  EXPECT_LE(sketch.num_levels(), levels);
  const double documented = levels * exact.total() / (2 * (kSize - 1));
  EXPECT_LE(sketch.RankErrorBound(), documented * (1 + 1e-12));
  EXPECT_LE(summary.RankError(), sketch.RankErrorBound() * (1 + 1e-9));
  EXPECT_GT(summary.RankError(), 0.0);
  ExpectQueriesWithinError(summary, exact, summary.RankError());

  // The weight bounds contain the truth everywhere, including between the summary's values.
  for (std::size_t i = 0; i < exact.values().size(); i += 997) {
    const double x = exact.values()[i];
    const auto [lo, hi] = summary.WeightAtOrBelow(x);
    EXPECT_LE(lo, exact.AtOrBelow(x) + 1e-9 * exact.total());
    EXPECT_GE(hi, exact.AtOrBelow(x) - 1e-9 * exact.total());
  }
}

TEST(QuantileSketchTest, PruneAddsAtMostOneSpacing) {
  const auto data = RandomWeighted(5000, 3);
  const QuantileSummary full = QuantileSummary::FromWeighted(data);
  ASSERT_TRUE(full.exact());
  const QuantileSummary pruned = full.Prune(33);
  pruned.Validate();
  EXPECT_LE(pruned.size(), 33u);
  EXPECT_EQ(pruned.entries().front().value, full.entries().front().value);
  EXPECT_EQ(pruned.entries().back().value, full.entries().back().value);
  EXPECT_LE(pruned.Gap(), full.total_weight() / 32 * (1 + 1e-12));
  ExpectQueriesWithinError(pruned, ExactDistribution(data), pruned.RankError());
  // Small enough already: unchanged.
  EXPECT_EQ(pruned.Prune(40).size(), pruned.size());
}

TEST(QuantileSketchTest, MergeEqualsSinglePassWithinBound) {
  constexpr int kSize = 128;
  const auto data = RandomWeighted(120000, 5);
  QuantileSketch single(kSize);
  for (const auto& [v, w] : data) single.Push(v, w);

  std::vector<QuantileSketch> parts(4, QuantileSketch(kSize));
  for (std::size_t i = 0; i < data.size(); ++i) parts[i * 4 / data.size()].Push(data[i].first, data[i].second);
  QuantileSketch merged(kSize);
  for (const QuantileSketch& part : parts) merged.Merge(part);

  const ExactDistribution exact(data);
  const QuantileSummary a = single.Summary();
  const QuantileSummary b = merged.Summary();
  b.Validate();
  EXPECT_EQ(merged.count(), single.count());
  EXPECT_NEAR(b.total_weight(), a.total_weight(), 1e-9 * a.total_weight());
  EXPECT_LE(b.RankError(), merged.RankErrorBound() * (1 + 1e-9));
  ExpectQueriesWithinError(b, exact, b.RankError());
  // Both answer every rank within their own error, so their answers' ranks are within the sum.
  const double slack = 1e-9 * exact.total();
  for (int i = 0; i <= 100; ++i) {
    const double rank = exact.total() * i / 100;
    const double xa = a.Query(rank);
    const double xb = b.Query(rank);
    const double apart = std::max(exact.Below(std::max(xa, xb)) - exact.AtOrBelow(std::min(xa, xb)), 0.0);
    EXPECT_LE(apart, a.RankError() + b.RankError() + slack);
  }
}

TEST(QuantileSketchTest, DeterministicAcrossRunsAndThreadCounts) {
  constexpr int kSize = 32;
  const auto data = RandomWeighted(50000, 9);
  // Chunk sketches built in parallel, merged in chunk order: the thread count must not matter.
  auto build = [&](int threads) {
    Context ctx;
    ctx.set_threads(threads);
    constexpr int kChunks = 8;
    std::vector<QuantileSketch> chunks(kChunks, QuantileSketch(kSize));
    ParallelFor(ctx, 0, kChunks, [&](std::int64_t c) {
      const auto chunk = static_cast<std::size_t>(c);
      for (std::size_t i = data.size() * chunk / kChunks; i < data.size() * (chunk + 1) / kChunks; ++i) {
        chunks[chunk].Push(data[i].first, data[i].second);
      }
    });
    QuantileSketch all(kSize);
    for (const auto& chunk : chunks) all.Merge(chunk);
    return all.Summary();
  };
  const QuantileSummary one = build(1);
  const QuantileSummary two = build(2);
  const QuantileSummary four = build(4);
  ASSERT_EQ(one.size(), two.size());
  ASSERT_EQ(one.size(), four.size());
  for (std::size_t i = 0; i < one.size(); ++i) {
    for (const QuantileSummary* other : {&two, &four}) {
      const SketchEntry& x = one.entries()[i];
      const SketchEntry& y = other->entries()[i];
      EXPECT_EQ(x.value, y.value);
      EXPECT_EQ(x.rmin, y.rmin);
      EXPECT_EQ(x.rmax, y.rmax);
      EXPECT_EQ(x.wmin, y.wmin);
    }
  }
}

TEST(QuantileSketchTest, HeavyValueAndZeroWeights) {
  QuantileSketch sketch(16);
  std::vector<std::pair<double, double>> data;
  for (int i = 0; i < 1000; ++i) {
    const double v = i % 2 == 0 ? 0.0 : static_cast<double>(i);
    data.emplace_back(v, 1.0);
    sketch.Push(v, 1.0);
    sketch.Push(1e9, 0.0);  // weight 0: not data
  }
  EXPECT_EQ(sketch.count(), 1000);
  const QuantileSummary summary = sketch.Summary();
  EXPECT_LT(summary.max_value(), 1e9);
  // Half the weight is on 0, so a rank r is answered by 0 whenever r + error < 500 (any other answer x
  // has 500 below it); the documented error here is at most 5 * 1000 / (2 * 15) < 200.
  EXPECT_LE(sketch.RankErrorBound(), 200.0);
  for (double q : {0.05, 0.1, 0.25}) EXPECT_EQ(summary.Query(q * summary.total_weight()), 0.0);
  ExpectQueriesWithinError(summary, ExactDistribution(data), summary.RankError());
}

TEST(QuantileSketchTest, RejectsBadInput) {
  QuantileSketch sketch(16);
  EXPECT_THROW(sketch.Push(std::nan(""), 1.0), InvalidArgument);
  EXPECT_THROW(sketch.Push(INFINITY, 1.0), InvalidArgument);
  EXPECT_THROW(sketch.Push(1.0, -1.0), InvalidArgument);
  EXPECT_THROW(sketch.Push(1.0, std::nan("")), InvalidArgument);
  try {
    QuantileSketch bad(4);
    FAIL() << "a summary size of 4 was accepted";
  } catch (const InvalidArgument& e) {
    EXPECT_EQ(e.location().field, "summary_size");
  }
  EXPECT_THROW(sketch.Merge(QuantileSketch(32)), InvalidArgument);
  const std::vector<double> values{1, 2, 3};
  const std::vector<double> weights{1, 2};
  EXPECT_THROW(sketch.Push(values, weights), InvalidArgument);
  EXPECT_THROW(QuantileSummary().Query(0), InvalidArgument);
  EXPECT_THROW(QuantileSummary::FromWeighted({{1.0, 1.0}}).Prune(1), InvalidArgument);
}

TEST(QuantileSketchTest, SelfMergeDoublesWeight) {
  QuantileSketch sketch(16);
  for (int i = 0; i < 100; ++i) sketch.Push(i, 1.0);
  sketch.Merge(sketch);
  EXPECT_EQ(sketch.total_weight(), 200.0);
  EXPECT_EQ(sketch.count(), 200);
  const QuantileSummary s = sketch.Summary();
  s.Validate();
  EXPECT_EQ(s.total_weight(), 200.0);
}

}  // namespace
}  // namespace finai
