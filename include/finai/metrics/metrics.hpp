// Model-quality metrics used across finai: ranking (AUC, Gini, KS, ROC and precision-recall curves),
// probabilistic (log loss, Brier, calibration), thresholded classification and regression.
//
// Conventions shared by every function (docs/metrics.md has the formulas):
//  - labels, scores and weights are parallel spans; an empty weights span means every row weighs 1.
//  - Binary labels are exactly 0.0 or 1.0; 1 is the event (default, fraud).
//  - Weights are finite and >= 0 and scale a row's contribution; weight 2 is the same as the row twice.
//    Ranking functions ignore rows of weight 0 entirely (as scikit-learn does): they add no threshold.
//  - Tied scores are handled exactly: a tied positive/negative pair counts 1/2 towards AUC, and curves
//    have one point per distinct score, never between two rows with the same score.
//  - A ratio whose denominator is 0 is reported as 0 (scikit-learn's zero_division=0).
//  - Bad input throws finai::InvalidArgument naming the argument, the 0-based row and the value.
// Results depend only on the input values and their order, never on threads or timing.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace finai::metrics {

// ---- Ranking (src/metrics/ranking.cpp) ------------------------------------------------------------------

// Area under the ROC curve: the weighted probability that a random event scores above a random non-event,
// ties counting 1/2. Needs both classes with positive weight. Scores may be any non-NaN values (±inf rank).
double Auc(std::span<const double> labels, std::span<const double> scores, std::span<const double> weights = {});

// Gini = 2 * AUC - 1 (the accuracy ratio of credit scoring).
double Gini(std::span<const double> labels, std::span<const double> scores, std::span<const double> weights = {});

struct KsResult {
  double statistic = 0;  // max over thresholds t of |TPR(t) - FPR(t)|
  double threshold = 0;  // the highest score t reaching it; rows with score >= t are predicted events
};

// Kolmogorov-Smirnov separation between the score distributions of events and non-events. Only distinct
// score values are candidate thresholds, so tied rows are never split.
KsResult KsStatistic(std::span<const double> labels, std::span<const double> scores,
                     std::span<const double> weights = {});

// ---- Curves (src/metrics/curves.cpp) --------------------------------------------------------------------

// As sklearn.metrics.roc_curve(drop_intermediate=False): point 0 is (0, 0) at threshold +inf (sklearn
// before 1.3 wrote max score + 1 there), then one point per distinct score, thresholds decreasing.
struct RocCurvePoints {
  std::vector<double> fpr;
  std::vector<double> tpr;
  std::vector<double> thresholds;
};
RocCurvePoints RocCurve(std::span<const double> labels, std::span<const double> scores,
                        std::span<const double> weights = {});

// As sklearn.metrics.precision_recall_curve: thresholds are the distinct scores increasing; precision and
// recall have one more element, the final point (recall 0, precision 1). Needs at least one event.
struct PrecisionRecallPoints {
  std::vector<double> precision;
  std::vector<double> recall;
  std::vector<double> thresholds;
};
PrecisionRecallPoints PrecisionRecallCurve(std::span<const double> labels, std::span<const double> scores,
                                           std::span<const double> weights = {});

// sklearn's average_precision_score: sum over thresholds of (R_n - R_{n-1}) * P_n, no interpolation.
double AveragePrecision(std::span<const double> labels, std::span<const double> scores,
                        std::span<const double> weights = {});

// ---- Probabilistic (src/metrics/probabilistic.cpp, calibration.cpp) -------------------------------------

inline constexpr double kLogLossEps = 1e-15;

// Weighted mean of -[y log p + (1 - y) log(1 - p)] with p clipped to [eps, 1 - eps]. probs in [0, 1].
double LogLoss(std::span<const double> labels, std::span<const double> probs, std::span<const double> weights = {},
               double eps = kLogLossEps);

// Weighted mean of (y - p)^2. probs in [0, 1].
double Brier(std::span<const double> labels, std::span<const double> probs, std::span<const double> weights = {});

enum class BinStrategy {
  kUniform,   // n_bins equal-width bins over [0, 1]
  kQuantile,  // edges at the (unweighted) quantiles of probs, numpy's linear interpolation
};

// One row of a calibration table. A row with probability p belongs to the bin with lower < p <= upper;
// the first bin also holds p == lower (and, for quantile bins, nothing lies outside [first, last edge]).
struct CalibrationBin {
  double lower = 0;
  double upper = 0;
  std::int64_t count = 0;      // rows in the bin, whatever their weight
  double weight = 0;           // sum of their weights
  double mean_predicted = 0;   // weighted mean of probs; 0 when weight is 0
  double observed_rate = 0;    // weighted mean of labels (event rate); 0 when weight is 0
};

// Always n_bins rows, empty bins included (count 0): sklearn's calibration_curve returns prob_true =
// observed_rate and prob_pred = mean_predicted of the bins with count > 0.
std::vector<CalibrationBin> CalibrationTable(std::span<const double> labels, std::span<const double> probs,
                                             std::span<const double> weights = {}, int n_bins = 10,
                                             BinStrategy strategy = BinStrategy::kUniform);

// ---- Thresholded classification (src/metrics/classification.cpp) ---------------------------------------

// Weighted counts of one decision threshold. Every ratio with a zero denominator is 0.
struct ConfusionMatrix {
  double tp = 0;
  double fp = 0;
  double tn = 0;
  double fn = 0;

  double Total() const { return tp + fp + tn + fn; }
  double Precision() const;    // tp / (tp + fp)
  double Recall() const;       // tp / (tp + fn), the true-positive rate
  double F1() const;           // 2 tp / (2 tp + fp + fn), the harmonic mean of precision and recall
  double Accuracy() const;     // (tp + tn) / total
  double Specificity() const;  // tn / (tn + fp), the true-negative rate
};

// Predicts an event when score >= threshold.
ConfusionMatrix AtThreshold(std::span<const double> labels, std::span<const double> scores, double threshold,
                            std::span<const double> weights = {});

// ---- Regression (src/metrics/regression.cpp) ------------------------------------------------------------
// Any finite targets and predictions; weighted means as in scikit-learn.

double Mse(std::span<const double> y_true, std::span<const double> y_pred, std::span<const double> weights = {});
double Rmse(std::span<const double> y_true, std::span<const double> y_pred, std::span<const double> weights = {});
double Mae(std::span<const double> y_true, std::span<const double> y_pred, std::span<const double> weights = {});
// 1 - SS_res / SS_tot around the weighted mean of y_true. When y_true is constant (SS_tot == 0) it is 1 for a
// perfect prediction and 0 otherwise, as sklearn's r2_score(force_finite=True).
double R2(std::span<const double> y_true, std::span<const double> y_pred, std::span<const double> weights = {});

}  // namespace finai::metrics
