// Proxy detection: how well each feature, alone, predicts the sensitive group. A model that never sees the
// attribute can still discriminate through a proxy (a postcode for ethnicity, years at the employer for age).
#pragma once

#include <string>
#include <vector>

#include "finai/data/frame.hpp"
#include "finai/fairness/groups.hpp"

namespace finai::fairness {

struct ProxyScore {
  std::string feature;
  // AUC of the feature as a score for membership of each group against the rest (one-vs-rest), folded to
  // max(AUC, 1 - AUC) so that 0.5 means "no information" whatever the direction. Numeric features rank by value
  // (missing values lowest); categorical features by the group's share within the category.
  double max_auc = 0;            // over groups (for two groups both are the same)
  std::string max_auc_group;
  // Mutual information (nats) between the feature, in bins, and the group; normalized by the group entropy.
  double mutual_information = 0;
  double normalized_mi = 0;
};

// Numeric features are cut into up to `bins` bins at quantiles (plus one bin for missing values); categorical
// features use their categories. Results are sorted by normalized mutual information, highest first.
// Rows without a group are left out. Features that are string or datetime columns are skipped. Groups with fewer
// than min_group_size rows get no one-vs-rest AUC (a handful of rows separates too easily to mean anything).
std::vector<ProxyScore> DetectProxies(const Frame& frame, const std::vector<std::string>& features, const Groups& groups,
                                      int bins = 10, int min_group_size = 30);

}  // namespace finai::fairness
