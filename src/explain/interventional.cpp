// Interventional TreeSHAP against a background data set. For a row x and a background row z, a tree's value at a
// coalition S is the leaf reached by taking x's values for S and z's otherwise. Only splits where x and z go
// different ways depend on S: the walk follows x's branch (the feature must be in S) and z's branch (it must not
// be), never both for one feature. A leaf reached with the set A of features that went x's way and the set B that
// went z's way is the value exactly when A in S and B outside S, so (Shapley weights of that event)
//   phi_i += v (|A| - 1)! |B|! / (|A| + |B|)!  for i in A,    phi_i -= v |A|! (|B| - 1)! / (|A| + |B|)!  for i in B.
// Averaged over the background rows.
#include "finai/explain/interventional.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "cover.hpp"
#include "finai/core/error.hpp"
#include "finai/core/parallel.hpp"
#include "finai/models/gbdt/predict.hpp"

namespace finai::explain {

namespace {

using gbdt::GbdtModel;
using gbdt::Tree;
using gbdt::TreeNode;

enum Side : std::uint8_t { kNone = 0, kRow = 1, kBackground = 2 };

class PairWalker {
 public:
  PairWalker(const GbdtModel& model, const std::vector<double>& factorial, std::vector<std::uint8_t>& side,
             std::vector<int>& path)
      : model_(model), factorial_(factorial), side_(side), path_(path) {}

  void Walk(const Tree& tree, std::int32_t index, const double* x, const double* z, int n_row, int n_back,
            double* phi) {
    const TreeNode& node = tree.nodes[static_cast<std::size_t>(index)];
    if (node.is_leaf()) {
      const int n = n_row + n_back;
      if (n == 0) return;
      const double row_weight = n_row > 0 ? factorial_[n_row - 1] * factorial_[n_back] / factorial_[n] : 0.0;
      const double back_weight = n_back > 0 ? factorial_[n_row] * factorial_[n_back - 1] / factorial_[n] : 0.0;
      for (int f : path_) phi[f] += side_[f] == kRow ? node.value * row_weight : -node.value * back_weight;
      return;
    }
    const bool x_left = gbdt::GoesLeft(model_, tree, node, x[node.feature]);
    const bool z_left = gbdt::GoesLeft(model_, tree, node, z[node.feature]);
    const std::int32_t x_child = x_left ? node.left : node.right;
    const std::int32_t z_child = z_left ? node.left : node.right;
    if (x_left == z_left) return Walk(tree, x_child, x, z, n_row, n_back, phi);
    std::uint8_t& side = side_[node.feature];
    if (side == kRow) return Walk(tree, x_child, x, z, n_row, n_back, phi);
    if (side == kBackground) return Walk(tree, z_child, x, z, n_row, n_back, phi);
    path_.push_back(node.feature);
    side = kRow;
    Walk(tree, x_child, x, z, n_row + 1, n_back, phi);
    side = kBackground;
    Walk(tree, z_child, x, z, n_row, n_back + 1, phi);
    side = kNone;
    path_.pop_back();
  }

