#include "tree_grower.hpp"

#include <algorithm>
#include <limits>
#include <memory>

#include "finai/core/check.hpp"

namespace finai::gbdt {

int GrownTree::LeafOf(const std::uint8_t* codes, const std::vector<FeatureMeta>& meta) const {
  int n = 0;
  while (!nodes[static_cast<std::size_t>(n)].is_leaf()) {
    const BinNode& node = nodes[static_cast<std::size_t>(n)];
    const auto f = static_cast<std::size_t>(node.feature);
    n = node.GoesLeft(codes[f], meta[f]) ? node.left : node.right;
  }
  return n;
}

namespace {

// A leaf that may still be split.
struct OpenLeaf {
  int node = 0;
  int depth = 0;
  NodeSums sums;
  ValueBounds bounds;
  std::vector<char> path;  // features used on the way from the root
  Histogram hist;
  SplitCandidate split;
};

class Grower {
 public:
  Grower(const GrowerConfig& config, std::span<const GradPair> grads, const Context& ctx)
      : config_(config), grads_(grads), ctx_(ctx),
        search_{config.data, config.params, LeafMath(*config.params, config.scale), {}} {}

  GrownTree Run(std::vector<std::int32_t> rows) {
    tree_.rows = std::move(rows);
    auto root = std::make_unique<OpenLeaf>();
    root->path.assign(static_cast<std::size_t>(config_.data->features), 0);
    BinNode node;
    node.begin = 0;
    node.end = static_cast<std::int64_t>(tree_.rows.size());
    tree_.nodes.push_back(node);
    root->sums = SumOfRows(RowsOf(0), grads_);
    SetValue(*root);
    const GbdtParams& p = *config_.params;
    max_leaves_ = p.max_leaves > 0 ? p.max_leaves : std::numeric_limits<int>::max();
    if (CanSplit(0, 1)) {
      BuildHistogram(*config_.data, RowsOf(0), grads_, root->hist, scratch_, ctx_);
      FindSplit(*root);
    }
    std::vector<std::unique_ptr<OpenLeaf>> open;
    open.push_back(std::move(root));
    const int max_leaves = max_leaves_;
    int leaves = 1;
    if (p.grow_policy == GrowPolicy::kDepthWise) {
      for (int depth = 0; depth < p.max_depth && !open.empty(); ++depth) {
        std::vector<std::unique_ptr<OpenLeaf>> next;
        for (auto& leaf : open) {
          if (!leaf->split.valid() || leaves >= max_leaves) continue;
          ++leaves;
          auto [l, r] = Split(*leaf, leaves);
          next.push_back(std::move(l));
          next.push_back(std::move(r));
        }
        open = std::move(next);
      }
    } else {
      while (leaves < max_leaves) {
        // The open leaf with the largest gain; on a tie the earliest node, so the tree does not depend on
        // the order of the list.
        auto best = open.end();
        for (auto it = open.begin(); it != open.end(); ++it) {
          if (!(*it)->split.valid()) continue;
          if (p.max_depth > 0 && (*it)->depth >= p.max_depth) continue;
          if (best == open.end() || (*it)->split.gain > (*best)->split.gain ||
              ((*it)->split.gain == (*best)->split.gain && (*it)->node < (*best)->node)) {
            best = it;
          }
        }
        if (best == open.end()) break;
        std::unique_ptr<OpenLeaf> leaf = std::move(*best);
        open.erase(best);
        ++leaves;
        auto [l, r] = Split(*leaf, leaves);
        open.push_back(std::move(l));
        open.push_back(std::move(r));
      }
    }
    return std::move(tree_);
  }

 private:
  std::span<const std::int32_t> RowsOf(int node) const {
    const BinNode& n = tree_.nodes[static_cast<std::size_t>(node)];
    return std::span<const std::int32_t>(tree_.rows).subspan(static_cast<std::size_t>(n.begin),
                                                             static_cast<std::size_t>(n.end - n.begin));
  }

  // Whether a node at this depth may still be split once the tree has `leaves` leaves. Nodes that may not
  // (the last level of a depth-wise tree, most of all) need neither a histogram nor a split search.
  bool CanSplit(int depth, int leaves) const {
    const GbdtParams& p = *config_.params;
    return (p.max_depth <= 0 || depth < p.max_depth) && leaves < max_leaves_;
  }

  // Sets the leaf's value and cover.
  void SetValue(OpenLeaf& leaf) {
    BinNode& node = tree_.nodes[static_cast<std::size_t>(leaf.node)];
    node.value = search_.math.Value(leaf.sums, leaf.bounds);
    node.cover = search_.math.H(leaf.sums);
  }

  // Finds the leaf's best split from its histogram.
  void FindSplit(OpenLeaf& leaf) {
    search_.allowed = AllowedFeatures(leaf.path);
    leaf.split = FindBestSplit(search_, leaf.hist, leaf.sums, leaf.bounds, ctx_);
  }

