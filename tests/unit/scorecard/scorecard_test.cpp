// Scorecards end to end: a fixed-bin card against statsmodels + the PDO formulas
// (tests/golden/scorecard/make_scorecard_golden.py), score <-> PD, reason codes, sensitive columns, selection,
// JSON save / load and corrupt files.
#include "finai/scorecard/scorecard.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "finai/core/error.hpp"
#include "finai/data/csv.hpp"

namespace finai::scorecard {
namespace {

// Printed by tests/golden/scorecard/make_scorecard_golden.py.
const std::vector<double> kCoef = {-0.938230678918, -0.825226692739, -0.846915604483, -0.794075921569};
const std::vector<double> kStdErr = {0.0370659266193, 0.0539998667722, 0.0600609231785, 0.0745451570631};
const std::vector<double> kSeniorityPoints = {98.38758349, 135.6806127, 159.1785459, 185.7264696, 220.3893156};
const std::vector<double> kIncomePoints = {112.9799101, 151.8284036, 171.3035712,
                                           188.6629734, 190.7216247, 77.42143941};
const std::vector<double> kHomePoints = {121.6195684, 183.0002093, 144.449824, 109.5943465, 107.8194697, 58.39603872};
const std::vector<std::string> kHomeLabels = {"rent", "owner", "parents, priv", "ignore", "other", "missing"};
const double kScoreRow0 = 478.6496092;
const double kPdRow0 = 0.22060136387;

const CsvTable& Credit() {
  static const CsvTable table = [] {
    CsvOptions o;
    o.schema = LoadSchemaOverride(std::string(FINAI_SOURCE_DIR) + "/data/credit_data.schema.json");
    return ReadCsv(std::string(FINAI_SOURCE_DIR) + "/data/credit_data.csv", o, Context());
  }();
  return table;
}

ScorecardOptions FixedBinOptions() {
  ScorecardOptions o;
  o.features = {"Seniority", "Income", "Home"};
  o.binning_spec_json = R"({"Seniority": {"cuts": [1, 3, 7, 14]}, "Income": {"cuts": [80, 110, 140, 200]},
                            "Home": {"groups": [["rent"], ["owner"], ["parents", "priv"]]}})";
  o.selection.min_iv = 0;
  o.selection.max_vif = 100;
  o.selection.max_correlation = 1;
  o.scaling.round_points = false;
  return o;
}

TEST(Scorecard, FixedBinsMatchStatsmodelsAndThePdoFormulas) {
  const Scorecard card =
      FitScorecard(Credit().frame, Credit().schema, "Status", "bad", {}, FixedBinOptions(), Context());
  ASSERT_EQ(card.variables.size(), 3u);
  for (std::size_t j = 0; j < kCoef.size(); ++j) {
    EXPECT_NEAR(card.fit.coef[j], kCoef[j], 1e-7) << j;
    EXPECT_NEAR(card.fit.std_err[j], kStdErr[j], 1e-7) << j;
  }
  const auto& sen = card.variables[0];
  ASSERT_EQ(sen.binning.feature, "Seniority");
  for (std::size_t b = 0; b < kSeniorityPoints.size(); ++b) EXPECT_NEAR(sen.points[b], kSeniorityPoints[b], 1e-6) << b;
  const auto& inc = card.variables[1];
  // Income: value bins 0..4, missing last (python key 5).
  for (std::size_t b = 0; b < 5; ++b) EXPECT_NEAR(inc.points[b], kIncomePoints[b], 1e-6) << b;
  EXPECT_NEAR(inc.points.back(), kIncomePoints[5], 1e-6);
  const auto& home = card.variables[2];
  for (std::size_t k = 0; k < kHomeLabels.size(); ++k) {
    const auto it = std::find_if(home.binning.bins.begin(), home.binning.bins.end(),
                                 [&](const Bin& b) { return b.label == kHomeLabels[k]; });
    ASSERT_NE(it, home.binning.bins.end());
    EXPECT_NEAR(home.points[static_cast<std::size_t>(it - home.binning.bins.begin())], kHomePoints[k], 1e-6)
        << kHomeLabels[k];
  }
  const ScoredRows scored = ApplyScorecard(card, Credit().frame, 2);
  EXPECT_NEAR(scored.score[0], kScoreRow0, 1e-6);
  EXPECT_NEAR(scored.pd[0], kPdRow0, 1e-9);
  // Unrounded points: the score and the PD are the same information.
  for (std::size_t r = 0; r < scored.score.size(); r += 97) {
    EXPECT_NEAR(ScoreToPd(card.options.scaling, scored.score[r]), scored.pd[r], 1e-12) << r;
  }
}

