// Monte Carlo VaR / ES: agreement with the closed forms within Monte Carlo error, and the same result at any
// thread count.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "finai/core/random.hpp"
#include "finai/risk/var.hpp"

namespace finai::risk {
namespace {

Portfolio OneAsset(double mean, double sd) {
  Portfolio p;
  p.weights = {1.0};
  p.mean = Eigen::VectorXd::Constant(1, mean);
  p.covariance = Eigen::MatrixXd::Constant(1, 1, sd * sd);
  return p;
}

// Standard error of an empirical p-quantile of N draws with density f there: sqrt(p (1 - p) / N) / f. For a
// normal with sd 1.2 at 0.99: f = phi(2.326) / 1.2 = 0.0222, so with N = 200000 the error is about 0.010. The
// checks allow four standard errors.
constexpr double kQuantileTolerance = 0.04;

TEST(MonteCarlo, SingleNormalAssetMatchesParametric) {
  Context ctx;
  ctx.set_seed(17);
  const MonteCarloSpec spec{.simulations = 200000};
  const MonteCarloResult mc = MonteCarloVarEs(OneAsset(0.05, 1.2), spec, ctx);
  const TailRisk exact = NormalVarEs(0.05, 1.2, spec.levels);
  EXPECT_NEAR(mc.risk.var, exact.var, kQuantileTolerance);
  EXPECT_NEAR(mc.risk.var_at_es_level, exact.var_at_es_level, kQuantileTolerance);
  EXPECT_NEAR(mc.risk.es, exact.es, kQuantileTolerance);
  EXPECT_NEAR(mc.simulated_mean, 0.05, 4 * 1.2 / std::sqrt(200000.0));
  EXPECT_NEAR(mc.simulated_sd, 1.2, 0.01);
  EXPECT_DOUBLE_EQ(mc.analytic_sd, 1.2);
  EXPECT_EQ(mc.simulations, 200000);
}

TEST(MonteCarlo, SingleStudentTAssetMatchesParametric) {
  Context ctx;
  ctx.set_seed(18);
  const MonteCarloSpec spec{.distribution = McDistribution::kStudentT, .dof = 5, .simulations = 200000};
  const MonteCarloResult mc = MonteCarloVarEs(OneAsset(0.0, 1.0), spec, ctx);
  const TailRisk exact = StudentTVarEs(0.0, 1.0, 5, spec.levels);
  EXPECT_NEAR(mc.risk.var, exact.var, kQuantileTolerance);
  EXPECT_NEAR(mc.risk.es, exact.es, 2 * kQuantileTolerance);  // the t tail makes the tail mean noisier
  EXPECT_NEAR(mc.simulated_sd, 1.0, 0.02);
}

TEST(MonteCarlo, CorrelatedPortfolioMatchesItsNormalDistribution) {
  // Two assets, sd 1 and 2, correlation 0.5, weights 0.6 / 0.4: portfolio variance
  // 0.36 + 0.64 + 2 * 0.6 * 0.4 * 0.5 * 1 * 2 = 1.48.
  Portfolio p;
  p.weights = {0.6, 0.4};
  p.mean = Eigen::Vector2d(0.01, 0.03);
  p.covariance = (Eigen::Matrix2d() << 1.0, 1.0, 1.0, 4.0).finished();
  Context ctx;
  ctx.set_seed(19);
  const MonteCarloResult mc = MonteCarloVarEs(p, {.simulations = 200000}, ctx);
  EXPECT_NEAR(mc.analytic_sd, std::sqrt(1.48), 1e-14);
  EXPECT_NEAR(mc.analytic_mean, 0.018, 1e-15);
  const TailRisk exact = NormalVarEs(0.018, std::sqrt(1.48), {});
  EXPECT_NEAR(mc.risk.var, exact.var, kQuantileTolerance);
  EXPECT_NEAR(mc.risk.es, exact.es, kQuantileTolerance);
}

TEST(MonteCarlo, PerfectlyCorrelatedAssetsArePositiveSemiDefinite) {
  // Singular covariance (correlation 1): no Cholesky factor, but a valid covariance; the portfolio has sd 1.
  Portfolio p;
  p.weights = {0.5, 0.5};
  p.mean = Eigen::Vector2d(0, 0);
  p.covariance = Eigen::Matrix2d::Ones();
  const Eigen::MatrixXd a = CovarianceFactor(p.covariance);
  EXPECT_TRUE((a * a.transpose()).isApprox(p.covariance, 1e-12));
  Context ctx;
  const MonteCarloResult mc = MonteCarloVarEs(p, {.simulations = 100000}, ctx);
  EXPECT_NEAR(mc.analytic_sd, 1.0, 1e-14);
  EXPECT_NEAR(mc.risk.var, NormalVarEs(0, 1, {}).var, 2 * kQuantileTolerance);
}

TEST(MonteCarlo, SameResultAtAnyThreadCount) {
  Portfolio p;
  p.weights = {0.3, 0.3, 0.4};
  p.mean = Eigen::Vector3d(0.0, 0.01, -0.01);
  p.covariance = (Eigen::Matrix3d() << 1.0, 0.3, 0.1, 0.3, 2.0, 0.4, 0.1, 0.4, 1.5).finished();
  for (McDistribution d : {McDistribution::kNormal, McDistribution::kStudentT}) {
    // Not a multiple of the block size, so the last block is partial.
    const MonteCarloSpec spec{.distribution = d, .dof = 4, .simulations = 3 * kMonteCarloBlock + 123};
    Context one, two, four;
    one.set_threads(1).set_seed(5);
    two.set_threads(2).set_seed(5);
    four.set_threads(4).set_seed(5);
    const MonteCarloResult a = MonteCarloVarEs(p, spec, one);
    const MonteCarloResult b = MonteCarloVarEs(p, spec, two);
    const MonteCarloResult c = MonteCarloVarEs(p, spec, four);
    EXPECT_EQ(a.risk.var, b.risk.var);
    EXPECT_EQ(a.risk.es, b.risk.es);
    EXPECT_EQ(a.simulated_sd, b.simulated_sd);
    EXPECT_EQ(a.risk.var, c.risk.var);
    EXPECT_EQ(a.risk.es, c.risk.es);
    Context other;
    other.set_threads(2).set_seed(6);
    EXPECT_NE(MonteCarloVarEs(p, spec, other).risk.var, a.risk.var);  // the seed does matter
  }
}

TEST(MonteCarlo, ChiSquareDrawsHaveTheirMoments) {
  // chi2(nu) has mean nu and variance 2 nu; 100000 draws put the sample mean within 4 * sqrt(2 nu / N).
  for (double nu : {0.7, 3.0, 5.5}) {
    Rng rng(40);
    double sum = 0, ss = 0;
    const int n = 100000;
    for (int i = 0; i < n; ++i) {
      const double x = DrawChiSquare(rng, nu);
      sum += x;
      ss += x * x;
    }
    const double mean = sum / n;
    EXPECT_NEAR(mean, nu, 4 * std::sqrt(2 * nu / n)) << nu;
    EXPECT_NEAR(ss / n - mean * mean, 2 * nu, 0.1 * 2 * nu) << nu;
  }
}

}  // namespace
}  // namespace finai::risk
