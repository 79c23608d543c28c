#include "fairness_objective.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "finai/core/error.hpp"

namespace finai::gbdt {

namespace {
double Sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
}  // namespace

FairnessPenalty::FairnessPenalty(const FairnessConstraint& constraint, ObjectiveKind objective,
                                 std::span<const double> labels)
    : c_(constraint), labels_(labels) {
  if (objective != ObjectiveKind::kBinaryLogLoss) {
    throw InvalidArgument("a fairness constraint needs the binary log-loss objective",
                          {.field = "fairness", .field_kind = "parameter", .expected = "objective binary"});
  }
  if (c_.group.size() != labels.size()) {
    throw InvalidArgument("the fairness constraint's group vector does not have one entry per training row",
                          {.field = "fairness.group", .field_kind = "parameter", .value = std::to_string(c_.group.size()),
                           .expected = fmt::format("{} entries", labels.size())});
  }
  if (c_.num_groups < 2) {
    throw InvalidArgument("a fairness constraint needs at least two groups",
                          {.field = "fairness.num_groups", .field_kind = "parameter",
                           .value = std::to_string(c_.num_groups), .expected = ">= 2"});
  }
  if (!(c_.epsilon >= 0) || !std::isfinite(c_.epsilon)) {
    throw InvalidArgument("the fairness tolerance must be finite and >= 0",
                          {.field = "fairness.epsilon", .field_kind = "parameter", .value = fmt::format("{}", c_.epsilon),
                           .expected = ">= 0"});
  }
  if (!(c_.multiplier_learning_rate > 0) || !std::isfinite(c_.multiplier_learning_rate)) {
    throw InvalidArgument("the multipliers' learning rate must be finite and > 0",
                          {.field = "fairness.multiplier_learning_rate", .field_kind = "parameter",
                           .value = fmt::format("{}", c_.multiplier_learning_rate), .expected = "> 0"});
  }
  for (std::size_t i = 0; i < c_.group.size(); ++i) {
    if (c_.group[i] < 0 || c_.group[i] >= c_.num_groups) {
      throw InvalidArgument(fmt::format("row {}: group out of range", i + 1),
                            {.field = "fairness.group", .field_kind = "parameter", .value = std::to_string(c_.group[i]),
                             .expected = fmt::format("0 .. {}", c_.num_groups - 1)});
    }
  }
  sets_ = c_.kind == FairnessConstraint::kDemographicParity ? 1 : 2;
  const auto G = static_cast<std::size_t>(c_.num_groups);
  n_set_.assign(static_cast<std::size_t>(sets_), 0.0);
  n_group_.assign(static_cast<std::size_t>(sets_) * G, 0.0);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const int s = SetOf(i);
    n_set_[static_cast<std::size_t>(s)] += 1;
    n_group_[static_cast<std::size_t>(s) * G + static_cast<std::size_t>(c_.group[i])] += 1;
  }
  lambda_.assign(2 * n_group_.size(), 0.0);
}

int FairnessPenalty::SetOf(std::size_t row) const { return sets_ == 1 ? 0 : labels_[row] > 0.5 ? 1 : 0; }

bool FairnessPenalty::SetActive(int set) const {
  switch (c_.kind) {
    case FairnessConstraint::kDemographicParity:
    case FairnessConstraint::kEqualizedOdds: return true;
    case FairnessConstraint::kEqualOpportunity: return set == 1;
    case FairnessConstraint::kPredictiveEquality: return set == 0;
  }
  return false;
}

std::string FairnessPenalty::SetName(int set) const { return sets_ == 1 ? "all" : set == 1 ? "events" : "non-events"; }

void FairnessPenalty::Rates(std::span<const double> margins, bool proxy, std::vector<double>& by_group,
                            std::vector<double>& by_set) const {
  const auto G = static_cast<std::size_t>(c_.num_groups);
  by_group.assign(n_group_.size(), 0.0);
  by_set.assign(n_set_.size(), 0.0);
  for (std::size_t i = 0; i < labels_.size(); ++i) {
    const double v = proxy ? Sigmoid(margins[i]) : margins[i] >= 0 ? 1.0 : 0.0;
    const auto s = static_cast<std::size_t>(SetOf(i));
    by_group[s * G + static_cast<std::size_t>(c_.group[i])] += v;
    by_set[s] += v;
  }
  for (std::size_t j = 0; j < by_group.size(); ++j) by_group[j] = n_group_[j] > 0 ? by_group[j] / n_group_[j] : 0;
  for (std::size_t s = 0; s < by_set.size(); ++s) by_set[s] = n_set_[s] > 0 ? by_set[s] / n_set_[s] : 0;
}

