// Hand-computed cases (the arithmetic is in the comments) and invariances every metric must respect.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "finai/metrics/metrics.hpp"

namespace finai::metrics {
namespace {

using Vec = std::vector<double>;
constexpr double kInf = std::numeric_limits<double>::infinity();

void ExpectVectorNear(const Vec& expected, const Vec& actual, double tolerance = 1e-15) {
  ASSERT_EQ(expected.size(), actual.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (expected[i] == actual[i]) continue;  // also +inf thresholds, which EXPECT_NEAR cannot compare
    EXPECT_NEAR(expected[i], actual[i], tolerance) << "index " << i;
  }
}

// ---- Hand-computed ----------------------------------------------------------------------------------------

TEST(MetricsByHand, AucCountsTiesAsHalf) {
  // Events score 0.9 and 0.6, non-events 0.6 and 0.1. Pairs (event, non-event):
  // (0.9, 0.6) = 1, (0.9, 0.1) = 1, (0.6, 0.6) = 1/2, (0.6, 0.1) = 1  ->  3.5 / 4 = 0.875.
  const Vec labels{1, 0, 1, 0};
  const Vec scores{0.9, 0.6, 0.6, 0.1};
  EXPECT_DOUBLE_EQ(Auc(labels, scores), 0.875);
  EXPECT_DOUBLE_EQ(Gini(labels, scores), 0.75);
}

TEST(MetricsByHand, WeightedAuc) {
  // Same rows, weights 2, 1, 1, 3: P = 3, N = 4. Weighted pairs: (0.9 w2, 0.6 w1) = 2, (0.9 w2, 0.1 w3) = 6,
  // (0.6 w1, 0.6 w1) = 1/2, (0.6 w1, 0.1 w3) = 3  ->  11.5 / 12 = 23/24.
  EXPECT_DOUBLE_EQ(Auc(Vec{1, 0, 1, 0}, Vec{0.9, 0.6, 0.6, 0.1}, Vec{2, 1, 1, 3}), 23.0 / 24.0);
}

TEST(MetricsByHand, AucOfConstantScoresIsHalfAndInfinitiesRank) {
  EXPECT_DOUBLE_EQ(Auc(Vec{1, 0, 0}, Vec{3, 3, 3}), 0.5);
  EXPECT_DOUBLE_EQ(Auc(Vec{1, 0}, Vec{0.0, -0.0}), 0.5);  // -0 and +0 are the same score
  EXPECT_DOUBLE_EQ(Auc(Vec{1, 0, 1}, Vec{kInf, -kInf, 0}), 1.0);
}

TEST(MetricsByHand, KsPicksHighestThresholdAmongEqualSeparations) {
  // P = N = 3. Threshold: 0.9 -> |1/3 - 0| = 1/3; 0.8 -> |2/3 - 0| = 2/3; 0.7 -> |2/3 - 1/3| = 1/3;
  // 0.6 -> |1 - 1/3| = 2/3; 0.5 -> |1 - 1| = 0. The maximum 2/3 is first reached at 0.8. In doubles
  // 1 - 1/3 rounds above 2/3, so a naive comparison would pick 0.6.
  const KsResult ks = KsStatistic(Vec{1, 1, 0, 1, 0, 0}, Vec{0.9, 0.8, 0.7, 0.6, 0.5, 0.5});
  EXPECT_DOUBLE_EQ(ks.statistic, 2.0 / 3.0);
  EXPECT_EQ(ks.threshold, 0.8);
}

TEST(MetricsByHand, KsNeverSplitsTies) {
  // Scores 0.5 hold an event and a non-event; splitting them would give |1/2 - 0| at "0.5, first row only".
  // Thresholds: 0.5 -> |1/2 - 1/2| = 0; 0.1 -> |1 - 1| = 0. So KS is 0, reached at 0.5.
  const KsResult ks = KsStatistic(Vec{1, 0, 1, 0}, Vec{0.5, 0.5, 0.1, 0.1});
  EXPECT_EQ(ks.statistic, 0.0);
  EXPECT_EQ(ks.threshold, 0.5);
}

TEST(MetricsByHand, RocCurveAsScikitLearnDocumentsIt) {
  // sklearn's roc_curve docstring: y = [1, 1, 2, 2], scores = [0.1, 0.4, 0.35, 0.8] with pos_label 2.
  const RocCurvePoints roc = RocCurve(Vec{0, 0, 1, 1}, Vec{0.1, 0.4, 0.35, 0.8});
  ExpectVectorNear({0, 0, 0.5, 0.5, 1}, roc.fpr);
  ExpectVectorNear({0, 0.5, 0.5, 1, 1}, roc.tpr);
  ASSERT_EQ(roc.thresholds.size(), 5U);
  EXPECT_EQ(roc.thresholds[0], kInf);
  ExpectVectorNear({0.8, 0.4, 0.35, 0.1}, Vec(roc.thresholds.begin() + 1, roc.thresholds.end()));
}

TEST(MetricsByHand, RocCurveHasOnePointPerDistinctScore) {
  const RocCurvePoints roc = RocCurve(Vec{1, 0, 1, 0, 1}, Vec{0.7, 0.7, 0.7, 0.2, 0.2});
  // 0.7: tp 2 of 3, fp 1 of 2; 0.2: everything.
  ExpectVectorNear({0, 0.5, 1}, roc.fpr);
  ExpectVectorNear({0, 2.0 / 3.0, 1}, roc.tpr);
}

TEST(MetricsByHand, ZeroWeightRowsAddNoThreshold) {
  // The row scoring 0.1 weighs 0: it is left out, so 0.1 is no threshold and the curve ends at 0.5.
  const RocCurvePoints roc = RocCurve(Vec{1, 0, 1}, Vec{0.9, 0.5, 0.1}, Vec{1, 1, 0});
  ExpectVectorNear({kInf, 0.9, 0.5}, roc.thresholds, 0);
  ExpectVectorNear({0, 1, 1}, roc.tpr);
  ExpectVectorNear({0, 0, 1}, roc.fpr);
}

TEST(MetricsByHand, PrecisionRecallAndAveragePrecision) {
  // sklearn's precision_recall_curve docstring: y = [0, 0, 1, 1], scores = [0.1, 0.4, 0.35, 0.8].
  // Thresholds 0.1, 0.35, 0.4, 0.8: precision 2/4, 2/3, 1/2, 1/1; recall 1, 1, 1/2, 1/2; then (1, 0).
  const Vec labels{0, 0, 1, 1};
  const Vec scores{0.1, 0.4, 0.35, 0.8};
  const PrecisionRecallPoints pr = PrecisionRecallCurve(labels, scores);
  ExpectVectorNear({0.5, 2.0 / 3.0, 0.5, 1, 1}, pr.precision);
  ExpectVectorNear({1, 1, 0.5, 0.5, 0}, pr.recall);
  ExpectVectorNear({0.1, 0.35, 0.4, 0.8}, pr.thresholds);
  // AP = (1/2 - 0) * 1 + (1/2 - 1/2) * 1/2 + (1 - 1/2) * 2/3 = 1/2 + 1/3.
  EXPECT_DOUBLE_EQ(AveragePrecision(labels, scores), 5.0 / 6.0);
  // No non-events: precision is 1 everywhere, AP is 1.
  EXPECT_DOUBLE_EQ(AveragePrecision(Vec{1, 1}, Vec{0.2, 0.3}), 1.0);
}

TEST(MetricsByHand, LogLossAndBrier) {
  // -(log 0.8 + log(1 - 0.4)) / 2 and ((1 - 0.8)^2 + 0.4^2) / 2 = (0.04 + 0.16) / 2.
  EXPECT_DOUBLE_EQ(LogLoss(Vec{1, 0}, Vec{0.8, 0.4}), -(std::log(0.8) + std::log(0.6)) / 2);
  EXPECT_DOUBLE_EQ(Brier(Vec{1, 0}, Vec{0.8, 0.4}), 0.1);
  // Weighted: weight 3 on the first row: (3 * 0.04 + 0.16) / 4.
  EXPECT_DOUBLE_EQ(Brier(Vec{1, 0}, Vec{0.8, 0.4}, Vec{3, 1}), 0.07);
}

TEST(MetricsByHand, LogLossClipsCertainMistakes) {
  // p = 0 for an event is clipped to 1e-15: the loss is -log(1e-15) = 15 log(10), not infinity.
  EXPECT_NEAR(LogLoss(Vec{1}, Vec{0.0}), 15 * std::log(10.0), 1e-12);
  EXPECT_NEAR(LogLoss(Vec{0}, Vec{1.0}), 15 * std::log(10.0), 1e-3);  // 1 - 1e-15 is not exact in doubles
  EXPECT_NEAR(LogLoss(Vec{1}, Vec{0.0}, {}, 1e-3), -std::log(1e-3), 1e-12);
  EXPECT_EQ(LogLoss(Vec{1, 0}, Vec{1.0, 0.0}, {}, 0.0), 0.0);  // eps 0 allowed: perfect predictions
}

TEST(MetricsByHand, ConfusionMatrixAtThreshold) {
  // Threshold 0.5, predicted event when score >= 0.5: rows predicted 1, 0, 1, 0, 1.
  // tp = rows 0 and 4, fp = row 2, tn = row 3, fn = row 1.
  const ConfusionMatrix m = AtThreshold(Vec{1, 1, 0, 0, 1}, Vec{0.7, 0.4, 0.6, 0.1, 0.5}, 0.5);
  EXPECT_EQ(m.tp, 2);
  EXPECT_EQ(m.fp, 1);
  EXPECT_EQ(m.tn, 1);
  EXPECT_EQ(m.fn, 1);
  EXPECT_DOUBLE_EQ(m.Precision(), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(m.Recall(), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(m.F1(), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(m.Accuracy(), 3.0 / 5.0);
  EXPECT_DOUBLE_EQ(m.Specificity(), 0.5);
  EXPECT_EQ(m.Total(), 5);
}

TEST(MetricsByHand, ZeroDivisionGivesZero) {
  // Nothing predicted as an event: precision 0/0 -> 0, recall 0/2 = 0, F1 0.
  const ConfusionMatrix none = AtThreshold(Vec{1, 0, 1}, Vec{0.1, 0.2, 0.3}, 0.9);
  EXPECT_EQ(none.Precision(), 0.0);
  EXPECT_EQ(none.Recall(), 0.0);
  EXPECT_EQ(none.F1(), 0.0);
  EXPECT_DOUBLE_EQ(none.Accuracy(), 1.0 / 3.0);
  EXPECT_EQ(none.Specificity(), 1.0);
  // No events at all and none predicted: recall and F1 0/0 -> 0.
  const ConfusionMatrix no_events = AtThreshold(Vec{0, 0}, Vec{0.1, 0.2}, 0.5);
  EXPECT_EQ(no_events.Recall(), 0.0);
  EXPECT_EQ(no_events.F1(), 0.0);
  EXPECT_EQ(no_events.Accuracy(), 1.0);
  const ConfusionMatrix empty{};
  EXPECT_EQ(empty.Accuracy(), 0.0);
  EXPECT_EQ(empty.Specificity(), 0.0);
}

TEST(MetricsByHand, CalibrationUniformBinsAreClosedOnTheRight) {
  // Edges 0, 0.25, 0.5, 0.75, 1. 0.25 lies on an edge and belongs to the first bin, (0, 0.25].
  const auto table = CalibrationTable(Vec{0, 1, 0, 1, 1}, Vec{0.05, 0.15, 0.2, 0.25, 0.95}, {}, 4);
  ASSERT_EQ(table.size(), 4U);
  EXPECT_EQ(table[0].count, 4);
  EXPECT_DOUBLE_EQ(table[0].mean_predicted, (0.05 + 0.15 + 0.2 + 0.25) / 4);
  EXPECT_DOUBLE_EQ(table[0].observed_rate, 0.5);
  EXPECT_EQ(table[0].lower, 0.0);
  EXPECT_EQ(table[0].upper, 0.25);
  EXPECT_EQ(table[1].count, 0);
  EXPECT_EQ(table[1].mean_predicted, 0.0);
  EXPECT_EQ(table[1].observed_rate, 0.0);
  EXPECT_EQ(table[2].count, 0);
  EXPECT_EQ(table[3].count, 1);
  EXPECT_DOUBLE_EQ(table[3].mean_predicted, 0.95);
  EXPECT_EQ(table[3].observed_rate, 1.0);
  EXPECT_EQ(table[3].upper, 1.0);
}

TEST(MetricsByHand, CalibrationQuantileAndWeights) {
  // Two quantile bins of 0.1 .. 0.5: edges are the 0th, 50th, 100th percentiles 0.1, 0.3, 0.5; 0.3 goes low.
  const auto table = CalibrationTable(Vec{0, 0, 1, 1, 1}, Vec{0.1, 0.2, 0.3, 0.4, 0.5}, Vec{1, 1, 2, 1, 3}, 2,
                                      BinStrategy::kQuantile);
  ASSERT_EQ(table.size(), 2U);
  EXPECT_DOUBLE_EQ(table[0].lower, 0.1);
  EXPECT_DOUBLE_EQ(table[0].upper, 0.3);
  EXPECT_DOUBLE_EQ(table[1].upper, 0.5);
  EXPECT_EQ(table[0].count, 3);
  EXPECT_EQ(table[0].weight, 4);
  EXPECT_DOUBLE_EQ(table[0].mean_predicted, (0.1 + 0.2 + 2 * 0.3) / 4);
  EXPECT_DOUBLE_EQ(table[0].observed_rate, 0.5);
  EXPECT_EQ(table[1].count, 2);
  EXPECT_EQ(table[1].weight, 4);
  EXPECT_DOUBLE_EQ(table[1].mean_predicted, (0.4 + 3 * 0.5) / 4);
  EXPECT_EQ(table[1].observed_rate, 1.0);
}

TEST(MetricsByHand, Regression) {
  // y = 1, 2, 3 against 2, 2, 2: squared errors 1, 0, 1; SS_tot = 2, so R2 = 1 - 2/2 = 0.
  EXPECT_DOUBLE_EQ(Mse(Vec{1, 2, 3}, Vec{2, 2, 2}), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(Rmse(Vec{1, 2, 3}, Vec{2, 2, 2}), std::sqrt(2.0 / 3.0));
  EXPECT_DOUBLE_EQ(Mae(Vec{1, 2, 3}, Vec{2, 2, 2}), 2.0 / 3.0);
  EXPECT_EQ(R2(Vec{1, 2, 3}, Vec{2, 2, 2}), 0.0);
  // Reversed predictions: SS_res = 4 + 0 + 4 = 8, R2 = 1 - 8/2 = -3.
  EXPECT_DOUBLE_EQ(R2(Vec{1, 2, 3}, Vec{3, 2, 1}), -3.0);
  // Weighted: y = 0, 1 with weights 1, 3 predicted 0, 0. Mean 0.75; SS_res = 3; SS_tot = 0.5625 + 0.1875.
  EXPECT_DOUBLE_EQ(R2(Vec{0, 1}, Vec{0, 0}, Vec{1, 3}), -3.0);
  EXPECT_DOUBLE_EQ(Mse(Vec{0, 1}, Vec{0, 0}, Vec{1, 3}), 0.75);
  // Constant targets: perfect -> 1, imperfect -> 0 (sklearn's force_finite).
  EXPECT_EQ(R2(Vec{2, 2}, Vec{2, 2}), 1.0);
  EXPECT_EQ(R2(Vec{2, 2}, Vec{2, 3}), 0.0);
}

TEST(MetricsByHand, SumsAreCompensated) {
  // 1e16 + 100 ones: a plain running sum drops every 1 (the spacing of doubles at 1e16 is 2).
  Vec y_pred(101, 1.0);
  y_pred[0] = 1e16;
  const Vec y_true(101, 0.0);
  EXPECT_DOUBLE_EQ(Mae(y_true, y_pred), (1e16 + 100.0) / 101.0);
}

// ---- Invariances ------------------------------------------------------------------------------------------

struct Sample {
  Vec labels;
  Vec scores;
  Vec weights;
};

// Scores on a 0.01 grid so there are many ties; integer weights 0..3.
Sample MakeSample(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Sample s;
  for (std::size_t i = 0; i < n; ++i) {
    const double score = static_cast<double>(rng() % 101) / 100.0;
    const double u = static_cast<double>(rng() % 1000) / 1000.0;
    s.scores.push_back(score);
    s.labels.push_back(u < 0.1 + 0.8 * score ? 1.0 : 0.0);
    s.weights.push_back(static_cast<double>(rng() % 4));
  }
  s.labels[0] = 1;  // both classes with positive weight whatever the draw
  s.labels[1] = 0;
  s.weights[0] = s.weights[1] = 1;
  return s;
}

// Each row repeated `weight` times, with unit weights.
Sample Expand(const Sample& s) {
  Sample out;
  for (std::size_t i = 0; i < s.labels.size(); ++i) {
    for (int k = 0; k < static_cast<int>(s.weights[i]); ++k) {
      out.labels.push_back(s.labels[i]);
      out.scores.push_back(s.scores[i]);
    }
  }
  return out;
}

::testing::AssertionResult Near(double a, double b) {
  if (std::abs(a - b) <= 1e-13 * std::max(std::abs(a), std::abs(b))) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << a << " vs " << b;
}

TEST(MetricsInvariance, AucAndKsIgnoreMonotoneTransforms) {
  const Sample s = MakeSample(500, 7);
  Vec transformed;
  Vec reversed;
  for (double x : s.scores) {
    transformed.push_back(std::exp(4 * x) - 10);  // strictly increasing and keeps every tie
    reversed.push_back(-x);
  }
  EXPECT_EQ(Auc(s.labels, transformed, s.weights), Auc(s.labels, s.scores, s.weights));
  EXPECT_EQ(KsStatistic(s.labels, transformed, s.weights).statistic,
            KsStatistic(s.labels, s.scores, s.weights).statistic);
  EXPECT_EQ(AveragePrecision(s.labels, transformed), AveragePrecision(s.labels, s.scores));
  EXPECT_TRUE(Near(Auc(s.labels, reversed, s.weights), 1 - Auc(s.labels, s.scores, s.weights)));
}

TEST(MetricsInvariance, IntegerWeightsEqualRepeatedRows) {
  const Sample s = MakeSample(400, 11);
  const Sample e = Expand(s);
  EXPECT_TRUE(Near(Auc(s.labels, s.scores, s.weights), Auc(e.labels, e.scores)));
  EXPECT_TRUE(Near(AveragePrecision(s.labels, s.scores, s.weights), AveragePrecision(e.labels, e.scores)));
  EXPECT_TRUE(Near(LogLoss(s.labels, s.scores, s.weights), LogLoss(e.labels, e.scores)));
  EXPECT_TRUE(Near(Brier(s.labels, s.scores, s.weights), Brier(e.labels, e.scores)));
  EXPECT_TRUE(Near(R2(s.labels, s.scores, s.weights), R2(e.labels, e.scores)));
  EXPECT_TRUE(Near(Mae(s.labels, s.scores, s.weights), Mae(e.labels, e.scores)));
  const KsResult ks_weighted = KsStatistic(s.labels, s.scores, s.weights);
  const KsResult ks_repeated = KsStatistic(e.labels, e.scores);
  EXPECT_TRUE(Near(ks_weighted.statistic, ks_repeated.statistic));
  EXPECT_EQ(ks_weighted.threshold, ks_repeated.threshold);

  // Zero-weight rows vanish from the curves, so the two curves have the same points.
  const RocCurvePoints roc_weighted = RocCurve(s.labels, s.scores, s.weights);
  const RocCurvePoints roc_repeated = RocCurve(e.labels, e.scores);
  ExpectVectorNear(roc_repeated.fpr, roc_weighted.fpr, 1e-14);
  ExpectVectorNear(roc_repeated.tpr, roc_weighted.tpr, 1e-14);
  ExpectVectorNear(roc_repeated.thresholds, roc_weighted.thresholds, 0);
  const PrecisionRecallPoints pr_weighted = PrecisionRecallCurve(s.labels, s.scores, s.weights);
  const PrecisionRecallPoints pr_repeated = PrecisionRecallCurve(e.labels, e.scores);
  ExpectVectorNear(pr_repeated.precision, pr_weighted.precision, 1e-14);
  ExpectVectorNear(pr_repeated.recall, pr_weighted.recall, 1e-14);

  const ConfusionMatrix m_weighted = AtThreshold(s.labels, s.scores, 0.5, s.weights);
  const ConfusionMatrix m_repeated = AtThreshold(e.labels, e.scores, 0.5);
  EXPECT_EQ(m_weighted.tp, m_repeated.tp);
  EXPECT_EQ(m_weighted.fp, m_repeated.fp);
  EXPECT_EQ(m_weighted.tn, m_repeated.tn);
  EXPECT_EQ(m_weighted.fn, m_repeated.fn);

  const auto cal_weighted = CalibrationTable(s.labels, s.scores, s.weights, 10);
  const auto cal_repeated = CalibrationTable(e.labels, e.scores, {}, 10);
  ASSERT_EQ(cal_weighted.size(), cal_repeated.size());
  for (std::size_t b = 0; b < cal_weighted.size(); ++b) {
    EXPECT_EQ(cal_weighted[b].weight, static_cast<double>(cal_repeated[b].count)) << "bin " << b;
    EXPECT_TRUE(Near(cal_weighted[b].observed_rate, cal_repeated[b].observed_rate)) << "bin " << b;
    EXPECT_TRUE(Near(cal_weighted[b].mean_predicted, cal_repeated[b].mean_predicted)) << "bin " << b;
  }
}

TEST(MetricsInvariance, ScalingWeightsChangesNothing) {
  const Sample s = MakeSample(300, 13);
  Vec scaled;
  for (double w : s.weights) scaled.push_back(w * 1e-3);
  EXPECT_TRUE(Near(Auc(s.labels, s.scores, s.weights), Auc(s.labels, s.scores, scaled)));
  EXPECT_TRUE(Near(LogLoss(s.labels, s.scores, s.weights), LogLoss(s.labels, s.scores, scaled)));
  EXPECT_TRUE(Near(Rmse(s.labels, s.scores, s.weights), Rmse(s.labels, s.scores, scaled)));
}

TEST(MetricsInvariance, RowOrderDoesNotMatter) {
  const Sample s = MakeSample(300, 17);
  Sample r;
  for (std::size_t i = s.labels.size(); i-- > 0;) {
    r.labels.push_back(s.labels[i]);
    r.scores.push_back(s.scores[i]);
    r.weights.push_back(s.weights[i]);
  }
  EXPECT_TRUE(Near(Auc(s.labels, s.scores, s.weights), Auc(r.labels, r.scores, r.weights)));
  const RocCurvePoints a = RocCurve(s.labels, s.scores, s.weights);
  const RocCurvePoints b = RocCurve(r.labels, r.scores, r.weights);
  ExpectVectorNear(a.fpr, b.fpr, 1e-14);
  ExpectVectorNear(a.thresholds, b.thresholds, 0);
}

}  // namespace
}  // namespace finai::metrics
