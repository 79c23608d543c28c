// A decision tree of a boosted ensemble, as stored in model files, predicted by every predictor and
// explained by TreeSHAP. Nodes live in one vector; node 0 is the root.
#pragma once

#include <cstdint>
#include <vector>

namespace finai::gbdt {

// How a numeric split compares: finai and LightGBM send x <= threshold left, XGBoost x < threshold.
enum class SplitRule : std::uint8_t { kLessEqual = 0, kLess = 1 };

struct TreeNode {
  std::int32_t left = -1;          // child indices; -1 for a leaf
  std::int32_t right = -1;
  std::int32_t feature = -1;       // index into the model's features; -1 for a leaf
  double threshold = 0;            // numeric split point (see SplitRule)
  std::int32_t category_set = -1;  // categorical split: index into Tree::category_sets; -1 for numeric
  bool default_left = true;        // where a missing value goes
  double value = 0;                // leaf: the margin it adds; internal node: its value before the split
  double cover = 0;                // sum of hessians (weights) of the training rows that reached the node
  double gain = 0;                 // loss reduction of the split (internal nodes)

  bool is_leaf() const { return left < 0; }
};

struct Tree {
  std::vector<TreeNode> nodes;
  // Categorical splits: each set is a bitset over the feature's category ids (32 per word); a category in
  // the set goes left, every other category (unseen ones included) goes right.
  std::vector<std::vector<std::uint32_t>> category_sets;

  int num_leaves() const;
  int depth() const;  // a single leaf has depth 0
  // A category given as a double (as in a FeatureMatrix): anything that is not a small non-negative
  // integer is no category of the set (and the conversion below stays defined).
  static bool InSet(const std::vector<std::uint32_t>& set, double category) {
    return category >= 0 && category < 2147483648.0 && InSet(set, static_cast<std::int64_t>(category));
  }
  static bool InSet(const std::vector<std::uint32_t>& set, std::int64_t category) {
    const auto word = static_cast<std::size_t>(category >> 5);
    return category >= 0 && word < set.size() && ((set[word] >> (category & 31)) & 1U) != 0;
  }
};

}  // namespace finai::gbdt
