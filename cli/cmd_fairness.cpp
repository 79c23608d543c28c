// `finai fairness audit|mitigate`: a model's decisions by group of a sensitive attribute, proxies of that
// attribute among the features, and the accuracy cost of mitigation methods (docs/fairness.md).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "commands.hpp"
#include "finai/core/error.hpp"
#include "finai/data/target.hpp"
#include "finai/fairness/audit.hpp"
#include "finai/fairness/mitigation.hpp"
#include "finai/fairness/proxy.hpp"
#include "finai/models/gbdt/model_io.hpp"
#include "finai/models/gbdt/predict.hpp"

namespace finai::cli {

namespace {
using Json = nlohmann::ordered_json;

struct FairnessArgs {
  std::string data_file;
  DataOptions data;
  std::string target, event, score, model;
  double threshold = 0.5;
  std::string sensitive;
  std::vector<std::string> bands;
  std::string favorable = "non-event";
  int min_group_size = 30;
  int bootstrap = 500;
  double confidence = 0.95;
  int calibration_bands = 5;
  std::string reference;
  bool no_proxies = false;
  bool higher_is_safer = false;
  std::string weight;
  bool json = false;
  // mitigate
  std::string method, constraint = "demographic_parity", grid, learner = "trees";
  double l2 = 1.0;
  double test_fraction = 0.3;
  int rounds = 30, max_depth = 3, iterations = 20;
  double learning_rate = 0.1;
  double multiplier_lr = 1.0;
};

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) out.push_back(item);
  return out;
}

double ParseNumber(const std::string& text, const char* option) {
  try {
    std::size_t used = 0;
    const double v = std::stod(text, &used);
    if (used == text.size() && std::isfinite(v)) return v;
  } catch (const std::exception&) {
  }
  throw InvalidArgument("not a number", {.field = option, .field_kind = "option", .value = text, .expected = "a number"});
}

std::vector<fairness::SensitiveSpec> ParseSensitive(const FairnessArgs& a) {
  return fairness::ParseSensitiveSpecs(a.sensitive, a.bands);
}

bool FavorableIsEvent(const std::string& f) { return f == "event"; }

std::string Num(double v, int digits = 3) { return std::isnan(v) ? "n/e" : fmt::format("{:.{}f}", v, digits); }
Json J(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }
std::string Ci(const fairness::Interval& i) {
  return std::isnan(i.low) ? "" : fmt::format("[{:.3f}, {:.3f}]", i.low, i.high);
}

Json RatesJson(const fairness::GroupRates& r) {
  return Json{{"n", r.n}, {"events", r.events}, {"predicted_events", r.predicted_events}, {"base_rate", J(r.base_rate)},
              {"selection_rate", J(r.selection_rate)}, {"favorable_rate", J(r.favorable_rate)}, {"tpr", J(r.tpr)},
              {"fpr", J(r.fpr)}, {"fnr", J(r.fnr)}, {"tnr", J(r.tnr)}, {"ppv", J(r.ppv)}, {"npv", J(r.npv)},
              {"fdr", J(r.fdr)}, {"for", J(r.for_)}, {"accuracy", J(r.accuracy)}, {"auc", J(r.auc)},
              {"log_loss", J(r.log_loss)}, {"brier", J(r.brier)}, {"mean_score", J(r.mean_score)}, {"sd_score", J(r.sd_score)}};
}

Json IntervalJson(const fairness::Interval& i) { return Json::array({J(i.low), J(i.high)}); }

// With --higher-is-safer the audit runs on the negated scores (so that "score >= threshold" still means "event
// predicted"); this puts what is read on the score's own scale back: the threshold, the mean scores, the
// standardized mean differences and the calibration bands (in ascending order of the original score).
void RestoreScoreScale(fairness::AuditReport& rep, double threshold) {
  rep.options.threshold = threshold;
  rep.overall.mean_score = 0.0 - rep.overall.mean_score;
  for (auto& g : rep.groups) {
    g.rates.mean_score = 0.0 - g.rates.mean_score;  // 0.0 - x, not -x: no "-0.000" in the tables
    g.smd_score = 0.0 - g.smd_score;
    for (auto& c : g.calibration) c.mean_score = 0.0 - c.mean_score;
    std::reverse(g.calibration.begin(), g.calibration.end());
  }
  for (double& e : rep.calibration_edges) e = 0.0 - e;
  std::reverse(rep.calibration_edges.begin(), rep.calibration_edges.end());
}

