#include "tree_grower.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <memory>

#include "finai/core/check.hpp"
#include "finai/core/parallel.hpp"
#include "row_partition.hpp"

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

void GrownTree::AddLeafValues(const std::vector<double>& leaf_values, std::int64_t num_rows, int stride, double* out,
                              const Context& ctx, std::int64_t block_rows) const {
  FINAI_CHECK(leaf_values.size() == nodes.size() && block_rows > 0, "one value per node, blocks of rows");
  std::vector<std::size_t> leaves;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].is_leaf()) leaves.push_back(i);
  }
  // A task adds to one block of rows, leaf by leaf, each leaf's part of the block found by binary search
  // (a leaf's rows are in increasing order). Tasks taking whole leaves instead would write to the same
  // cache lines from different threads, every leaf's rows being spread over all rows: 3x slower.
  ParallelForDynamic(ctx, 0, (num_rows + block_rows - 1) / block_rows, [&](std::int64_t b) {
    const std::int64_t lo = b * block_rows, hi = std::min(num_rows, lo + block_rows);
    for (const std::size_t leaf : leaves) {
      const double value = leaf_values[leaf];
      const std::int32_t* first = rows.data() + nodes[leaf].begin;
      const std::int32_t* last = rows.data() + nodes[leaf].end;
      const std::int32_t* begin = std::lower_bound(first, last, lo);
      const std::int32_t* end = std::lower_bound(begin, last, hi);
      for (const std::int32_t* r = begin; r != end; ++r) out[static_cast<std::int64_t>(*r) * stride] += value;
    }
  });
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

// A split leaf and its two children, whose histograms and best splits are still to be found.
struct Family {
  std::unique_ptr<OpenLeaf> parent;
  std::unique_ptr<OpenLeaf> left, right;
  bool expand = false;  // whether the children may be split further
};

// Nodes with at least this many rows build their histogram with all threads; smaller ones are built
// one per thread, several at once (a level of a depth-wise tree has many).
constexpr std::int64_t kRowParallelRows = 1 << 16;

class Grower {
 public:
  Grower(const GrowerConfig& config, const RowGradients& grads, GrowerWorkspace& workspace, const Context& ctx)
      : config_(config), grads_(grads), workspace_(workspace), ctx_(ctx), single_(ctx),
        search_{config.data, config.params, LeafMath(*config.params, grads.scale), grads.scale.count_bits, {}} {
    single_.set_threads(1);
  }

  GrownTree Run(std::vector<std::int32_t> rows) {
    tree_.rows = std::move(rows);
    auto root = std::make_unique<OpenLeaf>();
    root->path.assign(static_cast<std::size_t>(config_.data->features), 0);
    BinNode node;
    node.begin = 0;
    node.end = static_cast<std::int64_t>(tree_.rows.size());
    tree_.nodes.push_back(node);
    const GbdtParams& p = *config_.params;
    max_leaves_ = p.max_leaves > 0 ? p.max_leaves : std::numeric_limits<int>::max();
    if (CanSplit(0, 1)) {
      root->hist = TakeHistogram();
      BuildHistogram(*config_.data, RowsOf(0), grads_, root->hist, ctx_);
      root->sums = SumOfHistogram(root->hist, config_.data->meta[0], grads_.scale.count_bits);
      SetValue(*root);
      FindSplit(*root);
    } else {
      root->sums = SumOfRows(RowsOf(0), grads_);
      SetValue(*root);
    }
    std::vector<std::unique_ptr<OpenLeaf>> open;
    open.push_back(std::move(root));
    int leaves = 1;
    if (p.grow_policy == GrowPolicy::kDepthWise) {
      // Level by level: partition every splitting leaf, then build the children's histograms and find their
      // splits, node-parallel (each family on its own, so the result does not depend on the threads).
      for (int depth = 0; depth < p.max_depth && !open.empty(); ++depth) {
        std::vector<std::unique_ptr<OpenLeaf>> splitting;
        std::vector<int> leaves_after;  // the tree's leaves once this one is split (max_leaves)
        for (auto& leaf : open) {
          if (!leaf->split.valid() || leaves >= max_leaves_) {
            Recycle(leaf->hist);
            continue;
          }
          leaves_after.push_back(++leaves);
          splitting.push_back(std::move(leaf));
        }
        const std::vector<std::size_t> left_counts = PartitionLevel(splitting);
        std::vector<Family> families;
        for (std::size_t i = 0; i < splitting.size(); ++i) {
          families.push_back(MakeFamily(std::move(splitting[i]), leaves_after[i], left_counts[i]));
        }
        ExpandAll(families);
        open.clear();
        for (Family& fam : families) {
          Recycle(fam.parent->hist);
          open.push_back(std::move(fam.left));
          open.push_back(std::move(fam.right));
        }
      }
    } else {
      while (leaves < max_leaves_) {
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
        ApplySplit(*leaf);
        const std::size_t left_count = PartitionNode(leaf->node, ctx_);
        Family fam = MakeFamily(std::move(leaf), leaves, left_count);
        if (fam.expand) {
          PrepareHistograms(fam);
          Expand(fam, ctx_);
        }
        Recycle(fam.parent->hist);
        open.push_back(std::move(fam.left));
        open.push_back(std::move(fam.right));
      }
    }
    for (auto& leaf : open) Recycle(leaf->hist);
    return std::move(tree_);
  }

