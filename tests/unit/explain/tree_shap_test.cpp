#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "explain_test_util.hpp"
#include "finai/core/error.hpp"
#include "finai/explain/tree_shap.hpp"
#include "finai/models/gbdt/predict.hpp"

namespace finai::explain {
namespace {

using gbdt::ObjectiveKind;
using testing::RandomFrame;
using testing::TrainModel;

Context Threads(int t) {
  Context ctx;
  ctx.set_threads(t);
  return ctx;
}

// The random models must exercise categorical splits and deep paths, or the comparisons prove less than they claim.
bool HasCategoricalSplit(const gbdt::GbdtModel& model) {
  for (const auto& tree : model.trees) {
    for (const auto& node : tree.nodes) {
      if (!node.is_leaf() && node.category_set >= 0) return true;
    }
  }
  return false;
}
int MaxDepth(const gbdt::GbdtModel& model) {
  int depth = 0;
  for (const auto& tree : model.trees) depth = std::max(depth, tree.depth());
  return depth;
}

// Sum of contributions plus the expected value must be the margin the predictor computes, on every row and output.
void ExpectAdditive(const gbdt::GbdtModel& model, const Frame& data) {
  const gbdt::FeatureMatrix x = gbdt::BuildFeatureMatrix(model, data, Context());
  const ShapMatrix shap = ShapValues(model, x, Threads(2));
  const std::vector<double> margin = gbdt::Predict(model, x, gbdt::PredictKind::kMargin, Threads(1));
  ASSERT_EQ(shap.rows, x.rows);
  ASSERT_EQ(shap.outputs, model.num_outputs());
  for (std::int64_t r = 0; r < x.rows; ++r) {
    for (int k = 0; k < shap.outputs; ++k) {
      double sum = 0;
      for (int j = 0; j <= shap.features; ++j) sum += shap.at(r, k, j);
      ASSERT_NEAR(sum, margin[static_cast<std::size_t>(r) * shap.outputs + k], 1e-9) << "row " << r << " output " << k;
    }
  }
}

void ExpectEqualsOracle(const gbdt::GbdtModel& model, const Frame& data) {
  const gbdt::FeatureMatrix x = gbdt::BuildFeatureMatrix(model, data, Context());
  const ShapMatrix fast = ShapValues(model, x, Threads(1));
  const ShapMatrix ref = ReferenceShapValues(model, x);
  ASSERT_EQ(fast.values.size(), ref.values.size());
  for (std::size_t i = 0; i < fast.values.size(); ++i) ASSERT_NEAR(fast.values[i], ref.values[i], 1e-9) << i;
}

TEST(TreeShap, AdditiveOnRandomBinaryModels) {
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    const Frame train = RandomFrame(600, 5, 2, seed), test = RandomFrame(300, 5, 2, seed + 100);
    const gbdt::GbdtModel model = TrainModel(train, ObjectiveKind::kBinaryLogLoss, 20, 2 + static_cast<int>(seed), seed);
    ExpectAdditive(model, test);
  }
}

TEST(TreeShap, AdditiveOnRegressionAndMulticlassAndDeepTrees) {
  const Frame reg = RandomFrame(800, 6, 0, 7);
  const gbdt::GbdtModel deep = TrainModel(reg, ObjectiveKind::kSquaredError, 10, 12, 7);
  EXPECT_GE(MaxDepth(deep), 11);
  ExpectAdditive(deep, RandomFrame(200, 6, 0, 8));
  const Frame multi = RandomFrame(800, 4, 3, 9);
  ExpectAdditive(TrainModel(multi, ObjectiveKind::kMulticlassSoftmax, 8, 4, 9), RandomFrame(200, 4, 3, 10));
}

TEST(TreeShap, EqualsBruteForceOracleOnRandomModels) {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    const Frame train = RandomFrame(500, 5, 2, seed), test = RandomFrame(40, 5, 2, seed + 50);
    const gbdt::GbdtModel model = TrainModel(train, ObjectiveKind::kBinaryLogLoss, 8, 3 + static_cast<int>(seed), seed);
    EXPECT_TRUE(HasCategoricalSplit(model));
    ExpectEqualsOracle(model, test);
  }
  const Frame multi = RandomFrame(500, 4, 3, 11);
  ExpectEqualsOracle(TrainModel(multi, ObjectiveKind::kMulticlassSoftmax, 4, 5, 11), RandomFrame(30, 4, 3, 12));
  // Deep trees with the same feature split many times on a path (the UNWIND case).
  const Frame deep = RandomFrame(1500, 3, 0, 13);
  const gbdt::GbdtModel deep_model = TrainModel(deep, ObjectiveKind::kSquaredError, 3, 10, 13);
  EXPECT_GE(MaxDepth(deep_model), 8);
  ExpectEqualsOracle(deep_model, RandomFrame(30, 3, 0, 14));
}

