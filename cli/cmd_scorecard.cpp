// `finai scorecard fit|apply|report` (and `cv`, cmd_scorecard_cv.cpp): credit scorecards (optimal binning,
// WoE logistic regression, points).
#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "finai/core/error.hpp"
#include "finai/core/file.hpp"
#include "finai/data/target.hpp"
#include "finai/metrics/metrics.hpp"
#include "finai/scorecard/scorecard.hpp"
#include "finai/validation/calibration.hpp"

namespace finai::cli {

namespace {

struct FitArgs {
  std::string data_file, target, event, output, bins_file;
  std::string monotonic = "auto", objective = "iv", stepwise = "none", criterion = "bic";
  std::vector<std::string> features;
  std::vector<double> special_values;
  scorecard::ScorecardOptions options;
  bool no_round = false;
  bool json = false;
  DataOptions data;
};

struct ApplyArgs {
  std::string model, data_file, output, id_column;
  std::vector<std::string> keep;  // columns copied to the output (e.g. the target, for `finai validate`)
  int reasons = 0;
  DataOptions data;
};

struct RecalibrateArgs {
  std::string model, data_file, target, method, output;
  double target_pd = NAN;  // intercept: the mean PD wanted (default: the observed event rate)
  bool json = false;
  DataOptions data;
};

struct ReportArgs {
  std::string model;
  bool json = false;
};

void RunFit(FitArgs& a, const GlobalOptions& global) {
  const Context ctx = MakeContext(global);
  scorecard::ScorecardOptions o = a.options;
  o.binning.trend = scorecard::ParseTrend(a.monotonic);
  o.binning.objective = scorecard::ParseObjective(a.objective);
  o.binning.special_values = a.special_values;
  o.selection.stepwise = scorecard::ParseStepwise(a.stepwise);
  o.selection.criterion = scorecard::ParseCriterion(a.criterion);
  o.scaling.round_points = !a.no_round;
  o.features = a.features;
  if (!a.bins_file.empty()) {
    o.binning_spec_json = ReadFileToString(a.bins_file);
    scorecard::ParseBinningSpec(o.binning_spec_json, a.bins_file);  // report a bad file by its name
  }
  const CsvTable table = LoadData(a.data_file, a.data, ctx);
  const std::string target = !a.target.empty() ? a.target : table.schema.SingleWithRole(Role::kTarget).value_or("");
  if (target.empty()) {
    throw InvalidArgument(
        "no target column",
        {.field = "--target", .field_kind = "option", .expected = "--target NAME or a schema with a target role"});
  }
  table.frame.column(target);  // NotFound naming the available columns
  std::vector<double> weights;
  if (const auto w = table.schema.SingleWithRole(Role::kWeight)) weights = table.frame.column(*w).ToFloat64();
  const scorecard::Scorecard card =
      scorecard::FitScorecard(table.frame, table.schema, target, a.event, weights, o, ctx);
  scorecard::SaveScorecard(card, a.output);
  // Training Gini of the points (the rank of the score; higher score = lower risk).
  const scorecard::ScoredRows scored = scorecard::ApplyScorecard(card, table.frame, 0);
  const std::vector<double> labels = ResolveBinaryTarget(table.frame.column(target), card.event).labels;
  std::vector<double> y, risk;
  for (std::size_t r = 0; r < labels.size(); ++r) {
    if (std::isnan(labels[r])) continue;
    y.push_back(labels[r]);
    risk.push_back(-scored.score[r]);
  }
  const double gini = metrics::Gini(y, risk);
  if (a.json) {
    nlohmann::ordered_json out{{"model", a.output},           {"rows", y.size()},
                               {"event", card.event},         {"variables", card.variables.size()},
                               {"train_gini", gini},          {"min_score", card.min_score},
                               {"max_score", card.max_score}, {"log_likelihood", card.fit.log_likelihood},
                               {"aic", card.fit.aic},         {"bic", card.fit.bic}};
    nlohmann::ordered_json vars = nlohmann::ordered_json::array();
    for (const auto& v : card.variables) {
      vars.push_back({{"feature", v.binning.feature},
                      {"value_bins", v.binning.num_value_bins()},
                      {"iv", v.binning.iv},
                      {"coefficient", v.coefficient}});
    }
    out["selected"] = std::move(vars);
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    std::printf("scorecard on %zu rows (event '%s'): %zu variables, scores %g to %g, training Gini %.4f\n", y.size(),
                card.event.c_str(), card.variables.size(), card.min_score, card.max_score, gini);
    for (const auto& v : card.variables) {
      std::printf("  %-16s %2d value bins  IV %.4f  coefficient %.4f\n", v.binning.feature.c_str(),
                  v.binning.num_value_bins(), v.binning.iv, v.coefficient);
    }
    std::printf("saved to %s\n", a.output.c_str());
  }
  PrintLoadReport(table.report);
}

void RunApply(const ApplyArgs& a, const GlobalOptions& global) {
  const Context ctx = MakeContext(global);
  const scorecard::Scorecard card = scorecard::LoadScorecard(a.model);
  const CsvTable table = LoadData(a.data_file, a.data, ctx);
  const scorecard::ScoredRows scored = scorecard::ApplyScorecard(card, table.frame, a.reasons);
  const Column* id = a.id_column.empty() ? nullptr : &table.frame.column(a.id_column);
  std::vector<const Column*> kept;
  for (const auto& name : a.keep) kept.push_back(&table.frame.column(name));  // NotFound naming the columns
  std::FILE* out = stdout;
  if (!a.output.empty()) {
    out = std::fopen(a.output.c_str(), "w");
    if (!out) throw IoError("cannot create the output file", {.file = a.output});
  }
  // Each reason as two columns, the variable and the text a customer reads (the schema's description), as
  // `finai explain --reasons` gives them for trees.
  std::string header = CsvField(a.id_column.empty() ? std::string("row") : a.id_column);
  for (const auto& name : a.keep) header += ',' + CsvField(name);
  header += ",score,pd";
  for (int k = 1; k <= a.reasons; ++k) header += fmt::format(",reason_{0},reason_{0}_text", k);
  std::fprintf(out, "%s\n", header.c_str());
  std::string line;
  for (std::size_t r = 0; r < scored.score.size(); ++r) {
    line = id ? CsvField(id->ValueText(static_cast<std::int64_t>(r))) : std::to_string(r + 1);
    for (const Column* c : kept) line += ',' + CsvField(c->ValueText(static_cast<std::int64_t>(r)));
    line += fmt::format(",{},{}", scored.score[r], scored.pd[r]);
    for (int k = 0; k < a.reasons; ++k) {
      if (static_cast<std::size_t>(k) < scored.reasons[r].size()) {
        const scorecard::ScoreReason& reason = scored.reasons[r][static_cast<std::size_t>(k)];
        line += ',' + CsvField(reason.feature) + ',' + CsvField(reason.text);
      } else {
        line += ",,";
      }
    }
    line += '\n';
    std::fputs(line.c_str(), out);
  }
  if (out != stdout && std::fclose(out) != 0) throw IoError("cannot write the output file", {.file = a.output});
  PrintLoadReport(table.report);
}

// Mean of the PDs sigmoid(logit) (for the report of a recalibration).
double MeanPd(const std::vector<double>& logits) {
  double sum = 0;
  for (double x : logits) sum += validation::Sigmoid(x);
  return logits.empty() ? NAN : sum / static_cast<double>(logits.size());
}

void RunRecalibrate(const RecalibrateArgs& a, const GlobalOptions& global) {
  const Context ctx = MakeContext(global);
  if (a.method != "intercept" && a.method != "platt") {
    throw InvalidArgument("unknown recalibration method", {.field = "--method", .field_kind = "option",
                                                           .value = a.method, .expected = "intercept or platt"});
  }
  const bool given_pd = !std::isnan(a.target_pd);
  if (given_pd && (a.method != "intercept" || !(a.target_pd > 0 && a.target_pd < 1))) {
    throw InvalidArgument("the target mean PD is for --method intercept, in (0, 1)",
                          {.field = "--target-pd", .field_kind = "option", .value = fmt::format("{}", a.target_pd),
                           .expected = "a PD in (0, 1) with --method intercept"});
  }
  scorecard::Scorecard card = scorecard::LoadScorecard(a.model);
  const CsvTable table = LoadData(a.data_file, a.data, ctx);
  const scorecard::ScoredRows scored = scorecard::ApplyScorecard(card, table.frame, 0);
  // The rows used: those with a known outcome; every row when only a target mean PD is asked for.
  const bool need_outcome = !given_pd;
  const std::string target = a.target.empty() ? card.target : a.target;
  std::vector<double> labels, logits;
  const std::vector<double> y = table.frame.HasColumn(target) || need_outcome
                                    ? EncodeBinaryTarget(table.frame.column(target), card.event, card.non_event)
                                    : std::vector<double>(scored.pd.size(), 0.0);
  for (std::size_t r = 0; r < scored.pd.size(); ++r) {
    if (need_outcome && std::isnan(y[r])) continue;
    labels.push_back(y[r]);
    logits.push_back(validation::Logit(scored.pd[r]));
  }
  if (logits.empty()) {
    throw InvalidData("no rows to recalibrate on", {.file = a.data_file, .field = target,
                                                    .expected = "rows with a known outcome"});
  }
  const double before = MeanPd(logits);
  double slope = 1, shift = 0, wanted = a.target_pd;
  if (a.method == "intercept") {
    if (!given_pd) {
      wanted = 0;
      for (double l : labels) wanted += l;
      wanted /= static_cast<double>(labels.size());
    }
    shift = validation::SolveInterceptShift(logits, wanted).shift;
  } else {
    const validation::PlattScaling platt = validation::FitPlatt(labels, logits);
    slope = platt.slope;
    shift = platt.intercept;
  }
  scorecard::RecalibrateScorecard(card, a.method, slope, shift);
  for (double& l : logits) l = slope * l + shift;
  const double after = MeanPd(logits);
  scorecard::SaveScorecard(card, a.output);
  if (a.json) {
    nlohmann::ordered_json out{{"model", a.output}, {"method", a.method}, {"rows", logits.size()},
                               {"slope", slope},     {"shift", shift},    {"mean_pd_before", before},
                               {"mean_pd_after", after}, {"min_score", card.min_score}, {"max_score", card.max_score}};
    if (a.method == "intercept") out["target_mean_pd"] = wanted;
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    std::printf("%s recalibration on %zu rows: logit PD -> %.6f * logit PD %+.6f\n", a.method.c_str(),
                logits.size(), slope, shift);
    std::printf("  mean PD %.6f -> %.6f%s\n", before, after,
                a.method == "intercept" ? fmt::format(" (target {:.6f})", wanted).c_str() : "");
    std::printf("  scores %g to %g; saved to %s\n", card.min_score, card.max_score, a.output.c_str());
  }
  PrintLoadReport(table.report);
}

void RunReport(const ReportArgs& a) {
  const scorecard::Scorecard card = scorecard::LoadScorecard(a.model);
  if (a.json) {
    std::printf("%s\n", scorecard::ScorecardReportJson(card).dump(2).c_str());
  } else {
    const std::string text = scorecard::FormatScorecardReport(card);
    std::fwrite(text.data(), 1, text.size(), stdout);
  }
}

}  // namespace

void RegisterScorecard(CLI::App& app, GlobalOptions& global) {
  auto* sc = app.add_subcommand("scorecard", "Credit scorecards: optimal binning, WoE logistic regression, points");
  sc->require_subcommand(1);

  auto fa = std::make_shared<FitArgs>();
  auto* fit = sc->add_subcommand("fit", "Fit a scorecard on a data file and save it as JSON");
  fit->add_option("--data", fa->data_file, "Training data (CSV)")->required();
  fit->add_option("--target", fa->target, "Binary target column (default: the schema's target)");
  fit->add_option("--event", fa->event,
                  "The target value that is the event (bad) (default: bad/1/yes, else the rarer)");
  fit->add_option("--out,-o", fa->output, "Scorecard file to write (JSON)")->required();
  fit->add_option("--pdo", fa->options.scaling.pdo, "Points to double the good:bad odds")->capture_default_str();
  fit->add_option("--base-score", fa->options.scaling.base_score, "Score at the base odds")->capture_default_str();
  fit->add_option("--base-odds", fa->options.scaling.base_odds, "Good:bad odds at the base score")
      ->capture_default_str();
  fit->add_flag("--no-round", fa->no_round, "Keep fractional points");
  fit->add_option("--max-bins", fa->options.binning.max_bins, "Most value bins per variable")->capture_default_str();
  fit->add_option("--max-prebins", fa->options.binning.max_prebins, "Quantile pre-bins per variable")
      ->capture_default_str();
  fit->add_option("--min-bin-share", fa->options.binning.min_bin_share, "Smallest share of rows in a value bin")
      ->capture_default_str();
  fit->add_option("--min-bin-events", fa->options.binning.min_bin_events, "Fewest events in a value bin")
      ->capture_default_str();
  fit->add_option("--monotonic", fa->monotonic, "Event-rate trend: auto, ascending, descending, peak, valley, none")
      ->capture_default_str();
  fit->add_option("--objective", fa->objective, "Binning objective: iv or js")->capture_default_str();
  fit->add_option("--special-values", fa->special_values, "Numeric codes binned apart (e.g. -1 999)");
  fit->add_option("--bins", fa->bins_file,
                  "Manual bins (JSON: {\"col\": {\"cuts\": [...]}, \"cat\": {\"groups\": [[...]]}})");
  fit->add_option("--features", fa->features, "Candidate variables (default: every schema feature)");
  fit->add_option("--min-iv", fa->options.selection.min_iv, "Drop variables with less information value")
      ->capture_default_str();
  fit->add_option("--max-iv", fa->options.selection.max_iv, "Drop variables with more information value (leakage)");
  fit->add_option("--max-correlation", fa->options.selection.max_correlation, "Largest |correlation| of WoE columns")
      ->capture_default_str();
  fit->add_option("--max-vif", fa->options.selection.max_vif, "Largest variance inflation factor")
      ->capture_default_str();
  fit->add_option("--stepwise", fa->stepwise, "Stepwise selection: none, forward, backward")->capture_default_str();
  fit->add_option("--criterion", fa->criterion, "Stepwise criterion: aic or bic")->capture_default_str();
  fit->add_option("--l2", fa->options.l2, "L2 penalty of the logistic regression")->capture_default_str();
  fit->add_flag("--json", fa->json, "Print JSON");
  AddDataOptions(*fit, fa->data);
  fit->callback([fa, &global] { RunFit(*fa, global); });

  auto aa = std::make_shared<ApplyArgs>();
  auto* apply = sc->add_subcommand("apply", "Score a data file with a scorecard: score, PD and reason codes");
  apply->add_option("--model", aa->model, "Scorecard file (JSON)")->required();
  apply->add_option("--data", aa->data_file, "Data to score (CSV)")->required();
  apply->add_option("--out,-o", aa->output, "Output CSV (default: standard output)");
  apply->add_option("--reasons", aa->reasons, "Reason codes per row (variables furthest below their best points)")
      ->check(CLI::NonNegativeNumber);
  apply->add_option("--id", aa->id_column, "Column identifying the rows in the output (default: row number)");
  apply->add_option("--keep", aa->keep, "Columns to copy into the output (e.g. the target, for finai validate)");
  AddDataOptions(*apply, aa->data);
  apply->callback([aa, &global] { RunApply(*aa, global); });

  auto ra = std::make_shared<ReportArgs>();
  auto* report = sc->add_subcommand("report", "Show a scorecard: bins, WoE, IV, points, coefficients, selection");
  report->add_option("--model", ra->model, "Scorecard file (JSON)")->required();
  report->add_flag("--json", ra->json, "Print JSON");
  report->callback([ra] { RunReport(*ra); });

  auto ca = std::make_shared<RecalibrateArgs>();
  auto* recal = sc->add_subcommand("recalibrate", "Recalibrate a scorecard's PD on a data file: intercept shift "
                                                  "to a mean PD, or Platt scaling on the outcomes");
  recal->add_option("--model", ca->model, "Scorecard file (JSON)")->required();
  recal->add_option("--data", ca->data_file, "Data with the card's variables (and the outcome) (CSV)")->required();
  recal->add_option("--method", ca->method, "intercept (shift to a mean PD) or platt (slope and shift)")->required();
  recal->add_option("--target-pd", ca->target_pd, "intercept: the mean PD wanted (default: the observed rate)");
  recal->add_option("--target", ca->target, "Outcome column (default: the card's target)");
  recal->add_option("--out,-o", ca->output, "Recalibrated scorecard file to write (JSON)")->required();
  recal->add_flag("--json", ca->json, "Print JSON");
  AddDataOptions(*recal, ca->data);
  recal->callback([ca, &global] { RunRecalibrate(*ca, global); });

  RegisterScorecardCv(*sc, global);
}

}  // namespace finai::cli
