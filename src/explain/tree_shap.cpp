// The second reference: exact path-dependent TreeSHAP (Lundberg, Erion, Chen et al., "From local explanations to global understanding
// with explainable AI for trees", Nature Machine Intelligence 2020, Algorithm 2). A depth-first walk keeps, for the
// unique features on the path to the current node, the weights of every subset size of the Shapley sum; EXTEND adds
// a feature, UNWIND removes one, and at each leaf every path feature gets (one - zero fraction) times the unwound
// weight sum times the leaf value.
#include "finai/explain/tree_shap.hpp"

#include <algorithm>
#include <cstddef>
#include <string>

#include "cover.hpp"
#include "finai/core/error.hpp"
#include "finai/core/parallel.hpp"
#include "finai/models/gbdt/predict.hpp"

namespace finai::explain {

namespace {

using gbdt::GbdtModel;
using gbdt::Tree;
using gbdt::TreeNode;

// One unique feature on the path. zero: the share of background rows that follow the path through this feature's
// splits; one: 1 if the row itself follows them, else 0; weight: the weight of the subset size equal to the index.
struct PathElement {
  int feature = -1;
  double zero = 0;
  double one = 0;
  double weight = 0;
};

// Appends a feature (or the root's dummy) to path[0..length) and updates the subset-size weights.
void Extend(PathElement* path, int length, double zero, double one, int feature) {
  path[length] = {feature, zero, one, length == 0 ? 1.0 : 0.0};
  const double denom = length + 1;
  for (int i = length - 1; i >= 0; --i) {
    path[i + 1].weight += one * path[i].weight * (i + 1) / denom;
    path[i].weight = zero * path[i].weight * (length - i) / denom;
  }
}

// Removes element `index` from path[0..length] (length = index of the last element), undoing its Extend.
void Unwind(PathElement* path, int length, int index) {
  const double one = path[index].one;
  const double zero = path[index].zero;
  double next = path[length].weight;
  const double denom = length + 1;
  for (int j = length - 1; j >= 0; --j) {
    if (one != 0) {
      const double kept = path[j].weight;
      path[j].weight = next * denom / ((j + 1) * one);
      next = kept - path[j].weight * zero * (length - j) / denom;
    } else {
      path[j].weight = path[j].weight * denom / (zero * (length - j));
    }
  }
  for (int j = index; j < length; ++j) {
    path[j].feature = path[j + 1].feature;
    path[j].zero = path[j + 1].zero;
    path[j].one = path[j + 1].one;
  }
}

// The total weight the path would have without element `index`, without changing the path.
double UnwoundSum(const PathElement* path, int length, int index) {
  const double one = path[index].one;
  const double zero = path[index].zero;
  double next = path[length].weight;
  double total = 0;
  const double denom = length + 1;
  for (int j = length - 1; j >= 0; --j) {
    if (one != 0) {
      const double w = next * denom / ((j + 1) * one);
      total += w;
      next = path[j].weight - w * zero * (length - j) / denom;
    } else {
      total += path[j].weight * denom / (zero * (length - j));
    }
  }
  return total;
}

class TreeExplainer {
 public:
  TreeExplainer(const GbdtModel& model, const Tree& tree, const double* row, double* phi, PathElement* scratch)
      : model_(model), tree_(tree), row_(row), phi_(phi), scratch_(scratch) {}

  void Run() { Recurse(0, scratch_, 0, 1.0, 1.0, -1); }

 private:
  // `path` holds `length` elements of the parent; this call works on a copy right after them so that the parent's
  // path survives for its other child. The scratch holds (depth + 2)^2 elements, enough for every level.
  void Recurse(std::int32_t node_index, PathElement* parent_path, int length, double zero, double one, int feature) {
    PathElement* path = parent_path + length;
    std::copy(parent_path, parent_path + length, path);
    Extend(path, length, zero, one, feature);
    const TreeNode& node = tree_.nodes[static_cast<std::size_t>(node_index)];
    if (node.is_leaf()) {
      for (int i = 1; i <= length; ++i) {
        const double w = UnwoundSum(path, length, i);
        phi_[path[i].feature] += w * (path[i].one - path[i].zero) * node.value;
      }
      return;
    }
    const double value = row_[node.feature];
    const bool left_hot = gbdt::GoesLeft(model_, tree_, node, value);
    const std::int32_t hot = left_hot ? node.left : node.right;
    const std::int32_t cold = left_hot ? node.right : node.left;
    const double left_share = detail::LeftShare(tree_, node);
    const double hot_share = left_hot ? left_share : 1 - left_share;
    const double cold_share = 1 - hot_share;

    // A feature already on the path is taken off and put back with both splits' fractions combined.
    double incoming_zero = 1, incoming_one = 1;
    int unique_length = length;
    for (int k = 1; k <= length; ++k) {
      if (path[k].feature == node.feature) {
        incoming_zero = path[k].zero;
        incoming_one = path[k].one;
        Unwind(path, length, k);
        --unique_length;
        break;
      }
    }
    // The child's elements are appended after this node's (unique_length + 1) elements.
    const double hot_zero = incoming_zero * hot_share;
    if (hot_zero != 0 || incoming_one != 0) Recurse(hot, path, unique_length + 1, hot_zero, incoming_one, node.feature);
    // With zero background share the cold child contributes nothing (every weight below it is zero).
    const double cold_zero = incoming_zero * cold_share;
    if (cold_zero != 0) Recurse(cold, path, unique_length + 1, cold_zero, 0, node.feature);
  }

