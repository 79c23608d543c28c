#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "explain_test_util.hpp"
#include "finai/core/error.hpp"
#include "finai/explain/reason_codes.hpp"
#include "finai/models/gbdt/predict.hpp"

namespace finai::explain {
namespace {

gbdt::GbdtModel ModelWith(const std::vector<std::string>& names) {
  gbdt::GbdtModel model;
  model.base_margin = {0};
  for (const auto& n : names) model.features.push_back({.name = n});
  return model;
}

ShapMatrix OneRow(const std::vector<double>& contributions) {
  ShapMatrix shap;
  shap.rows = 1;
  shap.features = static_cast<int>(contributions.size());
  shap.values = contributions;
  shap.values.push_back(-1.0);  // expected value: never a reason
  return shap;
}

std::vector<std::string> Names(const std::vector<Reason>& reasons) {
  std::vector<std::string> out;
  for (const auto& r : reasons) out.push_back(r.name);
  return out;
}

TEST(ReasonCodes, LargestPositiveContributionsFirstAtMostK) {
  const auto model = ModelWith({"a", "b", "c", "d", "e", "f"});
  const ShapMatrix shap = OneRow({0.1, -2.0, 0.7, 0.0, 0.3, 0.5});
  EXPECT_EQ(Names(RowReasons(model, shap, 0, {})), (std::vector<std::string>{"c", "f", "e", "a"}));
  EXPECT_EQ(Names(RowReasons(model, shap, 0, {.max_reasons = 2})), (std::vector<std::string>{"c", "f"}));
  // Only features that pushed toward refusal: b (negative) and d (zero, unused) never appear.
  EXPECT_EQ(Names(RowReasons(model, shap, 0, {.max_reasons = 10})), (std::vector<std::string>{"c", "f", "e", "a"}));
  EXPECT_DOUBLE_EQ(RowReasons(model, shap, 0, {})[0].contribution, 0.7);
  EXPECT_EQ(RowReasons(model, shap, 0, {})[0].feature, 2);
}

TEST(ReasonCodes, TiesGoToTheLowerFeatureIndex) {
  const auto model = ModelWith({"a", "b", "c", "d"});
  EXPECT_EQ(Names(RowReasons(model, OneRow({0.2, 0.5, 0.2, 0.5}), 0, {.max_reasons = 3})),
            (std::vector<std::string>{"b", "d", "a"}));
}

TEST(ReasonCodes, SensitiveFeaturesAreNeverReasonsAndTextsComeFromTheSchema) {
  auto model = ModelWith({"age", "income", "utilization", "tenure"});
  model.features[3].description = "Time with the bank (model)";
  Schema schema;
  schema.Add({.name = "age", .role = Role::kSensitive, .description = "Age"});
  schema.Add({.name = "income", .description = "Income too low"});
  schema.Add({.name = "utilization"});  // no description: the feature name
  const ShapMatrix shap = OneRow({0.9, 0.4, 0.3, 0.2});
  const auto reasons = RowReasons(model, shap, 0, {.schema = &schema});
  ASSERT_EQ(Names(reasons), (std::vector<std::string>{"income", "utilization", "tenure"}));
  EXPECT_EQ(reasons[0].text, "Income too low");
  EXPECT_EQ(reasons[1].text, "utilization");
  EXPECT_EQ(reasons[2].text, "Time with the bank (model)");
  // Without a schema nothing is known to be sensitive.
  EXPECT_EQ(RowReasons(model, shap, 0, {}).front().name, "age");
}

TEST(ReasonCodes, RowsOfAMatrix) {
  const auto model = ModelWith({"a", "b"});
  ShapMatrix shap;
  shap.rows = 3;
  shap.features = 2;
  shap.values = {0.1, 0.2, 0.0, /**/ -0.1, -0.2, 0.0, /**/ 0.3, 0.0, 0.0};
  const auto all = ReasonCodes(model, shap, {});
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(Names(all[0]), (std::vector<std::string>{"b", "a"}));
  EXPECT_TRUE(all[1].empty());  // nothing pushed toward refusal
  EXPECT_EQ(Names(all[2]), (std::vector<std::string>{"a"}));
}

TEST(ReasonCodes, BadOptionsAndMulticlassAreRefused) {
  const auto model = ModelWith({"a"});
  EXPECT_THROW(RowReasons(model, OneRow({1.0}), 0, {.max_reasons = 0}), InvalidArgument);
  auto multi = model;
  multi.num_classes = 3;
  ShapMatrix shap = OneRow({1.0});
  EXPECT_THROW(RowReasons(multi, shap, 0, {}), Unsupported);
  EXPECT_THROW(RowReasons(ModelWith({"a", "b"}), shap, 0, {}), InvalidArgument);
}

// A group is one reason: named by the group, its contribution the sum of its members' (members that pull the other
// way included), and its members no longer reasons of their own.
TEST(ReasonCodes, AGroupCountsAsOneReason) {
  const auto model = ModelWith({"a", "b", "c", "d", "e"});
  const ShapMatrix shap = OneRow({0.3, 0.25, -0.1, 0.5, 0.05});
  const std::vector<FeatureGroup> groups = {{.name = "wealth", .members = {2, 0, 1}}};
  const auto reasons = RowReasons(model, shap, 0, {.max_reasons = 3, .groups = groups});
  ASSERT_EQ(Names(reasons), (std::vector<std::string>{"d", "wealth", "e"}));
  EXPECT_EQ(reasons[1].feature, -1);
  EXPECT_EQ(reasons[1].text, "wealth");
  EXPECT_DOUBLE_EQ(reasons[1].contribution, 0.3 + 0.25 - 0.1);
  EXPECT_EQ(reasons[1].members, (std::vector<int>{0, 1, 2}));
  EXPECT_TRUE(reasons[0].members.empty());
  EXPECT_EQ(reasons[0].feature, 3);
  // Without the group, a and b are reasons of their own.
  EXPECT_EQ(Names(RowReasons(model, shap, 0, {.max_reasons = 3})), (std::vector<std::string>{"d", "a", "b"}));
  // A group whose sum is not positive is never a reason, though a member alone would be.
  const std::vector<FeatureGroup> cancelling = {{.name = "g", .members = {0, 2}}};
  EXPECT_EQ(Names(RowReasons(model, OneRow({0.1, 0.0, -0.1, 0.0, 0.0}), 0, {.groups = cancelling})),
            std::vector<std::string>{});
  // Ties: groups (in the order given) before the features in no group.
  const std::vector<FeatureGroup> two = {{.name = "g1", .members = {4}}, {.name = "g0", .members = {0}}};
  EXPECT_EQ(Names(RowReasons(model, OneRow({0.2, 0.2, 0.0, 0.0, 0.2}), 0, {.groups = two})),
            (std::vector<std::string>{"g1", "g0", "b"}));
}

TEST(ReasonCodes, AGroupHoldingASensitiveFeatureIsNeverAReason) {
  const auto model = ModelWith({"age", "income", "tenure", "debt"});
  Schema schema;
  schema.Add({.name = "age", .role = Role::kSensitive});
  schema.Add({.name = "debt", .description = "Debt too high"});
  const ShapMatrix shap = OneRow({0.1, 0.6, 0.2, 0.3});
  const std::vector<FeatureGroup> groups = {{.name = "life", .members = {0, 1}}, {.name = "obligations", .members = {3}}};
  const auto reasons = RowReasons(model, shap, 0, {.schema = &schema, .groups = groups});
  EXPECT_EQ(Names(reasons), (std::vector<std::string>{"obligations", "tenure"}));
  EXPECT_EQ(reasons[0].text, "obligations");  // a group is named by its name
  const auto all = ReasonCodes(model, shap, {.schema = &schema, .groups = groups});
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(Names(all[0]), Names(reasons));
}

TEST(ReasonCodes, BadGroupsAreRefused) {
  const auto model = ModelWith({"a", "b"});
  const ShapMatrix shap = OneRow({1.0, 2.0});
  EXPECT_THROW(RowReasons(model, shap, 0, {.groups = {{.name = "g", .members = {}}}}), InvalidArgument);
  EXPECT_THROW(RowReasons(model, shap, 0, {.groups = {{.name = "g", .members = {0, 5}}}}), InvalidArgument);
  EXPECT_THROW(RowReasons(model, shap, 0, {.groups = {{.name = "g", .members = {0}}, {.name = "h", .members = {0}}}}),
               InvalidArgument);
}

// The refused rows at a cut-off are those with probability >= cutoff, as gbdt::Predict computes it.
TEST(RefusedRows, RowsWithProbabilityAtLeastTheCutoff) {
  const Frame f = testing::RandomFrame(200, 3, 2, 4);
  const gbdt::GbdtModel model = testing::TrainModel(f, gbdt::ObjectiveKind::kBinaryLogLoss, 10, 3, 1);
  const gbdt::FeatureMatrix x = gbdt::BuildFeatureMatrix(model, f, Context());
  const std::vector<double> p = gbdt::Predict(model, x, gbdt::PredictKind::kResponse, Context());
  const double cutoff = p[17];  // a row exactly at the cut-off is refused
  const std::vector<std::int64_t> refused = RefusedRows(model, x, cutoff, Context());
  std::vector<std::int64_t> expected;
  for (std::int64_t r = 0; r < x.rows; ++r) {
    if (p[static_cast<std::size_t>(r)] >= cutoff) expected.push_back(r);
  }
  EXPECT_EQ(refused, expected);
  EXPECT_NE(std::find(refused.begin(), refused.end(), 17), refused.end());
  EXPECT_GT(refused.size(), 0u);
  EXPECT_LT(refused.size(), static_cast<std::size_t>(x.rows));
  EXPECT_EQ(RefusedRows(model, x, 0.0, Context()).size(), static_cast<std::size_t>(x.rows));
  EXPECT_THROW(RefusedRows(model, x, 1.5, Context()), InvalidArgument);
  EXPECT_THROW(RefusedRows(model, x, std::nan(""), Context()), InvalidArgument);
  gbdt::GbdtModel regression = model;
  regression.objective = gbdt::ObjectiveKind::kSquaredError;
  EXPECT_THROW(RefusedRows(regression, x, 0.5, Context()), Unsupported);
}

}  // namespace
}  // namespace finai::explain
