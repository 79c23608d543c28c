// Input checks shared by the validation statistics: the messages users see name the argument, the 1-based
// row and the value. Not a public header.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace finai::validation::detail {

enum class Rule {
  kLabel,        // exactly 0 or 1
  kScore,        // anything but NaN
  kProbability,  // in [0, 1]
  kFinite,
};

// Throws InvalidArgument "<function>: <name> row R is V; expected ..." for the first bad value.
void CheckValues(std::string_view function, std::string_view name, std::span<const double> values, Rule rule);
// Throws InvalidArgument when the lengths differ or the first is empty.
void CheckSameLength(std::string_view function, std::string_view first_name, std::size_t first,
                     std::string_view second_name, std::size_t second);

}  // namespace finai::validation::detail
