// What the fast TreeSHAP explainer (fast_tree_shap.cpp) and its contributions kernel (fast_tree_shap_kernel.cpp)
// share: a tree flattened in preorder with its per-edge factors, the rows as the kernel reads them, the kernel's
// scratch, and the choice of a kernel per tree.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "finai/models/gbdt/model.hpp"

namespace finai::explain {

// Which of the three cases an edge is in for a row: the row follows every split on the edge's feature so far
// (o_e = o_p = 1), leaves the path at this edge (o_e = 0, o_p = 1), or had left it above (o_e = o_p = 0).
enum Case : std::uint8_t { kHot = 0, kTurnsCold = 1, kCold = 2 };

// One node of a tree in preorder (parents before children). Index 0 is the root; every other node is also the
// edge from its parent. The split is copied here so that a row is routed without touching the model's nodes.
struct FlatNode {
  std::int32_t parent = -1;       // preorder index of the parent, -1 for the root
  std::int32_t previous = -1;     // preorder index of the previous edge on the same feature, -1 if none
  std::int32_t edge_feature = -1; // the parent's split feature
  std::int32_t split_feature = -1;
  std::int32_t category_set = -1;
  std::int32_t node = -1;         // index in the model's tree
  std::int32_t right_child = -1;  // preorder index of the right child (the left child is the next node)
  double threshold = 0;
  double leaf_value = 0;          // 0 for internal nodes
  std::uint8_t is_left = 0;
  std::uint8_t is_leaf = 0;
  std::uint8_t default_left = 0;
};

// One internal node as the contributions kernel reads it. The kernel walks a tree's internal nodes in preorder and
// handles both edges below a node at once: they split on the same feature and share the previous edge on it.
struct KernelSplit {
  std::int32_t node = 0;      // preorder index; the left child is node + 1
  std::int32_t right = 0;     // preorder index of the right child
  std::int32_t feature = 0;   // the split feature (the edge feature of both children)
  std::int32_t previous = 0;  // preorder index of the previous edge on `feature` up the path; the node count if none
  std::int32_t node_lanes = 0;   // node * lanes and right * lanes: where the two nodes' slots start in a row's slots
  std::int32_t right_lanes = 0;
  std::int32_t route_index = 0;  // feature, plus the feature count if missing values go right (see RowView)
  double threshold = 0;
  float threshold32 = 0;      // the threshold as float32 (XGBoost's comparison)
  std::uint8_t default_left = 0;
};

// A row as the kernel reads it: its values, and for the numeric routes every value twice (float32 and double),
// a missing value as -inf in the first copy (left of any finite threshold) and +inf in the second (right of it):
// a split that sends missing values left reads the first copy, one that sends them right the second, so that
// routing is one comparison.
struct RowView {
  const double* values = nullptr;
  const float* values32 = nullptr;   // 2 x features
  const double* values64 = nullptr;  // 2 x features
};

// Rows made ready for the kernel: RowView's two copies of each value.
struct RowBuffer {
  std::vector<float> values32;
  std::vector<double> values64;
  std::vector<RowView> views;
  void Prepare(std::size_t rows, int features, const double* const* values) {
    const auto f = static_cast<std::size_t>(features);
    if (values32.size() < rows * 2 * f) values32.resize(rows * 2 * f);
    if (values64.size() < rows * 2 * f) values64.resize(rows * 2 * f);
    if (views.size() < rows) views.resize(rows);
    const double inf = std::numeric_limits<double>::infinity();
    for (std::size_t r = 0; r < rows; ++r) {
      float* v32 = values32.data() + r * 2 * f;
      double* v64 = values64.data() + r * 2 * f;
      for (std::size_t j = 0; j < f; ++j) {
        const double x = values[r][j];
        const bool missing = std::isnan(x);
        v64[j] = missing ? -inf : x;
        v64[f + j] = missing ? inf : x;
        v32[j] = static_cast<float>(v64[j]);
        v32[f + j] = static_cast<float>(v64[f + j]);
      }
      views[r] = {values[r], v32, v64};
    }
  }
};

struct FlatTree;
struct KernelScratch;
// Adds one tree's contributions for kRows rows to their quadrature-lane accumulators (see ContribTree).
using ContribKernel = void (*)(const gbdt::GbdtModel&, const FlatTree&, const RowView*, double* const*, int,
                               KernelScratch&);

struct FlatTree {
  const gbdt::Tree* tree = nullptr;
  int output = 0;
  int q = 1;                   // quadrature points
  int lanes = 1;               // the contributions kernel's lanes: q, but 4 for q = 3 (the fourth has zero weight)
  std::vector<FlatNode> nodes;
  // The contributions kernel: internal nodes, first those with an internal child (`inner` of them) in preorder,
  // then those whose children are both leaves, in preorder; per internal node 12 lanes factors: the left child's
  // a_e / a_p(e) for the three cases, the right child's, then the left and right children's w_q (c_e - c_p(e)).
  // A leaf's ratios are multiplied by its value, so that its slot holds v P(leaf) = G(leaf) directly.
  std::vector<KernelSplit> splits;
  std::vector<double> factors;
  std::size_t inner = 0;
  ContribKernel kernel1 = nullptr;  // one row
  ContribKernel kernel4 = nullptr;  // four rows in lockstep, the same arithmetic per row
  // For interactions: the quadrature rule, and per leaf its path's unique features, each with the last edge that
  // splits on it (whose row indicator is the feature's o) and its background fraction z.
  std::vector<double> t, w;
  std::vector<std::int32_t> leaf_begin;  // leaf k's entries are [leaf_begin[k], leaf_begin[k + 1])
  std::vector<std::int32_t> leaf_node;   // preorder index of leaf k
  std::vector<std::int32_t> path_feature, path_edge;
  std::vector<double> path_zero;
};

// Per-thread state of the contributions kernel, for up to 4 rows, row-major: slot [row][node][q] (P of the node,
// turned into G(node) on the way back; a leaf's slot is G from the start) and offset [row][node]: the case of the
// node's edge times q, where its factors start (0: hot; entry `nodes` is always hot, the "previous edge" of a first
// split on a feature).
struct KernelScratch {
  std::vector<double> slot;
  std::vector<std::uint16_t> offset;  // case x q: 16 bits, as q reaches 128 at depth 255
  std::size_t slot_stride = 0, offset_stride = 0;  // per row
  void Fit(std::size_t max_nodes, int max_lanes) {
    slot_stride = max_nodes * static_cast<std::size_t>(max_lanes);
    offset_stride = max_nodes + 1;
    if (slot.size() < 4 * slot_stride) slot.resize(4 * slot_stride);
    if (offset.size() < 4 * offset_stride) offset.resize(4 * offset_stride);
  }
};

// GoesLeft (models/gbdt/predict.hpp) on the copied split; categorical sets are looked up in the model's tree.
inline bool Left(const gbdt::GbdtModel& model, const gbdt::Tree& tree, const FlatNode& n, double value) {
  if (std::isnan(value)) return n.default_left != 0;
  if (n.category_set >= 0) {
    return gbdt::Tree::InSet(tree.category_sets[static_cast<std::size_t>(n.category_set)], value);
  }
  if (model.float32_compare) {
    const float x = static_cast<float>(value), t = static_cast<float>(n.threshold);
    return model.split_rule == gbdt::SplitRule::kLess ? x < t : x <= t;
  }
  return model.split_rule == gbdt::SplitRule::kLess ? value < n.threshold : value <= n.threshold;
}

// How a row is routed at a split in a tree (RouteOf), and the kernel for `rows` (1 or 4) rows in lockstep, `lanes`
// quadrature lanes and that routing.
int RouteOf(const gbdt::GbdtModel& model, const gbdt::Tree& tree);
ContribKernel ContribKernelFor(int rows, int lanes, int route);

}  // namespace finai::explain
