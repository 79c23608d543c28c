// Gradient histograms in fixed point. Gradients and hessians are scaled by a power of two and rounded to
// 64-bit integers once per tree; sums of integers do not depend on the order of addition, so histograms,
// splits and the whole model are bit-identical at any thread count, and histogram subtraction
// (parent - smaller child = larger child) is exact. The scale leaves 2^-40 or finer relative resolution
// for data sets up to millions of rows: far below what changes a split.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "finai/core/context.hpp"
#include "training_data.hpp"

namespace finai::gbdt {

// A histogram bin: the fixed-point gradient sum in one word, the hessian sum and the row count packed in
// the other (hessian above, count in the low `count_bits` bits). Two additions per row instead of three,
// in 16 bytes instead of 24; the hessians are non-negative and the scale keeps their sum below the count
// field, so the packed sums are exact.
struct HistBin {
  std::int64_t g = 0;
  std::uint64_t hn = 0;
};

// A row's gradient is a bin holding one row: hn = hessian << count_bits | 1.
using GradPair = HistBin;

// Sums of a node: fixed-point gradient and hessian, and the row count.
struct NodeSums {
  std::int64_t g = 0;
  std::int64_t h = 0;
  std::int64_t n = 0;
  NodeSums operator-(const NodeSums& o) const { return {g - o.g, h - o.h, n - o.n}; }
};

// The fixed-point scales of one tree's gradients, and the width of the count field of a bin.
struct GradScale {
  double g = 1;
  double h = 1;
  int count_bits = 1;
};

inline NodeSums Unpack(const HistBin& b, int count_bits) {
  return {b.g, static_cast<std::int64_t>(b.hn >> count_bits),
          static_cast<std::int64_t>(b.hn & ((std::uint64_t{1} << count_bits) - 1))};
}

// Rounds gradients to fixed point with scales that cannot overflow a sum over `rows` rows.
GradScale QuantizeGradients(std::span<const double> grad, std::span<const double> hess, std::vector<GradPair>& out);

using Histogram = std::vector<HistBin>;

// Histogram of the given rows over every feature. scratch holds per-thread buffers between calls.
void BuildHistogram(const TrainingData& data, std::span<const std::int32_t> rows, std::span<const GradPair> grads,
                    Histogram& out, std::vector<Histogram>& scratch, const Context& ctx);

// out = parent - child, slot by slot (exact).
void SubtractHistogram(const Histogram& parent, const Histogram& child, Histogram& out);

NodeSums SumOfRows(std::span<const std::int32_t> rows, std::span<const GradPair> grads, int count_bits);

}  // namespace finai::gbdt
