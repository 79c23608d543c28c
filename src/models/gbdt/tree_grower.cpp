#include "tree_grower.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <memory>

#include "finai/core/check.hpp"
#include "finai/core/parallel.hpp"

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
  Grower(const GrowerConfig& config, std::span<const GradPair> grads, const Context& ctx)
      : config_(config), grads_(grads), ctx_(ctx), single_(ctx),
        search_{config.data, config.params, LeafMath(*config.params, config.scale), config.scale.count_bits, {}} {
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
    root->sums = SumOfRows(RowsOf(0), grads_, config_.scale.count_bits);
    SetValue(*root);
    const GbdtParams& p = *config_.params;
    max_leaves_ = p.max_leaves > 0 ? p.max_leaves : std::numeric_limits<int>::max();
    if (CanSplit(0, 1)) {
      BuildHistogram(*config_.data, RowsOf(0), grads_, root->hist, scratch_, ctx_);
      FindSplit(*root);
    }
    std::vector<std::unique_ptr<OpenLeaf>> open;
    open.push_back(std::move(root));
    int leaves = 1;
    if (p.grow_policy == GrowPolicy::kDepthWise) {
      // Level by level: partition every splitting leaf, then build the children's histograms and find their
      // splits, node-parallel (each family on its own, so the result does not depend on the threads).
      for (int depth = 0; depth < p.max_depth && !open.empty(); ++depth) {
        std::vector<Family> families;
        for (auto& leaf : open) {
          if (!leaf->split.valid() || leaves >= max_leaves_) continue;
          ++leaves;
          families.push_back(Partition(std::move(leaf), leaves));
        }
        ExpandAll(families);
        open.clear();
        for (Family& fam : families) {
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
        Family fam = Partition(std::move(leaf), leaves);
        if (fam.expand) Expand(fam, ctx_);
        open.push_back(std::move(fam.left));
        open.push_back(std::move(fam.right));
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

  // Applies the leaf's split: partitions its rows (stable, left rows first) and creates the two children
  // with their sums, bounds and values; the tree has `leaves` leaves afterwards.
  Family Partition(std::unique_ptr<OpenLeaf> leaf_ptr, int leaves) {
    OpenLeaf& leaf = *leaf_ptr;
    const SplitCandidate& s = leaf.split;
    const FeatureMeta& meta = config_.data->meta[static_cast<std::size_t>(s.feature)];
    BinNode& parent = tree_.nodes[static_cast<std::size_t>(leaf.node)];
    parent.feature = s.feature;
    parent.categorical = s.categorical;
    parent.threshold_bin = s.threshold_bin;
    parent.left_bins = s.left_bins;
    parent.default_left = s.default_left;
    parent.gain = s.gain;
    const std::int64_t begin = parent.begin, end = parent.end;
    // Where each code goes, looked up rather than branched on: the direction of a row is as good as random,
    // so a branch would be mispredicted half the time.
    std::array<std::uint8_t, 256> goes_left{};
    for (int code = 0; code < meta.num_bins; ++code) {
      goes_left[static_cast<std::size_t>(code)] = parent.GoesLeft(static_cast<std::uint8_t>(code), meta) ? 1 : 0;
    }
    std::int32_t* first = tree_.rows.data() + begin;
    const auto count = static_cast<std::size_t>(end - begin);
    const std::uint8_t* codes = config_.data->column(s.feature);
    // Left rows are compacted in place, right rows go through a reused buffer; both are written every time
    // and only the matching counter moves.
    spill_.resize(count);
    std::size_t left_count = 0, right_count = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const std::int32_t r = first[i];
      const std::uint8_t go = goes_left[codes[r]];
      first[left_count] = r;
      spill_[right_count] = r;
      left_count += go;
      right_count += 1 - go;
    }
    std::copy(spill_.begin(), spill_.begin() + static_cast<std::ptrdiff_t>(right_count), first + left_count);
    const std::int64_t middle = begin + static_cast<std::int64_t>(left_count);
    FINAI_CHECK(middle - begin == s.left.n, "partition disagrees with the histogram");

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
    if (!fam.expand) Histogram().swap(leaf.hist);
    fam.parent = std::move(leaf_ptr);
    return fam;
  }

  static std::int64_t SmallerChildRows(const Family& fam) {
    return std::min(fam.left->sums.n, fam.right->sums.n);
  }

  // The children's histograms (the smaller built, the larger the parent's minus it) and best splits.
  // Touches only the family, so several families may be expanded at once.
  void Expand(Family& fam, const Context& ctx) {
    OpenLeaf& small = fam.left->sums.n <= fam.right->sums.n ? *fam.left : *fam.right;
    OpenLeaf& large = fam.left->sums.n <= fam.right->sums.n ? *fam.right : *fam.left;
    std::vector<Histogram> no_scratch;
    BuildHistogram(*config_.data, RowsOf(small.node), grads_, small.hist, &ctx == &ctx_ ? scratch_ : no_scratch,
                   ctx);
    SubtractHistogram(fam.parent->hist, small.hist, large.hist);
    Histogram().swap(fam.parent->hist);
    FindSplit(small);
    FindSplit(large);
  }

  // Expands a level's families: large ones one after another with all threads on each, the rest
  // several at once with one thread each.
  void ExpandAll(std::vector<Family>& families) {
    std::vector<std::size_t> small;
    for (std::size_t i = 0; i < families.size(); ++i) {
      if (!families[i].expand) continue;
      if (SmallerChildRows(families[i]) >= kRowParallelRows || ctx_.EffectiveThreads() == 1) {
        Expand(families[i], ctx_);
      } else {
        small.push_back(i);
      }
    }
    ParallelForDynamic(ctx_, 0, static_cast<std::int64_t>(small.size()),
                       [&](std::int64_t i) { Expand(families[small[static_cast<std::size_t>(i)]], single_); });
  }

  const GrowerConfig& config_;
  std::span<const GradPair> grads_;
  const Context& ctx_;
  Context single_;  // ctx_ on one thread, for work done several at once
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
