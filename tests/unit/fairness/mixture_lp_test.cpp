// fairness::SolveMixtureLp against scipy.optimize.linprog (HiGHS): tests/golden/fairness/make_mixture_lp_golden.py.
#include <gtest/gtest.h>

#include <vector>

#include "finai/core/error.hpp"
#include "finai/fairness/mitigation.hpp"

namespace finai::fairness {
namespace {

using Vec = std::vector<double>;

void ExpectWeights(const MixtureSolution& s, const Vec& expected) {
  ASSERT_EQ(s.weights.size(), expected.size());
  for (std::size_t t = 0; t < expected.size(); ++t) EXPECT_NEAR(s.weights[t], expected[t], 1e-9) << "t = " << t;
}

TEST(FairnessMixtureLp, MixesTheTwoClassifiersThatStraddleTheConstraint) {
  // make_mixture_lp_golden.py "straddle": weights {0.5, 0.5, 0, 0} error 0.11 z 0.
  const MixtureSolution s = SolveMixtureLp(Vec{0.10, 0.12, 0.20, 0.30},
                                           {{0.30, -0.30}, {-0.20, 0.20}, {0.05, -0.05}, {0.0, 0.0}}, 0.05, 20.0);
  ExpectWeights(s, {0.5, 0.5, 0, 0});
  EXPECT_NEAR(s.error, 0.11, 1e-12);
  EXPECT_NEAR(s.violation, 0, 1e-12);
}

TEST(FairnessMixtureLp, PricesTheViolationWhenNoMixtureIsFeasible) {
  // "infeasible": weights {0, 0, 1} error 0.25 z 0.07.
  const MixtureSolution s = SolveMixtureLp(
      Vec{0.15, 0.18, 0.25}, {{0.10, -0.10, 0.20, -0.20}, {-0.05, 0.05, 0.12, -0.12}, {0.02, -0.02, 0.08, -0.08}}, 0.01, 100.0);
  ExpectWeights(s, {0, 0, 1});
  EXPECT_NEAR(s.error, 0.25, 1e-12);
  EXPECT_NEAR(s.violation, 0.07, 1e-12);
}

TEST(FairnessMixtureLp, LooseToleranceKeepsTheMostAccurate) {
  // "loose": weights {1, 0, 0} error 0.1 z 0.
  const MixtureSolution s = SolveMixtureLp(Vec{0.10, 0.12, 0.20}, {{0.04, -0.04}, {-0.02, 0.02}, {0.0, 0.0}}, 0.05, 20.0);
  ExpectWeights(s, {1, 0, 0});
  EXPECT_NEAR(s.error, 0.10, 1e-12);
}

TEST(FairnessMixtureLp, RejectsRaggedInput) {
  EXPECT_THROW(SolveMixtureLp(Vec{}, {}, 0.05, 20), InvalidArgument);
  EXPECT_THROW(SolveMixtureLp(Vec{0.1, 0.2}, {{0.1, -0.1}}, 0.05, 20), InvalidArgument);
  EXPECT_THROW(SolveMixtureLp(Vec{0.1, 0.2}, {{0.1, -0.1}, {0.1}}, 0.05, 20), InvalidArgument);
}

}  // namespace
}  // namespace finai::fairness
