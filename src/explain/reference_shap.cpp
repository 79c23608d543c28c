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

// v[S] = E[f_k(x) | x_S] for every subset S of the features (bit i of S: feature i known): the sum over
// output k's trees of the cover-weighted conditional expectation.
void SubsetValues(const GbdtModel& model, int k, const double* row, std::vector<double>& v) {
  std::fill(v.begin(), v.end(), 0.0);
  for (std::size_t t = 0; t < model.trees.size(); ++t) {
    const int output = model.tree_class.empty() ? 0 : model.tree_class[t];
    if (output != k || model.trees[t].nodes.empty()) continue;
    for (std::uint32_t s = 0; s < v.size(); ++s) v[s] += ConditionalValue(model, model.trees[t], 0, row, s);
  }
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
      SubsetValues(model, k, row, v);
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

InteractionMatrix ReferenceShapInteractionValues(const GbdtModel& model, const gbdt::FeatureMatrix& x,
                                                 int max_features) {
  const int m = static_cast<int>(model.features.size());
  if (m > max_features || m > 16 || m < 2) {
    throw InvalidArgument("the brute-force SHAP interaction oracle enumerates every subset of features",
                          {.field = "features", .field_kind = "parameter", .value = std::to_string(m),
                           .expected = "2 to " + std::to_string(std::min(max_features, 16)) + " features"});
  }
  const ShapMatrix phi = ReferenceShapValues(model, x, max_features);
  InteractionMatrix out;
  out.rows = x.rows;
  out.outputs = model.num_outputs();
  out.features = m;
  const auto width = static_cast<std::size_t>(m + 1);
  out.values.assign(static_cast<std::size_t>(out.rows) * out.outputs * width * width, 0.0);
  // Weight of a subset of size s not holding i or j: s! (m - s - 2)! / (m - 1)!.
  std::vector<double> weight(static_cast<std::size_t>(m - 1), 0.0);
  for (int s = 0; s + 2 <= m; ++s) {
    weight[static_cast<std::size_t>(s)] =
        std::exp(std::lgamma(s + 1.0) + std::lgamma(m - s - 1.0) - std::lgamma(m + 0.0));
  }
  const std::uint32_t subsets = 1U << m;
  std::vector<double> v(subsets);
  for (std::int64_t r = 0; r < x.rows; ++r) {
    const double* row = x.values.data() + static_cast<std::size_t>(r) * x.cols;
    for (int k = 0; k < out.outputs; ++k) {
      SubsetValues(model, k, row, v);
      double* b = out.values.data() + (static_cast<std::size_t>(r) * out.outputs + k) * width * width;
      for (int i = 0; i < m; ++i) {
        for (int j = i + 1; j < m; ++j) {
          const std::uint32_t bi = 1U << i, bj = 1U << j;
          double total = 0;
          for (std::uint32_t s = 0; s < subsets; ++s) {
            if (s & (bi | bj)) continue;
            total += weight[static_cast<std::size_t>(__builtin_popcount(s))] *
                     (v[s | bi | bj] - v[s | bi] - v[s | bj] + v[s]);
          }
          b[static_cast<std::size_t>(i) * width + j] = total / 2;
          b[static_cast<std::size_t>(j) * width + i] = total / 2;
        }
      }
      for (int i = 0; i < m; ++i) {
        double rest = 0;
        for (int j = 0; j < m; ++j) rest += j == i ? 0.0 : b[static_cast<std::size_t>(i) * width + j];
        b[static_cast<std::size_t>(i) * width + i] = phi.at(r, k, i) - rest;
      }
      b[width * width - 1] = phi.at(r, k, m);
    }
  }
  return out;
}

}  // namespace finai::explain
