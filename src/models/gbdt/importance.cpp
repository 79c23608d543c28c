#include "finai/models/gbdt/importance.hpp"

namespace finai::gbdt {

std::vector<FeatureImportance> ComputeImportance(const GbdtModel& model) {
  std::vector<FeatureImportance> out(model.features.size());
  for (std::size_t f = 0; f < out.size(); ++f) out[f].feature = model.features[f].name;
  for (const Tree& tree : model.trees) {
    for (const TreeNode& node : tree.nodes) {
      if (node.is_leaf()) continue;
      FeatureImportance& fi = out[static_cast<std::size_t>(node.feature)];
      fi.total_gain += node.gain;
      fi.total_cover += node.cover;
      ++fi.splits;
    }
  }
  return out;
}

}  // namespace finai::gbdt
