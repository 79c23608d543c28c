#include "finai/models/gbdt/model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "finai/core/check.hpp"
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

namespace {

// Where a feature's values come from: a numeric column, or a categorical (codes) or string column mapped
// to the model's category ids (a category the model never saw gets an id past its list).
struct FeatureSource {
  const Column* column = nullptr;
  enum class Kind { kNumeric, kCodes, kStrings } kind = Kind::kNumeric;
  std::vector<double> code_id;                  // kCodes: model id of each dictionary code
  std::unordered_map<std::string, double> ids;  // kStrings: model id of each category text
  double unseen = 0;

  double At(std::int64_t r) const {
    switch (kind) {
      case Kind::kNumeric:
        return column->NumericValue(r);
      case Kind::kCodes: {
        const std::int32_t code = column->codes()[static_cast<std::size_t>(r)];
        return code == kMissingCode ? std::numeric_limits<double>::quiet_NaN() : code_id[static_cast<std::size_t>(code)];
      }
      case Kind::kStrings: {
        if (column->IsMissing(r)) return std::numeric_limits<double>::quiet_NaN();
        const auto it = ids.find(column->strings()[static_cast<std::size_t>(r)]);
        return it == ids.end() ? unseen : it->second;
      }
    }
    return 0;
  }
};

FeatureSource SourceOf(const FeatureInfo& f, const Frame& frame) {
  FeatureSource src;
  const Column& c = frame.column(f.name);
  src.column = &c;
  const bool text = c.type() == ColumnType::kCategorical || c.type() == ColumnType::kString;
  if (!f.categorical) {
    if (text) {
      throw InvalidData("the model treats this feature as numeric", {.field = f.name,
                        .expected = fmt::format("a numeric column, not {}", ColumnTypeName(c.type()))});
    }
    return src;
  }
  if (!text) {
    throw InvalidData("the model treats this feature as categorical", {.field = f.name,
                      .expected = fmt::format("a categorical column, not {}", ColumnTypeName(c.type()))});
  }
  for (std::size_t k = 0; k < f.categories.size(); ++k) src.ids.emplace(f.categories[k], static_cast<double>(k));
  src.unseen = static_cast<double>(f.categories.size());
  if (c.type() == ColumnType::kCategorical) {
    src.kind = FeatureSource::Kind::kCodes;
    src.code_id.resize(c.dictionary().size());
    for (std::size_t k = 0; k < src.code_id.size(); ++k) {
      const auto it = src.ids.find(c.dictionary()[k]);
      src.code_id[k] = it == src.ids.end() ? src.unseen : it->second;
    }
  } else {
    src.kind = FeatureSource::Kind::kStrings;
  }
  return src;
}

// Frame rows [lo, hi) into rows [lo - first, hi - first) of x, in tiles of rows that stay in cache while
// every feature writes its column of the tile.
void FillRows(const std::vector<FeatureSource>& sources, std::int64_t first, std::int64_t lo, std::int64_t hi,
              FeatureMatrix& x) {
  constexpr std::int64_t kTileRows = 256;
  const auto cols = static_cast<std::size_t>(x.cols);
  for (std::int64_t tile = lo; tile < hi; tile += kTileRows) {
    const std::int64_t tile_end = std::min(hi, tile + kTileRows);
    for (std::size_t f = 0; f < cols; ++f) {
      for (std::int64_t r = tile; r < tile_end; ++r) {
        x.values[static_cast<std::size_t>(r - first) * cols + f] = sources[f].At(r);
      }
    }
  }
}

std::vector<FeatureSource> SourcesOf(const GbdtModel& model, const Frame& frame) {
  std::vector<FeatureSource> sources;
  for (const FeatureInfo& f : model.features) sources.push_back(SourceOf(f, frame));
  return sources;
}

}  // namespace

FeatureMatrix BuildFeatureMatrix(const GbdtModel& model, const Frame& frame, const Context& ctx) {
  FeatureMatrix x;
  x.rows = frame.num_rows();
  x.cols = static_cast<int>(model.features.size());
  const std::vector<FeatureSource> sources = SourcesOf(model, frame);
  x.values.resize(static_cast<std::size_t>(x.rows) * static_cast<std::size_t>(x.cols));
  // Row blocks per thread: threads never share a cache line.
  ParallelForBlocks(ctx, 0, x.rows, [&](std::int64_t lo, std::int64_t hi, int) { FillRows(sources, 0, lo, hi, x); });
  return x;
}

void FillFeatureMatrix(const GbdtModel& model, const Frame& frame, std::int64_t begin, std::int64_t end,
                       FeatureMatrix& out) {
  FINAI_CHECK(0 <= begin && begin <= end && end <= frame.num_rows(), "row range outside the frame");
  const std::vector<FeatureSource> sources = SourcesOf(model, frame);
  out.rows = end - begin;
  out.cols = static_cast<int>(model.features.size());
  out.values.resize(static_cast<std::size_t>(out.rows) * static_cast<std::size_t>(out.cols));
  FillRows(sources, begin, begin, end, out);
}

}  // namespace finai::gbdt
