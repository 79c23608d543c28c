// The weighted audit against tests/golden/fairness/make_weighted_golden.py (sklearn's sample_weight, numpy, scipy)
// on audit_case.csv with weights 1 + 0.5 * (row % 3); and properties a weighting must keep.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "finai/core/error.hpp"
#include "finai/data/csv.hpp"
#include "finai/fairness/audit.hpp"

namespace finai::fairness {
namespace {

constexpr double kTol = 1e-9;

struct Case {
  std::vector<double> y, s, w;
  Groups groups;
};

const Case& Load() {
  static const Case c = [] {
    const CsvTable t = ReadCsv(std::string(FINAI_SOURCE_DIR) + "/tests/golden/fairness/audit_case.csv", {}, Context());
    Case out{.y = t.frame.column("label").ToFloat64(), .s = t.frame.column("score").ToFloat64()};
    for (std::size_t i = 0; i < out.y.size(); ++i) out.w.push_back(1 + 0.5 * static_cast<double>(i % 3));
    out.groups = BuildGroups(t.frame, {{.column = "group"}});
    return out;
  }();
  return c;
}

TEST(FairnessWeighted, AuditMatchesSklearnSampleWeights) {
  const Case& c = Load();
  const AuditReport rep = Audit(c.y, c.s, c.groups, {.min_group_size = 0, .bootstrap = 0}, Context(), c.w);
  ASSERT_EQ(rep.groups.size(), 3u);
  EXPECT_EQ(rep.reference, 0);  // A has the most rows
  struct Expected {
    double selection, tpr, fpr, ppv, auc, log_loss, brier, mean;
  };
  // make_weighted_golden.py, lines A, B, C.
  const Expected e[3] = {
      {0.267477203647, 0.433070866142, 0.163366336634, 0.625, 0.714917751618, 0.603704400393, 0.209323100304, 0.364285714286},
      {0.5, 0.784946236559, 0.319727891156, 0.608333333333, 0.785311974252, 0.562560868288, 0.192532083333, 0.497625},
      {0.0860927152318, 0.382352941176, 0, 1, 0.884112619407, 0.373630777162, 0.110662913907, 0.25701986755}};
  for (int g = 0; g < 3; ++g) {
    const GroupRates& r = rep.groups[g].rates;
    EXPECT_NEAR(r.selection_rate, e[g].selection, kTol) << g;
    EXPECT_NEAR(r.tpr, e[g].tpr, kTol) << g;
    EXPECT_NEAR(r.fpr, e[g].fpr, kTol) << g;
    EXPECT_NEAR(r.ppv, e[g].ppv, kTol) << g;
    EXPECT_NEAR(r.auc, e[g].auc, kTol) << g;
    EXPECT_NEAR(r.log_loss, e[g].log_loss, kTol) << g;
    EXPECT_NEAR(r.brier, e[g].brier, kTol) << g;
    EXPECT_NEAR(r.mean_score, e[g].mean, kTol) << g;
  }
  EXPECT_EQ(rep.groups[1].rates.n, 80);  // counts stay rows
  EXPECT_NEAR(rep.overall.selection_rate, 0.306944444444, kTol);
  // z with Kish's effective sizes; chi-square on the effective table.
  EXPECT_NEAR(rep.groups[1].z, 3.17013048359, 1e-9);
  EXPECT_NEAR(rep.groups[1].p_value, 0.00152370496791, 1e-12);
  EXPECT_NEAR(rep.groups[2].z, -2.51749018232, 1e-9);
  EXPECT_NEAR(rep.chi_square, 24.4735825032, 1e-8);
  EXPECT_NEAR(rep.chi_square_p, 4.84874207992e-06, 1e-14);
}

TEST(FairnessWeighted, UnitWeightsChangeNothingAndScaleDoesNotMatter) {
  const Case& c = Load();
  const AuditOptions o{.min_group_size = 0, .bootstrap = 50};
  const AuditReport plain = Audit(c.y, c.s, c.groups, o, Context());
  const AuditReport ones = Audit(c.y, c.s, c.groups, o, Context(), std::vector<double>(c.y.size(), 1.0));
  std::vector<double> w3 = c.w;
  for (double& v : w3) v *= 3;
  const AuditReport a = Audit(c.y, c.s, c.groups, o, Context(), c.w);
  const AuditReport b = Audit(c.y, c.s, c.groups, o, Context(), w3);
  for (int g = 0; g < 3; ++g) {
    EXPECT_DOUBLE_EQ(plain.groups[g].rates.selection_rate, ones.groups[g].rates.selection_rate);
    EXPECT_NEAR(plain.groups[g].rates.auc, ones.groups[g].rates.auc, 1e-12);
    EXPECT_NEAR(plain.groups[g].selection_rate_ci.low, ones.groups[g].selection_rate_ci.low, 1e-12);
    EXPECT_NEAR(a.groups[g].rates.tpr, b.groups[g].rates.tpr, 1e-12);
    if (g > 0) {  // the reference group (A) has no z
      EXPECT_NEAR(plain.groups[g].z, ones.groups[g].z, 1e-12);
      EXPECT_NEAR(a.groups[g].z, b.groups[g].z, 1e-9);
    }
    EXPECT_NEAR(a.groups[g].selection_rate_ci.high, b.groups[g].selection_rate_ci.high, 1e-12);
  }
  EXPECT_NEAR(plain.chi_square, ones.chi_square, 1e-9);
}

TEST(FairnessWeighted, RefusesBadWeightsAndLeavesOutMissingOnes) {
  const Case& c = Load();
  std::vector<double> w = c.w;
  w[5] = -1;
  EXPECT_THROW(Audit(c.y, c.s, c.groups, {.bootstrap = 0}, Context(), w), InvalidData);
  w[5] = INFINITY;
  EXPECT_THROW(Audit(c.y, c.s, c.groups, {.bootstrap = 0}, Context(), w), InvalidData);
  w[5] = NAN;
  EXPECT_EQ(Audit(c.y, c.s, c.groups, {.bootstrap = 0}, Context(), w).rows_left_out, 1);
  EXPECT_THROW(Audit(c.y, c.s, c.groups, {.bootstrap = 0}, Context(), std::vector<double>{1, 2}), InvalidArgument);
}

}  // namespace
}  // namespace finai::fairness
