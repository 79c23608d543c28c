// Per-grade back-testing table: counts, defaults, observed rate vs PD, binomial and Jeffreys tests.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "finai/core/error.hpp"
#include "finai/validation/calibration_tests.hpp"
#include "finai/validation/grade_table.hpp"
#include "validation/checks.hpp"

namespace finai::validation {

const char* TrafficLightName(TrafficLight light) {
  switch (light) {
    case TrafficLight::kGreen: return "green";
    case TrafficLight::kAmber: return "amber";
    case TrafficLight::kRed: return "red";
  }
  return "";
}

namespace {

struct Tally {
  std::int64_t count = 0;
  std::int64_t defaults = 0;
  double pd_sum = 0;
};

// grade_pd: the master scale's PD of the grade, NaN when it has none (test the mean PD instead).
GradeRow MakeRow(const std::string& name, const Tally& t, std::int64_t total, double grade_pd,
                 const GradeTableOptions& options) {
  GradeRow row;
  row.grade = name;
  row.count = t.count;
  row.defaults = t.defaults;
  row.share = total > 0 ? static_cast<double>(t.count) / static_cast<double>(total) : 0.0;
  if (t.count == 0) return row;  // an empty grade: nothing to test
  row.observed_rate = static_cast<double>(t.defaults) / static_cast<double>(t.count);
  row.mean_pd = t.pd_sum / static_cast<double>(t.count);
  row.test_pd = std::isnan(grade_pd) ? row.mean_pd : grade_pd;
  row.binomial_p = BinomialTestPValue(t.count, t.defaults, row.test_pd);
  row.jeffreys_p = JeffreysTestPValue(t.count, t.defaults, row.test_pd);
  row.light = row.jeffreys_p < options.red_level     ? TrafficLight::kRed
              : row.jeffreys_p < options.amber_level ? TrafficLight::kAmber
                                                     : TrafficLight::kGreen;
  return row;
}

}  // namespace

GradeTable BuildGradeTable(std::span<const std::string> grades, std::span<const double> labels,
                           std::span<const double> pds, const GradeTableOptions& options) {
  detail::CheckSameLength("BuildGradeTable", "grades", grades.size(), "labels", labels.size());
  detail::CheckSameLength("BuildGradeTable", "grades", grades.size(), "pds", pds.size());
  detail::CheckValues("BuildGradeTable", "labels", labels, detail::Rule::kLabel);
  detail::CheckValues("BuildGradeTable", "pds", pds, detail::Rule::kProbability);
  if (!options.grade_pds.empty() && options.grade_pds.size() != options.order.size()) {
    throw InvalidArgument("BuildGradeTable: grade PDs do not match the grade order",
                          {.field = "grade_pds", .field_kind = "argument", .expected = "one per grade of the order"});
  }
  std::map<std::string, Tally> tallies;
  Tally all;
  for (std::size_t i = 0; i < grades.size(); ++i) {
    Tally& t = tallies[grades[i]];
    const auto d = static_cast<std::int64_t>(labels[i]);
    t.count += 1;
    t.defaults += d;
    t.pd_sum += pds[i];
    all.count += 1;
    all.defaults += d;
    all.pd_sum += pds[i];
  }
  std::vector<std::string> order = options.order;
  if (order.empty()) {
    for (const auto& [name, t] : tallies) order.push_back(name);
    // Best grade first: by mean PD; the map's name order breaks ties.
    std::stable_sort(order.begin(), order.end(), [&](const std::string& a, const std::string& b) {
      const Tally& ta = tallies[a];
      const Tally& tb = tallies[b];
      return ta.pd_sum / static_cast<double>(ta.count) < tb.pd_sum / static_cast<double>(tb.count);
    });
  } else {
    for (const auto& [name, t] : tallies) {
      if (std::find(order.begin(), order.end(), name) == order.end()) {
        throw InvalidArgument("BuildGradeTable: a grade not in the order",
                              {.field = "grades", .field_kind = "argument", .value = name,
                               .expected = "one of the listed grades"});
      }
    }
  }
  GradeTable table;
  std::vector<double> counts;
  for (std::size_t k = 0; k < order.size(); ++k) {
    const auto it = tallies.find(order[k]);
    const Tally t = it == tallies.end() ? Tally{} : it->second;
    double grade_pd = std::nan("");
    if (!options.grade_pds.empty() && options.grade_pds[k].has_value()) grade_pd = *options.grade_pds[k];
    table.grades.push_back(MakeRow(order[k], t, all.count, grade_pd, options));
    counts.push_back(static_cast<double>(t.count));
  }
  table.portfolio = MakeRow("all", all, all.count, std::nan(""), options);
  if (counts.size() >= 2) table.concentration = HerfindahlIndex(counts);
  else table.concentration = Concentration{.hhi = 1, .normalised = 1, .ecb = 1, .grades = 1};
  return table;
}

}  // namespace finai::validation
