// Counterfactual recourse: the mixed-integer program against the brute-force oracle on trained and random models,
// the actions it must respect, the action file and the schema defaults.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "explain_test_util.hpp"
#include "finai/core/error.hpp"
#include "finai/explain/recourse.hpp"
#include "finai/models/gbdt/predict.hpp"

namespace finai::explain {
namespace {

using testing::RandomDeepModel;
using testing::RandomFrame;
using testing::RandomRows;
using testing::TrainModel;

// Random actions on the numeric features: about 2/3 actionable, random direction, range, step and cost.
std::vector<FeatureAction> RandomActions(const gbdt::GbdtModel& model, Rng& rng) {
  std::vector<FeatureAction> actions(model.features.size());
  for (std::size_t j = 0; j < actions.size(); ++j) {
    FeatureAction& a = actions[j];
    if (model.features[j].categorical || rng.Uniform() < 0.33) continue;
    a.actionable = true;
    const double u = rng.Uniform();
    a.direction = u < 0.25 ? 1 : u < 0.5 ? -1 : 0;
    if (rng.Uniform() < 0.4) a.lower = -0.8 + 0.5 * rng.Uniform();
    if (rng.Uniform() < 0.4) a.upper = 0.3 + 0.5 * rng.Uniform();
    if (rng.Uniform() < 0.3) a.step = rng.Uniform() < 0.5 ? 0.25 : 0.1;
    a.cost_per_unit = 0.2 + 2 * rng.Uniform();
  }
  return actions;
}

// Every change respects its action, and re-predicted the applicant is approved.
void ExpectRespectsActions(const gbdt::GbdtModel& model, const double* row, const RecourseOptions& o,
                           const Recourse& r) {
  std::vector<double> changed(row, row + model.features.size());
  double cost = 0;
  for (const FeatureChange& c : r.changes) {
    const FeatureAction& a = o.actions[static_cast<std::size_t>(c.feature)];
    ASSERT_TRUE(a.actionable);
    EXPECT_EQ(c.from, row[c.feature]);
    EXPECT_NE(c.to, c.from);
    EXPECT_GE(c.to, a.lower);
    EXPECT_LE(c.to, a.upper);
    if (a.direction != 0) {
      EXPECT_GT((c.to - c.from) * a.direction, 0);
    }
    if (a.step > 0) {
      EXPECT_EQ(c.to, std::round(c.to / a.step) * a.step);
    }
    EXPECT_NEAR(c.cost, a.cost_per_unit * std::abs(c.to - c.from), 1e-12);
    changed[static_cast<std::size_t>(c.feature)] = c.to;
    cost += c.cost;
  }
  EXPECT_NEAR(cost, r.cost, 1e-12);
  const gbdt::FeatureMatrix x{.rows = 1, .cols = static_cast<int>(changed.size()), .values = changed};
  const double p = gbdt::ReferencePredict(model, x, gbdt::PredictKind::kResponse)[0];
  EXPECT_EQ(p, r.new_probability);
  EXPECT_LT(p, o.cutoff);
}

struct Tally {
  int with = 0, without = 0;
};

void CompareWithOracle(const gbdt::GbdtModel& model, const gbdt::FeatureMatrix& x, const RecourseOptions& o,
                       Tally& tally) {
  const RecourseSolver solver(model, o);
  for (std::int64_t r = 0; r < x.rows; ++r) {
    const double* row = x.row(r).data();
    const Recourse got = solver.Solve(row);
    const Recourse want = BruteForceRecourse(model, row, o);
    ASSERT_EQ(RecourseStatusName(got.status), RecourseStatusName(want.status)) << "row " << r;
    EXPECT_EQ(got.probability, want.probability);
    if (got.status != RecourseStatus::kOptimal) continue;
    ++tally.with;
    EXPECT_NEAR(got.cost, want.cost, 1e-9) << "row " << r;
    ExpectRespectsActions(model, row, o, got);
  }
  for (std::int64_t r = 0; r < x.rows; ++r) {
    if (solver.Solve(x.row(r).data()).status == RecourseStatus::kNoRecourse) ++tally.without;
  }
}

TEST(Recourse, EqualsTheOracleOnTrainedModels) {
  Tally tally;
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    const Frame frame = RandomFrame(300, 4, 2, seed);
    const gbdt::GbdtModel model = TrainModel(frame, gbdt::ObjectiveKind::kBinaryLogLoss, 6, 3, seed);
    Rng rng(seed, 7);
    const gbdt::FeatureMatrix x = gbdt::BuildFeatureMatrix(model, frame, Context());
    gbdt::FeatureMatrix some{.rows = 25, .cols = x.cols,
                             .values = std::vector<double>(x.values.begin(), x.values.begin() + 25 * x.cols)};
    RecourseOptions o{.cutoff = 0.3 + 0.3 * rng.Uniform(), .actions = RandomActions(model, rng)};
    CompareWithOracle(model, some, o, tally);
  }
  // The comparison means something only if both answers occur often.
  EXPECT_GE(tally.with, 20);
  EXPECT_GE(tally.without, 5);
}

TEST(Recourse, EqualsTheOracleOnRandomTreesWithXgboostComparisons) {
  Tally tally;
  for (std::uint64_t seed = 11; seed <= 18; ++seed) {
    gbdt::GbdtModel model = RandomDeepModel(seed, 3, 5, 4);
    for (auto& tree : model.trees) {
      for (auto& node : tree.nodes) node.value *= 0.4;
    }
    const bool xgboost = seed % 2 == 0;
    model.split_rule = xgboost ? gbdt::SplitRule::kLess : gbdt::SplitRule::kLessEqual;
    model.float32_compare = xgboost;
    Rng rng(seed, 3);
    RecourseOptions o{.cutoff = 0.5, .actions = RandomActions(model, rng)};
    CompareWithOracle(model, RandomRows(seed, 12, 3), o, tally);
  }
  EXPECT_GE(tally.with, 15);
  EXPECT_GE(tally.without, 5);
}

TEST(Recourse, ThresholdsAreCrossedExactly) {
  // One tree: x0 <= 1 scores low (approve), else high. An applicant at 3 must move to exactly 1 (finai's <=), or to
  // the largest double that rounds to a float32 below 1 for XGBoost's <.
  gbdt::GbdtModel model;
  model.base_margin = {0};
  model.features = {{.name = "debt"}};
  gbdt::Tree tree;
  tree.nodes = {{.left = 1, .right = 2, .feature = 0, .threshold = 1, .cover = 2}, {.value = -2, .cover = 1},
                {.value = 2, .cover = 1}};
  model.trees = {tree};
  model.tree_class = {0};
  RecourseOptions o{.cutoff = 0.5, .actions = {{.actionable = true, .cost_per_unit = 2}}};
  const double row[] = {3.0};
  Recourse r = RecourseSolver(model, o).Solve(row);
  ASSERT_EQ(r.status, RecourseStatus::kOptimal);
  ASSERT_EQ(r.changes.size(), 1U);
  EXPECT_EQ(r.changes[0].to, 1.0);
  EXPECT_DOUBLE_EQ(r.cost, 4.0);
  model.split_rule = gbdt::SplitRule::kLess;
  model.float32_compare = true;
  r = RecourseSolver(model, o).Solve(row);
  ASSERT_EQ(r.status, RecourseStatus::kOptimal);
  // The largest double that float32 rounds below 1.
  EXPECT_LT(static_cast<float>(r.changes[0].to), 1.0f);
  EXPECT_EQ(static_cast<float>(std::nextafter(r.changes[0].to, 2.0)), 1.0f);
  // Only increases allowed: no way down, so no recourse; a step of 0.75 lands on 0.75.
  o.actions[0].direction = 1;
  EXPECT_EQ(RecourseSolver(model, o).Solve(row).status, RecourseStatus::kNoRecourse);
  o.actions[0] = {.actionable = true, .step = 0.75};
  r = RecourseSolver(model, o).Solve(row);
  EXPECT_EQ(r.changes[0].to, 0.75);
  // Bounded below 1.5: still reachable; bounded at 1.2 from below: not.
  o.actions[0] = {.actionable = true, .lower = 1.2};
  EXPECT_EQ(RecourseSolver(model, o).Solve(row).status, RecourseStatus::kNoRecourse);
  // Approved applicants need nothing; a missing value is never changed.
  const double approved[] = {0.5};
  EXPECT_EQ(RecourseSolver(model, o).Solve(approved).status, RecourseStatus::kNotRefused);
  o.actions[0] = {.actionable = true};
  const double missing[] = {std::nan("")};
  model.trees[0].nodes[0].default_left = false;
  EXPECT_EQ(RecourseSolver(model, o).Solve(missing).status, RecourseStatus::kNoRecourse);
}

TEST(Recourse, StepsThatAreNotBinaryFractions) {
  // x <= 0.3 approves. With a step of 0.1 the allowed values are n * 0.1 in floating point: 3 * 0.1 is
  // 0.30000000000000004, just above 0.3 (refused), so the least-cost change is 2 * 0.1; the oracle agrees.
  gbdt::GbdtModel model;
  model.base_margin = {0};
  model.features = {{.name = "utilisation"}};
  gbdt::Tree tree;
  tree.nodes = {{.left = 1, .right = 2, .feature = 0, .threshold = 0.3, .cover = 2}, {.value = -2, .cover = 1},
                {.value = 2, .cover = 1}};
  model.trees = {tree};
  model.tree_class = {0};
  RecourseOptions o{.cutoff = 0.5, .actions = {{.actionable = true, .step = 0.1}}};
  const double row[] = {1.0};
  const Recourse r = RecourseSolver(model, o).Solve(row);
  ASSERT_EQ(r.status, RecourseStatus::kOptimal);
  EXPECT_EQ(r.changes[0].to, 2 * 0.1);
  EXPECT_EQ(r.cost, BruteForceRecourse(model, row, o).cost);
  // Above the threshold: x > 0.3 refuses there, so 3 * 0.1 (above 0.3) is the cheapest way up.
  std::swap(model.trees[0].nodes[1].value, model.trees[0].nodes[2].value);
  const double low[] = {0.0};
  const Recourse up = RecourseSolver(model, o).Solve(low);
  ASSERT_EQ(up.status, RecourseStatus::kOptimal);
  EXPECT_EQ(up.changes[0].to, 3 * 0.1);
  EXPECT_EQ(up.cost, BruteForceRecourse(model, low, o).cost);
  // An infinite value is kept, as a missing one.
  const double infinite[] = {std::numeric_limits<double>::infinity()};
  std::swap(model.trees[0].nodes[1].value, model.trees[0].nodes[2].value);
  EXPECT_EQ(RecourseSolver(model, o).Solve(infinite).status, RecourseStatus::kNoRecourse);
  EXPECT_EQ(BruteForceRecourse(model, infinite, o).status, RecourseStatus::kNoRecourse);
}

TEST(Recourse, ImmutableFeaturesNeverChange) {
  const Frame frame = RandomFrame(300, 4, 2, 5);
  const gbdt::GbdtModel model = TrainModel(frame, gbdt::ObjectiveKind::kBinaryLogLoss, 6, 3, 5);
  const gbdt::FeatureMatrix x = gbdt::BuildFeatureMatrix(model, frame, Context());
  RecourseOptions o{.cutoff = 0.4, .actions = std::vector<FeatureAction>(model.features.size())};
  o.actions[1].actionable = true;
  int solved = 0;
  for (const Recourse& r : FindRecourse(model, x, o)) {
    for (const FeatureChange& c : r.changes) EXPECT_EQ(c.feature, 1);
    solved += r.status == RecourseStatus::kOptimal ? 1 : 0;
  }
  EXPECT_GT(solved, 0);
}

TEST(Recourse, RefusesWhatItCannotDo) {
  const Frame frame = RandomFrame(200, 3, 0, 2);
  const gbdt::GbdtModel regression = TrainModel(frame, gbdt::ObjectiveKind::kSquaredError, 3, 2, 2);
  RecourseOptions o{.actions = std::vector<FeatureAction>(regression.features.size())};
  EXPECT_THROW(RecourseSolver(regression, o), Unsupported);
  const Frame binary_frame = RandomFrame(200, 3, 2, 2);
  const gbdt::GbdtModel model = TrainModel(binary_frame, gbdt::ObjectiveKind::kBinaryLogLoss, 3, 2, 2);
  o.actions.assign(model.features.size(), {});
  for (double bad : {0.0, 1.0, -0.5, std::nan("")}) {
    o.cutoff = bad;
    EXPECT_THROW(RecourseSolver(model, o), InvalidArgument) << bad;
  }
  o.cutoff = 0.5;
  o.actions.pop_back();
  EXPECT_THROW(RecourseSolver(model, o), InvalidArgument);
  o.actions.assign(model.features.size(), {.lower = 2, .upper = 1});
  EXPECT_THROW(RecourseSolver(model, o), InvalidArgument);
}

gbdt::GbdtModel ThreeFeatureModel() {
  gbdt::GbdtModel model;
  model.base_margin = {0};
  model.features = {{.name = "amount", .monotone = 1}, {.name = "age"}, {.name = "home", .categorical = true}};
  return model;
}

Schema CreditSchema() {
  Schema s;
  s.Add({.name = "amount", .actionable = true, .lower_bound = 0, .upper_bound = 1000});
  s.Add({.name = "age", .role = Role::kSensitive, .actionable = false});
  s.Add({.name = "home", .type = ColumnType::kCategorical});
  return s;
}

TEST(RecourseActions, DefaultsComeFromTheSchema) {
  const gbdt::GbdtModel model = ThreeFeatureModel();
  const gbdt::FeatureMatrix data{.rows = 5, .cols = 3, .values = {1, 30, 0, 2, 40, 1, 4, 50, 0, 8, 60, 1, 16, 70, 0}};
  const auto a = DefaultActions(model, CreditSchema(), data);
  ASSERT_EQ(a.size(), 3U);
  EXPECT_TRUE(a[0].actionable);
  EXPECT_EQ(a[0].direction, -1);  // monotone increasing: only a decrease lowers the score
  EXPECT_EQ(a[0].lower, 0);
  EXPECT_EQ(a[0].upper, 1000);
  EXPECT_DOUBLE_EQ(a[0].cost_per_unit, 1 / 3.0);  // median 4, deviations 3 2 0 4 12: MAD 3
  EXPECT_FALSE(a[1].actionable);
  EXPECT_FALSE(a[2].actionable);
}

TEST(RecourseActions, ActionFileOverridesAndNamesEveryError) {
  const gbdt::GbdtModel model = ThreeFeatureModel();
  const Schema schema = CreditSchema();
  std::vector<FeatureAction> a(3);
  ApplyActionSpec(R"({"$comment": "x", "features": {"amount": {"actionable": true, "direction": "decrease",
                     "lower": 10, "upper": 500, "step": 5, "cost_per_unit": 0.5}}})",
                  "a.json", model, schema, a);
  EXPECT_TRUE(a[0].actionable);
  EXPECT_EQ(a[0].direction, -1);
  EXPECT_EQ(a[0].lower, 10);
  EXPECT_EQ(a[0].upper, 500);
  EXPECT_EQ(a[0].step, 5);
  EXPECT_EQ(a[0].cost_per_unit, 0.5);
  const struct {
    const char* text;
    const char* message;
  } cases[] = {
      {R"({"features": {"amount": {"actionabl": true}}})",
       "a.json: key 'features.amount.actionabl': unknown key; expected one of actionable, direction, lower, upper, "
       "step, cost_per_unit"},
      {R"({"features": {"amount": {"lower": "low"}}})",
       "a.json: key 'features.amount.lower': value 'low': wrong JSON type; expected a number"},
      {R"({"features": {"amount": {"step": 1, "step": 2}}})",
       "a.json: key 'features.amount.step': duplicate key; expected each key once"},
      {R"({"features": {"income": {}}})",
       "a.json: key 'features.income': not a feature of the model; expected one of: amount, age, home"},
      {R"({"features": {"amount": {"lower": 5, "upper": 1}}})",
       "a.json: key 'features.amount': lower 5 is above upper 1; expected lower <= upper"},
      {R"({"features": {"age": {"actionable": true}}})",
       "a.json: key 'features.age.actionable': a sensitive attribute is never a recourse action; expected a feature "
       "that is not sensitive"},
      {R"({"features": {"home": {"actionable": true}}})",
       "a.json: key 'features.home.actionable': a categorical feature cannot be actionable (not supported yet); "
       "expected a numeric feature"},
      {R"({"features": {"amount": {"direction": "up"}}})",
       "a.json: key 'features.amount.direction': value 'up': unknown direction; expected increase, decrease or any"},
      {R"({"features": {"amount": {"step": 0}}})",
       "a.json: key 'features.amount.step': value '0': the step must be positive; expected a number > 0"},
      {R"({"features": {"amount": {"cost_per_unit": -1}}})",
       "a.json: key 'features.amount.cost_per_unit': value '-1': a cost cannot be negative; expected a number >= 0"},
      {R"({"feature": {}})", "a.json: key 'feature': unknown key; expected one of features, description, $comment"},
      {"{\"features\": {\n  \"amount\": {\"lower\": 1,}}}", "a.json:2:"},
      {"[1]", "a.json: key '(top level)': value '[1]': wrong JSON type; expected an object with a \"features\" key"},
  };
  for (const auto& c : cases) {
    std::vector<FeatureAction> before(3);
    before[0].cost_per_unit = 7;
    std::vector<FeatureAction> after = before;
    try {
      ApplyActionSpec(c.text, "a.json", model, schema, after);
      ADD_FAILURE() << "no error for " << c.text;
    } catch (const InvalidData& e) {
      EXPECT_EQ(std::string(e.what()).rfind(c.message, 0), 0U) << e.what();
    }
    EXPECT_EQ(after[0].cost_per_unit, 7);  // nothing applied
  }
}

TEST(RecourseSummary, CountsAndCosts) {
  std::vector<Recourse> r(6);
  r[0].status = RecourseStatus::kNotRefused;
  r[1] = {.status = RecourseStatus::kOptimal, .cost = 1};
  r[2] = {.status = RecourseStatus::kOptimal, .cost = 4};
  r[3] = {.status = RecourseStatus::kFeasible, .cost = 10};
  r[4].status = RecourseStatus::kNoRecourse;
  r[5].status = RecourseStatus::kNotFound;
  const RecourseSummary s = SummarizeRecourse(r);
  EXPECT_EQ(s.applicants, 6);
  EXPECT_EQ(s.refused, 5);
  EXPECT_EQ(s.with_recourse, 3);
  EXPECT_EQ(s.without_recourse, 1);
  EXPECT_EQ(s.not_found, 1);
  EXPECT_DOUBLE_EQ(s.no_recourse_share, 0.2);
  EXPECT_DOUBLE_EQ(s.mean_cost, 5);
  EXPECT_DOUBLE_EQ(s.median_cost, 4);
}

}  // namespace
}  // namespace finai::explain
