// ROC and precision-recall curves, and average precision, laid out exactly as scikit-learn's so that plots
// and downstream code can be checked point by point against it.
#include <limits>

#include "finai/metrics/metrics.hpp"
#include "metrics/metrics_internal.hpp"

namespace finai::metrics {
namespace {

// Cumulative event and non-event weight at each distinct score, highest score first.
struct Cumulative {
  std::vector<double> true_positive;
  std::vector<double> false_positive;
};

Cumulative Accumulate(const detail::RankedScores& ranked) {
  Cumulative out;
  out.true_positive.reserve(ranked.groups.size());
  out.false_positive.reserve(ranked.groups.size());
  detail::CompensatedSum tp;
  detail::CompensatedSum fp;
  for (const detail::ScoreGroup& group : ranked.groups) {
    tp.Add(group.positive);
    fp.Add(group.negative);
    out.true_positive.push_back(tp.Value());
    out.false_positive.push_back(fp.Value());
  }
  return out;
}

double Ratio(double numerator, double denominator) { return denominator == 0 ? 0.0 : numerator / denominator; }

void RequirePositives(std::string_view metric, const detail::RankedScores& ranked, bool weighted) {
  if (ranked.total_positive <= 0) detail::ThrowMissingClass(metric, 1, weighted, "at least one row with label 1");
}

PrecisionRecallPoints BuildPrecisionRecall(const detail::RankedScores& ranked) {
  const Cumulative cum = Accumulate(ranked);
  const std::size_t m = ranked.groups.size();
  PrecisionRecallPoints out;
  out.precision.reserve(m + 1);
  out.recall.reserve(m + 1);
  out.thresholds.reserve(m);
  // sklearn lists thresholds increasing, so walk from the lowest score up.
  for (std::size_t k = m; k-- > 0;) {
    const double tp = cum.true_positive[k];
    out.precision.push_back(Ratio(tp, tp + cum.false_positive[k]));
    out.recall.push_back(tp / ranked.total_positive);
    out.thresholds.push_back(ranked.groups[k].score);
  }
  out.precision.push_back(1.0);
  out.recall.push_back(0.0);
  return out;
}

}  // namespace

RocCurvePoints RocCurve(std::span<const double> labels, std::span<const double> scores,
                        std::span<const double> weights) {
  const detail::RankedScores ranked = detail::RankScores("RocCurve", labels, scores, weights);
  detail::RequireBothClasses("RocCurve", ranked, !weights.empty());
  const Cumulative cum = Accumulate(ranked);
  const std::size_t m = ranked.groups.size();
  RocCurvePoints out;
  out.fpr.reserve(m + 1);
  out.tpr.reserve(m + 1);
  out.thresholds.reserve(m + 1);
  // +inf rather than sklearn's old "max + 1": max + 1 == max for scores above 2^53, and then the starting
  // threshold would predict the top group as events instead of nothing.
  out.fpr.push_back(0.0);
  out.tpr.push_back(0.0);
  out.thresholds.push_back(std::numeric_limits<double>::infinity());
  // Dividing by the accumulated totals (the last cumulative value) makes the last point exactly (1, 1).
  for (std::size_t k = 0; k < m; ++k) {
    out.fpr.push_back(cum.false_positive[k] / cum.false_positive.back());
    out.tpr.push_back(cum.true_positive[k] / cum.true_positive.back());
    out.thresholds.push_back(ranked.groups[k].score);
  }
  return out;
}

PrecisionRecallPoints PrecisionRecallCurve(std::span<const double> labels, std::span<const double> scores,
                                           std::span<const double> weights) {
  const detail::RankedScores ranked = detail::RankScores("PrecisionRecallCurve", labels, scores, weights);
  RequirePositives("PrecisionRecallCurve", ranked, !weights.empty());
  return BuildPrecisionRecall(ranked);
}

double AveragePrecision(std::span<const double> labels, std::span<const double> scores,
                        std::span<const double> weights) {
  const detail::RankedScores ranked = detail::RankScores("AveragePrecision", labels, scores, weights);
  RequirePositives("AveragePrecision", ranked, !weights.empty());
  const PrecisionRecallPoints curve = BuildPrecisionRecall(ranked);
  // Step integral, no interpolation: each recall increment is credited with the precision reached there.
  // The curve runs from low thresholds (recall 1) to the appended (recall 0) point.
  detail::CompensatedSum sum;
  for (std::size_t j = 0; j + 1 < curve.recall.size(); ++j) {
    sum.Add((curve.recall[j] - curve.recall[j + 1]) * curve.precision[j]);
  }
  return sum.Value();
}

}  // namespace finai::metrics