  // Features the leaf may split on: the tree's column sample, restricted by the interaction constraints
  // (the path's features plus the new one must lie in one group).
  std::vector<char> AllowedFeatures(const std::vector<char>& path) const {
    std::vector<char> allowed = config_.tree_features;
    const auto& groups = *config_.interaction_groups;
    if (groups.empty()) return allowed;
    for (std::size_t f = 0; f < allowed.size(); ++f) {
      if (!allowed[f]) continue;
      bool ok = false;
      for (const auto& g : groups) {
        if (!g[f]) continue;
        bool covers_path = true;
        for (std::size_t k = 0; k < path.size() && covers_path; ++k) covers_path = !path[k] || g[k];
        if (covers_path) {
          ok = true;
          break;
        }
      }
      allowed[f] = ok ? 1 : 0;
    }
    return allowed;
  }

  // Splits the leaf; the tree has `leaves` leaves afterwards.
  std::pair<std::unique_ptr<OpenLeaf>, std::unique_ptr<OpenLeaf>> Split(OpenLeaf& leaf, int leaves) {
    const SplitCandidate& s = leaf.split;
    const FeatureMeta& meta = config_.data->meta[static_cast<std::size_t>(s.feature)];
    // Partition the leaf's rows, keeping their order (left rows first).
    BinNode& parent = tree_.nodes[static_cast<std::size_t>(leaf.node)];
    parent.feature = s.feature;
    parent.categorical = s.categorical;
    parent.threshold_bin = s.threshold_bin;
    parent.left_bins = s.left_bins;
    parent.default_left = s.default_left;
    parent.gain = s.gain;
    const std::int64_t begin = parent.begin, end = parent.end;
    auto first = tree_.rows.begin() + begin;
    auto last = tree_.rows.begin() + end;
    const auto f = static_cast<std::size_t>(s.feature);
    const TrainingData& data = *config_.data;
    const BinNode split_node = parent;  // copy: push_back below may move the nodes
    // Stable partition: left rows are compacted in place, right rows go through a reused buffer.
    std::int64_t left_count = 0;
    std::size_t right_count = 0;
    spill_.resize(static_cast<std::size_t>(last - first));
    for (auto it = first; it != last; ++it) {
      const std::int32_t r = *it;
      if (split_node.GoesLeft(data.row(r)[f], meta)) {
        first[left_count++] = r;
      } else {
        spill_[right_count++] = r;
      }
    }
    std::copy(spill_.begin(), spill_.begin() + static_cast<std::ptrdiff_t>(right_count), first + left_count);
    const std::int64_t middle = begin + left_count;
    FINAI_CHECK(middle - begin == s.left.n, "partition disagrees with the histogram");

    auto left = std::make_unique<OpenLeaf>();
    auto right = std::make_unique<OpenLeaf>();
    left->node = static_cast<int>(tree_.nodes.size());
    right->node = left->node + 1;
    tree_.nodes[static_cast<std::size_t>(leaf.node)].left = left->node;
    tree_.nodes[static_cast<std::size_t>(leaf.node)].right = right->node;
    BinNode ln, rn;
    ln.begin = begin;
    ln.end = middle;
    rn.begin = middle;
    rn.end = end;
    tree_.nodes.push_back(ln);
    tree_.nodes.push_back(rn);
    for (OpenLeaf* child : {left.get(), right.get()}) {
      child->depth = leaf.depth + 1;
      child->path = leaf.path;
      child->path[f] = 1;
      child->bounds = leaf.bounds;
    }
    left->sums = s.left;
    right->sums = s.right;
    if (meta.monotone != 0) {
      // Children of a monotone split are kept on their side of the midpoint, so that no later split in
      // either subtree can reverse the order (XGBoost's rule; exact for every input).
      const double mid_value = (s.left_value + s.right_value) / 2;
      if (meta.monotone > 0) {
        left->bounds.upper = std::min(left->bounds.upper, mid_value);
        right->bounds.lower = std::max(right->bounds.lower, mid_value);
      } else {
        left->bounds.lower = std::max(left->bounds.lower, mid_value);
        right->bounds.upper = std::min(right->bounds.upper, mid_value);
      }
    }
    SetValue(*left);
    SetValue(*right);
    if (CanSplit(leaf.depth + 1, leaves)) {
      // Histogram of the smaller child; the larger is the parent's minus it.
      OpenLeaf& small = s.left.n <= s.right.n ? *left : *right;
      OpenLeaf& large = s.left.n <= s.right.n ? *right : *left;
      BuildHistogram(data, RowsOf(small.node), grads_, small.hist, scratch_, ctx_);
      SubtractHistogram(leaf.hist, small.hist, large.hist);
      FindSplit(*left);
      FindSplit(*right);
    }
    Histogram().swap(leaf.hist);
    return {std::move(left), std::move(right)};
  }

  const GrowerConfig& config_;
  std::span<const GradPair> grads_;
  const Context& ctx_;
  SplitSearch search_;
  GrownTree tree_;
  int max_leaves_ = 0;
  std::vector<Histogram> scratch_;
  std::vector<std::int32_t> spill_;
};

}  // namespace

GrownTree GrowTree(const GrowerConfig& config, std::vector<std::int32_t> rows, std::span<const GradPair> grads,
                   const Context& ctx) {
  return Grower(config, grads, ctx).Run(std::move(rows));
}

}  // namespace finai::gbdt
