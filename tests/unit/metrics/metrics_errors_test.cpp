// Bad input: each case must throw finai::InvalidArgument with this exact message, naming the argument, the
// 0-based row and the offending value.
#include <gtest/gtest.h>

#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "finai/core/error.hpp"
#include "finai/metrics/metrics.hpp"

namespace finai::metrics {
namespace {

using Vec = std::vector<double>;
constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

std::string MessageOf(const std::function<void()>& call) {
  try {
    call();
  } catch (const InvalidArgument& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidArgument);
    return e.what();
  } catch (const std::exception& e) {
    return std::string("wrong exception type: ") + e.what();
  }
  return "no exception";
}

const Vec kLabels{1, 0, 1, 0};
const Vec kScores{0.9, 0.2, 0.6, 0.4};

TEST(MetricsErrors, LengthsMustMatch) {
  EXPECT_EQ(MessageOf([] { Auc(kLabels, Vec{0.1, 0.2, 0.3}); }),
            "column 'scores': Auc got 3 scores for 4 labels; expected 4 values");
  EXPECT_EQ(MessageOf([] { Auc(kLabels, kScores, Vec{1, 1}); }),
            "column 'weights': Auc got 2 weights for 4 labels; expected 4 values, or none for unit weights");
  EXPECT_EQ(MessageOf([] { Rmse(Vec{1, 2}, Vec{1}); }),
            "column 'y_pred': Rmse got 1 y_pred for 2 y_true; expected 2 values");
  EXPECT_EQ(MessageOf([] { LogLoss(Vec{1}, Vec{0.5, 0.5}); }),
            "column 'probs': LogLoss got 2 probs for 1 labels; expected 1 values");
}

TEST(MetricsErrors, EmptyInput) {
  EXPECT_EQ(MessageOf([] { Auc(Vec{}, Vec{}); }), "column 'labels': Auc needs at least one row");
  EXPECT_EQ(MessageOf([] { Brier(Vec{}, Vec{}); }), "column 'labels': Brier needs at least one row");
  EXPECT_EQ(MessageOf([] { Mae(Vec{}, Vec{}); }), "column 'y_true': Mae needs at least one row");
}

TEST(MetricsErrors, LabelsMustBeBinary) {
  EXPECT_EQ(MessageOf([] { Auc(Vec{1, 0, 2, 0}, kScores); }),
            "column 'labels[2]': value '2': Auc needs binary labels; expected 0 or 1");
  EXPECT_EQ(MessageOf([] { KsStatistic(Vec{1, 0.5, 1, 0}, kScores); }),
            "column 'labels[1]': value '0.5': KsStatistic needs binary labels; expected 0 or 1");
  EXPECT_EQ(MessageOf([] { AtThreshold(Vec{-1, 0, 1, 0}, kScores, 0.5); }),
            "column 'labels[0]': value '-1': AtThreshold needs binary labels; expected 0 or 1");
  EXPECT_EQ(MessageOf([] { CalibrationTable(Vec{1, 0, 1, kNan}, kScores); }),
            "column 'labels[3]': value 'nan': CalibrationTable needs binary labels; expected 0 or 1");
}

TEST(MetricsErrors, ScoresMustNotBeNan) {
  EXPECT_EQ(MessageOf([] { Auc(kLabels, Vec{0.9, kNan, 0.6, 0.4}); }),
            "column 'scores[1]': value 'nan': Auc needs scores that are not NaN; expected a number");
  EXPECT_EQ(MessageOf([] { RocCurve(kLabels, Vec{0.9, 0.2, 0.6, kNan}); }),
            "column 'scores[3]': value 'nan': RocCurve needs scores that are not NaN; expected a number");
  EXPECT_EQ(MessageOf([] { AtThreshold(kLabels, kScores, kNan); }),
            "column 'threshold': value 'nan': AtThreshold needs a threshold that is not NaN; expected a number");
}

TEST(MetricsErrors, ProbabilitiesMustBeInUnitInterval) {
  EXPECT_EQ(MessageOf([] { LogLoss(kLabels, Vec{1.5, 0.2, 0.6, 0.4}); }),
            "column 'probs[0]': value '1.5': LogLoss needs probabilities; expected a value in [0, 1]");
  EXPECT_EQ(MessageOf([] { Brier(kLabels, Vec{0.9, 0.2, -0.25, 0.4}); }),
            "column 'probs[2]': value '-0.25': Brier needs probabilities; expected a value in [0, 1]");
  EXPECT_EQ(MessageOf([] { CalibrationTable(kLabels, Vec{0.9, kNan, 0.6, 0.4}); }),
            "column 'probs[1]': value 'nan': CalibrationTable needs probabilities; expected a value in [0, 1]");
}

TEST(MetricsErrors, RegressionValuesMustBeFinite) {
  EXPECT_EQ(MessageOf([] { Rmse(Vec{1, 2}, Vec{1, kInf}); }),
            "column 'y_pred[1]': value 'inf': Rmse needs finite values; expected a finite number");
  EXPECT_EQ(MessageOf([] { R2(Vec{kNan, 2}, Vec{1, 2}); }),
            "column 'y_true[0]': value 'nan': R2 needs finite values; expected a finite number");
}

TEST(MetricsErrors, WeightsMustBeNonNegativeAndFinite) {
  EXPECT_EQ(MessageOf([] { Auc(kLabels, kScores, Vec{1, 1, 1, -1}); }),
            "column 'weights[3]': value '-1': Auc needs non-negative finite weights; expected a finite value >= 0");
  EXPECT_EQ(MessageOf([] { LogLoss(kLabels, kScores, Vec{1, kInf, 1, 1}); }),
            "column 'weights[1]': value 'inf': LogLoss needs non-negative finite weights; expected a finite value "
            ">= 0");
  EXPECT_EQ(MessageOf([] { Mae(Vec{1, 2}, Vec{1, 2}, Vec{kNan, 1}); }),
            "column 'weights[0]': value 'nan': Mae needs non-negative finite weights; expected a finite value >= 0");
}

TEST(MetricsErrors, AllWeightsZero) {
  const Vec zeros{0, 0, 0, 0};
  EXPECT_EQ(MessageOf([&] { Auc(kLabels, kScores, zeros); }),
            "column 'weights': Auc is undefined when every weight is 0; expected a positive total weight");
  EXPECT_EQ(MessageOf([&] { Brier(kLabels, kScores, zeros); }),
            "column 'weights': Brier is undefined when every weight is 0; expected a positive total weight");
  EXPECT_EQ(MessageOf([&] { AtThreshold(kLabels, kScores, 0.5, zeros); }),
            "column 'weights': AtThreshold is undefined when every weight is 0; expected a positive total weight");
  EXPECT_EQ(MessageOf([&] { CalibrationTable(kLabels, kScores, zeros); }),
            "column 'weights': CalibrationTable is undefined when every weight is 0; expected a positive total "
            "weight");
  EXPECT_EQ(MessageOf([&] { R2(kLabels, kScores, zeros); }),
            "column 'weights': R2 is undefined when every weight is 0; expected a positive total weight");
}

TEST(MetricsErrors, RankingNeedsBothClasses) {
  EXPECT_EQ(MessageOf([] { Auc(Vec{1, 1, 1}, Vec{0.1, 0.2, 0.3}); }),
            "column 'labels': Auc is undefined: every row has label 1; expected rows of both classes");
  EXPECT_EQ(MessageOf([] { Gini(Vec{0, 0}, Vec{0.1, 0.2}); }),
            "column 'labels': Auc is undefined: every row has label 0; expected rows of both classes");
  EXPECT_EQ(MessageOf([] { KsStatistic(Vec{0, 0}, Vec{0.1, 0.2}); }),
            "column 'labels': KsStatistic is undefined: every row has label 0; expected rows of both classes");
  EXPECT_EQ(MessageOf([] { RocCurve(Vec{1}, Vec{0.1}); }),
            "column 'labels': RocCurve is undefined: every row has label 1; expected rows of both classes");
  // The only non-event weighs 0, so it does not count.
  EXPECT_EQ(MessageOf([] { Auc(Vec{1, 0, 1}, Vec{0.1, 0.2, 0.3}, Vec{1, 0, 2}); }),
            "column 'labels': Auc is undefined: every row with positive weight has label 1; expected rows of both "
            "classes");
}

TEST(MetricsErrors, PrecisionRecallNeedsEvents) {
  EXPECT_EQ(MessageOf([] { AveragePrecision(Vec{0, 0}, Vec{0.1, 0.2}); }),
            "column 'labels': AveragePrecision is undefined: every row has label 0; expected at least one row with "
            "label 1");
  EXPECT_EQ(MessageOf([] { PrecisionRecallCurve(Vec{0, 1}, Vec{0.1, 0.2}, Vec{1, 0}); }),
            "column 'labels': PrecisionRecallCurve is undefined: every row with positive weight has label 0; "
            "expected at least one row with label 1");
}

TEST(MetricsErrors, BadParameters) {
  EXPECT_EQ(MessageOf([] { CalibrationTable(kLabels, kScores, {}, 0); }),
            "column 'n_bins': value '0': CalibrationTable needs at least one bin; expected n_bins >= 1");
  EXPECT_EQ(MessageOf([] { LogLoss(kLabels, kScores, {}, 0.5); }),
            "column 'eps': value '0.5': LogLoss needs a clipping eps in [0, 0.5); expected 0 <= eps < 0.5");
  EXPECT_EQ(MessageOf([] { LogLoss(kLabels, kScores, {}, -1e-3); }),
            "column 'eps': value '-0.001': LogLoss needs a clipping eps in [0, 0.5); expected 0 <= eps < 0.5");
}

TEST(MetricsErrors, LocationFieldsAreSet) {
  try {
    Auc(Vec{1, 0, 7}, Vec{0.1, 0.2, 0.3});
    FAIL() << "no exception";
  } catch (const InvalidArgument& e) {
    EXPECT_EQ(e.location().field, "labels[2]");
    ASSERT_TRUE(e.location().value.has_value());
    EXPECT_EQ(*e.location().value, "7");
    EXPECT_EQ(e.location().expected, "0 or 1");
    EXPECT_EQ(e.detail(), "Auc needs binary labels");
  }
}

TEST(MetricsErrors, FirstBadRowIsReported) {
  // Labels are checked before scores, then weights; within one span the lowest index wins.
  EXPECT_EQ(MessageOf([] { Auc(Vec{1, 3, 4, 0}, Vec{kNan, 0.2, 0.3, 0.4}, Vec{-1, 1, 1, 1}); }),
            "column 'labels[1]': value '3': Auc needs binary labels; expected 0 or 1");
}

}  // namespace
}  // namespace finai::metrics
