// `finai explain`: SHAP contributions of every row (exact path-dependent TreeSHAP, margin scale), the reason codes
// of every row or of the refused rows only (top-k factors toward refusal, texts from the schema, sensitive features
// never given), SHAP dependence data of one feature, or partial dependence / ICE curves of one feature.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "explain_global_views.hpp"
#include "explain_output.hpp"
#include "explain_recourse.hpp"
#include "finai/core/error.hpp"
#include "finai/explain/global.hpp"
#include "finai/explain/interventional.hpp"
#include "finai/explain/partial_dependence.hpp"
#include "finai/explain/reason_codes.hpp"
#include "finai/explain/transform.hpp"
#include "finai/explain/tree_shap.hpp"
#include "finai/models/gbdt/model_io.hpp"
#include "finai/models/gbdt/predict.hpp"

namespace finai::cli {

namespace {
using Json = nlohmann::ordered_json;

struct ExplainArgs {
  std::string model;
  std::string data_file;
  DataOptions data;
  std::string output;
  std::string id_column;
  int reasons = 0;
  bool reasons_given = false;
  bool interactions = false;
  std::string background;  // CSV of background rows: interventional TreeSHAP
  std::string scale = "margin";
  std::vector<std::string> groups;  // "NAME=feature,feature,..."
  bool json = false;
  double cutoff = 0.5;  // refused: probability of the event >= cutoff (--reasons: only those; --recourse)
  bool cutoff_given = false;
  bool recourse = false;
  RecourseArgs recourse_args;
  bool time_limit_given = false;
  std::string dependence;  // feature: (row, value, shap)
  std::string pdp;         // feature: partial dependence curve
  bool ice = false;
  int grid = 100;
  bool grid_given = false;
  std::string grid_values;
};

void WriteContributions(const gbdt::GbdtModel& model, const explain::ShapMatrix& shap, const Method& method,
                        const std::vector<std::string>& names, const std::string& scale,
                        const std::vector<std::string>& ids, const std::string& id_name, bool json, Output& out) {
  const bool multi = shap.outputs > 1;
  auto suffix = [&](int k) { return multi ? "_" + model.class_labels[static_cast<std::size_t>(k)] : std::string(); };
  if (json) {
    Json rows = Json::array();
    for (std::int64_t r = 0; r < shap.rows; ++r) {
      Json row{{id_name, ids[static_cast<std::size_t>(r)]}};
      for (int k = 0; k < shap.outputs; ++k) {
        Json contributions = Json::object();
        for (int j = 0; j < shap.features; ++j) contributions[names[static_cast<std::size_t>(j)]] = shap.at(r, k, j);
        Json entry{{"contributions", std::move(contributions)}, {"expected_value", shap.at(r, k, shap.features)}};
        if (multi) row[model.class_labels[static_cast<std::size_t>(k)]] = std::move(entry);
        else row.update(entry);
      }
      rows.push_back(std::move(row));
    }
    Json doc = Json::object();
    method.AddTo(doc);
    doc["scale"] = scale;
    if (scale == "probability") {
      doc["scale_method"] = "margin contributions scaled by (p - p0) / (margin - expected margin); approximate";
    }
    if (static_cast<std::size_t>(shap.features) != model.features.size()) {
      doc["grouping"] = "a group's contribution is the sum of its members' contributions";
    }
    doc["rows"] = std::move(rows);
    out.Write(doc.dump(2) + "\n");
    return;
  }
  std::string header = CsvField(id_name);
  for (int k = 0; k < shap.outputs; ++k) {
    for (const auto& name : names) header += "," + CsvField(name + suffix(k));
    header += (method.background.empty() ? ",expected_value" : ",background_mean") + suffix(k);
  }
  out.Write(header + "\n");
  std::string line;
  for (std::int64_t r = 0; r < shap.rows; ++r) {
    line = CsvField(ids[static_cast<std::size_t>(r)]);
    for (int k = 0; k < shap.outputs; ++k) {
      for (int j = 0; j < shap.width(); ++j) line += fmt::format(",{}", shap.at(r, k, j));
    }
    line += '\n';
    out.Write(line);
  }
}

// One line per (row, [class,] feature i): the interaction values (i, j) for every feature j and the expected-value
// column; line i sums to feature i's contribution, the expected_value line holds the expected value.
void WriteInteractions(const gbdt::GbdtModel& model, const explain::InteractionMatrix& inter,
                       const std::vector<std::string>& ids, const std::string& id_name, bool json, Output& out) {
  const bool multi = inter.outputs > 1;
  auto name = [&](int j) { return j < inter.features ? model.features[static_cast<std::size_t>(j)].name
                                                     : std::string("expected_value"); };
  if (json) {
    Json rows = Json::array();
    for (std::int64_t r = 0; r < inter.rows; ++r) {
      Json row{{id_name, ids[static_cast<std::size_t>(r)]}};
      for (int k = 0; k < inter.outputs; ++k) {
        Json table = Json::object();
        for (int i = 0; i < inter.width(); ++i) {
          Json line = Json::object();
          for (int j = 0; j < inter.width(); ++j) line[name(j)] = inter.at(r, k, i, j);
          table[name(i)] = std::move(line);
        }
        if (multi) row[model.class_labels[static_cast<std::size_t>(k)]] = Json{{"interactions", std::move(table)}};
        else row["interactions"] = std::move(table);
      }
      rows.push_back(std::move(row));
    }
    Json doc{{"method", "path-dependent TreeSHAP interaction values"}, {"scale", "margin"}, {"rows", std::move(rows)}};
    out.Write(doc.dump(2) + "\n");
    return;
  }
  std::string header = CsvField(id_name) + (multi ? ",class" : "") + ",feature";
  for (int j = 0; j < inter.width(); ++j) header += "," + CsvField(name(j));
  out.Write(header + "\n");
  std::string line;
  for (std::int64_t r = 0; r < inter.rows; ++r) {
    for (int k = 0; k < inter.outputs; ++k) {
      for (int i = 0; i < inter.width(); ++i) {
        line = CsvField(ids[static_cast<std::size_t>(r)]);
        if (multi) line += "," + CsvField(model.class_labels[static_cast<std::size_t>(k)]);
        line += "," + CsvField(name(i));
        for (int j = 0; j < inter.width(); ++j) line += fmt::format(",{}", inter.at(r, k, i, j));
        line += '\n';
        out.Write(line);
      }
    }
  }
}

// Reasons for the refused rows only (--cutoff): the cut-off, how many rows were scored and each row's probability.
struct CutoffInfo {
  bool given = false;
  double cutoff = 0;
  std::int64_t rows_scored = 0;
  std::vector<double> probability;  // per written row
};

void WriteReasons(const std::vector<std::vector<explain::Reason>>& reasons, const explain::ShapMatrix& shap,
                  const Method& method, const CutoffInfo& cutoff, const gbdt::GbdtModel& model,
                  const std::vector<std::string>& ids, const std::string& id_name, bool json, Output& out) {
  if (json) {
    Json rows = Json::array();
    for (std::size_t r = 0; r < reasons.size(); ++r) {
      double margin = 0;
      for (int j = 0; j < shap.width(); ++j) margin += shap.at(static_cast<std::int64_t>(r), 0, j);
      Json list = Json::array();
      for (const auto& reason : reasons[r]) {
        Json entry{{"feature", reason.name}, {"text", reason.text}, {"contribution", reason.contribution}};
        if (!reason.members.empty()) {
          Json members = Json::array();
          for (int f : reason.members) members.push_back(model.features[static_cast<std::size_t>(f)].name);
          entry["members"] = std::move(members);
        }
        list.push_back(std::move(entry));
      }
      Json row{{id_name, ids[r]}, {"margin", margin}};
      if (cutoff.given) row["probability"] = cutoff.probability[r];
      row["reasons"] = std::move(list);
      rows.push_back(std::move(row));
    }
    Json doc = Json::object();
    method.AddTo(doc);
    if (cutoff.given) {
      doc["cutoff"] = cutoff.cutoff;
      doc["selection"] = "rows whose predicted probability of the event is >= cutoff";
      doc["rows_scored"] = cutoff.rows_scored;
      doc["rows_refused"] = static_cast<std::int64_t>(reasons.size());
    }
    doc["rows"] = std::move(rows);
    out.Write(doc.dump(2) + "\n");
    return;
  }
  // Long format: one line per reason, rank 1 the strongest; a row without any reason has no line.
  out.Write(CsvField(id_name) + ",rank,feature,text,contribution\n");
  for (std::size_t r = 0; r < reasons.size(); ++r) {
    for (std::size_t i = 0; i < reasons[r].size(); ++i) {
      const auto& reason = reasons[r][i];
      out.Write(fmt::format("{},{},{},{},{}\n", CsvField(ids[r]), i + 1, CsvField(reason.name), CsvField(reason.text),
                            reason.contribution));
    }
  }
}

// "--group NAME=a,b": the members by model feature name.
std::vector<explain::FeatureGroup> ParseGroups(const gbdt::GbdtModel& model, const std::vector<std::string>& specs) {
  std::vector<explain::FeatureGroup> groups;
  for (const std::string& spec : specs) {
    const auto eq = spec.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw InvalidArgument("a group is written NAME=feature,feature",
                            {.field = "--group", .field_kind = "option", .value = spec,
                             .expected = "NAME=feature,feature,..."});
    }
    explain::FeatureGroup g{.name = spec.substr(0, eq)};
    std::size_t begin = eq + 1;
    while (begin <= spec.size()) {
      const std::size_t end = std::min(spec.find(',', begin), spec.size());
      const std::string member = spec.substr(begin, end - begin);
      int index = -1;
      for (std::size_t f = 0; f < model.features.size(); ++f) {
        if (model.features[f].name == member) index = static_cast<int>(f);
      }
      if (index < 0) {
        throw InvalidArgument("a group member is not a model feature",
                              {.field = "--group", .field_kind = "option", .value = member,
                               .expected = "one of the model's features"});
      }
      g.members.push_back(index);
      begin = end + 1;
    }
    groups.push_back(std::move(g));
  }
  return groups;
}

void CheckOptions(const ExplainArgs& a) {
  if (a.reasons_given && a.reasons < 1) {
    throw InvalidArgument("the number of reasons must be positive",
                          {.field = "--reasons", .field_kind = "option", .value = std::to_string(a.reasons),
                           .expected = "an integer >= 1 (Regulation B: at most 4 principal reasons)"});
  }
  if (a.scale != "margin" && a.scale != "probability") {
    throw InvalidArgument("unknown attribution scale", {.field = "--scale", .field_kind = "option", .value = a.scale,
                                                        .expected = "margin or probability"});
  }
  auto conflict = [](const std::string& option, const std::string& message, const std::string& expected) {
    throw InvalidArgument(message, {.field = option, .field_kind = "option", .expected = expected});
  };
  if (!a.pdp.empty()) {
    if (a.reasons_given || a.interactions || !a.dependence.empty() || !a.background.empty() || !a.groups.empty()) {
      conflict("--pdp", "--pdp writes partial dependence curves, not SHAP values",
               "no --reasons, --interactions, --dependence, --background or --group with --pdp");
    }
    if (a.grid_given && !a.grid_values.empty()) {
      conflict("--grid-values", "--grid and --grid-values both choose the grid", "one of the two");
    }
    if (a.grid_given && a.grid < 2) {
      throw InvalidArgument("a grid needs at least 2 points", {.field = "--grid", .field_kind = "option",
                                                               .value = std::to_string(a.grid),
                                                               .expected = "an integer >= 2"});
    }
  } else if (a.ice || a.grid_given || !a.grid_values.empty()) {
    conflict(a.ice ? "--ice" : a.grid_given ? "--grid" : "--grid-values", "this option belongs to --pdp",
             "--pdp FEATURE");
  }
  if (!a.dependence.empty() && (a.reasons_given || a.interactions || !a.groups.empty())) {
    conflict("--dependence", "--dependence writes one feature's SHAP values",
             "no --reasons, --interactions or --group with --dependence");
  }
  if (a.recourse && (a.reasons_given || a.interactions || !a.background.empty() || !a.groups.empty() ||
                     !a.dependence.empty() || !a.pdp.empty())) {
    conflict("--recourse", "--recourse writes its own table",
             "no --reasons, --interactions, --background, --group, --dependence or --pdp with it");
  }
  if (!a.recourse && (!a.recourse_args.actions_file.empty() || a.time_limit_given)) {
    conflict(a.time_limit_given ? "--time-limit" : "--actions", "this option belongs to --recourse", "--recourse");
  }
  if (a.cutoff_given && !a.reasons_given && !a.recourse) {
    conflict("--cutoff", "--cutoff selects the refused rows to give reasons or recourse for",
             "--reasons or --recourse with --cutoff");
  }
  if (a.recourse && !(a.cutoff > 0 && a.cutoff < 1)) {
    throw InvalidArgument("recourse needs a cut-off strictly between 0 and 1 (at 0 everyone is refused, at 1 no one)",
                          {.field = "--cutoff", .field_kind = "option", .value = fmt::format("{}", a.cutoff),
                           .expected = "0 < P < 1"});
  }
  if (a.cutoff_given && !(a.cutoff >= 0 && a.cutoff <= 1)) {
    throw InvalidArgument("the cut-off is a probability of the event", {.field = "--cutoff", .field_kind = "option",
                                                                         .value = fmt::format("{}", a.cutoff),
                                                                         .expected = "a number from 0 to 1"});
  }
  if (a.reasons_given && a.scale != "margin") {
    conflict("--scale", "reason codes are ranked on the margin scale", "--scale margin with --reasons");
  }
  if (a.interactions && (a.scale != "margin" || !a.groups.empty())) {
    throw InvalidArgument("--scale probability and --group do not apply to interactions (not yet)",
                          {.field = a.groups.empty() ? "--scale" : "--group", .field_kind = "option",
                           .expected = "contributions or reasons output"});
  }
  if (a.interactions && !a.background.empty()) {
    throw InvalidArgument("interaction values are path-dependent only (not yet against a background)",
                          {.field = "--background", .field_kind = "option", .value = a.background,
                           .expected = "no --background with --interactions"});
  }
  if (a.reasons_given && a.interactions) {
    throw InvalidArgument("--reasons and --interactions write different tables",
                          {.field = "--interactions", .field_kind = "option", .expected = "one of the two"});
  }
}

void RunExplain(const ExplainArgs& a, const GlobalOptions& global) {
  CheckOptions(a);
  const Context ctx = MakeContext(global);
  const gbdt::GbdtModel model = gbdt::LoadModel(a.model);
  if (a.reasons_given && model.num_outputs() != 1) {
    throw Unsupported("reason codes explain one score; a multiclass model has one per class",
                      {.field = "--reasons", .field_kind = "option", .expected = "a binary or regression model"});
  }
  if (a.cutoff_given && model.objective != gbdt::ObjectiveKind::kBinaryLogLoss) {
    throw Unsupported("a cut-off on the probability of the event needs a binary model",
                      {.field = "--cutoff", .field_kind = "option", .expected = "a binary model"});
  }
  const int pdp_feature = a.pdp.empty() ? -1 : FeatureIndex(model, a.pdp, "--pdp");
  const int dependence_feature = a.dependence.empty() ? -1 : FeatureIndex(model, a.dependence, "--dependence");
  std::vector<double> user_grid;
  if (pdp_feature >= 0 && !a.grid_values.empty()) {
    user_grid = ParseGridValues(model.features[static_cast<std::size_t>(pdp_feature)], a.grid_values);
  }
  const std::vector<explain::FeatureGroup> groups = ParseGroups(model, a.groups);
  if (!groups.empty()) {  // unknown, repeated or missing members: 64 before any data is read
    (void)explain::GroupContributions(model, explain::ShapMatrix{.features = static_cast<int>(model.features.size())},
                                      groups);
  }
  const CsvTable table = LoadData(a.data_file, a.data, ctx);
  gbdt::FeatureMatrix x = gbdt::BuildFeatureMatrix(model, table.frame, ctx);
  const Column* id = a.id_column.empty() ? nullptr : &table.frame.column(a.id_column);
  std::vector<std::string> ids;
  ids.reserve(static_cast<std::size_t>(x.rows));
  for (std::int64_t r = 0; r < x.rows; ++r) ids.push_back(id ? id->ValueText(r) : std::to_string(r + 1));
  const std::string id_name = a.id_column.empty() ? "row" : a.id_column;
  if (pdp_feature >= 0) {
    explain::PartialDependenceOptions options{
        .grid = user_grid,
        .grid_options = {.resolution = a.grid},
        .scale = a.scale == "probability" ? explain::CurveScale::kResponse : explain::CurveScale::kMargin,
        .keep_ice = a.ice};
    const explain::PartialDependence pd = explain::ComputePartialDependence(model, x, pdp_feature, options, ctx);
    Output out(a.output);
    WritePartialDependence(model, pd, a.scale, a.ice, ids, id_name, a.json, out);
    out.Close();
    return;
  }
  if (a.recourse) {
    RecourseArgs args = a.recourse_args;
    args.cutoff = a.cutoff;
    args.json = a.json;
    const RecourseText text = RecourseReport(model, table, x, ids, id_name, args);
    Output out(a.output);
    out.Write(text.report);
    out.Close();
    std::fflush(stdout);
    if (!a.json) std::fprintf(stderr, "%s\n", text.summary.c_str());  // after the table, for people reading both
    return;
  }
  CutoffInfo cutoff{.given = a.cutoff_given, .cutoff = a.cutoff, .rows_scored = x.rows};
  if (a.cutoff_given) {
    // Only the refused rows are explained: the others get no adverse-action notice.
    const std::vector<std::int64_t> refused = explain::RefusedRows(model, x, a.cutoff, ctx);
    const std::vector<double> p = gbdt::Predict(model, x, gbdt::PredictKind::kResponse, ctx);
    gbdt::FeatureMatrix kept{.rows = static_cast<std::int64_t>(refused.size()), .cols = x.cols};
    std::vector<std::string> kept_ids;
    for (std::int64_t r : refused) {
      const auto begin = x.values.begin() + r * x.cols;
      kept.values.insert(kept.values.end(), begin, begin + x.cols);
      kept_ids.push_back(ids[static_cast<std::size_t>(r)]);
      cutoff.probability.push_back(p[static_cast<std::size_t>(r)]);
    }
    x = std::move(kept);
    ids = std::move(kept_ids);
  }
  const explain::TreeShapExplainer explainer(model);
  Output out(a.output);
  if (a.interactions) {
    WriteInteractions(model, explainer.Interactions(x, ctx), ids, id_name, a.json, out);
    out.Close();
    return;
  }
  Method method;
  explain::ShapMatrix shap;
  if (a.background.empty()) {
    shap = explainer.Explain(x, ctx);
  } else {
    const CsvTable background = LoadData(a.background, a.data, ctx);
    const gbdt::FeatureMatrix b = gbdt::BuildFeatureMatrix(model, background.frame, ctx);
    method = {.name = "interventional TreeSHAP", .background = a.background, .background_rows = b.rows};
    shap = explain::InterventionalShapValues(model, x, b, ctx);
  }
  if (a.reasons_given) {
    const auto reasons =
        explain::ReasonCodes(model, shap, {.max_reasons = a.reasons, .schema = &table.schema, .groups = groups});
    WriteReasons(reasons, shap, method, cutoff, model, ids, id_name, a.json, out);
  } else if (dependence_feature >= 0) {
    const explain::ShapMatrix values = a.scale == "probability" ? explain::ToProbabilityScale(model, shap) : shap;
    WriteDependence(model, values, x, dependence_feature, table.frame.column(a.dependence), method, a.scale, ids,
                    id_name, a.json, out);
  } else {
    std::vector<std::string> names;
    for (const auto& f : model.features) names.push_back(f.name);
    explain::ShapMatrix values = a.scale == "probability" ? explain::ToProbabilityScale(model, shap) : shap;
    if (!groups.empty()) {
      explain::GroupedShap grouped = explain::GroupContributions(model, values, groups);
      names = std::move(grouped.names);
      values = std::move(grouped.values);
    }
    WriteContributions(model, values, method, names, a.scale, ids, id_name, a.json, out);
  }
  out.Close();
}
}  // namespace

