// The batch predictor's ranked perfect trees (src/models/gbdt/binned_forest.cpp) must route every value exactly as
// the reference predictor: both split rules, float32 comparison, values on and next to thresholds, missing values
// both ways, infinities, leaves above the last level, and trees it does not cover (deeper than 8 levels,
// categorical splits) mixed in between.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>

#include "finai/core/random.hpp"
#include "finai/models/gbdt/predict.hpp"

namespace finai::gbdt {
namespace {

const double kInf = std::numeric_limits<double>::infinity();

// A random tree of at most `depth` levels on `features` features, thresholds drawn from `grid` (so that values can
// hit them exactly), some leaves above the last level; a categorical split now and then when `categorical`.
Tree RandomTree(Rng& rng, int features, int depth, const std::vector<double>& grid, bool categorical) {
  Tree tree;
  tree.nodes.push_back({});
  struct Pending {
    std::int32_t index;
    int level;
  };
  std::vector<Pending> stack{{0, 0}};
  while (!stack.empty()) {
    const Pending p = stack.back();
    stack.pop_back();
    if (p.level == depth || (p.level > 0 && rng.Uniform() < 0.2)) {
      tree.nodes[static_cast<std::size_t>(p.index)].value = rng.Normal();
      continue;
    }
    const auto left = static_cast<std::int32_t>(tree.nodes.size());
    TreeNode& n = tree.nodes[static_cast<std::size_t>(p.index)];
    n.left = left;
    n.right = left + 1;
    n.feature = static_cast<std::int32_t>(rng.Below(static_cast<std::uint64_t>(features)));
    n.threshold = grid[rng.Below(grid.size())];
    n.default_left = rng.Uniform() < 0.5;
    if (categorical && n.feature == 0 && rng.Uniform() < 0.5) {
      n.category_set = static_cast<std::int32_t>(tree.category_sets.size());
      tree.category_sets.push_back({static_cast<std::uint32_t>(rng.Below(64))});
    }
    tree.nodes.push_back({});
    tree.nodes.push_back({});
    stack.push_back({left, p.level + 1});
    stack.push_back({left + 1, p.level + 1});
  }
  return tree;
}

GbdtModel RandomModel(std::uint64_t seed, SplitRule rule, bool float32, bool mixed) {
  Rng rng(seed);
  const std::vector<double> grid = {-kInf, -2.5, -1, -0.1, 0, 1e-300, 0.1, 0.30000000000000004, 1, 1.0000001, 2.5,
                                    kInf};
  GbdtModel model;
  model.base_margin = {0.25};
  model.split_rule = rule;
  model.float32_compare = float32;
  const int features = 5;
  for (int j = 0; j < features; ++j) model.features.push_back({.name = "f" + std::to_string(j)});
  if (mixed) model.features[0].categorical = true;
  for (int t = 0; t < 60; ++t) {
    const int depth = mixed && t % 7 == 3 ? 11 : static_cast<int>(rng.Below(9));  // 0..8, some deeper
    model.trees.push_back(RandomTree(rng, features, depth, grid, mixed));
    model.tree_class.push_back(0);
  }
  return model;
}

// Rows whose values sit on, just beside and between the thresholds, in double and float32, with missing values.
FeatureMatrix Rows(std::uint64_t seed, int rows, int cols, bool categorical_first) {
  Rng rng(seed, 1);
  const std::vector<double> values = {-kInf, -2.5, std::nextafter(-2.5, 0.0), -1, -0.1, -0.0, 0, 1e-300, 5e-324,
                                      0.1, 0.1f, 0.30000000000000004, 0.3, 1, std::nextafter(1.0, 2.0),
                                      static_cast<double>(std::nextafter(1.0f, 0.0f)), 1.0000001, 1.0000001f, 2.5,
                                      1e300, kInf, std::nan("")};
  FeatureMatrix x{.rows = rows, .cols = cols};
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      if (c == 0 && categorical_first) {
        x.values.push_back(rng.Uniform() < 0.1 ? std::nan("") : static_cast<double>(rng.Below(40)));
      } else {
        x.values.push_back(rng.Uniform() < 0.3 ? 4 * rng.Uniform() - 2 : values[rng.Below(values.size())]);
      }
    }
  }
  return x;
}

void ExpectBitIdentical(const GbdtModel& model, const FeatureMatrix& x) {
  const auto want = ReferencePredict(model, x, PredictKind::kMargin);
  Context two;
  two.set_threads(2);
  const auto got = Predict(model, x, PredictKind::kMargin, two);
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    ASSERT_EQ(std::bit_cast<std::uint64_t>(got[i]), std::bit_cast<std::uint64_t>(want[i]))
        << "row " << i << ": " << got[i] << " vs reference " << want[i];
  }
  // The single-row path (the flattened trees, no ranks) too: it shares the x < -inf case with the batch fallback.
  const CompiledModel compiled(model);
  const auto k_out = static_cast<std::size_t>(model.num_classes);
  std::vector<double> one(k_out);
  for (std::int64_t r = 0; r < x.rows; ++r) {
    compiled.PredictRow(x.row(r), one);
    for (std::size_t k = 0; k < k_out; ++k) {
      ASSERT_EQ(std::bit_cast<std::uint64_t>(one[k]),
                std::bit_cast<std::uint64_t>(want[static_cast<std::size_t>(r) * k_out + k]))
          << "single row " << r;
    }
  }
}

TEST(BinnedForest, RoutesExactlyAsTheReference) {
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    const SplitRule rule = seed % 2 == 0 ? SplitRule::kLess : SplitRule::kLessEqual;
    const bool float32 = seed % 3 == 0;
    SCOPED_TRACE(::testing::Message() << "seed " << seed << (rule == SplitRule::kLess ? " x<t" : " x<=t")
                                      << (float32 ? " float32" : ""));
    // 700 rows: blocks of 256 and a tail shorter than the 16 lanes.
    ExpectBitIdentical(RandomModel(seed, rule, float32, false), Rows(seed, 700, 5, false));
  }
}

TEST(BinnedForest, MixesWithTreesItDoesNotCover) {
  for (std::uint64_t seed = 21; seed <= 26; ++seed) {
    const SplitRule rule = seed % 2 == 0 ? SplitRule::kLess : SplitRule::kLessEqual;
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    ExpectBitIdentical(RandomModel(seed, rule, seed % 3 == 0, true), Rows(seed, 300, 5, true));
  }
}

TEST(BinnedForest, MulticlassAndSingleLeafTrees) {
  Rng rng(5);
  GbdtModel model = RandomModel(5, SplitRule::kLessEqual, false, false);
  model.num_classes = 3;
  model.base_margin = {0.1, -0.2, 0.3};
  for (std::size_t t = 0; t < model.trees.size(); ++t) model.tree_class[t] = static_cast<std::int32_t>(t % 3);
  model.trees[4] = Tree{.nodes = {{.value = 0.75}}};  // a stump with no split
  ExpectBitIdentical(model, Rows(5, 257, 5, false));
}

}  // namespace
}  // namespace finai::gbdt
