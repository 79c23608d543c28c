// The per-grade back-testing table of a PD model: for each rating grade, the number of obligors, defaults,
// the observed default rate against the PD, and the one-sided binomial and Jeffreys tests with a traffic light.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "finai/validation/stability.hpp"

namespace finai::validation {

// From the Jeffreys p-value (one-sided: only an underestimated PD is flagged):
//   green  p >= amber_level (default 0.05): no evidence the PD is too low
//   amber  red_level <= p < amber_level: some evidence, to watch
//   red    p < red_level (default 0.01): the PD is too low at the 99% level
enum class TrafficLight { kGreen, kAmber, kRed };
const char* TrafficLightName(TrafficLight light);

struct GradeRow {
  std::string grade;
  std::int64_t count = 0;
  std::int64_t defaults = 0;
  double share = 0;          // count / all rows
  double observed_rate = 0;  // defaults / count
  double mean_pd = 0;        // mean predicted PD of the grade's rows
  double test_pd = 0;        // the PD tested: the grade's PD from the master scale when given, else mean_pd
  double binomial_p = 1;
  double jeffreys_p = 1;
  TrafficLight light = TrafficLight::kGreen;
};

struct GradeTableOptions {
  std::vector<std::string> order;                // grades best first; empty = by mean PD, then name
  std::vector<std::optional<double>> grade_pds;  // parallel to order: a grade's PD from the master scale
  double amber_level = 0.05;
  double red_level = 0.01;
};

struct GradeTable {
  std::vector<GradeRow> grades;  // grades of `order` with no rows are listed with count 0
  GradeRow portfolio;            // all rows; tested at the mean PD
  Concentration concentration;   // of the grade counts
};

// grades, labels and pds are parallel (one row per obligor); labels 0/1, pds in [0, 1].
GradeTable BuildGradeTable(std::span<const std::string> grades, std::span<const double> labels,
                           std::span<const double> pds, const GradeTableOptions& options = {});

}  // namespace finai::validation
