// Imported XGBoost and LightGBM models must decide every row exactly as the source library does.
// XGBoost: fixtures made by tests/golden/import/make_xgboost_fixtures.py with XGBoost 1.7's own predictions.
// LightGBM (not in Debian): hand-written model.txt files whose predictions are worked out by hand below.
#include "finai/models/gbdt/import.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "finai/core/error.hpp"
#include "finai/core/file.hpp"
#include "finai/models/gbdt/predict.hpp"

namespace finai::gbdt {
namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kZero = static_cast<double>(1e-35F);  // LightGBM's kZeroThreshold

std::string FixturePath(const std::string& name) {
  return std::string(FINAI_SOURCE_DIR) + "/tests/golden/import/" + name;
}
std::string Fixture(const std::string& name) { return ReadFileToString(FixturePath(name)); }

// A plain CSV of the fixtures: a header, then fields; empty = missing.
struct Csv {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::size_t Column(const std::string& name) const {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) throw NotFound("no column " + name);
    return static_cast<std::size_t>(it - header.begin());
  }
  double Number(std::size_t r, std::size_t c) const { return rows[r][c].empty() ? kNaN : std::stod(rows[r][c]); }
};

Csv ReadCsv(const std::string& name) {
  std::istringstream in(Fixture(name));
  Csv csv;
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::size_t start = 0;
    while (true) {
      const auto comma = line.find(',', start);
      fields.push_back(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    if (first)
      csv.header = std::move(fields);
    else
      csv.rows.push_back(std::move(fields));
    first = false;
  }
  return csv;
}

// The model's features from the data file: numeric columns as numbers, categorical ones through BuildFeatureMatrix
// (category codes as text), the documented way to feed an imported categorical model.
FeatureMatrix MatrixFromCsv(const GbdtModel& model, const Csv& data) {
  std::vector<Column> columns;
  for (const auto& f : model.features) {
    const std::size_t c = data.Column(f.name);
    if (f.categorical) {
      std::vector<std::string> text;
      std::vector<std::uint8_t> missing;
      for (const auto& row : data.rows) {
        text.push_back(row[c]);
        missing.push_back(row[c].empty() ? 1 : 0);
      }
      columns.push_back(Column::String(f.name, std::move(text), std::move(missing)));
    } else {
      std::vector<double> values;
      for (std::size_t r = 0; r < data.rows.size(); ++r) values.push_back(data.Number(r, c));
      columns.push_back(Column::Float64(f.name, std::move(values)));
    }
  }
  return BuildFeatureMatrix(model, Frame(std::move(columns)), Context());
}

struct Comparison {
  double max_margin_diff = 0;         // |finai's double margin - XGBoost's|
  double max_scaled_margin_diff = 0;  // the same over max(1, |margin|): float32 rounding grows with the margin
  double max_prob_diff = 0;
  std::int64_t float32_mismatches = 0;  // XGBoost's summation replayed in float32 over finai's leaves, != XGBoost
  std::int64_t leaf_mismatches = 0;
};

// Compares finai's margins, responses and leaves with XGBoost's; the fast predictor must equal the reference one.
Comparison CompareWithXgboost(const std::string& name) {
  const GbdtModel model = ImportXgboostJson(Fixture(name + ".json"), name + ".json");
  const Csv data = ReadCsv(name + "_data.csv");
  const Csv expected = ReadCsv(name + "_expected.csv");
  EXPECT_EQ(data.rows.size(), expected.rows.size());
  const FeatureMatrix x = MatrixFromCsv(model, data);
  const auto k = static_cast<std::size_t>(model.num_classes);
  const auto margin = Predict(model, x, PredictKind::kMargin, Context());
  const auto reference = ReferencePredict(model, x, PredictKind::kMargin);
  const auto prob = Predict(model, x, PredictKind::kResponse, Context());
  const auto leaves = ReferencePredict(model, x, PredictKind::kLeafIndex);
  EXPECT_EQ(margin, reference) << name << ": the compiled predictor differs from the reference";
  Comparison out;
  const auto suffix = [&](std::size_t j) { return k == 1 ? std::string() : "_" + std::to_string(j); };
  for (std::size_t r = 0; r < data.rows.size(); ++r) {
    for (std::size_t j = 0; j < k; ++j) {
      const double want_margin = expected.Number(r, expected.Column("margin" + suffix(j)));
      const double want_prob = expected.Number(r, expected.Column("prob" + suffix(j)));
      out.max_margin_diff = std::max(out.max_margin_diff, std::abs(margin[r * k + j] - want_margin));
      out.max_scaled_margin_diff = std::max(
          out.max_scaled_margin_diff, std::abs(margin[r * k + j] - want_margin) / std::max(1.0, std::abs(want_margin)));
      out.max_prob_diff = std::max(out.max_prob_diff, std::abs(prob[r * k + j] - want_prob));
    }
    // XGBoost starts each output at the base margin and adds the trees' leaf values in order, in float32.
    std::vector<float> sum(k);
    for (std::size_t j = 0; j < k; ++j) sum[j] = static_cast<float>(model.base_margin[j]);
    for (std::size_t t = 0; t < model.trees.size(); ++t) {
      const double leaf = leaves[r * model.trees.size() + t];
      if (leaf != expected.Number(r, expected.Column("leaf_" + std::to_string(t)))) ++out.leaf_mismatches;
      sum[static_cast<std::size_t>(model.tree_class[t])] +=
          static_cast<float>(model.trees[t].nodes[static_cast<std::size_t>(leaf)].value);
    }
    for (std::size_t j = 0; j < k; ++j) {
      if (static_cast<double>(sum[j]) != expected.Number(r, expected.Column("margin" + suffix(j))))
        ++out.float32_mismatches;
    }
  }
  std::printf(
      "[import] %s: %zu rows, %zu trees: max |margin - xgboost| = %.3g (%.3g relative to max(1, |margin|)), "
      "max |prob - xgboost| = %.3g, float32 replay mismatches %lld\n",
      name.c_str(), data.rows.size(), model.trees.size(), out.max_margin_diff, out.max_scaled_margin_diff,
      out.max_prob_diff, static_cast<long long>(out.float32_mismatches));
  ::testing::Test::RecordProperty(name + "_max_margin_diff", std::to_string(out.max_margin_diff));
  return out;
}

// XGBoost adds leaf values in float32 and finai in double, so margins differ by the float32 rounding of the sum:
// within 1e-6 where |margin| <= 1, and 1e-6 relative above (a float32 ulp at 8 is 9.5e-7). Replaying XGBoost's float32
// summation over finai's leaves must give XGBoost's margins exactly, and leaf assignments must agree exactly.
constexpr double kMarginTolerance = 1e-6;

void ExpectExact(const Comparison& c) {
  EXPECT_LE(c.max_scaled_margin_diff, kMarginTolerance);
  EXPECT_EQ(c.float32_mismatches, 0);
  EXPECT_EQ(c.leaf_mismatches, 0);
}

TEST(XgboostImport, BinaryLogisticWithMissingValuesMatchesXgboost) {
  const Comparison c = CompareWithXgboost("xgb_binary");
  ExpectExact(c);
  EXPECT_LE(c.max_prob_diff, kMarginTolerance);
}

TEST(XgboostImport, RegressionMatchesXgboost) {
  const Comparison c = CompareWithXgboost("xgb_regression");
  ExpectExact(c);
}

TEST(XgboostImport, MulticlassSoftprobMatchesXgboost) {
  const Comparison c = CompareWithXgboost("xgb_multiclass");
  ExpectExact(c);
  EXPECT_LE(c.max_prob_diff, kMarginTolerance);
}

TEST(XgboostImport, CategoricalSplitsMatchXgboostIncludingUnseenAndInvalidCodes) {
  const Comparison c = CompareWithXgboost("xgb_categorical");
  ExpectExact(c);
  EXPECT_LE(c.max_prob_diff, kMarginTolerance);
}

TEST(XgboostImport, ModelDescribesTheSource) {
  const GbdtModel m = ImportXgboostJson(Fixture("xgb_binary.json"), "xgb_binary.json");
  EXPECT_EQ(m.objective, ObjectiveKind::kBinaryLogLoss);
  EXPECT_EQ(m.split_rule, SplitRule::kLess);
  EXPECT_TRUE(m.float32_compare);
  EXPECT_EQ(m.trees.size(), 20u);
  ASSERT_EQ(m.features.size(), 4u);
  EXPECT_EQ(m.features[1].name, "income");
  EXPECT_FALSE(m.features[1].categorical);
  // base_score 0.35 is a probability for binary:logistic: margin = logit(0.35), computed in float as XGBoost does.
  EXPECT_NEAR(m.base_margin.at(0), std::log(0.35 / 0.65), 1e-6);
  EXPECT_EQ(m.provenance.producer, "xgboost 1.7.4, imported by finai from xgb_binary.json");
  // Leaf values come from split_conditions, covers from sum_hessian, an internal value is its children's mean.
  const Tree& t = m.trees[0];
  for (const TreeNode& n : t.nodes) {
    if (n.is_leaf()) continue;
    const TreeNode& a = t.nodes[static_cast<std::size_t>(n.left)];
    const TreeNode& b = t.nodes[static_cast<std::size_t>(n.right)];
    EXPECT_NEAR(n.value, (a.value * a.cover + b.value * b.cover) / (a.cover + b.cover), 1e-12);
    EXPECT_NEAR(n.cover, a.cover + b.cover, 1e-3 * n.cover);
  }
  const GbdtModel r = ImportXgboostJson(Fixture("xgb_regression.json"), "xgb_regression.json");
  EXPECT_EQ(r.features[2].name, "f2");
  EXPECT_EQ(r.base_margin, std::vector<double>{0.5});
  const GbdtModel c = ImportXgboostJson(Fixture("xgb_categorical.json"), "xgb_categorical.json");
  EXPECT_TRUE(c.features[1].categorical);
  EXPECT_EQ(c.features[1].categories.front(), "0");
}

// The strict comparison matters: hist thresholds are data values, so x == threshold occurs in the fixture and
// x <= threshold would send those rows elsewhere. This guards the test itself: it can see a wrong rule.
TEST(XgboostImport, WrongComparisonRuleWouldBeCaught) {
  GbdtModel m = ImportXgboostJson(Fixture("xgb_binary.json"), "xgb_binary.json");
  const Csv data = ReadCsv("xgb_binary_data.csv");
  const FeatureMatrix x = MatrixFromCsv(m, data);
  const auto strict = ReferencePredict(m, x, PredictKind::kLeafIndex);
  m.split_rule = SplitRule::kLessEqual;
  EXPECT_NE(ReferencePredict(m, x, PredictKind::kLeafIndex), strict);
}

// A hand-written tree whose node ids are not in parent-before-child order (node 2's left child is node 1) and which
// keeps a deleted node (5, unreachable), as pruning leaves them: the importer renumbers breadth-first.
//   node 0: f0 < 1.0, missing left  -> node 2 | node 3 = leaf 0.3
//   node 2: f1 < 0.5, missing right -> node 1 = leaf 0.1 | node 4 = leaf -0.2
// New ids: 0 -> 0, 2 -> 1, 3 -> 2, 1 -> 3, 4 -> 4. base_score 0.5 (reg:squarederror: the margin itself).
constexpr const char* kHandWrittenXgboost = R"({"learner": {"feature_names": [], "feature_types": [],
  "gradient_booster": {"model": {"gbtree_model_param": {"num_parallel_tree": "1", "num_trees": "1"}, "tree_info": [0],
    "trees": [{"base_weights": [0, 0, 0, 0, 0, 0], "categories": [], "categories_nodes": [], "categories_segments": [],
      "categories_sizes": [], "default_left": [1, 0, 0, 0, 0, 0], "id": 0, "left_children": [2, -1, 1, -1, -1, -1],
      "loss_changes": [3.0, 0.0, 1.0, 0.0, 0.0, 0.0], "right_children": [3, -1, 4, -1, -1, -1],
      "split_conditions": [1.0, 0.1, 0.5, 0.3, -0.2, 9.9], "split_indices": [0, 0, 1, 0, 0, 0],
      "split_type": [0, 0, 0, 0, 0, 0], "sum_hessian": [10.0, 3.0, 6.0, 4.0, 3.0, 1.0],
      "tree_param": {"num_deleted": "1", "num_feature": "2", "num_nodes": "6", "size_leaf_vector": "0"}}]},
    "name": "gbtree"},
  "learner_model_param": {"base_score": "5E-1", "num_class": "0", "num_feature": "2", "num_target": "1"},
  "objective": {"name": "reg:squarederror", "reg_loss_param": {"scale_pos_weight": "1"}}}, "version": [1, 7, 4]})";

