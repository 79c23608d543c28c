// Gradient histograms in fixed point. Gradients and hessians are scaled and rounded to integers once per
// tree; sums of integers do not depend on the order of addition, so histograms, splits and the whole
// model are bit-identical at any thread count, and histogram subtraction (parent - smaller child = larger
// child) is exact.
//
// Two precisions. Exact: 62-bit fixed point (2^-40 or finer relative resolution for millions of rows, far
// below what changes a split) with the row count packed beside the hessian. Low-bit (LightGBM's quantized
// training, Shi et al. 2022): about 12 bits each, rounded stochastically so that sums stay unbiased, and
// gradient and hessian packed into one 64-bit word, so a row adds to a histogram slot in one addition and
// the histogram is half the size. Low-bit histograms hold no row count: a node's "count" is its hessian
// sum, which is positive exactly when the node has a row of positive weight (every such row's rounded
// hessian is at least 1). That is all a split needs unless min_data_in_leaf > 1 or a categorical feature
// needs per-category counts, which is when the trainer uses the exact precision.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "finai/core/context.hpp"
#include "finai/core/huge_pages.hpp"
#include "finai/core/parallel.hpp"
#include "finai/core/random.hpp"
#include "training_data.hpp"

namespace finai::gbdt {

// A histogram bin: the fixed-point gradient sum in one word, the hessian sum and the row count packed in
// the other (hessian above, count in the low `count_bits` bits; low-bit precision: the hessian alone).
// The hessians are non-negative and the scale keeps their sum below the count field, so the sums are exact.
struct HistBin {
  std::int64_t g = 0;
  std::uint64_t hn = 0;
};

// A row's gradient is a bin holding one row: hn = hessian << count_bits | 1 (low-bit: hn = hessian).
using GradPair = HistBin;

// Sums of a node: fixed-point gradient and hessian, and the row count (low-bit: the hessian again).
struct NodeSums {
  std::int64_t g = 0;
  std::int64_t h = 0;
  std::int64_t n = 0;
  NodeSums operator-(const NodeSums& o) const { return {g - o.g, h - o.h, n - o.n}; }
};

// The fixed-point scales of one tree's gradients, and the width of the count field of a bin (0: low-bit
// precision, no count field).
struct GradScale {
  double g = 1;
  double h = 1;
  int count_bits = 1;
};

inline NodeSums Unpack(const HistBin& b, int count_bits) {
  const auto hn = static_cast<std::int64_t>(b.hn);
  if (count_bits == 0) return {b.g, hn, hn};
  return {b.g, hn >> count_bits, hn & ((std::int64_t{1} << count_bits) - 1)};
}

// One tree's gradients in fixed point, row by row.
struct RowGradients {
  GradScale scale;
  std::vector<GradPair> pairs;       // exact only
  std::vector<std::int64_t> packed;  // low-bit only: g * 2^32 + h, what a row adds to a histogram slot

