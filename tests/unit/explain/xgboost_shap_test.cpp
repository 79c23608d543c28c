// finai's TreeSHAP on imported XGBoost models against XGBoost 1.7's own pred_contribs. Fixtures (model JSON, rows,
// XGBoost's contributions) are written by tests/golden/explain/make_xgb_shap.py.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "finai/core/file.hpp"
#include "finai/explain/tree_shap.hpp"
#include "finai/models/gbdt/import.hpp"
#include "finai/models/gbdt/predict.hpp"
#include "fixture_csv.hpp"

namespace finai::explain {
namespace {

using testing::FixturePath;
using Csv = testing::FixtureCsv;

Csv ReadCsv(const std::string& name) { return testing::ReadFixtureCsv(name); }

// Numeric features as numbers, categorical ones as code text through BuildFeatureMatrix (as import_test does).
gbdt::FeatureMatrix Matrix(const gbdt::GbdtModel& model, const Csv& data) {
  std::vector<Column> columns;
  for (std::size_t j = 0; j < model.features.size(); ++j) {
    const auto& f = model.features[j];
    EXPECT_EQ(data.header[j], f.name);
    if (f.categorical) {
      std::vector<std::string> text;
      std::vector<std::uint8_t> missing;
      for (const auto& row : data.rows) {
        // XGBoost's codes are written as floats ("3"), the model's categories are "3".
        text.push_back(row[j].empty() ? "" : std::to_string(static_cast<int>(std::stod(row[j]))));
        missing.push_back(row[j].empty() ? 1 : 0);
      }
      columns.push_back(Column::String(f.name, std::move(text), std::move(missing)));
    } else {
      std::vector<double> values;
      for (const auto& row : data.rows) {
        values.push_back(row[j].empty() ? std::numeric_limits<double>::quiet_NaN() : std::stod(row[j]));
      }
      columns.push_back(Column::Float64(f.name, std::move(values)));
    }
  }
  return gbdt::BuildFeatureMatrix(model, Frame(std::move(columns)), Context());
}

// Largest |finai - XGBoost| over every contribution and the bias column.
double MaxDifference(const std::string& name) {
  const gbdt::GbdtModel model =
      gbdt::ImportXgboostJson(ReadFileToString(FixturePath(name + ".json")), name + ".json");
  const Csv data = ReadCsv(name + "_data.csv");
  const Csv expected = ReadCsv(name + "_shap.csv");
  const gbdt::FeatureMatrix x = Matrix(model, data);
  const ShapMatrix shap = ShapValues(model, x, Context());
  EXPECT_EQ(static_cast<std::size_t>(shap.rows), expected.rows.size());
  EXPECT_EQ(expected.header.size(), static_cast<std::size_t>(shap.outputs * shap.width()));
  EXPECT_EQ(expected.header.back().substr(0, 4), "bias");
  double max_diff = 0;
  for (std::int64_t r = 0; r < shap.rows; ++r) {
    for (int k = 0; k < shap.outputs; ++k) {
      for (int j = 0; j < shap.width(); ++j) {
        const double xgb_value = std::stod(expected.rows[static_cast<std::size_t>(r)][static_cast<std::size_t>(k * shap.width() + j)]);
        max_diff = std::max(max_diff, std::abs(shap.at(r, k, j) - xgb_value));
      }
    }
  }
  return max_diff;
}

// XGBoost accumulates in float32; 1e-5 absolute covers its rounding on these margins (|margin| < 10).
TEST(XgboostShap, BinaryWithMissingValuesEqualsPredContribs) { EXPECT_LT(MaxDifference("xgb_shap_binary"), 1e-5); }

// The comparison can fail: the same rows against another model's contributions differ by far more.
TEST(XgboostShap, ComparisonDetectsAnotherModel) {
  const gbdt::GbdtModel model =
      gbdt::ImportXgboostJson(ReadFileToString(FixturePath("xgb_shap_binary.json")), "xgb_shap_binary.json");
  gbdt::GbdtModel fewer = model;
  fewer.trees.pop_back();
  fewer.tree_class.pop_back();
  const gbdt::FeatureMatrix x = Matrix(model, ReadCsv("xgb_shap_binary_data.csv"));
  const ShapMatrix a = ShapValues(model, x, Context()), b = ShapValues(fewer, x, Context());
  double max_diff = 0;
  for (std::size_t i = 0; i < a.values.size(); ++i) max_diff = std::max(max_diff, std::abs(a.values[i] - b.values[i]));
  EXPECT_GT(max_diff, 1e-3);
}
// pred_interactions of the binary model (make_xgb_shap.py, write_interactions): every (a, b) entry, bias included.
TEST(XgboostShap, BinaryInteractionsEqualPredInteractions) {
  const gbdt::GbdtModel model =
      gbdt::ImportXgboostJson(ReadFileToString(FixturePath("xgb_shap_binary.json")), "xgb_shap_binary.json");
  const gbdt::FeatureMatrix x = Matrix(model, ReadCsv("xgb_shap_binary_data.csv"));
  const Csv expected = ReadCsv("xgb_shap_binary_interactions.csv");
  const InteractionMatrix inter = ShapInteractionValues(model, x, Context());
  ASSERT_EQ(static_cast<std::size_t>(inter.rows), expected.rows.size());
  ASSERT_EQ(expected.header.size(), static_cast<std::size_t>(inter.width() * inter.width()));
  EXPECT_EQ(expected.header[1], model.features[0].name + ":" + model.features[1].name);
  double max_diff = 0, largest_off_diagonal = 0;
  for (std::int64_t r = 0; r < inter.rows; ++r) {
    for (int i = 0; i < inter.width(); ++i) {
      for (int j = 0; j < inter.width(); ++j) {
        const double xgb_value =
            std::stod(expected.rows[static_cast<std::size_t>(r)][static_cast<std::size_t>(i * inter.width() + j)]);
        max_diff = std::max(max_diff, std::abs(inter.at(r, 0, i, j) - xgb_value));
        if (i != j) largest_off_diagonal = std::max(largest_off_diagonal, std::abs(xgb_value));
      }
    }
  }
  EXPECT_LT(max_diff, 1e-5);
  EXPECT_GT(largest_off_diagonal, 1e-2);  // the fixture does hold interactions
}

TEST(XgboostShap, CategoricalEqualsPredContribs) { EXPECT_LT(MaxDifference("xgb_shap_categorical"), 1e-5); }
TEST(XgboostShap, MulticlassEqualsPredContribs) { EXPECT_LT(MaxDifference("xgb_shap_multiclass"), 1e-5); }

}  // namespace
}  // namespace finai::explain