TEST(XgboostImport, HandWrittenTreeIsRenumberedAndComparedInFloat32) {
  const GbdtModel m = ImportXgboostJson(kHandWrittenXgboost, "hand.json");
  ASSERT_EQ(m.trees[0].nodes.size(), 5u);  // the deleted node is dropped
  EXPECT_EQ(m.features[0].name, "f0");
  FeatureMatrix x;
  x.cols = 2;
  x.values = {0.5,        0.2,   // 0.5 < 1 -> node 2: 0.2 < 0.5 -> leaf 0.1 (new id 3)
              2.0,        kNaN,  // 2 >= 1 -> leaf 0.3 (new id 2)
              kNaN,       kNaN,  // missing -> left -> node 2: missing -> right -> leaf -0.2 (new id 4)
              0.9999999,  0.5,   // float32(0.9999999) < 1 -> node 2: 0.5 < 0.5 fails -> leaf -0.2 (id 4)
              0.99999999, 0.0};  // float32(0.99999999) is 1.0f, not < 1 -> leaf 0.3 (id 2)
  x.rows = 5;
  const auto margin = Predict(m, x, PredictKind::kMargin, Context());
  const auto leaves = ReferencePredict(m, x, PredictKind::kLeafIndex);
  const double leaf01 = static_cast<double>(0.1F), leaf03 = static_cast<double>(0.3F),
               leaf02 = static_cast<double>(-0.2F);
  EXPECT_EQ(margin, (std::vector<double>{0.5 + leaf01, 0.5 + leaf03, 0.5 + leaf02, 0.5 + leaf02, 0.5 + leaf03}));
  EXPECT_EQ(leaves, (std::vector<double>{3, 2, 4, 4, 2}));
  EXPECT_EQ(margin, ReferencePredict(m, x, PredictKind::kMargin));
  // The root's value is the cover-weighted mean of its children: (6 * node 2 + 4 * 0.3) / 10, node 2 = (3 * 0.1 - 3 *
  // 0.2) / 6.
  EXPECT_NEAR(m.trees[0].nodes[0].value, (3 * leaf01 + 3 * leaf02 + 4 * leaf03) / 10, 1e-15);
}

