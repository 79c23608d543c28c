#include "explain_recourse.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "finai/core/error.hpp"
#include "finai/core/file.hpp"
#include "finai/explain/recourse.hpp"

namespace finai::cli {

namespace {
using Json = nlohmann::ordered_json;

std::string DirectionName(int direction) { return direction > 0 ? "increase" : direction < 0 ? "decrease" : "any"; }

// The feature's text for people: the schema's description, else the model's, else its name.
std::string FeatureText(const gbdt::GbdtModel& model, const Schema& schema, int feature) {
  const auto& info = model.features[static_cast<std::size_t>(feature)];
  const FieldSpec* f = schema.Find(info.name);
  if (f && !f->description.empty()) return f->description;
  return info.description.empty() ? info.name : info.description;
}

Json ActionsJson(const gbdt::GbdtModel& model, const std::vector<explain::FeatureAction>& actions) {
  Json out = Json::object();
  for (std::size_t j = 0; j < actions.size(); ++j) {
    const auto& a = actions[j];
    if (!a.actionable) continue;
    Json entry{{"direction", DirectionName(a.direction)}, {"cost_per_unit", a.cost_per_unit}};
    if (std::isfinite(a.lower)) entry["lower"] = a.lower;
    if (std::isfinite(a.upper)) entry["upper"] = a.upper;
    if (a.step > 0) entry["step"] = a.step;
    out[model.features[j].name] = std::move(entry);
  }
  return out;
}
}  // namespace

RecourseText RecourseReport(const gbdt::GbdtModel& model, const CsvTable& table, const gbdt::FeatureMatrix& x,
                           const std::vector<std::string>& ids, const std::string& id_name, const RecourseArgs& args) {
  explain::RecourseOptions options{.cutoff = args.cutoff, .time_limit_seconds = args.time_limit};
  options.actions = explain::DefaultActions(model, table.schema, x);
  if (!args.actions_file.empty()) {
    explain::ApplyActionSpec(ReadFileToString(args.actions_file), args.actions_file, model, table.schema,
                             options.actions);
  }
  if (std::none_of(options.actions.begin(), options.actions.end(), [](const auto& a) { return a.actionable; })) {
    throw InvalidArgument("no model feature is actionable, so every refused applicant would be without recourse",
                          {.field = "--recourse", .field_kind = "option",
                           .expected = "a schema (--schema) with actionable columns, or an action file (--actions)"});
  }
  const std::vector<explain::Recourse> results = explain::FindRecourse(model, x, options);
  const explain::RecourseSummary s = explain::SummarizeRecourse(results);
  const std::string summary = fmt::format(
      "recourse: {} of {} applicants refused at cut-off {}; {} with recourse, {} without ({:.1f}% of the refused), {} "
      "not found within the time limit; cost of the change: mean {:.4g}, median {:.4g}",
      s.refused, s.applicants, args.cutoff, s.with_recourse, s.without_recourse, 100 * s.no_recourse_share,
      s.not_found, s.mean_cost, s.median_cost);
  if (args.json) {
    Json rows = Json::array();
    for (std::size_t r = 0; r < results.size(); ++r) {
      const auto& res = results[r];
      if (res.status == explain::RecourseStatus::kNotRefused) continue;
      Json changes = Json::array();
      for (const auto& c : res.changes) {
        changes.push_back({{"feature", model.features[static_cast<std::size_t>(c.feature)].name},
                           {"text", FeatureText(model, table.schema, c.feature)},
                           {"from", c.from},
                           {"to", c.to},
                           {"cost", c.cost}});
      }
      rows.push_back({{id_name, ids[r]},
                      {"status", explain::RecourseStatusName(res.status)},
                      {"probability", res.probability},
                      {"new_probability", res.new_probability},
                      {"cost", res.cost},
                      {"changes", std::move(changes)}});
    }
    Json doc{{"method", "least-cost counterfactual: mixed-integer program over the model's split regions (GLPK)"},
             {"cutoff", args.cutoff},
             {"time_limit_seconds", args.time_limit},
             {"cost", "sum over changed features of cost_per_unit * |new - old|"},
             {"actions", ActionsJson(model, options.actions)},
             {"summary",
              {{"applicants", s.applicants},
               {"refused", s.refused},
               {"with_recourse", s.with_recourse},
               {"without_recourse", s.without_recourse},
               {"not_found", s.not_found},
               {"no_recourse_share", s.no_recourse_share},
               {"mean_cost", s.mean_cost},
               {"median_cost", s.median_cost}}},
             {"rows", std::move(rows)}};
    return {doc.dump(2) + "\n", summary};
  }
  // One line per refused applicant; `changes` lists "feature: from -> to" separated by "; ".
  std::string out = CsvField(id_name) + ",status,probability,new_probability,cost,changes\n";
  for (std::size_t r = 0; r < results.size(); ++r) {
    const auto& res = results[r];
    if (res.status == explain::RecourseStatus::kNotRefused) continue;
    std::string changes;
    for (const auto& c : res.changes) {
      changes += fmt::format("{}{}: {} -> {}", changes.empty() ? "" : "; ",
                             model.features[static_cast<std::size_t>(c.feature)].name, c.from, c.to);
    }
    out += fmt::format("{},{},{},{},{},{}\n", CsvField(ids[r]), explain::RecourseStatusName(res.status),
                       res.probability, res.new_probability, res.cost, CsvField(changes));
  }
  return {out, summary};
}

}  // namespace finai::cli
