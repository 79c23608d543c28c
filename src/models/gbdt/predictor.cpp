#include <cmath>
#include <limits>

#include "finai/core/check.hpp"
#include "finai/core/parallel.hpp"
#include "finai/models/gbdt/predict.hpp"

#include "binned_forest.hpp"
#include "objective.hpp"

namespace finai::gbdt {

bool GoesLeft(const GbdtModel& model, const Tree& tree, const TreeNode& node, double value) {
  if (std::isnan(value)) return node.default_left;
  if (node.category_set >= 0) {
    return Tree::InSet(tree.category_sets[static_cast<std::size_t>(node.category_set)], value);
  }
  if (model.float32_compare) {
    const float x = static_cast<float>(value), t = static_cast<float>(node.threshold);
    return model.split_rule == SplitRule::kLess ? x < t : x <= t;
  }
  return model.split_rule == SplitRule::kLess ? value < node.threshold : value <= node.threshold;
}

std::vector<double> ReferencePredict(const GbdtModel& model, const FeatureMatrix& x, PredictKind kind) {
  const auto k_out = static_cast<std::size_t>(model.num_classes);
  const std::size_t width = kind == PredictKind::kLeafIndex ? model.trees.size() : k_out;
  std::vector<double> out(static_cast<std::size_t>(x.rows) * width, 0.0);
  for (std::int64_t r = 0; r < x.rows; ++r) {
    const auto row = x.row(r);
    double* o = out.data() + static_cast<std::size_t>(r) * width;
    if (kind != PredictKind::kLeafIndex) {
      for (std::size_t k = 0; k < k_out; ++k) o[k] = model.base_margin[k];
    }
    for (std::size_t t = 0; t < model.trees.size(); ++t) {
      const Tree& tree = model.trees[t];
      std::size_t n = 0;
      while (!tree.nodes[n].is_leaf()) {
        const TreeNode& node = tree.nodes[n];
        n = static_cast<std::size_t>(GoesLeft(model, tree, node, row[static_cast<std::size_t>(node.feature)]) ? node.left
                                                                                                            : node.right);
      }
      if (kind == PredictKind::kLeafIndex) {
        o[t] = static_cast<double>(n);
      } else {
        o[static_cast<std::size_t>(model.tree_class[t])] += tree.nodes[n].value;
      }
    }
    if (kind == PredictKind::kResponse) TransformMargins(model.objective, std::span<double>(o, k_out));
  }
  return out;
}

CompiledModel::CompiledModel(const GbdtModel& model)
    : category_sets_(), base_margin_(model.base_margin), num_outputs_(model.num_classes),
      num_features_(static_cast<int>(model.features.size())), float32_(model.float32_compare) {
  for (std::size_t t = 0; t < model.trees.size(); ++t) {
    const Tree& tree = model.trees[t];
    const auto set_base = static_cast<std::int32_t>(category_sets_.size());
    for (const auto& s : tree.category_sets) category_sets_.push_back(s);
    // Breadth-first copy so that the two children of a node are adjacent.
    const auto root = static_cast<std::int32_t>(nodes_.size());
    roots_.push_back(root);
    tree_class_.push_back(model.tree_class[t]);
    std::vector<std::int32_t> queue{0};
    nodes_.push_back({});
    std::vector<std::int32_t> slot{root};
    std::vector<std::int32_t> level{0};
    std::int32_t depth = 0;
    bool categorical = false;
    for (std::size_t q = 0; q < queue.size(); ++q) {
      const TreeNode& src = tree.nodes[static_cast<std::size_t>(queue[q])];
      Node& dst = nodes_[static_cast<std::size_t>(slot[q])];
      if (src.is_leaf()) {
        dst = {src.value, kLeaf | kDefaultLeft | num_features_, slot[q]};
        depth = std::max(depth, level[q]);
        continue;
      }
      categorical |= src.category_set >= 0;
      double threshold = src.threshold;
      if (float32_) threshold = static_cast<double>(static_cast<float>(threshold));
      // x < t is x <= (the largest double below t); values are compared as doubles (float-valued for float32).
      // Nothing is below -inf: x <= NaN is false for every x, so every known value goes right, as x < -inf says.
      if (model.split_rule == SplitRule::kLess) {
        const double inf = std::numeric_limits<double>::infinity();
        threshold = threshold == -inf ? std::numeric_limits<double>::quiet_NaN() : std::nextafter(threshold, -inf);
      }
      std::int32_t feature = src.feature | (src.default_left ? kDefaultLeft : 0);
      if (src.category_set >= 0) {
        feature |= kCategorical;
        threshold = static_cast<double>(set_base + src.category_set);
      }
      const auto left = static_cast<std::int32_t>(nodes_.size());
      // nodes_ may reallocate: write dst last through its index.
      nodes_.push_back({});
      nodes_.push_back({});
      nodes_[static_cast<std::size_t>(slot[q])] = {threshold, feature, left};
      queue.push_back(src.left);
      slot.push_back(left);
      level.push_back(level[q] + 1);
      queue.push_back(src.right);
      slot.push_back(left + 1);
      level.push_back(level[q] + 1);
    }
    depth_.push_back(depth);
    categorical_.push_back(categorical ? 1 : 0);
  }
  binned_ = std::make_shared<const BinnedForest>(model);
}

void CompiledModel::PadRows(const double* rows, std::int64_t count, std::vector<double>& out) const {
  const auto cols = static_cast<std::size_t>(num_features_);
  out.resize(static_cast<std::size_t>(count) * (cols + 1));
  for (std::int64_t r = 0; r < count; ++r) {
    const double* src = rows + static_cast<std::size_t>(r) * cols;
    double* dst = out.data() + static_cast<std::size_t>(r) * (cols + 1);
    for (std::size_t c = 0; c < cols; ++c) dst[c] = float32_ ? static_cast<double>(static_cast<float>(src[c])) : src[c];
    dst[cols] = std::numeric_limits<double>::quiet_NaN();
  }
}

double CompiledModel::TreeValue(std::size_t tree, const double* row) const {
  const Node* nodes = nodes_.data();
  std::int32_t i = roots_[tree];
  for (;;) {
    const Node& node = nodes[i];
    const std::int32_t feature = node.feature;
    if (feature & kLeaf) return node.value;
    const double v = row[feature & kFeatureMask];
    bool left;
    if (feature & kCategorical) [[unlikely]] {
      left = std::isnan(v) ? (feature & kDefaultLeft) != 0
                           : Tree::InSet(category_sets_[static_cast<std::size_t>(node.value)], v);
    } else {
      // Without a branch on the data: a row's way through a tree is unpredictable, and a mispredicted
      // branch per level costs more than the comparison. v <= t is false for NaN, which then goes where
      // the node's default says.
      left = (v <= node.value) | (std::isnan(v) & ((feature & kDefaultLeft) != 0));
    }
    i = node.left + (left ? 0 : 1);
  }
}

void CompiledModel::PredictRow(std::span<const double> row, std::span<double> margins) const {
  FINAI_CHECK(static_cast<int>(row.size()) == num_features_, "row width differs from the model's features");
  thread_local std::vector<double> padded;
  PadRows(row.data(), 1, padded);
  const double* values = padded.data();
  for (int k = 0; k < num_outputs_; ++k) margins[static_cast<std::size_t>(k)] = base_margin_[static_cast<std::size_t>(k)];
  // Trees in groups walked in lockstep: a group's walks are independent, so the processor overlaps them
  // instead of waiting on one node load after another. Sums are added in tree order as before.
  constexpr std::size_t kGroup = 8;
  const std::size_t trees = roots_.size();
  std::size_t t = 0;
  for (; t + kGroup <= trees; t += kGroup) {
    std::int32_t at[kGroup];
    std::int32_t steps = 0;
    bool categorical = false;
    for (std::size_t j = 0; j < kGroup; ++j) {
      at[j] = roots_[t + j];
      steps = std::max(steps, depth_[t + j]);
      categorical |= categorical_[t + j] != 0;
    }
    if (categorical) break;  // the rest row by row
    for (std::int32_t d = 0; d < steps; ++d) {
      for (std::size_t j = 0; j < kGroup; ++j) {
        const Node& node = nodes_[static_cast<std::size_t>(at[j])];
        at[j] = Step(node, values[node.feature & kFeatureMask]);
      }
    }
    for (std::size_t j = 0; j < kGroup; ++j) {
      margins[static_cast<std::size_t>(tree_class_[t + j])] += nodes_[static_cast<std::size_t>(at[j])].value;
    }
  }
  for (; t < trees; ++t) margins[static_cast<std::size_t>(tree_class_[t])] += TreeValue(t, values);
}

void CompiledModel::PredictBatch(const FeatureMatrix& x, std::span<double> margins, const Context& ctx) const {
  FINAI_CHECK(x.cols == num_features_, "matrix width differs from the model's features");
  constexpr std::int64_t kBlock = 256;  // rows per block: a block's rows stay in cache across all trees
  const std::int64_t blocks = (x.rows + kBlock - 1) / kBlock;
  const auto k_out = static_cast<std::size_t>(num_outputs_);
  const auto stride = static_cast<std::size_t>(num_features_ + 1);
  bool all_binned = true, any_binned = false;
  for (std::size_t t = 0; t < roots_.size(); ++t) {
    all_binned &= binned_->covers(t);
    any_binned |= binned_->covers(t);
  }
  ParallelFor(ctx, 0, blocks, [&](std::int64_t b) {
    const std::int64_t lo = b * kBlock, hi = std::min(x.rows, lo + kBlock);
    const auto count = static_cast<std::size_t>(hi - lo);
    const double* rows = x.values.data() + lo * x.cols;
    std::vector<std::uint16_t> ranks;  // only when some tree reads them
    if (any_binned) {
      ranks.resize(count * static_cast<std::size_t>(binned_->slots()));
      binned_->RankRows(rows, hi - lo, ranks.data());
    }
    std::vector<double> padded;
    if (!all_binned) PadRows(rows, hi - lo, padded);
    for (std::int64_t r = lo; r < hi; ++r) {
      for (std::size_t k = 0; k < k_out; ++k) margins[static_cast<std::size_t>(r) * k_out + k] = base_margin_[k];
    }
    std::vector<std::int32_t> at(count);
    // Trees in model order, so each row's sum is added exactly as by ReferencePredict.
    for (std::size_t t = 0; t < roots_.size(); ++t) {
      const auto k = static_cast<std::size_t>(tree_class_[t]);
      double* out = margins.data() + static_cast<std::size_t>(lo) * k_out + k;
      if (binned_->covers(t)) {
        binned_->AddTree(t, ranks.data(), count, out, k_out);
        continue;
      }
      if (categorical_[t]) {
        for (std::size_t r = 0; r < count; ++r) out[r * k_out] += TreeValue(t, padded.data() + r * stride);
        continue;
      }
      // The block's rows walk the tree in lockstep, a level at a time: independent walks the processor
      // overlaps, where one row's walk is a chain of dependent loads.
      std::fill(at.begin(), at.end(), roots_[t]);
      for (std::int32_t d = 0; d < depth_[t]; ++d) {
        for (std::size_t r = 0; r < count; ++r) {
          const Node& node = nodes_[static_cast<std::size_t>(at[r])];
          at[r] = Step(node, padded[r * stride + static_cast<std::size_t>(node.feature & kFeatureMask)]);
        }
      }
      for (std::size_t r = 0; r < count; ++r) out[r * k_out] += nodes_[static_cast<std::size_t>(at[r])].value;
    }
  });
}

std::vector<double> Predict(const GbdtModel& model, const FeatureMatrix& x, PredictKind kind, const Context& ctx) {
  if (kind == PredictKind::kLeafIndex) return ReferencePredict(model, x, kind);
  const CompiledModel compiled(model);
  const auto k_out = static_cast<std::size_t>(model.num_classes);
  std::vector<double> out(static_cast<std::size_t>(x.rows) * k_out);
  compiled.PredictBatch(x, out, ctx);
  if (kind == PredictKind::kResponse) {
    for (std::int64_t r = 0; r < x.rows; ++r) {
      TransformMargins(model.objective, std::span<double>(out.data() + static_cast<std::size_t>(r) * k_out, k_out));
    }
  }
  return out;
}

}  // namespace finai::gbdt