// Error messages: exact, naming the source, the JSON path and what was expected.
template <typename E, typename F>
std::string MessageOf(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("wrong exception type: ") + e.what();
  }
  return "no exception";
}

std::string EditedBinaryModel(const std::function<void(nlohmann::json&)>& edit) {
  nlohmann::json j = nlohmann::json::parse(Fixture("xgb_binary.json"));
  edit(j);
  return j.dump();
}

TEST(XgboostImport, MalformedJsonIsInvalidDataWithItsPosition) {
  EXPECT_EQ(
      MessageOf<InvalidData>([] { ImportXgboostJson("{\"learner\": {\n  \"objective\": ", "m.json"); }),
      "m.json:2:16: malformed JSON: syntax error while parsing value - unexpected end of input; expected '[', '{', "
      "or a literal; expected an XGBoost JSON model (booster.save_model(\"model.json\"))");
  EXPECT_EQ(MessageOf<InvalidData>([] { ImportXgboostJson("{\"version\": [1, 7,, 4]}", "m.json"); }),
            "m.json:1:19: malformed JSON: syntax error while parsing value - unexpected ','; expected '[', '{', or a "
            "literal; expected an XGBoost JSON model (booster.save_model(\"model.json\"))");
  const std::string text = Fixture("xgb_binary.json");
  const std::string half =
      MessageOf<InvalidData>([&] { ImportXgboostJson(text.substr(0, text.size() / 2), "half.json"); });
  EXPECT_EQ(half.rfind("half.json:1:", 0), 0u) << half;
  EXPECT_NE(half.find(": malformed JSON: syntax error while parsing "), std::string::npos) << half;
}