void PrintAudit(const fairness::AuditReport& rep, const std::vector<fairness::ProxyScore>& proxies, const FairnessArgs& a,
                const BinaryTarget& target, const std::string& scored_by) {
  const auto& o = rep.options;
  std::string attrs;
  for (const auto& s : rep.attributes) attrs += (attrs.empty() ? "" : " x ") + s;
  std::printf("Fairness audit of %s by %s: %lld rows, %zu groups", scored_by.c_str(), attrs.c_str(),
              static_cast<long long>(rep.overall.n), rep.groups.size());
  if (rep.rows_left_out > 0) {
    std::printf(" (%lld rows left out: missing label, score, group%s)", static_cast<long long>(rep.rows_left_out),
                a.weight.empty() ? "" : " or weight");
  }
  std::printf("\ndecision: event '%s' predicted when score %s %g; favourable decision: %s ('%s')\n", target.event.c_str(),
              a.higher_is_safer ? "<=" : ">=", o.threshold, o.favorable_is_event ? "event" : "non-event",
              (o.favorable_is_event ? target.event : target.non_event).c_str());
  std::printf("reference group: %s%s; metrics on fewer than %d rows are not estimable (n/e)\n",
              rep.groups[rep.reference].name.c_str(), a.reference.empty() ? " (the largest)" : "", o.min_group_size);
  if (o.bootstrap > 0) std::printf("intervals: %d stratified bootstrap replicates, %g%% percentile\n", o.bootstrap, 100 * o.confidence);

  std::printf("\nDecisions by group\n  %-28s %6s %6s %9s %-16s %8s %7s %5s %7s %8s\n", "group", "n", "events", "select",
              "[interval]", "favour", "impact", "4/5", "z", "p");
  for (const auto& g : rep.groups) {
    std::printf("  %-28s %6lld %6lld %9s %-16s %8s %7s %5s %7s %8s\n", g.name.c_str(), static_cast<long long>(g.rates.n),
                static_cast<long long>(g.rates.events), Num(g.rates.selection_rate).c_str(), Ci(g.selection_rate_ci).c_str(),
                Num(g.rates.favorable_rate).c_str(), Num(g.impact_ratio_to_best).c_str(), g.four_fifths_violation ? "FAIL" : "ok",
                Num(g.z, 2).c_str(), std::isnan(g.p_value) ? "" : fmt::format("{:.2g}", g.p_value).c_str());
  }
  std::printf("  %-28s %6lld %6lld %9s %-16s %8s\n", "overall", static_cast<long long>(rep.overall.n),
              static_cast<long long>(rep.overall.events), Num(rep.overall.selection_rate).c_str(), "",
              Num(rep.overall.favorable_rate).c_str());
  std::printf("  chi-square test of decision vs group: %.3f on %g df, p = %.3g%s\n", rep.chi_square, rep.chi_square_df,
              rep.chi_square_p, rep.four_fifths_violation ? "; four-fifths rule FAILED for at least one group" : "");

  std::printf("\nError rates by group\n  %-28s %7s %7s %7s %7s %7s %7s %7s %7s %7s\n", "group", "TPR", "FPR", "FNR", "TNR",
              "PPV", "NPV", "FDR", "FOR", "acc");
  auto error_row = [](const std::string& name, const fairness::GroupRates& r) {
    std::printf("  %-28s %7s %7s %7s %7s %7s %7s %7s %7s %7s\n", name.c_str(), Num(r.tpr).c_str(), Num(r.fpr).c_str(),
                Num(r.fnr).c_str(), Num(r.tnr).c_str(), Num(r.ppv).c_str(), Num(r.npv).c_str(), Num(r.fdr).c_str(),
                Num(r.for_).c_str(), Num(r.accuracy).c_str());
  };
  for (const auto& g : rep.groups) error_row(g.name, g.rates);
  error_row("overall", rep.overall);

  std::printf("\nAgainst the reference group (AIF360 definitions)\n  %-28s %8s %8s %8s %8s %8s %8s\n", "group", "SPD", "DI",
              "EOD", "AOD", "PPD", "SMD");
  for (const auto& g : rep.groups) {
    std::printf("  %-28s %8s %8s %8s %8s %8s %8s\n", g.name.c_str(), Num(g.statistical_parity_difference).c_str(),
                Num(g.disparate_impact).c_str(), Num(g.equal_opportunity_difference).c_str(),
                Num(g.average_odds_difference).c_str(), Num(g.predictive_parity_difference).c_str(), Num(g.smd_score).c_str());
  }

  std::printf("\nScore quality by group\n  %-28s %7s %8s %7s %8s %8s\n", "group", "AUC", "log loss", "Brier", "mean", "cal gap");
  for (const auto& g : rep.groups) {
    std::printf("  %-28s %7s %8s %7s %8s %8s\n", g.name.c_str(), Num(g.rates.auc).c_str(), Num(g.rates.log_loss).c_str(),
                Num(g.rates.brier).c_str(), Num(g.rates.mean_score).c_str(), Num(g.calibration_gap).c_str());
  }
  std::printf("\nCalibration within groups: observed event rate (mean score) by score band\n  %-28s", "group");
  for (std::size_t b = 0; b + 1 < rep.calibration_edges.size(); ++b) {
    std::printf(" %17s", fmt::format("{:.3f}-{:.3f}", rep.calibration_edges[b], rep.calibration_edges[b + 1]).c_str());
  }
  std::printf("\n");
  for (const auto& g : rep.groups) {
    std::printf("  %-28s", g.name.c_str());
    for (const auto& c : g.calibration) {
      std::printf(" %17s", c.n == 0 ? "-" : fmt::format("{} ({})", Num(c.observed), Num(c.mean_score)).c_str());
    }
    std::printf("\n");
  }

  std::printf("\nDisparities (fairlearn definitions: between groups max - min and min / max; to overall)\n"
              "  %-20s %8s %-16s %8s %-16s %9s %9s\n", "metric", "diff", "[interval]", "ratio", "[interval]", "diff->all",
              "ratio->all");
  for (const auto& d : rep.disparities) {
    std::printf("  %-20s %8s %-16s %8s %-16s %9s %9s\n", d.metric.c_str(), Num(d.difference).c_str(), Ci(d.difference_ci).c_str(),
                Num(d.ratio).c_str(), Ci(d.ratio_ci).c_str(), Num(d.difference_to_overall).c_str(), Num(d.ratio_to_overall).c_str());
  }
  if (!proxies.empty()) {
    std::printf("\nProxies of %s among the features (ranked by normalised mutual information)\n  %-24s %8s %8s %8s  %s\n",
                attrs.c_str(), "feature", "MI", "MI/H", "AUC", "best separated group");
    for (const auto& p : proxies) {
      std::printf("  %-24s %8.4f %8.4f %8.3f  %s\n", p.feature.c_str(), p.mutual_information, p.normalized_mi, p.max_auc,
                  p.max_auc_group.c_str());
    }
  }
}