 private:
  // A histogram from the workspace (or a new one). Called from serial code only.
  Histogram TakeHistogram() {
    if (workspace_.free_histograms.empty()) return Histogram();
    Histogram h = std::move(workspace_.free_histograms.back());
    workspace_.free_histograms.pop_back();
    return h;
  }

  // Hands a histogram back to the workspace. Called from serial code only.
  void Recycle(Histogram& h) {
    if (h.capacity() > 0) workspace_.free_histograms.push_back(std::move(h));
    h = Histogram();
  }

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

  // Finds the leaf's best split from its histogram. Safe to call for several leaves at once.
  void FindSplit(OpenLeaf& leaf) const {
    SplitSearch search = search_;
    search.allowed = AllowedFeatures(leaf.path);
    leaf.split = FindBestSplit(search, leaf.hist, leaf.sums, leaf.bounds, ctx_);
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

  // Writes the leaf's split into its node.
  void ApplySplit(const OpenLeaf& leaf) {
    const SplitCandidate& s = leaf.split;
    BinNode& node = tree_.nodes[static_cast<std::size_t>(leaf.node)];
    node.feature = s.feature;
    node.categorical = s.categorical;
    node.threshold_bin = s.threshold_bin;
    node.left_bins = s.left_bins;
    node.default_left = s.default_left;
    node.gain = s.gain;
  }

  // Partitions the rows of a node whose split is applied (left rows first); returns how many go left.
  // Touches only the node's rows, so several nodes may be partitioned at once.
  std::size_t PartitionNode(int node_index, const Context& ctx) {
    const BinNode& node = tree_.nodes[static_cast<std::size_t>(node_index)];
    const FeatureMeta& meta = config_.data->meta[static_cast<std::size_t>(node.feature)];
    GoesLeftTable goes_left{};
    for (int code = 0; code < meta.num_bins; ++code) {
      goes_left[static_cast<std::size_t>(code)] = node.GoesLeft(static_cast<std::uint8_t>(code), meta) ? 1 : 0;
    }
    return PartitionRows(tree_.rows.data() + node.begin, static_cast<std::size_t>(node.end - node.begin),
                         config_.data->column(node.feature), goes_left, ctx);
  }

  // Partitions the rows of a level's splitting leaves: large ones one after another on all threads, the
  // rest several at once on one thread each.
  std::vector<std::size_t> PartitionLevel(const std::vector<std::unique_ptr<OpenLeaf>>& leaves) {
    std::vector<std::size_t> left_counts(leaves.size(), 0);
    std::vector<std::size_t> small;
    for (std::size_t i = 0; i < leaves.size(); ++i) {
      ApplySplit(*leaves[i]);
      if (RowCount(leaves[i]->node) >= kRowParallelRows && ctx_.EffectiveThreads() > 1) {
        left_counts[i] = PartitionNode(leaves[i]->node, ctx_);
      } else {
        small.push_back(i);
      }
    }
    LargestFirst(small, [&](std::size_t i) { return RowCount(leaves[i]->node); });
    ParallelForDynamic(ctx_, 0, static_cast<std::int64_t>(small.size()), [&](std::int64_t k) {
      const std::size_t i = small[static_cast<std::size_t>(k)];
      left_counts[i] = PartitionNode(leaves[i]->node, single_);
    });
    return left_counts;
  }

  // Creates the two children of a split leaf whose rows are partitioned, `left_count` going left, with
  // their sums, bounds and values; the tree has `leaves` leaves afterwards.
  Family MakeFamily(std::unique_ptr<OpenLeaf> leaf_ptr, int leaves, std::size_t left_count) {
    OpenLeaf& leaf = *leaf_ptr;
    const SplitCandidate& s = leaf.split;
    const FeatureMeta& meta = config_.data->meta[static_cast<std::size_t>(s.feature)];
    BinNode& parent = tree_.nodes[static_cast<std::size_t>(leaf.node)];
    const std::int64_t begin = parent.begin, end = parent.end;
    const std::int64_t middle = begin + static_cast<std::int64_t>(left_count);
    // Low-bit sums hold no row count, but an admissible split leaves rows on both sides.
    FINAI_CHECK(grads_.low_bit() ? begin < middle && middle < end : middle - begin == s.left.n,
                "partition disagrees with the histogram");

    Family fam;
    fam.left = std::make_unique<OpenLeaf>();
    fam.right = std::make_unique<OpenLeaf>();
    OpenLeaf& left = *fam.left;
    OpenLeaf& right = *fam.right;
    left.node = static_cast<int>(tree_.nodes.size());
    right.node = left.node + 1;
    parent.left = left.node;
    parent.right = right.node;
    BinNode ln, rn;
    ln.begin = begin;
    ln.end = middle;
    rn.begin = middle;
    rn.end = end;
    tree_.nodes.push_back(ln);  // invalidates `parent`
    tree_.nodes.push_back(rn);
    const auto f = static_cast<std::size_t>(s.feature);
    for (OpenLeaf* child : {&left, &right}) {
      child->depth = leaf.depth + 1;
      child->path = leaf.path;
      child->path[f] = 1;
      child->bounds = leaf.bounds;
    }
    left.sums = s.left;
    right.sums = s.right;
    if (meta.monotone != 0) {
      // Children of a monotone split are kept on their side of the midpoint, so that no later split in
      // either subtree can reverse the order (XGBoost's rule; exact for every input).
      const double mid_value = (s.left_value + s.right_value) / 2;
      if (meta.monotone > 0) {
        left.bounds.upper = std::min(left.bounds.upper, mid_value);
        right.bounds.lower = std::max(right.bounds.lower, mid_value);
      } else {
        left.bounds.lower = std::max(left.bounds.lower, mid_value);
        right.bounds.upper = std::min(right.bounds.upper, mid_value);
      }
    }
    SetValue(left);
    SetValue(right);
    fam.expand = CanSplit(leaf.depth + 1, leaves);
    fam.parent = std::move(leaf_ptr);
    return fam;
  }

  // Gives the children of an expanding family their histograms (serial code: the workspace is shared).
  void PrepareHistograms(Family& fam) {
    fam.left->hist = TakeHistogram();
    fam.right->hist = TakeHistogram();
  }

  // Orders tasks by decreasing size, ties by index: handed out in this order, one at a time, they keep
  // the threads equally busy to the end (longest processing time first). The results do not depend on it.
  static void LargestFirst(std::vector<std::size_t>& tasks, const auto& size_of) {
    std::stable_sort(tasks.begin(), tasks.end(), [&](std::size_t a, std::size_t b) { return size_of(a) > size_of(b); });
  }

  std::int64_t RowCount(int node) const {
    const BinNode& n = tree_.nodes[static_cast<std::size_t>(node)];
    return n.end - n.begin;
  }

  std::int64_t SmallerChildRows(const Family& fam) const {
    return std::min(RowCount(fam.left->node), RowCount(fam.right->node));
  }

  // The children's histograms (the smaller built, the larger the parent's minus it) and best splits.
  // Touches only the family, so several families may be expanded at once.
  void Expand(Family& fam, const Context& ctx) {
    const bool left_smaller = RowCount(fam.left->node) <= RowCount(fam.right->node);
    OpenLeaf& small = left_smaller ? *fam.left : *fam.right;
    OpenLeaf& large = left_smaller ? *fam.right : *fam.left;
    BuildHistogram(*config_.data, RowsOf(small.node), grads_, small.hist, ctx);
    SubtractHistogram(fam.parent->hist, small.hist, large.hist);
    FindSplit(small);
    FindSplit(large);
  }

  // Expands a level's families: large ones one after another with all threads on each, the rest
  // several at once with one thread each.
  void ExpandAll(std::vector<Family>& families) {
    std::vector<std::size_t> small;
    for (std::size_t i = 0; i < families.size(); ++i) {
      if (!families[i].expand) continue;
      PrepareHistograms(families[i]);
      if (SmallerChildRows(families[i]) >= kRowParallelRows || ctx_.EffectiveThreads() == 1) {
        Expand(families[i], ctx_);
      } else {
        small.push_back(i);
      }
    }
    LargestFirst(small, [&](std::size_t i) { return SmallerChildRows(families[i]); });
    ParallelForDynamic(ctx_, 0, static_cast<std::int64_t>(small.size()),
                       [&](std::int64_t i) { Expand(families[small[static_cast<std::size_t>(i)]], single_); });
  }

  const GrowerConfig& config_;
  const RowGradients& grads_;
  GrowerWorkspace& workspace_;
  const Context& ctx_;
  Context single_;  // ctx_ on one thread, for work done several at once
  SplitSearch search_;
  GrownTree tree_;
  int max_leaves_ = 0;
};

}  // namespace

GrownTree GrowTree(const GrowerConfig& config, std::vector<std::int32_t> rows, const RowGradients& grads,
                   GrowerWorkspace& workspace, const Context& ctx) {
  return Grower(config, grads, workspace, ctx).Run(std::move(rows));
}

}  // namespace finai::gbdt
