// Global views built from row-level SHAP values.
#pragma once

#include <vector>

#include "finai/explain/tree_shap.hpp"

namespace finai::explain {

// Mean |SHAP| per feature over the rows, for one output: the global importance that agrees with the row-level
// explanations (unlike split gain). Zero rows give zeros. InvalidArgument for an output out of range.
std::vector<double> MeanAbsShap(const ShapMatrix& shap, int output = 0);

}  // namespace finai::explain
