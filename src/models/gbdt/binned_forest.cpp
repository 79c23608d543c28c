#include "binned_forest.hpp"

#include <algorithm>
#include <cmath>

namespace finai::gbdt {

namespace {
// The depth of a tree, or -1 when a categorical split or more than `limit` levels make it unfit.
int ShallowNumericDepth(const Tree& tree, int node, int limit) {
  const TreeNode& n = tree.nodes[static_cast<std::size_t>(node)];
  if (n.is_leaf()) return 0;
  if (n.category_set >= 0 || limit == 0) return -1;
  const int left = ShallowNumericDepth(tree, n.left, limit - 1);
  const int right = ShallowNumericDepth(tree, n.right, limit - 1);
  return left < 0 || right < 0 ? -1 : 1 + std::max(left, right);
}
}  // namespace

BinnedForest::BinnedForest(const GbdtModel& model)
    : features_(static_cast<int>(model.features.size())), less_(model.split_rule == SplitRule::kLess),
      float32_(model.float32_compare), thresholds_(model.features.size()) {
  auto as_compared = [&](double t) { return float32_ ? static_cast<double>(static_cast<float>(t)) : t; };
  for (const Tree& tree : model.trees) {
    for (const TreeNode& n : tree.nodes) {
      if (n.is_leaf() || n.category_set >= 0) continue;
      thresholds_[static_cast<std::size_t>(n.feature)].push_back(as_compared(n.threshold));
    }
  }
  bool ranks_fit = features_ < 0x7FFF;
  for (auto& t : thresholds_) {
    std::sort(t.begin(), t.end());
    t.erase(std::unique(t.begin(), t.end()), t.end());
    ranks_fit &= t.size() < kMissingRight;
  }
  for (const Tree& tree : model.trees) {
    const int depth = ranks_fit ? ShallowNumericDepth(tree, 0, kMaxDepth) : -1;
    depth_.push_back(depth);
    node_base_.push_back(nodes_.size());
    leaf_base_.push_back(leaves_.size());
    if (depth < 0) continue;
    nodes_.resize(nodes_.size() + (std::size_t{1} << depth) - 1);
    leaves_.resize(leaves_.size() + (std::size_t{1} << depth));
    Fill(tree, 0, 0, 0, depth, node_base_.back(), leaf_base_.back());
  }
}

void BinnedForest::Fill(const Tree& tree, int src, std::size_t heap, int level, int depth, std::size_t node_base,
                        std::size_t leaf_base) {
  const TreeNode& n = tree.nodes[static_cast<std::size_t>(src)];
  if (level == depth) {
    leaves_[leaf_base + heap - ((std::size_t{1} << depth) - 1)] = n.value;
    return;
  }
  if (n.is_leaf()) {
    // A leaf above the last level: every row goes left, and both sides end in copies of the leaf.
    nodes_[node_base + heap] = {0, 0xFFFF};
    Fill(tree, src, 2 * heap + 1, level + 1, depth, node_base, leaf_base);
    Fill(tree, src, 2 * heap + 2, level + 1, depth, node_base, leaf_base);
    return;
  }
  const auto& t = thresholds_[static_cast<std::size_t>(n.feature)];
  const double threshold = float32_ ? static_cast<double>(static_cast<float>(n.threshold)) : n.threshold;
  const auto k = static_cast<std::uint16_t>(std::lower_bound(t.begin(), t.end(), threshold) - t.begin());
  nodes_[node_base + heap] = {static_cast<std::uint16_t>(2 * n.feature + (n.default_left ? 0 : 1)), k};
  Fill(tree, n.left, 2 * heap + 1, level + 1, depth, node_base, leaf_base);
  Fill(tree, n.right, 2 * heap + 2, level + 1, depth, node_base, leaf_base);
}

namespace {
// How many of the n ascending thresholds t are below v (strictly, or at or below when `or_equal`), without a branch
// on the data: the loop runs the same log2(n) steps for every value, so it neither mispredicts nor waits on one
// comparison before starting the next value's (the caller interleaves many values).
template <bool kOrEqual>
std::size_t CountBelow(const double* t, std::size_t n, double v) {
  if (n == 0) return 0;
  const double* base = t;
  while (n > 1) {
    const std::size_t half = n / 2;
    base = (kOrEqual ? base[half] <= v : base[half] < v) ? base + half : base;
    n -= half;
  }
  return static_cast<std::size_t>(base - t) + ((kOrEqual ? *base <= v : *base < v) ? 1 : 0);
}
}  // namespace

void BinnedForest::RankRows(const double* rows, std::int64_t count, std::uint16_t* out) const {
  const auto f_count = static_cast<std::size_t>(features_);
  const auto rows_count = static_cast<std::size_t>(count);
  // Feature by feature: one threshold list stays in cache while every row of the block is placed in it.
  for (std::size_t f = 0; f < f_count; ++f) {
    const auto& t = thresholds_[f];
    for (std::size_t r = 0; r < rows_count; ++r) {
      double v = rows[r * f_count + f];
      std::uint16_t* rank = out + r * 2 * f_count + 2 * f;
      if (std::isnan(v)) {
        rank[0] = 0;  // left at every split whose missing values go left
        rank[1] = kMissingRight;
        continue;
      }
      if (float32_) v = static_cast<double>(static_cast<float>(v));
      // v <= t_k  <=>  (thresholds below v) <= k;  v < t_k  <=>  (thresholds at or below v) <= k.
      const std::size_t below =
          less_ ? CountBelow<true>(t.data(), t.size(), v) : CountBelow<false>(t.data(), t.size(), v);
      rank[0] = rank[1] = static_cast<std::uint16_t>(below);
    }
  }
}

void BinnedForest::AddTree(std::size_t t, const std::uint16_t* ranks, std::size_t count, double* out,
                           std::size_t out_stride) const {
  const int depth = depth_[t];
  const Node* nodes = nodes_.data() + node_base_[t];
  const double* leaves = leaves_.data() + leaf_base_[t];
  const std::uint32_t first_leaf = (1U << depth) - 1;  // heap index of the first leaf
  const auto stride = static_cast<std::size_t>(slots());
  // Sixteen rows cross the tree together, a level at a time: independent walks the processor overlaps.
  constexpr std::size_t kLanes = 16;
  std::size_t r0 = 0;
  for (; r0 + kLanes <= count; r0 += kLanes) {
    std::uint32_t at[kLanes] = {};
    const std::uint16_t* lane_ranks = ranks + r0 * stride;
    for (int d = 0; d < depth; ++d) {
      for (std::size_t j = 0; j < kLanes; ++j) {
        const Node n = nodes[at[j]];
        at[j] = 2 * at[j] + 1 + (lane_ranks[j * stride + n.slot] > n.k ? 1U : 0U);
      }
    }
    for (std::size_t j = 0; j < kLanes; ++j) out[(r0 + j) * out_stride] += leaves[at[j] - first_leaf];
  }
  for (; r0 < count; ++r0) {
    std::uint32_t at = 0;
    const std::uint16_t* rank = ranks + r0 * stride;
    for (int d = 0; d < depth; ++d) {
      const Node n = nodes[at];
      at = 2 * at + 1 + (rank[n.slot] > n.k ? 1U : 0U);
    }
    out[r0 * out_stride] += leaves[at - first_leaf];
  }
}

}  // namespace finai::gbdt