Json AuditJson(const fairness::AuditReport& rep, const std::vector<fairness::ProxyScore>& proxies, const BinaryTarget& target) {
  const auto& o = rep.options;
  Json out{{"attributes", rep.attributes}, {"event", target.event}, {"threshold", o.threshold},
           {"favorable", o.favorable_is_event ? "event" : "non-event"}, {"min_group_size", o.min_group_size},
           {"bootstrap", o.bootstrap}, {"confidence", o.confidence}, {"reference", rep.groups[rep.reference].name},
           {"rows_left_out", rep.rows_left_out}, {"overall", RatesJson(rep.overall)},
           {"calibration_edges", rep.calibration_edges}};
  Json groups = Json::array();
  for (const auto& g : rep.groups) {
    Json cal = Json::array();
    for (const auto& c : g.calibration) cal.push_back({{"n", c.n}, {"mean_score", J(c.mean_score)}, {"observed", J(c.observed)}});
    groups.push_back({{"name", g.name}, {"rates", RatesJson(g.rates)},
                      {"selection_rate_diff_overall", J(g.selection_rate_diff_overall)},
                      {"selection_rate_ratio_overall", J(g.selection_rate_ratio_overall)},
                      {"statistical_parity_difference", J(g.statistical_parity_difference)},
                      {"disparate_impact", J(g.disparate_impact)}, {"impact_ratio_to_best", J(g.impact_ratio_to_best)},
                      {"four_fifths_violation", g.four_fifths_violation},
                      {"equal_opportunity_difference", J(g.equal_opportunity_difference)},
                      {"average_odds_difference", J(g.average_odds_difference)},
                      {"predictive_parity_difference", J(g.predictive_parity_difference)}, {"smd_score", J(g.smd_score)},
                      {"calibration_gap", J(g.calibration_gap)}, {"calibration", cal}, {"z", J(g.z)}, {"p_value", J(g.p_value)},
                      {"selection_rate_ci", IntervalJson(g.selection_rate_ci)}, {"tpr_ci", IntervalJson(g.tpr_ci)},
                      {"fpr_ci", IntervalJson(g.fpr_ci)}});
  }
  out["groups"] = groups;
  Json disp = Json::object();
  for (const auto& d : rep.disparities) {
    disp[d.metric] = {{"difference", J(d.difference)}, {"difference_ci", IntervalJson(d.difference_ci)}, {"ratio", J(d.ratio)},
                      {"ratio_ci", IntervalJson(d.ratio_ci)}, {"difference_to_overall", J(d.difference_to_overall)},
                      {"ratio_to_overall", J(d.ratio_to_overall)}};
  }
  out["disparities"] = disp;
  out["four_fifths_violation"] = rep.four_fifths_violation;
  out["chi_square"] = {{"statistic", rep.chi_square}, {"df", rep.chi_square_df}, {"p_value", J(rep.chi_square_p)}};
  Json px = Json::array();
  for (const auto& p : proxies) {
    px.push_back({{"feature", p.feature}, {"mutual_information", p.mutual_information}, {"normalized_mi", p.normalized_mi},
                  {"auc", p.max_auc}, {"group", p.max_auc_group}});
  }
  out["proxies"] = px;
  return out;
}

