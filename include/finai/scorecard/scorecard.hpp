// Credit scorecards: optimal binning of each candidate variable, variable selection, a logistic regression on
// the weights of evidence, and points per bin scaled from points-to-double-the-odds (PDO), base score and
// base odds. Conventions (docs/scorecard.md):
//   odds = good : bad (non-event : event), WoE = ln(%good / %bad),
//   score = offset + factor * ln(odds),  factor = PDO / ln 2,  offset = base_score - factor * ln(base_odds),
//   logit P(bad) = b0 + sum_j b_j WoE_j, so  score = sum_j points_j(bin) with
//   points_j(bin) = -factor * b_j * WoE_j(bin) + (offset - factor * b0) / m   (m variables: intercept split evenly),
//   rounded to integers when ScalingParams::round_points.
#pragma once

#include <limits>
#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string>
#include <vector>

#include "finai/core/context.hpp"
#include "finai/data/frame.hpp"
#include "finai/data/schema.hpp"
#include "finai/models/linear/logistic.hpp"
#include "finai/scorecard/binning.hpp"

namespace finai::scorecard {

struct ScalingParams {
  double pdo = 50;          // points that double the good:bad odds, > 0
  double base_score = 600;  // the score at the base odds
  double base_odds = 19;    // good:bad odds at the base score, > 0
  bool round_points = true;

