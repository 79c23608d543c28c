#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>

#include "finai/core/error.hpp"
#include "finai/metrics/metrics.hpp"
#include "finai/models/gbdt/predict.hpp"
#include "finai/models/gbdt/train.hpp"
#include "gbdt_test_util.hpp"

namespace finai::gbdt {
namespace {

using testing::BinaryFrame;
using testing::SchemaOf;

Context Threads(int t) {
  Context ctx;
  ctx.set_threads(t);
  return ctx;
}

std::vector<double> Labels(const Frame& f) {
  std::vector<double> y;
  for (auto c : f.column("y").codes()) y.push_back(c == 1 ? 1.0 : 0.0);
  return y;
}

bool SameModel(const GbdtModel& a, const GbdtModel& b) {
  if (a.trees.size() != b.trees.size() || a.base_margin != b.base_margin) return false;
  for (std::size_t t = 0; t < a.trees.size(); ++t) {
    const auto& na = a.trees[t].nodes;
    const auto& nb = b.trees[t].nodes;
    if (na.size() != nb.size() || a.trees[t].category_sets != b.trees[t].category_sets) return false;
    for (std::size_t i = 0; i < na.size(); ++i) {
      if (na[i].left != nb[i].left || na[i].feature != nb[i].feature || na[i].default_left != nb[i].default_left ||
          std::memcmp(&na[i].threshold, &nb[i].threshold, sizeof(double)) != 0 ||
          std::memcmp(&na[i].value, &nb[i].value, sizeof(double)) != 0) {
        return false;
      }
    }
  }
  return true;
}

TEST(GbdtTrain, LearnsABinaryProblemAndFastPredictEqualsReference) {
  const Frame train = BinaryFrame(20000, 1), test = BinaryFrame(5000, 2);
  GbdtParams p;
  p.num_rounds = 50;
  p.max_depth = 4;
  const TrainResult r = Train(train, SchemaOf(train, "y"), {}, p, Context(), &test);
  EXPECT_EQ(r.model.trees.size(), 50u);
  EXPECT_EQ(r.model.class_labels, (std::vector<std::string>{"good", "bad"}));
  const FeatureMatrix x = BuildFeatureMatrix(r.model, test, Context());
  const auto fast = Predict(r.model, x, PredictKind::kResponse, Threads(2));
  const auto ref = ReferencePredict(r.model, x, PredictKind::kResponse);
  ASSERT_EQ(fast.size(), ref.size());
  for (std::size_t i = 0; i < fast.size(); ++i) ASSERT_EQ(fast[i], ref[i]) << i;
  // The generating model's own AUC on this test set is about 0.84; a good fit gets close.
  const double auc = metrics::Auc(Labels(test), fast);
  EXPECT_GT(auc, 0.80);
  EXPECT_NEAR(r.history.back().valid, auc, 1e-12);
}

// Covers both gradient precisions: the frame with a categorical column trains on exact gradients, the one
// without on low-bit gradients.
class GbdtTrainBothPrecisions : public ::testing::TestWithParam<bool> {};
INSTANTIATE_TEST_SUITE_P(Precision, GbdtTrainBothPrecisions, ::testing::Values(true, false),
                         [](const auto& test) { return test.param ? "Exact" : "LowBit"; });

TEST_P(GbdtTrainBothPrecisions, BitIdenticalAtOneAndTwoThreads) {
  const Frame train = BinaryFrame(30000, 3, GetParam());
  GbdtParams p;
  p.num_rounds = 20;
  p.subsample = 0.8;
  p.colsample_bytree = 0.75;
  for (GrowPolicy g : {GrowPolicy::kDepthWise, GrowPolicy::kLeafWise}) {
    p.grow_policy = g;
    p.max_leaves = g == GrowPolicy::kLeafWise ? 24 : 0;
    const auto a = Train(train, SchemaOf(train, "y"), {}, p, Threads(1));
    const auto b = Train(train, SchemaOf(train, "y"), {}, p, Threads(2));
    EXPECT_TRUE(SameModel(a.model, b.model));
    p.seed = 7;
    const auto c = Train(train, SchemaOf(train, "y"), {}, p, Threads(2));
    EXPECT_FALSE(SameModel(a.model, c.model)) << "the seed must matter with sampling";
    p.seed = 0;
  }
}

TEST_P(GbdtTrainBothPrecisions, MonotoneConstraintsHoldForEveryInput) {
  // Property test: random models (random data and parameters) with x0 increasing and x2 decreasing; for
  // random rows, sweeping the constrained feature over a grid never moves the score the wrong way.
  for (std::uint64_t seed = 0; seed < 4; ++seed) {
    const Frame train = BinaryFrame(8000, 100 + seed, GetParam());
    GbdtParams p;
    p.num_rounds = 30;
    p.max_depth = static_cast<int>(3 + seed);
    p.learning_rate = 0.3;
    p.monotone_constraints = {{"x0", 1}, {"x2", -1}};
    p.grow_policy = seed % 2 ? GrowPolicy::kLeafWise : GrowPolicy::kDepthWise;
    p.max_leaves = seed % 2 ? 16 : 0;
    const GbdtModel m = Train(train, SchemaOf(train, "y"), {}, p, Context()).model;
    const CompiledModel compiled(m);
    Rng rng(seed);
    for (int trial = 0; trial < 300; ++trial) {
      std::vector<double> row = {rng.Normal(), rng.Uniform() < 0.1 ? std::nan("") : rng.Normal(), rng.Uniform() * 10,
                                 static_cast<double>(rng.Below(6))};
      if (!GetParam()) row.pop_back();
      for (int f : {0, 2}) {
        const int direction = f == 0 ? 1 : -1;
        double prev = 0;
        for (int g = 0; g <= 60; ++g) {
          row[static_cast<std::size_t>(f)] = f == 0 ? -4 + g * (8.0 / 60) : g * (10.0 / 60);
          double margin = 0;
          compiled.PredictRow(row, std::span<double>(&margin, 1));
          if (g > 0) {
            ASSERT_GE(direction * (margin - prev), -1e-12) << "seed " << seed << " feature " << f;
          }
          prev = margin;
        }
      }
    }
  }
}

TEST(GbdtTrain, LowBitGradientsKeepTheAccuracyOfExactOnes) {
  // Same data and parameters on both precisions: the trees differ (the low-bit path is taken), the test AUC
  // does not move by more than a few thousandths, and the model file records the precision asked for.
  const Frame train = BinaryFrame(40000, 11, false), test = BinaryFrame(20000, 12, false);
  GbdtParams p;
  p.num_rounds = 60;
  const TrainResult low = Train(train, SchemaOf(train, "y"), {}, p, Threads(2), &test);
  p.gradient_precision = GradientPrecision::kExact;
  const TrainResult exact = Train(train, SchemaOf(train, "y"), {}, p, Threads(2), &test);
  EXPECT_FALSE(SameModel(low.model, exact.model));
  EXPECT_NEAR(low.history.back().valid, exact.history.back().valid, 0.003);
  EXPECT_GT(low.history.back().valid, 0.75);
  EXPECT_EQ(low.model.params.gradient_precision, GradientPrecision::kAuto);
  // min_data_in_leaf > 1 needs exact row counts: the same trees as asking for exact gradients.
  p.min_data_in_leaf = 2;
  const TrainResult counted = Train(train, SchemaOf(train, "y"), {}, p, Threads(2));
  p.gradient_precision = GradientPrecision::kAuto;
  EXPECT_TRUE(SameModel(counted.model, Train(train, SchemaOf(train, "y"), {}, p, Threads(2)).model));
}

TEST(GbdtTrain, InteractionConstraintsLimitEveryPath) {
  const Frame train = BinaryFrame(10000, 5);
  GbdtParams p;
  p.num_rounds = 15;
  p.max_depth = 5;
  p.interaction_constraints = {{"x1", "x2"}, {"x0", "cat"}};
  const GbdtModel m = Train(train, SchemaOf(train, "y"), {}, p, Context()).model;
  // Features 0..3 are x0, x1, x2, cat; allowed groups {1,2} and {0,3}.
  auto group = [](int f) { return f == 1 || f == 2 ? 1 : 0; };
  for (const Tree& t : m.trees) {
    std::vector<int> parent_group(t.nodes.size(), -1);
    for (std::size_t i = 0; i < t.nodes.size(); ++i) {
      const TreeNode& n = t.nodes[i];
      if (n.is_leaf()) continue;
      const int g = group(n.feature);
      if (parent_group[i] >= 0) {
        ASSERT_EQ(parent_group[i], g);
      }
      parent_group[static_cast<std::size_t>(n.left)] = g;
      parent_group[static_cast<std::size_t>(n.right)] = g;
    }
  }
}

TEST(GbdtTrain, EarlyStoppingKeepsTheBestRounds) {
  const Frame train = BinaryFrame(3000, 6), valid = BinaryFrame(3000, 7);
  GbdtParams p;
  p.num_rounds = 400;
  p.learning_rate = 0.5;
  p.max_depth = 6;
  p.early_stopping_rounds = 10;
  p.eval_metric = "logloss";
  const TrainResult r = Train(train, SchemaOf(train, "y"), {}, p, Context(), &valid);
  EXPECT_LT(r.history.size(), 400u);
  EXPECT_EQ(r.history.size(), static_cast<std::size_t>(r.best_iteration + 10));
  EXPECT_EQ(r.model.trees.size(), static_cast<std::size_t>(r.best_iteration));
  double best = 1e9;
  for (const auto& h : r.history) best = std::min(best, h.valid);
  EXPECT_EQ(r.history[static_cast<std::size_t>(r.best_iteration - 1)].valid, best);
}

TEST(GbdtTrain, RegressionAndMulticlass) {
  Rng rng(9);
  const int n = 5000;
  std::vector<double> x(n), y(n);
  std::vector<std::int32_t> cls(n);
  for (int i = 0; i < n; ++i) {
    x[i] = rng.Uniform() * 6;
    y[i] = std::sin(x[i]) + 0.1 * rng.Normal();
    cls[i] = x[i] < 2 ? 0 : (x[i] < 4 ? 1 : 2);
  }
  Frame reg({Column::Float64("y", y), Column::Float64("x", x)});
  GbdtParams p;
  p.objective = ObjectiveKind::kSquaredError;
  p.num_rounds = 100;
  const TrainResult r = Train(reg, testing::SchemaOf(reg, "y"), {}, p, Context(), &reg);
  EXPECT_LT(r.history.back().valid, 0.12);  // noise sd is 0.1
  Frame mc({Column::Categorical("y", cls, {"low", "mid", "high"}), Column::Float64("x", x)});
  p.objective = ObjectiveKind::kMulticlassSoftmax;
  p.num_rounds = 30;
  p.eval_metric = "merror";
  const TrainResult m = Train(mc, testing::SchemaOf(mc, "y"), {}, p, Context(), &mc);
  EXPECT_EQ(m.model.num_classes, 3);
  EXPECT_EQ(m.model.trees.size(), 90u);
  EXPECT_LT(m.history.back().valid, 0.01);
  const FeatureMatrix fx = BuildFeatureMatrix(m.model, mc, Context());
  const auto prob = Predict(m.model, fx, PredictKind::kResponse, Context());
  EXPECT_NEAR(prob[0] + prob[1] + prob[2], 1.0, 1e-12);
}

TEST(GbdtTrain, RejectsMisusedParameters) {
  const Frame train = BinaryFrame(500, 8);
  GbdtParams p;
  p.monotone_constraints = {{"nope", 1}};
  EXPECT_THROW(Train(train, SchemaOf(train, "y"), {}, p, Context()), InvalidArgument);
  p.monotone_constraints = {{"cat", 1}};
  EXPECT_THROW(Train(train, SchemaOf(train, "y"), {}, p, Context()), InvalidArgument);
  p.monotone_constraints = {};
  p.learning_rate = 0;
  try {
    Train(train, SchemaOf(train, "y"), {}, p, Context());
    FAIL();
  } catch (const InvalidArgument& e) {
    EXPECT_STREQ(e.what(), "parameter 'learning_rate': value '0': parameter out of range; expected in (0, 1]");
  }
}

TEST(GbdtParams, UnknownOrMisspeltKeysAreErrors) {
  try {
    ParseParams(R"({"num_rounds": 10, "monotone_constriants": {"x": 1}})", "p.json");
    FAIL();
  } catch (const InvalidData& e) {
    EXPECT_EQ(std::string(e.what()).rfind("p.json: parameter 'monotone_constriants': unknown parameter; expected", 0), 0u)
        << e.what();
  }
  EXPECT_THROW(ParseParams(R"({"max_depth": "six"})", "p.json"), InvalidData);
  EXPECT_THROW(ParseParams(R"({"subsample": 1.5})", "p.json"), InvalidData);
  EXPECT_THROW(ParseParams(R"({"gradient_precision": "low"})", "p.json"), InvalidData);
  EXPECT_EQ(ParseParams(R"({"gradient_precision": "exact"})", "p.json").gradient_precision, GradientPrecision::kExact);
  const GbdtParams p = ParseParams(R"({"num_rounds": 7, "grow_policy": "leafwise", "max_leaves": 8})", "p.json");
  EXPECT_EQ(p.num_rounds, 7);
  EXPECT_EQ(p.grow_policy, GrowPolicy::kLeafWise);
  // Round trip.
  const GbdtParams q = ParseParams(ParamsToJson(p), "q.json");
  EXPECT_EQ(ParamsToJson(q), ParamsToJson(p));
}

TEST(GbdtPredict, FeatureMatrixOfARowRangeEqualsThoseRowsOfTheWholeMatrix) {
  // And the validation metric, scored a block of 8192 rows at a time at the end of training, equals the
  // one from the whole matrix.
  const Frame train = BinaryFrame(5000, 21), valid = BinaryFrame(20000, 22);
  GbdtParams p;
  p.num_rounds = 5;
  const TrainResult r = Train(train, SchemaOf(train, "y"), {}, p, Threads(2), &valid);
  const FeatureMatrix whole = BuildFeatureMatrix(r.model, valid, Threads(2));
  FeatureMatrix part;
  FillFeatureMatrix(r.model, valid, 8000, 12345, part);
  ASSERT_EQ(part.rows, 4345);
  ASSERT_EQ(part.cols, whole.cols);
  for (std::int64_t row = 0; row < part.rows; ++row) {
    for (int c = 0; c < part.cols; ++c) {
      const double a = part.row(row)[static_cast<std::size_t>(c)], b = whole.row(row + 8000)[static_cast<std::size_t>(c)];
      ASSERT_TRUE(a == b || (std::isnan(a) && std::isnan(b))) << row << " " << c;
    }
  }
  const double auc = metrics::Auc(Labels(valid), Predict(r.model, whole, PredictKind::kResponse, Threads(1)));
  EXPECT_NEAR(r.history.back().valid, auc, 1e-12);
}

TEST(GbdtPredict, FastPathsEqualTheReferenceBitForBit) {
  // Batch (rows in lockstep) and single-row (trees in lockstep groups) predictions against the plain walk,
  // on models with and without categorical splits, with missing values, over more trees than one group.
  const Frame train = BinaryFrame(3000, 11);
  const Frame numeric_only({train.column("y"), train.column("x0"), train.column("x1"), train.column("x2")});
  for (const Frame* frame : {&train, &numeric_only}) {
    GbdtParams p;
    p.num_rounds = 21;
    p.max_depth = 5;
    p.learning_rate = 0.3;
    const GbdtModel m = Train(*frame, SchemaOf(*frame, "y"), {}, p, Context()).model;
    const FeatureMatrix x = BuildFeatureMatrix(m, *frame, Context());
    const auto reference = ReferencePredict(m, x, PredictKind::kMargin);
    Context two;
    two.set_threads(2);
    const auto batch = Predict(m, x, PredictKind::kMargin, two);
    const CompiledModel compiled(m);
    for (std::int64_t r = 0; r < x.rows; ++r) {
      double single = 0;
      compiled.PredictRow(x.row(r), std::span<double>(&single, 1));
      const double want = reference[static_cast<std::size_t>(r)];
      ASSERT_EQ(std::bit_cast<std::uint64_t>(batch[static_cast<std::size_t>(r)]), std::bit_cast<std::uint64_t>(want))
          << "batch row " << r;
      ASSERT_EQ(std::bit_cast<std::uint64_t>(single), std::bit_cast<std::uint64_t>(want)) << "single row " << r;
    }
  }
}

}  // namespace
}  // namespace finai::gbdt
