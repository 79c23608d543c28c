// The fused log-loss gradient pass (src/models/gbdt/log_loss_low_bit.cpp): FastExp against std::exp, and
// the pass (its AVX-512 copy where the processor has AVX-512) against the generic rounding computed here,
// in this file's plain code, value by value.
#include <gtest/gtest.h>

#include <cmath>

#include "finai/core/random.hpp"
#include "models/gbdt/log_loss_low_bit.hpp"
#include "models/gbdt/objective.hpp"

namespace finai::gbdt {
namespace {

TEST(GbdtLogLossLowBit, FastExpIsWithin1e13OfStdExpAndClampsBeyond700) {
  Rng rng(11);
  double worst = 0;
  for (int i = 0; i < 200000; ++i) {
    const double x = -700 + 1400 * rng.Uniform();
    worst = std::max(worst, std::fabs(FastExp(x) / std::exp(x) - 1));
  }
  for (const double x : {0.0, -0.0, 1.0, -1.0, 0.5 * std::log(2.0), 700.0, -700.0, 1e-300}) {
    worst = std::max(worst, std::fabs(FastExp(x) / std::exp(x) - 1));
  }
  EXPECT_LT(worst, 1e-13);
  EXPECT_EQ(FastExp(0.0), 1.0);
  EXPECT_EQ(FastExp(800.0), FastExp(700.0));
  EXPECT_EQ(FastExp(-1e308), FastExp(-700.0));
  EXPECT_GT(FastExp(-700.0), 0.0);
  EXPECT_TRUE(std::isfinite(FastExp(700.0)));
}

TEST(GbdtLogLossLowBit, EqualsTheGenericRoundingOfTheSameGradients) {
  Rng rng(12);
  const std::size_t n = 30011;  // not a multiple of any vector width
  std::vector<double> margins(n), labels(n), weights(n);
  double max_weight = 0;
  for (std::size_t i = 0; i < n; ++i) {
    margins[i] = 6 * (rng.Uniform() - 0.5) + (i % 1000 == 0 ? 900.0 : 0.0);  // a few beyond the clamp
    labels[i] = rng.Uniform() < 0.3 ? 1.0 : 0.0;
    weights[i] = i % 17 == 0 ? 0.0 : 0.5 + rng.Uniform();
    max_weight = std::max(max_weight, weights[i]);
  }
  const auto generic = [&](std::size_t i) {
    const double p = 1.0 / (1.0 + FastExp(-margins[i]));
    return std::pair((p - labels[i]) * weights[i], std::max(p * (1 - p), kMinHessian) * weights[i]);
  };
  RowGradients expected;
  QuantizeLowBit(n, generic, {max_weight, max_weight / 4}, 3, 8, expected, Context{});
  for (const int threads : {1, 2}) {
    Context ctx;
    ctx.set_threads(threads);
    RowGradients fused;
    LogLossGradientsLowBit(margins, labels, weights, max_weight, 3, 8, fused, ctx);
    EXPECT_EQ(fused.scale.g, expected.scale.g);
    EXPECT_EQ(fused.scale.h, expected.scale.h);
    ASSERT_EQ(fused.packed, expected.packed) << threads << " threads";
  }
  // With std::exp in the sigmoid, hardly a row rounds differently (FastExp's error is 1e-13).
  RowGradients with_std_exp;
  QuantizeLowBit(n, [&](std::size_t i) { return LogLossGradient(margins[i], labels[i], weights[i]); },
                 {max_weight, max_weight / 4}, 3, 8, with_std_exp, Context{});
  std::size_t differ = 0;
  for (std::size_t i = 0; i < n; ++i) differ += with_std_exp.packed[i] != expected.packed[i] ? 1 : 0;
  EXPECT_LE(differ, 3U);
}

}  // namespace
}  // namespace finai::gbdt
