// The building blocks of mitigation that need no model: reweighing, the disparate-impact remover's repair and
// reject-option decisions; and the names of methods and constraints.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "finai/core/error.hpp"
#include "finai/fairness/mitigation.hpp"

namespace finai::fairness {

Method ParseMethod(std::string_view name) {
  if (name == "reweighing") return Method::kReweighing;
  if (name == "di-remover") return Method::kDiRemover;
  if (name == "expgrad") return Method::kExpGrad;
  if (name == "thresholds") return Method::kThresholds;
  if (name == "reject-option") return Method::kRejectOption;
  if (name == "fairgbm") return Method::kFairGbm;
  throw InvalidArgument("unknown mitigation method", {.field = "--method", .field_kind = "option", .value = std::string(name),
                                                      .expected = "reweighing, di-remover, expgrad, thresholds, "
                                                                  "reject-option or fairgbm"});
}

std::string_view MethodName(Method m) {
  switch (m) {
    case Method::kReweighing: return "reweighing";
    case Method::kDiRemover: return "di-remover";
    case Method::kExpGrad: return "expgrad";
    case Method::kThresholds: return "thresholds";
    case Method::kRejectOption: return "reject-option";
    case Method::kFairGbm: return "fairgbm";
  }
  return "?";
}

bool NeedsSensitiveAtDecision(Method m) {
  return m == Method::kDiRemover || m == Method::kThresholds || m == Method::kRejectOption;
}

Constraint ParseConstraint(std::string_view name) {
  if (name == "demographic_parity") return Constraint::kDemographicParity;
  if (name == "equalized_odds") return Constraint::kEqualizedOdds;
  if (name == "equal_opportunity") return Constraint::kEqualOpportunity;
  throw InvalidArgument("unknown fairness constraint", {.field = "--constraint", .field_kind = "option",
                                                        .value = std::string(name),
                                                        .expected = "demographic_parity, equalized_odds or equal_opportunity"});
}

std::string_view ConstraintName(Constraint c) {
  switch (c) {
    case Constraint::kDemographicParity: return "demographic_parity";
    case Constraint::kEqualizedOdds: return "equalized_odds";
    case Constraint::kEqualOpportunity: return "equal_opportunity";
  }
  return "?";
}

Learner ParseLearner(std::string_view name) {
  if (name == "trees") return Learner::kTrees;
  if (name == "logistic") return Learner::kLogistic;
  throw InvalidArgument("unknown learner", {.field = "--learner", .field_kind = "option", .value = std::string(name),
                                            .expected = "trees or logistic"});
}

std::string_view LearnerName(Learner l) { return l == Learner::kTrees ? "trees" : "logistic"; }

std::vector<double> ReweighingWeights(std::span<const double> labels, std::span<const int> group_of_row, int num_groups) {
  const auto k = static_cast<std::size_t>(num_groups);
  std::vector<double> ng(k), ngy(2 * k), ny(2);
  double n = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const int g = group_of_row[i];
    if (g < 0 || std::isnan(labels[i])) continue;
    const int y = labels[i] == 1 ? 1 : 0;
    ng[g] += 1;
    ny[y] += 1;
    ngy[2 * g + y] += 1;
    n += 1;
  }
  std::vector<double> w(labels.size(), 1.0);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const int g = group_of_row[i];
    if (g < 0 || std::isnan(labels[i])) continue;
    const int y = labels[i] == 1 ? 1 : 0;
    // P(g) P(y) / P(g, y) = n_g n_y / (n n_gy); the cell holds row i, so n_gy > 0.
    w[i] = ng[g] * ny[y] / (n * ngy[2 * g + y]);
  }
  return w;
}

DisparateImpactRemover::DisparateImpactRemover(std::span<const double> values, std::span<const int> group_of_row,
                                               int num_groups)
    : sorted_(static_cast<std::size_t>(num_groups)) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (group_of_row[i] >= 0 && !std::isnan(values[i])) sorted_[group_of_row[i]].push_back(values[i]);
  }
  for (auto& s : sorted_) std::sort(s.begin(), s.end());
}

// The lower empirical quantile: the smallest value whose CDF reaches u.
double DisparateImpactRemover::Quantile(int group, double u) const {
  const auto& s = sorted_[group];
  const double n = static_cast<double>(s.size());
  const auto i = static_cast<std::int64_t>(std::ceil(u * n)) - 1;
  return s[static_cast<std::size_t>(std::clamp<std::int64_t>(i, 0, static_cast<std::int64_t>(s.size()) - 1))];
}

double DisparateImpactRemover::Repair(double value, int group, double level) const {
  if (std::isnan(value) || group < 0 || sorted_[group].empty() || level == 0) return value;
  const auto& own = sorted_[group];
  // Mid-rank CDF: rows tied with the value count one half.
  const auto lo = std::lower_bound(own.begin(), own.end(), value), hi = std::upper_bound(own.begin(), own.end(), value);
  const double u = (static_cast<double>(lo - own.begin()) + 0.5 * static_cast<double>(hi - lo)) / static_cast<double>(own.size());
  std::vector<double> q;
  for (int g = 0; g < static_cast<int>(sorted_.size()); ++g) {
    if (!sorted_[g].empty()) q.push_back(Quantile(g, u));
  }
  std::sort(q.begin(), q.end());
  const std::size_t m = q.size();
  const double median = m % 2 == 1 ? q[m / 2] : 0.5 * (q[m / 2 - 1] + q[m / 2]);
  return (1 - level) * value + level * median;
}

std::vector<double> RejectOptionDecisions(std::span<const double> scores, std::span<const int> group_of_row,
                                          const std::vector<bool>& deprived, double threshold, double margin,
                                          bool favorable_is_event) {
  std::vector<double> d(scores.size());
  const double favorable = favorable_is_event ? 1 : 0;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    const int g = group_of_row[i];
    if (g >= 0 && std::abs(scores[i] - threshold) <= margin) {
      d[i] = deprived[static_cast<std::size_t>(g)] ? favorable : 1 - favorable;
    } else {
      d[i] = scores[i] >= threshold ? 1 : 0;
    }
  }
  return d;
}

}  // namespace finai::fairness
