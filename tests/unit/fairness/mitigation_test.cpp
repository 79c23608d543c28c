// Mitigation building blocks by hand, and the trade-off table on a small file.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "finai/core/error.hpp"
#include "finai/data/csv.hpp"
#include "finai/fairness/mitigation.hpp"

namespace finai::fairness {
namespace {

using Vec = std::vector<double>;

TEST(FairnessMitigation, DisparateImpactRemoverByHand) {
  const Vec v{1, 2, 3, 4, 11, 12, 13, 14};
  const std::vector<int> g{0, 0, 0, 0, 1, 1, 1, 1};
  const DisparateImpactRemover r(v, g, 2);
  // 2 in group 0: mid-rank CDF (1 + 0.5) / 4 = 0.375; quantiles 2 and 12; median 7.
  EXPECT_DOUBLE_EQ(r.Repair(2, 0, 1.0), 7);
  EXPECT_DOUBLE_EQ(r.Repair(2, 0, 0.5), 4.5);
  EXPECT_DOUBLE_EQ(r.Repair(2, 0, 0.0), 2);
  // Full repair gives both groups the same distribution: the smallest of each goes to (1 + 11) / 2.
  EXPECT_DOUBLE_EQ(r.Repair(1, 0, 1.0), 6);
  EXPECT_DOUBLE_EQ(r.Repair(11, 1, 1.0), 6);
  EXPECT_DOUBLE_EQ(r.Repair(14, 1, 1.0), r.Repair(4, 0, 1.0));
  EXPECT_TRUE(std::isnan(r.Repair(std::nan(""), 0, 1.0)));
}

TEST(FairnessMitigation, ReweighingBalancesGroupAndLabel) {
  // Group 0: labels 1 1 1 0; group 1: 1 0 0 0. P(g) = 1/2, P(y = 1) = 1/2; w(0, 1) = 1/4 / (3/8) = 2/3.
  const Vec y{1, 1, 1, 0, 1, 0, 0, 0};
  const std::vector<int> g{0, 0, 0, 0, 1, 1, 1, 1};
  const Vec w = ReweighingWeights(y, g, 2);
  EXPECT_DOUBLE_EQ(w[0], 2.0 / 3);
  EXPECT_DOUBLE_EQ(w[3], 2.0);
  EXPECT_DOUBLE_EQ(w[4], 2.0);
  EXPECT_DOUBLE_EQ(w[5], 2.0 / 3);
}

TEST(FairnessMitigation, RejectOptionByHand) {
  const Vec s{0.45, 0.55, 0.9, 0.45, 0.55, 0.1};
  const std::vector<int> g{0, 0, 0, 1, 1, 1};
  // Group 0 deprived; favourable = non-event (0): inside the band group 0 gets 0, group 1 gets 1.
  const Vec d = RejectOptionDecisions(s, g, {true, false}, 0.5, 0.1, false);
  EXPECT_EQ(d, (Vec{0, 0, 1, 1, 1, 0}));
  const Vec none = RejectOptionDecisions(s, g, {true, false}, 0.5, 0.0, false);
  EXPECT_EQ(none, (Vec{0, 1, 1, 0, 1, 0}));
}

TEST(FairnessMitigation, NamesAndErrors) {
  EXPECT_EQ(ParseMethod("expgrad"), Method::kExpGrad);
  EXPECT_THROW(ParseMethod("magic"), InvalidArgument);
  EXPECT_THROW(ParseConstraint("parity"), InvalidArgument);
  EXPECT_TRUE(NeedsSensitiveAtDecision(Method::kThresholds));
  EXPECT_TRUE(NeedsSensitiveAtDecision(Method::kRejectOption));
  EXPECT_FALSE(NeedsSensitiveAtDecision(Method::kReweighing));
  EXPECT_FALSE(NeedsSensitiveAtDecision(Method::kExpGrad));
}

struct Small {
  CsvTable table;
  Groups groups;
};
const Small& Data() {
  static const Small s = [] {
    Small out{.table = ReadCsv(std::string(FINAI_SOURCE_DIR) + "/tests/golden/fairness/audit_case.csv", {}, Context())};
    out.groups = BuildGroups(out.table.frame, {{.column = "group"}});
    return out;
  }();
  return s;
}

MitigationOptions Options(Method m) {
  MitigationOptions o{.method = m, .target = "label", .features = {"x1", "x2", "age"}};
  o.params.num_rounds = 10;
  o.params.max_depth = 2;
  o.min_group_size = 0;
  return o;
}

TEST(FairnessMitigation, ReweighingTableAtLevelZeroIsTheBaseline) {
  MitigationOptions o = Options(Method::kReweighing);
  o.grid = {0, 1};
  const TradeoffTable t = Mitigate(Data().table.frame, Data().table.schema, Data().groups, o, Context().set_threads(1));
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.train_rows + t.test_rows, 240);
  EXPECT_FALSE(t.needs_sensitive_at_decision);
  EXPECT_DOUBLE_EQ(t.rows[0].accuracy, t.baseline.accuracy);
  EXPECT_DOUBLE_EQ(t.rows[0].demographic_parity_difference, t.baseline.demographic_parity_difference);
}

TEST(FairnessMitigation, ExpGradAndThresholdsRun) {
  MitigationOptions o = Options(Method::kExpGrad);
  o.grid = {0.05};
  o.expgrad_iterations = 3;
  const TradeoffTable t = Mitigate(Data().table.frame, Data().table.schema, Data().groups, o, Context().set_threads(1));
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_GE(t.rows[0].accuracy, 0.0);
  EXPECT_LE(t.rows[0].accuracy, 1.0);
  MitigationOptions th = Options(Method::kThresholds);
  th.grid = {1, 0};
  const TradeoffTable u = Mitigate(Data().table.frame, Data().table.schema, Data().groups, th, Context().set_threads(1));
  EXPECT_TRUE(u.needs_sensitive_at_decision);
  ASSERT_EQ(u.rows.size(), 2u);
  EXPECT_NE(u.rows[0].note.find("group=A: "), std::string::npos);
}

TEST(FairnessMitigation, FairGbmAtToleranceOneIsTheBaselineAndNeedsTheTrees) {
  EXPECT_EQ(ParseMethod("fairgbm"), Method::kFairGbm);
  EXPECT_FALSE(NeedsSensitiveAtDecision(Method::kFairGbm));
  MitigationOptions o = Options(Method::kFairGbm);
  o.grid = {1, 0.01};
  const TradeoffTable t = Mitigate(Data().table.frame, Data().table.schema, Data().groups, o, Context().set_threads(1));
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_FALSE(t.needs_sensitive_at_decision);
  // A gap of a rate can never exceed 1: the multipliers stay 0 and the model is the unmitigated one.
  EXPECT_EQ(t.rows[0].auc, t.baseline.auc);
  EXPECT_EQ(t.rows[0].accuracy, t.baseline.accuracy);
  EXPECT_NE(t.rows[0].note.find("largest multiplier 0.000"), std::string::npos) << t.rows[0].note;
  EXPECT_NE(t.rows[1].note.find("largest gap of a group's rate to the overall rate: all "), std::string::npos)
      << t.rows[1].note;
  o.learner = Learner::kLogistic;
  EXPECT_THROW(Mitigate(Data().table.frame, Data().table.schema, Data().groups, o, Context()), InvalidArgument);
  o.learner = Learner::kTrees;
  o.multiplier_learning_rate = 0;
  EXPECT_THROW(Mitigate(Data().table.frame, Data().table.schema, Data().groups, o, Context()), InvalidArgument);
}

TEST(FairnessMitigation, ExpGradAroundTheLogisticRegressionReportsItsMixture) {
  MitigationOptions o = Options(Method::kExpGrad);
  o.learner = Learner::kLogistic;
  o.grid = {0.2, 0.02};
  o.expgrad_iterations = 8;
  const TradeoffTable t = Mitigate(Data().table.frame, Data().table.schema, Data().groups, o, Context().set_threads(1));
  ASSERT_EQ(t.rows.size(), 2u);
  for (const auto& r : t.rows) {
    EXPECT_NE(r.note.find("of 8 models"), std::string::npos) << r.note;
    EXPECT_GE(r.accuracy, 0.0);
    EXPECT_LE(r.accuracy, 1.0);
  }
  o.logistic_l2 = 0;
  EXPECT_THROW(Mitigate(Data().table.frame, Data().table.schema, Data().groups, o, Context()), InvalidArgument);
  EXPECT_EQ(ParseLearner("logistic"), Learner::kLogistic);
  EXPECT_THROW(ParseLearner("forest"), InvalidArgument);
}

TEST(FairnessMitigation, SensitiveAttributeIsNeverAFeature) {
  MitigationOptions o = Options(Method::kReweighing);
  o.features = {"x1", "group"};
  EXPECT_THROW(Mitigate(Data().table.frame, Data().table.schema, Data().groups, o, Context()), InvalidArgument);
  o.features = {"x1"};
  o.grid = {1.5};
  EXPECT_THROW(Mitigate(Data().table.frame, Data().table.schema, Data().groups, o, Context()), InvalidArgument);
}

}  // namespace
}  // namespace finai::fairness
