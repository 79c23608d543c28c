// Coverage tests, the traffic light and the Acerbi-Szekely ES tests on sequences small enough to work out by
// hand (the arithmetic is in the comments), plus the simulation-based p-values' behaviour under a right and a
// wrong model.
#include "finai/risk/backtest.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "finai/core/error.hpp"
#include "finai/core/random.hpp"

namespace finai::risk {
namespace {

// P(chi2(1) > x) = erfc(sqrt(x / 2)); P(chi2(2) > x) = exp(-x / 2): closed forms independent of Boost.
double Chi2Sf1(double x) { return std::erfc(std::sqrt(x / 2)); }
double Chi2Sf2(double x) { return std::exp(-x / 2); }

TEST(Exceptions, StrictlyBeyondVar) {
  // Loss = -return; a loss equal to the VaR is not a breach.
  const std::vector<double> realized = {-2.0, -1.0, 0.5, -3.1, -2.5};
  const std::vector<double> var = {1.9, 1.0, 0.1, 3.0, 2.5};
  EXPECT_EQ(ExceptionSeries(realized, var), (std::vector<std::uint8_t>{1, 0, 0, 1, 0}));
}

TEST(Kupiec, WorkedByHand) {
  // 2 exceptions in 10 days at 90% (q = 0.1): LR = 2 [8 log(0.8 / 0.9) + 2 log(0.2 / 0.1)] = 0.888060151737647.
  const LikelihoodRatioTest t = KupiecTest(2, 10, 0.9);
  EXPECT_NEAR(t.statistic, 0.888060151737647, 1e-13);
  EXPECT_EQ(t.degrees_of_freedom, 1);
  EXPECT_NEAR(t.p_value, Chi2Sf1(0.888060151737647), 1e-13);
  // No exception in 250 days at 99%: with 0 log 0 = 0, LR = -2 * 250 log(0.99) = 5.025167926750726.
  const LikelihoodRatioTest zero = KupiecTest(0, 250, 0.99);
  EXPECT_NEAR(zero.statistic, 5.025167926750726, 1e-12);
  EXPECT_NEAR(zero.p_value, Chi2Sf1(5.025167926750726), 1e-13);
  // Every day an exception: LR = 2 n log(1 / q) = 20 log 10 for n = 10, q = 0.1.
  EXPECT_NEAR(KupiecTest(10, 10, 0.9).statistic, 20 * std::log(10.0), 1e-12);
  // Exactly the expected rate: LR = 0 (up to the rounding of 1 - 0.9), p = 1.
  EXPECT_NEAR(KupiecTest(1, 10, 0.9).statistic, 0.0, 1e-14);
  EXPECT_NEAR(KupiecTest(1, 10, 0.9).p_value, 1.0, 1e-7);
}

TEST(Christoffersen, NoClusteringByHand) {
  // I = 0 0 1 1 0 0 0 1 0 0: pairs 00 01 11 10 00 00 01 10 00 -> n00 = 4, n01 = 2, n10 = 2, n11 = 1.
  // pi01 = 2/6, pi11 = 1/3, pi = 3/9: all 1/3, so LR_ind = 0.
  // LR_cc (q = 0.1) = 2 [6 log((2/3) / 0.9) + 3 log((1/3) / 0.1)] = 3.6225817165515575.
  const std::vector<std::uint8_t> seq = {0, 0, 1, 1, 0, 0, 0, 1, 0, 0};
  const ChristoffersenResult r = ChristoffersenTest(seq, 0.9);
  EXPECT_EQ(r.counts.n00, 4);
  EXPECT_EQ(r.counts.n01, 2);
  EXPECT_EQ(r.counts.n10, 2);
  EXPECT_EQ(r.counts.n11, 1);
  EXPECT_NEAR(r.independence.statistic, 0.0, 1e-14);
  EXPECT_NEAR(r.independence.p_value, 1.0, 1e-7);
  EXPECT_NEAR(r.conditional_coverage.statistic, 3.6225817165515575, 1e-13);
  EXPECT_EQ(r.conditional_coverage.degrees_of_freedom, 2);
  EXPECT_NEAR(r.conditional_coverage.p_value, Chi2Sf2(3.6225817165515575), 1e-13);
}

TEST(Christoffersen, ClusteringByHand) {
  // I = 0 1 1 1 0 0 0 0 0 0: n00 = 5, n01 = 1, n10 = 1, n11 = 2; pi01 = 1/6, pi11 = 2/3, pi = 1/3.
  // LR_ind = 2 [5 log((5/6)/(2/3)) + log((1/6)/(1/3)) + log((1/3)/(2/3)) + 2 log((2/3)/(1/3))] = 10 log 1.25.
  // LR_cc (q = 0.1) = 2 [5 log((5/6)/0.9) + log((1/6)/0.1) + log((1/3)/0.9) + 2 log((2/3)/0.1)] = 5.854017229693657.
  const std::vector<std::uint8_t> seq = {0, 1, 1, 1, 0, 0, 0, 0, 0, 0};
  const ChristoffersenResult r = ChristoffersenTest(seq, 0.9);
  EXPECT_NEAR(r.pi01, 1.0 / 6, 1e-15);
  EXPECT_NEAR(r.pi11, 2.0 / 3, 1e-15);
  EXPECT_NEAR(r.independence.statistic, 10 * std::log(1.25), 1e-13);
  EXPECT_NEAR(r.independence.p_value, Chi2Sf1(10 * std::log(1.25)), 1e-13);
  EXPECT_NEAR(r.conditional_coverage.statistic, 5.854017229693657, 1e-13);
  // LR_cc = LR_uc on days 2..T (3 exceptions in 9 transitions) + LR_ind.
  EXPECT_NEAR(r.conditional_coverage.statistic, KupiecTest(3, 9, 0.9).statistic + r.independence.statistic, 1e-13);
}

TEST(Christoffersen, ZeroCounts) {
  // No exception at all: pi01 = pi11 = pi = 0; LR_ind = 0; LR_cc = -2 (n - 1) log(1 - q).
  const std::vector<std::uint8_t> none(100, 0);
  const ChristoffersenResult r = ChristoffersenTest(none, 0.99);
  EXPECT_EQ(r.independence.statistic, 0.0);
  EXPECT_NEAR(r.conditional_coverage.statistic, -2 * 99 * std::log(0.99), 1e-12);
  // One exception on the last day: no day follows an exception (n10 = n11 = 0), pi11 is taken as 0.
  std::vector<std::uint8_t> last(100, 0);
  last.back() = 1;
  const ChristoffersenResult l = ChristoffersenTest(last, 0.99);
  EXPECT_EQ(l.counts.n01, 1);
  EXPECT_EQ(l.counts.n10 + l.counts.n11, 0);
  EXPECT_NEAR(l.independence.statistic, 0.0, 1e-12);  // pi01 = pi = 1/99
  EXPECT_TRUE(std::isfinite(l.conditional_coverage.statistic));
}

TEST(TrafficLight, BaselTable) {
  // Basel Committee (1996), Table 2: cumulative probabilities (%) for 0..10 exceptions in 250 days at 99%.
  const double table[] = {8.11, 28.58, 54.32, 75.81, 89.22, 95.88, 98.63, 99.60, 99.89, 99.97, 99.99};
  const double plus[] = {0, 0, 0, 0, 0, 0.40, 0.50, 0.65, 0.75, 0.85, 1.0};
  for (int x = 0; x <= 10; ++x) {
    const TrafficLight t = BaselTrafficLight(x);
    EXPECT_NEAR(std::round(t.cumulative_probability * 1e4) / 100, table[x], 1e-9) << x;
    EXPECT_EQ(t.zone, x <= 4   ? TrafficLightZone::kGreen
                      : x <= 9 ? TrafficLightZone::kYellow
                               : TrafficLightZone::kRed)
        << x;
    ASSERT_TRUE(t.plus_factor.has_value());
    EXPECT_DOUBLE_EQ(*t.plus_factor, plus[x]) << x;
  }
  EXPECT_EQ(BaselTrafficLight(25).zone, TrafficLightZone::kRed);
  EXPECT_EQ(*BaselTrafficLight(25).plus_factor, 1.0);
  // Outside the regulatory setting the zone follows the same probability rule, without a plus factor.
  const TrafficLight other = BaselTrafficLight(3, 100, 0.99);
  EXPECT_FALSE(other.plus_factor.has_value());
  EXPECT_EQ(other.zone, TrafficLightZone::kYellow);  // P(X <= 3) = 0.9816 for Binomial(100, 0.01)
}

TEST(AcerbiSzekely, StatisticsByHand) {
  // Losses 3, -1, 1, 5 against VaR_es 2 and ES 2.5: breaches on days 0 and 3 (N = 2).
  // Z1 = 1 - (3/2.5 + 5/2.5) / 2 = -0.6;  Z2 (alpha = 0.25, T = 4) = 1 - 3.2 / (4 * 0.25) = -2.2.
  const std::vector<double> realized = {-3, 1, -1, -5};
  const std::vector<double> var(4, 2.0), es(4, 2.5);
  EXPECT_NEAR(AcerbiSzekelyZ1(realized, var, es), -0.6, 1e-15);
  EXPECT_NEAR(AcerbiSzekelyZ2(realized, var, es, 0.75), -2.2, 1e-15);
  // No breach: Z1 undefined, Z2 = 1.
  const std::vector<double> calm = {0.1, 0.2, -0.3, 0.0};
  EXPECT_TRUE(std::isnan(AcerbiSzekelyZ1(calm, var, es)));
  EXPECT_EQ(AcerbiSzekelyZ2(calm, var, es, 0.75), 1.0);
}

// Standard normal forecasts (VaR_0.975 = 1.959963984540054, ES_0.975 = 2.3378027922014837) tested on normal
// returns (the model is right) and on returns with twice the volatility (risk underestimated).
struct NormalCase {
  std::vector<double> realized, var, es;
};
NormalCase MakeCase(double true_sd, std::uint64_t seed) {
  NormalCase c;
  Rng rng(seed);
  for (int t = 0; t < 500; ++t) c.realized.push_back(true_sd * rng.Normal());
  c.var.assign(500, 1.959963984540054);
  c.es.assign(500, 2.3378027922014837);
  return c;
}
const PredictiveSampler kStandardNormal = [](std::int64_t, Rng& rng, std::span<double> out) {
  for (double& v : out) v = rng.Normal();
};

TEST(AcerbiSzekely, PValuesSeparateRightFromWrongModels) {
  Context ctx;
  ctx.set_seed(1);
  const AcerbiSzekelyOptions options{.simulations = 2000};
  const NormalCase right = MakeCase(1.0, 21);
  const AcerbiSzekelyResult ok =
      AcerbiSzekelyTest(right.realized, right.var, right.es, 0.975, kStandardNormal, options, ctx);
  EXPECT_GT(ok.z2_p_value, 0.05);
  EXPECT_GT(ok.z1_p_value, 0.05);
  const NormalCase wrong = MakeCase(2.0, 22);
  const AcerbiSzekelyResult bad =
      AcerbiSzekelyTest(wrong.realized, wrong.var, wrong.es, 0.975, kStandardNormal, options, ctx);
  EXPECT_LT(bad.z2, -1.0);
  EXPECT_LT(bad.z2_p_value, 0.001);
  EXPECT_LT(bad.z1_p_value, 0.01);
  EXPECT_EQ(bad.simulations, 2000);
  EXPECT_GT(bad.z1_simulations_used, 1900);  // about 12.5 breaches expected per path: nearly all paths breach
}

TEST(AcerbiSzekely, SameAtAnyThreadCount) {
  const NormalCase c = MakeCase(1.3, 23);
  Context one, two, three;
  one.set_threads(1).set_seed(9);
  two.set_threads(2).set_seed(9);
  three.set_threads(3).set_seed(9);
  const AcerbiSzekelyOptions options{.simulations = 700};
  const AcerbiSzekelyResult a = AcerbiSzekelyTest(c.realized, c.var, c.es, 0.975, kStandardNormal, options, one);
  const AcerbiSzekelyResult b = AcerbiSzekelyTest(c.realized, c.var, c.es, 0.975, kStandardNormal, options, two);
  const AcerbiSzekelyResult d = AcerbiSzekelyTest(c.realized, c.var, c.es, 0.975, kStandardNormal, options, three);
  EXPECT_EQ(a.z1_p_value, b.z1_p_value);
  EXPECT_EQ(a.z2_p_value, b.z2_p_value);
  EXPECT_EQ(a.z2_p_value, d.z2_p_value);
  EXPECT_EQ(a.z1_simulations_used, d.z1_simulations_used);
}

TEST(BacktestRolling, HistoricalSimulationOnItsOwnData) {
  // Returns drawn iid from one distribution: historical simulation is the right model, so no test should
  // reject at 1% (fixed seeds make this deterministic).
  Rng rng(31);
  std::vector<double> r(1600);
  for (double& v : r) v = rng.Normal();
  Context ctx;
  ctx.set_seed(3);
  const VarSpec spec;
  const RollingVarEs rolling = RollingVarEsSeries(r, spec, {.window = 500}, ctx);
  BacktestOptions options;
  options.es_test.simulations = 1000;
  const BacktestReport report = BacktestRolling(r, spec, rolling, options, ctx);
  EXPECT_EQ(report.days, 1100);
  EXPECT_NEAR(report.expected_exceptions, 11.0, 1e-9);
  EXPECT_GT(report.kupiec.p_value, 0.01);
  EXPECT_GT(report.christoffersen.conditional_coverage.p_value, 0.01);
  ASSERT_TRUE(report.traffic_light.has_value());
  EXPECT_EQ(report.traffic_light->observations, 250);
  ASSERT_TRUE(report.es_test.has_value());
  EXPECT_GT(report.es_test->z2_p_value, 0.01);
}

}  // namespace
}  // namespace finai::risk
