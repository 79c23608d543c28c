#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "explain_test_util.hpp"
#include "finai/explain/tree_shap.hpp"
#include "finai/models/gbdt/predict.hpp"

namespace finai::explain {
namespace {

using gbdt::ObjectiveKind;
using testing::RandomDeepModel;
using testing::RandomFrame;
using testing::RandomRows;
using testing::TrainModel;

Context Threads(int t) {
  Context ctx;
  ctx.set_threads(t);
  return ctx;
}

void ExpectClose(const InteractionMatrix& a, const InteractionMatrix& b, double tolerance) {
  ASSERT_EQ(a.values.size(), b.values.size());
  for (std::size_t i = 0; i < a.values.size(); ++i) ASSERT_NEAR(a.values[i], b.values[i], tolerance) << i;
}

// Each row i of a block sums to feature i's contribution (the expected value for the last row), and the block
// to the margin.
void ExpectAdditive(const gbdt::GbdtModel& model, const gbdt::FeatureMatrix& x, const InteractionMatrix& inter) {
  const ShapMatrix shap = ShapValues(model, x, Threads(1));
  const std::vector<double> margin = gbdt::Predict(model, x, gbdt::PredictKind::kMargin, Threads(1));
  for (std::int64_t r = 0; r < x.rows; ++r) {
    for (int k = 0; k < inter.outputs; ++k) {
      double all = 0;
      for (int i = 0; i < inter.width(); ++i) {
        double line = 0;
        for (int j = 0; j < inter.width(); ++j) line += inter.at(r, k, i, j);
        ASSERT_NEAR(line, shap.at(r, k, i), 1e-9) << r << " " << i;
        all += line;
      }
      ASSERT_NEAR(all, margin[static_cast<std::size_t>(r) * inter.outputs + k], 1e-9) << r;
    }
  }
}

TEST(ShapInteractions, EqualOracleOnTrainedModels) {
  const Frame train = RandomFrame(600, 4, 2, 61), test = RandomFrame(25, 4, 2, 62);
  const gbdt::GbdtModel model = TrainModel(train, ObjectiveKind::kBinaryLogLoss, 8, 5, 61);
  const gbdt::FeatureMatrix x = gbdt::BuildFeatureMatrix(model, test, Context());
  const InteractionMatrix fast = ShapInteractionValues(model, x, Threads(2));
  ExpectClose(fast, ReferenceShapInteractionValues(model, x), 1e-9);
  ExpectAdditive(model, x, fast);
  // Off the diagonal the values are symmetric and some are not zero (the model has interactions).
  double largest = 0;
  for (int i = 0; i < fast.features; ++i) {
    for (int j = 0; j < fast.features; ++j) {
      if (i == j) continue;
      EXPECT_EQ(fast.at(3, 0, i, j), fast.at(3, 0, j, i));
      largest = std::max(largest, std::abs(fast.at(3, 0, i, j)));
    }
  }
  EXPECT_GT(largest, 1e-3);
  const Frame multi = RandomFrame(500, 3, 3, 63);
  const gbdt::GbdtModel multi_model = TrainModel(multi, ObjectiveKind::kMulticlassSoftmax, 4, 4, 63);
  const gbdt::FeatureMatrix mx = gbdt::BuildFeatureMatrix(multi_model, RandomFrame(10, 3, 3, 64), Context());
  ExpectClose(ShapInteractionValues(multi_model, mx, Threads(1)), ReferenceShapInteractionValues(multi_model, mx),
              1e-9);
}

TEST(ShapInteractions, EqualOracleOnDeepTreesWithRepeatedFeatures) {
  const gbdt::GbdtModel model = RandomDeepModel(71, 5, 2, 13, 0.25);
  const gbdt::FeatureMatrix x = RandomRows(72, 15, 5);
  const InteractionMatrix fast = ShapInteractionValues(model, x, Threads(1));
  ExpectClose(fast, ReferenceShapInteractionValues(model, x), 1e-9);
  ExpectAdditive(model, x, fast);
}

TEST(ShapInteractions, OracleCatchesAWrongAnswer) {
  const gbdt::GbdtModel model = RandomDeepModel(81, 4, 2, 6);
  const gbdt::FeatureMatrix x = RandomRows(82, 5, 4);
  gbdt::GbdtModel changed = model;
  changed.trees[0].nodes[static_cast<std::size_t>(changed.trees[0].nodes[0].left)].cover *= 3;
  const InteractionMatrix a = ShapInteractionValues(changed, x, Threads(1));
  const InteractionMatrix b = ReferenceShapInteractionValues(model, x);
  double max_diff = 0;
  for (std::size_t i = 0; i < a.values.size(); ++i) max_diff = std::max(max_diff, std::abs(a.values[i] - b.values[i]));
  EXPECT_GT(max_diff, 1e-6);
}

TEST(ShapInteractions, BitIdenticalAtAnyThreadCount) {
  const Frame train = RandomFrame(500, 6, 2, 91), test = RandomFrame(97, 6, 2, 92);
  const gbdt::GbdtModel model = TrainModel(train, ObjectiveKind::kBinaryLogLoss, 20, 6, 91);
  const gbdt::FeatureMatrix x = gbdt::BuildFeatureMatrix(model, test, Context());
  const InteractionMatrix one = ShapInteractionValues(model, x, Threads(1));
  ExpectAdditive(model, x, one);
  for (int t : {2, 5}) {
    const InteractionMatrix many = ShapInteractionValues(model, x, Threads(t));
    ASSERT_EQ(one.values.size(), many.values.size());
    EXPECT_EQ(std::memcmp(one.values.data(), many.values.data(), one.values.size() * sizeof(double)), 0) << t;
  }
}

}  // namespace
}  // namespace finai::explain
