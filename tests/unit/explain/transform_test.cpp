#include <gtest/gtest.h>

#include <cmath>

#include "explain_test_util.hpp"
#include "finai/core/error.hpp"
#include "finai/explain/transform.hpp"
#include "finai/models/gbdt/predict.hpp"

namespace finai::explain {
namespace {

using gbdt::ObjectiveKind;

TEST(ProbabilityScale, SumsToTheProbabilityAndKeepsSignsOnAHandCase) {
  // margin contributions 1.0 and -0.25, expected value -1: margin -0.25.
  gbdt::GbdtModel model;
  model.objective = ObjectiveKind::kBinaryLogLoss;
  model.features = {{.name = "a"}, {.name = "b"}};
  ShapMatrix shap{.rows = 1, .outputs = 1, .features = 2, .values = {1.0, -0.25, -1.0}};
  const ShapMatrix p = ToProbabilityScale(model, shap);
  // By hand: p = 1/(1+e^0.25) = 0.43782349911420193, p0 = 1/(1+e^1), factor (p - p0) / (margin - E = 0.75).
  const double pr = 1 / (1 + std::exp(0.25)), p0 = 1 / (1 + std::exp(1.0));
  EXPECT_NEAR(pr, 0.43782349911420193, 1e-15);
  EXPECT_NEAR(p.at(0, 0, 0), (pr - p0) / 0.75, 1e-15);
  EXPECT_NEAR(p.at(0, 0, 1), -0.25 * (pr - p0) / 0.75, 1e-15);
  EXPECT_NEAR(p.at(0, 0, 2), p0, 1e-15);
  EXPECT_NEAR(p.at(0, 0, 0) + p.at(0, 0, 1) + p.at(0, 0, 2), pr, 1e-15);
}

TEST(ProbabilityScale, SumsToPredictedProbabilitiesOfATrainedModel) {
  const Frame train = testing::RandomFrame(500, 4, 2, 5), test = testing::RandomFrame(100, 4, 2, 6);
  const gbdt::GbdtModel model = testing::TrainModel(train, ObjectiveKind::kBinaryLogLoss, 10, 4, 5);
  const gbdt::FeatureMatrix x = gbdt::BuildFeatureMatrix(model, test, Context());
  const ShapMatrix margin = ShapValues(model, x, Context());
  const ShapMatrix p = ToProbabilityScale(model, margin);
  const std::vector<double> prob = gbdt::Predict(model, x, gbdt::PredictKind::kResponse, Context());
  ASSERT_EQ(prob.size(), static_cast<std::size_t>(x.rows));
  for (std::int64_t r = 0; r < x.rows; ++r) {
    double sum = 0;
    for (int j = 0; j <= p.features; ++j) sum += p.at(r, 0, j);
    ASSERT_NEAR(sum, prob[static_cast<std::size_t>(r)], 1e-12) << r;
    for (int j = 0; j < p.features; ++j) ASSERT_EQ(p.at(r, 0, j) > 0, margin.at(r, 0, j) > 0) << r << " " << j;
  }
}

TEST(ProbabilityScale, RefusesMulticlass) {
  gbdt::GbdtModel model;
  model.objective = ObjectiveKind::kMulticlassSoftmax;
  model.num_classes = 3;
  EXPECT_THROW(ToProbabilityScale(model, ShapMatrix{.outputs = 3}), Unsupported);
}

TEST(GroupContributions, SumsMembersAndKeepsTheRestInModelOrder) {
  gbdt::GbdtModel model;
  model.features = {{.name = "income"}, {.name = "age"}, {.name = "assets"}, {.name = "debt"}};
  const ShapMatrix shap{.rows = 2, .outputs = 1, .features = 4,
                        .values = {1, 2, 3, 4, 0.5, -1, 0, 0.25, 0.125, 7}};
  const GroupedShap g = GroupContributions(model, shap, {{.name = "wealth", .members = {0, 2}}});
  ASSERT_EQ(g.names, (std::vector<std::string>{"wealth", "age", "debt"}));
  EXPECT_EQ(g.values.at(0, 0, 0), 4);  // 1 + 3
  EXPECT_EQ(g.values.at(0, 0, 1), 2);
  EXPECT_EQ(g.values.at(0, 0, 2), 4);
  EXPECT_EQ(g.values.at(0, 0, 3), 0.5);  // expected value
  EXPECT_EQ(g.values.at(1, 0, 0), -1 + 0.25);
  EXPECT_THROW(GroupContributions(model, shap, {{.name = "x", .members = {0}}, {.name = "y", .members = {0}}}),
               InvalidArgument);
  EXPECT_THROW(GroupContributions(model, shap, {{.name = "x", .members = {4}}}), InvalidArgument);
  EXPECT_THROW(GroupContributions(model, shap, {{.name = "x", .members = {}}}), InvalidArgument);
}

}  // namespace
}  // namespace finai::explain
