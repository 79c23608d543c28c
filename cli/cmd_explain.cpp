// `finai explain`: SHAP contributions of every row (exact path-dependent TreeSHAP, margin scale), or the reason
// codes of every row (top-k factors toward refusal, texts from the schema, sensitive features never given).
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "explain_recourse.hpp"
#include "finai/core/error.hpp"
#include "finai/explain/interventional.hpp"
#include "finai/explain/reason_codes.hpp"
#include "finai/explain/transform.hpp"
#include "finai/explain/tree_shap.hpp"
#include "finai/models/gbdt/model_io.hpp"

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
  bool recourse = false;
  RecourseArgs recourse_args;
};

// Where the output goes: a file named by -o or standard output.
class Output {
 public:
  explicit Output(const std::string& path) : path_(path) {
    if (path.empty()) return;
    file_ = std::fopen(path.c_str(), "w");
    if (!file_) throw IoError("cannot create the output file", {.file = path});
  }
  ~Output() {
    if (file_ != stdout) std::fclose(file_);
  }
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;
  void Write(const std::string& text) { std::fputs(text.c_str(), file_); }
  void Close() {
    if (file_ == stdout) return;
    const bool ok = std::fclose(file_) == 0;
    file_ = stdout;
    if (!ok) throw IoError("cannot write the output file", {.file = path_});
  }

 private:
  std::string path_;
  std::FILE* file_ = stdout;
};

// CSV text of a field: quoted when it holds a comma, a quote or a line break.
std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// How the values were computed, as the JSON output records it.
struct Method {
  std::string name = "path-dependent TreeSHAP";
  std::string background;  // interventional: the background file and its rows
  std::int64_t background_rows = 0;
  void AddTo(Json& doc) const {
    doc["method"] = name;
    if (!background.empty()) {
      doc["background"] = background;
      doc["background_rows"] = background_rows;
    }
  }
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

void WriteReasons(const std::vector<std::vector<explain::Reason>>& reasons, const explain::ShapMatrix& shap,
                  const Method& method,
                  const std::vector<std::string>& ids, const std::string& id_name, bool json, Output& out) {
  if (json) {
    Json rows = Json::array();
    for (std::size_t r = 0; r < reasons.size(); ++r) {
      double margin = 0;
      for (int j = 0; j < shap.width(); ++j) margin += shap.at(static_cast<std::int64_t>(r), 0, j);
      Json list = Json::array();
      for (const auto& reason : reasons[r]) {
        list.push_back({{"feature", reason.name}, {"text", reason.text}, {"contribution", reason.contribution}});
      }
      rows.push_back({{id_name, ids[r]}, {"margin", margin}, {"reasons", std::move(list)}});
    }
    Json doc = Json::object();
    method.AddTo(doc);
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

void RunExplain(const ExplainArgs& a, const GlobalOptions& global) {
  if (a.reasons_given && a.reasons < 1) {
    throw InvalidArgument("the number of reasons must be positive",
                          {.field = "--reasons", .field_kind = "option", .value = std::to_string(a.reasons),
                           .expected = "an integer >= 1 (Regulation B: at most 4 principal reasons)"});
  }
  const Context ctx = MakeContext(global);
  const gbdt::GbdtModel model = gbdt::LoadModel(a.model);
  if (a.reasons_given && model.num_outputs() != 1) {
    throw Unsupported("reason codes explain one score; a multiclass model has one per class",
                      {.field = "--reasons", .field_kind = "option", .expected = "a binary or regression model"});
  }
  if (a.scale != "margin" && a.scale != "probability") {
    throw InvalidArgument("unknown attribution scale", {.field = "--scale", .field_kind = "option", .value = a.scale,
                                                        .expected = "margin or probability"});
  }
  if ((a.reasons_given || a.interactions) && (a.scale != "margin" || !a.groups.empty())) {
    throw InvalidArgument("--scale probability and --group apply to contributions only (not yet to reasons or "
                          "interactions)",
                          {.field = a.groups.empty() ? "--scale" : "--group", .field_kind = "option",
                           .expected = "contributions output"});
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
  if (a.recourse && (a.reasons_given || a.interactions || !a.background.empty() || !a.groups.empty())) {
    throw InvalidArgument("--recourse writes its own table",
                          {.field = "--recourse", .field_kind = "option",
                           .expected = "no --reasons, --interactions, --background or --group with it"});
  }
  const CsvTable table = LoadData(a.data_file, a.data, ctx);
  const gbdt::FeatureMatrix x = gbdt::BuildFeatureMatrix(model, table.frame, ctx);
  const Column* id = a.id_column.empty() ? nullptr : &table.frame.column(a.id_column);
  std::vector<std::string> ids;
  ids.reserve(static_cast<std::size_t>(x.rows));
  for (std::int64_t r = 0; r < x.rows; ++r) ids.push_back(id ? id->ValueText(r) : std::to_string(r + 1));
  const std::string id_name = a.id_column.empty() ? "row" : a.id_column;
  Output out(a.output);
  if (a.recourse) {
    RecourseArgs args = a.recourse_args;
    args.json = a.json;
    out.Write(RecourseReport(model, table, x, ids, id_name, args));
    out.Close();
    return;
  }
  const explain::TreeShapExplainer explainer(model);
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
    const auto reasons = explain::ReasonCodes(model, shap, {.max_reasons = a.reasons, .schema = &table.schema});
    WriteReasons(reasons, shap, method, ids, id_name, a.json, out);
  } else {
    std::vector<std::string> names;
    for (const auto& f : model.features) names.push_back(f.name);
    explain::ShapMatrix values = a.scale == "probability" ? explain::ToProbabilityScale(model, shap) : shap;
    if (!a.groups.empty()) {
      explain::GroupedShap grouped = explain::GroupContributions(model, values, ParseGroups(model, a.groups));
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
                                                "row, or reason codes (--reasons)");
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
  explain->add_flag("--recourse", a->recourse,
                    "For each refused applicant, the least-cost change of actionable features (schema, or --actions) "
                    "that makes the model approve; exact (mixed-integer program)");
  explain->add_option("--cutoff", a->recourse_args.cutoff,
                      "Refused when the probability of the event is at least this (default 0.5)");
  explain->add_option("--actions", a->recourse_args.actions_file,
                      "JSON file of recourse actions per feature (actionable, direction, lower, upper, step, "
                      "cost_per_unit), overriding the schema's");
  explain->add_option("--time-limit", a->recourse_args.time_limit, "Seconds of search per applicant (default 10)");
  explain->add_option("--id-column", a->id_column, "Column written beside each row (default: row number)");
  explain->add_option("-o,--output", a->output, "File to write (default: standard output)");
  explain->add_flag("--json", a->json, "Write JSON instead of CSV");
  AddDataOptions(*explain, a->data);
  explain->callback([a, reasons, &global] {
    a->reasons_given = reasons->count() > 0;
    if (a->reasons_given && reasons->results().size() == 1 && reasons->results()[0].empty()) a->reasons = 4;
    RunExplain(*a, global);
  });
}

}  // namespace finai::cli
