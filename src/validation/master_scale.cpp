// Master scale: PD -> rating grade from a list of PD upper bounds.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>

#include "finai/core/error.hpp"
#include "finai/validation/master_scale.hpp"

namespace finai::validation {

std::size_t MasterScale::GradeIndex(double pd) const {
  if (!(pd >= 0.0 && pd <= 1.0)) {
    throw InvalidArgument("master scale", {.field = "pd", .field_kind = "argument", .value = fmt::format("{}", pd),
                                           .expected = "a probability in [0, 1]"});
  }
  const auto it = std::lower_bound(grades.begin(), grades.end(), pd,
                                   [](const MasterGrade& g, double p) { return g.upper < p; });
  return static_cast<std::size_t>(it - grades.begin());  // the last upper is 1, so it is never end()
}

std::vector<std::string> MasterScale::Names() const {
  std::vector<std::string> names;
  for (const auto& g : grades) names.push_back(g.name);
  return names;
}

MasterScale ParseMasterScale(const nlohmann::json& spec, const std::string& source) {
  auto fail = [&](const std::string& what, const std::string& key, const std::optional<std::string>& value,
                  const std::string& expected) -> void {
    throw InvalidData("master scale: " + what,
                      {.file = source, .field = key, .field_kind = "key", .value = value, .expected = expected});
  };
  if (!spec.is_object() || !spec.contains("grades") || !spec["grades"].is_array() || spec["grades"].empty()) {
    fail("no grades", "grades", spec.is_object() && spec.contains("grades") ? std::optional(spec["grades"].dump()) : std::nullopt,
         "a non-empty array of {\"name\", \"upper\"[, \"pd\"]}");
  }
  MasterScale scale;
  std::set<std::string> names;
  const auto& grades = spec["grades"];
  for (std::size_t k = 0; k < grades.size(); ++k) {
    const auto& g = grades[k];
    const std::string where = fmt::format("grades[{}]", k);
    if (!g.is_object()) fail("a grade is not an object", where, g.dump(), "{\"name\": ..., \"upper\": ...}");
    if (!g.contains("name") || !g["name"].is_string() || g["name"].get<std::string>().empty()) {
      fail("a grade has no name", where + ".name", g.contains("name") ? std::optional(g["name"].dump()) : std::nullopt, "a non-empty string");
    }
    MasterGrade grade;
    grade.name = g["name"].get<std::string>();
    if (!names.insert(grade.name).second) fail("a grade name is repeated", where + ".name", grade.name, "distinct names");
    if (!g.contains("upper") || !g["upper"].is_number()) {
      fail("a grade has no upper PD bound", where + ".upper", g.contains("upper") ? std::optional(g["upper"].dump()) : std::nullopt,
           "a number in (0, 1]");
    }
    grade.upper = g["upper"].get<double>();
    const double previous = scale.grades.empty() ? 0.0 : scale.grades.back().upper;
    if (!(grade.upper > previous && grade.upper <= 1.0)) {
      fail("upper PD bounds must increase", where + ".upper", fmt::format("{}", grade.upper),
           fmt::format("a number in ({}, 1]", previous));
    }
    if (g.contains("pd")) {
      if (!g["pd"].is_number() || !(g["pd"].get<double>() >= 0.0 && g["pd"].get<double>() <= 1.0)) {
        fail("a grade PD is not a probability", where + ".pd", g["pd"].dump(), "a number in [0, 1]");
      }
      grade.pd = g["pd"].get<double>();
    }
    scale.grades.push_back(std::move(grade));
  }
  if (scale.grades.back().upper != 1.0) {
    fail("the last grade must hold PD 1", fmt::format("grades[{}].upper", scale.grades.size() - 1),
         fmt::format("{}", scale.grades.back().upper), "1");
  }
  return scale;
}

MasterScale ParseMasterScaleText(std::string_view text, const std::string& source) {
  nlohmann::json spec;
  try {
    spec = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for a number beyond a double
    throw InvalidData(std::string("master scale is not valid JSON: ") + e.what(), {.file = source});
  }
  return ParseMasterScale(spec, source);
}

MasterScale LoadMasterScale(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    throw NotFound(std::filesystem::exists(path) ? "cannot read the master scale" : "no such master scale file",
                   {.file = path});
  }
  std::stringstream text;
  text << in.rdbuf();
  return ParseMasterScaleText(text.str(), path);
}

}  // namespace finai::validation
