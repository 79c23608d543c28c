// Small cases computed by hand: groups and bands, rates, the minimum group size, disparities, reference differences.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "finai/core/error.hpp"
#include "finai/fairness/audit.hpp"
#include "finai/fairness/groups.hpp"

namespace finai::fairness {
namespace {

using Vec = std::vector<double>;
constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

TEST(FairnessGroups, BandsFromEdges) {
  const Frame f({Column::Float64("Age", {20, 25, 34, 35, 70, kNan})});
  const Groups g = BuildGroups(f, {{.column = "Age", .band_edges = {25, 35}}});
  EXPECT_EQ(g.names, (std::vector<std::string>{"Age=<25", "Age=25-35", "Age=>=35"}));
  EXPECT_EQ(g.of_row, (std::vector<int>{0, 1, 1, 2, 2, -1}));
  EXPECT_EQ(g.sizes, (std::vector<std::int64_t>{1, 2, 2}));
  EXPECT_EQ(g.missing, 1);
}

TEST(FairnessGroups, IntersectionKeepsOnlyCombinationsThatOccur) {
  const Frame f({Column::Categorical("Sex", {0, 1, 0, 1}, {"m", "f"}), Column::Float64("Age", {20, 20, 40, 20})});
  const Groups g = BuildGroups(f, {{.column = "Sex"}, {.column = "Age", .band_edges = {30}}});
  // Categories in text order (f before m), bands in edge order; (f, >=30) does not occur.
  EXPECT_EQ(g.names, (std::vector<std::string>{"Sex=f & Age=<30", "Sex=m & Age=<30", "Sex=m & Age=>=30"}));
  EXPECT_EQ(g.of_row, (std::vector<int>{1, 0, 2, 0}));
}

TEST(FairnessGroups, Errors) {
  const Frame f({Column::Float64("Age", {20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32}),
                 Column::Categorical("Sex", {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, {"m"})});
  EXPECT_THROW(BuildGroups(f, {{.column = "Age"}}), InvalidArgument);  // 13 distinct values, no bands
  EXPECT_THROW(BuildGroups(f, {{.column = "Age", .band_edges = {30, 25}}}), InvalidArgument);
  EXPECT_THROW(BuildGroups(f, {{.column = "Sex", .band_edges = {1}}}), InvalidArgument);
  EXPECT_THROW(BuildGroups(f, {{.column = "Sex"}}), InvalidData);  // one group only
  EXPECT_THROW(BuildGroups(f, {{.column = "Nope"}}), NotFound);
}

TEST(FairnessRates, ConfusionRatesByHand) {
  // Decisions at 0.5: 1 0 1 0 1 1 -> TP rows 0, 4; FN row 1; FP rows 2, 5; TN row 3.
  const Vec y{1, 1, 0, 0, 1, 0}, s{0.9, 0.4, 0.6, 0.1, 0.7, 0.5};
  const GroupRates r = ComputeRates(y, s, 0.5, false, 0, true);
  EXPECT_EQ(r.n, 6);
  EXPECT_DOUBLE_EQ(r.selection_rate, 4.0 / 6);
  EXPECT_DOUBLE_EQ(r.favorable_rate, 2.0 / 6);
  EXPECT_DOUBLE_EQ(r.tpr, 2.0 / 3);
  EXPECT_DOUBLE_EQ(r.fnr, 1.0 / 3);
  EXPECT_DOUBLE_EQ(r.fpr, 2.0 / 3);
  EXPECT_DOUBLE_EQ(r.tnr, 1.0 / 3);
  EXPECT_DOUBLE_EQ(r.ppv, 0.5);
  EXPECT_DOUBLE_EQ(r.fdr, 0.5);
  EXPECT_DOUBLE_EQ(r.npv, 0.5);
  EXPECT_DOUBLE_EQ(r.for_, 0.5);
  EXPECT_DOUBLE_EQ(r.accuracy, 0.5);
  // AUC: positives 0.9, 0.4, 0.7 vs negatives 0.6, 0.1, 0.5: 7 of 9 pairs ordered.
  EXPECT_DOUBLE_EQ(r.auc, 7.0 / 9);
}

TEST(FairnessRates, BelowTheMinimumSizeIsNotEstimable) {
  const Vec y{1, 0, 1, 0, 0}, s{0.9, 0.2, 0.8, 0.7, 0.1};
  const GroupRates small = ComputeRates(y, s, 0.5, false, 10, true);
  EXPECT_TRUE(std::isnan(small.selection_rate));
  EXPECT_TRUE(std::isnan(small.tpr));
  EXPECT_TRUE(std::isnan(small.auc));
  EXPECT_TRUE(std::isnan(small.mean_score));
  // Large enough as a group (5 >= 3), but 2 events < 3: TPR not estimable; 3 non-events: FPR estimable.
  const GroupRates mid = ComputeRates(y, s, 0.5, false, 3, true);
  EXPECT_DOUBLE_EQ(mid.selection_rate, 0.6);
  EXPECT_TRUE(std::isnan(mid.tpr));
  EXPECT_DOUBLE_EQ(mid.fpr, 1.0 / 3);
  // A zero denominator is never a number, whatever the minimum.
  const GroupRates none = ComputeRates(Vec{0, 0}, Vec{0.1, 0.2}, 0.5, false, 0, true);
  EXPECT_TRUE(std::isnan(none.tpr));
  EXPECT_TRUE(std::isnan(none.ppv));
  EXPECT_DOUBLE_EQ(none.npv, 1.0);
}

TEST(FairnessAudit, TwoGroupsByHand) {
  // Group a: 4 rows, decisions 1 1 0 0 with labels 1 0 1 0; group b: 4 rows, decisions 1 0 0 0, labels 1 1 0 0.
  const Vec y{1, 0, 1, 0, 1, 1, 0, 0}, s{0.9, 0.8, 0.3, 0.2, 0.7, 0.4, 0.3, 0.1};
  Groups g{.attributes = {"G"}, .names = {"G=a", "G=b"}, .of_row = {0, 0, 0, 0, 1, 1, 1, 1}, .sizes = {4, 4}};
  AuditOptions o{.min_group_size = 0, .bootstrap = 0, .calibration_bands = 2, .reference = 0};
  const AuditReport rep = Audit(y, s, g, o, Context());
  const auto& a = rep.groups[0];
  const auto& b = rep.groups[1];
  EXPECT_DOUBLE_EQ(a.rates.selection_rate, 0.5);
  EXPECT_DOUBLE_EQ(b.rates.selection_rate, 0.25);
  EXPECT_DOUBLE_EQ(a.rates.tpr, 0.5);
  EXPECT_DOUBLE_EQ(b.rates.tpr, 0.5);
  EXPECT_DOUBLE_EQ(a.rates.fpr, 0.5);
  EXPECT_DOUBLE_EQ(b.rates.fpr, 0.0);
  // Favourable (non-event) rates 0.5 and 0.75: disparate impact of b against a = 1.5, of a against the best 2/3.
  EXPECT_DOUBLE_EQ(b.disparate_impact, 1.5);
  EXPECT_DOUBLE_EQ(b.statistical_parity_difference, 0.25);
  EXPECT_DOUBLE_EQ(a.impact_ratio_to_best, 0.5 / 0.75);
  EXPECT_TRUE(a.four_fifths_violation);
  EXPECT_FALSE(b.four_fifths_violation);
  EXPECT_DOUBLE_EQ(b.average_odds_difference, 0.5 * ((0.0 - 0.5) + (0.5 - 0.5)));
  EXPECT_DOUBLE_EQ(b.equal_opportunity_difference, 0.0);
  const auto find = [&](const std::string& m) {
    for (const auto& d : rep.disparities) if (d.metric == m) return d;
    return Disparity{};
  };
  EXPECT_DOUBLE_EQ(find("demographic_parity").difference, 0.25);
  EXPECT_DOUBLE_EQ(find("demographic_parity").ratio, 0.5);
  // Overall selection rate 3/8: to overall, max |0.5 - 0.375| and min(0.25 / 0.375, 0.375 / 0.5).
  EXPECT_DOUBLE_EQ(find("demographic_parity").difference_to_overall, 0.125);
  EXPECT_DOUBLE_EQ(find("demographic_parity").ratio_to_overall, 0.25 / 0.375);
  EXPECT_DOUBLE_EQ(find("equalized_odds").difference, 0.5);  // max(TPR diff 0, FPR diff 0.5)
  EXPECT_DOUBLE_EQ(find("equalized_odds").ratio, 0.0);       // min(TPR ratio 1, FPR ratio 0)
  // Calibration: bands at the median of all scores (0.35): band 0 holds scores <= 0.35.
  ASSERT_EQ(rep.calibration_edges.size(), 3u);
  EXPECT_DOUBLE_EQ(rep.calibration_edges[1], 0.35);
  EXPECT_EQ(a.calibration[0].n, 2);
  EXPECT_DOUBLE_EQ(a.calibration[0].observed, 0.5);
  EXPECT_DOUBLE_EQ(a.calibration[0].mean_score, 0.25);
  EXPECT_DOUBLE_EQ(a.calibration[1].observed, 0.5);
  // Gap of a: (2 |0.5 - 0.25| + 2 |0.5 - 0.85|) / 4.
  EXPECT_DOUBLE_EQ(a.calibration_gap, (2 * 0.25 + 2 * 0.35) / 4);
}

TEST(FairnessAudit, RowsWithoutLabelScoreOrGroupAreLeftOut) {
  const Vec y{1, 0, kNan, 0, 1, 0}, s{0.9, 0.1, 0.5, kNan, 0.8, 0.2};
  Groups g{.attributes = {"G"}, .names = {"G=a", "G=b"}, .of_row = {0, 0, 1, 1, 1, -1}, .sizes = {2, 3}};
  const AuditReport rep = Audit(y, s, g, {.min_group_size = 0, .bootstrap = 0}, Context());
  EXPECT_EQ(rep.rows_left_out, 3);
  EXPECT_EQ(rep.overall.n, 3);
  EXPECT_EQ(rep.groups[1].rates.n, 1);
}

TEST(FairnessAudit, BadInput) {
  Groups g{.attributes = {"G"}, .names = {"G=a", "G=b"}, .of_row = {0, 1}, .sizes = {1, 1}};
  EXPECT_THROW(Audit(Vec{1, 2}, Vec{0.1, 0.2}, g, {}, Context()), InvalidArgument);
  EXPECT_THROW(Audit(Vec{1}, Vec{0.1, 0.2}, g, {}, Context()), InvalidArgument);
  EXPECT_THROW(Audit(Vec{1, 0}, Vec{0.1, 0.2}, g, {.confidence = 1.5}, Context()), InvalidArgument);
  EXPECT_THROW(Audit(Vec{1, 0}, Vec{0.1, 0.2}, g, {.reference = 5}, Context()), InvalidArgument);
}

TEST(FairnessSummary, FractionalDecisions) {
  // A randomized classifier: group 0 selects with probability 0.5 everywhere, group 1 with 0.2 (events) / 0 (others).
  const Vec y{1, 0, 1, 0}, d{0.5, 0.5, 0.2, 0.0};
  const std::vector<int> g{0, 0, 1, 1};
  const FairnessSummary f = SummarizeDecisions(y, d, g, 2);
  EXPECT_DOUBLE_EQ(f.demographic_parity_difference, 0.5 - 0.1);
  EXPECT_DOUBLE_EQ(f.demographic_parity_ratio, 0.1 / 0.5);
  EXPECT_DOUBLE_EQ(f.true_positive_rate_difference, 0.3);
  EXPECT_DOUBLE_EQ(f.equalized_odds_difference, 0.5);
}

}  // namespace
}  // namespace finai::fairness
