// Scorecard files: versioned JSON with the schema names, bins, points, parameters, fit and finai version.
#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <utility>

#include "finai/core/error.hpp"
#include "finai/scorecard/scorecard.hpp"
#include "json_read.hpp"

namespace finai::scorecard {

using namespace json_read;

namespace {

constexpr int kFormatVersion = 1;
constexpr const char* kFormat = "finai.scorecard";

Json Finite(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }  // JSON has no infinity

std::string_view StepwiseName(Stepwise s) {
  return s == Stepwise::kNone ? "none" : s == Stepwise::kForward ? "forward" : "backward";
}

Json OptionsToJson(const ScorecardOptions& o) {
  const BinningOptions& b = o.binning;
  const SelectionOptions& s = o.selection;
  return Json{{"binning",
               {{"max_prebins", b.max_prebins},
                {"max_bins", b.max_bins},
                {"min_bin_share", b.min_bin_share},
                {"min_prebin_share", b.min_prebin_share},
                {"min_bin_events", b.min_bin_events},
                {"min_bin_non_events", b.min_bin_non_events},
                {"min_event_rate_diff", b.min_event_rate_diff},
                {"monotonic", TrendName(b.trend)},
                {"objective", ObjectiveName(b.objective)},
                {"special_values", b.special_values}}},
              {"selection",
               {{"min_iv", s.min_iv},
                {"max_iv", Finite(s.max_iv)},
                {"max_correlation", s.max_correlation},
                {"max_vif", s.max_vif},
                {"stepwise", StepwiseName(s.stepwise)},
                {"criterion", s.criterion == Criterion::kAic ? "aic" : "bic"},
                {"require_negative_coefficients", s.require_negative_coefficients}}},
              {"scaling",
               {{"pdo", o.scaling.pdo},
                {"base_score", o.scaling.base_score},
                {"base_odds", o.scaling.base_odds},
                {"round_points", o.scaling.round_points}}},
              {"l2", o.l2},
              {"features", o.features},
              {"binning_spec", o.binning_spec_json}};
}

ScorecardOptions OptionsFromJson(const Json& j, const std::string& path) {
  ScorecardOptions o;
  const std::string bp = Join(path, "binning"), sp = Join(path, "selection"), cp = Join(path, "scaling");
  const Json& b = Field(j, path, "binning");
  o.binning.max_prebins = Integer(b, bp, "max_prebins", 2, kMaxPreBins);
  o.binning.max_bins = Integer(b, bp, "max_bins", 1, 100);
  o.binning.min_bin_share = Number(b, bp, "min_bin_share");
  o.binning.min_prebin_share = Number(b, bp, "min_prebin_share");
  o.binning.min_bin_events = Number(b, bp, "min_bin_events");
  o.binning.min_bin_non_events = Number(b, bp, "min_bin_non_events");
  o.binning.min_event_rate_diff = Number(b, bp, "min_event_rate_diff");
  o.binning.trend = ParseTrend(String(b, bp, "monotonic"));
  o.binning.objective = ParseObjective(String(b, bp, "objective"));
  for (const auto& v : Array(b, bp, "special_values")) o.binning.special_values.push_back(v.get<double>());
  const Json& s = Field(j, path, "selection");
  o.selection.min_iv = Number(s, sp, "min_iv");
  const Json& max_iv = Field(s, sp, "max_iv");
  o.selection.max_iv = max_iv.is_null() ? INFINITY : Number(s, sp, "max_iv");
  o.selection.max_correlation = Number(s, sp, "max_correlation");
  o.selection.max_vif = Number(s, sp, "max_vif");
  o.selection.stepwise = ParseStepwise(String(s, sp, "stepwise"));
  o.selection.criterion = ParseCriterion(String(s, sp, "criterion"));
  o.selection.require_negative_coefficients = Bool(s, sp, "require_negative_coefficients");
  const Json& c = Field(j, path, "scaling");
  o.scaling.pdo = Number(c, cp, "pdo");
  o.scaling.base_score = Number(c, cp, "base_score");
  o.scaling.base_odds = Number(c, cp, "base_odds");
  o.scaling.round_points = Bool(c, cp, "round_points");
  o.l2 = Number(j, path, "l2");
  for (const auto& f : Array(j, path, "features")) o.features.push_back(f.get<std::string>());
  o.binning_spec_json = String(j, path, "binning_spec");
  try {
    o.scaling.Validate();
  } catch (const InvalidArgument& e) {
    Bad(cp, std::string("invalid scaling: ") + e.detail(), "pdo > 0 and base_odds > 0");
  }
  return o;
}

std::vector<double> Numbers(const Json& j, const std::string& path, std::string_view key) {
  std::vector<double> out;
  const Json& a = Array(j, path, key);
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!a[i].is_number() || !std::isfinite(a[i].get<double>())) {
      Bad(Index(Join(path, key), i), "not a finite number", "a number");
    }
    out.push_back(a[i].get<double>());
  }
  return out;
}

}  // namespace

