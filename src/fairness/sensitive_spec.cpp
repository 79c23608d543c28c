// The parser of `--sensitive A,B` and `--bands A=25,35,50` (fuzzed by fuzz/band_spec_fuzzer.cpp).
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "finai/core/error.hpp"
#include "finai/fairness/groups.hpp"

namespace finai::fairness {

namespace {

std::vector<std::string_view> SplitCommas(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    out.push_back(text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (comma == std::string_view::npos) return out;
    start = comma + 1;
  }
}

// Printable for a message: the text as given, cut at 80 characters.
std::string Shown(std::string_view text) {
  return text.size() <= 80 ? std::string(text) : std::string(text.substr(0, 77)) + "...";
}

double ParseEdge(std::string_view text, std::string_view spec) {
  double v = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(v)) {
    throw InvalidArgument("a band edge is not a finite number", {.field = "--bands", .field_kind = "option",
                                                                 .value = Shown(text.empty() ? spec : text),
                                                                 .expected = "numbers, e.g. Age=25,35,50,65"});
  }
  return v;
}

}  // namespace

std::vector<SensitiveSpec> ParseSensitiveSpecs(std::string_view sensitive, const std::vector<std::string>& bands) {
  std::vector<SensitiveSpec> specs;
  for (std::string_view column : SplitCommas(sensitive)) {
    if (column.empty()) {
      throw InvalidArgument("empty column name", {.field = "--sensitive", .field_kind = "option", .value = Shown(sensitive),
                                                  .expected = "COLUMN[,COLUMN...]"});
    }
    if (std::any_of(specs.begin(), specs.end(), [&](const auto& s) { return s.column == column; })) {
      throw InvalidArgument("a sensitive column is named twice", {.field = "--sensitive", .field_kind = "option",
                                                                   .value = Shown(column), .expected = "distinct columns"});
    }
    specs.push_back({.column = std::string(column)});
  }
  for (const std::string& spec : bands) {
    const std::size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
      throw InvalidArgument("bands are written COLUMN=EDGE,EDGE,...", {.field = "--bands", .field_kind = "option",
                                                                       .value = Shown(spec), .expected = "e.g. Age=25,35,50,65"});
    }
    const std::string_view column = std::string_view(spec).substr(0, eq);
    auto it = std::find_if(specs.begin(), specs.end(), [&](const auto& s) { return s.column == column; });
    if (it == specs.end()) {
      throw InvalidArgument("bands for a column that is not a sensitive attribute",
                            {.field = "--bands", .field_kind = "option", .value = Shown(column),
                             .expected = "a column of --sensitive"});
    }
    for (std::string_view edge : SplitCommas(std::string_view(spec).substr(eq + 1))) {
      const double v = ParseEdge(edge, spec);
      if (!it->band_edges.empty() && v <= it->band_edges.back()) {
        throw InvalidArgument("band edges must be strictly increasing",
                              {.field = "--bands", .field_kind = "option", .value = Shown(spec),
                               .expected = fmt::format("edges above {:g}", it->band_edges.back())});
      }
      it->band_edges.push_back(v);
    }
  }
  return specs;
}

}  // namespace finai::fairness
