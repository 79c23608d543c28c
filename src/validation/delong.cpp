// AUROC with DeLong's variance, by the midrank algorithm of Sun & Xu (2014): O(n log n) instead of the
// O(m n) placement values of DeLong et al. (1988).
#include <boost/math/distributions/normal.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "finai/core/error.hpp"
#include "finai/validation/discrimination.hpp"
#include "validation/checks.hpp"

namespace finai::validation {

namespace {

// 1-based ranks of values with ties given their mean rank.
std::vector<double> MidRanks(const std::vector<double>& values) {
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  std::vector<double> ranks(values.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && values[order[j + 1]] == values[order[i]]) ++j;
    const double mid = 0.5 * static_cast<double>(i + j) + 1.0;  // mean of ranks i+1 .. j+1
    for (std::size_t k = i; k <= j; ++k) ranks[order[k]] = mid;
    i = j + 1;
  }
  return ranks;
}

// DeLong's structural components of one score: V10 per event (the share of non-events it beats) and V01 per
// non-event (the share of events that beat it); the AUC is the mean of either.
struct Components {
  std::vector<double> v10;
  std::vector<double> v01;
  double auc = 0;
};

Components ComputeComponents(std::span<const double> labels, std::span<const double> scores) {
  std::vector<double> events, non_events;
  for (std::size_t i = 0; i < labels.size(); ++i) (labels[i] == 1.0 ? events : non_events).push_back(scores[i]);
  const auto m = static_cast<double>(events.size());
  const auto n = static_cast<double>(non_events.size());
  std::vector<double> all = events;
  all.insert(all.end(), non_events.begin(), non_events.end());
  const std::vector<double> tz = MidRanks(all);
  const std::vector<double> tx = MidRanks(events);
  const std::vector<double> ty = MidRanks(non_events);
  Components c;
  c.v10.resize(events.size());
  c.v01.resize(non_events.size());
  // An event's rank among all rows minus its rank among events counts the non-events below it (ties 1/2).
  double sum = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    c.v10[i] = (tz[i] - tx[i]) / n;
    sum += c.v10[i];
  }
  for (std::size_t j = 0; j < non_events.size(); ++j) c.v01[j] = 1.0 - (tz[events.size() + j] - ty[j]) / m;
  c.auc = sum / m;
  return c;
}

// Sample covariance (divisor size - 1) of two component vectors of the same rows.
double Covariance(const std::vector<double>& a, double mean_a, const std::vector<double>& b, double mean_b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += (a[i] - mean_a) * (b[i] - mean_b);
  return s / static_cast<double>(a.size() - 1);
}

void CheckLabelsAndScores(std::string_view function, std::span<const double> labels, std::span<const double> scores,
                          std::string_view scores_name) {
  detail::CheckSameLength(function, "labels", labels.size(), scores_name, scores.size());
  detail::CheckValues(function, "labels", labels, detail::Rule::kLabel);
  detail::CheckValues(function, scores_name, scores, detail::Rule::kScore);
  const auto events = std::count(labels.begin(), labels.end(), 1.0);
  const auto non_events = static_cast<std::ptrdiff_t>(labels.size()) - events;
  if (events < 2 || non_events < 2) {
    throw InvalidArgument(fmt::format("{}: {} events and {} non-events", function, events, non_events),
                          {.field = "labels", .field_kind = "argument",
                           .expected = "at least 2 events and 2 non-events for DeLong's variance"});
  }
}

void CheckConfidence(std::string_view function, double confidence) {
  if (!(confidence > 0.0 && confidence < 1.0)) {
    throw InvalidArgument(std::string(function), {.field = "confidence", .field_kind = "argument",
                                                  .value = fmt::format("{}", confidence), .expected = "in (0, 1)"});
  }
}

AucEstimate Estimate(const Components& c, double confidence) {
  const auto m = static_cast<double>(c.v10.size());
  const auto n = static_cast<double>(c.v01.size());
  AucEstimate e;
  e.auc = c.auc;
  e.events = static_cast<std::int64_t>(c.v10.size());
  e.non_events = static_cast<std::int64_t>(c.v01.size());
  e.variance = Covariance(c.v10, c.auc, c.v10, c.auc) / m + Covariance(c.v01, c.auc, c.v01, c.auc) / n;
  e.std_error = std::sqrt(e.variance);
  e.confidence = confidence;
  const double z = boost::math::quantile(boost::math::normal(), 0.5 + 0.5 * confidence);
  e.ci_lower = std::clamp(e.auc - z * e.std_error, 0.0, 1.0);
  e.ci_upper = std::clamp(e.auc + z * e.std_error, 0.0, 1.0);
  return e;
}

}  // namespace

AucEstimate AucDeLong(std::span<const double> labels, std::span<const double> scores, double confidence) {
  CheckConfidence("AucDeLong", confidence);
  CheckLabelsAndScores("AucDeLong", labels, scores, "scores");
  return Estimate(ComputeComponents(labels, scores), confidence);
}

DeLongComparison DeLongTest(std::span<const double> labels, std::span<const double> first_scores,
                            std::span<const double> second_scores, double confidence) {
  CheckConfidence("DeLongTest", confidence);
  CheckLabelsAndScores("DeLongTest", labels, first_scores, "first_scores");
  CheckLabelsAndScores("DeLongTest", labels, second_scores, "second_scores");
  const Components a = ComputeComponents(labels, first_scores);
  const Components b = ComputeComponents(labels, second_scores);
  DeLongComparison r;
  r.first = Estimate(a, confidence);
  r.second = Estimate(b, confidence);
  r.difference = a.auc - b.auc;
  r.covariance = Covariance(a.v10, a.auc, b.v10, b.auc) / static_cast<double>(a.v10.size()) +
                 Covariance(a.v01, a.auc, b.v01, b.auc) / static_cast<double>(a.v01.size());
  const double variance = std::max(0.0, r.first.variance + r.second.variance - 2.0 * r.covariance);
  r.std_error = std::sqrt(variance);
  if (r.std_error > 0) {
    r.z = r.difference / r.std_error;
    r.p_value = 2.0 * boost::math::cdf(boost::math::complement(boost::math::normal(), std::abs(r.z)));
  } else {
    r.z = 0;
    r.p_value = 1;  // the same ranking of every event/non-event pair: no difference to test
  }
  return r;
}

}  // namespace finai::validation
