// Pieces of the profile, one per file.
#pragma once

#include <span>
#include <vector>

#include "finai/analytics/profile.hpp"
#include "finai/core/context.hpp"
#include "finai/data/column.hpp"

namespace finai::profile {

// Type, missing, distinct, numeric summary and top categories of one column.
ColumnProfile DescribeColumn(const Column& column, int top_categories);

// Event rate per bin, WoE/IV and single-feature AUC of one feature against 0/1 labels (NaN = no target).
void AnalyseAgainstTarget(const Column& column, std::span<const double> labels, int target_bins,
                          const Context& ctx, ColumnProfile& out);

// Rows equal to an earlier row in every column.
std::int64_t CountDuplicateRows(const Frame& frame);

// Pearson correlations of numeric columns (pairwise complete rows), strongest first.
std::vector<CorrelationPair> NumericCorrelations(const Frame& frame, const Context& ctx);

}  // namespace finai::profile
