// Objectives: gradients and hessians of the loss with respect to the margin, the starting margin, and the
// transform from margin to prediction.
#pragma once

#include <algorithm>
#include <cmath>
#include <span>
#include <utility>
#include <vector>

#include "finai/core/context.hpp"
#include "finai/models/gbdt/params.hpp"

namespace finai::gbdt {

// Starting margin per class: log-odds of the weighted event rate (binary), the weighted mean (regression),
// zero (multiclass, as XGBoost and LightGBM).
std::vector<double> BaseMargin(ObjectiveKind kind, int num_classes, std::span<const double> labels,
                               std::span<const double> weights);

// Hessians are kept away from zero so that leaves of (nearly) pure nodes stay finite.
inline constexpr double kMinHessian = 1e-16;

// Binary log loss of one row: gradient (p - y) w and hessian p (1 - p) w, p = sigmoid(margin) =
// 1 / (1 + exp_minus_margin). Their magnitudes never exceed w and w / 4. The exponential is an argument
// so that a vectorized loop can pass its own (log_loss_low_bit.cpp).
inline std::pair<double, double> LogLossFromExp(double exp_minus_margin, double label, double weight) {
  const double p = 1.0 / (1.0 + exp_minus_margin);
  return {(p - label) * weight, std::max(p * (1 - p), kMinHessian) * weight};
}

inline std::pair<double, double> LogLossGradient(double margin, double label, double weight) {
  return LogLossFromExp(std::exp(-margin), label, weight);
}

// Gradients and hessians for class k of every row (margins are row-major, rows x num_classes). Rows are
// independent, so the work is spread over ctx's threads without changing any value.
void ComputeGradients(ObjectiveKind kind, int num_classes, int k, std::span<const double> margins,
                      std::span<const double> labels, std::span<const double> weights, std::vector<double>& grad,
                      std::vector<double>& hess, const Context& ctx);

// Margin to prediction in place (one row of num_classes values): sigmoid, identity or softmax.
void TransformMargins(ObjectiveKind kind, std::span<double> row);

}  // namespace finai::gbdt
