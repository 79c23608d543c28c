// The training loop's hottest gradient pass, binary log loss with low-bit gradients: each row's gradient
// and hessian computed from its margin and rounded stochastically in one vectorizable pass.
#pragma once

#include <cstdint>
#include <span>

#include "finai/core/context.hpp"
#include "histogram.hpp"

namespace finai::gbdt {

// exp(x), accurate to 1e-13 relative for |x| <= 700 (x is clamped to that range), from + and * alone: no
// table, no branch, no library call, so a compiler vectorizes loops that call it, and the result is the
// same bit for bit whatever the instruction set (its file is compiled without contracting a * b + c).
double FastExp(double x);

// QuantizeLowBit of the log-loss gradients of rows with these margins, 0/1 labels and weights (all
// <= max_weight): |g| <= w and h <= w / 4 bound the scales. The sigmoid uses FastExp; its error, 1e-13,
// is far below the rounding step (about 2^-11 of the largest gradient). Processors with AVX-512 run an
// AVX-512 copy of the loop (3x faster), others the plain one; both give the same values.
void LogLossGradientsLowBit(std::span<const double> margins, std::span<const double> labels,
                            std::span<const double> weights, double max_weight, std::uint64_t seed,
                            std::uint64_t stream, RowGradients& out, const Context& ctx);

}  // namespace finai::gbdt