TEST(XgboostImport, StructuralErrorsNameTheJsonPath) {
  EXPECT_EQ(MessageOf<InvalidData>([] { ImportXgboostJson("{\"version\": [1, 7, 4]}", "m.json"); }),
            "m.json: column 'learner': missing; expected a member in the document");
  EXPECT_EQ(MessageOf<InvalidData>([] {
              ImportXgboostJson(EditedBinaryModel([](nlohmann::json& j) {
                                  j["learner"]["gradient_booster"]["model"]["trees"][3]["split_indices"][0] = 9;
                                }),
                                "m.json");
            }),
            "m.json: column 'learner.gradient_booster.model.trees[3].split_indices[0]': feature 9 is out of range; "
            "expected a feature index in [0, 4)");
  EXPECT_EQ(MessageOf<InvalidData>([] {
              ImportXgboostJson(EditedBinaryModel([](nlohmann::json& j) {
                                  j["learner"]["gradient_booster"]["model"]["trees"][0]["left_children"][1] = 1;
                                }),
                                "m.json");
            }),
            "m.json: column 'learner.gradient_booster.model.trees[0].left_children[1]': node 1 is reached twice; "
            "expected a tree (each node has one parent)");
  EXPECT_EQ(MessageOf<InvalidData>([] {
              ImportXgboostJson(EditedBinaryModel([](nlohmann::json& j) {
                                  j["learner"]["gradient_booster"]["model"]["trees"][2]["sum_hessian"] = "x";
                                }),
                                "m.json");
            }),
            "m.json: column 'learner.gradient_booster.model.trees[2].sum_hessian': value 'x': is a string; expected a "
            "JSON array");
  EXPECT_EQ(MessageOf<InvalidData>([] {
              ImportXgboostJson(EditedBinaryModel([](nlohmann::json& j) {
                                  j["learner"]["learner_model_param"]["base_score"] = "1.5";
                                }),
                                "m.json");
            }),
            "m.json: column 'learner.learner_model_param.base_score': value '1.5': is not a probability; expected a "
            "base_score in (0, 1) for binary:logistic");
}