void RunAudit(const FairnessArgs& a, const GlobalOptions& global) {
  const Context ctx = MakeContext(global);
  if (a.score.empty() == a.model.empty()) {
    throw InvalidArgument("give exactly one of --score and --model", {.field = "--score", .field_kind = "option",
                                                                      .expected = "a score column or a model file"});
  }
  if (a.higher_is_safer && !a.model.empty()) {
    throw InvalidArgument("--higher-is-safer applies to a --score column; a model's score is the event probability",
                          {.field = "--higher-is-safer", .field_kind = "option", .expected = "--score COLUMN"});
  }
  const auto specs = ParseSensitive(a);
  std::optional<gbdt::GbdtModel> model;
  if (!a.model.empty()) model = gbdt::LoadModel(a.model);
  const CsvTable table = LoadData(a.data_file, a.data, ctx);
  const Frame& frame = table.frame;
  const fairness::Groups groups = fairness::BuildGroups(frame, specs);
  std::string target = a.target;
  if (target.empty()) target = model ? model->target : table.schema.SingleWithRole(Role::kTarget).value_or("");
  if (target.empty()) throw InvalidArgument("no target column", {.field = "--target", .field_kind = "option",
                                                                 .expected = "--target or a schema with a target role"});
  BinaryTarget bt;
  std::vector<double> scores;
  std::vector<std::string> features;
  std::string scored_by;
  if (model) {
    if (model->objective != gbdt::ObjectiveKind::kBinaryLogLoss) {
      throw Unsupported("a fairness audit needs a binary model", {.field = a.model, .field_kind = "model", .expected = "objective binary"});
    }
    bt.event = model->class_labels[1];
    bt.non_event = model->class_labels[0];
    bt.labels = EncodeBinaryTarget(frame.column(target), bt.event, bt.non_event);
    scores = gbdt::Predict(*model, gbdt::BuildFeatureMatrix(*model, frame, ctx), gbdt::PredictKind::kResponse, ctx);
    for (const auto& f : model->features) features.push_back(f.name);
    scored_by = "model " + a.model;
  } else {
    bt = ResolveBinaryTarget(frame.column(target), a.event);
    const Column& sc = frame.column(a.score);
    if (!sc.is_numeric()) {
      throw InvalidData("the score column is not numeric", {.field = a.score, .value = std::string(ColumnTypeName(sc.type())),
                                                            .expected = "float64 or float32"});
    }
    scores = sc.ToFloat64();
    if (a.higher_is_safer) {
      for (double& v : scores) v = -v;
    }
    for (const auto& f : table.schema.fields()) {
      const bool sensitive = std::any_of(specs.begin(), specs.end(), [&](const auto& s) { return s.column == f.name; });
      if (f.role == Role::kFeature && f.name != target && f.name != a.score && f.name != a.weight && !sensitive) {
        features.push_back(f.name);
      }
    }
    scored_by = "score " + a.score;
  }
  fairness::AuditOptions opt{.threshold = a.higher_is_safer ? -a.threshold : a.threshold, .favorable_is_event = FavorableIsEvent(a.favorable),
                             .min_group_size = a.min_group_size, .bootstrap = a.bootstrap, .confidence = a.confidence,
                             .calibration_bands = a.calibration_bands};
  opt.scores_are_probabilities = !a.higher_is_safer && std::all_of(scores.begin(), scores.end(), [](double s) { return std::isnan(s) || (s >= 0 && s <= 1); });
  if (!a.reference.empty()) {
    auto it = std::find(groups.names.begin(), groups.names.end(), a.reference);
    if (it == groups.names.end()) {
      std::string list;
      for (const auto& n : groups.names) list += (list.empty() ? "" : ", ") + n;
      throw InvalidArgument("unknown reference group", {.field = "--reference", .field_kind = "option", .value = a.reference,
                                                        .expected = "one of " + list});
    }
    opt.reference = static_cast<int>(it - groups.names.begin());
  }
  std::vector<double> weights;
  if (!a.weight.empty()) {
    const Column& wc = frame.column(a.weight);
    if (!wc.is_numeric()) {
      throw InvalidData("the weight column is not numeric", {.field = a.weight, .value = std::string(ColumnTypeName(wc.type())),
                                                             .expected = "float64 or float32"});
    }
    weights = wc.ToFloat64();
    scored_by += " (weighted by " + a.weight + ")";
  }
  fairness::AuditReport rep = fairness::Audit(bt.labels, scores, groups, opt, ctx, weights);
  if (a.higher_is_safer) RestoreScoreScale(rep, a.threshold);
  std::vector<fairness::ProxyScore> proxies;
  if (!a.no_proxies && !features.empty()) proxies = fairness::DetectProxies(frame, features, groups, 10, a.min_group_size);
  if (a.json) {
    Json out = AuditJson(rep, proxies, bt);
    out["higher_is_safer"] = a.higher_is_safer;
    out["weight"] = a.weight.empty() ? Json(nullptr) : Json(a.weight);
    std::printf("%s\n", out.dump(2).c_str());
  }
  else PrintAudit(rep, proxies, a, bt, scored_by);
  PrintLoadReport(table.report);
}

