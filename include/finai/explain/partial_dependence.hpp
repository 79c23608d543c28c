// Partial dependence (PD) and individual conditional expectation (ICE) curves of one feature of a tree model, by
// brute force: every row is predicted with the feature set to each grid value (Friedman 2001; Goldstein et al.
// 2015). The ICE curve of row i is f(x_i with feature := v) over the grid values v; the PD curve is the (weighted)
// mean of the ICE curves. docs/explain.md states the definitions and what is tested.
#pragma once

#include <cstdint>
#include <vector>

#include "finai/core/context.hpp"
#include "finai/models/gbdt/model.hpp"

namespace finai::explain {

// The scale of the curves: the model's margin (log-odds, class scores, the regression prediction) or its response
// (the probability of the event for binary models, each class's probability for multiclass, the prediction for
// regression).
enum class CurveScale { kMargin, kResponse };

// The default grid, as scikit-learn's partial_dependence: for a numeric feature, `resolution` evenly spaced points
// from the `lower` to the `upper` quantile of the feature's known values (quantiles as scipy's mquantiles with
// alphap = betap = 0.4, scikit-learn's choice), or the sorted distinct known values when there are fewer than
// `resolution` of them; for a categorical feature, the category ids of the model that occur in the rows, in id
// order. Missing values (NaN) and categories the model never saw are left out (scikit-learn 1.2 would put NaN in
// the grid). InvalidArgument for resolution < 2, quantiles outside [0, 1] or lower >= upper, a feature out of range,
// a feature with no known value, or equal lower and upper quantiles (choose a grid then).
struct GridOptions {
  int resolution = 100;
  double lower = 0.05;
  double upper = 0.95;
};
std::vector<double> DefaultGrid(const gbdt::GbdtModel& model, const gbdt::FeatureMatrix& x, int feature,
                                const GridOptions& options = {});

struct PartialDependenceOptions {
  std::vector<double> grid;  // the feature's values to set (categorical: category ids); empty = DefaultGrid
  GridOptions grid_options;  // for the default grid
  CurveScale scale = CurveScale::kMargin;
  std::vector<double> weights;  // one per row, >= 0, not all zero; empty = equal weights
  bool keep_ice = true;         // keep every row's curve (rows x outputs x grid values)
};

struct PartialDependence {
  int feature = -1;
  std::vector<double> grid;
  int outputs = 1;
  std::int64_t rows = 0;
  std::vector<double> average;     // outputs x grid: the PD curve of each output
  std::vector<double> individual;  // rows x outputs x grid: the ICE curves (empty unless keep_ice)

  std::size_t points() const { return grid.size(); }
  double pd(int output, std::size_t g) const { return average[static_cast<std::size_t>(output) * points() + g]; }
  double ice(std::int64_t row, int output, std::size_t g) const {
    return individual[(static_cast<std::size_t>(row) * outputs + output) * points() + g];
  }
};

// PD and ICE curves of `feature` over the rows of x. Rows are predicted in parallel (gbdt::CompiledModel, each row
// adding its trees in model order) and the mean is summed in row order over fixed blocks, so the result is
// bit-identical at any thread count; an ICE value equals gbdt::Predict of the modified row exactly.
// InvalidArgument for a feature out of range, an empty grid, a grid value that is not finite or repeated (a
// categorical feature: not a category id of the model), weights of the wrong size, negative or not finite weights,
// or weights that sum to zero, x with no rows; InvalidData for x of the wrong width.
PartialDependence ComputePartialDependence(const gbdt::GbdtModel& model, const gbdt::FeatureMatrix& x, int feature,
                                           const PartialDependenceOptions& options, const Context& ctx);

}  // namespace finai::explain
