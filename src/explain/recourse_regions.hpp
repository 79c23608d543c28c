// The regions a model's split thresholds cut one numeric feature into, and the least-cost allowed value of each
// region for one applicant: the building blocks of the recourse program (recourse.cpp).
#pragma once

#include <vector>

#include "finai/explain/recourse.hpp"
#include "finai/models/gbdt/model.hpp"

namespace finai::explain::recourse_detail {

// The distinct thresholds of the numeric splits on each feature, ascending, as the model compares them (rounded to
// float32 for models that compare in float32).
std::vector<std::vector<double>> SplitThresholds(const gbdt::GbdtModel& model);

// Region i of a feature with thresholds t_1 < ... < t_K holds the values that go right at t_1..t_i and left at
// t_{i+1}..t_K: region 0 lies below every threshold, region K above. The region of a (non-missing) value.
int RegionOf(const gbdt::GbdtModel& model, const std::vector<double>& thresholds, double value);

// The index of a node's threshold among the feature's thresholds (the split separates regions k and k + 1).
int ThresholdIndex(const gbdt::GbdtModel& model, const std::vector<double>& thresholds, double threshold);

struct RegionChoice {
  bool allowed = false;  // some value of the region satisfies the action's range, direction and step
  double value = 0;      // the allowed value of the region nearest the applicant's (their own in their region)
  double cost = 0;       // cost_per_unit * |value - own value|
};

// For every region (K + 1 of them) of one actionable feature: the least-cost allowed value. The applicant's own
// region keeps their value at cost 0, whatever the range or step says.
std::vector<RegionChoice> RegionChoices(const gbdt::GbdtModel& model, const std::vector<double>& thresholds,
                                        const FeatureAction& action, double own_value);

// The margin logit(cutoff) minus a small safety gap, 1e-6 * widen * (1 + |logit(cutoff)|): the program asks the
// changed applicant's margin to be at or below it, so that the solver's tolerances rarely accept a change the
// reference predictor refuses (the solver then widens the gap).
double ApprovalMargin(double cutoff, double widen = 1);

}  // namespace finai::explain::recourse_detail
