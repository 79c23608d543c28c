// Discrimination statistics of a validation report: AUROC with DeLong's variance and confidence interval,
// and DeLong's test of two correlated AUROCs measured on the same outcomes.
//
// Labels are exactly 0 or 1 (1 = event, a default); scores rank events above non-events (higher = riskier)
// and may be any value but NaN. Ties count 1/2, as in the Mann-Whitney statistic. Bad input throws
// finai::InvalidArgument naming the argument, the 1-based row and the value. docs/validation.md has the
// formulas; results match R's pROC (method "delong") to rounding.
#pragma once

#include <cstdint>
#include <span>

namespace finai::validation {

struct AucEstimate {
  double auc = 0;
  double variance = 0;    // DeLong's estimate of Var(AUC)
  double std_error = 0;   // sqrt(variance)
  double ci_lower = 0;    // auc -/+ z_{(1+confidence)/2} * std_error, clipped to [0, 1] (as pROC's ci.auc)
  double ci_upper = 0;
  double confidence = 0;  // the confidence level of [ci_lower, ci_upper]
  std::int64_t events = 0;
  std::int64_t non_events = 0;
};

// Needs at least 2 events and 2 non-events (the variance divides by m - 1 and n - 1).
// confidence is in (0, 1). O(n log n): midranks as in Sun & Xu (2014).
AucEstimate AucDeLong(std::span<const double> labels, std::span<const double> scores, double confidence = 0.95);

struct DeLongComparison {
  AucEstimate first;
  AucEstimate second;
  double difference = 0;  // first.auc - second.auc
  double covariance = 0;  // DeLong's Cov(AUC1, AUC2)
  double std_error = 0;   // sqrt(Var1 + Var2 - 2 Cov)
  double z = 0;           // difference / std_error (0 when both are 0: identical rankings)
  double p_value = 1;     // two-sided, 2 * (1 - Phi(|z|))
};

// DeLong, DeLong & Clarke-Pearson (1988): are two models' AUROCs on the same rows different?
DeLongComparison DeLongTest(std::span<const double> labels, std::span<const double> first_scores,
                            std::span<const double> second_scores, double confidence = 0.95);

}  // namespace finai::validation
