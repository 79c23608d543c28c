#include "log_loss_low_bit.hpp"

#include <bit>

#include "finai/core/parallel.hpp"
#include "objective.hpp"

namespace finai::gbdt {

double FastExp(double x) {
  x = x < -700.0 ? -700.0 : x;  // comparisons, not std::clamp: GCC vectorizes these as selects
  x = x > 700.0 ? 700.0 : x;
  // x = k ln 2 + r with k an integer and |r| <= ln 2 / 2; adding 1.5 * 2^52 rounds x / ln 2 to an integer
  // held in the low bits of the sum. ln 2 is split in two so that k ln 2 is subtracted exactly.
  constexpr double kShift = 0x1.8p52;
  const double shifted = x * 0x1.71547652b82fep0 + kShift;
  const double k = shifted - kShift;
  const double r = (x - k * 0x1.62e42fefa39efp-1) - k * 0x1.abc9e3b39803fp-56;
  // e^r by its Taylor series to r^11 (the next term is below 2^-53 relative on |r| <= 0.35), Horner form.
  double p = 1.0 / 39916800;
  for (const double c : {1.0 / 3628800, 1.0 / 362880, 1.0 / 40320, 1.0 / 5040, 1.0 / 720, 1.0 / 120, 1.0 / 24,
                         1.0 / 6, 0.5, 1.0, 1.0}) {
    p = p * r + c;
  }
  // 2^k from its exponent bits (|k| <= 1010, a normal number).
  const std::uint64_t k_bits = std::bit_cast<std::uint64_t>(shifted) - std::bit_cast<std::uint64_t>(kShift);
  return p * std::bit_cast<double>((k_bits + 1023) << 52);
}

namespace {

// Rows [lo, hi). GCC compiles a copy for x86-64-v4 (AVX-512) and picks it at load time when the processor
// has it; the file is compiled with -ffp-contract=off, so the copies compute the same values.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
__attribute__((target_clones("arch=x86-64-v4", "default")))
#endif
void LogLossBlock(const double* margins, const double* labels, const double* weights, std::size_t lo, std::size_t hi,
                  GradScale scale, std::uint64_t key, std::int64_t* out) {
  for (std::size_t i = lo; i < hi; ++i) {
    const auto [g, h] = LogLossFromExp(FastExp(-margins[i]), labels[i], weights[i]);
    out[i] = low_bit::Round(g, h, scale, key, i);
  }
}

}  // namespace

void LogLossGradientsLowBit(std::span<const double> margins, std::span<const double> labels,
                            std::span<const double> weights, double max_weight, std::uint64_t seed,
                            std::uint64_t stream, RowGradients& out, const Context& ctx) {
  const std::uint64_t key = low_bit::Prepare(margins.size(), {max_weight, max_weight / 4}, seed, stream, out);
  ParallelForBlocks(ctx, 0, static_cast<std::int64_t>(margins.size()), [&](std::int64_t lo, std::int64_t hi, int) {
    LogLossBlock(margins.data(), labels.data(), weights.data(), static_cast<std::size_t>(lo),
                 static_cast<std::size_t>(hi), out.scale, key, out.packed.data());
  });
}

}  // namespace finai::gbdt
