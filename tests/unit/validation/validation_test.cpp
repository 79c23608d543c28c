// Hand-checked small cases, edge cases and error messages of the validation statistics, the master scale and
// the recalibration helpers.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "finai/core/error.hpp"
#include "finai/validation/calibration.hpp"
#include "finai/validation/calibration_tests.hpp"
#include "finai/validation/discrimination.hpp"
#include "finai/validation/grade_table.hpp"
#include "finai/validation/master_scale.hpp"
#include "finai/validation/migration.hpp"
#include "finai/validation/stability.hpp"

namespace finai::validation {
namespace {

using Vec = std::vector<double>;

std::string MessageOf(const std::function<void()>& call) {
  try {
    call();
  } catch (const Error& e) {
    return e.what();
  }
  return "no exception";
}

// Events score {3, 2}, non-events {1, 2}. Placements psi(x, y): (3,1)=1, (3,2)=1, (2,1)=1, (2,2)=1/2.
// AUC = 3.5 / 4 = 0.875. V10 = {1, 0.75}, V01 = {1, 0.75}; each sample variance = 2 * 0.125^2 / 1 = 0.03125;
// Var = 0.03125 / 2 + 0.03125 / 2 = 0.03125.
TEST(DeLong, HandCheckedTinyCase) {
  const Vec labels{1, 0, 1, 0};
  const Vec scores{3, 1, 2, 2};
  const AucEstimate e = AucDeLong(labels, scores);
  EXPECT_DOUBLE_EQ(e.auc, 0.875);
  EXPECT_DOUBLE_EQ(e.variance, 0.03125);
  EXPECT_EQ(e.events, 2);
  EXPECT_EQ(e.non_events, 2);
  EXPECT_DOUBLE_EQ(e.ci_upper, 1.0);  // 0.875 + 1.96 * 0.177 > 1: clipped
  EXPECT_NEAR(e.ci_lower, 0.875 - 1.959963984540054 * std::sqrt(0.03125), 1e-12);
}

TEST(DeLong, SameScoresTwiceHaveNoDifference) {
  const Vec labels{1, 0, 1, 0, 1, 0};
  const Vec scores{0.9, 0.1, 0.4, 0.5, 0.7, 0.3};
  const DeLongComparison r = DeLongTest(labels, scores, scores);
  EXPECT_EQ(r.difference, 0.0);
  EXPECT_EQ(r.p_value, 1.0);
}

TEST(DeLong, MonotoneTransformKeepsTheAuc) {
  const Vec labels{1, 0, 1, 0, 1, 0, 0, 1};
  const Vec scores{0.9, 0.1, 0.4, 0.5, 0.7, 0.3, 0.7, 0.2};
  Vec transformed;
  for (double s : scores) transformed.push_back(std::exp(5 * s));
  const DeLongComparison r = DeLongTest(labels, scores, transformed);
  EXPECT_DOUBLE_EQ(r.first.auc, r.second.auc);
  EXPECT_DOUBLE_EQ(r.first.variance, r.second.variance);
}

TEST(DeLong, Errors) {
  EXPECT_EQ(MessageOf([] { AucDeLong(Vec{1, 0, 1}, Vec{0.1, 0.2, 0.3}); }),
            "argument 'labels': AucDeLong: 2 events and 1 non-events; expected at least 2 events and 2 non-events "
            "for DeLong's variance");
  EXPECT_EQ(MessageOf([] { AucDeLong(Vec{1, 0, 2, 0}, Vec{0.1, 0.2, 0.3, 0.4}); }),
            "argument 'labels': value '2': AucDeLong: row 3; expected 0 or 1");
  EXPECT_EQ(MessageOf([] { AucDeLong(Vec{1, 0, 1, 0}, Vec{0.1, std::nan(""), 0.3, 0.4}); }),
            "argument 'scores': value 'nan': AucDeLong: row 2; expected a number (not NaN)");
  EXPECT_EQ(MessageOf([] { DeLongTest(Vec{1, 0, 1, 0}, Vec{0.1, 0.2, 0.3, 0.4}, Vec{0.1}); }),
            "argument 'second_scores': DeLongTest: labels has 4 rows but second_scores has 1; expected the same "
            "number of rows");
}

TEST(HosmerLemeshow, NeedsThreeGroups) {
  EXPECT_EQ(MessageOf([] { HosmerLemeshow(Vec{1, 0, 1, 0}, Vec{0.5, 0.5, 0.2, 0.2}); }),
            "argument 'probs': HosmerLemeshow: the probabilities form only 2 groups; expected at least 3 distinct "
            "groups of predicted probability");
  EXPECT_EQ(MessageOf([] { HosmerLemeshow(Vec{1, 0, 1, 0}, Vec{0.5, 1.5, 0.2, 0.2}); }),
            "argument 'probs': value '1.5': HosmerLemeshow: row 2; expected a probability in [0, 1]");
}

TEST(DefaultTests, EdgeCases) {
  EXPECT_EQ(BinomialTestPValue(100, 0, 0.01), 1.0);  // no defaults: nothing contradicts the PD
  EXPECT_EQ(BinomialTestPValue(100, 1, 0.0), 0.0);   // a default at PD 0
  EXPECT_EQ(JeffreysTestPValue(100, 1, 0.0), 0.0);
  EXPECT_EQ(JeffreysTestPValue(100, 1, 1.0), 1.0);
  // P(X >= 1) = 1 - (1 - p)^n
  EXPECT_NEAR(BinomialTestPValue(10, 1, 0.1), 1 - std::pow(0.9, 10), 1e-15);
  EXPECT_EQ(MessageOf([] { BinomialTestPValue(10, 11, 0.1); }),
            "argument 'defaults': value '11': BinomialTestPValue; expected between 0 and the count 10");
}

TEST(Stability, IdenticalSamplesAreStable) {
  Vec a;
  for (int i = 0; i < 100; ++i) a.push_back(i % 17);
  const StabilityIndex psi = PopulationStability(a, a, 5);
  EXPECT_EQ(psi.value, 0.0);
  EXPECT_STREQ(StabilityVerdict(psi.value), "stable");
  EXPECT_STREQ(StabilityVerdict(0.3), "significant shift");
  EXPECT_STREQ(StabilityVerdict(0.12), "moderate shift");
}

TEST(Concentration, EvenAndSingleGrade) {
  const Concentration even = HerfindahlIndex(Vec{5, 5, 5, 5});
  EXPECT_DOUBLE_EQ(even.hhi, 0.25);
  EXPECT_NEAR(even.normalised, 0.0, 1e-15);
  EXPECT_NEAR(even.ecb, 0.0, 1e-15);
  const Concentration one = HerfindahlIndex(Vec{0, 9, 0});
  EXPECT_DOUBLE_EQ(one.hhi, 1.0);
  EXPECT_DOUBLE_EQ(one.normalised, 1.0);
  EXPECT_DOUBLE_EQ(one.ecb, 1.0);
}

TEST(Migration, OrderAndUnknownGrade) {
  const std::vector<std::string> from{"AA", "A", "", "BBB"};
  const std::vector<std::string> to{"A", "A", "A", "AA"};
  const MigrationMatrix m = RatingMigration(from, to, {"AA", "A", "BBB"});
  EXPECT_EQ(m.total, 3);  // the unrated row is skipped
  EXPECT_EQ(m.counts[0][1], 1);
  EXPECT_DOUBLE_EQ(m.downgrade_share, 1.0 / 3);
  EXPECT_DOUBLE_EQ(m.upgrade_share, 1.0 / 3);
  EXPECT_DOUBLE_EQ(m.beyond_one_notch_share, 1.0 / 3);
  EXPECT_EQ(MessageOf([&] { RatingMigration(from, to, {"AA", "A"}); }),
            "argument 'from': value 'BBB': RatingMigration: row 4: a grade not in the order; expected one of the "
            "listed grades");
}

TEST(GradeTable, MasterScalePdIsTestedAndEmptyGradesListed) {
  const std::vector<std::string> grades{"A", "A", "B", "B"};
  const GradeTableOptions options{.order = {"A", "B", "C"}, .grade_pds = {0.01, std::nullopt, 0.2}};
  const GradeTable t = BuildGradeTable(grades, Vec{0, 1, 0, 0}, Vec{0.02, 0.04, 0.1, 0.2}, options);
  ASSERT_EQ(t.grades.size(), 3u);
  EXPECT_DOUBLE_EQ(t.grades[0].test_pd, 0.01);
  EXPECT_DOUBLE_EQ(t.grades[0].mean_pd, 0.03);
  EXPECT_DOUBLE_EQ(t.grades[1].test_pd, 0.15);  // no master-scale PD: the mean
  EXPECT_NEAR(t.grades[0].binomial_p, 1 - 0.99 * 0.99, 1e-15);
  EXPECT_EQ(t.grades[2].count, 0);
  EXPECT_DOUBLE_EQ(t.concentration.hhi, 0.5);
}

TEST(Calibration, InterceptShiftExtremeTarget) {
  const Vec logits{-8, -6, -3, 0, 2};
  const InterceptShift s = SolveInterceptShift(logits, 0.999);
  EXPECT_NEAR(s.mean_pd_after, 0.999, 1e-13);
  EXPECT_EQ(MessageOf([&] { SolveInterceptShift(logits, 1.0); }),
            "argument 'target_mean_pd': value '1': SolveInterceptShift; expected a probability in (0, 1)");
}

TEST(Calibration, PlattRejectsPerfectSeparation) {
  EXPECT_EQ(MessageOf([] { FitPlatt(Vec{0, 0, 1, 1}, Vec{1, 2, 3, 4}); }),
            "argument 'scores': FitPlatt: the score separates the classes perfectly; expected overlapping scores "
            "of events and non-events (the slope is infinite)");
}

TEST(Calibration, IsotonicPoolsViolators) {
  // y = 1, 3, 2, 4 on x = 1..4: (3, 2) pool to 2.5.
  const IsotonicFit fit = FitIsotonic(Vec{1, 2, 3, 4}, Vec{1, 3, 2, 4});
  EXPECT_EQ(fit.y, (Vec{1, 2.5, 2.5, 4}));
  EXPECT_DOUBLE_EQ(fit.Predict(3.5), 3.25);
  EXPECT_DOUBLE_EQ(fit.Predict(-10), 1.0);
}

TEST(MasterScale, AssignsGradesByUpperBound) {
  const MasterScale scale = ParseMasterScale(nlohmann::json::parse(
      R"({"grades": [{"name": "A", "upper": 0.01, "pd": 0.005}, {"name": "B", "upper": 0.05}, {"name": "C", "upper": 1}]})"));
  EXPECT_EQ(scale.Grade(0.0), "A");
  EXPECT_EQ(scale.Grade(0.01), "A");  // upper bounds are inclusive
  EXPECT_EQ(scale.Grade(0.010001), "B");
  EXPECT_EQ(scale.Grade(1.0), "C");
  EXPECT_EQ(*scale.grades[0].pd, 0.005);
  EXPECT_FALSE(scale.grades[1].pd.has_value());
  EXPECT_EQ(MessageOf([&] { scale.Grade(1.5); }),
            "argument 'pd': value '1.5': master scale; expected a probability in [0, 1]");
}

TEST(MasterScale, RejectsBadSpecs) {
  auto parse = [](const char* text) { ParseMasterScale(nlohmann::json::parse(text), "ms.json"); };
  EXPECT_EQ(MessageOf([&] { parse(R"({"grades": [{"name": "A", "upper": 0.2}, {"name": "B", "upper": 0.1}]})"); }),
            "ms.json: key 'grades[1].upper': value '0.1': master scale: upper PD bounds must increase; expected a "
            "number in (0.2, 1]");
  EXPECT_EQ(MessageOf([&] { parse(R"({"grades": [{"name": "A", "upper": 0.2}]})"); }),
            "ms.json: key 'grades[0].upper': value '0.2': master scale: the last grade must hold PD 1; expected 1");
  EXPECT_EQ(MessageOf([&] { parse(R"({"grades": [{"name": "A", "upper": 0.2}, {"name": "A", "upper": 1}]})"); }),
            "ms.json: key 'grades[1].name': value 'A': master scale: a grade name is repeated; expected distinct names");
  EXPECT_EQ(MessageOf([&] { parse(R"({"grade": []})"); }),
            "ms.json: key 'grades': master scale: no grades; expected a non-empty array of {\"name\", \"upper\"[, \"pd\"]}");
}

// fuzz/master_scale_fuzzer: a number beyond a double was nlohmann's out_of_range, not a finai error.
TEST(MasterScale, TextReaderRejectsOverflowAndBadJson) {
  EXPECT_THROW(ParseMasterScaleText(R"({"grades": [{"name": "A", "upper": 1e400}]})", "ms.json"), InvalidData);
  EXPECT_THROW(ParseMasterScaleText(R"({"grades": [)", "ms.json"), InvalidData);
  const MasterScale scale =
      ParseMasterScaleText(R"({"grades": [{"name": "A", "upper": 0.1}, {"name": "B", "upper": 1}]})");
  EXPECT_EQ(scale.Grade(0.1), "A");
  EXPECT_EQ(scale.Grade(0.1000001), "B");
}

}  // namespace
}  // namespace finai::validation
