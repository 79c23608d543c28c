#include "finai/models/gbdt/model.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <unordered_map>

#include "finai/core/error.hpp"
#include "finai/core/parallel.hpp"

namespace finai::gbdt {

int Tree::num_leaves() const {
  int n = 0;
  for (const auto& node : nodes) n += node.is_leaf() ? 1 : 0;
  return n;
}

int Tree::depth() const {
  std::vector<int> d(nodes.size(), 0);
  int deepest = 0;
  for (std::size_t i = 0; i < nodes.size(); ++i) {  // children always come after their parent
    if (nodes[i].is_leaf()) continue;
    d[static_cast<std::size_t>(nodes[i].left)] = d[i] + 1;
    d[static_cast<std::size_t>(nodes[i].right)] = d[i] + 1;
    deepest = std::max(deepest, d[i] + 1);
  }
  return deepest;
}

void GbdtModel::Validate() const {
  auto fail = [](std::string detail) { throw InvalidData(std::move(detail), {.expected = "a consistent model"}); };
  if (num_classes < 1) fail(fmt::format("num_classes is {}", num_classes));
  if (base_margin.size() != static_cast<std::size_t>(num_classes)) {
    fail(fmt::format("{} base margins for {} classes", base_margin.size(), num_classes));
  }
  if (tree_class.size() != trees.size()) fail(fmt::format("{} tree classes for {} trees", tree_class.size(), trees.size()));
  for (std::size_t t = 0; t < trees.size(); ++t) {
    const Tree& tree = trees[t];
    if (tree_class[t] < 0 || tree_class[t] >= num_classes) fail(fmt::format("tree {}: class {} out of range", t, tree_class[t]));
    if (tree.nodes.empty()) fail(fmt::format("tree {} has no nodes", t));
    std::vector<int> parents(tree.nodes.size(), 0);
    for (std::size_t n = 0; n < tree.nodes.size(); ++n) {
      const TreeNode& node = tree.nodes[n];
      if (!std::isfinite(node.value)) fail(fmt::format("tree {} node {}: value is not finite", t, n));
      if (node.is_leaf()) continue;
      // Children after their parent and each node reached once: the tree is acyclic and connected.
      for (std::int32_t c : {node.left, node.right}) {
        if (c <= static_cast<std::int32_t>(n) || c >= static_cast<std::int32_t>(tree.nodes.size())) {
          fail(fmt::format("tree {} node {}: child {} out of range", t, n, c));
        }
        if (++parents[static_cast<std::size_t>(c)] > 1) fail(fmt::format("tree {} node {}: child {} has two parents", t, n, c));
      }
      if (node.feature < 0 || node.feature >= static_cast<std::int32_t>(features.size())) {
        fail(fmt::format("tree {} node {}: feature {} out of range (the model has {})", t, n, node.feature, features.size()));
      }
      const FeatureInfo& f = features[static_cast<std::size_t>(node.feature)];
      if (node.category_set >= 0) {
        if (!f.categorical) fail(fmt::format("tree {} node {}: categorical split on numeric feature '{}'", t, n, f.name));
        if (node.category_set >= static_cast<std::int32_t>(tree.category_sets.size())) {
          fail(fmt::format("tree {} node {}: category set {} out of range", t, n, node.category_set));
        }
      } else if (std::isnan(node.threshold)) {
        fail(fmt::format("tree {} node {}: threshold is NaN", t, n));
      }
    }
  }
}

FeatureMatrix BuildFeatureMatrix(const GbdtModel& model, const Frame& frame, const Context& ctx) {
  FeatureMatrix x;
  x.rows = frame.num_rows();
  x.cols = static_cast<int>(model.features.size());
  x.values.resize(static_cast<std::size_t>(x.rows) * static_cast<std::size_t>(x.cols));
  ParallelFor(ctx, 0, x.cols, [&](std::int64_t fi) {
    const FeatureInfo& f = model.features[static_cast<std::size_t>(fi)];
    const Column& c = frame.column(f.name);
    const auto stride = static_cast<std::size_t>(x.cols);
    double* out = x.values.data() + fi;
    if (f.categorical) {
      if (c.type() != ColumnType::kCategorical && c.type() != ColumnType::kString) {
        throw InvalidData("the model treats this feature as categorical", {.field = f.name,
                          .expected = fmt::format("a categorical column, not {}", ColumnTypeName(c.type()))});
      }
      // Model category ids by text; a category the model never saw gets an id past its list.
      std::unordered_map<std::string, double> ids;
      for (std::size_t k = 0; k < f.categories.size(); ++k) ids.emplace(f.categories[k], static_cast<double>(k));
      const auto unseen = static_cast<double>(f.categories.size());
      if (c.type() == ColumnType::kCategorical) {
        std::vector<double> code_id(c.dictionary().size());
        for (std::size_t k = 0; k < code_id.size(); ++k) {
          auto it = ids.find(c.dictionary()[k]);
          code_id[k] = it == ids.end() ? unseen : it->second;
        }
        const auto codes = c.codes();
        for (std::size_t r = 0; r < codes.size(); ++r) {
          out[r * stride] = codes[r] == kMissingCode ? std::numeric_limits<double>::quiet_NaN()
                                                     : code_id[static_cast<std::size_t>(codes[r])];
        }
      } else {
        for (std::int64_t r = 0; r < x.rows; ++r) {
          auto it = c.IsMissing(r) ? ids.end() : ids.find(c.strings()[static_cast<std::size_t>(r)]);
          out[static_cast<std::size_t>(r) * stride] =
              c.IsMissing(r) ? std::numeric_limits<double>::quiet_NaN() : (it == ids.end() ? unseen : it->second);
        }
      }
      return;
    }
    if (c.type() == ColumnType::kString || c.type() == ColumnType::kCategorical) {
      throw InvalidData("the model treats this feature as numeric", {.field = f.name,
                        .expected = fmt::format("a numeric column, not {}", ColumnTypeName(c.type()))});
    }
    for (std::int64_t r = 0; r < x.rows; ++r) out[static_cast<std::size_t>(r) * stride] = c.NumericValue(r);
  });
  return x;
}

}  // namespace finai::gbdt
