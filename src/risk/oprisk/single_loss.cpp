// The single-loss approximation of a high quantile of the aggregate loss.
//
// For subexponential severities P(S > x) ~ E[N] P(X > x) as x grows: a bad year is a year with one huge
// loss. Inverting gives VaR_a(S) ~ F^-1(1 - (1 - a) / E N) (Bocker and Kluppelberg 2005). The first-order
// refinement adds what the other losses of that year contribute on average: given that one loss occurred,
// the expected number of others is E[N(N-1)] / E[N] (lambda for Poisson, mu (1 + 1/size) for the negative
// binomial), each with mean E X (Bocker and Sprittulla 2006; Degen 2010, for finite E X).
#include <cmath>
#include <limits>

#include "finai/risk/lda/aggregate.hpp"

namespace finai::risk::lda {

SingleLossApproximation ApproximateSingleLoss(const FrequencyModel& frequency, const SeverityModel& severity,
                                              double level) {
  ValidateProbability(level, "level");
  SingleLossApproximation out;
  out.level = level;
  out.expected_count = FrequencyMean(frequency);
  out.severity_level = 1 - (1 - level) / out.expected_count;
  if (!(out.severity_level > 0 && out.severity_level < 1)) {
    // E N below 1 - level: the level is not reached by a single loss; the approximation does not apply.
    out.basic = out.corrected = out.correction = std::numeric_limits<double>::quiet_NaN();
    return out;
  }
  out.basic = SeverityQuantile(severity, out.severity_level);
  const double mean = SeverityMean(severity);
  if (std::isfinite(mean)) {
    out.correction = FrequencyOtherLossesGivenOne(frequency) * mean;
    out.corrected = out.basic + out.correction;
  } else {
    out.correction = std::numeric_limits<double>::quiet_NaN();
    out.corrected = out.basic;
  }
  return out;
}

}  // namespace finai::risk::lda
