// finai's VaR / ES and backtests on the DJIA 1980-2012 against R (tests/golden/risk/var_golden.json, written by
// var_golden.R next to it from the definitions in docs/risk_market.md). Where finai and R compute the same
// thing (quantiles, tail means, closed forms, test statistics) they must agree to 1e-10; the ML degrees of
// freedom come from two different optimisers (1e-6); filtered HS is checked against fGarch loosely.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "finai/data/csv.hpp"
#include "finai/risk/backtest.hpp"
#include "finai/risk/returns.hpp"
#include "finai/risk/var.hpp"

namespace finai::risk {
namespace {

using nlohmann::json;

const json& Golden() {
  static const json golden = [] {
    const std::string path = std::string(FINAI_SOURCE_DIR) + "/tests/golden/risk/var_golden.json";
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    return json::parse(in);
  }();
  return golden;
}

const std::vector<double>& DjiaReturns() {
  static const std::vector<double> returns = [] {
    Context ctx;
    ctx.set_threads(1);
    const CsvTable table = ReadCsv(std::string(FINAI_SOURCE_DIR) + "/data/djia_1980_2012.csv", CsvOptions{}, ctx);
    const std::vector<double> prices = table.frame.column("close").ToFloat64();
    return ReturnsFromPrices(prices, ReturnKind::kLog, ReturnScale::kPercent);
  }();
  return returns;
}

std::span<const double> Last(std::size_t n) {
  const std::vector<double>& r = DjiaReturns();
  return std::span<const double>(r).subspan(r.size() - n);
}

::testing::AssertionResult Close(double expected, double actual, double tolerance) {
  const double difference = std::abs(expected - actual);
  if (difference <= tolerance * std::max(1.0, std::abs(expected))) return ::testing::AssertionSuccess();
  std::ostringstream os;
  os << std::setprecision(17) << "expected " << expected << ", got " << actual << " (difference " << difference << ")";
  return ::testing::AssertionFailure() << os.str();
}
constexpr double kSame = 1e-10;

std::vector<double> Doubles(const json& array) { return array.get<std::vector<double>>(); }

TEST(VarGolden, ReturnsAreRs) {
  const json& g = Golden();
  ASSERT_EQ(DjiaReturns().size(), g["n_returns"].get<std::size_t>());
  EXPECT_TRUE(Close(g["first_return"], DjiaReturns().front(), 1e-14));
  EXPECT_TRUE(Close(g["last_return"], DjiaReturns().back(), 1e-14));
}

class SampleGolden : public ::testing::TestWithParam<int> {};

TEST_P(SampleGolden, HistoricalParametricAndAgeWeighted) {
  const int days = GetParam();
  const json& s = Golden()["samples"]["last_" + std::to_string(days)];
  const std::span<const double> x = Last(static_cast<std::size_t>(days));
  for (const char* key : {"level_990", "level_975"}) {
    SCOPED_TRACE(std::string(key) + " over the last " + std::to_string(days) + " days");
    const json& e = s[key];
    const double p = e["level"];
    const RiskLevels levels{.var_level = p, .es_level = p};
    const TailRisk type1 = HistoricalVarEs(x, levels, QuantileRule::kInverseCdf);
    EXPECT_TRUE(Close(e["hs_var_type1"], type1.var, kSame));
    EXPECT_TRUE(Close(e["hs_es"], type1.es, kSame));
    EXPECT_TRUE(Close(e["hs_var_type7"], HistoricalVarEs(x, levels, QuantileRule::kLinear).var, kSame));
    const TailRisk brw = AgeWeightedVarEs(x, levels, e["brw_lambda"]);
    EXPECT_TRUE(Close(e["brw_var"], brw.var, kSame));
    EXPECT_TRUE(Close(e["brw_es"], brw.es, kSame));

    const Context ctx;
    VarSpec spec{.method = VarMethod::kNormal, .levels = levels};
    const VarEstimate normal = EstimateVarEs(x, spec, ctx);
    EXPECT_TRUE(Close(s["mean"], normal.model.location, kSame));
    EXPECT_TRUE(Close(s["sd"], normal.model.scale, kSame));
    EXPECT_TRUE(Close(e["normal_var"], normal.risk.var, kSame));
    EXPECT_TRUE(Close(e["normal_es"], normal.risk.es, kSame));
    spec.method = VarMethod::kStudentT;
    spec.dof = 5;
    const VarEstimate t5 = EstimateVarEs(x, spec, ctx);
    EXPECT_TRUE(Close(e["t5_var"], t5.risk.var, kSame));
    EXPECT_TRUE(Close(e["t5_es"], t5.risk.es, kSame));
    spec.dof = 0;  // maximum likelihood
    const VarEstimate tml = EstimateVarEs(x, spec, ctx);
    EXPECT_TRUE(Close(e["t_ml_dof"], tml.model.dof, 1e-6));
    EXPECT_TRUE(
        Close(e["t_ml_loglik"], StudentTLogLikelihood(x, tml.model.location, tml.model.scale, tml.model.dof), 1e-10));
    EXPECT_TRUE(Close(e["t_ml_var"], tml.risk.var, 1e-7));
    EXPECT_TRUE(Close(e["t_ml_es"], tml.risk.es, 1e-7));
    // At R's optimum the closed forms are the same computation again.
    EXPECT_TRUE(Close(e["t_ml_var"], StudentTVarEs(s["mean"], s["sd"], e["t_ml_dof"], levels).var, kSame));
    EXPECT_TRUE(Close(e["t_ml_es"], StudentTVarEs(s["mean"], s["sd"], e["t_ml_dof"], levels).es, kSame));
  }
}
INSTANTIATE_TEST_SUITE_P(LastDays, SampleGolden, ::testing::Values(250, 1000));

class RollingGolden : public ::testing::TestWithParam<const char*> {};

TEST_P(RollingGolden, SeriesAndBacktests) {
  const json& g = Golden()[GetParam()];
  const std::vector<double>& r = DjiaReturns();
  Context ctx;
  ctx.set_threads(2);
  const VarSpec spec{.method = VarMethod::kHistorical, .levels = {.var_level = 0.99, .es_level = 0.975}};
  const RollingVarEs rolling = RollingVarEsSeries(
      r, spec, {.window = g["window"].get<std::int64_t>(), .last_days = g["days"].get<std::int64_t>()}, ctx);
  ASSERT_EQ(rolling.first_day, g["first_day_index0"].get<std::int64_t>());
  const std::vector<double> var99 = Doubles(g["var99"]), var975 = Doubles(g["var975"]), es975 = Doubles(g["es975"]);
  ASSERT_EQ(rolling.size(), static_cast<std::int64_t>(var99.size()));
  for (std::size_t i = 0; i < var99.size(); ++i) {
    SCOPED_TRACE("forecast " + std::to_string(i));
    ASSERT_TRUE(Close(var99[i], rolling.risk[i].var, kSame));
    ASSERT_TRUE(Close(var975[i], rolling.risk[i].var_at_es_level, kSame));
    ASSERT_TRUE(Close(es975[i], rolling.risk[i].es, kSame));
  }
  const std::vector<std::uint8_t> exceptions = ExceptionSeries(rolling.realized, rolling.Var());
  std::vector<std::int64_t> days;
  for (std::size_t i = 0; i < exceptions.size(); ++i) {
    if (exceptions[i]) days.push_back(static_cast<std::int64_t>(i));
  }
  EXPECT_EQ(days, g["exception_days_index0"].get<std::vector<std::int64_t>>());

  const LikelihoodRatioTest kupiec = KupiecTest(static_cast<std::int64_t>(days.size()), rolling.size(), 0.99);
  EXPECT_TRUE(Close(g["kupiec_lr"], kupiec.statistic, kSame));
  EXPECT_TRUE(Close(g["kupiec_p"], kupiec.p_value, kSame));
  const ChristoffersenResult ch = ChristoffersenTest(exceptions, 0.99);
  EXPECT_EQ(ch.counts.n00, g["n00"].get<std::int64_t>());
  EXPECT_EQ(ch.counts.n01, g["n01"].get<std::int64_t>());
  EXPECT_EQ(ch.counts.n10, g["n10"].get<std::int64_t>());
  EXPECT_EQ(ch.counts.n11, g["n11"].get<std::int64_t>());
  EXPECT_TRUE(Close(g["pi01"], ch.pi01, kSame));
  EXPECT_TRUE(Close(g["pi11"], ch.pi11, kSame));
  EXPECT_TRUE(Close(g["pi"], ch.pi, kSame));
  EXPECT_TRUE(Close(g["christoffersen_lr_ind"], ch.independence.statistic, kSame));
  EXPECT_TRUE(Close(g["christoffersen_p_ind"], ch.independence.p_value, kSame));
  EXPECT_TRUE(Close(g["christoffersen_lr_cc"], ch.conditional_coverage.statistic, kSame));
  EXPECT_TRUE(Close(g["christoffersen_p_cc"], ch.conditional_coverage.p_value, kSame));

  BacktestOptions options;
  options.es_test.simulations = 500;
  const BacktestReport report = BacktestRolling(r, spec, rolling, options, ctx);
  EXPECT_EQ(report.exception_count, g["exceptions"].get<std::int64_t>());
  ASSERT_TRUE(report.traffic_light.has_value());
  EXPECT_EQ(report.traffic_light->exceptions, g["exceptions_last_250"].get<std::int64_t>());
  EXPECT_TRUE(Close(g["traffic_light_cumulative"], report.traffic_light->cumulative_probability, kSame));
  EXPECT_EQ(TrafficLightZoneName(report.traffic_light->zone), g["traffic_light_zone"].get<std::string>());
  ASSERT_TRUE(report.es_test.has_value());
  EXPECT_EQ(report.es_test->breaches, g["es_breaches"].get<std::int64_t>());
  EXPECT_TRUE(Close(g["acerbi_szekely_z1"], report.es_test->z1, kSame));
  EXPECT_TRUE(Close(g["acerbi_szekely_z2"], report.es_test->z2, kSame));
  EXPECT_GE(report.es_test->z2_p_value, 0.0);
  EXPECT_LE(report.es_test->z2_p_value, 1.0);
}
INSTANTIATE_TEST_SUITE_P(Windows, RollingGolden, ::testing::Values("rolling", "rolling_250"));

TEST(VarGolden, BaselBinomialTable) {
  const std::vector<double> expected = Doubles(Golden()["basel_cumulative_250_99"]);
  for (std::size_t x = 0; x < expected.size(); ++x) {
    EXPECT_TRUE(Close(expected[x], BaselTrafficLight(static_cast<std::int64_t>(x)).cumulative_probability, kSame))
        << x << " exceptions";
  }
}

// fGarch and finai maximise the same likelihood (same "mci" start of the recursion) with different optimisers,
// so the parameters, and with them the filtered-HS figures, agree only to the optimisers' precision.
TEST(VarGolden, FilteredHistoricalSimulationNearFGarch) {
  const json& g = Golden()["fhs_fgarch_last_1000"];
  const Context ctx;
  for (const auto& [dist, innovation] :
       {std::pair{"norm", Innovation::kNormal}, std::pair{"std", Innovation::kStudentT}}) {
    SCOPED_TRACE(dist);
    const json& e = g[dist];
    const FilteredHistoricalResult fhs =
        FilteredHistoricalVarEs(Last(1000), GarchSpec{.kind = GarchKind::kGarch, .innovation = innovation},
                                {.var_level = 0.99, .es_level = 0.975}, QuantileRule::kInverseCdf, ctx);
    // Observed: parameters within 1e-6, figures within 1e-7 relative; the tolerances leave room for either
    // optimiser to stop a little earlier.
    EXPECT_NEAR(fhs.fit.alpha, e["coef"]["alpha1"].get<double>(), 1e-4);
    EXPECT_NEAR(fhs.fit.beta, e["coef"]["beta1"].get<double>(), 1e-4);
    EXPECT_NEAR(fhs.next_sd, e["next_sd"].get<double>(), 1e-5 * e["next_sd"].get<double>());
    EXPECT_NEAR(fhs.risk.var, e["var_99"].get<double>(), 1e-5 * e["var_99"].get<double>());
    EXPECT_NEAR(fhs.risk.var_at_es_level, e["var_975"].get<double>(), 1e-5 * e["var_975"].get<double>());
    EXPECT_NEAR(fhs.risk.es, e["es_975"].get<double>(), 1e-5 * e["es_975"].get<double>());
  }
}

}  // namespace
}  // namespace finai::risk
