// Shared by the audit and its bootstrap: rates from confusion counts with the minimum-size rule.
#pragma once

#include "finai/fairness/audit.hpp"

namespace finai::fairness {

struct Counts {
  double tp = 0, fp = 0, tn = 0, fn = 0;
};

// num / den, NaN when den is 0 or below min_count.
double SafeRate(double num, double den, int min_count);
// Every count-based field of GroupRates (not AUC, log loss, Brier or the score moments): rates from the weighted
// counts, the counts and the minimum-size rule from the row counts (the same Counts when unweighted).
void FillFromCounts(const Counts& weighted, const Counts& rows, bool favorable_is_event, int min_count, GroupRates& r);

}  // namespace finai::fairness
