// What recourse may change (defaults from the schema, overrides from an action file), status names and the
// portfolio summary.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "finai/core/error.hpp"
#include "finai/data/json_document.hpp"
#include "finai/explain/recourse.hpp"

namespace finai::explain {

std::string_view RecourseStatusName(RecourseStatus status) {
  switch (status) {
    case RecourseStatus::kNotRefused: return "not_refused";
    case RecourseStatus::kOptimal: return "optimal";
    case RecourseStatus::kFeasible: return "feasible";
    case RecourseStatus::kNoRecourse: return "no_recourse";
    case RecourseStatus::kNotFound: return "not_found";
  }
  return "unknown";
}

namespace {
double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  const std::size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  const double upper = v[mid];
  if (v.size() % 2 == 1) return upper;
  return (*std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid)) + upper) / 2;
}

// 1 / MAD of the known values, else 1 / standard deviation, else 1.
double UnitCost(const gbdt::FeatureMatrix& data, std::size_t j) {
  std::vector<double> v;
  for (std::int64_t r = 0; r < data.rows; ++r) {
    const double x = data.row(r)[j];
    if (!std::isnan(x)) v.push_back(x);
  }
  if (v.size() < 2) return 1;
  const double median = Median(v);
  std::vector<double> deviation;
  double mean = 0;
  for (double x : v) {
    deviation.push_back(std::abs(x - median));
    mean += x;
  }
  const double mad = Median(deviation);
  if (mad > 0) return 1 / mad;
  mean /= static_cast<double>(v.size());
  double ss = 0;
  for (double x : v) ss += (x - mean) * (x - mean);
  const double sd = std::sqrt(ss / static_cast<double>(v.size() - 1));
  return sd > 0 ? 1 / sd : 1;
}

bool IsSensitive(const Schema& schema, const std::string& name) {
  const FieldSpec* f = schema.Find(name);
  return f && f->role == Role::kSensitive;
}
}  // namespace

std::vector<FeatureAction> DefaultActions(const gbdt::GbdtModel& model, const Schema& schema,
                                          const gbdt::FeatureMatrix& data) {
  std::vector<FeatureAction> out(model.features.size());
  for (std::size_t j = 0; j < model.features.size(); ++j) {
    const gbdt::FeatureInfo& info = model.features[j];
    FeatureAction& a = out[j];
    a.cost_per_unit = info.categorical ? 1 : UnitCost(data, j);
    // A constraint the model was trained with tells which way lowers the score.
    a.direction = -info.monotone;
    const FieldSpec* f = schema.Find(info.name);
    if (!f) continue;
    a.actionable = f->actionable && !f->immutable && f->role != Role::kSensitive && !info.categorical;
    if (f->lower_bound) a.lower = *f->lower_bound;
    if (f->upper_bound) a.upper = *f->upper_bound;
  }
  return out;
}

namespace {
using Json = nlohmann::json;

class ActionSpecParser {
 public:
  explicit ActionSpecParser(std::string_view source) : source_(source) {}

  [[noreturn]] void Fail(const std::string& path, const std::string& detail, const std::string& expected,
                         const Json* value = nullptr) const {
    ThrowAtKey(source_, path, detail, expected, value);
  }
  double Number(const Json& v, const std::string& path) const {
    if (!v.is_number()) Fail(path, "wrong JSON type", "a number", &v);
    return v.get<double>();
  }

