// AUROC with DeLong's variance, by the midrank approach of Sun & Xu (2014): O(n log n) instead of the
// O(m n) placement values of DeLong et al. (1988).
#include <boost/math/distributions/normal.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "finai/core/error.hpp"
#include "finai/validation/discrimination.hpp"
#include "validation/checks.hpp"

namespace finai::validation {

namespace {

// DeLong's structural components of one score: V10 per event (the share of non-events it beats, ties 1/2) and
// V01 per non-event (the share of events that beat it); the AUC is the mean of either. Indexed by the row's
// position among the events (non-events) in input order, so that two scores' components pair up.
struct Components {
  std::vector<double> v10;
  std::vector<double> v01;
  double auc = 0;
};

// Sun & Xu (2014) obtain the components from midranks: for an event, its midrank among all rows minus its
// midrank among the events is the number of non-events below it plus half of those tied with it. One sort and
// a walk over tie groups gives those counts directly, without forming the three rankings.
Components ComputeComponents(std::span<const double> labels, std::span<const double> scores) {
  std::vector<std::size_t> ordinal(labels.size());  // position among the events, or among the non-events
  std::size_t m = 0, n = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) ordinal[i] = labels[i] == 1.0 ? m++ : n++;
  std::vector<std::pair<double, std::size_t>> sorted(scores.size());
  for (std::size_t i = 0; i < scores.size(); ++i) sorted[i] = {scores[i], i};
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  Components c;
  c.v10.resize(m);
  c.v01.resize(n);
  const auto md = static_cast<double>(m);
  const auto nd = static_cast<double>(n);
  std::size_t events_below = 0, non_events_below = 0;
  for (std::size_t g = 0; g < sorted.size();) {
    std::size_t end = g;
    std::size_t events = 0;
    while (end < sorted.size() && sorted[end].first == sorted[g].first) events += labels[sorted[end++].second] == 1.0;
    const std::size_t non_events = (end - g) - events;
    const double v10 = (static_cast<double>(non_events_below) + 0.5 * static_cast<double>(non_events)) / nd;
    const double v01 = (md - static_cast<double>(events_below) - 0.5 * static_cast<double>(events)) / md;
    for (std::size_t k = g; k < end; ++k) {
      const std::size_t row = sorted[k].second;
      (labels[row] == 1.0 ? c.v10 : c.v01)[ordinal[row]] = labels[row] == 1.0 ? v10 : v01;
    }
    events_below += events;
    non_events_below += non_events;
    g = end;
  }
  double sum = 0;
  for (double v : c.v10) sum += v;
  c.auc = sum / md;
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