TEST(XgboostImport, UnsupportedObjectiveAndBoosterAreRefusedByName) {
  EXPECT_EQ(MessageOf<Unsupported>([] {
              ImportXgboostJson(
                  EditedBinaryModel([](nlohmann::json& j) { j["learner"]["objective"]["name"] = "reg:gamma"; }),
                  "m.json");
            }),
            "m.json: column 'learner.objective.name': value 'reg:gamma': objective is not imported (finai has binary, "
            "regression and multiclass softmax)");
  EXPECT_EQ(
      MessageOf<Unsupported>([] {
        ImportXgboostJson(
            EditedBinaryModel([](nlohmann::json& j) { j["learner"]["gradient_booster"]["name"] = "dart"; }), "m.json");
      }),
      "m.json: column 'learner.gradient_booster.name': value 'dart': booster is not imported (finai imports gbtree)");
}

// ---------------------------------------------------------------------------------------------------------------
// LightGBM. lgb_binary.txt, features age, income, region (categorical codes), score:
//   Tree 0: node 0: income <= 50000, missing type NaN, default left (decision_type 10) -> node 1 | leaf 0 = 0.2
//           node 1: age <= 30.5, missing type None (0): NaN is read as 0 -> leaf 1 = -0.1 | leaf 2 = 0.05
//   Tree 1: node 0: region in {1, 3, 4, 33} (bitset words 26 = bits 1,3,4 and 2 = bit 33; decision_type 9)
//           -> leaf 0 = 0.3 | leaf 1 = -0.25 (NaN, negative and unlisted codes go right)
//   Tree 2: node 0: score <= 1e-35f, missing type Zero, default left (6): 0, NaN and |x| <= 1e-35 go left
//           -> node 1 | leaf 0 = 0.4
//           node 1: income <= -1e-35f, missing type None (0): near-zero values are 0 to LightGBM, 0 > -1e-35 -> right
//           -> leaf 1 = -0.3 | leaf 2 = 0.15
// finai node ids: internal nodes keep LightGBM's ids, leaf j of a tree with L leaves is node L - 1 + j.
struct LgbRow {
  double age, income;
  std::string region;  // category code as text; empty = missing
  double score;
  double margin;               // worked out by hand
  std::vector<double> leaves;  // finai node ids, by hand
};

FeatureMatrix LgbBinaryMatrix(const GbdtModel& m, const std::vector<LgbRow>& rows) {
  std::vector<double> age, income, score;
  std::vector<std::string> region;
  std::vector<std::uint8_t> missing;
  for (const auto& r : rows) {
    age.push_back(r.age);
    income.push_back(r.income);
    score.push_back(r.score);
    region.push_back(r.region);
    missing.push_back(r.region.empty() ? 1 : 0);
  }
  return BuildFeatureMatrix(m,
                            Frame({Column::Float64("age", age), Column::Float64("income", income),
                                   Column::String("region", region, missing), Column::Float64("score", score)}),
                            Context());
}

