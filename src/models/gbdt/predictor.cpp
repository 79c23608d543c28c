#include <cmath>
#include <limits>

#include "finai/core/check.hpp"
#include "finai/core/parallel.hpp"
#include "finai/models/gbdt/predict.hpp"
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
    for (std::size_t q = 0; q < queue.size(); ++q) {
      const TreeNode& src = tree.nodes[static_cast<std::size_t>(queue[q])];
      Node& dst = nodes_[static_cast<std::size_t>(slot[q])];
      if (src.is_leaf()) {
        dst = {src.value, -1, -1};
        continue;
      }
      double threshold = src.threshold;
      if (float32_) threshold = static_cast<double>(static_cast<float>(threshold));
      // x < t is x <= (the largest double below t); values are compared as doubles (float-valued for float32).
      if (model.split_rule == SplitRule::kLess) threshold = std::nextafter(threshold, -std::numeric_limits<double>::infinity());
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
      queue.push_back(src.right);
      slot.push_back(left + 1);
    }
  }
}

double CompiledModel::TreeValue(std::size_t tree, const double* row) const {
  const Node* nodes = nodes_.data();
  std::int32_t i = roots_[tree];
  for (;;) {
    const Node& node = nodes[i];
    const std::int32_t feature = node.feature;
    if (feature == -1) return node.value;
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
  const double* values = row.data();
  std::vector<double> rounded;
  if (float32_) {
    rounded.assign(row.begin(), row.end());
    for (double& v : rounded) v = static_cast<double>(static_cast<float>(v));
    values = rounded.data();
  }
  for (int k = 0; k < num_outputs_; ++k) margins[static_cast<std::size_t>(k)] = base_margin_[static_cast<std::size_t>(k)];
  for (std::size_t t = 0; t < roots_.size(); ++t) {
    margins[static_cast<std::size_t>(tree_class_[t])] += TreeValue(t, values);
  }
}

void CompiledModel::PredictBatch(const FeatureMatrix& x, std::span<double> margins, const Context& ctx) const {
  FINAI_CHECK(x.cols == num_features_, "matrix width differs from the model's features");
  constexpr std::int64_t kBlock = 256;  // rows per block: a block's rows stay in cache across all trees
  const std::int64_t blocks = (x.rows + kBlock - 1) / kBlock;
  const auto k_out = static_cast<std::size_t>(num_outputs_);
  ParallelFor(ctx, 0, blocks, [&](std::int64_t b) {
    const std::int64_t lo = b * kBlock, hi = std::min(x.rows, lo + kBlock);
    std::vector<double> rounded;
    const double* base = x.values.data() + lo * x.cols;
    if (float32_) {
      rounded.assign(base, base + (hi - lo) * x.cols);
      for (double& v : rounded) v = static_cast<double>(static_cast<float>(v));
      base = rounded.data();
    }
    for (std::int64_t r = lo; r < hi; ++r) {
      for (std::size_t k = 0; k < k_out; ++k) margins[static_cast<std::size_t>(r) * k_out + k] = base_margin_[k];
    }
    for (std::size_t t = 0; t < roots_.size(); ++t) {
      const auto k = static_cast<std::size_t>(tree_class_[t]);
      for (std::int64_t r = lo; r < hi; ++r) {
        margins[static_cast<std::size_t>(r) * k_out + k] += TreeValue(t, base + (r - lo) * x.cols);
      }
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
