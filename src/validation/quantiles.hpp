// Quantile cut points shared by Hosmer-Lemeshow and PSI binning. Not a public header.
#pragma once

#include <vector>

namespace finai::validation::detail {

// The quantiles k / parts, k = 0..parts, of sorted (ascending, no NaN) values by linear interpolation between
// order statistics (R's type 7, numpy's default), with repeated values removed.
std::vector<double> UniqueQuantileBreaks(const std::vector<double>& sorted, int parts);

}  // namespace finai::validation::detail