TEST(LightgbmImport, BinaryModelWalkedByHand) {
  const GbdtModel m = ImportLightgbmText(Fixture("lgb_binary.txt"), "lgb_binary.txt");
  EXPECT_EQ(m.objective, ObjectiveKind::kBinaryLogLoss);
  EXPECT_EQ(m.split_rule, SplitRule::kLessEqual);
  EXPECT_FALSE(m.float32_compare);
  EXPECT_EQ(m.base_margin, std::vector<double>{0.0});
  ASSERT_EQ(m.features.size(), 4u);
  EXPECT_TRUE(m.features[2].categorical);
  EXPECT_EQ(m.features[2].categories.size(), 41u);  // codes 0..40 (feature_infos lists 40)
  EXPECT_EQ(m.features[1].monotone, -1);
  const std::vector<LgbRow> rows = {
      // T0: 40000 <= 50000 -> node 1: 25 <= 30.5 -> leaf 1 (-0.1). T1: 3 in set -> leaf 0 (0.3).
      // T2: 0.5 > 1e-35 -> leaf 0 (0.4).  Margin 0.6.
      {25, 40000, "3", 0.5, -0.1 + 0.3 + 0.4, {3, 1, 2}},
      // T0: NaN -> default left -> node 1: 45 > 30.5 -> leaf 2 (0.05). T1: 2 not in set -> leaf 1 (-0.25).
      // T2: 0 is missing (Zero) -> default left -> node 1: NaN income is 0, 0 > -1e-35 -> leaf 2 (0.15).
      {45, kNaN, "2", 0.0, 0.05 - 0.25 + 0.15, {4, 2, 4}},
      // T0: 60000 > 50000 -> leaf 0 (0.2). T1: NaN -> right (-0.25). T2: NaN is 0 -> left -> node 1: 60000 -> leaf 2.
      {kNaN, 60000, "", kNaN, 0.2 - 0.25 + 0.15, {2, 2, 4}},
      // T0: 50000 <= 50000 -> node 1: 30.5 <= 30.5 -> leaf 1. T1: 33 in set (second word) -> leaf 0.
      // T2: -2 <= 1e-35 -> node 1: 50000 -> leaf 2.
      {30.5, 50000, "33", -2, -0.1 + 0.3 + 0.15, {3, 1, 4}},
      // T0: -1e-35f <= 50000 -> node 1: NaN age is 0 <= 30.5 -> leaf 1. T1: 40 is listed but not in the set -> right.
      // T2: 1e-36 is 0 to LightGBM -> default left -> node 1: income -1e-35f is 0 too, 0 > -1e-35 -> leaf 2.
      // (Compared as is, -1e-35f <= -1e-35f would go left: the importer moved the threshold below the band.)
      {kNaN, -kZero, "40", 1e-36, -0.1 - 0.25 + 0.15, {3, 2, 4}},
      // T0: 50000.000001 > 50000 -> leaf 0. T1: code 77 unseen -> right. T2: 3 > 1e-35 -> leaf 0.
      {31, 50000.000001, "77", 3, 0.2 - 0.25 + 0.4, {2, 2, 2}},
      // T0: node 1: 20 <= 30.5 -> leaf 1. T1: negative code -> right. T2: -1e-36 is 0 -> left -> node 1: 10 -> leaf 2.
      {20, 10, "-1", -1e-36, -0.1 - 0.25 + 0.15, {3, 2, 4}},
  };
  const FeatureMatrix x = LgbBinaryMatrix(m, rows);
  const auto margin = Predict(m, x, PredictKind::kMargin, Context());
  const auto reference = ReferencePredict(m, x, PredictKind::kMargin);
  const auto prob = Predict(m, x, PredictKind::kResponse, Context());
  const auto leaves = ReferencePredict(m, x, PredictKind::kLeafIndex);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    EXPECT_NEAR(margin[r], rows[r].margin, 1e-15) << "row " << r;
    EXPECT_EQ(margin[r], reference[r]) << "row " << r;
    EXPECT_NEAR(prob[r], 1 / (1 + std::exp(-rows[r].margin)), 1e-15) << "row " << r;
    EXPECT_EQ(std::vector<double>(leaves.begin() + static_cast<std::ptrdiff_t>(3 * r),
                                  leaves.begin() + static_cast<std::ptrdiff_t>(3 * r + 3)),
              rows[r].leaves)
        << "row " << r;
  }
  // Imported statistics: internal value and weight, leaf weight, split gain.
  EXPECT_DOUBLE_EQ(m.trees[0].nodes[1].value, -0.035);
  EXPECT_DOUBLE_EQ(m.trees[0].nodes[1].cover, 60);
  EXPECT_DOUBLE_EQ(m.trees[0].nodes[3].cover, 35);
  EXPECT_DOUBLE_EQ(m.trees[0].nodes[0].gain, 12.5);
}

