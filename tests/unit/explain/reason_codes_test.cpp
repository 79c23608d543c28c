#include <gtest/gtest.h>

#include "finai/core/error.hpp"
#include "finai/explain/reason_codes.hpp"

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

}  // namespace
}  // namespace finai::explain