  double Factor() const;  // PDO / ln 2
  double Offset() const;  // base_score - factor * ln(base_odds)
  void Validate() const;
};
// score <-> probability of the event (bad): PD = 1 / (1 + exp((score - offset) / factor)).
double ScoreToPd(const ScalingParams& scaling, double score);
double PdToScore(const ScalingParams& scaling, double pd);

enum class Stepwise { kNone, kForward, kBackward };
enum class Criterion { kAic, kBic };
Stepwise ParseStepwise(std::string_view name);    // "none", "forward", "backward"
Criterion ParseCriterion(std::string_view name);  // "aic", "bic"

struct SelectionOptions {
  double min_iv = 0.02;                                     // variables with less information value are dropped
  double max_iv = std::numeric_limits<double>::infinity();  // more is suspicious (leakage): dropped
  double max_correlation = 0.7;  // |Pearson correlation| of WoE columns; the lower-IV variable goes
  double max_vif = 5.0;          // variance inflation factor of the WoE columns; the highest goes first
  Stepwise stepwise = Stepwise::kNone;
  Criterion criterion = Criterion::kBic;
  // With WoE = ln(%good / %bad) every coefficient should be negative; a variable whose coefficient is not is
  // dropped (the largest p-value first) and the model refitted.
  bool require_negative_coefficients = true;
  void Validate() const;
};

struct ScorecardOptions {
  BinningOptions binning;
  SelectionOptions selection;
  ScalingParams scaling;
  double l2 = 0;                      // L2 penalty of the logistic regression
  std::vector<std::string> features;  // candidates; empty = every schema feature (sensitive columns never)
  // Manual bins: {"Income": {"cuts": [..], "special_values": [..]}, "Home": {"groups": [["a", "b"], ...]}}.
  // Variables named here skip the optimal binning. Parsed by ParseBinningSpec.
  std::string binning_spec_json;
};

struct ManualBins {
  std::string feature;
  std::vector<double> cuts;
  std::vector<double> special_values;
  std::vector<std::vector<std::string>> groups;
  bool categorical = false;
};
// InvalidData naming the key on a malformed spec.
std::vector<ManualBins> ParseBinningSpec(std::string_view json_text, std::string_view source_name);

struct ScorecardVariable {
  VariableBinning binning;
  std::string description;  // from the schema, for reason codes
  double coefficient = 0;
  std::vector<double> points;  // one per bin of binning
  double MaxPoints() const;    // over the bins that held rows at fit time
};

struct SelectionRecord {
  std::string feature;
  double iv = 0;
  std::string decision;  // "selected", or why the variable was dropped
};

// One recalibration applied to a card after its fit (RecalibrateScorecard): logit P(event) became
// slope * (the previous logit) + shift.
struct Recalibration {
  std::string method;  // "intercept" (slope 1) or "platt"
  double slope = 1;
  double shift = 0;
  bool operator==(const Recalibration&) const = default;
};

struct Scorecard {
  std::string finai_version;
  std::string target, event, non_event;
  std::vector<std::string> schema_columns;  // the columns of the training data
  std::vector<std::string> sensitive;       // schema-sensitive columns: never features, never reasons
  ScorecardOptions options;
  std::vector<ScorecardVariable> variables;
  double intercept = 0;
  linear::LogisticFit fit;  // "const" then the variables, on their WoE
  std::vector<SelectionRecord> selection;
  double min_score = 0, max_score = 0;  // range of the points sums
  std::vector<Recalibration> recalibrations;  // in the order applied; intercept and coefficients include them
};

// Fits a scorecard on a frame: target column (binary; event as ResolveBinaryTarget), weights empty or one per
// row. InvalidData when no variable survives the selection or the fit fails (separation, singular design).
Scorecard FitScorecard(const Frame& frame, const Schema& schema, const std::string& target, const std::string& event,
                       std::span<const double> weights, const ScorecardOptions& options, const Context& ctx);

// One reason code, as explain::Reason for trees: the variable, the text a customer reads (the schema's
// description of the column when the card was fitted, else the column name) and the points it cost.
struct ScoreReason {
  std::string feature;
  std::string text;
  double shortfall = 0;  // the variable's maximum points minus the row's points, > 0
  bool operator==(const ScoreReason&) const = default;
};

// Recalibrates the card's PD: logit P(event) = b0 + sum_j b_j WoE_j becomes slope * (that) + shift, so the
// intercept becomes slope * b0 + shift and each coefficient slope * b_j; the points are recomputed with the same
// scaling, bins and WoE, and the step is appended to card.recalibrations. `fit` keeps the statistics of the
// original regression. InvalidArgument unless slope > 0 (the ranking must not change) and both are finite.
// An intercept shift to a target mean PD: slope 1, shift from validation::SolveInterceptShift; Platt scaling:
// slope and shift of validation::FitPlatt on the card's logits (finai scorecard recalibrate).
void RecalibrateScorecard(Scorecard& card, const std::string& method, double slope, double shift);

struct ScoredRows {
  std::vector<double> score;                       // sum of the (rounded) points
  std::vector<double> pd;                          // probability of the event from the unrounded model
  std::vector<std::vector<ScoreReason>> reasons;  // per row: up to k variables, worst shortfall first
};
// Scores the rows of a frame; NotFound when a variable's column is absent. Reason codes: the variables whose
// points fall furthest below their maximum points (ties: the variable's order in the card), only those with a
// shortfall, never a sensitive column; their text is the variable's description, else its name.
ScoredRows ApplyScorecard(const Scorecard& card, const Frame& frame, int num_reasons);

// Versioned JSON ({"format": "finai.scorecard", "version": 1, ...}); corrupt files are InvalidData naming the
// key, a newer version Unsupported.
nlohmann::json ScorecardToJson(const Scorecard& card);
Scorecard ScorecardFromJson(const nlohmann::json& json, std::string_view source_name);
// The text of a scorecard file: InvalidData when it is not JSON or not a scorecard (what LoadScorecard reads).
Scorecard ParseScorecard(std::string_view json_text, std::string_view source_name);
void SaveScorecard(const Scorecard& card, const std::string& path);
Scorecard LoadScorecard(const std::string& path);  // NotFound when absent

// The scorecard table (variable, bin, count, event rate, WoE, IV, points) and the coefficients, as text or JSON.
std::string FormatScorecardReport(const Scorecard& card);
nlohmann::json ScorecardReportJson(const Scorecard& card);

}  // namespace finai::scorecard