// lgb_multiclass.txt: 3 classes, 2 iterations; tree t adds to class t % 3.
//   T0 (class 0): x0 <= 0.5, NaN default left      -> 0.5 | -0.2
//   T1 (class 1): x1 <= 1.5, NaN default right     -> 0.1 | 0.6
//   T2 (class 2): a single leaf                    -> 0.05
//   T3 (class 0): x1 <= -1, missing type None with the default-left bit set (ignored: NaN is 0, 0 > -1 -> right)
//                                                  -> -0.3 | 0.2
//   T4 (class 1): x0 <= 2, NaN default left        -> -0.1 | 0.3
//   T5 (class 2): x0 <= 0, NaN default right -> (x1 <= 0, NaN default left -> 0.25 | -0.05) | 0.7
TEST(LightgbmImport, MulticlassModelWalkedByHand) {
  const GbdtModel m = ImportLightgbmText(Fixture("lgb_multiclass.txt"), "lgb_multiclass.txt");
  EXPECT_EQ(m.objective, ObjectiveKind::kMulticlassSoftmax);
  EXPECT_EQ(m.num_classes, 3);
  EXPECT_EQ(m.tree_class, (std::vector<std::int32_t>{0, 1, 2, 0, 1, 2}));
  EXPECT_EQ(m.trees[2].nodes.size(), 1u);
  struct Row {
    double x0, x1;
    std::vector<double> margins;
  };
  const std::vector<Row> rows = {
      // T0 0.7 > 0.5: -0.2; T3 1.5 > -1: 0.2 | T1 1.5 <= 1.5: 0.1; T4 0.7 <= 2: -0.1 | T2 0.05; T5 0.7 > 0: 0.7
      {0.7, 1.5, {-0.2 + 0.2, 0.1 - 0.1, 0.05 + 0.7}},
      // T0 0.5; T3 -2 <= -1: -0.3 | T1 0.1; T4 -0.1 | T2 0.05; T5 -1 <= 0 -> -2 <= 0: 0.25
      {-1, -2, {0.5 - 0.3, 0.1 - 0.1, 0.05 + 0.25}},
      // T0 -0.2; T3 NaN is 0 > -1: 0.2 | T1 NaN -> right: 0.6; T4 3 > 2: 0.3 | T2 0.05; T5 3 > 0: 0.7
      {3, kNaN, {-0.2 + 0.2, 0.6 + 0.3, 0.05 + 0.7}},
      // T0 0 <= 0.5: 0.5; T3 NaN: 0.2 | T1 NaN: 0.6; T4 0 <= 2: -0.1 | T2 0.05; T5 0 <= 0 -> NaN -> left: 0.25
      {0, kNaN, {0.5 + 0.2, 0.6 - 0.1, 0.05 + 0.25}},
      // T0 NaN -> left: 0.5; T3 -1 <= -1: -0.3 | T1 NaN: 0.6; T4 NaN -> left: -0.1 | T2 0.05; T5 NaN -> right: 0.7
      {kNaN, -1, {0.5 - 0.3, 0.1 - 0.1, 0.05 + 0.7}},
  };
  FeatureMatrix x;
  x.rows = static_cast<std::int64_t>(rows.size());
  x.cols = 2;
  for (const auto& r : rows) x.values.insert(x.values.end(), {r.x0, r.x1});
  const auto margin = Predict(m, x, PredictKind::kMargin, Context());
  const auto prob = Predict(m, x, PredictKind::kResponse, Context());
  EXPECT_EQ(margin, ReferencePredict(m, x, PredictKind::kMargin));
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const auto& want = rows[r].margins;
    const double z = std::exp(want[0]) + std::exp(want[1]) + std::exp(want[2]);
    for (std::size_t k = 0; k < 3; ++k) {
      EXPECT_NEAR(margin[3 * r + k], want[k], 1e-15) << "row " << r << " class " << k;
      EXPECT_NEAR(prob[3 * r + k], std::exp(want[k]) / z, 1e-15) << "row " << r << " class " << k;
    }
  }
}

// A one-tree binary model; the text around the tree varies per test.
std::string LgbModel(const std::string& objective, const std::string& tree) {
  return "tree\nversion=v4\nnum_class=1\nnum_tree_per_iteration=1\nlabel_index=0\nmax_feature_idx=1\nobjective=" +
         objective + "\nfeature_names=a b\nfeature_infos=[0:1] 0:1:2\ntree_sizes=0\n\n" + tree + "end of trees\n";
}
std::string LgbTree(const std::string& threshold, const std::string& decision_type, int feature = 0) {
  return "Tree=0\nnum_leaves=2\nnum_cat=0\nsplit_feature=" + std::to_string(feature) +
         "\nsplit_gain=1\nthreshold=" + threshold + "\ndecision_type=" + decision_type +
         "\nleft_child=-1\nright_child=-2\nleaf_value=-0.5 0.75\nleaf_weight=1 1\nleaf_count=1 1\ninternal_value=0\n"
         "internal_weight=2\ninternal_count=2\nis_linear=0\nshrinkage=1\n\n\n";
}

TEST(LightgbmImport, SigmoidFactorIsFoldedIntoLeafValues) {
  // LightGBM's probability is 1 / (1 + exp(-2 * raw)): the log-odds margin is 2 * raw.
  const GbdtModel m = ImportLightgbmText(LgbModel("binary sigmoid:2", LgbTree("0.5", "10")), "s.txt");
  EXPECT_EQ(m.trees[0].nodes[1].value, -1.0);
  EXPECT_EQ(m.trees[0].nodes[2].value, 1.5);
}

TEST(LightgbmImport, ZeroMissingTypeIsImportedOnlyWhereOneThresholdReproducesIt) {
  // Default left and a threshold above the near-zero band: 0 goes left either way.
  const GbdtModel ok = ImportLightgbmText(LgbModel("binary sigmoid:1", LgbTree("0.5", "6")), "z.txt");
  EXPECT_TRUE(ok.trees[0].nodes[0].default_left);
  EXPECT_EQ(ok.trees[0].nodes[0].threshold, 0.5);
  // Default right but 0 <= 0.5: 0 must go right while -1 and 0.3 go left.
  EXPECT_EQ(
      MessageOf<Unsupported>([] { ImportLightgbmText(LgbModel("binary sigmoid:1", LgbTree("0.5", "4")), "z.txt"); }),
      "z.txt:18: column 'decision_type': value '4': tree 0 node 0: missing type Zero sends 0 right but the "
      "threshold 0.5 sends values on both sides of 0 the other way; no single threshold reproduces it");
}