Json ScorecardToJson(const Scorecard& card) {
  Json j;
  j["format"] = kFormat;
  j["version"] = kFormatVersion;
  j["finai_version"] = card.finai_version;
  j["target"] = card.target;
  j["event"] = card.event;
  j["non_event"] = card.non_event;
  j["schema"] = {{"columns", card.schema_columns}, {"sensitive", card.sensitive}};
  j["params"] = OptionsToJson(card.options);
  j["scaling"] = {{"factor", card.options.scaling.Factor()}, {"offset", card.options.scaling.Offset()}};
  j["intercept"] = card.intercept;
  j["min_score"] = card.min_score;
  j["max_score"] = card.max_score;
  Json vars = Json::array();
  for (const auto& v : card.variables) {
    vars.push_back({{"feature", v.binning.feature},
                    {"description", v.description},
                    {"coefficient", v.coefficient},
                    {"points", v.points},
                    {"binning", v.binning.ToJson()}});
  }
  j["variables"] = std::move(vars);
  const auto& f = card.fit;
  j["fit"] = {{"names", f.names},
              {"coef", f.coef},
              {"std_err", f.std_err},
              {"z", f.z},
              {"p_value", f.p_value},
              {"ci_lower", f.ci_lower},
              {"ci_upper", f.ci_upper},
              {"log_likelihood", f.log_likelihood},
              {"null_log_likelihood", f.null_log_likelihood},
              {"aic", f.aic},
              {"bic", f.bic},
              {"num_observations", f.num_observations},
              {"iterations", f.iterations},
              {"converged", f.converged}};
  Json sel = Json::array();
  for (const auto& s : card.selection) sel.push_back({{"feature", s.feature}, {"iv", s.iv}, {"decision", s.decision}});
  j["selection"] = std::move(sel);
  if (!card.recalibrations.empty()) {
    Json rec = Json::array();
    for (const auto& r : card.recalibrations) {
      rec.push_back({{"method", r.method}, {"slope", r.slope}, {"shift", r.shift}});
    }
    j["recalibrations"] = std::move(rec);  // absent in cards never recalibrated (and in older files)
  }
  return j;
}

