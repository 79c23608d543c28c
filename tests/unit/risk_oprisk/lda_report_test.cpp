// The whole analysis on the Danish losses, as `finai risk oprisk` runs it: every part is present in the JSON,
// consistent with the separate calls, and the text report names the figures.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "finai/data/csv.hpp"
#include "finai/risk/lda.hpp"

namespace finai::risk::lda {
namespace {

LdaInput Danish() {
  Context ctx;
  ctx.set_threads(1);
  CsvTable t = ReadCsv(std::string(FINAI_SOURCE_DIR) + "/data/danish_fire_claims.csv", CsvOptions{}, ctx);
  LdaInput input;
  input.source = "danish";
  const auto losses = t.frame.column("loss_mdkk").float64();
  input.losses.assign(losses.begin(), losses.end());
  const auto dates = t.frame.column("date").datetime();
  input.dates.assign(dates.begin(), dates.end());
  return input;
}

TEST(LdaReport, DanishSplicedGpdEndToEnd) {
  LdaOptions options;
  options.severity = SeverityFamily::kSplicedGpd;
  options.threshold = 10;
  options.frequency = FrequencyFamily::kNegativeBinomial;
  options.period = Period::kMonth;
  options.years = 50'000;
  options.bootstrap_replicates = 19;
  options.panjer_options.max_points = 1 << 14;
  const Context ctx = Context().set_threads(2).set_seed(5);
  const LdaReport report = AnalyzeLda(Danish(), options, ctx);
  EXPECT_EQ(report.counts.counts.size(), 132u);
  EXPECT_EQ(report.severity_fits.size(), 3u);
  EXPECT_EQ(report.tail.exceedances, 109);
  ASSERT_TRUE(report.spliced.has_value());
  // Monthly negative binomial, annualised: 12 months of mean 16.42. The negative binomial's ML mean is the
  // sample mean exactly; the numerical optimiser stops within about 1e-10 of it, relative.
  EXPECT_NEAR(FrequencyMean(report.annual_frequency), 197.0, 1e-6);
  EXPECT_EQ(report.risk.years, 50'000);
  ASSERT_TRUE(report.panjer.has_value());
  EXPECT_GT(report.risk.var, report.risk.mean);
  EXPECT_LE(report.risk.var_lower, report.risk.var);
  EXPECT_GE(report.risk.var_upper, report.risk.var);

  const nlohmann::json j = nlohmann::json::parse(LdaReportToJson(report));
  EXPECT_EQ(j["period"], "month");
  EXPECT_EQ(j["frequency"]["chosen"], "negative binomial");
  EXPECT_EQ(j["severity"].size(), 3u);
  EXPECT_EQ(j["severity"][0]["gof"]["bootstrap_replicates"], 19);
  EXPECT_EQ(j["tail"]["threshold_rule"], "user");
  EXPECT_DOUBLE_EQ(j["tail"]["params"]["xi"]["estimate"].get<double>(), report.tail.gpd.xi);
  EXPECT_DOUBLE_EQ(j["aggregate"]["risk"]["var"].get<double>(), report.risk.var);
  EXPECT_TRUE(j["aggregate"]["risk"]["es_ci"][0].is_null());  // 50 000 years: too few tail years per batch
  EXPECT_FALSE(j["tail"]["mean_excess"].empty());
  const std::string text = FormatLdaReport(report);
  EXPECT_NE(text.find("OpVaR 99.9%"), std::string::npos);
  EXPECT_NE(text.find("Panjer recursion"), std::string::npos);
  EXPECT_NE(text.find("GPD tail above u=10 (user threshold; 109 exceedances"), std::string::npos);
}

TEST(LdaReport, CellsAreJoinedByTheCopula) {
  LdaInput input = Danish();
  for (std::size_t i = 0; i < input.losses.size(); ++i) input.cells.push_back(i % 3 == 0 ? "B" : "A");
  LdaOptions options;
  options.years = 20'000;
  options.bootstrap_replicates = 0;
  options.panjer = false;
  options.rho = 0.5;
  options.copula = CopulaFamily::kStudentT;
  const LdaReport report = AnalyzeLda(input, options, Context().set_threads(2).set_seed(5));
  ASSERT_EQ(report.cells.size(), 2u);
  EXPECT_EQ(report.cells[0].name, "A");
  EXPECT_EQ(report.cells[0].losses + report.cells[1].losses, 2167);
  ASSERT_TRUE(report.cells_result.has_value());
  EXPECT_LT(report.cells_result->total.var, report.cells_result->sum_of_standalone_var);
  const nlohmann::json j = nlohmann::json::parse(LdaReportToJson(report));
  EXPECT_EQ(j["cells"]["copula"], "t");
  EXPECT_EQ(j["cells"]["cells"].size(), 2u);
}

}  // namespace
}  // namespace finai::risk::lda
