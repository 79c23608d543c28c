// A master scale maps a PD to a rating grade: grades ordered best first, each with the highest PD it holds.
//
// JSON form (docs/validation.md):
//   {"grades": [{"name": "A", "upper": 0.001, "pd": 0.0005}, {"name": "B", "upper": 0.01}, ...,
//               {"name": "D", "upper": 1}]}
// "upper" bounds increase strictly and the last is 1, so every PD in [0, 1] has a grade; "pd" (optional) is the
// grade's calibrated PD, the one the per-grade tests use.
#pragma once

#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace finai::validation {

struct MasterGrade {
  std::string name;
  double upper = 1;  // holds PDs in (previous upper, upper]; the first grade also holds 0
  std::optional<double> pd;
};

struct MasterScale {
  std::vector<MasterGrade> grades;
  // The grade of a PD in [0, 1]; InvalidArgument otherwise.
  std::size_t GradeIndex(double pd) const;
  const std::string& Grade(double pd) const { return grades[GradeIndex(pd)].name; }
  std::vector<std::string> Names() const;
};

// Checks the grades: at least one, names non-empty and distinct, uppers in (0, 1] strictly increasing and
// ending at 1, pd in [0, 1]. InvalidData naming the key and `source` (the file) when one is wrong.
MasterScale ParseMasterScale(const nlohmann::json& spec, const std::string& source = "");
// The text of a master-scale file: InvalidData when it is not JSON or not a valid scale (what LoadMasterScale reads).
MasterScale ParseMasterScaleText(std::string_view json_text, const std::string& source = "");
MasterScale LoadMasterScale(const std::string& path);  // NotFound when the file does not exist

}  // namespace finai::validation