void FairnessPenalty::AddGradients(std::span<const double> margins, double total_weight, std::vector<double>& grad) const {
  if (std::all_of(lambda_.begin(), lambda_.end(), [](double l) { return l == 0; })) return;
  // d c+_{S,g} / d f_i = sigmoid'(f_i) ([g_i = g] / n_S,g - 1 / n_S) for rows i in S (0 elsewhere); c- is its
  // negative. So row i in S gets sigmoid'(f_i) (L_S,g_i / n_S,g_i - sum_g L_S,g / n_S) with L = lambda+ - lambda-.
  const auto G = static_cast<std::size_t>(c_.num_groups);
  std::vector<double> own(n_group_.size(), 0.0), shared(n_set_.size(), 0.0);
  for (std::size_t s = 0; s < n_set_.size(); ++s) {
    if (!SetActive(static_cast<int>(s)) || n_set_[s] == 0) continue;
    for (std::size_t g = 0; g < G; ++g) {
      const std::size_t j = s * G + g;
      if (n_group_[j] == 0) continue;
      const double L = lambda_[2 * j] - lambda_[2 * j + 1];
      own[j] = L / n_group_[j];
      shared[s] += L;
    }
    shared[s] /= n_set_[s];
  }
  for (std::size_t i = 0; i < labels_.size(); ++i) {
    const auto s = static_cast<std::size_t>(SetOf(i));
    const double coef = own[s * G + static_cast<std::size_t>(c_.group[i])] - shared[s];
    if (coef == 0) continue;
    const double p = Sigmoid(margins[i]);
    grad[i] += total_weight * coef * p * (1 - p);
  }
}

void FairnessPenalty::UpdateMultipliers(std::span<const double> margins) {
  std::vector<double> by_group, by_set;
  Rates(margins, /*proxy=*/false, by_group, by_set);
  const auto G = static_cast<std::size_t>(c_.num_groups);
  for (std::size_t s = 0; s < n_set_.size(); ++s) {
    if (!SetActive(static_cast<int>(s)) || n_set_[s] == 0) continue;
    for (std::size_t g = 0; g < G; ++g) {
      const std::size_t j = s * G + g;
      if (n_group_[j] == 0) continue;
      const double gap = by_group[j] - by_set[s];
      lambda_[2 * j] = std::max(0.0, lambda_[2 * j] + c_.multiplier_learning_rate * (gap - c_.epsilon));
      lambda_[2 * j + 1] = std::max(0.0, lambda_[2 * j + 1] + c_.multiplier_learning_rate * (-gap - c_.epsilon));
    }
  }
}

std::map<std::string, double> FairnessPenalty::Summary(std::span<const double> margins) const {
  std::map<std::string, double> out;
  std::vector<double> by_group, by_set;
  Rates(margins, /*proxy=*/false, by_group, by_set);
  const auto G = static_cast<std::size_t>(c_.num_groups);
  for (std::size_t s = 0; s < n_set_.size(); ++s) {
    if (!SetActive(static_cast<int>(s)) || n_set_[s] == 0) continue;
    double worst = 0;
    for (std::size_t g = 0; g < G; ++g) {
      const std::size_t j = s * G + g;
      if (n_group_[j] == 0) continue;
      worst = std::max(worst, std::abs(by_group[j] - by_set[s]));
      const std::string name = SetName(static_cast<int>(s));
      out[fmt::format("fairness_lambda[{},{},+]", name, g)] = lambda_[2 * j];
      out[fmt::format("fairness_lambda[{},{},-]", name, g)] = lambda_[2 * j + 1];
    }
    out[fmt::format("fairness_gap[{}]", SetName(static_cast<int>(s)))] = worst;
  }
  return out;
}

}  // namespace finai::gbdt