Scorecard ScorecardFromJson(const Json& j, std::string_view source) {
  try {
    if (!j.is_object() || !j.contains("format") || j["format"] != kFormat) {
      Bad("format", "not a finai scorecard", fmt::format("\"format\": \"{}\"", kFormat));
    }
    const double version = Number(j, "", "version");
    if (version > kFormatVersion) {
      throw Unsupported(
          fmt::format("scorecard format version {} is newer than this finai reads", version),
          {.field = "version", .field_kind = "key", .expected = fmt::format("at most {}", kFormatVersion)});
    }
    if (version != kFormatVersion) Bad("version", "unknown scorecard format version", std::to_string(kFormatVersion));
    Scorecard card;
    card.finai_version = String(j, "", "finai_version");
    card.target = String(j, "", "target");
    card.event = String(j, "", "event");
    card.non_event = String(j, "", "non_event");
    const Json& schema = Field(j, "", "schema");
    for (const auto& c : Array(schema, "schema", "columns")) card.schema_columns.push_back(c.get<std::string>());
    for (const auto& c : Array(schema, "schema", "sensitive")) card.sensitive.push_back(c.get<std::string>());
    card.options = OptionsFromJson(Field(j, "", "params"), "params");
    card.intercept = Number(j, "", "intercept");
    card.min_score = Number(j, "", "min_score");
    card.max_score = Number(j, "", "max_score");
    const Json& vars = Array(j, "", "variables");
    if (vars.empty()) Bad("variables", "a scorecard without variables", "at least one variable");
    for (std::size_t i = 0; i < vars.size(); ++i) {
      const std::string vp = Index("variables", i);
      ScorecardVariable v;
      v.description = String(vars[i], vp, "description");
      v.coefficient = Number(vars[i], vp, "coefficient");
      v.points = Numbers(vars[i], vp, "points");
      v.binning = VariableBinning::FromJson(Field(vars[i], vp, "binning"), Join(vp, "binning"));
      if (v.binning.feature != String(vars[i], vp, "feature"))
        Bad(Join(vp, "feature"), "differs from binning.feature", v.binning.feature);
      if (v.points.size() != v.binning.bins.size()) {
        Bad(Join(vp, "points"), fmt::format("{} points for {} bins", v.points.size(), v.binning.bins.size()),
            "one per bin");
      }
      card.variables.push_back(std::move(v));
    }
    const Json& f = Field(j, "", "fit");
    auto& fit = card.fit;
    for (const auto& n : Array(f, "fit", "names")) fit.names.push_back(n.get<std::string>());
    fit.coef = Numbers(f, "fit", "coef");
    fit.std_err = Numbers(f, "fit", "std_err");
    fit.z = Numbers(f, "fit", "z");
    fit.p_value = Numbers(f, "fit", "p_value");
    fit.ci_lower = Numbers(f, "fit", "ci_lower");
    fit.ci_upper = Numbers(f, "fit", "ci_upper");
    if (fit.coef.size() != card.variables.size() + 1 || fit.names.size() != fit.coef.size()) {
      Bad("fit.coef", fmt::format("{} coefficients for {} variables", fit.coef.size(), card.variables.size()),
          "the intercept and one per variable");
    }
    // The report prints one line per coefficient with all of these (found by fuzz/scorecard_fuzzer).
    const std::pair<const char*, const std::vector<double>*> per_coefficient[] = {
        {"fit.std_err", &fit.std_err}, {"fit.z", &fit.z}, {"fit.p_value", &fit.p_value},
        {"fit.ci_lower", &fit.ci_lower}, {"fit.ci_upper", &fit.ci_upper}};
    for (const auto& [key, values] : per_coefficient) {
      if (values->size() != fit.coef.size()) {
        Bad(key, fmt::format("{} values for {} coefficients", values->size(), fit.coef.size()), "one per coefficient");
      }
    }
    fit.log_likelihood = Number(f, "fit", "log_likelihood");
    fit.null_log_likelihood = Number(f, "fit", "null_log_likelihood");
    fit.aic = Number(f, "fit", "aic");
    fit.bic = Number(f, "fit", "bic");
    fit.num_observations = Number(f, "fit", "num_observations");
    fit.iterations = Integer(f, "fit", "iterations", 0, 1 << 30);
    fit.converged = Bool(f, "fit", "converged");
    for (const auto& s : Array(j, "", "selection")) {
      card.selection.push_back(
          {String(s, "selection[]", "feature"), Number(s, "selection[]", "iv"), String(s, "selection[]", "decision")});
    }
    if (j.contains("recalibrations")) {
      const Json& recs = Array(j, "", "recalibrations");
      for (std::size_t i = 0; i < recs.size(); ++i) {
        const std::string rp = Index("recalibrations", i);
        Recalibration r{String(recs[i], rp, "method"), Number(recs[i], rp, "slope"), Number(recs[i], rp, "shift")};
        if (!(r.slope > 0)) Bad(Join(rp, "slope"), "not positive", "a slope > 0");
        card.recalibrations.push_back(std::move(r));
      }
    }
    return card;
  } catch (const Json::exception& e) {
    throw InvalidData(fmt::format("corrupt scorecard: {}", e.what()), {.file = std::string(source)});
  } catch (const InvalidData& e) {
    ErrorLocation loc = e.location();
    loc.file = std::string(source);
    throw InvalidData(e.detail(), loc);
  }
}

void SaveScorecard(const Scorecard& card, const std::string& path) {
  std::ofstream out(path);
  if (!out) throw IoError("cannot create the scorecard file", {.file = path});
  out << ScorecardToJson(card).dump(2) << '\n';
  if (!out.flush()) throw IoError("cannot write the scorecard file", {.file = path});
}

Scorecard ParseScorecard(std::string_view text, std::string_view source) {
  Json j;
  try {
    j = Json::parse(text);
  } catch (const Json::exception& e) {  // parse_error, or out_of_range for a number beyond a double (1e400)
    throw InvalidData(fmt::format("the scorecard file is not valid JSON: {}", e.what()), {.file = std::string(source)});
  }
  return ScorecardFromJson(j, source);
}

Scorecard LoadScorecard(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw NotFound("scorecard file not found", {.file = path});
  std::stringstream text;
  text << in.rdbuf();
  return ParseScorecard(text.str(), path);
}

}  // namespace finai::scorecard