TEST(Scorecard, ScalingConvention) {
  ScalingParams s;                                 // PDO 50, 600 at 19:1
  EXPECT_NEAR(PdToScore(s, 1.0 / 20), 600, 1e-9);  // odds 19:1
  EXPECT_NEAR(PdToScore(s, 1.0 / 39), 650, 1e-9);  // odds doubled: + PDO
  EXPECT_NEAR(PdToScore(s, 2.0 / 21), 550, 1e-9);  // odds halved (9.5:1): - PDO
  EXPECT_NEAR(ScoreToPd(s, 600), 0.05, 1e-12);
  EXPECT_NEAR(s.Factor(), 50 / std::log(2.0), 1e-12);
  s.pdo = 0;
  EXPECT_THROW(s.Validate(), InvalidArgument);
}

TEST(Scorecard, OptimalCardSkipsSensitiveColumnsAndGivesReasons) {
  ScorecardOptions o;
  const Scorecard card = FitScorecard(Credit().frame, Credit().schema, "Status", "", {}, o, Context());
  EXPECT_EQ(card.event, "bad");
  EXPECT_GE(card.variables.size(), 3u);
  for (const auto& v : card.variables) {
    EXPECT_NE(v.binning.feature, "Age");
    EXPECT_LT(v.coefficient, 0) << v.binning.feature;
    EXPECT_GE(v.binning.iv, 0.02);
    for (double p : v.points) EXPECT_EQ(p, std::round(p));
  }
  bool age_noted = false;
  for (const auto& s : card.selection)
    age_noted = age_noted || (s.feature == "Age" && s.decision.find("sensitive") != std::string::npos);
  EXPECT_TRUE(age_noted);
  const ScoredRows scored = ApplyScorecard(card, Credit().frame, 3);
  std::map<std::string, std::vector<int>> bins;
  for (const auto& v : card.variables)
    bins[v.binning.feature] = v.binning.BinColumn(Credit().frame.column(v.binning.feature));
  for (std::size_t r = 0; r < scored.score.size(); ++r) {
    EXPECT_GE(scored.score[r], card.min_score);
    EXPECT_LE(scored.score[r], card.max_score);
    ASSERT_LE(scored.reasons[r].size(), 3u);
    // Reasons come in order of decreasing shortfall from the variable's best points.
    double previous = INFINITY;
    for (const auto& reason : scored.reasons[r]) {
      const std::string& name = reason.feature;
      const auto& v = *std::find_if(card.variables.begin(), card.variables.end(),
                                    [&](const auto& x) { return x.binning.feature == name; });
      const int b = bins[name][r];
      const double shortfall = v.MaxPoints() - v.points[static_cast<std::size_t>(b)];
      EXPECT_GT(shortfall, 0);
      EXPECT_EQ(reason.shortfall, shortfall);
      // The text is the schema's description (credit_data.schema.json describes every column).
      const FieldSpec* spec = Credit().schema.Find(name);
      ASSERT_NE(spec, nullptr);
      EXPECT_EQ(reason.text, spec->description);
      EXPECT_FALSE(reason.text.empty());
      EXPECT_LE(shortfall, previous);
      previous = shortfall;
    }
  }
  // Higher scores mean lower risk: the mean PD of the top score half is below that of the bottom half.
  double lo = 0, hi = 0;
  std::size_t nlo = 0, nhi = 0;
  const double mid = (card.min_score + card.max_score) / 2;
  for (std::size_t r = 0; r < scored.score.size(); ++r)
    (scored.score[r] < mid ? (lo += scored.pd[r], ++nlo) : (hi += scored.pd[r], ++nhi));
  EXPECT_GT(lo / static_cast<double>(nlo), hi / static_cast<double>(nhi));
}

TEST(Scorecard, ReasonTextFallsBackToTheColumnName) {
  ScorecardOptions o;
  o.features = {"Seniority", "Records", "Job"};
  Scorecard card = FitScorecard(Credit().frame, Credit().schema, "Status", "bad", {}, o, Context());
  ASSERT_FALSE(card.variables.empty());
  for (auto& v : card.variables) v.description.clear();  // a schema without descriptions
  const ScoredRows scored = ApplyScorecard(card, Credit().frame, 4);
  std::size_t given = 0;
  for (const auto& row : scored.reasons) {
    for (const auto& reason : row) {
      EXPECT_EQ(reason.text, reason.feature);
      ++given;
    }
  }
  EXPECT_GT(given, 0u);
}