TEST(TreeShap, OracleCatchesAWrongAnswer) {
  // The oracle must disagree with a perturbed result: the comparison above can fail.
  const Frame train = RandomFrame(400, 4, 2, 3), test = RandomFrame(5, 4, 2, 4);
  const gbdt::GbdtModel model = TrainModel(train, ObjectiveKind::kBinaryLogLoss, 5, 3, 3);
  const gbdt::FeatureMatrix x = gbdt::BuildFeatureMatrix(model, test, Context());
  const ShapMatrix ref = ReferenceShapValues(model, x);
  gbdt::GbdtModel changed = model;
  changed.trees[0].nodes[0].cover *= 0.5;  // another background distribution, same predictions
  changed.trees[0].nodes[static_cast<std::size_t>(changed.trees[0].nodes[0].left)].cover *= 3;
  const ShapMatrix fast = ShapValues(changed, x, Threads(1));
  double max_diff = 0;
  for (std::size_t i = 0; i < ref.values.size(); ++i) max_diff = std::max(max_diff, std::abs(fast.values[i] - ref.values[i]));
  EXPECT_GT(max_diff, 1e-6);
}

TEST(TreeShap, BitIdenticalAtAnyThreadCount) {
  const Frame train = RandomFrame(600, 6, 2, 21), test = RandomFrame(499, 6, 2, 22);
  const gbdt::GbdtModel model = TrainModel(train, ObjectiveKind::kBinaryLogLoss, 30, 6, 21);
  const gbdt::FeatureMatrix x = gbdt::BuildFeatureMatrix(model, test, Context());
  const ShapMatrix one = ShapValues(model, x, Threads(1));
  for (int t : {2, 3, 7}) {
    const ShapMatrix many = ShapValues(model, x, Threads(t));
    ASSERT_EQ(one.values.size(), many.values.size());
    EXPECT_EQ(std::memcmp(one.values.data(), many.values.data(), one.values.size() * sizeof(double)), 0) << t;
  }
}

TEST(TreeShap, ExpectedValueIsTheCoverWeightedMeanPlusBase) {
  // A hand-built stump: cover 3 left (value -1), 1 right (value 2), base 0.5: E = 0.5 + (3*-1 + 1*2)/4 = 0.25.
  gbdt::GbdtModel model;
  model.base_margin = {0.5};
  model.features = {{.name = "a"}};
  gbdt::Tree tree;
  tree.nodes = {{.left = 1, .right = 2, .feature = 0, .threshold = 0.0, .cover = 4},
                {.value = -1, .cover = 3}, {.value = 2, .cover = 1}};
  model.trees = {tree};
  model.tree_class = {0};
  EXPECT_DOUBLE_EQ(ExpectedValues(model)[0], 0.25);
  gbdt::FeatureMatrix x{.rows = 2, .cols = 1, .values = {1.0, -1.0}};  // right (value 2), left (value -1)
  const ShapMatrix shap = ShapValues(model, x, Context());
  EXPECT_DOUBLE_EQ(shap.at(0, 0, 0), 2.25);  // phi = leaf - tree mean = 2 - (-0.25)
  EXPECT_DOUBLE_EQ(shap.at(1, 0, 0), -0.75);
  EXPECT_DOUBLE_EQ(shap.at(0, 0, 1), 0.25);
}