std::string SensitiveWarning(fairness::Method m) {
  return fmt::format("WARNING: {} needs the sensitive attribute at decision time (to score each new applicant); many "
                     "jurisdictions forbid using a protected attribute in the decision itself.", fairness::MethodName(m));
}

Json RowJson(const fairness::TradeoffRow& r) {
  Json j{{"level", r.level}, {"accuracy", J(r.accuracy)}, {"auc", J(r.auc)},
         {"demographic_parity_difference", J(r.demographic_parity_difference)},
         {"demographic_parity_ratio", J(r.demographic_parity_ratio)},
         {"equalized_odds_difference", J(r.equalized_odds_difference)},
         {"true_positive_rate_difference", J(r.true_positive_rate_difference)}};
  if (!r.note.empty()) j["note"] = r.note;
  return j;
}

void RunMitigate(const FairnessArgs& a, const GlobalOptions& global) {
  const Context ctx = MakeContext(global);
  fairness::MitigationOptions opt;
  opt.method = fairness::ParseMethod(a.method);
  opt.constraint = fairness::ParseConstraint(a.constraint);
  for (const auto& v : SplitList(a.grid)) opt.grid.push_back(ParseNumber(v, "--grid"));
  opt.threshold = a.threshold;
  opt.favorable_is_event = FavorableIsEvent(a.favorable);
  opt.test_fraction = a.test_fraction;
  opt.min_group_size = a.min_group_size;
  opt.expgrad_iterations = a.iterations;
  opt.multiplier_learning_rate = a.multiplier_lr;
  opt.learner = fairness::ParseLearner(a.learner);
  opt.logistic_l2 = a.l2;
  opt.target = a.target;
  opt.event = a.event;
  opt.params.num_rounds = a.rounds;
  opt.params.max_depth = a.max_depth;
  opt.params.learning_rate = a.learning_rate;
  opt.params.seed = global.seed;
  opt.params.Validate();
  const auto specs = ParseSensitive(a);
  const CsvTable table = LoadData(a.data_file, a.data, ctx);
  const fairness::Groups groups = fairness::BuildGroups(table.frame, specs);
  const fairness::TradeoffTable t = fairness::Mitigate(table.frame, table.schema, groups, opt, ctx);
  const bool constrained = opt.method == fairness::Method::kExpGrad || opt.method == fairness::Method::kThresholds ||
                           opt.method == fairness::Method::kFairGbm;
  if (a.json) {
    Json out{{"method", fairness::MethodName(t.method)}, {"learner", fairness::LearnerName(opt.learner)}, {"level", t.level_name},
             {"needs_sensitive_at_decision", t.needs_sensitive_at_decision}, {"train_rows", t.train_rows},
             {"test_rows", t.test_rows}, {"threshold", opt.threshold}, {"groups", groups.names}};
    if (constrained) out["constraint"] = fairness::ConstraintName(t.constraint);
    if (t.needs_sensitive_at_decision) out["warning"] = SensitiveWarning(t.method);
    out["baseline"] = RowJson(t.baseline);
    Json rows = Json::array();
    for (const auto& r : t.rows) rows.push_back(RowJson(r));
    out["rows"] = rows;
    std::printf("%s\n", out.dump(2).c_str());
    if (t.needs_sensitive_at_decision) std::fprintf(stderr, "finai: %s\n", SensitiveWarning(t.method).c_str());
  } else {
    std::string attrs;
    for (const auto& s : groups.attributes) attrs += (attrs.empty() ? "" : " x ") + s;
    const std::string learner = opt.learner == fairness::Learner::kTrees
                                    ? fmt::format("trees of {} rounds, depth {}", a.rounds, a.max_depth)
                                    : fmt::format("logistic regression, L2 {:g}", opt.logistic_l2);
    std::printf("Mitigation %s%s by %s (%d groups): %s; trained on %lld rows, measured on %lld "
                "held-out rows; decision threshold %g\n", std::string(fairness::MethodName(t.method)).c_str(),
                constrained ? fmt::format(" ({})", fairness::ConstraintName(t.constraint)).c_str() : "", attrs.c_str(),
                groups.count(), learner.c_str(), static_cast<long long>(t.train_rows),
                static_cast<long long>(t.test_rows), opt.threshold);
    if (t.needs_sensitive_at_decision) std::printf("%s\n", SensitiveWarning(t.method).c_str());
    else std::printf("The sensitive attribute is used in training only, not at decision time.\n");
    std::printf("\n  %-14s %9s %7s %9s %9s %9s %9s\n", t.level_name.c_str(), "accuracy", "AUC", "DP diff", "DP ratio",
                "EO diff", "TPR diff");
    auto row = [](const std::string& level, const fairness::TradeoffRow& r) {
      std::printf("  %-14s %9.4f %7.4f %9.4f %9.4f %9.4f %9.4f", level.c_str(), r.accuracy, r.auc,
                  r.demographic_parity_difference, r.demographic_parity_ratio, r.equalized_odds_difference,
                  r.true_positive_rate_difference);
      if (!r.note.empty()) std::printf("   %s", r.note.c_str());
      std::printf("\n");
    };
    row("unmitigated", t.baseline);
    for (const auto& r : t.rows) row(fmt::format("{:g}", r.level), r);
  }
  PrintLoadReport(table.report);
}

