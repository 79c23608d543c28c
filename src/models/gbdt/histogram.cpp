#include "histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

#include "finai/core/check.hpp"
#include "finai/core/parallel.hpp"

namespace finai::gbdt {

namespace {
// The power of two that keeps |sum| of n values of magnitude <= max_abs below 2^bits.
double ScaleFor(double max_abs, std::size_t n, int bits) {
  if (!(max_abs > 0)) return 1.0;
  const double bound = max_abs * static_cast<double>(std::max<std::size_t>(n, 1));
  return std::ldexp(1.0, bits - static_cast<int>(std::ceil(std::log2(bound))) - 1);
}

// Rows per thread below which one thread builds the histogram alone (starting threads costs more).
constexpr std::size_t kMinRowsPerThread = 8192;
}  // namespace

GradScale QuantizeGradients(std::span<const double> grad, std::span<const double> hess, std::vector<GradPair>& out) {
  double max_g = 0, max_h = 0;
  for (std::size_t i = 0; i < grad.size(); ++i) {
    max_g = std::max(max_g, std::fabs(grad[i]));
    max_h = std::max(max_h, std::fabs(hess[i]));
  }
  GradScale scale;
  scale.count_bits = std::max(1, static_cast<int>(std::bit_width(grad.size())));
  scale.g = ScaleFor(max_g, grad.size(), 62);
  // Even for 2^31 rows the hessians keep 31 bits; for a million rows, 42.
  scale.h = ScaleFor(max_h, hess.size(), 62 - scale.count_bits);
  out.resize(grad.size());
  for (std::size_t i = 0; i < grad.size(); ++i) {
    // Round to nearest by adding a half and truncating (cheaper than llround; the hessian is never
    // negative and the gradient's sign is restored).
    const double g = grad[i] * scale.g;
    const auto g_fixed = static_cast<std::int64_t>(std::fabs(g) + 0.5);
    const auto h_fixed = static_cast<std::uint64_t>(hess[i] * scale.h + 0.5);
    out[i] = {g < 0 ? -g_fixed : g_fixed, (h_fixed << scale.count_bits) | 1};
  }
  return scale;
}

namespace {
void Accumulate(const TrainingData& data, std::span<const std::int32_t> rows, std::span<const GradPair> grads,
                HistBin* hist) {
  const int f_count = data.features;
  // The features' first slots, contiguous: the inner loop reads nothing else of the metadata.
  std::vector<int> offsets(static_cast<std::size_t>(f_count));
  for (int f = 0; f < f_count; ++f) offsets[static_cast<std::size_t>(f)] = data.meta[static_cast<std::size_t>(f)].offset;
  const int* offset = offsets.data();
  // A child node's rows are scattered over the matrix: fetch a row's codes and gradient some rows ahead
  // (the hardware prefetcher only follows regular strides).
  constexpr std::size_t kPrefetchDistance = 16;
  const std::size_t count = rows.size();
  for (std::size_t i = 0; i < count; ++i) {
    if (i + kPrefetchDistance < count) {
      const std::int32_t ahead = rows[i + kPrefetchDistance];
      __builtin_prefetch(data.row(ahead));
      __builtin_prefetch(&grads[static_cast<std::size_t>(ahead)]);
    }
    const std::int32_t r = rows[i];
    const std::uint8_t* codes = data.row(r);
    const GradPair gp = grads[static_cast<std::size_t>(r)];
    for (int f = 0; f < f_count; ++f) {
      HistBin& b = hist[offset[f] + codes[f]];
      b.g += gp.g;
      b.hn += gp.hn;
    }
  }
}
}  // namespace

void BuildHistogram(const TrainingData& data, std::span<const std::int32_t> rows, std::span<const GradPair> grads,
                    Histogram& out, std::vector<Histogram>& scratch, const Context& ctx) {
  const auto slots = static_cast<std::size_t>(data.total_bins);
  out.assign(slots, HistBin{});
  const int threads = static_cast<int>(
      std::clamp<std::size_t>(rows.size() / kMinRowsPerThread, 1, static_cast<std::size_t>(ctx.EffectiveThreads())));
  if (threads == 1) {
    Accumulate(data, rows, grads, out.data());
    return;
  }
  if (scratch.size() < static_cast<std::size_t>(threads)) scratch.resize(static_cast<std::size_t>(threads));
  Context block_ctx = ctx;
  block_ctx.set_threads(threads);
  std::vector<char> used(static_cast<std::size_t>(threads), 0);
  ParallelForBlocks(block_ctx, 0, static_cast<std::int64_t>(rows.size()), [&](std::int64_t lo, std::int64_t hi, int t) {
    Histogram& h = scratch[static_cast<std::size_t>(t)];
    h.assign(slots, HistBin{});
    Accumulate(data, rows.subspan(static_cast<std::size_t>(lo), static_cast<std::size_t>(hi - lo)), grads, h.data());
    used[static_cast<std::size_t>(t)] = 1;
  });
  // Integer sums: the order of this reduction cannot change the result.
  ParallelForBlocks(block_ctx, 0, static_cast<std::int64_t>(slots), [&](std::int64_t lo, std::int64_t hi, int) {
    for (std::size_t t = 0; t < used.size(); ++t) {
      if (!used[t]) continue;
      const Histogram& h = scratch[t];
      for (auto s = static_cast<std::size_t>(lo); s < static_cast<std::size_t>(hi); ++s) {
        out[s].g += h[s].g;
        out[s].hn += h[s].hn;
      }
    }
  });
}

void SubtractHistogram(const Histogram& parent, const Histogram& child, Histogram& out) {
  FINAI_CHECK(parent.size() == child.size(), "histograms of different sizes");
  out.resize(parent.size());
  for (std::size_t s = 0; s < parent.size(); ++s) {
    out[s] = {parent[s].g - child[s].g, parent[s].hn - child[s].hn};
  }
}

NodeSums SumOfRows(std::span<const std::int32_t> rows, std::span<const GradPair> grads, int count_bits) {
  HistBin sum;
  for (const std::int32_t r : rows) {
    sum.g += grads[static_cast<std::size_t>(r)].g;
    sum.hn += grads[static_cast<std::size_t>(r)].hn;
  }
  return Unpack(sum, count_bits);
}

}  // namespace finai::gbdt