  void Feature(const std::string& name, const Json& spec, const gbdt::GbdtModel& model, const Schema& schema,
               std::vector<FeatureAction>& actions) const {
    const std::string path = "features." + name;
    std::size_t j = 0;
    while (j < model.features.size() && model.features[j].name != name) ++j;
    if (j == model.features.size()) {
      std::string names;
      for (const auto& f : model.features) names += (names.empty() ? "" : ", ") + f.name;
      Fail(path, "not a feature of the model", "one of: " + names);
    }
    if (!spec.is_object()) Fail(path, "wrong JSON type", "an object of settings", &spec);
    FeatureAction a = actions[j];
    for (const auto& [key, v] : spec.items()) {
      const std::string p = path + "." + key;
      if (key == "actionable") {
        if (!v.is_boolean()) Fail(p, "wrong JSON type", "true or false", &v);
        a.actionable = v.get<bool>();
      } else if (key == "direction") {
        const std::string d = v.is_string() ? v.get<std::string>() : std::string();
        if (d == "increase") a.direction = 1;
        else if (d == "decrease") a.direction = -1;
        else if (d == "any") a.direction = 0;
        else Fail(p, "unknown direction", "increase, decrease or any", &v);
      } else if (key == "lower") {
        a.lower = Number(v, p);
      } else if (key == "upper") {
        a.upper = Number(v, p);
      } else if (key == "step") {
        a.step = Number(v, p);
        if (!(a.step > 0)) Fail(p, "the step must be positive", "a number > 0", &v);
      } else if (key == "cost_per_unit") {
        a.cost_per_unit = Number(v, p);
        if (!(a.cost_per_unit >= 0)) Fail(p, "a cost cannot be negative", "a number >= 0", &v);
      } else {
        Fail(p, "unknown key", "one of actionable, direction, lower, upper, step, cost_per_unit");
      }
    }
    if (a.lower > a.upper) {
      Fail(path, fmt::format("lower {} is above upper {}", a.lower, a.upper), "lower <= upper");
    }
    if (a.actionable && model.features[j].categorical) {
      Fail(path + ".actionable", "a categorical feature cannot be actionable (not supported yet)",
           "a numeric feature", nullptr);
    }
    if (a.actionable && IsSensitive(schema, name)) {
      Fail(path + ".actionable", "a sensitive attribute is never a recourse action", "a feature that is not sensitive");
    }
    actions[j] = a;
  }

 private:
  std::string_view source_;
};
}  // namespace

void ApplyActionSpec(std::string_view json_text, std::string_view source_name, const gbdt::GbdtModel& model,
                     const Schema& schema, std::vector<FeatureAction>& actions) {
  const ActionSpecParser parser(source_name);
  const Json doc = ParseJsonDocument(json_text, source_name);
  if (!doc.is_object()) parser.Fail("(top level)", "wrong JSON type", "an object with a \"features\" key", &doc);
  std::vector<FeatureAction> updated = actions;
  for (const auto& [key, v] : doc.items()) {
    if (key == "features") {
      if (!v.is_object()) parser.Fail("features", "wrong JSON type", "an object mapping features to settings", &v);
      for (const auto& [name, spec] : v.items()) parser.Feature(name, spec, model, schema, updated);
    } else if (key != "$comment" && key != "description") {
      parser.Fail(key, "unknown key", "one of features, description, $comment");
    }
  }
  actions = std::move(updated);  // all or nothing
}

RecourseSummary SummarizeRecourse(const std::vector<Recourse>& results) {
  RecourseSummary s;
  std::vector<double> costs;
  for (const Recourse& r : results) {
    ++s.applicants;
    switch (r.status) {
      case RecourseStatus::kNotRefused: break;
      case RecourseStatus::kOptimal:
      case RecourseStatus::kFeasible: costs.push_back(r.cost); break;
      case RecourseStatus::kNoRecourse: ++s.without_recourse; break;
      case RecourseStatus::kNotFound: ++s.not_found; break;
    }
  }
  s.with_recourse = static_cast<std::int64_t>(costs.size());
  s.refused = s.with_recourse + s.without_recourse + s.not_found;
  s.no_recourse_share = s.refused > 0 ? static_cast<double>(s.without_recourse) / static_cast<double>(s.refused) : 0;
  double total = 0;
  for (double c : costs) total += c;  // in row order: deterministic
  s.mean_cost = costs.empty() ? 0 : total / static_cast<double>(costs.size());
  s.median_cost = Median(costs);
  return s;
}

}  // namespace finai::explain
