// Properties of the single-sample methods and of rolling estimation, on small samples worked out by hand and
// on simulated returns.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <vector>

#include "finai/core/random.hpp"
#include "finai/risk/var.hpp"

namespace finai::risk {
namespace {

std::vector<double> NormalReturns(std::size_t n, std::uint64_t seed, double sd = 1.0) {
  Rng rng(seed);
  std::vector<double> r(n);
  for (double& v : r) v = sd * rng.Normal();
  return r;
}

// Fat-tailed returns with volatility clustering: a GARCH(1,1) path (omega 0.05, alpha 0.1, beta 0.85).
std::vector<double> GarchReturns(std::size_t n, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<double> r(n);
  double h = 1, e = 0;
  for (double& v : r) {
    h = 0.05 + 0.1 * e * e + 0.85 * h;
    e = std::sqrt(h) * rng.Normal();
    v = 0.02 + e;
  }
  return r;
}

// Losses 1..10 (returns -1..-10). Type 1 at p: the ceil(10 p)-th smallest loss. Type 7: h = 1 + 9 p.
TEST(EmpiricalQuantile, WorkedByHand) {
  std::vector<double> losses = {7, 3, 10, 1, 5, 9, 2, 8, 4, 6};
  EXPECT_EQ(EmpiricalQuantile(losses, 0.95, QuantileRule::kInverseCdf), 10);  // ceil(9.5) = 10
  EXPECT_EQ(EmpiricalQuantile(losses, 0.9, QuantileRule::kInverseCdf), 9);    // 10 * 0.9 = 9 exactly: the 9th
  EXPECT_EQ(EmpiricalQuantile(losses, 0.81, QuantileRule::kInverseCdf), 9);   // ceil(8.1) = 9
  EXPECT_EQ(EmpiricalQuantile(losses, 0.01, QuantileRule::kInverseCdf), 1);
  EXPECT_DOUBLE_EQ(EmpiricalQuantile(losses, 0.95, QuantileRule::kLinear), 9.55);  // h = 9.55
  EXPECT_DOUBLE_EQ(EmpiricalQuantile(losses, 0.5, QuantileRule::kLinear), 5.5);    // h = 5.5
  // Tail mean at 0.75: the worst 2.5 losses: (10 + 9 + 0.5 * 8) / 2.5 = 9.2.
  EXPECT_NEAR(EmpiricalTailMean(losses, 0.75), 9.2, 1e-12);
  // At 0.8 the worst two exactly: (10 + 9) / 2.
  EXPECT_NEAR(EmpiricalTailMean(losses, 0.8), 9.5, 1e-12);
  // Beyond the last order statistic the tail is the largest loss alone.
  EXPECT_NEAR(EmpiricalTailMean(losses, 0.99), 10, 1e-12);
}

TEST(EmpiricalQuantile, WeightedWithEqualWeightsIsTypeOne) {
  const std::vector<double> losses = NormalReturns(1000, 3);
  const std::vector<double> w(1000, 1.0 / 1000);
  for (double p : {0.9, 0.95, 0.975, 0.99, 0.995, 0.9913}) {
    const WeightedTail t = WeightedQuantileAndTailMean(losses, w, p);
    EXPECT_EQ(t.var, EmpiricalQuantile(losses, p, QuantileRule::kInverseCdf)) << p;
    EXPECT_NEAR(t.es, EmpiricalTailMean(losses, p), 1e-12) << p;
  }
}

// Weights 0.1, 0.2, 0.3, 0.4 on losses 4, 1, 3, 2: sorted 1 (0.2), 2 (0.4), 3 (0.3), 4 (0.1); cumulative
// 0.2, 0.6, 0.9, 1.0. At p = 0.7: VaR = 3 (first cumulative >= 0.7); ES = (0.1 * 4 + (0.3 - 0.1) * 3) / 0.3 = 10/3.
TEST(EmpiricalQuantile, WeightedByHand) {
  const WeightedTail t =
      WeightedQuantileAndTailMean(std::vector<double>{4, 1, 3, 2}, std::vector<double>{0.1, 0.2, 0.3, 0.4}, 0.7);
  EXPECT_EQ(t.var, 3);
  EXPECT_NEAR(t.es, 10.0 / 3.0, 1e-15);
}

TEST(AgeWeighted, WeightsAndLimit) {
  // lambda = 0.5, n = 3: ages 2, 1, 0 get 0.25, 0.5, 1 times (1 - 0.5) / (1 - 0.125) = 4/7.
  const std::vector<double> w = AgeWeights(3, 0.5);
  EXPECT_NEAR(w[0], 1.0 / 7, 1e-15);
  EXPECT_NEAR(w[1], 2.0 / 7, 1e-15);
  EXPECT_NEAR(w[2], 4.0 / 7, 1e-15);
  const std::vector<double> r = NormalReturns(500, 4);
  const RiskLevels levels{.var_level = 0.99, .es_level = 0.975};
  const TailRisk hs = HistoricalVarEs(r, levels);
  const TailRisk equal = AgeWeightedVarEs(r, levels, 1.0);
  EXPECT_EQ(equal.var, hs.var);
  EXPECT_EQ(equal.var_at_es_level, hs.var_at_es_level);
  EXPECT_NEAR(equal.es, hs.es, 1e-12);
}

TEST(AgeWeighted, RecentLossesWeighMore) {
  // A calm year followed by a turbulent month: the age-weighted VaR follows the recent month.
  std::vector<double> r = NormalReturns(250, 5, 0.5);
  const std::vector<double> storm = NormalReturns(20, 6, 3.0);
  r.insert(r.end(), storm.begin(), storm.end());
  const RiskLevels levels;
  EXPECT_GT(AgeWeightedVarEs(r, levels, 0.97).var, HistoricalVarEs(r, levels).var);
}

TEST(Parametric, NormalClosedForm) {
  // z_0.99 = 2.3263478740408408, phi(z_0.975) / 0.025 = 2.3378027922014837 (tables / R qnorm, dnorm).
  const TailRisk t = NormalVarEs(0.1, 2.0, {.var_level = 0.99, .es_level = 0.975});
  EXPECT_NEAR(t.var, -0.1 + 2 * 2.3263478740408408, 1e-13);
  EXPECT_NEAR(t.var_at_es_level, -0.1 + 2 * 1.959963984540054, 1e-13);
  EXPECT_NEAR(t.es, -0.1 + 2 * 2.3378027922014837, 1e-12);
}

TEST(Parametric, StudentTApproachesNormal) {
  const RiskLevels levels;
  const TailRisk normal = NormalVarEs(0, 1, levels);
  const TailRisk t = StudentTVarEs(0, 1, 1e6, levels);
  EXPECT_NEAR(t.var, normal.var, 1e-5);
  EXPECT_NEAR(t.es, normal.es, 1e-5);
  // With few degrees of freedom the same variance has a heavier tail at 99% (and ES more so).
  const TailRisk t4 = StudentTVarEs(0, 1, 4, levels);
  EXPECT_GT(t4.es, normal.es);
}

TEST(Parametric, FittedDofRecoversHeavyTails) {
  // t_4 draws, scaled: ML on 20000 of them lands near 4; normal draws push nu to the upper end.
  Rng rng(7);
  std::vector<double> r(20000);
  for (double& v : r) v = rng.Normal() / std::sqrt(DrawChiSquare(rng, 4) / 4);
  EXPECT_NEAR(FitStudentTDof(r), 4.0, 0.4);
  EXPECT_GT(FitStudentTDof(NormalReturns(20000, 8)), 30.0);
}

TEST(Methods, EsIsAtLeastVarAtItsLevel) {
  const std::vector<double> r = GarchReturns(1200, 9);
  const Context ctx;
  for (VarMethod m : {VarMethod::kHistorical, VarMethod::kAgeWeighted, VarMethod::kFilteredHistorical,
                      VarMethod::kNormal, VarMethod::kStudentT}) {
    for (double p : {0.95, 0.975, 0.99}) {
      const VarSpec spec{.method = m, .levels = {.var_level = p, .es_level = p}};
      const TailRisk t = EstimateVarEs(r, spec, ctx).risk;
      EXPECT_GE(t.es, t.var) << VarMethodName(m) << " at " << p;
      EXPECT_EQ(t.var, t.var_at_es_level) << VarMethodName(m) << " at " << p;
      EXPECT_GT(t.var, 0) << VarMethodName(m);
    }
  }
}

TEST(FilteredHistorical, ScalesWithTheVolatilityForecast) {
  const std::vector<double> r = GarchReturns(1000, 10);
  const Context ctx;
  const RiskLevels levels;
  const FilteredHistoricalResult fhs = FilteredHistoricalVarEs(r, GarchSpec{}, levels, QuantileRule::kInverseCdf, ctx);
  // The scenarios are mu + sigma_{n+1} z_t: VaR = -mu + sigma_{n+1} * (type-1 quantile of -z).
  std::vector<double> minus_z(fhs.fit.standardized_residuals.size());
  for (std::size_t i = 0; i < minus_z.size(); ++i) minus_z[i] = -fhs.fit.standardized_residuals[i];
  EXPECT_NEAR(fhs.risk.var, -fhs.fit.mu + fhs.next_sd * EmpiricalQuantile(minus_z, 0.99, QuantileRule::kInverseCdf),
              1e-12);
  // Held parameters re-filtered over the same sample give the same figures as the fit itself.
  const FilteredHistoricalResult again = FilteredHistoricalVarEs(r, fhs.fit, levels, QuantileRule::kInverseCdf);
  EXPECT_DOUBLE_EQ(again.risk.var, fhs.risk.var);
  EXPECT_DOUBLE_EQ(again.risk.es, fhs.risk.es);
  EXPECT_DOUBLE_EQ(again.next_sd, fhs.next_sd);
}

TEST(Rolling, ForecastsUseOnlyThePast) {
  const std::vector<double> r = NormalReturns(400, 11);
  const Context ctx;
  const VarSpec spec;
  const RollingVarEs rolling = RollingVarEsSeries(r, spec, {.window = 250}, ctx);
  ASSERT_EQ(rolling.first_day, 250);
  ASSERT_EQ(rolling.size(), 150);
  for (std::int64_t i = 0; i < rolling.size(); i += 37) {
    const std::span<const double> window = std::span<const double>(r).subspan(static_cast<std::size_t>(i), 250);
    const TailRisk direct = HistoricalVarEs(window, spec.levels);
    EXPECT_EQ(rolling.risk[static_cast<std::size_t>(i)].var, direct.var);
    EXPECT_EQ(rolling.risk[static_cast<std::size_t>(i)].es, direct.es);
    EXPECT_EQ(rolling.realized[static_cast<std::size_t>(i)], r[static_cast<std::size_t>(250 + i)]);
  }
  const RollingVarEs last = RollingVarEsSeries(r, spec, {.window = 250, .last_days = 10}, ctx);
  ASSERT_EQ(last.first_day, 390);
  EXPECT_EQ(last.risk.back().var, rolling.risk.back().var);
}

TEST(Rolling, FilteredHsRefitsEveryKDaysAndIgnoresThreadCount) {
  const std::vector<double> r = GarchReturns(330, 12);
  const VarSpec spec{.method = VarMethod::kFilteredHistorical};
  const RollingSpec rolling{.window = 300, .refit_every = 10};
  Context one, two;
  one.set_threads(1);
  two.set_threads(2);
  const RollingVarEs a = RollingVarEsSeries(r, spec, rolling, one);
  const RollingVarEs b = RollingVarEsSeries(r, spec, rolling, two);
  ASSERT_EQ(a.size(), 30);
  for (std::size_t i = 0; i < a.risk.size(); ++i) {
    EXPECT_EQ(a.risk[i].var, b.risk[i].var) << i;
    EXPECT_EQ(a.risk[i].es, b.risk[i].es) << i;
  }
  // Days 10..19 hold the parameters fitted on day 10; day 11 is that fit re-filtered over its own window.
  EXPECT_EQ(a.models[10].garch_params, a.models[11].garch_params);
  EXPECT_NE(a.models[9].garch_params, a.models[10].garch_params);
  const Context ctx;
  const FilteredHistoricalResult fit10 =
      FilteredHistoricalVarEs(std::span<const double>(r).subspan(10, 300), spec.garch, spec.levels, spec.quantile, ctx);
  const FilteredHistoricalResult day11 =
      FilteredHistoricalVarEs(std::span<const double>(r).subspan(11, 300), fit10.fit, spec.levels, spec.quantile);
  EXPECT_EQ(a.risk[11].var, day11.risk.var);
}

}  // namespace
}  // namespace finai::risk
