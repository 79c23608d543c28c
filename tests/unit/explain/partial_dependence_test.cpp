// Partial dependence and ICE curves: their defining properties on trained models, the default grid by hand-computed
// cases, determinism, weights and refused inputs. tests/unit/explain/pdp_golden_test.cpp checks the values against
// scikit-learn on an XGBoost model.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "explain_test_util.hpp"
#include "finai/core/error.hpp"
#include "finai/explain/global.hpp"
#include "finai/explain/partial_dependence.hpp"
#include "finai/models/gbdt/predict.hpp"

namespace finai::explain {
namespace {

using testing::RandomFrame;
using testing::TrainModel;

Context Threads(int n) {
  Context ctx;
  ctx.set_threads(n);
  return ctx;
}

struct Trained {
  gbdt::GbdtModel model;
  gbdt::FeatureMatrix x;
};

Trained Binary() {
  const Frame f = RandomFrame(300, 4, 2, 11);
  Trained t{.model = TrainModel(f, gbdt::ObjectiveKind::kBinaryLogLoss, 25, 4, 3)};
  t.x = gbdt::BuildFeatureMatrix(t.model, f, Context());
  return t;
}

int FeatureNamed(const gbdt::GbdtModel& model, const std::string& name) {
  for (std::size_t f = 0; f < model.features.size(); ++f) {
    if (model.features[f].name == name) return static_cast<int>(f);
  }
  return -1;
}

TEST(PartialDependence, PdIsTheMeanOfTheIceCurves) {
  const Trained t = Binary();
  for (const CurveScale scale : {CurveScale::kMargin, CurveScale::kResponse}) {
    const PartialDependence pd =
        ComputePartialDependence(t.model, t.x, 0, {.grid_options = {.resolution = 20}, .scale = scale}, Context());
    ASSERT_EQ(pd.points(), 20u);
    ASSERT_EQ(pd.rows, t.x.rows);
    for (std::size_t g = 0; g < pd.points(); ++g) {
      double sum = 0;
      for (std::int64_t r = 0; r < pd.rows; ++r) sum += pd.ice(r, 0, g);
      EXPECT_NEAR(pd.pd(0, g), sum / static_cast<double>(pd.rows), 1e-12);
    }
  }
}

// The ICE curve of a row, at the row's own value of the feature, is the row's prediction (exactly: the same trees
// added in the same order), on both scales and for every class of a multiclass model.
TEST(PartialDependence, IceAtTheRowsOwnValueIsItsPrediction) {
  for (const int classes : {2, 3}) {
    const Frame f = RandomFrame(200, 3, classes, 5);
    const auto objective = classes == 2 ? gbdt::ObjectiveKind::kBinaryLogLoss : gbdt::ObjectiveKind::kMulticlassSoftmax;
    const gbdt::GbdtModel model = TrainModel(f, objective, 15, 4, 9);
    const gbdt::FeatureMatrix x = gbdt::BuildFeatureMatrix(model, f, Context());
    for (const std::string name : {"x1", "cat"}) {
      const int feature = FeatureNamed(model, name);
      ASSERT_GE(feature, 0);
      // The grid: the distinct known values of the first 30 rows.
      std::vector<double> grid;
      for (std::int64_t r = 0; r < 30; ++r) {
        const double v = x.row(r)[static_cast<std::size_t>(feature)];
        if (!std::isnan(v) && std::find(grid.begin(), grid.end(), v) == grid.end()) grid.push_back(v);
      }
      for (const auto& [scale, kind] : {std::pair{CurveScale::kMargin, gbdt::PredictKind::kMargin},
                                       std::pair{CurveScale::kResponse, gbdt::PredictKind::kResponse}}) {
        const PartialDependence pd =
            ComputePartialDependence(model, x, feature, {.grid = grid, .scale = scale}, Context());
        const std::vector<double> p = gbdt::Predict(model, x, kind, Context());
        ASSERT_EQ(pd.outputs, model.num_outputs());
        int checked = 0;
        for (std::int64_t r = 0; r < 30; ++r) {
          const double v = x.row(r)[static_cast<std::size_t>(feature)];
          if (std::isnan(v)) continue;
          const auto g = static_cast<std::size_t>(std::find(grid.begin(), grid.end(), v) - grid.begin());
          for (int k = 0; k < pd.outputs; ++k) {
            EXPECT_EQ(pd.ice(r, k, g), p[static_cast<std::size_t>(r * pd.outputs + k)]) << name << " row " << r;
          }
          ++checked;
        }
        EXPECT_GT(checked, 20);
      }
    }
  }
}

TEST(PartialDependence, MulticlassResponseCurvesSumToOne) {
  const Frame f = RandomFrame(200, 3, 3, 8);
  const gbdt::GbdtModel model = TrainModel(f, gbdt::ObjectiveKind::kMulticlassSoftmax, 10, 3, 2);
  const gbdt::FeatureMatrix x = gbdt::BuildFeatureMatrix(model, f, Context());
  const PartialDependence pd = ComputePartialDependence(
      model, x, 1, {.grid_options = {.resolution = 7}, .scale = CurveScale::kResponse}, Context());
  ASSERT_EQ(pd.outputs, 3);
  for (std::size_t g = 0; g < pd.points(); ++g) {
    EXPECT_NEAR(pd.pd(0, g) + pd.pd(1, g) + pd.pd(2, g), 1.0, 1e-12);
    for (std::int64_t r = 0; r < pd.rows; r += 17) EXPECT_NEAR(pd.ice(r, 0, g) + pd.ice(r, 1, g) + pd.ice(r, 2, g), 1.0, 1e-12);
  }
}

// A feature no tree splits on: every ICE curve is flat (exactly), and so is the PD curve.
TEST(PartialDependence, FlatForAFeatureTheModelNeverUses) {
  gbdt::GbdtModel model = testing::RandomDeepModel(21, 3, 10, 6);
  model.features.push_back({.name = "unused"});
  const gbdt::FeatureMatrix x = testing::RandomRows(4, 100, 4);
  const PartialDependence pd =
      ComputePartialDependence(model, x, 3, {.grid = {-5, -1, 0, 0.3, 2, 100}}, Context());
  for (std::int64_t r = 0; r < pd.rows; ++r) {
    for (std::size_t g = 1; g < pd.points(); ++g) EXPECT_EQ(pd.ice(r, 0, g), pd.ice(r, 0, 0));
  }
  for (std::size_t g = 1; g < pd.points(); ++g) EXPECT_EQ(pd.pd(0, g), pd.pd(0, 0));
  // A used feature is not flat (the test can fail).
  const PartialDependence used = ComputePartialDependence(model, x, 0, {.grid = {-1, -0.5, 0, 0.5, 1}}, Context());
  EXPECT_NE(used.pd(0, 0), used.pd(0, 4));
}

// Monotone constraints: every ICE curve (and so the PD curve) of the constrained feature moves one way only.
TEST(PartialDependence, MonotoneForAMonotoneConstrainedFeature) {
  const Frame f = RandomFrame(400, 3, 2, 13);
  gbdt::GbdtParams p;
  p.objective = gbdt::ObjectiveKind::kBinaryLogLoss;
  p.num_rounds = 30;
  p.max_depth = 4;
  p.learning_rate = 0.3;
  p.min_data_in_leaf = 3;
  p.monotone_constraints = {{"x0", 1}, {"x1", -1}};
  Context one;
  one.set_threads(1);
  const gbdt::GbdtModel model = gbdt::Train(f, testing::SchemaOf(f), {}, p, one).model;
  const gbdt::FeatureMatrix x = gbdt::BuildFeatureMatrix(model, f, Context());
  for (const auto& [name, direction] : {std::pair{std::string("x0"), 1}, std::pair{std::string("x1"), -1}}) {
    const int feature = FeatureNamed(model, name);
    const PartialDependence pd = ComputePartialDependence(
        model, x, feature, {.grid_options = {.resolution = 40, .lower = 0, .upper = 1}, .scale = CurveScale::kResponse},
        Context());
    for (std::int64_t r = 0; r < pd.rows; ++r) {
      for (std::size_t g = 1; g < pd.points(); ++g) {
        EXPECT_GE(direction * (pd.ice(r, 0, g) - pd.ice(r, 0, g - 1)), 0.0) << name << " row " << r;
      }
    }
    for (std::size_t g = 1; g < pd.points(); ++g) EXPECT_GE(direction * (pd.pd(0, g) - pd.pd(0, g - 1)), 0.0);
    EXPECT_GT(direction * (pd.pd(0, pd.points() - 1) - pd.pd(0, 0)), 0.0) << name << " is used";
  }
}

TEST(PartialDependence, WeightsGiveTheWeightedMean) {
  const Trained t = Binary();
  std::vector<double> w(static_cast<std::size_t>(t.x.rows));
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = static_cast<double>(i % 3);  // 0, 1, 2
  const std::vector<double> grid = {-1, 0, 1};
  const PartialDependence weighted = ComputePartialDependence(t.model, t.x, 1, {.grid = grid, .weights = w}, Context());
  // Weight 2 is the row twice, weight 0 the row left out.
  gbdt::FeatureMatrix repeated{.rows = 0, .cols = t.x.cols};
  for (std::int64_t r = 0; r < t.x.rows; ++r) {
    for (int c = 0; c < static_cast<int>(w[static_cast<std::size_t>(r)]); ++c) {
      repeated.values.insert(repeated.values.end(), t.x.row(r).begin(), t.x.row(r).end());
      ++repeated.rows;
    }
  }
  const PartialDependence plain = ComputePartialDependence(t.model, repeated, 1, {.grid = grid}, Context());
  double total = 0;
  for (double v : w) total += v;
  for (std::size_t g = 0; g < grid.size(); ++g) {
    EXPECT_NEAR(weighted.pd(0, g), plain.pd(0, g), 1e-12);
    double sum = 0;
    for (std::int64_t r = 0; r < weighted.rows; ++r) sum += w[static_cast<std::size_t>(r)] * weighted.ice(r, 0, g);
    EXPECT_NEAR(weighted.pd(0, g), sum / total, 1e-12);
  }
  // Equal weights are the plain mean.
  const PartialDependence ones = ComputePartialDependence(
      t.model, t.x, 1, {.grid = grid, .weights = std::vector<double>(w.size(), 3.0)}, Context());
  const PartialDependence none = ComputePartialDependence(t.model, t.x, 1, {.grid = grid}, Context());
  for (std::size_t g = 0; g < grid.size(); ++g) EXPECT_NEAR(ones.pd(0, g), none.pd(0, g), 1e-12);
}

TEST(PartialDependence, BitIdenticalAtAnyThreadCountWithOrWithoutIce) {
  const Trained t = Binary();
  const PartialDependenceOptions options{.grid_options = {.resolution = 50}, .scale = CurveScale::kResponse};
  const PartialDependence one = ComputePartialDependence(t.model, t.x, 2, options, Threads(1));
  for (const int threads : {2, 3, 7}) {
    const PartialDependence many = ComputePartialDependence(t.model, t.x, 2, options, Threads(threads));
    EXPECT_EQ(many.average, one.average) << threads;
    EXPECT_EQ(many.individual, one.individual) << threads;
  }
  PartialDependenceOptions no_ice = options;
  no_ice.keep_ice = false;
  const PartialDependence bare = ComputePartialDependence(t.model, t.x, 2, no_ice, Threads(3));
  EXPECT_EQ(bare.average, one.average);
  EXPECT_TRUE(bare.individual.empty());
}

gbdt::GbdtModel OneFeatureModel(bool categorical = false) {
  gbdt::GbdtModel model;
  model.base_margin = {0};
  model.features.push_back({.name = "v", .categorical = categorical});
  if (categorical) model.features[0].categories = {"a", "b", "c", "d"};
  return model;
}

gbdt::FeatureMatrix Column1(const std::vector<double>& values) {
  return {.rows = static_cast<std::int64_t>(values.size()), .cols = 1, .values = values};
}

TEST(DefaultGrid, DistinctKnownValuesWhenFewerThanTheResolution) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(DefaultGrid(OneFeatureModel(), Column1({3, 1, nan, 2, 3, 1}), 0), (std::vector<double>{1, 2, 3}));
  // Categorical: the model's categories present, in id order; missing and unseen (id 4) left out.
  EXPECT_EQ(DefaultGrid(OneFeatureModel(true), Column1({3, 0, nan, 4, 3, 0}), 0), (std::vector<double>{0, 3}));
}

TEST(DefaultGrid, EvenlySpacedBetweenTheQuantilesAsScikitLearn) {
  // 1, 2, ..., 200 (and missing values, ignored): mquantiles(alphap = betap = 0.4) at p = 0.05: m = 0.41,
  // aleph = 200 * 0.05 + 0.41 = 10.41, k = 10, gamma = 0.41: 10 + 0.41 = 10.41; at 0.95: m = 0.59, aleph = 190.59:
  // 190.59.
  std::vector<double> values;
  for (int i = 200; i >= 1; --i) values.push_back(i);
  values.push_back(std::nan(""));
  const std::vector<double> grid = DefaultGrid(OneFeatureModel(), Column1(values), 0, {.resolution = 5});
  ASSERT_EQ(grid.size(), 5u);
  EXPECT_NEAR(grid[0], 10.41, 1e-12);
  EXPECT_NEAR(grid[1], 10.41 + 45.045, 1e-12);
  EXPECT_NEAR(grid[2], 100.5, 1e-12);
  EXPECT_DOUBLE_EQ(grid[4], 190.59);
  // The default resolution is 100 points.
  EXPECT_EQ(DefaultGrid(OneFeatureModel(), Column1(values), 0).size(), 100u);
}

TEST(DefaultGrid, RefusesWhatCannotMakeAGrid) {
  const auto model = OneFeatureModel();
  EXPECT_THROW(DefaultGrid(model, Column1({1, 2, 3}), 0, {.resolution = 1}), InvalidArgument);
  EXPECT_THROW(DefaultGrid(model, Column1({1, 2, 3}), 0, {.lower = 0.9, .upper = 0.1}), InvalidArgument);
  EXPECT_THROW(DefaultGrid(model, Column1({std::nan("")}), 0), InvalidArgument);
  EXPECT_THROW(DefaultGrid(model, Column1({1, 2}), 1), InvalidArgument);
  // 300 values of which the middle 90% are equal: equal quantiles.
  std::vector<double> values(300, 5.0);
  for (int i = 0; i < 10; ++i) values[static_cast<std::size_t>(i)] = i, values[299 - static_cast<std::size_t>(i)] = 100 + i;
  for (int i = 10; i < 110; ++i) values[static_cast<std::size_t>(i)] = 5 + 1e-12 * i;  // >= 100 distinct values
  EXPECT_THROW(DefaultGrid(model, Column1(values), 0), InvalidArgument);
}

TEST(PartialDependence, RefusesBadInput) {
  const Trained t = Binary();
  EXPECT_THROW(ComputePartialDependence(t.model, t.x, -1, {}, Context()), InvalidArgument);
  EXPECT_THROW(ComputePartialDependence(t.model, t.x, 99, {}, Context()), InvalidArgument);
  EXPECT_THROW(ComputePartialDependence(t.model, t.x, 0, {.grid = {1, 2, 1}}, Context()), InvalidArgument);
  EXPECT_THROW(ComputePartialDependence(t.model, t.x, 0, {.grid = {1, std::nan("")}}, Context()), InvalidArgument);
  const int cat = FeatureNamed(t.model, "cat");
  EXPECT_THROW(ComputePartialDependence(t.model, t.x, cat, {.grid = {0, 1.5}}, Context()), InvalidArgument);
  EXPECT_THROW(ComputePartialDependence(t.model, t.x, cat, {.grid = {0, 6}}, Context()), InvalidArgument);
  EXPECT_THROW(ComputePartialDependence(t.model, t.x, 0, {.weights = {1, 2}}, Context()), InvalidArgument);
  std::vector<double> w(static_cast<std::size_t>(t.x.rows), 1.0);
  w[3] = -1;
  EXPECT_THROW(ComputePartialDependence(t.model, t.x, 0, {.weights = w}, Context()), InvalidArgument);
  EXPECT_THROW(ComputePartialDependence(t.model, t.x, 0, {.weights = std::vector<double>(w.size(), 0.0)}, Context()),
               InvalidArgument);
  gbdt::FeatureMatrix empty{.rows = 0, .cols = t.x.cols};
  EXPECT_THROW(ComputePartialDependence(t.model, empty, 0, {.grid = {1, 2}}, Context()), InvalidArgument);
  gbdt::FeatureMatrix narrow{.rows = 1, .cols = 2, .values = {1, 2}};
  EXPECT_THROW(ComputePartialDependence(t.model, narrow, 0, {.grid = {1, 2}}, Context()), InvalidData);
}

TEST(Dependence, EachRowsValueAndItsShapValue) {
  ShapMatrix shap{.rows = 2, .outputs = 2, .features = 2,
                  .values = {1, -3, 9, 0.5, 0, 9, -2, 1, 9, -0.5, 4, 9}};
  const gbdt::FeatureMatrix x{.rows = 2, .cols = 2, .values = {10, 20, std::nan(""), 40}};
  const DependenceData d = Dependence(shap, x, 1, 0);
  EXPECT_EQ(d.value, (std::vector<double>{20, 40}));
  EXPECT_EQ(d.shap, (std::vector<double>{-3, 1}));
  const DependenceData d0 = Dependence(shap, x, 0, 1);
  EXPECT_EQ(d0.value[0], 10);
  EXPECT_TRUE(std::isnan(d0.value[1]));
  EXPECT_EQ(d0.shap, (std::vector<double>{0.5, -0.5}));
  EXPECT_THROW(Dependence(shap, x, 2, 0), InvalidArgument);
  EXPECT_THROW(Dependence(shap, x, 0, 2), InvalidArgument);
  const gbdt::FeatureMatrix short_x{.rows = 1, .cols = 2, .values = {1, 2}};
  EXPECT_THROW(Dependence(shap, short_x, 0, 0), InvalidArgument);
}

// On a trained model the dependence data are the feature's column of the TreeSHAP matrix.
TEST(Dependence, MatchesTheShapMatrix) {
  const Trained t = Binary();
  const ShapMatrix shap = ShapValues(t.model, t.x, Context());
  const DependenceData d = Dependence(shap, t.x, 2);
  ASSERT_EQ(d.shap.size(), static_cast<std::size_t>(t.x.rows));
  for (std::int64_t r = 0; r < t.x.rows; ++r) {
    EXPECT_EQ(d.shap[static_cast<std::size_t>(r)], shap.at(r, 0, 2));
    const double v = t.x.row(r)[2];
    if (std::isnan(v)) EXPECT_TRUE(std::isnan(d.value[static_cast<std::size_t>(r)]));
    else EXPECT_EQ(d.value[static_cast<std::size_t>(r)], v);
  }
}

}  // namespace
}  // namespace finai::explain