TEST(Scorecard, RecalibrationMapsTheLogitAndIsSaved) {
  ScorecardOptions o;
  o.features = {"Seniority", "Records", "Job", "Income"};
  const Scorecard card = FitScorecard(Credit().frame, Credit().schema, "Status", "bad", {}, o, Context());
  Scorecard recal = card;
  RecalibrateScorecard(recal, "platt", 1.5, -0.25);
  const ScoredRows before = ApplyScorecard(card, Credit().frame, 0), after = ApplyScorecard(recal, Credit().frame, 0);
  for (std::size_t r = 0; r < before.pd.size(); r += 97) {
    const double logit = std::log(before.pd[r] / (1 - before.pd[r]));
    EXPECT_NEAR(after.pd[r], 1 / (1 + std::exp(-(1.5 * logit - 0.25))), 1e-12);
  }
  // The points follow: higher PD, fewer points, with the same scaling (score = offset + factor ln(good:bad)).
  const double factor = card.options.scaling.Factor();
  Scorecard unrounded = card;
  unrounded.options.scaling.round_points = false;
  RecalibrateScorecard(unrounded, "intercept", 1, 0);  // recomputes the points unrounded
  const ScoredRows exact = ApplyScorecard(unrounded, Credit().frame, 0);
  for (std::size_t r = 0; r < exact.pd.size(); r += 97) {
    EXPECT_NEAR(exact.score[r], card.options.scaling.Offset() + factor * std::log((1 - exact.pd[r]) / exact.pd[r]),
                1e-9);
  }
  ASSERT_EQ(recal.recalibrations.size(), 1u);
  const Scorecard back = ScorecardFromJson(ScorecardToJson(recal), "recal.json");
  EXPECT_EQ(back.recalibrations, recal.recalibrations);
  EXPECT_EQ(ApplyScorecard(back, Credit().frame, 0).score, after.score);
  EXPECT_THROW(RecalibrateScorecard(recal, "platt", 0, 1), InvalidArgument);
  EXPECT_THROW(RecalibrateScorecard(recal, "platt", -1, 1), InvalidArgument);
}

TEST(Scorecard, StepwiseSelectionDoesNotWorsenTheCriterion) {
  ScorecardOptions o;
  o.features = {"Seniority", "Home", "Time", "Records", "Job", "Expenses", "Income"};
  o.selection.max_vif = 100;
  o.selection.max_correlation = 1;
  o.selection.require_negative_coefficients = false;
  const Scorecard full = FitScorecard(Credit().frame, Credit().schema, "Status", "bad", {}, o, Context());
  for (Stepwise s : {Stepwise::kForward, Stepwise::kBackward}) {
    o.selection.stepwise = s;
    o.selection.criterion = Criterion::kBic;
    const Scorecard step = FitScorecard(Credit().frame, Credit().schema, "Status", "bad", {}, o, Context());
    EXPECT_LE(step.fit.bic, full.fit.bic + 1e-9);
    EXPECT_LE(step.variables.size(), full.variables.size());
  }
}

