// Golden values from tests/golden/fairness/make_golden.py (numpy / scipy / sklearn / statsmodels computing
// fairlearn's and AIF360's definitions) on tests/golden/fairness/audit_case.csv.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "finai/data/csv.hpp"
#include "finai/fairness/audit.hpp"
#include "finai/fairness/mitigation.hpp"
#include "finai/fairness/proxy.hpp"

namespace finai::fairness {
namespace {

constexpr double kTol = 1e-9;

struct Case {
  CsvTable table;
  std::vector<double> y, s;
  Groups groups;
};

const Case& Load() {
  static const Case c = [] {
    Case out;
    out.table = ReadCsv(std::string(FINAI_SOURCE_DIR) + "/tests/golden/fairness/audit_case.csv", {}, Context());
    out.y = out.table.frame.column("label").ToFloat64();
    out.s = out.table.frame.column("score").ToFloat64();
    out.groups = BuildGroups(out.table.frame, {{.column = "group"}});
    return out;
  }();
  return c;
}

const Disparity& Find(const AuditReport& rep, const std::string& metric) {
  for (const auto& d : rep.disparities) if (d.metric == metric) return d;
  throw std::runtime_error("no metric " + metric);
}

TEST(FairnessGolden, AuditMatchesIndependentComputation) {
  const Case& c = Load();
  ASSERT_EQ(c.groups.names, (std::vector<std::string>{"group=A", "group=B", "group=C"}));
  const AuditReport rep = Audit(c.y, c.s, c.groups, {.min_group_size = 0, .bootstrap = 0}, Context());
  EXPECT_EQ(rep.reference, 0);  // A, the largest
  const auto& A = rep.groups[0].rates;
  const auto& B = rep.groups[1].rates;
  const auto& C = rep.groups[2].rates;
  EXPECT_NEAR(A.selection_rate, 0.272727272727, kTol);
  EXPECT_NEAR(A.tpr, 0.444444444444, kTol);
  EXPECT_NEAR(A.fpr, 0.153846153846, kTol);
  EXPECT_NEAR(A.ppv, 0.666666666667, kTol);
  EXPECT_NEAR(A.npv, 0.6875, kTol);
  EXPECT_NEAR(A.auc, 0.72188034188, kTol);
  EXPECT_NEAR(A.log_loss, 0.60938801727, kTol);
  EXPECT_NEAR(A.brier, 0.210817272727, kTol);
  EXPECT_NEAR(B.selection_rate, 0.5125, kTol);
  EXPECT_NEAR(B.tpr, 0.787878787879, kTol);
  EXPECT_NEAR(B.fpr, 0.31914893617, kTol);
  EXPECT_NEAR(B.npv, 0.820512820513, kTol);
  EXPECT_NEAR(B.auc, 0.793036750484, kTol);
  EXPECT_NEAR(B.log_loss, 0.55534886521, kTol);
  EXPECT_NEAR(C.selection_rate, 0.08, kTol);
  EXPECT_NEAR(C.ppv, 1.0, kTol);
  EXPECT_NEAR(C.npv, 0.847826086957, kTol);
  EXPECT_NEAR(C.auc, 0.899766899767, kTol);
  EXPECT_NEAR(C.brier, 0.108256, kTol);
  EXPECT_NEAR(rep.overall.auc, 0.780378004316, kTol);

  const auto& dp = Find(rep, "demographic_parity");
  EXPECT_NEAR(dp.difference, 0.43249999999999994, kTol);
  EXPECT_NEAR(dp.ratio, 0.15609756097560978, kTol);
  EXPECT_NEAR(dp.difference_to_overall, 0.23249999999999998, kTol);
  EXPECT_NEAR(dp.ratio_to_overall, 0.256, kTol);
  const auto& tpr = Find(rep, "true_positive_rate");
  EXPECT_NEAR(tpr.difference, 0.4242424242424242, kTol);
  EXPECT_NEAR(tpr.ratio, 0.46153846153846156, kTol);
  EXPECT_NEAR(tpr.difference_to_overall, 0.22608103506979904, kTol);
  EXPECT_NEAR(tpr.ratio_to_overall, 0.6472727272727272, kTol);
  EXPECT_NEAR(Find(rep, "false_positive_rate").ratio, 0.0, kTol);
  EXPECT_NEAR(Find(rep, "equalized_odds").difference, 0.4242424242424242, kTol);
  EXPECT_NEAR(Find(rep, "predictive_parity").difference, 0.36585365853658536, kTol);
  EXPECT_NEAR(Find(rep, "accuracy").ratio_to_overall, 0.8527131782945736, kTol);
  EXPECT_NEAR(Find(rep, "auc").difference, 0.17788655788655794, kTol);
  EXPECT_NEAR(Find(rep, "favorable_rate").ratio, 0.5298913043478262, kTol);

  const auto& gB = rep.groups[1];
  const auto& gC = rep.groups[2];
  EXPECT_NEAR(gB.average_odds_difference, 0.2543685628792012, kTol);
  EXPECT_NEAR(gB.disparate_impact, 0.6703125000000001, kTol);
  EXPECT_NEAR(gB.statistical_parity_difference, -0.23977272727272725, kTol);
  EXPECT_NEAR(gB.equal_opportunity_difference, 0.3434343434343434, kTol);
  EXPECT_NEAR(gB.smd_score, 0.5987872210686026, kTol);
  EXPECT_NEAR(gB.impact_ratio_to_best, 0.5298913043478262, kTol);
  EXPECT_TRUE(gB.four_fifths_violation);
  EXPECT_TRUE(rep.groups[0].four_fifths_violation);  // 0.7905 < 0.8
  EXPECT_FALSE(gC.four_fifths_violation);
  EXPECT_NEAR(gC.average_odds_difference, -0.11732711732711731, kTol);
  EXPECT_NEAR(gC.smd_score, -0.5829836051596317, kTol);
  // statsmodels proportions_ztest (pooled) and scipy chi2_contingency(correction=False).
  EXPECT_NEAR(gB.z, 3.3729916388873287, kTol);
  EXPECT_NEAR(gB.p_value, 0.0007435621050158539, 1e-12);
  EXPECT_NEAR(gC.z, -2.762229637645835, kTol);
  EXPECT_NEAR(gC.p_value, 0.005740808540805448, 1e-12);
  EXPECT_NEAR(rep.chi_square, 28.284826446280988, kTol);
  EXPECT_EQ(rep.chi_square_df, 2);
  EXPECT_NEAR(rep.chi_square_p, 7.211539330015745e-07, 1e-15);
}

TEST(FairnessGolden, BootstrapIsIdenticalAtAnyThreadCount) {
  const Case& c = Load();
  const AuditOptions o{.min_group_size = 0, .bootstrap = 200};
  const AuditReport one = Audit(c.y, c.s, c.groups, o, Context().set_threads(1).set_seed(7));
  const AuditReport four = Audit(c.y, c.s, c.groups, o, Context().set_threads(4).set_seed(7));
  for (std::size_t g = 0; g < one.groups.size(); ++g) {
    EXPECT_EQ(one.groups[g].selection_rate_ci.low, four.groups[g].selection_rate_ci.low);
    EXPECT_EQ(one.groups[g].tpr_ci.high, four.groups[g].tpr_ci.high);
  }
  const auto& dp = Find(one, "demographic_parity");
  EXPECT_EQ(dp.difference_ci.low, Find(four, "demographic_parity").difference_ci.low);
  // The interval brackets the estimate (a sanity check on the percentile rule).
  EXPECT_LT(dp.difference_ci.low, dp.difference);
  EXPECT_GT(dp.difference_ci.high, dp.difference);
  EXPECT_LT(one.groups[1].selection_rate_ci.low, 0.5125);
  EXPECT_GT(one.groups[1].selection_rate_ci.high, 0.5125);
}

TEST(FairnessGolden, ReweighingWeights) {
  const Case& c = Load();
  const std::vector<double> w = ReweighingWeights(c.y, c.groups.of_row, 3);
  const double expected[3][2] = {{1.0647435897435897, 0.9064814814814816},
                                 {1.0709219858156027, 0.898989898989899},
                                 {0.8066239316239316, 1.6856060606060608}};
  for (std::size_t i = 0; i < w.size(); ++i) {
    EXPECT_NEAR(w[i], expected[c.groups.of_row[i]][static_cast<int>(c.y[i])], kTol) << "row " << i;
  }
}

TEST(FairnessGolden, ProxyMutualInformationAndAuc) {
  const Case& c = Load();
  const auto p = DetectProxies(c.table.frame, {"x1", "x2"}, c.groups, 4, 0);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].feature, "x1");  // ranked by normalised MI
  EXPECT_NEAR(p[0].mutual_information, 0.09088926856291658, kTol);
  EXPECT_NEAR(p[0].normalized_mi, 0.09088926856291658 / 1.0505717513316428, kTol);
  EXPECT_NEAR(p[0].max_auc, 0.7288281249999999, kTol);
  EXPECT_EQ(p[0].max_auc_group, "group=B");
  EXPECT_NEAR(p[1].mutual_information, 0.07800804870448573, kTol);
}

