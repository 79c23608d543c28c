// Variable selection for scorecards on WoE columns: correlation and VIF filters, stepwise by AIC / BIC,
// the coefficient-sign check. Internal to the scorecard module.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "finai/models/linear/logistic.hpp"
#include "finai/scorecard/scorecard.hpp"

namespace finai::scorecard::detail {

struct Candidate {
  std::string feature;
  double iv = 0;
  std::vector<double> woe;  // one per training row (rows with a known target)
  bool kept = true;
  std::string decision;
};

// Pearson correlation of two equally long columns (0 when one is constant); weights may be empty.
double Correlation(std::span<const double> a, std::span<const double> b, std::span<const double> w);

// Drops, in order of descending IV, every candidate too correlated with a stronger kept one.
void CorrelationFilter(std::vector<Candidate>& candidates, double max_correlation, std::span<const double> w);
// Drops the kept candidate with the largest VIF while it exceeds max_vif.
void VifFilter(std::vector<Candidate>& candidates, double max_vif, std::span<const double> w);
// Stepwise selection among kept candidates by AIC or BIC of the logistic regression.
void StepwiseSelect(std::vector<Candidate>& candidates, std::span<const double> y, std::span<const double> w,
                    const SelectionOptions& options, double l2);
// The design of the kept candidates (in candidate order).
linear::DesignMatrix KeptDesign(const std::vector<Candidate>& candidates);

}  // namespace finai::scorecard::detail
