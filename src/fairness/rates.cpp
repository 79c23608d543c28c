// Per-group rates from the confusion counts of a decision threshold.
#include <algorithm>
#include <cmath>
#include <limits>

#include "finai/core/error.hpp"
#include "finai/fairness/audit.hpp"
#include "finai/metrics/metrics.hpp"
#include "rates_internal.hpp"

namespace finai::fairness {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

double SafeRate(double num, double den, int min_count) {
  return den <= 0 || den < min_count ? kNaN : num / den;
}

void FillFromCounts(const Counts& c, bool favorable_is_event, int min_count, GroupRates& r) {
  const double n = c.tp + c.fp + c.tn + c.fn, events = c.tp + c.fn, negatives = c.fp + c.tn;
  const double pred_pos = c.tp + c.fp, pred_neg = c.tn + c.fn;
  r.n = static_cast<std::int64_t>(n);
  r.events = static_cast<std::int64_t>(events);
  r.predicted_events = static_cast<std::int64_t>(pred_pos);
  r.base_rate = SafeRate(events, n, min_count);
  r.selection_rate = SafeRate(pred_pos, n, min_count);
  r.favorable_rate = favorable_is_event ? r.selection_rate : 1 - r.selection_rate;
  r.accuracy = SafeRate(c.tp + c.tn, n, min_count);
  // The conditional rates also need a whole group: a large denominator inside a tiny group is still noise.
  const int m = n < min_count ? std::numeric_limits<int>::max() : min_count;
  r.tpr = SafeRate(c.tp, events, m);
  r.fnr = SafeRate(c.fn, events, m);
  r.fpr = SafeRate(c.fp, negatives, m);
  r.tnr = SafeRate(c.tn, negatives, m);
  r.ppv = SafeRate(c.tp, pred_pos, m);
  r.fdr = SafeRate(c.fp, pred_pos, m);
  r.npv = SafeRate(c.tn, pred_neg, m);
  r.for_ = SafeRate(c.fn, pred_neg, m);
}

GroupRates ComputeRates(std::span<const double> labels, std::span<const double> scores, double threshold,
                        bool favorable_is_event, int min_group_size, bool probabilities) {
  if (labels.size() != scores.size()) {
    throw InvalidArgument("labels and scores differ in length", {.field = "scores", .field_kind = "argument",
                                                                 .value = std::to_string(scores.size()),
                                                                 .expected = std::to_string(labels.size())});
  }
  Counts c;
  double sum = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const bool pos = scores[i] >= threshold;
    if (labels[i] == 1) (pos ? c.tp : c.fn) += 1;
    else (pos ? c.fp : c.tn) += 1;
    sum += scores[i];
  }
  GroupRates r;
  FillFromCounts(c, favorable_is_event, min_group_size, r);
  const double n = static_cast<double>(labels.size());
  const bool whole = n > 0 && n >= min_group_size;
  r.mean_score = whole ? sum / n : kNaN;
  double ss = 0;
  for (double s : scores) ss += (s - sum / n) * (s - sum / n);
  r.sd_score = whole && n > 1 ? std::sqrt(ss / (n - 1)) : kNaN;
  const bool both = whole && r.events >= std::max(1, min_group_size) && r.n - r.events >= std::max(1, min_group_size);
  r.auc = both ? metrics::Auc(labels, scores) : kNaN;
  r.log_loss = whole && probabilities ? metrics::LogLoss(labels, scores) : kNaN;
  r.brier = whole && probabilities ? metrics::Brier(labels, scores) : kNaN;
  return r;
}

}  // namespace finai::fairness