  const GbdtModel& model_;
  const Tree& tree_;
  const double* row_;
  double* phi_;
  PathElement* scratch_;
};

// Cover-weighted mean leaf value below a node.
double MeanValue(const Tree& tree, std::int32_t index) {
  const TreeNode& node = tree.nodes[static_cast<std::size_t>(index)];
  if (node.is_leaf()) return node.value;
  const double left_share = detail::LeftShare(tree, node);
  return left_share * MeanValue(tree, node.left) + (1 - left_share) * MeanValue(tree, node.right);
}

}  // namespace

std::vector<double> ExpectedValues(const GbdtModel& model) {
  std::vector<double> expected(static_cast<std::size_t>(model.num_outputs()), 0.0);
  for (std::size_t k = 0; k < expected.size() && k < model.base_margin.size(); ++k) expected[k] = model.base_margin[k];
  for (std::size_t t = 0; t < model.trees.size(); ++t) {
    const std::size_t output = model.tree_class.empty() ? 0 : static_cast<std::size_t>(model.tree_class[t]);
    if (!model.trees[t].nodes.empty()) expected[output] += MeanValue(model.trees[t], 0);
  }
  return expected;
}

namespace detail {
void CheckMatrixFits(const GbdtModel& model, const gbdt::FeatureMatrix& x) {
  if (x.cols != static_cast<int>(model.features.size()) ||
      x.values.size() != static_cast<std::size_t>(x.rows) * static_cast<std::size_t>(std::max(x.cols, 0))) {
    throw InvalidArgument("the feature matrix does not fit the model (build it with BuildFeatureMatrix)",
                          {.field = "cols", .field_kind = "parameter", .value = std::to_string(x.cols),
                           .expected = std::to_string(model.features.size()) + " columns, rows x columns values"});
  }
}
}  // namespace detail

ShapMatrix Algorithm2ShapValues(const GbdtModel& model, const gbdt::FeatureMatrix& x, const Context& ctx) {
  detail::CheckMatrixFits(model, x);
  ShapMatrix out;
  out.rows = x.rows;
  out.outputs = model.num_outputs();
  out.features = static_cast<int>(model.features.size());
  out.values.assign(static_cast<std::size_t>(out.rows) * out.outputs * out.width(), 0.0);
  const std::vector<double> expected = ExpectedValues(model);
  int max_depth = 0;
  for (const Tree& tree : model.trees) max_depth = std::max(max_depth, tree.depth());
  const std::size_t scratch_size = static_cast<std::size_t>(max_depth + 2) * (max_depth + 2);

  ParallelForBlocks(ctx, 0, x.rows, [&](std::int64_t begin, std::int64_t end, int /*thread*/) {
    std::vector<PathElement> scratch(scratch_size);
    for (std::int64_t r = begin; r < end; ++r) {
      const double* row = x.values.data() + static_cast<std::size_t>(r) * x.cols;
      for (std::size_t t = 0; t < model.trees.size(); ++t) {
        if (model.trees[t].nodes.empty()) continue;
        const int output = model.tree_class.empty() ? 0 : model.tree_class[t];
        double* phi = out.values.data() + (static_cast<std::size_t>(r) * out.outputs + output) * out.width();
        TreeExplainer(model, model.trees[t], row, phi, scratch.data()).Run();
      }
      for (int k = 0; k < out.outputs; ++k) {
        out.values[(static_cast<std::size_t>(r) * out.outputs + k) * out.width() + out.features] = expected[k];
      }
    }
  });
  return out;
}

}  // namespace finai::explain
