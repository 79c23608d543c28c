// Input checks shared by every metric. Messages name the argument, the 0-based row and the value, so a
// caller scoring millions of rows can find the bad one; they are asserted word for word in the tests.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "finai/core/error.hpp"
#include "metrics/metrics_internal.hpp"

namespace finai::metrics::detail {
namespace {

bool Satisfies(double value, ValueRule rule) {
  switch (rule) {
    case ValueRule::kBinaryLabel: return value == 0.0 || value == 1.0;
    case ValueRule::kNotNan: return !std::isnan(value);
    case ValueRule::kProbability: return value >= 0.0 && value <= 1.0;  // false for NaN
    case ValueRule::kFinite: return std::isfinite(value);
  }
  return false;
}

struct RuleText {
  const char* need;
  const char* expected;
};

RuleText Describe(ValueRule rule) {
  switch (rule) {
    case ValueRule::kBinaryLabel: return {"binary labels", "0 or 1"};
    case ValueRule::kNotNan: return {"scores that are not NaN", "a number"};
    case ValueRule::kProbability: return {"probabilities", "a value in [0, 1]"};
    case ValueRule::kFinite: return {"finite values", "a finite number"};
  }
  return {"valid values", "a valid value"};
}

void CheckValues(std::string_view metric, std::string_view name, std::span<const double> values, ValueRule rule) {
  const auto bad = std::find_if(values.begin(), values.end(), [rule](double v) { return !Satisfies(v, rule); });
  if (bad == values.end()) return;
  const auto index = static_cast<std::size_t>(bad - values.begin());
  const RuleText text = Describe(rule);
  throw InvalidArgument(fmt::format("{} needs {}", metric, text.need),
                        {.field = fmt::format("{}[{}]", name, index), .value = fmt::format("{}", *bad),
                         .expected = text.expected});
}

void CheckLength(std::string_view metric, std::string_view name, std::size_t size, std::string_view first_name,
                 std::size_t first_size, std::string_view extra_expectation) {
  if (size == first_size) return;
  throw InvalidArgument(fmt::format("{} got {} {} for {} {}", metric, size, name, first_size, first_name),
                        {.field = std::string(name),
                         .expected = fmt::format("{} values{}", first_size, extra_expectation)});
}

}  // namespace

void CheckInputs(std::string_view metric, std::string_view first_name, std::span<const double> first,
                 ValueRule first_rule, std::string_view second_name, std::span<const double> second,
                 ValueRule second_rule, std::span<const double> weights) {
  if (first.empty()) {
    throw InvalidArgument(fmt::format("{} needs at least one row", metric), {.field = std::string(first_name)});
  }
  CheckLength(metric, second_name, second.size(), first_name, first.size(), "");
  if (!weights.empty()) {
    CheckLength(metric, "weights", weights.size(), first_name, first.size(), ", or none for unit weights");
  }
  CheckValues(metric, first_name, first, first_rule);
  CheckValues(metric, second_name, second, second_rule);
  const auto bad =
      std::find_if(weights.begin(), weights.end(), [](double w) { return !(w >= 0.0 && std::isfinite(w)); });
  if (bad != weights.end()) {
    throw InvalidArgument(fmt::format("{} needs non-negative finite weights", metric),
                          {.field = fmt::format("weights[{}]", bad - weights.begin()),
                           .value = fmt::format("{}", *bad), .expected = "a finite value >= 0"});
  }
}

void CheckPositiveTotalWeight(std::string_view metric, double total_weight) {
  if (total_weight > 0) return;
  throw InvalidArgument(fmt::format("{} is undefined when every weight is 0", metric),
                        {.field = "weights", .expected = "a positive total weight"});
}

void ThrowMissingClass(std::string_view metric, int missing_label, bool weighted, std::string_view expected) {
  throw InvalidArgument(fmt::format("{} is undefined: every row{} has label {}", metric,
                                    weighted ? " with positive weight" : "", 1 - missing_label),
                        {.field = "labels", .expected = std::string(expected)});
}

void RequireBothClasses(std::string_view metric, const RankedScores& ranked, bool weighted) {
  if (ranked.total_negative <= 0) ThrowMissingClass(metric, 0, weighted, "rows of both classes");
  if (ranked.total_positive <= 0) ThrowMissingClass(metric, 1, weighted, "rows of both classes");
}

}  // namespace finai::metrics::detail
