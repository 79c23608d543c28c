#include "finai/risk/mle.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "finai/core/error.hpp"
#include "finai/core/random.hpp"

namespace finai::risk {
namespace {

// The normal model has closed-form MLEs (sample mean, sample variance with divisor n) and standard errors
// (sigma / sqrt(n) for the mean, sigma / sqrt(2n) for sigma): an independent check of the optimiser.
TEST(Mle, NormalModelMatchesClosedForm) {
  Rng rng(5);
  std::vector<double> x(2000);
  for (double& v : x) v = 3.0 + 2.0 * rng.Normal();
  double mean = 0;
  for (double v : x) mean += v;
  mean /= static_cast<double>(x.size());
  double var = 0;
  for (double v : x) var += (v - mean) * (v - mean);
  var /= static_cast<double>(x.size());
  const double n = static_cast<double>(x.size());
  LogLikelihood ll = [&](std::span<const double> p) {
    const double mu = p[0], sigma = p[1];
    double s = 0;
    for (double v : x) s += -0.5 * std::log(2 * std::numbers::pi * sigma * sigma) - (v - mu) * (v - mu) / (2 * sigma * sigma);
    return s;
  };
  const MleResult r = MaximizeLikelihood(ll, {0.0, 1.0}, {-10, 1e-6}, {10, 100});
  EXPECT_NEAR(r.params[0], mean, 1e-6);
  EXPECT_NEAR(r.params[1], std::sqrt(var), 1e-6);
  EXPECT_NEAR(r.std_errors[0], std::sqrt(var / n), 1e-4 * std::sqrt(var / n));
  EXPECT_NEAR(r.std_errors[1], std::sqrt(var / (2 * n)), 1e-3 * std::sqrt(var / (2 * n)));
}

TEST(Mle, RejectsBadStartAndBounds) {
  LogLikelihood ll = [](std::span<const double> p) { return -p[0] * p[0]; };
  EXPECT_THROW(MaximizeLikelihood(ll, {5.0}, {-1}, {1}), InvalidArgument);
  EXPECT_THROW(MaximizeLikelihood(ll, {0.0}, {-1, 0}, {1}), InvalidArgument);
  LogLikelihood nan = [](std::span<const double>) { return std::nan(""); };
  EXPECT_THROW(MaximizeLikelihood(nan, {0.0}, {-1}, {1}), InvalidData);
}

}  // namespace
}  // namespace finai::risk
