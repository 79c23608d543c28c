// How the training data split at a node, as TreeSHAP's background distribution sees it. One definition shared by
// the fast path, the oracle and the expected value, so that they describe the same conditional expectation.
#pragma once

#include "finai/models/gbdt/model.hpp"
#include "finai/models/gbdt/predict.hpp"
#include "finai/models/gbdt/tree.hpp"

namespace finai::explain::detail {

// Share of the node's training cover that went to the left child. The children's covers are used (not the node's
// own cover) so that the two shares always sum to one; a node that no training weight reached splits evenly.
inline double LeftShare(const gbdt::Tree& tree, const gbdt::TreeNode& node) {
  const double left = tree.nodes[static_cast<std::size_t>(node.left)].cover;
  const double right = tree.nodes[static_cast<std::size_t>(node.right)].cover;
  const double total = left + right;
  return total > 0 ? left / total : 0.5;
}

// InvalidArgument unless x has the model's columns and rows x columns values.
void CheckMatrixFits(const gbdt::GbdtModel& model, const gbdt::FeatureMatrix& x);

}  // namespace finai::explain::detail
