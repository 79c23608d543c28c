#include "histogram.hpp"

#include <algorithm>
#include <cmath>

#include "finai/core/check.hpp"
#include "finai/core/parallel.hpp"

namespace finai::gbdt {

namespace {
// The power of two that keeps |sum| of n values of magnitude <= max_abs below 2^62.
double ScaleFor(double max_abs, std::size_t n) {
  if (!(max_abs > 0)) return 1.0;
  const double bound = max_abs * static_cast<double>(std::max<std::size_t>(n, 1));
  return std::ldexp(1.0, 62 - static_cast<int>(std::ceil(std::log2(bound))) - 1);
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
  const GradScale scale{ScaleFor(max_g, grad.size()), ScaleFor(max_h, hess.size())};
  out.resize(grad.size());
  for (std::size_t i = 0; i < grad.size(); ++i) {
    out[i] = {std::llround(grad[i] * scale.g), std::llround(hess[i] * scale.h)};
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
  for (const std::int32_t r : rows) {
    const std::uint8_t* codes = data.row(r);
    const GradPair gp = grads[static_cast<std::size_t>(r)];
    for (int f = 0; f < f_count; ++f) {
      HistBin& b = hist[offset[f] + codes[f]];
      b.g += gp.g;
      b.h += gp.h;
      b.n += 1;
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
        out[s].h += h[s].h;
        out[s].n += h[s].n;
      }
    }
  });
}

void SubtractHistogram(const Histogram& parent, const Histogram& child, Histogram& out) {
  FINAI_CHECK(parent.size() == child.size(), "histograms of different sizes");
  out.resize(parent.size());
  for (std::size_t s = 0; s < parent.size(); ++s) {
    out[s] = {parent[s].g - child[s].g, parent[s].h - child[s].h, parent[s].n - child[s].n};
  }
}

NodeSums SumOfRows(std::span<const std::int32_t> rows, std::span<const GradPair> grads) {
  NodeSums s;
  for (const std::int32_t r : rows) {
    s.g += grads[static_cast<std::size_t>(r)].g;
    s.h += grads[static_cast<std::size_t>(r)].h;
    ++s.n;
  }
  return s;
}

}  // namespace finai::gbdt
