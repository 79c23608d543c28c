// Per-group rates from the confusion counts of a decision threshold.
#include <fmt/format.h>

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

void FillFromCounts(const Counts& c, const Counts& rows, bool favorable_is_event, int min_count, GroupRates& r) {
  const double n = rows.tp + rows.fp + rows.tn + rows.fn, events = rows.tp + rows.fn, negatives = rows.fp + rows.tn;
  const double pred_pos = rows.tp + rows.fp, pred_neg = rows.tn + rows.fn;
  const double wn = c.tp + c.fp + c.tn + c.fn;
  r.n = static_cast<std::int64_t>(n);
  r.events = static_cast<std::int64_t>(events);
  r.predicted_events = static_cast<std::int64_t>(pred_pos);
  r.weight = wn;
  // A weighted rate: estimable when its row denominator is large enough and its weight is positive.
  auto rate = [](double num, double den, double rows_den, int m) {
    return den <= 0 || rows_den <= 0 || rows_den < m ? kNaN : num / den;
  };
  r.base_rate = rate(c.tp + c.fn, wn, n, min_count);
  r.selection_rate = rate(c.tp + c.fp, wn, n, min_count);
  r.favorable_rate = favorable_is_event ? r.selection_rate : 1 - r.selection_rate;
  r.accuracy = rate(c.tp + c.tn, wn, n, min_count);
  // The conditional rates also need a whole group: a large denominator inside a tiny group is still noise.
  const int m = n < min_count ? std::numeric_limits<int>::max() : min_count;
  r.tpr = rate(c.tp, c.tp + c.fn, events, m);
  r.fnr = rate(c.fn, c.tp + c.fn, events, m);
  r.fpr = rate(c.fp, c.fp + c.tn, negatives, m);
  r.tnr = rate(c.tn, c.fp + c.tn, negatives, m);
  r.ppv = rate(c.tp, c.tp + c.fp, pred_pos, m);
  r.fdr = rate(c.fp, c.tp + c.fp, pred_pos, m);
  r.npv = rate(c.tn, c.tn + c.fn, pred_neg, m);
  r.for_ = rate(c.fn, c.tn + c.fn, pred_neg, m);
}

GroupRates ComputeRates(std::span<const double> labels, std::span<const double> scores, double threshold,
                        bool favorable_is_event, int min_group_size, bool probabilities, std::span<const double> weights) {
  if (labels.size() != scores.size() || (!weights.empty() && weights.size() != labels.size())) {
    throw InvalidArgument("labels, scores and weights differ in length",
                          {.field = "scores", .field_kind = "argument",
                           .value = fmt::format("{} scores, {} weights", scores.size(), weights.size()),
                           .expected = std::to_string(labels.size())});
  }
  auto w = [&](std::size_t i) { return weights.empty() ? 1.0 : weights[i]; };
  Counts c, rows;
  double sum = 0, wsum = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const bool pos = scores[i] >= threshold;
    if (labels[i] == 1) {
      (pos ? c.tp : c.fn) += w(i);
      (pos ? rows.tp : rows.fn) += 1;
    } else {
      (pos ? c.fp : c.tn) += w(i);
      (pos ? rows.fp : rows.tn) += 1;
    }
    sum += w(i) * scores[i];
    wsum += w(i);
  }
  GroupRates r;
  FillFromCounts(c, rows, favorable_is_event, min_group_size, r);
  const double n = static_cast<double>(labels.size());
  const bool whole = n > 0 && n >= min_group_size && wsum > 0;
  const double mean = wsum > 0 ? sum / wsum : kNaN;
  r.mean_score = whole ? mean : kNaN;
  // Weighted variance with the n / (n - 1) correction: the sample variance when every weight is 1.
  double ss = 0;
  for (std::size_t i = 0; i < scores.size(); ++i) ss += w(i) * (scores[i] - mean) * (scores[i] - mean);
  r.sd_score = whole && n > 1 ? std::sqrt(ss / wsum * n / (n - 1)) : kNaN;
  const bool both = whole && r.events >= std::max(1, min_group_size) && r.n - r.events >= std::max(1, min_group_size);
  r.auc = both ? metrics::Auc(labels, scores, weights) : kNaN;
  r.log_loss = whole && probabilities ? metrics::LogLoss(labels, scores, weights) : kNaN;
  r.brier = whole && probabilities ? metrics::Brier(labels, scores, weights) : kNaN;
  return r;
}

}  // namespace finai::fairness
