// Validation statistics against independent references: tests/golden/validation/validation_golden.json is
// written by make_golden.py beside it (O(m n) DeLong placement values, pandas/scipy Hosmer-Lemeshow, scipy
// binomtest and beta, numpy PSI/HHI, pandas crosstab, statsmodels Logit, sklearn IsotonicRegression).
// The published figures of the issue are checked as literals: two_class_example AUC 0.939314 and
// Hosmer-Lemeshow 28.978 (modeldata), Jeffreys p 0.1308 for 1,000 loans, 25 defaults at PD 2%.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "finai/core/context.hpp"
#include "finai/data/csv.hpp"
#include "finai/validation/calibration.hpp"
#include "finai/validation/calibration_tests.hpp"
#include "finai/validation/discrimination.hpp"
#include "finai/validation/grade_table.hpp"
#include "finai/validation/migration.hpp"
#include "finai/validation/stability.hpp"

namespace finai::validation {
namespace {

using nlohmann::json;

const json& Golden() {
  static const json golden = [] {
    std::ifstream in(std::string(FINAI_SOURCE_DIR) + "/tests/golden/validation/validation_golden.json");
    return json::parse(in);
  }();
  return golden;
}

std::vector<double> Doubles(const json& array) {
  std::vector<double> v;
  for (const auto& x : array) v.push_back(x.is_null() ? std::numeric_limits<double>::quiet_NaN() : x.get<double>());
  return v;
}

std::vector<std::string> Strings(const json& array) { return array.get<std::vector<std::string>>(); }

// Relative agreement for values that two algorithms compute in different orders.
void ExpectClose(double actual, double expected, double rel = 1e-10) {
  EXPECT_NEAR(actual, expected, rel * std::max(1.0, std::abs(expected))) << "expected " << expected;
}

struct TwoClassExample {
  std::vector<double> labels;
  std::vector<double> probs;
};

// data/two_class_example.csv (modeldata): truth Class1/Class2, Class1 the event, its probability in Class1.
const TwoClassExample& Example() {
  static const TwoClassExample data = [] {
    const CsvTable table = ReadCsv(std::string(FINAI_SOURCE_DIR) + "/data/two_class_example.csv", CsvOptions{}, Context{});
    const Column& truth = table.frame.column("truth");
    const Column& class1 = table.frame.column("Class1");
    TwoClassExample d;
    for (std::int64_t r = 0; r < truth.size(); ++r) {
      d.labels.push_back(truth.ValueText(r) == "Class1" ? 1.0 : 0.0);
      d.probs.push_back(class1.NumericValue(r));
    }
    return d;
  }();
  return data;
}

TEST(ValidationGolden, TwoClassExamplePublishedFigures) {
  const auto& d = Example();
  ASSERT_EQ(d.labels.size(), 500u);
  const AucEstimate auc = AucDeLong(d.labels, d.probs);
  EXPECT_NEAR(auc.auc, 0.939314, 5e-7);  // yardstick's roc_auc(two_class_example, truth, Class1)
  const HosmerLemeshowResult hl = HosmerLemeshow(d.labels, d.probs, 10);
  EXPECT_NEAR(hl.statistic, 28.978, 5e-4);  // the figure
  EXPECT_EQ(hl.degrees_of_freedom, 8);
}

TEST(ValidationGolden, TwoClassExampleAgainstReference) {
  const auto& d = Example();
  const json& g = Golden()["two_class_example"];
  const AucEstimate auc = AucDeLong(d.labels, d.probs);
  ExpectClose(auc.auc, g["delong"]["auc"].get<double>(), 1e-12);
  ExpectClose(auc.variance, g["delong"]["variance"].get<double>());
  ExpectClose(auc.ci_lower, g["delong"]["ci_lower"].get<double>());
  ExpectClose(auc.ci_upper, g["delong"]["ci_upper"].get<double>());
  const HosmerLemeshowResult hl = HosmerLemeshow(d.labels, d.probs);
  ExpectClose(hl.statistic, g["hosmer_lemeshow"]["statistic"].get<double>());
  ExpectClose(hl.p_value, g["hosmer_lemeshow"]["p_value"].get<double>(), 1e-8);
  ASSERT_EQ(hl.groups.size(), g["hosmer_lemeshow"]["counts"].size());
  for (std::size_t k = 0; k < hl.groups.size(); ++k) {
    EXPECT_EQ(hl.groups[k].count, g["hosmer_lemeshow"]["counts"][k].get<std::int64_t>()) << "group " << k;
    ExpectClose(hl.groups[k].expected, g["hosmer_lemeshow"]["expected"][k].get<double>());
  }
}

TEST(ValidationGolden, DeLongTestOfTwoModelsWithTies) {
  const json& g = Golden()["delong_pair"];
  const auto y = Doubles(g["labels"]);
  const DeLongComparison r = DeLongTest(y, Doubles(g["first"]), Doubles(g["second"]));
  const json& e = g["expected"];
  ExpectClose(r.first.auc, e["first"]["auc"].get<double>(), 1e-12);
  ExpectClose(r.second.auc, e["second"]["auc"].get<double>(), 1e-12);
  ExpectClose(r.first.variance, e["first"]["variance"].get<double>());
  ExpectClose(r.second.variance, e["second"]["variance"].get<double>());
  ExpectClose(r.second.ci_lower, e["second"]["ci_lower"].get<double>());
  ExpectClose(r.covariance, e["covariance"].get<double>());
  ExpectClose(r.z, e["z"].get<double>());
  ExpectClose(r.p_value, e["p_value"].get<double>(), 1e-8);
}

TEST(ValidationGolden, HosmerLemeshowMergesTiedBreaks) {
  const json& g = Golden()["hl_ties"];
  const HosmerLemeshowResult hl = HosmerLemeshow(Doubles(g["labels"]), Doubles(g["probs"]));
  const json& e = g["expected"];
  EXPECT_EQ(hl.degrees_of_freedom, e["df"].get<int>());
  ExpectClose(hl.statistic, e["statistic"].get<double>());
  ExpectClose(hl.p_value, e["p_value"].get<double>(), 1e-8);
  ASSERT_EQ(hl.groups.size(), e["counts"].size());
  for (std::size_t k = 0; k < hl.groups.size(); ++k) {
    EXPECT_EQ(hl.groups[k].count, e["counts"][k].get<std::int64_t>());
    EXPECT_EQ(hl.groups[k].observed, e["observed"][k].get<double>());
  }
}

TEST(ValidationGolden, BinomialAndJeffreysTests) {
  EXPECT_NEAR(JeffreysTestPValue(1000, 25, 0.02), 0.1308, 5e-5);  // the (ECB-style) example
  for (const json& c : Golden()["default_tests"]) {
    const auto n = c["n"].get<std::int64_t>();
    const auto d = c["d"].get<std::int64_t>();
    const double pd = c["pd"].get<double>();
    SCOPED_TRACE(testing::Message() << n << " loans, " << d << " defaults, PD " << pd);
    ExpectClose(BinomialTestPValue(n, d, pd), c["binomial"].get<double>(), 1e-9);
    ExpectClose(JeffreysTestPValue(n, d, pd), c["jeffreys"].get<double>(), 1e-9);
  }
}

TEST(ValidationGolden, PopulationStabilityNumericWithMissingAndOutliers) {
  const json& g = Golden()["psi"];
  const StabilityIndex psi = PopulationStability(Doubles(g["reference"]), Doubles(g["actual"]), 10);
  const json& e = g["expected"];
  ExpectClose(psi.value, e["psi"].get<double>(), 1e-12);
  ASSERT_EQ(psi.bins.size(), e["reference_counts"].size());
  for (std::size_t k = 0; k < psi.bins.size(); ++k) {
    EXPECT_EQ(psi.bins[k].reference_count, e["reference_counts"][k].get<double>()) << "bin " << k;
    EXPECT_EQ(psi.bins[k].actual_count, e["actual_counts"][k].get<double>()) << "bin " << k;
  }
  EXPECT_EQ(psi.bins.back().label, "missing");
}

TEST(ValidationGolden, CharacteristicStabilityCategoricalWithNewCategory) {
  const json& g = Golden()["psi_categorical"];
  const StabilityIndex csi = PopulationStability(Strings(g["reference"]), Strings(g["actual"]));
  ExpectClose(csi.value, g["expected"].get<double>(), 1e-12);
  ASSERT_EQ(csi.bins.size(), 5u);
  EXPECT_EQ(csi.bins[4].label, "E");  // only in the actual sample: share floored in the reference
  EXPECT_EQ(csi.bins[4].reference_count, 0);
}

TEST(ValidationGolden, HerfindahlIndex) {
  const json& g = Golden()["hhi"];
  const Concentration c = HerfindahlIndex(Doubles(g["counts"]));
  ExpectClose(c.hhi, g["hhi"].get<double>(), 1e-14);
  ExpectClose(c.normalised, g["normalised"].get<double>(), 1e-12);
  ExpectClose(c.ecb, g["ecb"].get<double>(), 1e-12);  // from the ECB's CV formula in make_golden.py
}

TEST(ValidationGolden, RatingMigrationMatrix) {
  const json& g = Golden()["migration"];
  const MigrationMatrix m = RatingMigration(Strings(g["from"]), Strings(g["to"]));
  ASSERT_EQ(m.grades, (std::vector<std::string>{"A", "B", "C", "D"}));
  for (std::size_t i = 0; i < 4; ++i) {
    for (std::size_t j = 0; j < 4; ++j) {
      EXPECT_EQ(m.counts[i][j], g["counts"][i][j].get<std::int64_t>());
      ExpectClose(m.rates[i][j], g["rates"][i][j].get<double>(), 1e-15);
    }
  }
  ExpectClose(m.stable_share, g["stable"].get<double>(), 1e-15);
  ExpectClose(m.upgrade_share, g["up"].get<double>(), 1e-15);
  ExpectClose(m.downgrade_share, g["down"].get<double>(), 1e-15);
  ExpectClose(m.beyond_one_notch_share, g["far"].get<double>(), 1e-15);
}

TEST(ValidationGolden, GradeTable) {
  const json& g = Golden()["grade_table"];
  const auto grades = Strings(g["grades"]);
  const auto labels = Doubles(g["labels"]);
  const auto pds = Doubles(g["pds"]);
  const GradeTable t = BuildGradeTable(grades, labels, pds);
  ASSERT_EQ(t.grades.size(), g["rows"].size());
  for (std::size_t k = 0; k < t.grades.size(); ++k) {
    const json& e = g["rows"][k];
    const GradeRow& r = t.grades[k];
    SCOPED_TRACE(r.grade);
    EXPECT_EQ(r.grade, e["grade"].get<std::string>());  // ordered by mean PD: A, B, C, D
    EXPECT_EQ(r.count, e["count"].get<std::int64_t>());
    EXPECT_EQ(r.defaults, e["defaults"].get<std::int64_t>());
    ExpectClose(r.mean_pd, e["mean_pd"].get<double>(), 1e-12);
    ExpectClose(r.binomial_p, e["binomial"].get<double>(), 1e-9);
    ExpectClose(r.jeffreys_p, e["jeffreys"].get<double>(), 1e-9);
  }
  // Grade C's outcomes were drawn at 1.5x its PD: Jeffreys p 0.032 is amber; D's 0.0198 too; A, B green.
  EXPECT_EQ(t.grades[0].light, TrafficLight::kGreen);
  EXPECT_EQ(t.grades[2].light, TrafficLight::kAmber);
  ExpectClose(t.portfolio.jeffreys_p, g["portfolio_jeffreys"].get<double>(), 1e-9);
  EXPECT_EQ(t.portfolio.count, 2000);
}

TEST(ValidationGolden, InterceptShiftToTargetCentralTendency) {
  const json& g = Golden()["grade_table"];
  std::vector<double> logits;
  for (double p : Doubles(g["pds"])) logits.push_back(Logit(p));
  const double target = Golden()["intercept_shift"]["target"].get<double>();
  const InterceptShift s = SolveInterceptShift(logits, target);
  ExpectClose(s.shift, Golden()["intercept_shift"]["shift"].get<double>(), 1e-9);
  EXPECT_NEAR(s.mean_pd_after, target, 1e-13);
  double mean = 0;
  for (double p : ApplyInterceptShift(logits, s.shift)) mean += p;
  EXPECT_NEAR(mean / static_cast<double>(logits.size()), target, 1e-13);
}

TEST(ValidationGolden, PlattScalingMatchesStatsmodelsLogit) {
  const json& g = Golden()["grade_table"];
  std::vector<double> logits;
  for (double p : Doubles(g["pds"])) logits.push_back(Logit(p));
  const PlattScaling platt = FitPlatt(Doubles(g["labels"]), logits);
  const json& e = Golden()["platt"];
  ExpectClose(platt.slope, e["slope"].get<double>(), 1e-7);
  ExpectClose(platt.intercept, e["intercept"].get<double>(), 1e-7);
  ExpectClose(platt.log_likelihood, e["log_likelihood"].get<double>(), 1e-10);
}

TEST(ValidationGolden, IsotonicMatchesScikitLearn) {
  const json& g = Golden()["isotonic"];
  const auto x = Doubles(g["x"]);
  const IsotonicFit fit = FitIsotonic(x, Doubles(g["y"]), Doubles(g["w"]));
  const auto query = Doubles(g["query"]);
  for (std::size_t i = 0; i < query.size(); ++i) {
    ExpectClose(fit.Predict(query[i]), g["predicted"][i].get<double>(), 1e-12);
  }
  for (std::size_t i = 0; i < x.size(); ++i) ExpectClose(fit.Predict(x[i]), g["fitted"][i].get<double>(), 1e-12);
  for (std::size_t i = 1; i < fit.y.size(); ++i) EXPECT_LE(fit.y[i - 1], fit.y[i]);
}

}  // namespace
}  // namespace finai::validation