void RegisterExplain(CLI::App& app, GlobalOptions& global) {
  auto a = std::make_shared<ExplainArgs>();
  auto* explain = app.add_subcommand("explain", "Explain a tree model's scores: exact TreeSHAP contributions per "
                                                "row, reason codes (--reasons), SHAP dependence data "
                                                "(--dependence) or partial dependence / ICE curves (--pdp)");
  explain->add_option("--model", a->model, "Model file (.json or .fgb)")->required();
  explain->add_option("--data", a->data_file, "Rows to explain (CSV)")->required();
  auto* reasons = explain->add_option("--reasons", a->reasons,
                                      "Write the top N reasons toward refusal per row instead of all contributions "
                                      "(4 if given without a number)")
                      ->expected(0, 1)
                      ->default_str("4");
  explain->add_flag("--interactions", a->interactions,
                    "Write SHAP interaction values (one line per row and feature) instead of contributions");
  explain->add_option("--background", a->background,
                      "CSV of background rows (e.g. all applicants, or those near the cut-off): interventional "
                      "TreeSHAP against them instead of the training covers");
  explain->add_option("--scale", a->scale,
                      "margin (exact SHAP, default) or probability (margin contributions rescaled to sum to the "
                      "probability; an approximation, binary models)");
  explain->add_option("--group", a->groups,
                      "NAME=feature,feature: explain these features as one factor (sum of their contributions); "
                      "repeatable");
  explain->add_option("--cutoff", a->cutoff,
                      "Refused: predicted probability of the event >= P (default 0.5). With --reasons: only the "
                      "refused rows (adverse-action notices); with --recourse: who needs a change; binary models");
  explain->add_flag("--recourse", a->recourse,
                    "For each refused applicant, the least-cost change of actionable features (schema, or --actions) "
                    "that makes the model approve; exact (mixed-integer program)");
  explain->add_option("--actions", a->recourse_args.actions_file,
                      "With --recourse: JSON file of actions per feature (actionable, direction, lower, upper, step, "
                      "cost_per_unit), overriding the schema's");
  explain->add_option("--time-limit", a->recourse_args.time_limit,
                      "With --recourse: seconds of search per applicant (default 10)");
  explain->add_option("--dependence", a->dependence,
                      "Write SHAP dependence data of FEATURE (row, value, shap) instead of all contributions");
  explain->add_option("--pdp", a->pdp,
                      "Write the partial dependence curve of FEATURE (brute force over the rows) instead of SHAP "
                      "values");
  explain->add_flag("--ice", a->ice, "With --pdp: also every row's ICE curve (long form: row,feature,value,ice,pd)");
  explain->add_option("--grid", a->grid,
                      "With --pdp: N evenly spaced points between the 5th and 95th percentiles (default 100; the "
                      "distinct values when fewer; a categorical feature: its categories present)");
  explain->add_option("--grid-values", a->grid_values,
                      "With --pdp: the grid itself, comma-separated (numbers, or category texts)");
  explain->add_option("--id-column", a->id_column, "Column written beside each row (default: row number)");
  explain->add_option("-o,--output", a->output, "File to write (default: standard output)");
  explain->add_flag("--json", a->json, "Write JSON instead of CSV");
  AddDataOptions(*explain, a->data);
  explain->callback([a, reasons, explain, &global] {
    a->reasons_given = reasons->count() > 0;
    a->cutoff_given = explain->count("--cutoff") > 0;
    a->grid_given = explain->count("--grid") > 0;
    a->time_limit_given = explain->count("--time-limit") > 0;
    if (a->reasons_given && reasons->results().size() == 1 && reasons->results()[0].empty()) a->reasons = 4;
    RunExplain(*a, global);
  });
}

}  // namespace finai::cli
