#include "validation/checks.hpp"

#include <fmt/format.h>

#include <cmath>
#include <string>

#include "finai/core/error.hpp"

namespace finai::validation::detail {

namespace {
bool Passes(double v, Rule rule) {
  switch (rule) {
    case Rule::kLabel: return v == 0.0 || v == 1.0;
    case Rule::kScore: return !std::isnan(v);
    case Rule::kProbability: return v >= 0.0 && v <= 1.0;
    case Rule::kFinite: return std::isfinite(v);
  }
  return false;
}

const char* Expectation(Rule rule) {
  switch (rule) {
    case Rule::kLabel: return "0 or 1";
    case Rule::kScore: return "a number (not NaN)";
    case Rule::kProbability: return "a probability in [0, 1]";
    case Rule::kFinite: return "a finite number";
  }
  return "";
}
}  // namespace

void CheckValues(std::string_view function, std::string_view name, std::span<const double> values, Rule rule) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!Passes(values[i], rule)) {
      throw InvalidArgument(fmt::format("{}: row {}", function, i + 1),
                            {.field = std::string(name), .field_kind = "argument",
                             .value = fmt::format("{}", values[i]), .expected = Expectation(rule)});
    }
  }
}

void CheckSameLength(std::string_view function, std::string_view first_name, std::size_t first,
                     std::string_view second_name, std::size_t second) {
  if (first == 0) {
    throw InvalidArgument(fmt::format("{}: no rows", function),
                          {.field = std::string(first_name), .field_kind = "argument", .expected = "at least one row"});
  }
  if (first != second) {
    throw InvalidArgument(fmt::format("{}: {} has {} rows but {} has {}", function, first_name, first, second_name,
                                      second),
                          {.field = std::string(second_name), .field_kind = "argument",
                           .expected = "the same number of rows"});
  }
}

}  // namespace finai::validation::detail
