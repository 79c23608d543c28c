// Interventional TreeSHAP: Shapley values of v(S) = mean over a background data set B of f(x_S, z_notS), the model
// evaluated with the features in S taken from the row and the others from a background row z. The background is
// chosen by the user (all applicants, applicants near the cut-off, ...) instead of the training covers.
#pragma once

#include "finai/core/context.hpp"
#include "finai/explain/tree_shap.hpp"
#include "finai/models/gbdt/model.hpp"

namespace finai::explain {

// Exact, O(trees x leaves x background rows) per row (Lundberg et al. 2020's interventional algorithm: for each
// background row, a walk that follows both branches only where the row and the background row disagree). The last
// column is the mean margin over the background. Rows in parallel, bit-identical at any thread count.
// InvalidArgument for an empty background or matrices that do not fit the model.
ShapMatrix InterventionalShapValues(const gbdt::GbdtModel& model, const gbdt::FeatureMatrix& x,
                                    const gbdt::FeatureMatrix& background, const Context& ctx);

// The oracle: v(S) for every subset by predicting the hybrid rows, then the Shapley formula. At most 10 features.
ShapMatrix ReferenceInterventionalShapValues(const gbdt::GbdtModel& model, const gbdt::FeatureMatrix& x,
                                             const gbdt::FeatureMatrix& background);

}  // namespace finai::explain
