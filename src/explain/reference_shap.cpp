// The oracle for TreeSHAP: Shapley values straight from their definition. For every subset S of the model's
// features, v(S) = E[f(x) | x_S] is the tree walk that follows the row's branch at a split on a feature in S and
// takes the cover-weighted mean of both children otherwise; then
//   phi_i = sum over S not containing i of |S|! (M - |S| - 1)! / M! * (v(S + i) - v(S)).
// Plain and exponential in the number of features M, on purpose: it shares nothing with the fast path but the
// split rule (GoesLeft) and the cover shares.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "cover.hpp"
#include "finai/core/error.hpp"
#include "finai/explain/tree_shap.hpp"
#include "finai/models/gbdt/predict.hpp"

namespace finai::explain {

namespace {

using gbdt::GbdtModel;
using gbdt::Tree;
using gbdt::TreeNode;

double ConditionalValue(const GbdtModel& model, const Tree& tree, std::int32_t index, const double* row,
                        std::uint32_t known) {
  const TreeNode& node = tree.nodes[static_cast<std::size_t>(index)];
  if (node.is_leaf()) return node.value;
  if ((known >> node.feature) & 1U) {
    const bool left = gbdt::GoesLeft(model, tree, node, row[node.feature]);
    return ConditionalValue(model, tree, left ? node.left : node.right, row, known);
  }
  const double left_share = detail::LeftShare(tree, node);
  return left_share * ConditionalValue(model, tree, node.left, row, known) +
         (1 - left_share) * ConditionalValue(model, tree, node.right, row, known);
}

}  // namespace

ShapMatrix ReferenceShapValues(const GbdtModel& model, const gbdt::FeatureMatrix& x, int max_features) {
  const int m = static_cast<int>(model.features.size());
  if (m > max_features || m > 20) {
    throw InvalidArgument("the brute-force SHAP oracle enumerates every subset of features",
                          {.field = "features", .field_kind = "parameter", .value = std::to_string(m),
                           .expected = "at most " + std::to_string(std::min(max_features, 20)) + " features"});
  }
  if (x.cols != m || x.values.size() != static_cast<std::size_t>(x.rows) * static_cast<std::size_t>(std::max(m, 0))) {
    throw InvalidArgument("the feature matrix does not fit the model",
                          {.field = "cols", .field_kind = "parameter", .value = std::to_string(x.cols),
                           .expected = std::to_string(m) + " columns"});
  }
  ShapMatrix out;
  out.rows = x.rows;
  out.outputs = model.num_outputs();
  out.features = m;
  out.values.assign(static_cast<std::size_t>(out.rows) * out.outputs * out.width(), 0.0);
  // Shapley weight of a subset of size s: s! (m - s - 1)! / m!.
  std::vector<double> weight(static_cast<std::size_t>(m), 0.0);
  for (int s = 0; s < m; ++s) weight[s] = std::exp(std::lgamma(s + 1.0) + std::lgamma(m - s + 0.0) - std::lgamma(m + 1.0));
  const std::uint32_t subsets = 1U << m;
  std::vector<double> v(subsets);
  for (std::int64_t r = 0; r < x.rows; ++r) {
    const double* row = x.values.data() + static_cast<std::size_t>(r) * x.cols;
    for (int k = 0; k < out.outputs; ++k) {
      std::fill(v.begin(), v.end(), 0.0);
      for (std::size_t t = 0; t < model.trees.size(); ++t) {
        const int output = model.tree_class.empty() ? 0 : model.tree_class[t];
        if (output != k || model.trees[t].nodes.empty()) continue;
        for (std::uint32_t s = 0; s < subsets; ++s) v[s] += ConditionalValue(model, model.trees[t], 0, row, s);
      }
      double* phi = out.values.data() + (static_cast<std::size_t>(r) * out.outputs + k) * out.width();
      for (int i = 0; i < m; ++i) {
        const std::uint32_t bit = 1U << i;
        for (std::uint32_t s = 0; s < subsets; ++s) {
          if (s & bit) continue;
          phi[i] += weight[static_cast<std::size_t>(__builtin_popcount(s))] * (v[s | bit] - v[s]);
        }
      }
      phi[m] = v[0] + (static_cast<std::size_t>(k) < model.base_margin.size() ? model.base_margin[k] : 0.0);
    }
  }
  return out;
}

}  // namespace finai::explain