TEST(Scorecard, SaveLoadRoundTripAndCorruptFiles) {
  const Scorecard card =
      FitScorecard(Credit().frame, Credit().schema, "Status", "bad", {}, ScorecardOptions(), Context());
  const std::string path = ::testing::TempDir() + "/card.json";
  SaveScorecard(card, path);
  const Scorecard back = LoadScorecard(path);
  const ScoredRows a = ApplyScorecard(card, Credit().frame, 2), b = ApplyScorecard(back, Credit().frame, 2);
  EXPECT_EQ(a.score, b.score);
  EXPECT_EQ(a.reasons, b.reasons);
  for (std::size_t r = 0; r < a.pd.size(); ++r) EXPECT_NEAR(a.pd[r], b.pd[r], 1e-15);
  EXPECT_EQ(back.finai_version, card.finai_version);

  nlohmann::json j = ScorecardToJson(card);
  j["variables"][0]["points"].erase(0);
  try {
    ScorecardFromJson(j, "card.json");
    FAIL();
  } catch (const InvalidData& e) {
    EXPECT_NE(std::string(e.what()).find("variables[0].points"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("card.json"), std::string::npos) << e.what();
  }
  j = ScorecardToJson(card);
  j["params"]["binning"]["max_bins"] = 1e300;  // would be undefined behaviour as a cast to int
  EXPECT_THROW(ScorecardFromJson(j, "card.json"), InvalidData);
  j = ScorecardToJson(card);
  j["variables"][0]["points"][0] = 1e308 * 10;  // infinity
  EXPECT_THROW(ScorecardFromJson(j, "card.json"), InvalidData);
  j = ScorecardToJson(card);
  j["version"] = 2;
  EXPECT_THROW(ScorecardFromJson(j, "card.json"), Unsupported);
  j = ScorecardToJson(card);
  j["format"] = "finai.gbdt";
  EXPECT_THROW(ScorecardFromJson(j, "card.json"), InvalidData);
  {
    std::ofstream out(path);
    out << "{\"format\": \"finai.scorecard\", ";
  }
  EXPECT_THROW(LoadScorecard(path), InvalidData);
  EXPECT_THROW(LoadScorecard(path + ".absent"), NotFound);
}

// Inputs fuzz/scorecard_fuzzer and fuzz/binning_spec_fuzzer found: a number beyond a double escaped as
// nlohmann's out_of_range (not a parse error), and a fit block with fewer standard errors than coefficients
// made the report read past the end.
TEST(Scorecard, FuzzFoundInputsAreInvalidData) {
  try {
    ParseBinningSpec(R"({"x": {"cuts": [77777777777E7777]}})", "bins.json");
    FAIL();
  } catch (const InvalidData& e) {
    EXPECT_NE(std::string(e.what()).find("bins.json"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("number overflow"), std::string::npos) << e.what();
  }
  EXPECT_THROW(ParseScorecard(R"({"format": "finai.scorecard", "version": 1e400})", "card.json"), InvalidData);
  ScorecardOptions o;
  o.features = {"Records", "Job"};
  const Scorecard card = FitScorecard(Credit().frame, Credit().schema, "Status", "bad", {}, o, Context());
  for (const char* key : {"std_err", "z", "p_value", "ci_lower", "ci_upper"}) {
    nlohmann::json j = ScorecardToJson(card);
    j["fit"][key].erase(0);
    try {
      ParseScorecard(j.dump(), "card.json");
      FAIL() << key;
    } catch (const InvalidData& e) {
      EXPECT_NE(std::string(e.what()).find(std::string("fit.") + key), std::string::npos) << e.what();
    }
  }
  EXPECT_NO_THROW(ParseScorecard(ScorecardToJson(card).dump(), "card.json"));
}

TEST(Scorecard, NothingSelectedIsAnError) {
  ScorecardOptions o;
  o.selection.min_iv = 5;
  o.selection.max_iv = 10;
  EXPECT_THROW(FitScorecard(Credit().frame, Credit().schema, "Status", "bad", {}, o, Context()), InvalidData);
  o = ScorecardOptions();
  o.binning_spec_json = R"({"Income": {"cutz": [1]}})";
  EXPECT_THROW(FitScorecard(Credit().frame, Credit().schema, "Status", "bad", {}, o, Context()), InvalidData);
}

}  // namespace
}  // namespace finai::scorecard

namespace finai::scorecard {
namespace {

TEST(Scorecard, UniformWeightsGiveTheSameCard) {
  ScorecardOptions o = FixedBinOptions();
  const Scorecard plain = FitScorecard(Credit().frame, Credit().schema, "Status", "bad", {}, o, Context());
  const std::vector<double> w(static_cast<std::size_t>(Credit().frame.num_rows()), 2.0);
  const Scorecard weighted = FitScorecard(Credit().frame, Credit().schema, "Status", "bad", w, o, Context());
  for (std::size_t j = 0; j < plain.fit.coef.size(); ++j) {
    EXPECT_NEAR(weighted.fit.coef[j], plain.fit.coef[j], 1e-9);
    EXPECT_NEAR(weighted.fit.std_err[j] * std::sqrt(2.0), plain.fit.std_err[j], 1e-9);  // twice the information
  }
  for (std::size_t v = 0; v < plain.variables.size(); ++v) {
    for (std::size_t b = 0; b < plain.variables[v].points.size(); ++b) {
      EXPECT_NEAR(weighted.variables[v].points[b], plain.variables[v].points[b], 1e-6);
    }
  }
}

}  // namespace
}  // namespace finai::scorecard
