#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <set>
#include <unordered_map>

#include "finai/data/target.hpp"
#include "finai/core/error.hpp"

namespace finai {

namespace {
// Without an explicit event: the conventional names of a default, then the rarer class.
int ChooseEventIndex(const std::vector<std::string>& values, const std::vector<std::int64_t>& counts) {
  static const char* kEventNames[] = {"bad", "Bad", "BAD", "default", "1", "yes", "Yes", "true", "TRUE", "fraud"};
  for (const char* name : kEventNames) {
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (values[i] == name) return static_cast<int>(i);
    }
  }
  return counts[1] < counts[0] ? 1 : 0;
}
}  // namespace

BinaryTarget ResolveBinaryTarget(const Column& target, const std::string& event) {
  const auto n = static_cast<std::size_t>(target.size());
  std::vector<std::string> values;  // the two distinct values, as text
  std::vector<std::int64_t> counts;
  std::vector<int> index(n, -1);
  for (std::size_t i = 0; i < n; ++i) {
    if (target.IsMissing(static_cast<std::int64_t>(i))) continue;
    if (target.type() == ColumnType::kString) {
      throw InvalidData("the target is a free-text column", {.field = target.name(),
                                                             .expected = "a binary column (two categories, or 0/1)"});
    }
    const std::string text = target.ValueText(static_cast<std::int64_t>(i));
    std::size_t k = 0;
    while (k < values.size() && values[k] != text) ++k;
    if (k == values.size()) {
      if (values.size() == 2) {
        throw InvalidData(fmt::format("the target has more than two values ('{}', '{}', '{}', ...)", values[0],
                                      values[1], text),
                          {.field = target.name(), .expected = "a binary target"});
      }
      values.push_back(text);
      counts.push_back(0);
    }
    ++counts[k];
    index[i] = static_cast<int>(k);
  }
  if (values.size() < 2) {
    throw InvalidData(values.empty() ? "the target is always missing"
                                     : fmt::format("the target has a single value '{}'", values[0]),
                      {.field = target.name(), .expected = "two values (events and non-events)"});
  }
  int event_index;
  if (!event.empty()) {
    if (event != values[0] && event != values[1]) {
      throw InvalidArgument("the event is not a value of the target",
                            {.field = "event", .field_kind = "option", .value = event,
                             .expected = fmt::format("'{}' or '{}'", values[0], values[1])});
    }
    event_index = event == values[0] ? 0 : 1;
  } else {
    event_index = ChooseEventIndex(values, counts);
  }
  BinaryTarget out;
  out.event = values[static_cast<std::size_t>(event_index)];
  out.non_event = values[static_cast<std::size_t>(1 - event_index)];
  out.labels.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    out.labels[i] = index[i] < 0 ? std::numeric_limits<double>::quiet_NaN() : (index[i] == event_index ? 1.0 : 0.0);
  }
  return out;
}

std::vector<double> EncodeBinaryTarget(const Column& target, const std::string& event, const std::string& non_event) {
  std::vector<double> labels(static_cast<std::size_t>(target.size()), std::numeric_limits<double>::quiet_NaN());
  for (std::int64_t i = 0; i < target.size(); ++i) {
    if (target.IsMissing(i)) continue;
    const std::string text = target.ValueText(i);
    if (text == event) {
      labels[static_cast<std::size_t>(i)] = 1;
    } else if (text == non_event) {
      labels[static_cast<std::size_t>(i)] = 0;
    } else {
      throw InvalidData(fmt::format("row {}: the target value is neither the event nor the non-event", i + 1),
                        {.field = target.name(), .value = text,
                         .expected = fmt::format("'{}' or '{}'", event, non_event)});
    }
  }
  return labels;
}

std::vector<std::string> ClassLabels(const Column& target) {
  std::set<std::string> values;
  for (std::int64_t i = 0; i < target.size(); ++i) {
    if (!target.IsMissing(i)) values.insert(target.ValueText(i));
  }
  return {values.begin(), values.end()};
}

std::vector<double> EncodeClasses(const Column& target, const std::vector<std::string>& classes) {
  std::unordered_map<std::string, double> index;
  for (std::size_t k = 0; k < classes.size(); ++k) index.emplace(classes[k], static_cast<double>(k));
  std::vector<double> out(static_cast<std::size_t>(target.size()), std::numeric_limits<double>::quiet_NaN());
  for (std::int64_t i = 0; i < target.size(); ++i) {
    if (target.IsMissing(i)) continue;
    const std::string text = target.ValueText(i);
    auto it = index.find(text);
    if (it == index.end()) {
      throw InvalidData(fmt::format("row {}: a class the model does not know", i + 1),
                        {.field = target.name(), .value = text, .expected = "one of the training classes"});
    }
    out[static_cast<std::size_t>(i)] = it->second;
  }
  return out;
}

}  // namespace finai
