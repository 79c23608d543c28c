// Attributions on the probability scale, and grouped features. Both transform margin-scale SHAP values
// (ShapMatrix); docs/explain.md states what each one is and is not.
#pragma once

#include <string>
#include <vector>

#include "finai/explain/tree_shap.hpp"
#include "finai/models/gbdt/model.hpp"

namespace finai::explain {

// Probability-scale attributions of a binary (logistic) model, an approximation: each margin contribution is scaled
// by the same factor (p(x) - p0) / (margin(x) - E), where p = sigmoid(margin) and p0 = sigmoid(E) is the
// probability at the expected margin E (not the mean probability); when margin(x) = E the factor is the slope
// p (1 - p). The result keeps the signs and the ranking of the margin contributions and sums exactly:
// sum_i phi_i + p0 = p(x). It is NOT the Shapley value of the probability (which is not additive over trees).
// The last column becomes p0. Regression models are returned unchanged (the margin is the prediction);
// multiclass models are Unsupported.
ShapMatrix ToProbabilityScale(const gbdt::GbdtModel& model, const ShapMatrix& margin_shap);

// Several model features explained as one factor.
struct FeatureGroup {
  std::string name;
  std::vector<int> members;  // indices into the model's features
};

// Contributions per factor: each group's value is the sum of its members' contributions; a feature in no group
// stays a factor of its own (in model order, after the groups). Summing keeps additivity, but is not in general
// the Shapley value of the group as one player (path-dependent SHAP of a coalition differs from the sum of its
// members' values when they interact); it is the common practice. InvalidArgument for an unknown or repeated
// member or an empty group.
struct GroupedShap {
  std::vector<std::string> names;  // one per factor
  ShapMatrix values;               // features = names.size(); the last column is the expected value, unchanged
};
GroupedShap GroupContributions(const gbdt::GbdtModel& model, const ShapMatrix& shap,
                               const std::vector<FeatureGroup>& groups);

}  // namespace finai::explain
