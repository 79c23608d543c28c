// Risk cells joined by a copula: comonotone cells add up, independent ones diversify, the Student-t's tail
// dependence costs capital, the correlation matrix is checked, and the result is the same at any thread count.
#include "finai/risk/lda/copula.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "finai/core/context.hpp"
#include "finai/core/error.hpp"

namespace finai::risk::lda {
namespace {

Context Threads(int threads) {
  Context ctx;
  ctx.set_threads(threads).set_seed(1234);
  return ctx;
}

std::vector<RiskCell> TwoCells() {
  return {{"fire", Poisson{20}, Lognormal{0.8, 1.2}}, {"fraud", NegativeBinomial{4, 12}, Weibull{0.7, 3.0}}};
}

TEST(Copula, PerfectCorrelationAddsTheStandaloneVaRs) {
  // rho = 1 is singular but valid: the cells become comonotone, so every order statistic of the sum is the sum
  // of the cells' order statistics, and VaR is additive (no diversification).
  const CopulaSpec copula{CopulaFamily::kGaussian, EquicorrelationMatrix(2, 1.0)};
  const CellsResult r = AggregateCells(TwoCells(), copula, 100'000, {.level = 0.999}, Threads(2));
  EXPECT_NEAR(r.total.var, r.sum_of_standalone_var, 1e-9 * r.sum_of_standalone_var);
  EXPECT_NEAR(r.diversification, 0.0, 1e-9);
  EXPECT_EQ(r.names, (std::vector<std::string>{"fire", "fraud"}));
}

TEST(Copula, IndependenceDiversifiesAndTailDependenceCosts) {
  const std::int64_t years = 400'000;
  const CellsResult independent = AggregateCells(TwoCells(), {CopulaFamily::kGaussian, EquicorrelationMatrix(2, 0.0)},
                                                 years, {.level = 0.999}, Threads(2));
  EXPECT_GT(independent.diversification, 0.05);
  EXPECT_LT(independent.total.var_upper, independent.sum_of_standalone_var);
  // The margins are the same simulated years whatever the copula.
  const CellsResult gaussian = AggregateCells(TwoCells(), {CopulaFamily::kGaussian, EquicorrelationMatrix(2, 0.3)},
                                              years, {.level = 0.999}, Threads(2));
  const CellsResult student = AggregateCells(TwoCells(), {CopulaFamily::kStudentT, EquicorrelationMatrix(2, 0.3), 2.0},
                                             years, {.level = 0.999}, Threads(2));
  EXPECT_EQ(gaussian.standalone[0].var, student.standalone[0].var);
  EXPECT_EQ(gaussian.standalone[1].var, independent.standalone[1].var);
  // Correlation raises the VaR of the sum; the t copula's tail dependence raises it further.
  EXPECT_GT(gaussian.total.var_lower, independent.total.var_upper);
  EXPECT_GT(student.total.var_lower, gaussian.total.var_upper);
}

TEST(Copula, SameResultAtAnyThreadCount) {
  const CopulaSpec copula{CopulaFamily::kStudentT, EquicorrelationMatrix(2, 0.4), 4.0};
  const std::int64_t years = 2 * kYearsPerBlock + 77;
  const CellsResult one = AggregateCells(TwoCells(), copula, years, {.level = 0.99}, Threads(1));
  const CellsResult two = AggregateCells(TwoCells(), copula, years, {.level = 0.99}, Threads(2));
  EXPECT_EQ(one.total.var, two.total.var);
  EXPECT_EQ(one.total.es, two.total.es);
  EXPECT_EQ(one.total.mean, two.total.mean);
  EXPECT_EQ(one.standalone[1].es, two.standalone[1].es);
}

TEST(Copula, FactorReproducesTheMatrix) {
  Eigen::MatrixXd c(3, 3);
  c << 1, 0.5, 0.2, 0.5, 1, 0.3, 0.2, 0.3, 1;
  const Eigen::MatrixXd a = CorrelationFactor(c);
  EXPECT_LT((a * a.transpose() - c).cwiseAbs().maxCoeff(), 1e-14);
  const Eigen::MatrixXd singular = EquicorrelationMatrix(3, 1.0);
  const Eigen::MatrixXd b = CorrelationFactor(singular);
  EXPECT_LT((b * b.transpose() - singular).cwiseAbs().maxCoeff(), 1e-12);
}

std::string MessageOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const InvalidArgument& e) {
    return e.what();
  }
  return "no InvalidArgument thrown";
}

TEST(Copula, RejectsBadCorrelationMatrices) {
  Eigen::MatrixXd indefinite(3, 3);
  // Eigenvalues 1.9, 1.9, -0.8 (R: eigen()): no random vector has these correlations.
  indefinite << 1, 0.9, 0.9, 0.9, 1, -0.9, 0.9, -0.9, 1;
  EXPECT_EQ(MessageOf([&] { CorrelationFactor(indefinite); }),
            "the correlation matrix is not positive semi-definite (smallest eigenvalue -0.8)");
  Eigen::MatrixXd asymmetric(2, 2);
  asymmetric << 1, 0.5, 0.4, 1;
  EXPECT_EQ(MessageOf([&] { CorrelationFactor(asymmetric); }),
            "the correlation matrix is not symmetric: entry (1, 2) is 0.5 but (2, 1) is 0.4");
  Eigen::MatrixXd diagonal = EquicorrelationMatrix(2, 0.1);
  diagonal(1, 1) = 2;
  EXPECT_EQ(MessageOf([&] { CorrelationFactor(diagonal); }), "correlation matrix entry (2, 2) is 2, not 1");
  EXPECT_EQ(MessageOf([&] { CorrelationFactor(EquicorrelationMatrix(2, 1.5)); }),
            "correlation matrix entry (1, 2) is 1.5, outside [-1, 1]");
  EXPECT_EQ(MessageOf([&] {
              AggregateCells(TwoCells(), {CopulaFamily::kGaussian, EquicorrelationMatrix(3, 0.1)}, 100, {}, Threads(1));
            }),
            "the correlation matrix is 3x3 but there are 2 risk cells");
  EXPECT_EQ(MessageOf([&] {
              AggregateCells(TwoCells(), {CopulaFamily::kGaussian, indefinite.topLeftCorner(2, 2)}, 100, {.level = 1.2},
                             Threads(1));
            }),
            "level 1.2 is outside (0, 1); expected 0 < level < 1");
}

}  // namespace
}  // namespace finai::risk::lda