  bool low_bit() const { return scale.count_bits == 0; }
};

// Exact precision: rounds to nearest with scales that cannot overflow a sum over all rows.
void QuantizeGradients(std::span<const double> grad, std::span<const double> hess, RowGradients& out,
                       const Context& ctx);

// Upper bounds on |gradient| and on the hessian of every row: they set the low-bit scales.
struct GradientBounds {
  double g = 0;
  double h = 0;
};

namespace low_bit {
// Power-of-two scales that keep the sums of n rounded values within a signed and an unsigned 32-bit half.
GradScale ScalesFor(std::size_t n, GradientBounds bounds);
// The key of the random stream (seed, stream).
std::uint64_t StreamKey(std::uint64_t seed, std::uint64_t stream);

// Row i's gradient and hessian rounded stochastically and packed. Two uniforms in [0, 1) come from one
// hash of (key, i): floor(x + u) is x rounded up with probability frac(x), so the expected rounded value is
// x itself. A row of positive hessian keeps at least 1, so a node's hessian sum tells whether it has rows.
inline std::int64_t Round(double grad, double hess, const GradScale& scale, std::uint64_t key, std::size_t i) {
  std::uint64_t state = key + i;
  const std::uint64_t bits = SplitMix64(state);
  const double u_g = static_cast<double>(bits >> 32) * 0x1.0p-32;
  const double u_h = static_cast<double>(bits & 0xffffffffU) * 0x1.0p-32;
  const double g_up = grad * scale.g + u_g;
  // Truncated, then floored (std::floor is a libm call on x86-64); selects rather than branches, so that
  // loops calling this vectorize.
  auto g = static_cast<std::int64_t>(g_up);
  g -= static_cast<std::int64_t>(static_cast<double>(g) > g_up);
  auto h = static_cast<std::int64_t>(hess * scale.h + u_h);  // 0 for a hessian of 0
  h = (h < 1 && hess > 0) ? 1 : h;
  return static_cast<std::int64_t>((static_cast<std::uint64_t>(g) << 32) + static_cast<std::uint64_t>(h));
}

// Sets out's scales for n rows within `bounds` and makes room for n packed values; returns the key of
// the random stream (seed, stream). What every low-bit pass does before it rounds row by row.
inline std::uint64_t Prepare(std::size_t n, GradientBounds bounds, std::uint64_t seed, std::uint64_t stream,
                             RowGradients& out) {
  out.scale = ScalesFor(n, bounds);
  out.pairs.clear();
  if (out.packed.size() != n) AssignWithHugePages(out.packed, n, std::int64_t{0});
  return StreamKey(seed, stream);
}
}  // namespace low_bit

// Low-bit precision for n rows whose (gradient, hessian) gradient_of(i) returns, within `bounds`: computed
// and rounded in one pass. The random draws of row i come from stream (seed, stream) whatever the threads.
template <typename GradientOf>
void QuantizeLowBit(std::size_t n, const GradientOf& gradient_of, GradientBounds bounds, std::uint64_t seed,
                    std::uint64_t stream, RowGradients& out, const Context& ctx) {
  const std::uint64_t key = low_bit::Prepare(n, bounds, seed, stream, out);
  ParallelForBlocks(ctx, 0, static_cast<std::int64_t>(n), [&](std::int64_t lo, std::int64_t hi, int) {
    for (auto i = static_cast<std::size_t>(lo); i < static_cast<std::size_t>(hi); ++i) {
      const auto [g, h] = gradient_of(i);
      out.packed[i] = low_bit::Round(g, h, out.scale, key, i);
    }
  });
}

// Low-bit precision of stored gradients (bounds from their largest magnitudes).
void QuantizeGradientsLowBit(std::span<const double> grad, std::span<const double> hess, std::uint64_t seed,
                             std::uint64_t stream, RowGradients& out, const Context& ctx);

// The (gradient, hessian) packed in a low-bit slot or sum: g * 2^32 + h with 0 <= h < 2^32.
inline HistBin UnpackSlot(std::int64_t sum) {
  const std::uint64_t h = static_cast<std::uint64_t>(sum) & 0xffffffffU;
  return {(sum - static_cast<std::int64_t>(h)) >> 32, h};
}

using Histogram = std::vector<HistBin>;

// Histogram of the given rows over every feature, on up to ctx's threads.
void BuildHistogram(const TrainingData& data, std::span<const std::int32_t> rows, const RowGradients& grads,
                    Histogram& out, const Context& ctx);

// out = parent - child, slot by slot (exact).
void SubtractHistogram(const Histogram& parent, const Histogram& child, Histogram& out);

NodeSums SumOfRows(std::span<const std::int32_t> rows, const RowGradients& grads);

// The sums of a node from its histogram: those of any one feature's slots (every row is in one of them).
NodeSums SumOfHistogram(const Histogram& hist, const FeatureMeta& feature, int count_bits);

}  // namespace finai::gbdt
