// SHAP values of boosted tree models on the margin scale: exact path-dependent TreeSHAP in O(trees x nodes x depth)
// per row (a Gauss-Legendre quadrature form of Linear TreeSHAP) as the fast path, the classic O(T L D^2) algorithm
// (Lundberg et al. 2020, Algorithm 2) as a second reference, and a brute-force enumeration of feature subsets as the
// oracle. The background
// distribution is the training data as the trees remember it: each node's cover (sum of training hessians).
// docs/explain.md states the definitions and what is tested.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "finai/core/context.hpp"
#include "finai/models/gbdt/model.hpp"

namespace finai::explain {

// Contributions, row-major: rows x outputs x (features + 1). Column j < features is feature j's contribution,
// the last column is the expected value (the cover-weighted mean margin, base margin included). For every row
// and output, the contributions plus the expected value equal the model's margin.
struct ShapMatrix {
  std::int64_t rows = 0;
  int outputs = 1;
  int features = 0;
  std::vector<double> values;

  int width() const { return features + 1; }
  double at(std::int64_t row, int output, int column) const {
    return values[(static_cast<std::size_t>(row) * outputs + output) * width() + column];
  }
  const double* row(std::int64_t r, int output = 0) const {
    return values.data() + (static_cast<std::size_t>(r) * outputs + output) * width();
  }
};

// SHAP interaction values, row-major: rows x outputs x (features + 1) x (features + 1), as XGBoost's
// pred_interactions. Off the diagonal, (i, j) is half the Shapley interaction index of i and j (so (i, j) + (j, i)
// is the whole index); the diagonal (i, i) is the main effect: phi_i minus the row's other entries, so that each
// row i sums to feature i's contribution. The last row and column belong to the expected value: (M, M) holds it,
// the rest is zero. Summed over everything, a row's block equals its margin.
struct InteractionMatrix {
  std::int64_t rows = 0;
  int outputs = 1;
  int features = 0;
  std::vector<double> values;

  int width() const { return features + 1; }
  double at(std::int64_t row, int output, int i, int j) const {
    return values[((static_cast<std::size_t>(row) * outputs + output) * width() + i) * width() + j];
  }
};

// The margin with no feature known, per output: base margin plus each tree's cover-weighted mean leaf value.
std::vector<double> ExpectedValues(const gbdt::GbdtModel& model);

// The fast path: per-tree path data (cover fractions, quadrature factors) computed once per model, then each row
// costs O(nodes x depth / 2) per tree. Build once, explain many rows. Keeps a reference to the model, which must
// outlive it. docs/explain.md gives the derivation.
class TreeShapExplainer {
 public:
  explicit TreeShapExplainer(const gbdt::GbdtModel& model);
  ~TreeShapExplainer();
  TreeShapExplainer(TreeShapExplainer&&) noexcept;
  TreeShapExplainer& operator=(TreeShapExplainer&&) noexcept;

  int outputs() const;
  int features() const;
  // One row (features() values): writes outputs() x (features() + 1) values to `out` (contributions, then the
  // expected value), as one row of a ShapMatrix.
  void ExplainRow(const double* row, double* out) const;
  // The same row with its trees split over ctx's threads (fixed chunks of 128 trees, summed in chunk order): the
  // low-latency path for one applicant. Bit-identical to ExplainRow and to the row of Explain at any thread count.
  void ExplainRow(const double* row, double* out, const Context& ctx) const;
  // Many rows in parallel; each row adds its trees in fixed chunks, in model order, so the result is bit-identical
  // at any thread count.
  ShapMatrix Explain(const gbdt::FeatureMatrix& x, const Context& ctx) const;
  // Exact path-dependent SHAP interaction values, O(trees x leaves x depth^2 x depth / 2) per row, in parallel,
  // bit-identical at any thread count.
  InteractionMatrix Interactions(const gbdt::FeatureMatrix& x, const Context& ctx) const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// Exact path-dependent TreeSHAP by the fast path (TreeShapExplainer).
ShapMatrix ShapValues(const gbdt::GbdtModel& model, const gbdt::FeatureMatrix& x, const Context& ctx);

// SHAP interaction values by the fast path (TreeShapExplainer::Interactions).
InteractionMatrix ShapInteractionValues(const gbdt::GbdtModel& model, const gbdt::FeatureMatrix& x,
                                        const Context& ctx);

// The oracle for interactions: the Shapley interaction index of every pair by enumerating subsets,
//   I_ij = sum over S in F \ {i, j} of |S|! (M - |S| - 2)! / (M - 1)! * (v(S+i+j) - v(S+i) - v(S+j) + v(S)),
// stored half in (i, j) and half in (j, i), with the diagonal and the expected value as InteractionMatrix says.
InteractionMatrix ReferenceShapInteractionValues(const gbdt::GbdtModel& model, const gbdt::FeatureMatrix& x,
                                                 int max_features = 10);

// The same values by Lundberg et al.'s Algorithm 2 (EXTEND/UNWIND, O(trees x leaves x depth^2) per row): the second
// reference the fast path is tested against, on models too wide for the brute-force oracle.
ShapMatrix Algorithm2ShapValues(const gbdt::GbdtModel& model, const gbdt::FeatureMatrix& x, const Context& ctx);

// The oracle: exact Shapley values of v(S) = E[f(x) | x_S] by enumerating every subset of the model's features,
// with E[f(x) | x_S] from the cover-weighted tree walk. Exponential: InvalidArgument beyond `max_features`.
ShapMatrix ReferenceShapValues(const gbdt::GbdtModel& model, const gbdt::FeatureMatrix& x, int max_features = 12);

}  // namespace finai::explain
