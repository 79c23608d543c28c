// The aggregate loss: Monte Carlo against Panjer (whose quantiles match actuar's, see lda_golden_test.cpp),
// determinism across thread counts, the single-loss approximation against Monte Carlo, the risk-measure
// estimators and their intervals, and Panjer's rescaling for large frequencies.
#include "finai/risk/lda/aggregate.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <string>
#include <vector>

#include "finai/core/context.hpp"

namespace finai::risk::lda {
namespace {

Context Threads(int threads, std::uint64_t seed = 42) {
  Context ctx;
  ctx.set_threads(threads).set_seed(seed);
  return ctx;
}

nlohmann::json PanjerGolden() {
  std::ifstream in(std::string(FINAI_SOURCE_DIR) + "/tests/golden/risk/oprisk_golden.json");
  return nlohmann::json::parse(in)["panjer_poisson"];
}

// Monte Carlo quantiles must fall within their own 99% order-statistic interval of the Panjer quantile
// (from actuar's golden values), widened by the grid step: the discretised severity moves the quantile by less.
TEST(Aggregate, MonteCarloMatchesPanjerWithinMonteCarloError) {
  const nlohmann::json g = PanjerGolden();
  const FrequencyModel frequency = Poisson{g["frequency_params"].get<double>()};
  const SeverityModel severity = Lognormal{g["meanlog"], g["sdlog"]};
  const double step = g["step"];
  AnnualLosses sim = SimulateAnnualLosses(frequency, severity, 400'000, Threads(2));
  for (std::size_t i = 0; i < g["probs"].size(); ++i) {
    const double p = g["probs"][i];
    std::vector<double> copy = sim.totals;
    const RiskMeasures m = MeasureRisk(copy, {.level = p, .confidence = 0.99, .batches = 20});
    const double panjer = g["quantiles"][i];
    EXPECT_LE(m.var_lower - step, panjer) << "p = " << p << ", MC VaR " << m.var;
    EXPECT_GE(m.var_upper + step, panjer) << "p = " << p << ", MC VaR " << m.var;
  }
  // ES at 99% against Panjer's (Acerbi-Tasche on the grid), within the batch-means interval plus a step.
  PanjerOptions options;
  options.step = step;
  const DiscreteAggregate agg = PanjerRecursion(frequency, severity, options);
  const RiskMeasures m = MeasureRisk(sim.totals, {.level = 0.99, .confidence = 0.99, .batches = 20});
  const double es = agg.ExpectedShortfall(0.99);
  EXPECT_LE(m.es_lower - step, es);
  EXPECT_GE(m.es_upper + step, es);
  // The mean is that of the compound law: E N E X (5 standard errors of the simulated mean).
  const double mean = g["mean"];
  const double sd =
      std::sqrt(197.0 * std::exp(2 * g["meanlog"].get<double>() + 2 * std::pow(g["sdlog"].get<double>(), 2)));
  EXPECT_NEAR(m.mean, mean, 5 * sd / std::sqrt(400'000.0));
}

TEST(Aggregate, SameResultAtAnyThreadCount) {
  auto body = std::make_shared<std::vector<double>>(std::vector<double>{1, 1.5, 2, 3, 4, 6, 9});
  SplicedGpd spliced;
  spliced.threshold = 10;
  spliced.tail_probability = 0.1;
  spliced.tail = Gpd{0.5, 7};
  spliced.body_sorted = body;
  const std::int64_t years = 3 * kYearsPerBlock + 123;  // a partial last block
  for (const auto& [frequency, severity] :
       std::vector<std::pair<FrequencyModel, SeverityModel>>{{Poisson{197}, Lognormal{0.787, 0.717}},
                                                             {NegativeBinomial{55.5, 197}, spliced},
                                                             {Poisson{4.5}, Gamma{1.3, 0.38}},
                                                             {NegativeBinomial{2, 12}, Weibull{0.96, 3.3}}}) {
    const AnnualLosses one = SimulateAnnualLosses(frequency, severity, years, Threads(1));
    const AnnualLosses two = SimulateAnnualLosses(frequency, severity, years, Threads(2));
    const AnnualLosses three = SimulateAnnualLosses(frequency, severity, years, Threads(3));
    EXPECT_EQ(one.totals, two.totals) << DescribeSeverity(severity);
    EXPECT_EQ(one.totals, three.totals) << DescribeSeverity(severity);
    EXPECT_EQ(one.losses, two.losses);
    // Another seed gives other years.
    const AnnualLosses other = SimulateAnnualLosses(frequency, severity, years, Threads(2, 43));
    EXPECT_NE(one.totals, other.totals);
  }
}

// For heavy tails the single-loss approximation is close to the simulated 99.9% quantile; for the Danish
// lognormal (light tail, 197 losses a year) it is not, which is why it is a check and not the estimate.
TEST(Aggregate, SingleLossApproximationForHeavyTails) {
  auto body = std::make_shared<std::vector<double>>();
  for (int i = 1; i <= 100; ++i) body->push_back(1 + 9.0 * i / 100);
  SplicedGpd heavy;
  heavy.threshold = 10;
  heavy.tail_probability = 0.2;
  heavy.tail = Gpd{0.8, 7};
  heavy.body_sorted = body;
  struct Case {
    FrequencyModel frequency;
    SeverityModel severity;
    double tolerance;
  };
  for (const Case& c : {Case{Poisson{10}, heavy, 0.05}, Case{Poisson{10}, Lognormal{0, 2.5}, 0.05},
                        Case{NegativeBinomial{5, 10}, heavy, 0.05}}) {
    AnnualLosses sim = SimulateAnnualLosses(c.frequency, c.severity, 2'000'000, Threads(2));
    const RiskMeasures m = MeasureRisk(sim.totals, {.level = 0.999});
    const SingleLossApproximation sla = ApproximateSingleLoss(c.frequency, c.severity, 0.999);
    EXPECT_NEAR(sla.corrected / m.var, 1.0, c.tolerance)
        << DescribeSeverity(c.severity) << ": SLA " << sla.corrected << " vs MC " << m.var << " [" << m.var_lower
        << ", " << m.var_upper << "]";
  }
  const SingleLossApproximation light = ApproximateSingleLoss(Poisson{197}, Lognormal{0.787, 0.717}, 0.999);
  EXPECT_LT(light.corrected, 0.9 * 730.25);  // actuar's Panjer quantile is 730.25
  EXPECT_NEAR(light.severity_level, 1 - 0.001 / 197, 1e-15);
  EXPECT_NEAR(light.correction, 197 * (Lognormal{0.787, 0.717}.Mean()), 1e-9);
}

TEST(RiskMeasures, ExactOnAKnownSample) {
  std::vector<double> x(1000);
  std::iota(x.begin(), x.end(), 1.0);
  std::reverse(x.begin(), x.end());
  const RiskMeasures m = MeasureRisk(x, {.level = 0.99, .confidence = 0.95, .batches = 0});
  EXPECT_EQ(m.var, 990);          // S_(ceil(1000 * 0.99))
  EXPECT_DOUBLE_EQ(m.es, 995.5);  // mean of the 10 largest
  EXPECT_DOUBLE_EQ(m.mean, 500.5);
  // From R: pbinom(982, 1000, 0.99) = 0.0138 <= 0.025 < pbinom(983, ...) = 0.0264, so l = 983;
  // pbinom(995, ...) = 0.9713 < 0.975 <= pbinom(996, ...) = 0.9899, so u = 997.
  EXPECT_EQ(m.var_lower, 983);
  EXPECT_EQ(m.var_upper, 997);
  EXPECT_TRUE(std::isnan(m.es_lower));  // no batches asked for
}

// The order-statistic interval covers the true quantile in at least `confidence` of repeated samples.
TEST(RiskMeasures, QuantileIntervalCoverage) {
  int covered = 0;
  constexpr int kReplicates = 600;
  for (int r = 0; r < kReplicates; ++r) {
    Sampler s(77, static_cast<std::uint64_t>(r));
    std::vector<double> u(2000);
    for (double& v : u) v = s.Uniform();
    const RiskMeasures m = MeasureRisk(u, {.level = 0.95, .confidence = 0.9, .batches = 0});
    covered += m.var_lower <= 0.95 && 0.95 < m.var_upper ? 1 : 0;
  }
  // At least 90% by construction (about 91% here, the binomial being discrete); 5 standard errors below 90%.
  EXPECT_GE(covered, static_cast<int>(kReplicates * (0.9 - 5 * std::sqrt(0.09 / kReplicates))));
  EXPECT_LE(covered, kReplicates * 0.97);  // not trivially wide
}

TEST(Panjer, RescalesWhenTheStartUnderflows) {
  // exp(-1000) underflows; the rescaled recursion still gives a proper law with mean lambda E X (up to the
  // discretisation, here 1e-4 relative: the step is 1/17 of the mean loss).
  const FrequencyModel frequency = Poisson{1000};
  const SeverityModel severity = Lognormal{2, 0.5};
  PanjerOptions options;
  options.step = 0.5;
  options.max_points = 24000;
  options.tolerance = 1e-10;
  const DiscreteAggregate agg = PanjerRecursion(frequency, severity, options);
  EXPECT_LT(agg.missing_mass, 1e-9);
  const double mean = 1000 * std::exp(2.125);
  EXPECT_NEAR(agg.Mean(), mean, 1e-3 * mean);
  AnnualLosses sim = SimulateAnnualLosses(frequency, severity, 100'000, Threads(2));
  const RiskMeasures m = MeasureRisk(sim.totals, {.level = 0.99, .confidence = 0.99});
  EXPECT_LE(m.var_lower - options.step, agg.Quantile(0.99));
  EXPECT_GE(m.var_upper + options.step, agg.Quantile(0.99));
}

TEST(Panjer, AutomaticStepReachesTheLevel) {
  for (const SeverityModel& severity : std::vector<SeverityModel>{Lognormal{0.787, 0.717}, Weibull{0.96, 3.3}}) {
    PanjerOptions options;
    options.step = AutomaticPanjerStep(Poisson{197}, severity, 0.999, options.max_points);
    const DiscreteAggregate agg = PanjerRecursion(Poisson{197}, severity, options);
    EXPECT_TRUE(std::isfinite(agg.Quantile(0.999))) << DescribeSeverity(severity);
    EXPECT_LT(agg.Quantile(0.999), agg.step * static_cast<double>(options.max_points) / 2);
  }
}

}  // namespace
}  // namespace finai::risk::lda
