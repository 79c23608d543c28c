// Every metric against scikit-learn's values in tests/golden/metrics/metrics_golden.json (written by
// make_golden.py next to it). Scalars and curve points must agree to 1e-12 relative; curves must have the
// same number of points.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iomanip>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "finai/metrics/metrics.hpp"

namespace finai::metrics {
namespace {

using nlohmann::json;

constexpr double kRelativeTolerance = 1e-12;

const json& Golden() {
  static const json golden = [] {
    const std::string path = std::string(FINAI_SOURCE_DIR) + "/tests/golden/metrics/metrics_golden.json";
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    return json::parse(in);
  }();
  return golden;
}

std::vector<double> Doubles(const json& array) {
  std::vector<double> out;
  out.reserve(array.size());
  for (const json& v : array) out.push_back(v.get<double>());
  return out;
}

std::string Show(double v) {
  std::ostringstream os;
  os << std::setprecision(17) << v;
  return os.str();
}

::testing::AssertionResult Close(double expected, double actual) {
  if (expected == actual) return ::testing::AssertionSuccess();
  const double difference = std::abs(expected - actual);
  if (difference <= kRelativeTolerance * std::max(std::abs(expected), std::abs(actual))) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "expected " << Show(expected) << ", got " << Show(actual)
                                       << " (relative difference " << difference / std::abs(expected) << ")";
}

void ExpectCurve(const json& expected, const std::vector<double>& actual, const std::string& what) {
  ASSERT_EQ(expected.size(), actual.size()) << what << ": number of points";
  for (std::size_t i = 0; i < actual.size(); ++i) {
    if (expected[i].is_null()) {
      // make_golden.py writes null for roc_curve's starting threshold: finai uses +inf (docs/metrics.md).
      EXPECT_EQ(actual[i], std::numeric_limits<double>::infinity()) << what << "[" << i << "]";
    } else {
      EXPECT_TRUE(Close(expected[i].get<double>(), actual[i])) << what << "[" << i << "]";
    }
  }
}

struct BinaryCase {
  std::string name;
  std::vector<double> labels;
  std::vector<double> scores;
  std::vector<double> weights;
  const json* expected;
};

std::vector<BinaryCase> BinaryCases() {
  std::vector<BinaryCase> cases;
  for (const json& c : Golden().at("binary_cases")) {
    cases.push_back({c.at("name").get<std::string>(), Doubles(c.at("labels")), Doubles(c.at("scores")),
                     Doubles(c.at("weights")), &c.at("expected")});
  }
  return cases;
}

TEST(MetricsGolden, FileIsComplete) {
  const json& golden = Golden();
  EXPECT_FALSE(golden.at("versions").at("sklearn").get<std::string>().empty());
  EXPECT_EQ(golden.at("binary_cases").size(), 6U);
  EXPECT_EQ(golden.at("regression_cases").size(), 3U);
  bool any_weighted = false;
  for (const BinaryCase& c : BinaryCases()) {
    EXPECT_EQ(c.labels.size(), c.scores.size()) << c.name;
    any_weighted = any_weighted || !c.weights.empty();
  }
  EXPECT_TRUE(any_weighted);
}

TEST(MetricsGolden, AucAndGini) {
  for (const BinaryCase& c : BinaryCases()) {
    SCOPED_TRACE(c.name);
    const double expected = c.expected->at("roc_auc").get<double>();
    EXPECT_TRUE(Close(expected, Auc(c.labels, c.scores, c.weights)));
    EXPECT_TRUE(Close(2 * expected - 1, Gini(c.labels, c.scores, c.weights)));
  }
}

TEST(MetricsGolden, KsStatistic) {
  for (const BinaryCase& c : BinaryCases()) {
    SCOPED_TRACE(c.name);
    const KsResult ks = KsStatistic(c.labels, c.scores, c.weights);
    EXPECT_TRUE(Close(c.expected->at("ks").get<double>(), ks.statistic));
    EXPECT_TRUE(Close(c.expected->at("ks_threshold").get<double>(), ks.threshold));
  }
}

TEST(MetricsGolden, LogLossAndBrier) {
  for (const BinaryCase& c : BinaryCases()) {
    SCOPED_TRACE(c.name);
    EXPECT_TRUE(Close(c.expected->at("log_loss").get<double>(), LogLoss(c.labels, c.scores, c.weights)));
    EXPECT_TRUE(Close(c.expected->at("brier").get<double>(), Brier(c.labels, c.scores, c.weights)));
  }
}

TEST(MetricsGolden, RocCurve) {
  for (const BinaryCase& c : BinaryCases()) {
    SCOPED_TRACE(c.name);
    const RocCurvePoints roc = RocCurve(c.labels, c.scores, c.weights);
    const json& expected = c.expected->at("roc_curve");
    ExpectCurve(expected.at("fpr"), roc.fpr, "fpr");
    ExpectCurve(expected.at("tpr"), roc.tpr, "tpr");
    ExpectCurve(expected.at("thresholds"), roc.thresholds, "thresholds");
  }
}

TEST(MetricsGolden, PrecisionRecallCurveAndAveragePrecision) {
  for (const BinaryCase& c : BinaryCases()) {
    SCOPED_TRACE(c.name);
    const PrecisionRecallPoints pr = PrecisionRecallCurve(c.labels, c.scores, c.weights);
    const json& expected = c.expected->at("pr_curve");
    ExpectCurve(expected.at("precision"), pr.precision, "precision");
    ExpectCurve(expected.at("recall"), pr.recall, "recall");
    ExpectCurve(expected.at("thresholds"), pr.thresholds, "thresholds");
    EXPECT_TRUE(Close(c.expected->at("average_precision").get<double>(),
                      AveragePrecision(c.labels, c.scores, c.weights)));
  }
}

TEST(MetricsGolden, ConfusionMatrixAtThresholds) {
  for (const BinaryCase& c : BinaryCases()) {
    for (const json& expected : c.expected->at("thresholded")) {
      const double threshold = expected.at("threshold").get<double>();
      SCOPED_TRACE(c.name + " at " + Show(threshold));
      const ConfusionMatrix m = AtThreshold(c.labels, c.scores, threshold, c.weights);
      EXPECT_TRUE(Close(expected.at("tp").get<double>(), m.tp));
      EXPECT_TRUE(Close(expected.at("fp").get<double>(), m.fp));
      EXPECT_TRUE(Close(expected.at("tn").get<double>(), m.tn));
      EXPECT_TRUE(Close(expected.at("fn").get<double>(), m.fn));
      EXPECT_TRUE(Close(expected.at("precision").get<double>(), m.Precision()));
      EXPECT_TRUE(Close(expected.at("recall").get<double>(), m.Recall()));
      EXPECT_TRUE(Close(expected.at("f1").get<double>(), m.F1()));
      EXPECT_TRUE(Close(expected.at("accuracy").get<double>(), m.Accuracy()));
      EXPECT_TRUE(Close(expected.at("specificity").get<double>(), m.Specificity()));
    }
  }
}

// sklearn's calibration_curve lists only non-empty bins; finai's table keeps every bin.
void ExpectCalibration(const json& expected, const std::vector<CalibrationBin>& table) {
  ASSERT_EQ(table.size(), expected.at("counts").size());
  std::vector<double> observed;
  std::vector<double> predicted;
  for (std::size_t b = 0; b < table.size(); ++b) {
    EXPECT_EQ(table[b].count, expected.at("counts")[b].get<std::int64_t>()) << "bin " << b;
    EXPECT_TRUE(Close(expected.at("edges")[b].get<double>(), table[b].lower)) << "bin " << b;
    EXPECT_TRUE(Close(expected.at("edges")[b + 1].get<double>(), table[b].upper)) << "bin " << b;
    if (table[b].count > 0) {
      observed.push_back(table[b].observed_rate);
      predicted.push_back(table[b].mean_predicted);
    }
  }
  ExpectCurve(expected.at("prob_true"), observed, "prob_true");
  ExpectCurve(expected.at("prob_pred"), predicted, "prob_pred");
}

TEST(MetricsGolden, CalibrationTable) {
  const int n_bins = Golden().at("n_bins").get<int>();
  for (const BinaryCase& c : BinaryCases()) {
    SCOPED_TRACE(c.name);
    const json& expected = c.expected->at("calibration");
    {
      SCOPED_TRACE("uniform");
      ExpectCalibration(expected.at("uniform"), CalibrationTable(c.labels, c.scores, {}, n_bins));
    }
    {
      SCOPED_TRACE("quantile");
      ExpectCalibration(expected.at("quantile"),
                        CalibrationTable(c.labels, c.scores, {}, n_bins, BinStrategy::kQuantile));
    }
  }
}

TEST(MetricsGolden, WeightedCalibrationEqualsRepeatedRows) {
  int checked = 0;
  for (const BinaryCase& c : BinaryCases()) {
    if (!c.expected->contains("calibration_weighted_uniform")) continue;
    SCOPED_TRACE(c.name);
    const std::vector<CalibrationBin> table =
        CalibrationTable(c.labels, c.scores, c.weights, Golden().at("n_bins").get<int>());
    // The golden counts are rows after repeating each row `weight` times: the table's weights.
    const json& expected = c.expected->at("calibration_weighted_uniform");
    std::vector<double> observed;
    std::vector<double> predicted;
    for (std::size_t b = 0; b < table.size(); ++b) {
      EXPECT_TRUE(Close(expected.at("counts")[b].get<double>(), table[b].weight)) << "bin " << b;
      if (table[b].weight > 0) {
        observed.push_back(table[b].observed_rate);
        predicted.push_back(table[b].mean_predicted);
      }
    }
    ExpectCurve(expected.at("prob_true"), observed, "prob_true");
    ExpectCurve(expected.at("prob_pred"), predicted, "prob_pred");
    ++checked;
  }
  EXPECT_GE(checked, 2);
}

void ExpectRegression(const json& expected, std::span<const double> y_true, std::span<const double> y_pred,
                      std::span<const double> weights) {
  EXPECT_TRUE(Close(expected.at("mse").get<double>(), Mse(y_true, y_pred, weights)));
  EXPECT_TRUE(Close(expected.at("rmse").get<double>(), Rmse(y_true, y_pred, weights)));
  EXPECT_TRUE(Close(expected.at("mae").get<double>(), Mae(y_true, y_pred, weights)));
  EXPECT_TRUE(Close(expected.at("r2").get<double>(), R2(y_true, y_pred, weights)));
}

TEST(MetricsGolden, Regression) {
  for (const json& c : Golden().at("regression_cases")) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    ExpectRegression(c.at("expected"), Doubles(c.at("y_true")), Doubles(c.at("y_pred")), Doubles(c.at("weights")));
  }
  for (const BinaryCase& c : BinaryCases()) {  // probabilities as predictions of 0/1 outcomes
    SCOPED_TRACE(c.name);
    ExpectRegression(c.expected->at("regression"), c.labels, c.scores, c.weights);
  }
}

}  // namespace
}  // namespace finai::metrics
