// The logistic-regression learner of the mitigation tables (internal to finai_fairness).
#pragma once

#include <span>
#include <vector>

#include "finai/data/frame.hpp"

namespace finai::fairness::detail {

// Fits finai's logistic regression (IRLS, L2 penalty `l2` on the slopes) to the columns of `train` and returns the
// event probability of every row of each frame in `score` (same columns). Numeric columns are standardised with
// the training mean and standard deviation, a missing value becoming the mean (0) with a 0/1 missing indicator
// when the training part has missing values; categorical columns become 0/1 dummies for every category but the
// most frequent. The penalty keeps the fit finite when a reduction step's relabelled classes are separable.
std::vector<std::vector<double>> LogisticTrainPredict(const Frame& train, std::span<const double> y,
                                                      std::span<const double> weights, const std::vector<const Frame*>& score,
                                                      double l2);

}  // namespace finai::fairness::detail
