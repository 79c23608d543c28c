// Split-based feature importance of a tree model (global; per-decision attributions are TreeSHAP's job).
#pragma once

#include <string>
#include <vector>

#include "finai/models/gbdt/model.hpp"

namespace finai::gbdt {

struct FeatureImportance {
  std::string feature;
  double total_gain = 0;   // sum of the gains of the splits on the feature
  double total_cover = 0;  // sum of the covers (hessian mass) of those splits
  int splits = 0;
};

// One entry per model feature, in model order.
std::vector<FeatureImportance> ComputeImportance(const GbdtModel& model);

}  // namespace finai::gbdt