TEST(TreeShap, RefusesAMatrixOfAnotherShape) {
  gbdt::GbdtModel model;
  model.base_margin = {0};
  model.features.resize(3);
  const gbdt::FeatureMatrix x{.rows = 1, .cols = 2, .values = {1.0, 2.0}};
  EXPECT_THROW(ShapValues(model, x, Context()), InvalidArgument);
  EXPECT_THROW(ReferenceShapValues(model, x), InvalidArgument);
}

TEST(TreeShap, OracleRefusesTooManyFeatures) {
  gbdt::GbdtModel model;
  model.base_margin = {0};
  model.features.resize(13);
  EXPECT_THROW(ReferenceShapValues(model, gbdt::FeatureMatrix{}), InvalidArgument);
}

}  // namespace
}  // namespace finai::explain

namespace finai::explain {
namespace {

using testing::RandomDeepModel;
using testing::RandomRows;

void ExpectClose(const ShapMatrix& a, const ShapMatrix& b, double tolerance) {
  ASSERT_EQ(a.values.size(), b.values.size());
  for (std::size_t i = 0; i < a.values.size(); ++i) ASSERT_NEAR(a.values[i], b.values[i], tolerance) << i;
}

TEST(TreeShapFast, EqualsOracleOnDeepRandomTreesWithRepeatedFeatures) {
  // Depth 14 on 4 features: paths carry each feature many times, some children have zero cover.
  const gbdt::GbdtModel model = RandomDeepModel(31, 4, 3, 14);
  EXPECT_GE(MaxDepth(model), 12);
  const gbdt::FeatureMatrix x = RandomRows(32, 25, 4);
  ExpectClose(ShapValues(model, x, Threads(1)), ReferenceShapValues(model, x), 1e-9);
}

TEST(TreeShapFast, EqualsAlgorithm2OnDeepWideRandomTrees) {
  // Depth 16 on 40 features (beyond the oracle): up to 16 unique features on a path, 8 quadrature points.
  const gbdt::GbdtModel model = RandomDeepModel(41, 40, 3, 16, 0.3);
  EXPECT_GE(MaxDepth(model), 14);
  const gbdt::FeatureMatrix x = RandomRows(42, 30, 40);
  const ShapMatrix fast = ShapValues(model, x, Threads(2));
  ExpectClose(fast, Algorithm2ShapValues(model, x, Threads(1)), 1e-9);
  const std::vector<double> margin = gbdt::Predict(model, x, gbdt::PredictKind::kMargin, Threads(1));
  for (std::int64_t r = 0; r < x.rows; ++r) {
    double sum = 0;
    for (int j = 0; j <= fast.features; ++j) sum += fast.at(r, 0, j);
    ASSERT_NEAR(sum, margin[static_cast<std::size_t>(r)], 1e-9) << r;
  }
}

TEST(TreeShapFast, EqualsTheOracleOnAChainDeeperThan255) {
  // A chain of 260 splits on 3 features (each split has a leaf on one side): 130 quadrature points, so a node's
  // factor offset (case x points) exceeds 255 and must not wrap.
  gbdt::GbdtModel model;
  model.base_margin = {0};
  for (int j = 0; j < 3; ++j) model.features.push_back({.name = "f" + std::to_string(j)});
  Rng rng(61);
  gbdt::Tree tree;
  const int depth = 260;
  double cover = 1e6;
  tree.nodes.push_back({.cover = cover});
  for (int level = 0; level < depth; ++level) {
    const auto node = static_cast<std::size_t>(tree.nodes.size() - 1);
    const bool chain_left = rng.Uniform() < 0.5;
    const auto left = static_cast<std::int32_t>(tree.nodes.size());
    const double share = 0.3 + 0.6 * rng.Uniform();
    tree.nodes[node].left = left;
    tree.nodes[node].right = left + 1;
    tree.nodes[node].feature = static_cast<std::int32_t>(rng.Below(3));
    tree.nodes[node].threshold = 2 * rng.Uniform() - 1;
    tree.nodes[node].default_left = rng.Uniform() < 0.5;
    const double chained = cover * share;
    gbdt::TreeNode leaf{.value = rng.Normal(), .cover = cover - chained};
    gbdt::TreeNode next{.cover = chained};
    if (level == depth - 1) next.value = rng.Normal();
    // The chain continues on the last node pushed, so the leaf goes first when the chain turns right.
    if (chain_left) {
      tree.nodes.push_back(leaf);
      tree.nodes.push_back(next);
      std::swap(tree.nodes[node].left, tree.nodes[node].right);
    } else {
      tree.nodes.push_back(leaf);
      tree.nodes.push_back(next);
    }
    cover = chained;
  }
  model.trees = {tree};
  model.tree_class = {0};
  ASSERT_EQ(MaxDepth(model), depth);
  const gbdt::FeatureMatrix x = RandomRows(62, 20, 3);
  ExpectClose(ShapValues(model, x, Threads(1)), ReferenceShapValues(model, x), 1e-9);
}

TEST(TreeShapFast, EqualsAlgorithm2OnTrainedModels) {
  const Frame train = RandomFrame(800, 6, 2, 51), test = RandomFrame(200, 6, 2, 52);
  const gbdt::GbdtModel model = TrainModel(train, ObjectiveKind::kBinaryLogLoss, 15, 7, 51);
  const gbdt::FeatureMatrix x = gbdt::BuildFeatureMatrix(model, test, Context());
  ExpectClose(ShapValues(model, x, Threads(1)), Algorithm2ShapValues(model, x, Threads(1)), 1e-9);
  // The single-row entry point gives the same row.
  const TreeShapExplainer explainer(model);
  const ShapMatrix all = explainer.Explain(x, Threads(1));
  std::vector<double> one(static_cast<std::size_t>(all.width()));
  explainer.ExplainRow(x.values.data() + 17 * x.cols, one.data());
  for (int j = 0; j < all.width(); ++j) EXPECT_EQ(one[static_cast<std::size_t>(j)], all.at(17, 0, j));
}

}  // namespace
}  // namespace finai::explain