void AddCommon(CLI::App* cmd, FairnessArgs& a) {
  cmd->add_option("--data", a.data_file, "Data with outcomes and the sensitive attribute (CSV)")->required();
  cmd->add_option("--target", a.target, "Outcome column (default: the model's or the schema's target)");
  cmd->add_option("--event", a.event, "The outcome value that is the event (default: bad, default, 1, yes, ...)");
  cmd->add_option("--sensitive", a.sensitive, "Sensitive column(s), comma-separated for intersections")->required();
  cmd->add_option("--bands", a.bands, "Bands of a numeric sensitive column, e.g. Age=25,35,50,65 (repeatable)");
  cmd->add_option("--favorable", a.favorable, "Which decision favours the applicant: non-event (approval) or event")
      ->check(CLI::IsMember({"event", "non-event"}));
  cmd->add_option("--min-group-size", a.min_group_size, "Below this many rows a metric is not estimable (mitigate: "
                  "groups this small in the test part are left out of the table)")->check(CLI::NonNegativeNumber);
  cmd->add_flag("--json", a.json, "Print JSON");
  AddDataOptions(*cmd, a.data);
}
}  // namespace

void RegisterFairness(CLI::App& app, GlobalOptions& global) {
  auto* fair = app.add_subcommand("fairness", "Fairness audit of a model's decisions and bias mitigation trade-offs");
  fair->require_subcommand(1);

  auto au = std::make_shared<FairnessArgs>();
  auto* audit = fair->add_subcommand("audit", "Rates, disparities, calibration and proxies by group of a sensitive attribute");
  AddCommon(audit, *au);
  audit->add_option("--threshold", au->threshold, "Predict the event when score >= threshold (any scale for --score)");
  audit->add_option("--score", au->score, "Column holding the model's score (probability of the event)");
  audit->add_option("--model", au->model, "finai tree model file to score the data with");
  audit->add_option("--bootstrap", au->bootstrap, "Bootstrap replicates for intervals (0 = none)")->check(CLI::Range(0, 100000));
  audit->add_option("--confidence", au->confidence, "Confidence level of the intervals")->check(CLI::Range(0.5, 0.999));
  audit->add_option("--calibration-bands", au->calibration_bands, "Score bands for calibration within groups")
      ->check(CLI::Range(1, 50));
  audit->add_option("--reference", au->reference, "Reference (privileged) group, e.g. 'Age=35-50' (default: the largest)");
  audit->add_flag("--no-proxies", au->no_proxies, "Skip proxy detection");
  audit->add_option("--weight", au->weight, "Column of sample weights (finite, >= 0; rows with none are left out)");
  audit->add_flag("--higher-is-safer", au->higher_is_safer, "The --score is higher for lower risk (e.g. scorecard "
                  "points): the event is predicted when score <= threshold");
  audit->callback([au, &global] { RunAudit(*au, global); });

  auto mi = std::make_shared<FairnessArgs>();
  auto* mitigate = fair->add_subcommand("mitigate", "Train trees with a mitigation method over a grid and print the "
                                                    "accuracy / fairness trade-off table");
  AddCommon(mitigate, *mi);
  mitigate->add_option("--threshold", mi->threshold, "Predict the event when probability >= threshold")
      ->check(CLI::Range(0.0, 1.0));
  mitigate->add_option("--method", mi->method, "reweighing, di-remover, expgrad, thresholds, reject-option or "
                       "fairgbm")->required();
  mitigate->add_option("--constraint", mi->constraint,
                       "expgrad, thresholds and fairgbm: demographic_parity, equalized_odds or equal_opportunity");
  mitigate->add_option("--grid", mi->grid, "Levels, comma-separated (default: the method's grid, docs/fairness.md)");
  mitigate->add_option("--test-fraction", mi->test_fraction, "Held-out share the table is measured on")
      ->check(CLI::Range(0.05, 0.9));
  mitigate->add_option("--learner", mi->learner, "The model each method trains: trees (gradient boosting) or logistic "
                       "(logistic regression on standardised numeric features and category dummies)")
      ->check(CLI::IsMember({"trees", "logistic"}));
  mitigate->add_option("--l2", mi->l2, "logistic: L2 penalty on the standardised slopes (> 0)");
  mitigate->add_option("--rounds", mi->rounds, "Boosting rounds of each model");
  mitigate->add_option("--max-depth", mi->max_depth, "Depth of the trees");
  mitigate->add_option("--learning-rate", mi->learning_rate, "Learning rate");
  mitigate->add_option("--iterations", mi->iterations, "expgrad: iterations (models in the randomized mixture)");
  mitigate->add_option("--multiplier-lr", mi->multiplier_lr, "fairgbm: step of the Lagrange multipliers' ascent (> 0)");
  mitigate->callback([mi, &global] { RunMitigate(*mi, global); });
}

}  // namespace finai::cli
