// Stability and concentration statistics of a validation report: the population stability index (PSI) of a
// score and the characteristic stability index (CSI) of a feature between a reference sample (development)
// and an actual sample (application), and the Herfindahl index of concentration across rating grades.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace finai::validation {

// A share of 0 in either sample is replaced by this floor before taking the logarithm, so that an empty
// bin adds a large but finite term instead of infinity. The counts reported stay the true counts.
inline constexpr double kPsiShareFloor = 1e-4;

struct StabilityBin {
  std::string label;  // "(lower, upper]" for numeric bins, the category, or "missing"
  double lower = 0;   // numeric bins only: the bin holds values in (lower, upper]; the ends are -inf, +inf
  double upper = 0;
  std::int64_t reference_count = 0;
  std::int64_t actual_count = 0;
  double reference_share = 0;
  double actual_share = 0;
  double contribution = 0;  // (actual - reference) * ln(actual / reference), shares floored as above
};

struct StabilityIndex {
  double value = 0;  // sum of the contributions: PSI of a score, CSI of a characteristic
  std::vector<StabilityBin> bins;
};

// Numeric: bins cut at the quantiles k / bins of the reference sample (linear interpolation), repeated
// edges merged, the outer bins open-ended so that every actual value has a bin. NaN values go to a
// "missing" bin, present only when either sample has one. Each sample needs a non-missing value.
StabilityIndex PopulationStability(std::span<const double> reference, std::span<const double> actual, int bins = 10);

// Categorical: one bin per category of either sample, in the order first seen (reference, then actual).
StabilityIndex PopulationStability(std::span<const std::string> reference, std::span<const std::string> actual);

// How a stability index is usually read: < 0.10 stable, < 0.25 a shift to watch, >= 0.25 a significant shift.
const char* StabilityVerdict(double index);

struct Concentration {
  double hhi = 0;         // sum of squared shares, 1/K (even) to 1 (one grade holds all)
  double normalised = 0;  // (HHI - 1/K) / (1 - 1/K), 0 to 1
  double ecb = 0;         // 1 + ln(HHI) / ln(K), the ECB instructions' index from CV^2 = K HHI - 1; 0 to 1
  int grades = 0;         // K, the grades counted (those given, empty ones included)
};

// Counts of rows (or exposures) per grade; needs at least 2 grades and a positive total.
Concentration HerfindahlIndex(std::span<const double> counts);

}  // namespace finai::validation
