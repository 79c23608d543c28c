#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "explain_test_util.hpp"
#include "finai/core/error.hpp"
#include "finai/explain/interventional.hpp"
#include "finai/models/gbdt/predict.hpp"

namespace finai::explain {
namespace {

using gbdt::ObjectiveKind;

Context Threads(int t) {
  Context ctx;
  ctx.set_threads(t);
  return ctx;
}

void ExpectClose(const ShapMatrix& a, const ShapMatrix& b, double tolerance) {
  ASSERT_EQ(a.values.size(), b.values.size());
  for (std::size_t i = 0; i < a.values.size(); ++i) ASSERT_NEAR(a.values[i], b.values[i], tolerance) << i;
}

TEST(InterventionalShap, EqualsOracleOnTrainedModels) {
  const Frame train = testing::RandomFrame(500, 4, 2, 101);
  const gbdt::GbdtModel model = testing::TrainModel(train, ObjectiveKind::kBinaryLogLoss, 8, 5, 101);
  const gbdt::FeatureMatrix x = gbdt::BuildFeatureMatrix(model, testing::RandomFrame(12, 4, 2, 102), Context());
  const gbdt::FeatureMatrix bg = gbdt::BuildFeatureMatrix(model, testing::RandomFrame(9, 4, 2, 103), Context());
  const ShapMatrix fast = InterventionalShapValues(model, x, bg, Threads(2));
  ExpectClose(fast, ReferenceInterventionalShapValues(model, x, bg), 1e-9);
  // Additive: contributions + mean background margin = the row's margin.
  const std::vector<double> margin = gbdt::Predict(model, x, gbdt::PredictKind::kMargin, Threads(1));
  for (std::int64_t r = 0; r < x.rows; ++r) {
    double sum = 0;
    for (int j = 0; j <= fast.features; ++j) sum += fast.at(r, 0, j);
    ASSERT_NEAR(sum, margin[static_cast<std::size_t>(r)], 1e-9);
  }
  const Frame multi = testing::RandomFrame(400, 3, 3, 104);
  const gbdt::GbdtModel mm = testing::TrainModel(multi, ObjectiveKind::kMulticlassSoftmax, 4, 4, 104);
  const gbdt::FeatureMatrix mx = gbdt::BuildFeatureMatrix(mm, testing::RandomFrame(6, 3, 3, 105), Context());
  const gbdt::FeatureMatrix mb = gbdt::BuildFeatureMatrix(mm, testing::RandomFrame(5, 3, 3, 106), Context());
  ExpectClose(InterventionalShapValues(mm, mx, mb, Threads(1)), ReferenceInterventionalShapValues(mm, mx, mb), 1e-9);
}

TEST(InterventionalShap, EqualsOracleOnDeepTreesAndDependsOnTheBackground) {
  const gbdt::GbdtModel model = testing::RandomDeepModel(111, 4, 2, 10, 0.25);
  const gbdt::FeatureMatrix x = testing::RandomRows(112, 8, 4);
  const gbdt::FeatureMatrix bg = testing::RandomRows(113, 7, 4);
  const ShapMatrix fast = InterventionalShapValues(model, x, bg, Threads(1));
  ExpectClose(fast, ReferenceInterventionalShapValues(model, x, bg), 1e-9);
  // Another background gives other values (the oracle comparison can fail).
  const ShapMatrix other = InterventionalShapValues(model, x, testing::RandomRows(114, 7, 4), Threads(1));
  double max_diff = 0;
  for (std::size_t i = 0; i < fast.values.size(); ++i) max_diff = std::max(max_diff, std::abs(fast.values[i] - other.values[i]));
  EXPECT_GT(max_diff, 1e-3);
}

TEST(InterventionalShap, BitIdenticalAtAnyThreadCountAndRefusesAnEmptyBackground) {
  const Frame train = testing::RandomFrame(400, 5, 2, 121);
  const gbdt::GbdtModel model = testing::TrainModel(train, ObjectiveKind::kBinaryLogLoss, 10, 4, 121);
  const gbdt::FeatureMatrix x = gbdt::BuildFeatureMatrix(model, testing::RandomFrame(37, 5, 2, 122), Context());
  const gbdt::FeatureMatrix bg = gbdt::BuildFeatureMatrix(model, testing::RandomFrame(20, 5, 2, 123), Context());
  const ShapMatrix one = InterventionalShapValues(model, x, bg, Threads(1));
  const ShapMatrix three = InterventionalShapValues(model, x, bg, Threads(3));
  EXPECT_EQ(std::memcmp(one.values.data(), three.values.data(), one.values.size() * sizeof(double)), 0);
  gbdt::FeatureMatrix empty{.rows = 0, .cols = x.cols};
  EXPECT_THROW(InterventionalShapValues(model, x, empty, Threads(1)), InvalidArgument);
}

}  // namespace
}  // namespace finai::explain