TEST(LightgbmImport, ErrorsNameTheLineAndKey) {
  const std::string header =
      "tree\nversion=v4\nnum_class=1\nnum_tree_per_iteration=1\nlabel_index=0\nmax_feature_idx=1\n"
      "objective=binary sigmoid:1\nfeature_names=a b\nfeature_infos=[0:1] [0:1]\n\n";
  EXPECT_EQ(MessageOf<InvalidData>([&] { ImportLightgbmText(header + "end of trees\n", "e.txt"); }),
            "e.txt:11: no 'Tree=' blocks before 'end of trees'; expected at least one tree");
  EXPECT_EQ(MessageOf<InvalidData>([&] { ImportLightgbmText(header, "e.txt"); }),
            "e.txt:10: the file ends before 'end of trees' (truncated?); expected 'end of trees' after the last tree");
  EXPECT_EQ(
      MessageOf<InvalidData>([] { ImportLightgbmText(LgbModel("binary sigmoid:1", LgbTree("0.5", "12")), "e.txt"); }),
      "e.txt:18: column 'decision_type': value '12': node 0: decision type 12 is not valid; expected bit 0 "
      "categorical, bit 1 default left, bits 2-3 missing type 0 (None), 1 (Zero) or 2 (NaN)");
  EXPECT_EQ(
      MessageOf<InvalidData>([] { ImportLightgbmText(LgbModel("binary sigmoid:1", LgbTree("0.5", "x")), "e.txt"); }),
      "e.txt:18: column 'decision_type': value 'x': not a number; expected integers");
  EXPECT_EQ(
      MessageOf<InvalidData>([] { ImportLightgbmText(LgbModel("binary sigmoid:1", LgbTree("0", "1", 0)), "e.txt"); }),
      "e.txt:17: column 'threshold': node 0: categorical split on numeric feature 'a'; expected a feature whose "
      "feature_infos lists category codes");
  EXPECT_EQ(MessageOf<InvalidData>([] { ImportLightgbmText("{\"learner\": {}}", "e.txt"); }),
            "e.txt:1: value '{\"learner\": {}}': the first line is not 'tree'; expected a LightGBM model.txt "
            "(booster.save_model)");
  EXPECT_EQ(MessageOf<Unsupported>([] { ImportLightgbmText(LgbModel("lambdarank", LgbTree("0.5", "10")), "e.txt"); }),
            "e.txt:7: column 'objective': value 'lambdarank': objective is not imported (finai has binary, regression "
            "(L2) and multiclass softmax)");
  EXPECT_EQ(MessageOf<Unsupported>([] {
              std::string tree = LgbTree("0.5", "10");
              tree.replace(tree.find("is_linear=0"), 11, "is_linear=1");
              ImportLightgbmText(LgbModel("binary sigmoid:1", tree), "e.txt");
            }),
            "e.txt:27: column 'is_linear': value '1': linear trees (linear_tree=true) are not imported");
}

// Damaged files (cut short, a byte replaced or dropped) must raise finai's own errors, never another exception or a
// crash; a damaged file that still imports must be a model the predictors can walk.
template <typename Import>
void ExpectDamageIsAFinaiError(const std::string& text, Import import, std::uint32_t seed) {
  std::mt19937 rng(seed);
  const std::string alphabet = "0123456789-.,:=[]{}\" \neNaTr";
  int imported = 0;
  for (int trial = 0; trial < 300; ++trial) {
    std::string damaged = text;
    const std::size_t at = std::uniform_int_distribution<std::size_t>(0, text.size() - 1)(rng);
    switch (trial % 3) {
      case 0:
        damaged.resize(at);
        break;
      case 1:
        damaged[at] = alphabet[rng() % alphabet.size()];
        break;
      default:
        damaged.erase(at, 1);
        break;
    }
    try {
      const GbdtModel m = import(damaged);
      FeatureMatrix x;
      x.cols = static_cast<int>(m.features.size());
      x.rows = 3;
      for (const double v : {kNaN, 0.0, 1e9}) x.values.insert(x.values.end(), m.features.size(), v);
      EXPECT_EQ(Predict(m, x, PredictKind::kMargin, Context()), ReferencePredict(m, x, PredictKind::kMargin));
      ++imported;
    } catch (const Error&) {
    }
  }
  EXPECT_LT(imported, 300);
}

TEST(XgboostImport, DamagedFilesRaiseFinaiErrorsOnly) {
  ExpectDamageIsAFinaiError(
      Fixture("xgb_categorical.json"), [](const std::string& t) { return ImportXgboostJson(t, "damaged.json"); }, 11);
}

TEST(LightgbmImport, DamagedFilesRaiseFinaiErrorsOnly) {
  ExpectDamageIsAFinaiError(
      Fixture("lgb_binary.txt"), [](const std::string& t) { return ImportLightgbmText(t, "damaged.txt"); }, 12);
}

}  // namespace
}  // namespace finai::gbdt