 private:
  const GbdtModel& model_;
  const std::vector<double>& factorial_;
  std::vector<std::uint8_t>& side_;
  std::vector<int>& path_;
};

void CheckBackground(const GbdtModel& model, const gbdt::FeatureMatrix& x, const gbdt::FeatureMatrix& background) {
  detail::CheckMatrixFits(model, x);
  detail::CheckMatrixFits(model, background);
  if (background.rows < 1) {
    throw InvalidArgument("interventional SHAP needs at least one background row",
                          {.field = "background", .field_kind = "parameter", .value = "0 rows",
                           .expected = "a non-empty background data set"});
  }
}

}  // namespace

ShapMatrix InterventionalShapValues(const GbdtModel& model, const gbdt::FeatureMatrix& x,
                                    const gbdt::FeatureMatrix& background, const Context& ctx) {
  CheckBackground(model, x, background);
  ShapMatrix out;
  out.rows = x.rows;
  out.outputs = model.num_outputs();
  out.features = static_cast<int>(model.features.size());
  out.values.assign(static_cast<std::size_t>(out.rows) * out.outputs * out.width(), 0.0);
  int max_depth = 0;
  for (const Tree& tree : model.trees) max_depth = std::max(max_depth, tree.depth());
  std::vector<double> factorial(static_cast<std::size_t>(max_depth + 2), 1.0);
  for (std::size_t n = 1; n < factorial.size(); ++n) factorial[n] = factorial[n - 1] * static_cast<double>(n);
  const std::vector<double> base_margins = gbdt::Predict(model, background, gbdt::PredictKind::kMargin, ctx);
  std::vector<double> expected(static_cast<std::size_t>(out.outputs), 0.0);
  for (std::int64_t b = 0; b < background.rows; ++b) {
    for (int k = 0; k < out.outputs; ++k) expected[k] += base_margins[static_cast<std::size_t>(b) * out.outputs + k];
  }
  for (double& e : expected) e /= static_cast<double>(background.rows);
  const double scale = 1.0 / static_cast<double>(background.rows);
  ParallelForBlocks(ctx, 0, x.rows, [&](std::int64_t begin, std::int64_t end, int /*thread*/) {
    std::vector<std::uint8_t> side(static_cast<std::size_t>(out.features), kNone);
    std::vector<int> path;
    PairWalker walker(model, factorial, side, path);
    for (std::int64_t r = begin; r < end; ++r) {
      const double* row = x.values.data() + static_cast<std::size_t>(r) * x.cols;
      double* phi_row = out.values.data() + static_cast<std::size_t>(r) * out.outputs * out.width();
      for (std::int64_t b = 0; b < background.rows; ++b) {
        const double* z = background.values.data() + static_cast<std::size_t>(b) * background.cols;
        for (std::size_t t = 0; t < model.trees.size(); ++t) {
          if (model.trees[t].nodes.empty()) continue;
          const int output = model.tree_class.empty() ? 0 : model.tree_class[t];
          walker.Walk(model.trees[t], 0, row, z, 0, 0, phi_row + static_cast<std::size_t>(output) * out.width());
        }
      }
      for (int k = 0; k < out.outputs; ++k) {
        double* phi = phi_row + static_cast<std::size_t>(k) * out.width();
        for (int j = 0; j < out.features; ++j) phi[j] *= scale;
        phi[out.features] = expected[static_cast<std::size_t>(k)];
      }
    }
  });
  return out;
}

ShapMatrix ReferenceInterventionalShapValues(const GbdtModel& model, const gbdt::FeatureMatrix& x,
                                             const gbdt::FeatureMatrix& background) {
  CheckBackground(model, x, background);
  const int m = static_cast<int>(model.features.size());
  if (m > 10) {
    throw InvalidArgument("the brute-force interventional oracle enumerates every subset of features",
                          {.field = "features", .field_kind = "parameter", .value = std::to_string(m),
                           .expected = "at most 10 features"});
  }
  ShapMatrix out;
  out.rows = x.rows;
  out.outputs = model.num_outputs();
  out.features = m;
  out.values.assign(static_cast<std::size_t>(out.rows) * out.outputs * out.width(), 0.0);
  const std::uint32_t subsets = 1U << m;
  std::vector<double> weight(static_cast<std::size_t>(m), 0.0);
  for (int s = 0; s < m; ++s) weight[s] = std::exp(std::lgamma(s + 1.0) + std::lgamma(m - s + 0.0) - std::lgamma(m + 1.0));
  for (std::int64_t r = 0; r < x.rows; ++r) {
    // Every hybrid row: subset s, background row b.
    gbdt::FeatureMatrix hybrid{.rows = static_cast<std::int64_t>(subsets) * background.rows, .cols = m};
    for (std::uint32_t s = 0; s < subsets; ++s) {
      for (std::int64_t b = 0; b < background.rows; ++b) {
        for (int j = 0; j < m; ++j) {
          hybrid.values.push_back((s >> j) & 1U ? x.values[static_cast<std::size_t>(r) * m + j]
                                                : background.values[static_cast<std::size_t>(b) * m + j]);
        }
      }
    }
    const std::vector<double> margin = gbdt::ReferencePredict(model, hybrid, gbdt::PredictKind::kMargin);
    for (int k = 0; k < out.outputs; ++k) {
      std::vector<double> v(subsets, 0.0);
      for (std::uint32_t s = 0; s < subsets; ++s) {
        for (std::int64_t b = 0; b < background.rows; ++b) {
          v[s] += margin[(static_cast<std::size_t>(s) * background.rows + b) * out.outputs + k];
        }
        v[s] /= static_cast<double>(background.rows);
      }
      double* phi = out.values.data() + (static_cast<std::size_t>(r) * out.outputs + k) * out.width();
      for (int i = 0; i < m; ++i) {
        for (std::uint32_t s = 0; s < subsets; ++s) {
          if ((s >> i) & 1U) continue;
          phi[i] += weight[static_cast<std::size_t>(__builtin_popcount(s))] * (v[s | (1U << i)] - v[s]);
        }
      }
      phi[m] = v[0];
    }
  }
  return out;
}

}  // namespace finai::explain
