// Properties of the GARCH fit that need no reference software: parameters of simulated series are recovered,
// forecasts follow the recursion and converge to the unconditional variance, fits are deterministic, bad
// inputs are rejected with messages that name the problem.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "finai/core/context.hpp"
#include "finai/core/error.hpp"
#include "finai/core/random.hpp"
#include "finai/risk/garch.hpp"

namespace finai::risk {
namespace {

struct TrueParams {
  double mu, omega, alpha, gamma, beta, nu;  // nu = 0: normal innovations; nu must be an integer otherwise
};

// Unit-variance innovation: a normal, or t_nu / sqrt(nu / (nu - 2)) with t_nu = Z / sqrt(chi2_nu / nu) and
// chi2_nu a sum of nu squared normals (exact for integer nu, and independent of the code under test).
double Innovation(Rng& rng, double nu) {
  if (nu == 0) return rng.Normal();
  const double z = rng.Normal();
  double chi2 = 0;
  for (int k = 0; k < static_cast<int>(nu); ++k) {
    const double u = rng.Normal();
    chi2 += u * u;
  }
  return z / std::sqrt(chi2 / nu) * std::sqrt((nu - 2) / nu);
}

// Simulates n returns after a burn-in of 1000 that forgets the start at the unconditional variance.
std::vector<double> Simulate(const TrueParams& p, std::size_t n, std::uint64_t seed) {
  Rng rng(seed);
  const double persistence = p.alpha + p.gamma / 2 + p.beta;
  double h = p.omega / (1 - persistence);
  double e = 0;
  std::vector<double> out;
  for (std::size_t t = 0; t < n + 1000; ++t) {
    h = p.omega + (p.alpha + (e < 0 ? p.gamma : 0.0)) * e * e + p.beta * h;
    e = std::sqrt(h) * Innovation(rng, p.nu);
    if (t >= 1000) out.push_back(p.mu + e);
  }
  return out;
}

std::vector<double> TrueVector(const GarchSpec& spec, const TrueParams& p) {
  std::vector<double> v{p.mu, p.omega, p.alpha};
  if (spec.kind == GarchKind::kGjr) v.push_back(p.gamma);
  v.push_back(p.beta);
  if (spec.innovation == Innovation::kStudentT) v.push_back(p.nu);
  return v;
}

void ExpectRecovered(const GarchSpec& spec, const TrueParams& truth, std::uint64_t seed) {
  const std::vector<double> r = Simulate(truth, 6000, seed);
  const GarchFit fit = FitGarch(r, spec, Context{});
  const std::vector<double> expected = TrueVector(spec, truth);
  ASSERT_EQ(fit.estimates.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    ASSERT_TRUE(std::isfinite(fit.std_errors[i])) << fit.param_names[i];
    // 4 standard errors: a fixed seed makes this deterministic, and a correct estimator misses by more than 4
    // SE with probability 6e-5 per parameter; a wrong likelihood or recursion misses by far more.
    EXPECT_NEAR(fit.estimates[i], expected[i], 4 * fit.std_errors[i]) << fit.param_names[i];
  }
}

TEST(GarchProperty, RecoversSimulatedGarchNormal) {
  ExpectRecovered({GarchKind::kGarch, Innovation::kNormal}, {0.05, 0.02, 0.08, 0, 0.9, 0}, 11);
}

TEST(GarchProperty, RecoversSimulatedGarchStudentT) {
  ExpectRecovered({GarchKind::kGarch, Innovation::kStudentT}, {0.03, 0.05, 0.1, 0, 0.85, 6}, 12);
}

TEST(GarchProperty, RecoversSimulatedGjrNormal) {
  ExpectRecovered({GarchKind::kGjr, Innovation::kNormal}, {0.04, 0.03, 0.03, 0.12, 0.88, 0}, 13);
}

TEST(GarchProperty, RecoversSimulatedGjrStudentT) {
  ExpectRecovered({GarchKind::kGjr, Innovation::kStudentT}, {0.0, 0.03, 0.04, 0.1, 0.86, 8}, 14);
}

TEST(GarchProperty, EstimatesScaleWithTheUnitOfTheReturns) {
  // Returns as fractions instead of percent: mu scales by 1/100, omega by 1/100^2, the rest is unchanged.
  const std::vector<double> pct = Simulate({0.05, 0.02, 0.08, 0, 0.9, 0}, 3000, 21);
  std::vector<double> frac(pct.size());
  for (std::size_t i = 0; i < pct.size(); ++i) frac[i] = pct[i] / 100;
  const GarchSpec spec{GarchKind::kGarch, Innovation::kNormal};
  const GarchFit a = FitGarch(pct, spec, Context{});
  const GarchFit b = FitGarch(frac, spec, Context{});
  EXPECT_NEAR(b.mu * 100, a.mu, 1e-4 * std::fabs(a.mu));
  EXPECT_NEAR(b.omega * 1e4, a.omega, 1e-4 * a.omega);
  EXPECT_NEAR(b.alpha, a.alpha, 1e-4 * a.alpha);
  EXPECT_NEAR(b.beta, a.beta, 1e-4 * a.beta);
  // log L shifts by n log(100) exactly (the density of r / 100 is 100 times that of r).
  EXPECT_NEAR(b.log_likelihood - a.log_likelihood, static_cast<double>(pct.size()) * std::log(100.0), 1e-5);
}

TEST(GarchProperty, FitIsDeterministicAtAnyThreadCount) {
  const std::vector<double> r = Simulate({0.05, 0.02, 0.08, 0.05, 0.85, 7}, 2000, 31);
  const GarchSpec spec{GarchKind::kGjr, Innovation::kStudentT};
  const GarchFit a = FitGarch(r, spec, Context{}.set_threads(1));
  const GarchFit b = FitGarch(r, spec, Context{}.set_threads(4));
  EXPECT_EQ(a.estimates, b.estimates);  // bit-identical
  EXPECT_EQ(a.std_errors, b.std_errors);
  EXPECT_EQ(a.log_likelihood, b.log_likelihood);
  EXPECT_EQ(a.conditional_variance, b.conditional_variance);
}

TEST(GarchProperty, FitIsConsistentWithItsOwnSeries) {
  const std::vector<double> r = Simulate({0.05, 0.02, 0.06, 0.08, 0.88, 0}, 1500, 41);
  const GarchSpec spec{GarchKind::kGjr, Innovation::kNormal};
  const GarchFit fit = FitGarch(r, spec, Context{});
  EXPECT_EQ(fit.n, 1500);
  EXPECT_DOUBLE_EQ(fit.log_likelihood, GarchLogLikelihood(r, spec, fit.estimates));
  EXPECT_DOUBLE_EQ(fit.persistence, fit.alpha + fit.gamma / 2 + fit.beta);
  EXPECT_LT(fit.persistence, 1.0);
  EXPECT_DOUBLE_EQ(fit.unconditional_variance, fit.omega / (1 - fit.persistence));
  const double k = 5;
  EXPECT_DOUBLE_EQ(fit.aic, -2 * fit.log_likelihood + 2 * k);
  EXPECT_DOUBLE_EQ(fit.bic, -2 * fit.log_likelihood + k * std::log(1500.0));
  // h_1 = omega + persistence * mean squared residual; then the GJR recursion.
  double s2 = 0;
  for (double v : r) s2 += (v - fit.mu) * (v - fit.mu);
  s2 /= static_cast<double>(r.size());
  EXPECT_NEAR(fit.conditional_variance[0], fit.omega + fit.persistence * s2, 1e-12);
  for (std::size_t t = 1; t < r.size(); ++t) {
    const double e = r[t - 1] - fit.mu;
    const double h_prev = fit.conditional_variance[t - 1];
    const double h = fit.omega + (fit.alpha + (e < 0 ? fit.gamma : 0)) * e * e + fit.beta * h_prev;
    ASSERT_NEAR(fit.conditional_variance[t], h, 1e-12 * h) << t;
    ASSERT_NEAR(fit.standardized_residuals[t], (r[t] - fit.mu) / std::sqrt(fit.conditional_variance[t]), 1e-12);
  }
  // The standardised residuals of a good fit have about unit variance.
  double z2 = 0;
  for (double z : fit.standardized_residuals) z2 += z * z;
  EXPECT_NEAR(z2 / 1500, 1.0, 0.1);
}

TEST(GarchForecast, FollowsTheRecursionAndConvergesToTheUnconditionalVariance) {
  const std::vector<double> r = Simulate({0.05, 0.02, 0.08, 0.06, 0.85, 0}, 2000, 51);
  const GarchFit fit = FitGarch(r, {GarchKind::kGjr, Innovation::kNormal}, Context{});
  const double e = r.back() - fit.mu;
  const double h_next =
      fit.omega + (fit.alpha + (e < 0 ? fit.gamma : 0)) * e * e + fit.beta * fit.conditional_variance.back();
  EXPECT_NEAR(NextVariance(fit), h_next, 1e-12 * h_next);
  const std::vector<double> f = ForecastVariance(fit, 3000);
  ASSERT_EQ(f.size(), 3000u);
  EXPECT_DOUBLE_EQ(f[0], NextVariance(fit));
  const double v = fit.unconditional_variance;
  for (std::size_t k = 1; k < f.size(); ++k) {
    // The gap to the unconditional variance shrinks by the persistence each step, without changing sign.
    ASSERT_NEAR(f[k] - v, fit.persistence * (f[k - 1] - v), 1e-12 * v) << k;
  }
  EXPECT_NEAR(f.back(), v, 1e-9 * v);
}

TEST(GarchForecast, RejectsBadHorizonAndEmptyFit) {
  const GarchFit fit = FitGarch(Simulate({0, 0.02, 0.08, 0, 0.9, 0}, 500, 61), {}, Context{});
  EXPECT_THROW(ForecastVariance(fit, 0), InvalidArgument);
  EXPECT_THROW(NextVariance(GarchFit{}), InvalidArgument);
}

TEST(GarchValidation, RejectsTooFewReturns) {
  const std::vector<double> r = Simulate({0, 0.02, 0.08, 0, 0.9, 0}, 99, 71);
  try {
    FitGarch(r, {}, Context{});
    FAIL() << "expected InvalidArgument";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("too few returns"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("99"), std::string::npos) << e.what();
  }
}

TEST(GarchValidation, RejectsNonFiniteReturnsNamingTheIndex) {
  std::vector<double> r = Simulate({0, 0.02, 0.08, 0, 0.9, 0}, 300, 72);
  r[137] = std::numeric_limits<double>::quiet_NaN();
  try {
    FitGarch(r, {}, Context{});
    FAIL() << "expected InvalidData";
  } catch (const InvalidData& e) {
    EXPECT_NE(std::string(e.what()).find("index 137"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("nan"), std::string::npos) << e.what();
  }
  r[137] = 0.1;
  r[250] = -std::numeric_limits<double>::infinity();
  try {
    FitGarch(r, {}, Context{});
    FAIL() << "expected InvalidData";
  } catch (const InvalidData& e) {
    EXPECT_NE(std::string(e.what()).find("index 250"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("-inf"), std::string::npos) << e.what();
  }
}

TEST(GarchValidation, RejectsConstantReturns) {
  const std::vector<double> r(200, 0.5);
  EXPECT_THROW(FitGarch(r, {}, Context{}), InvalidData);
}

TEST(GarchValidation, LogLikelihoodChecksItsArguments) {
  const std::vector<double> r = Simulate({0, 0.02, 0.08, 0, 0.9, 0}, 200, 73);
  const GarchSpec t_spec{GarchKind::kGarch, Innovation::kStudentT};
  EXPECT_THROW(GarchLogLikelihood(r, t_spec, std::vector<double>{0, 0.02, 0.08, 0.9}), InvalidArgument);
  EXPECT_THROW(GarchLogLikelihood({}, GarchSpec{}, std::vector<double>{0, 0.02, 0.08, 0.9}), InvalidArgument);
  // Outside the domain the likelihood is -infinity, not an exception: optimisers probe there.
  EXPECT_EQ(GarchLogLikelihood(r, t_spec, std::vector<double>{0, 0.02, 0.08, 0.9, 2.0}),
            -std::numeric_limits<double>::infinity());
  EXPECT_EQ(GarchLogLikelihood(r, GarchSpec{}, std::vector<double>{0, -0.02, 0.0, 0.0}),
            -std::numeric_limits<double>::infinity());
}

TEST(GarchSpecNames, ParameterOrderAndParsing) {
  EXPECT_EQ(GarchParamNames({GarchKind::kGjr, Innovation::kStudentT, true}),
            (std::vector<std::string>{"mu", "omega", "alpha", "gamma", "beta", "nu"}));
  EXPECT_EQ(GarchParamNames({GarchKind::kGarch, Innovation::kNormal, false}),
            (std::vector<std::string>{"omega", "alpha", "beta"}));
  EXPECT_EQ(ParseGarchKind("gjr"), GarchKind::kGjr);
  EXPECT_EQ(ParseInnovation("t"), Innovation::kStudentT);
  EXPECT_THROW(ParseGarchKind("egarch"), InvalidArgument);
  EXPECT_THROW(ParseInnovation("student"), InvalidArgument);
}

TEST(GarchProperty, MeanFarFromZeroInVolatilityUnits) {
  // A drift of 4 standard deviations per period (prices rising steadily): the start and the bounds follow the
  // sample mean, so the fit neither rejects the start nor pins mu to a bound.
  const TrueParams truth{4.0, 0.02, 0.08, 0, 0.9, 0};
  const std::vector<double> r = Simulate(truth, 3000, 91);
  const GarchFit fit = FitGarch(r, {}, Context{});
  EXPECT_NEAR(fit.mu, truth.mu, 4 * fit.std_errors[0]);
  EXPECT_NEAR(fit.beta, truth.beta, 4 * fit.std_errors[3]);
}

TEST(GarchProperty, ZeroMeanSpecFixesMuAtZero) {
  const std::vector<double> r = Simulate({0, 0.02, 0.08, 0, 0.9, 0}, 2000, 81);
  const GarchFit fit = FitGarch(r, {GarchKind::kGarch, Innovation::kNormal, false}, Context{});
  EXPECT_EQ(fit.mu, 0.0);
  EXPECT_EQ(fit.estimates.size(), 3u);
  EXPECT_NEAR(fit.beta, 0.9, 4 * fit.std_errors[2]);
}

}  // namespace
}  // namespace finai::risk
