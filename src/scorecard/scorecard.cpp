// FitScorecard and ApplyScorecard: binning, selection, the WoE logistic regression, points, reason codes.
#include "finai/scorecard/scorecard.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

#include "finai/core/error.hpp"
#include "finai/data/target.hpp"
#include "json_read.hpp"
#include "selection.hpp"

namespace finai::scorecard {

namespace {

using detail::Candidate;

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// Points of each bin from the coefficients and the scaling (see the header).
void AssignPoints(Scorecard& card) {
  const double factor = card.options.scaling.Factor();
  const double offset = card.options.scaling.Offset();
  const double m = static_cast<double>(card.variables.size());
  const double share = (offset - factor * card.intercept) / m;
  card.min_score = card.max_score = 0;
  for (auto& v : card.variables) {
    v.points.clear();
    for (const Bin& b : v.binning.bins) {
      double p = -factor * v.coefficient * b.woe + share;
      if (card.options.scaling.round_points) p = std::round(p);
      v.points.push_back(p);
    }
    double lo = INFINITY, hi = -INFINITY;
    for (std::size_t b = 0; b < v.points.size(); ++b) {
      if (v.binning.bins[b].count <= 0) continue;
      lo = std::min(lo, v.points[b]);
      hi = std::max(hi, v.points[b]);
    }
    card.min_score += lo;
    card.max_score += hi;
  }
}

}  // namespace

void RecalibrateScorecard(Scorecard& card, const std::string& method, double slope, double shift) {
  if (!(slope > 0) || !std::isfinite(slope) || !std::isfinite(shift)) {
    throw InvalidArgument("a recalibration must keep the ranking", {.field = "slope",
                                                                     .field_kind = "argument",
                                                                     .value = fmt::format("{}, shift {}", slope, shift),
                                                                     .expected = "a finite slope > 0, a finite shift"});
  }
  card.intercept = slope * card.intercept + shift;
  for (auto& v : card.variables) v.coefficient *= slope;
  AssignPoints(card);
  card.recalibrations.push_back({method, slope, shift});
}

double ScalingParams::Factor() const { return pdo / std::log(2.0); }
double ScalingParams::Offset() const { return base_score - Factor() * std::log(base_odds); }

void ScalingParams::Validate() const {
  if (!(pdo > 0) || !std::isfinite(pdo)) {
    throw InvalidArgument(
        "points to double the odds must be positive",
        {.field = "pdo", .field_kind = "option", .value = fmt::format("{}", pdo), .expected = "a number > 0"});
  }
  if (!(base_odds > 0) || !std::isfinite(base_odds)) {
    throw InvalidArgument("base odds must be positive", {.field = "base_odds",
                                                         .field_kind = "option",
                                                         .value = fmt::format("{}", base_odds),
                                                         .expected = "a number > 0"});
  }
  if (!std::isfinite(base_score)) {
    throw InvalidArgument("base score must be finite", {.field = "base_score",
                                                        .field_kind = "option",
                                                        .value = fmt::format("{}", base_score),
                                                        .expected = "a finite number"});
  }
}

double ScoreToPd(const ScalingParams& s, double score) {
  return 1.0 / (1.0 + std::exp((score - s.Offset()) / s.Factor()));
}
double PdToScore(const ScalingParams& s, double pd) { return s.Offset() + s.Factor() * std::log((1 - pd) / pd); }

Stepwise ParseStepwise(std::string_view name) {
  if (name == "none") return Stepwise::kNone;
  if (name == "forward") return Stepwise::kForward;
  if (name == "backward") return Stepwise::kBackward;
  throw InvalidArgument("unknown stepwise method", {.field = "stepwise",
                                                    .field_kind = "option",
                                                    .value = std::string(name),
                                                    .expected = "none, forward or backward"});
}

Criterion ParseCriterion(std::string_view name) {
  if (name == "aic") return Criterion::kAic;
  if (name == "bic") return Criterion::kBic;
  throw InvalidArgument(
      "unknown criterion",
      {.field = "criterion", .field_kind = "option", .value = std::string(name), .expected = "aic or bic"});
}

void SelectionOptions::Validate() const {
  const auto bad = [](const char* field, double v, const char* expected) {
    throw InvalidArgument(
        "selection option out of range",
        {.field = field, .field_kind = "option", .value = fmt::format("{}", v), .expected = expected});
  };
  if (!(min_iv >= 0)) bad("min_iv", min_iv, "a number >= 0");
  if (!(max_iv > min_iv)) bad("max_iv", max_iv, "a number above min_iv");
  if (!(max_correlation > 0 && max_correlation <= 1)) bad("max_correlation", max_correlation, "in (0, 1]");
  if (!(max_vif >= 1)) bad("max_vif", max_vif, "a number >= 1");
}

double ScorecardVariable::MaxPoints() const {
  double hi = -INFINITY;
  for (std::size_t b = 0; b < points.size(); ++b) {
    if (binning.bins[b].count > 0) hi = std::max(hi, points[b]);
  }
  return std::isfinite(hi) ? hi : 0.0;
}

std::vector<ManualBins> ParseBinningSpec(std::string_view text, std::string_view source) {
  using namespace json_read;
  Json j;
  try {
    j = Json::parse(text);
  } catch (const Json::exception& e) {  // parse_error, or out_of_range for a number beyond a double (1e400)
    throw InvalidData(fmt::format("the binning spec is not valid JSON: {}", e.what()), {.file = std::string(source)});
  }
  if (!j.is_object()) throw InvalidData("the binning spec must be a JSON object", {.file = std::string(source)});
  std::vector<ManualBins> out;
  try {
    for (const auto& [name, spec] : j.items()) {
      ManualBins m;
      m.feature = name;
      if (!spec.is_object()) Bad(name, "not an object", "{\"cuts\": [...]} or {\"groups\": [[...], ...]}");
      for (const auto& [key, value] : spec.items()) {
        const std::string path = name + "." + key;
        if (key == "cuts" || key == "special_values") {
          if (!value.is_array()) Bad(path, "not an array", "numbers");
          for (std::size_t i = 0; i < value.size(); ++i) {
            if (!value[i].is_number()) Bad(Index(path, i), "not a number", "a number");
            (key == "cuts" ? m.cuts : m.special_values).push_back(value[i].get<double>());
          }
        } else if (key == "groups") {
          m.categorical = true;
          if (!value.is_array()) Bad(path, "not an array", "arrays of category names");
          for (std::size_t g = 0; g < value.size(); ++g) {
            if (!value[g].is_array()) Bad(Index(path, g), "not an array", "category names");
            std::vector<std::string> group;
            for (const auto& c : value[g]) {
              if (!c.is_string()) Bad(Index(path, g), "a category is not a string", "category names");
              group.push_back(c.get<std::string>());
            }
            m.groups.push_back(std::move(group));
          }
        } else {
          Bad(path, "unknown key", "cuts, special_values or groups");
        }
      }
      out.push_back(std::move(m));
    }
  } catch (const InvalidData& e) {
    ErrorLocation loc = e.location();
    loc.file = std::string(source);
    throw InvalidData(e.detail(), loc);
  }
  return out;
}

Scorecard FitScorecard(const Frame& frame, const Schema& schema, const std::string& target, const std::string& event,
                       std::span<const double> weights, const ScorecardOptions& options, const Context& ctx) {
  options.binning.Validate();
  options.selection.Validate();
  options.scaling.Validate();
  if (!weights.empty() && static_cast<std::int64_t>(weights.size()) != frame.num_rows()) {
    throw InvalidArgument("one weight per row is needed", {.field = "weights",
                                                           .field_kind = "argument",
                                                           .value = std::to_string(weights.size()),
                                                           .expected = std::to_string(frame.num_rows())});
  }
  Scorecard card;
  card.finai_version = FINAI_VERSION;
  card.target = target;
  card.options = options;
  card.schema_columns = frame.ColumnNames();
  card.sensitive = schema.NamesWithRole(Role::kSensitive);
  const BinaryTarget bt = ResolveBinaryTarget(frame.column(target), event);
  card.event = bt.event;
  card.non_event = bt.non_event;

  std::vector<std::string> names = options.features;
  if (names.empty()) names = schema.NamesWithRole(Role::kFeature);
  std::map<std::string, ManualBins> manual;
  if (!options.binning_spec_json.empty()) {
    for (auto& m : ParseBinningSpec(options.binning_spec_json, "binning spec")) manual.emplace(m.feature, std::move(m));
  }
  for (const auto& [name, spec] : manual) {
    if (!frame.HasColumn(name)) frame.column(name);  // NotFound listing the columns
  }
  // Rows with a known target (and positive weight) train the model.
  std::vector<std::int64_t> rows;
  std::vector<double> y, w;
  for (std::int64_t r = 0; r < frame.num_rows(); ++r) {
    const double label = bt.labels[static_cast<std::size_t>(r)];
    const double wr = weights.empty() ? 1.0 : weights[static_cast<std::size_t>(r)];
    if (std::isnan(label) || !(wr > 0)) continue;
    rows.push_back(r);
    y.push_back(label);
    if (!weights.empty()) w.push_back(wr);
  }
  std::vector<Candidate> cands;
  std::vector<VariableBinning> binnings;
  for (const std::string& name : card.sensitive)
    card.selection.push_back({name, 0, "sensitive in the schema: never a feature"});
  for (const std::string& name : names) {
    if (name == target) continue;
    const Column& col = frame.column(name);
    SelectionRecord rec{name, 0, ""};
    if (Contains(card.sensitive, name)) continue;  // recorded above
    if (col.type() == ColumnType::kString) {
      rec.decision = "free-text column: not binned";
      card.selection.push_back(rec);
      continue;
    }
    ctx.ThrowIfCancelled();
    VariableBinning vb;
    try {
      const auto it = manual.find(name);
      if (it == manual.end()) {
        vb = FitBinning(col, bt.labels, weights, options.binning);
      } else if (it->second.categorical) {
        vb = BinWithGroups(col, bt.labels, weights, it->second.groups);
      } else {
        vb = BinWithCuts(col, bt.labels, weights, it->second.cuts, it->second.special_values);
      }
    } catch (const InvalidData& e) {
      rec.decision = std::string("not binned: ") + e.detail();
      card.selection.push_back(rec);
      continue;
    }
    Candidate c;
    c.feature = name;
    c.iv = vb.iv;
    const std::vector<double> woe = vb.WoeColumn(col);
    c.woe.reserve(rows.size());
    for (std::int64_t r : rows) c.woe.push_back(woe[static_cast<std::size_t>(r)]);
    if (std::all_of(c.woe.begin(), c.woe.end(), [&](double v) { return v == c.woe.front(); })) {
      c.kept = false;
      c.decision = "one WoE value for every row: no information";
    } else if (vb.iv < options.selection.min_iv) {
      c.kept = false;
      c.decision = fmt::format("IV {:.4f} below {}", vb.iv, options.selection.min_iv);
    } else if (vb.iv > options.selection.max_iv) {
      c.kept = false;
      c.decision = fmt::format("IV {:.4f} above {} (suspicious)", vb.iv, options.selection.max_iv);
    }
    cands.push_back(std::move(c));
    binnings.push_back(std::move(vb));
  }
  detail::CorrelationFilter(cands, options.selection.max_correlation, w);
  detail::VifFilter(cands, options.selection.max_vif, w);
  detail::StepwiseSelect(cands, y, w, options.selection, options.l2);

  linear::LogisticOptions lo;
  lo.l2 = options.l2;
  while (true) {
    const linear::DesignMatrix x = detail::KeptDesign(cands);
    if (x.cols() == 0) {
      for (const auto& c : cands) card.selection.push_back({c.feature, c.iv, c.decision});
      throw InvalidData("no variable passed the selection", {.field = "min_iv",
                                                             .field_kind = "option",
                                                             .value = fmt::format("{}", options.selection.min_iv),
                                                             .expected = "a lower min IV or more candidate variables"});
    }
    card.fit = linear::FitLogistic(x, y, w, lo);
    if (!options.selection.require_negative_coefficients) break;
    // The kept variable with a non-negative coefficient and the largest p-value goes first.
    std::size_t worst = 0;
    double worst_p = -1;
    for (std::size_t j = 1; j < card.fit.coef.size(); ++j) {
      if (card.fit.coef[j] >= 0 && card.fit.p_value[j] > worst_p) worst_p = card.fit.p_value[j], worst = j;
    }
    if (worst == 0) break;
    for (auto& c : cands) {
      if (c.kept && c.feature == card.fit.names[worst]) {
        c.kept = false;
        c.decision = fmt::format("coefficient {:.4g} not negative (WoE sign check)", card.fit.coef[worst]);
      }
    }
  }
  card.intercept = card.fit.intercept();
  std::size_t j = 1;
  for (std::size_t c = 0; c < cands.size(); ++c) {
    card.selection.push_back({cands[c].feature, cands[c].iv, cands[c].kept ? "selected" : cands[c].decision});
    if (!cands[c].kept) continue;
    ScorecardVariable v;
    v.binning = std::move(binnings[c]);
    const FieldSpec* spec = schema.Find(cands[c].feature);
    v.description = spec ? spec->description : "";
    v.coefficient = card.fit.coef[j++];
    card.variables.push_back(std::move(v));
  }
  AssignPoints(card);
  return card;
}

ScoredRows ApplyScorecard(const Scorecard& card, const Frame& frame, int num_reasons) {
  if (num_reasons < 0) {
    throw InvalidArgument(
        "negative number of reasons",
        {.field = "reasons", .field_kind = "option", .value = std::to_string(num_reasons), .expected = "at least 0"});
  }
  const auto n = static_cast<std::size_t>(frame.num_rows());
  ScoredRows out;
  out.score.assign(n, 0.0);
  std::vector<double> margin(n, card.intercept);
  std::vector<std::vector<int>> bins;
  for (const auto& v : card.variables) {
    bins.push_back(v.binning.BinColumn(frame.column(v.binning.feature)));
    for (std::size_t r = 0; r < n; ++r) {
      const auto b = static_cast<std::size_t>(bins.back()[r]);
      out.score[r] += v.points[b];
      margin[r] += v.coefficient * v.binning.bins[b].woe;
    }
  }
  out.pd.resize(n);
  for (std::size_t r = 0; r < n; ++r) out.pd[r] = 1.0 / (1.0 + std::exp(-margin[r]));
  out.reasons.assign(n, {});
  if (num_reasons == 0) return out;
  std::vector<double> max_points;
  for (const auto& v : card.variables) max_points.push_back(v.MaxPoints());
  std::vector<std::pair<double, std::size_t>> shortfall;
  for (std::size_t r = 0; r < n; ++r) {
    shortfall.clear();
    for (std::size_t v = 0; v < card.variables.size(); ++v) {
      if (Contains(card.sensitive, card.variables[v].binning.feature)) continue;
      const double s = max_points[v] - card.variables[v].points[static_cast<std::size_t>(bins[v][r])];
      if (s > 0) shortfall.emplace_back(s, v);
    }
    std::stable_sort(shortfall.begin(), shortfall.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (std::size_t k = 0; k < shortfall.size() && k < static_cast<std::size_t>(num_reasons); ++k) {
      const ScorecardVariable& v = card.variables[shortfall[k].second];
      out.reasons[r].push_back(
          {v.binning.feature, v.description.empty() ? v.binning.feature : v.description, shortfall[k].first});
    }
  }
  return out;
}

}  // namespace finai::scorecard
