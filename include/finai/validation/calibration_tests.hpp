// Calibration tests of a validation report: do the predicted probabilities of default (PD) match the
// observed default rates? Hosmer-Lemeshow over groups of similar PD, and the one-sided binomial and
// Jeffreys tests of one grade or portfolio (the tests of the ECB's instructions for IRB validation).
//
// Labels are exactly 0 or 1 (1 = default); probabilities are in [0, 1]. Bad input throws
// finai::InvalidArgument naming the argument, the 1-based row and the value. docs/validation.md has the
// formulas and the reference values the tests check.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace finai::validation {

struct HosmerLemeshowGroup {
  double lower = 0;  // the group holds probabilities in (lower, upper]; the first one also holds lower
  double upper = 0;
  std::int64_t count = 0;
  double observed = 0;  // events in the group
  double expected = 0;  // sum of the predicted probabilities
};

struct HosmerLemeshowResult {
  double statistic = 0;  // sum over groups of (O - E)^2 / (E (1 - E / n))
  int degrees_of_freedom = 0;  // groups - 2
  double p_value = 1;          // upper tail of chi-square(groups - 2)
  std::vector<HosmerLemeshowGroup> groups;
};

// Groups are cut at the quantiles k / groups of the probabilities (linear interpolation, R's type 7 and
// numpy's default), right-closed, the lowest break included: R's cut(p, unique(quantile(p, 0:g / g)),
// include.lowest = TRUE), as ResourceSelection::hoslem.test. Repeated breaks (tied probabilities) are merged
// and empty groups dropped, so there may be fewer groups; at least 3 must remain.
HosmerLemeshowResult HosmerLemeshow(std::span<const double> labels, std::span<const double> probs, int groups = 10);

// One-sided exact binomial test of H0 "the PD is right" against "the default rate is higher":
// P(X >= defaults) for X ~ Binomial(count, pd). A small p-value says the PD underestimates risk.
double BinomialTestPValue(std::int64_t count, std::int64_t defaults, double pd);

// Jeffreys test (ECB instructions for reporting IRB validation): the posterior of the default rate under
// Jeffreys' prior is Beta(defaults + 1/2, count - defaults + 1/2); the p-value is its CDF at pd, the
// posterior probability that the true default rate is at most pd. Small = PD too low.
double JeffreysTestPValue(std::int64_t count, std::int64_t defaults, double pd);

}  // namespace finai::validation