namespace finai::explain {
namespace {

TEST(TreeShapFast, OneRowOnSeveralThreadsIsBitIdenticalToTheBatch) {
  // 300 trees: three chunks of trees, so one row's explanation runs on several threads. 23 rows: five groups of
  // four rows in lockstep and three rows alone.
  const gbdt::GbdtModel model = testing::RandomDeepModel(61, 12, 300, 6);
  const gbdt::FeatureMatrix x = testing::RandomRows(62, 23, 12);
  const TreeShapExplainer explainer(model);
  const ShapMatrix batch = explainer.Explain(x, Threads(2));
  const ShapMatrix reference = Algorithm2ShapValues(model, x, Threads(1));
  for (std::size_t i = 0; i < batch.values.size(); ++i) ASSERT_NEAR(batch.values[i], reference.values[i], 1e-9) << i;
  std::vector<double> one(static_cast<std::size_t>(batch.width()));
  for (std::int64_t r = 0; r < x.rows; ++r) {
    const double* row = x.values.data() + static_cast<std::size_t>(r) * x.cols;
    explainer.ExplainRow(row, one.data());
    EXPECT_EQ(std::memcmp(one.data(), batch.row(r), one.size() * sizeof(double)), 0) << r;
    for (int t : {1, 2, 3}) {
      std::fill(one.begin(), one.end(), -1.0);
      explainer.ExplainRow(row, one.data(), Threads(t));
      EXPECT_EQ(std::memcmp(one.data(), batch.row(r), one.size() * sizeof(double)), 0) << r << " threads " << t;
    }
  }
}

}  // namespace
}  // namespace finai::explain
