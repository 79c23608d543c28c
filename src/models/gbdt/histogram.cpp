#include "histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <type_traits>

#include "finai/core/check.hpp"
#include "finai/core/parallel.hpp"
#include "finai/core/random.hpp"

namespace finai::gbdt {

namespace {
// The power of two that keeps |sum| of n values of magnitude <= max_abs below 2^bits.
double ScaleFor(double max_abs, std::size_t n, int bits) {
  if (!(max_abs > 0)) return 1.0;
  const double bound = max_abs * static_cast<double>(std::max<std::size_t>(n, 1));
  return std::ldexp(1.0, bits - static_cast<int>(std::ceil(std::log2(bound))) - 1);
}

// The largest |grad| and |hess|, per block then over blocks: a maximum does not depend on the order.
std::pair<double, double> LargestMagnitudes(std::span<const double> grad, std::span<const double> hess,
                                            const Context& ctx) {
  const int threads = ctx.EffectiveThreads();
  std::vector<double> block_max_g(static_cast<std::size_t>(threads), 0.0), block_max_h(block_max_g);
  ParallelForBlocks(ctx, 0, static_cast<std::int64_t>(grad.size()), [&](std::int64_t lo, std::int64_t hi, int t) {
    double max_g = 0, max_h = 0;
    for (auto i = static_cast<std::size_t>(lo); i < static_cast<std::size_t>(hi); ++i) {
      max_g = std::max(max_g, std::fabs(grad[i]));
      max_h = std::max(max_h, std::fabs(hess[i]));
    }
    block_max_g[static_cast<std::size_t>(t)] = max_g;
    block_max_h[static_cast<std::size_t>(t)] = max_h;
  });
  return {*std::max_element(block_max_g.begin(), block_max_g.end()),
          *std::max_element(block_max_h.begin(), block_max_h.end())};
}

// Rows per thread below which one thread builds the histogram alone (starting threads costs more).
constexpr std::size_t kMinRowsPerThread = 8192;
}  // namespace

void QuantizeGradients(std::span<const double> grad, std::span<const double> hess, RowGradients& out,
                       const Context& ctx) {
  const auto [max_g, max_h] = LargestMagnitudes(grad, hess, ctx);
  GradScale& scale = out.scale;
  scale.count_bits = std::max(1, static_cast<int>(std::bit_width(grad.size())));
  scale.g = ScaleFor(max_g, grad.size(), 62);
  // Even for 2^31 rows the hessians keep 30 bits; for a million rows, 42.
  scale.h = ScaleFor(max_h, hess.size(), 62 - scale.count_bits);
  out.pairs.resize(grad.size());
  out.packed.clear();
  ParallelForBlocks(ctx, 0, static_cast<std::int64_t>(grad.size()), [&](std::int64_t lo, std::int64_t hi, int) {
    for (auto i = static_cast<std::size_t>(lo); i < static_cast<std::size_t>(hi); ++i) {
      // Round to nearest by adding a half and truncating (cheaper than llround; the hessian is never
      // negative and the gradient's sign is restored).
      const double g = grad[i] * scale.g;
      const auto g_fixed = static_cast<std::int64_t>(std::fabs(g) + 0.5);
      const auto h_fixed = static_cast<std::uint64_t>(hess[i] * scale.h + 0.5);
      out.pairs[i] = {g < 0 ? -g_fixed : g_fixed, (h_fixed << scale.count_bits) | 1};
    }
  });
}

namespace low_bit {
GradScale ScalesFor(std::size_t n, GradientBounds bounds) {
  // |rounded gradient| <= g_limit and rounded hessian <= h_limit keep the sums over n rows within a signed
  // and an unsigned 32-bit half. Scales are powers of two, so converting back is exact.
  const auto rows = static_cast<double>(std::max<std::size_t>(n, 1));
  const double g_limit = std::floor(2147483647.0 / rows);
  const double h_limit = std::floor(4294967295.0 / rows);
  GradScale scale;
  scale.count_bits = 0;
  scale.g = bounds.g > 0 ? std::exp2(std::floor(std::log2(g_limit / bounds.g))) : 1.0;
  scale.h = bounds.h > 0 ? std::exp2(std::floor(std::log2(h_limit / bounds.h))) : 1.0;
  return scale;
}

std::uint64_t StreamKey(std::uint64_t seed, std::uint64_t stream) {
  return seed ^ (0x9e3779b97f4a7c15ULL * (stream + 1));
}
}  // namespace low_bit

void QuantizeGradientsLowBit(std::span<const double> grad, std::span<const double> hess, std::uint64_t seed,
                             std::uint64_t stream, RowGradients& out, const Context& ctx) {
  const auto [max_g, max_h] = LargestMagnitudes(grad, hess, ctx);
  QuantizeLowBit(grad.size(), [&](std::size_t i) { return std::pair(grad[i], hess[i]); }, {max_g, max_h}, seed, stream,
                 out, ctx);
}

namespace {

void AddTo(HistBin& slot, const GradPair& value) {
  slot.g += value.g;
  slot.hn += value.hn;
}
void AddTo(std::int64_t& slot, std::int64_t value) { slot += value; }

// A slot's sums as a histogram bin.
HistBin AsBin(const HistBin& slot) { return slot; }
HistBin AsBin(std::int64_t slot) { return UnpackSlot(slot); }

// A histogram of 28 features of 255 bins is 57 KB of packed slots (twice that exact), more than a core's
// L1 data cache (32-48 KB). Rows that are dense in the matrix are cheap to read twice, so they are added
// in passes over groups of features whose slots fit in 32 KB: about 20% faster. Scattered rows are read
// once, all features together (a second gather would cost more than the cache misses).
std::vector<std::pair<int, int>> FeaturePasses(const TrainingData& data, std::span<const std::int32_t> rows,
                                               std::size_t slot_bytes) {
  const bool dense = !rows.empty() && 2 * rows.size() >= static_cast<std::size_t>(rows.back() - rows.front() + 1);
  if (!dense) return {{0, data.features}};
  constexpr std::size_t kPassBytes = 32 * 1024;
  std::vector<std::pair<int, int>> passes;
  int first = 0;
  std::size_t bytes = 0;
  for (int f = 0; f < data.features; ++f) {
    const std::size_t feature_bytes = static_cast<std::size_t>(data.meta[static_cast<std::size_t>(f)].num_bins) * slot_bytes;
    if (f > first && bytes + feature_bytes > kPassBytes) {
      passes.emplace_back(first, f);
      first = f;
      bytes = 0;
    }
    bytes += feature_bytes;
  }
  passes.emplace_back(first, data.features);
  return passes;
}

// The features' first slots, contiguous: the inner loops read nothing else of the metadata.
std::vector<int> FeatureOffsets(const TrainingData& data) {
  std::vector<int> offsets(static_cast<std::size_t>(data.features));
  for (int f = 0; f < data.features; ++f) offsets[static_cast<std::size_t>(f)] = data.meta[static_cast<std::size_t>(f)].offset;
  return offsets;
}

// AddRows for rows first_row, first_row + 1, ..., end_row - 1: read straight, without an index (the root
// of a tree without row sampling; about 10% faster). Not inlined: in one function with the loop below,
// GCC 12 kept that loop's pointers on the stack (25% slower).
template <typename Slot, typename Value>
[[gnu::noinline]] void AddRowRange(const TrainingData& data, std::int32_t first_row, std::int32_t end_row,
                                   const Value* values, Slot* hist, const std::vector<std::pair<int, int>>& passes) {
  const std::vector<int> offsets = FeatureOffsets(data);
  const int* offset = offsets.data();
  for (const auto& [first, last] : passes) {
    for (std::int32_t r = first_row; r < end_row; ++r) {
      const std::uint8_t* codes = data.row(r);
      const Value value = values[static_cast<std::size_t>(r)];
      for (int f = first; f < last; ++f) AddTo(hist[offset[f] + codes[f]], value);
    }
  }
}

// Adds each row's value to the slot of each of its codes: exact bins take two additions per row and
// feature, packed low-bit slots one. (Rows are sorted and distinct.)
template <typename Slot, typename Value>
void AddRows(const TrainingData& data, std::span<const std::int32_t> rows, const Value* values, Slot* hist) {
  if (rows.empty()) return;
  const std::vector<std::pair<int, int>> passes = FeaturePasses(data, rows, sizeof(Slot));
  if (static_cast<std::size_t>(rows.back() - rows.front()) + 1 == rows.size()) {
    AddRowRange(data, rows.front(), rows.back() + 1, values, hist, passes);
    return;
  }
  const std::vector<int> offsets = FeatureOffsets(data);
  const int* offset = offsets.data();
  // A child node's rows are scattered over the matrix: fetch a row's codes and value some rows ahead
  // (the hardware prefetcher only follows regular strides; written out here, as GCC 12 dropped the
  // prefetches of a lambda). Two rows at a time, feature by feature, give the processor twice the
  // independent additions to overlap (a slot both rows hit simply gets two additions in turn).
  constexpr std::size_t kPrefetchDistance = 16;
  const std::size_t count = rows.size();
  for (const auto& [first, last] : passes) {
    std::size_t i = 0;
    for (; i + 1 < count; i += 2) {
      if (i + kPrefetchDistance + 1 < count) {
        const std::int32_t ahead0 = rows[i + kPrefetchDistance];
        const std::int32_t ahead1 = rows[i + kPrefetchDistance + 1];
        __builtin_prefetch(data.row(ahead0));
        __builtin_prefetch(&values[static_cast<std::size_t>(ahead0)]);
        __builtin_prefetch(data.row(ahead1));
        __builtin_prefetch(&values[static_cast<std::size_t>(ahead1)]);
      }
      const std::uint8_t* codes0 = data.row(rows[i]);
      const std::uint8_t* codes1 = data.row(rows[i + 1]);
      const Value value0 = values[static_cast<std::size_t>(rows[i])];
      const Value value1 = values[static_cast<std::size_t>(rows[i + 1])];
      for (int f = first; f < last; ++f) {
        AddTo(hist[offset[f] + codes0[f]], value0);
        AddTo(hist[offset[f] + codes1[f]], value1);
      }
    }
    if (i < count) {
      const std::uint8_t* codes = data.row(rows[i]);
      const Value value = values[static_cast<std::size_t>(rows[i])];
      for (int f = first; f < last; ++f) AddTo(hist[offset[f] + codes[f]], value);
    }
  }
}

// Per-thread partial histograms, kept from call to call (OpenMP keeps its threads).
template <typename Slot>
std::vector<Slot>& ThreadSlots(std::size_t slots) {
  thread_local std::vector<Slot> buffer;
  buffer.assign(slots, Slot{});
  return buffer;
}

// The histogram of `rows` on `threads` threads: each accumulates a block of rows into its own slots,
// then the slots are summed (integer sums: the order cannot change the result) and written to `out`.
template <typename Slot, typename Value>
void Build(const TrainingData& data, std::span<const std::int32_t> rows, const Value* values, Histogram& out,
           const Context& ctx, int threads) {
  const auto slots = static_cast<std::size_t>(data.total_bins);
  if constexpr (std::is_same_v<Slot, HistBin>) {
    if (threads == 1) {  // straight into `out`
      out.assign(slots, HistBin{});
      AddRows(data, rows, values, out.data());
      return;
    }
  }
  std::vector<const Slot*> partial(static_cast<std::size_t>(threads), nullptr);
  Context block_ctx = ctx;
  block_ctx.set_threads(threads);
  ParallelForBlocks(block_ctx, 0, static_cast<std::int64_t>(rows.size()), [&](std::int64_t lo, std::int64_t hi, int t) {
    std::vector<Slot>& mine = ThreadSlots<Slot>(slots);
    AddRows(data, rows.subspan(static_cast<std::size_t>(lo), static_cast<std::size_t>(hi - lo)), values, mine.data());
    partial[static_cast<std::size_t>(t)] = mine.data();
  });
  out.resize(slots);
  ParallelForBlocks(block_ctx, 0, static_cast<std::int64_t>(slots), [&](std::int64_t lo, std::int64_t hi, int) {
    for (auto s = static_cast<std::size_t>(lo); s < static_cast<std::size_t>(hi); ++s) {
      Slot sum{};
      for (const Slot* p : partial) {
        if (p != nullptr) AddTo(sum, p[s]);
      }
      out[s] = AsBin(sum);
    }
  });
}

}  // namespace

void BuildHistogram(const TrainingData& data, std::span<const std::int32_t> rows, const RowGradients& grads,
                    Histogram& out, const Context& ctx) {
  const int threads = static_cast<int>(
      std::clamp<std::size_t>(rows.size() / kMinRowsPerThread, 1, static_cast<std::size_t>(ctx.EffectiveThreads())));
  if (grads.low_bit()) {
    Build<std::int64_t>(data, rows, grads.packed.data(), out, ctx, threads);
  } else {
    Build<HistBin>(data, rows, grads.pairs.data(), out, ctx, threads);
  }
}

void SubtractHistogram(const Histogram& parent, const Histogram& child, Histogram& out) {
  FINAI_CHECK(parent.size() == child.size(), "histograms of different sizes");
  out.resize(parent.size());
  for (std::size_t s = 0; s < parent.size(); ++s) {
    out[s] = {parent[s].g - child[s].g, parent[s].hn - child[s].hn};
  }
}

NodeSums SumOfRows(std::span<const std::int32_t> rows, const RowGradients& grads) {
  if (grads.low_bit()) {
    std::int64_t packed = 0;
    for (const std::int32_t r : rows) packed += grads.packed[static_cast<std::size_t>(r)];
    return Unpack(UnpackSlot(packed), 0);
  }
  HistBin sum;
  for (const std::int32_t r : rows) {
    sum.g += grads.pairs[static_cast<std::size_t>(r)].g;
    sum.hn += grads.pairs[static_cast<std::size_t>(r)].hn;
  }
  return Unpack(sum, grads.scale.count_bits);
}

NodeSums SumOfHistogram(const Histogram& hist, const FeatureMeta& feature, int count_bits) {
  HistBin sum;
  for (int b = 0; b < feature.num_bins; ++b) {
    sum.g += hist[static_cast<std::size_t>(feature.offset + b)].g;
    sum.hn += hist[static_cast<std::size_t>(feature.offset + b)].hn;
  }
  return Unpack(sum, count_bits);
}

}  // namespace finai::gbdt