// Brute force over every combination of group thresholds in make_golden.py: the least number of errors.
double Errors(const Case& c, const std::vector<double>& t) {
  double e = 0;
  for (std::size_t i = 0; i < c.y.size(); ++i) e += (c.s[i] >= t[c.groups.of_row[i]]) != (c.y[i] == 1);
  return e;
}

TEST(FairnessGolden, GroupThresholdsAreExact) {
  const Case& c = Load();
  EXPECT_EQ(Errors(c, GroupThresholds(c.y, c.s, c.groups.of_row, 3, Constraint::kDemographicParity, 0.05)), 62);
  EXPECT_EQ(Errors(c, GroupThresholds(c.y, c.s, c.groups.of_row, 3, Constraint::kDemographicParity, 0.0)), 75);
  EXPECT_EQ(Errors(c, GroupThresholds(c.y, c.s, c.groups.of_row, 3, Constraint::kEqualOpportunity, 0.05)), 61);
  const auto t = GroupThresholds(c.y, c.s, c.groups.of_row, 3, Constraint::kEqualizedOdds, 0.1);
  EXPECT_EQ(Errors(c, t), 73);
  // The chosen thresholds satisfy the constraint.
  const FairnessSummary f = [&] {
    std::vector<double> d(c.y.size());
    for (std::size_t i = 0; i < d.size(); ++i) d[i] = c.s[i] >= t[c.groups.of_row[i]] ? 1 : 0;
    return SummarizeDecisions(c.y, d, c.groups.of_row, 3);
  }();
  EXPECT_LE(f.equalized_odds_difference, 0.1 + 1e-12);
}

}  // namespace
}  // namespace finai::fairness
