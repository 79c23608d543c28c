// AUC, Gini and KS: single numbers that say how well scores rank events above non-events.
#include <algorithm>
#include <cmath>
#include <cstddef>

#include "finai/metrics/metrics.hpp"
#include "metrics/metrics_internal.hpp"

namespace finai::metrics {

double Auc(std::span<const double> labels, std::span<const double> scores, std::span<const double> weights) {
  const detail::RankedScores ranked = detail::RankScores("Auc", labels, scores, weights);
  detail::RequireBothClasses("Auc", ranked, !weights.empty());
  // Mann-Whitney form: each event group beats the non-events below it and ties half of those level with
  // it. Walking up from the lowest score keeps "non-events below" a growing sum instead of a difference
  // of two large totals. Normalising each term first keeps huge weights from overflowing P * N.
  detail::CompensatedSum auc;
  detail::CompensatedSum negative_below;
  const double p = ranked.total_positive;
  const double n = ranked.total_negative;
  for (auto group = ranked.groups.rbegin(); group != ranked.groups.rend(); ++group) {
    if (group->positive > 0) {
      auc.Add((group->positive / p) * ((negative_below.Value() + 0.5 * group->negative) / n));
    }
    negative_below.Add(group->negative);
  }
  return auc.Value();
}

double Gini(std::span<const double> labels, std::span<const double> scores, std::span<const double> weights) {
  return 2.0 * Auc(labels, scores, weights) - 1.0;
}

KsResult KsStatistic(std::span<const double> labels, std::span<const double> scores,
                     std::span<const double> weights) {
  const detail::RankedScores ranked = detail::RankScores("KsStatistic", labels, scores, weights);
  detail::RequireBothClasses("KsStatistic", ranked, !weights.empty());
  // Thresholds are compared on |tp * N - fp * P| rather than on |tp / P - fp / N|: for integer counts the
  // products are exact, so mathematically equal separations (2/3 - 0 and 1 - 1/3) tie and the highest
  // threshold wins, instead of rounding picking one. Scaling P and N by one power of two keeps the
  // products from overflowing for huge weights and loses nothing.
  const int exponent = std::ilogb(std::max(ranked.total_positive, ranked.total_negative));
  const double scaled_p = std::ldexp(ranked.total_positive, -exponent);
  const double scaled_n = std::ldexp(ranked.total_negative, -exponent);
  KsResult best{.statistic = 0, .threshold = 0};
  double best_key = -1;
  detail::CompensatedSum true_positive;
  detail::CompensatedSum false_positive;
  for (const detail::ScoreGroup& group : ranked.groups) {
    true_positive.Add(group.positive);
    false_positive.Add(group.negative);
    const double tp = true_positive.Value();
    const double fp = false_positive.Value();
    const double key = std::abs(tp * scaled_n - fp * scaled_p);
    if (key > best_key) {
      best_key = key;
      // The reported value uses sklearn's arithmetic (tpr - fpr), so it matches roc_curve to the last bit.
      best = {.statistic = std::abs(tp / ranked.total_positive - fp / ranked.total_negative), .threshold = group.score};
    }
  }
  return best;  // the lowest threshold has TPR = FPR = 1, so statistic >= 0 always
}

}  // namespace finai::metrics
