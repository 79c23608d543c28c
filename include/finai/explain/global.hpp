// Global views built from row-level SHAP values.
#pragma once

#include <vector>

#include "finai/explain/tree_shap.hpp"

namespace finai::explain {

// Mean |SHAP| per feature over the rows, for one output: the global importance that agrees with the row-level
// explanations (unlike split gain). Zero rows give zeros. InvalidArgument for an output out of range.
std::vector<double> MeanAbsShap(const ShapMatrix& shap, int output = 0);

// SHAP dependence data of one feature: per row, the feature's value (NaN = missing; a categorical feature: its
// category id) and its SHAP value for one output, in row order (the points of a SHAP dependence plot).
struct DependenceData {
  int feature = -1;
  int output = 0;
  std::vector<double> value;
  std::vector<double> shap;
};
// InvalidArgument for a feature or output out of range, or x and shap of different rows or widths.
DependenceData Dependence(const ShapMatrix& shap, const gbdt::FeatureMatrix& x, int feature, int output = 0);

}  // namespace finai::explain
