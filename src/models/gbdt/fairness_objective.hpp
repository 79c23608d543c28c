// FairGBM-style constrained boosting (Cruz et al., "FairGBM: Gradient Boosting with Fairness Constraints", ICLR
// 2023): the constraint part of the Lagrangian's gradient, and the ascent of the Lagrange multipliers.
#pragma once

#include <map>
#include <span>
#include <string>
#include <vector>

#include "finai/models/gbdt/train.hpp"

namespace finai::gbdt {

class FairnessPenalty {
 public:
  // Validates the constraint against the training rows (InvalidArgument naming the field). `labels` are 0/1.
  FairnessPenalty(const FairnessConstraint& constraint, ObjectiveKind objective, std::span<const double> labels);

  // grad_i += W * sum_j lambda_j d c~_j / d margin_i, W the total weight (the trainer's gradient is the weighted
  // sum of the per-row log-loss gradients, so the Lagrangian's mean loss is scaled by W). With every multiplier
  // zero nothing is added, so the model is bit for bit the unconstrained one.
  void AddGradients(std::span<const double> margins, double total_weight, std::vector<double>& grad) const;

  // lambda_j <- max(0, lambda_j + step * c_j) with the true (thresholded) constraint values at these margins.
  void UpdateMultipliers(std::span<const double> margins);

  // Multipliers and true gaps by name (see TrainResult::fairness).
  std::map<std::string, double> Summary(std::span<const double> margins) const;

 private:
  // Row sets: 0 = all rows (demographic parity), or 0 = non-events and 1 = events (error-rate parity).
  int SetOf(std::size_t row) const;
  bool SetActive(int set) const;
  std::string SetName(int set) const;
  // Rate of predicted events per (set, group) and per set, true or proxy, summed sequentially (deterministic).
  void Rates(std::span<const double> margins, bool proxy, std::vector<double>& by_group, std::vector<double>& by_set) const;

  FairnessConstraint c_;
  std::span<const double> labels_;
  int sets_ = 1;
  std::vector<double> n_set_, n_group_;  // rows per set, per (set, group)
  std::vector<double> lambda_;           // 2 per (set, group): + then -
};

}  // namespace finai::gbdt
