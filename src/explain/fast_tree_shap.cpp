// The fast path of path-dependent TreeSHAP: O(nodes x Q) per tree and row, Q = ceil(depth / 2) quadrature points.
//
// For a leaf l with value v whose path holds d unique features, feature j having background fraction z_j (product
// of the cover shares of its splits on the path) and row indicator o_j (1 if the row follows all of them), the
// Shapley weight of a subset size k is k! (d - k - 1)! / d! = integral over [0, 1] of t^k (1 - t)^(d - k - 1), so
//   phi_i += v (o_i - z_i) * integral of prod_{j != i} a_j(t) dt,   a_j(t) = z_j + (o_j - z_j) t,
// a polynomial of degree d - 1 that Gauss-Legendre quadrature with ceil(d / 2) points integrates exactly
// (the quadrature form of Linear TreeSHAP, Yu, Bifet et al. 2022). Written per edge e (a split on feature f into a
// node), with p(e) the previous edge on f up the path (a_p = 1, c_p = 0 if none) and c_e = (o_e - z_e) / a_e:
//   P(node) = P(parent) * a_e / a_p(e)                   (so P(leaf) = prod over unique features of a_j)
//   G(node) = sum over the leaves below of v_l P(leaf)
//   phi_f  += sum_q w_q (c_e - c_p(e))(t_q) G(node)(t_q)
// The differences telescope along a leaf's path to c of the last split on f, so at every t_q the sum over a leaf's
// edges is exactly (o_f - z_f) / a_f * P(leaf), the polynomial above: the rule is exact although each term alone is
// not a polynomial. Every a is in [0, 1] and a_e <= a_p(e), c is bounded by 1 / t_min, so nothing cancels or
// overflows at any depth. z and the three (o_e, o_p) cases of a_e / a_p and w (c_e - c_p) depend on the model only
// and are computed once; a row only picks a case per edge.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <utility>

#include "cover.hpp"
#include "finai/core/parallel.hpp"
#include "finai/explain/tree_shap.hpp"

namespace finai::explain {

namespace {

using gbdt::GbdtModel;
using gbdt::Tree;
using gbdt::TreeNode;

// Gauss-Legendre nodes and weights on [0, 1] for n points, by Newton's method on the Legendre polynomial P_n.
void GaussLegendre(int n, std::vector<double>& nodes, std::vector<double>& weights) {
  nodes.assign(static_cast<std::size_t>(n), 0.0);
  weights.assign(static_cast<std::size_t>(n), 0.0);
  const double pi = 3.14159265358979323846;
  for (int i = 0; i < n; ++i) {
    double x = std::cos(pi * (i + 0.75) / (n + 0.5));
    double derivative = 1;
    for (int iter = 0; iter < 100; ++iter) {
      double p0 = 1, p1 = x;  // P_0, P_1
      for (int k = 2; k <= n; ++k) {
        const double p2 = ((2.0 * k - 1) * x * p1 - (k - 1.0) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      derivative = n * (x * p1 - p0) / (x * x - 1);
      const double step = p1 / derivative;
      x -= step;
      if (std::abs(step) < 1e-16) break;
    }
    nodes[static_cast<std::size_t>(i)] = (1 - x) / 2;
    weights[static_cast<std::size_t>(i)] = 1 / ((1 - x * x) * derivative * derivative);  // 2/(..) on [-1,1], halved
  }
}

// Which of the three cases an edge is in for a row: the row follows every split on the edge's feature so far
// (o_e = o_p = 1), leaves the path at this edge (o_e = 0, o_p = 1), or had left it above (o_e = o_p = 0).
enum Case : std::uint8_t { kHot = 0, kTurnsCold = 1, kCold = 2 };

}  // namespace

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
using ContribKernel = void (*)(const GbdtModel&, const FlatTree&, const RowView*, double* const*, int,
                               KernelScratch&);

struct FlatTree {
  const Tree* tree = nullptr;
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

struct TreeShapExplainer::Impl {
  const GbdtModel* model = nullptr;
  int features = 0;
  int outputs = 1;
  std::size_t max_nodes = 0;
  int max_q = 1;
  int max_lanes = 1;  // lanes of the contributions accumulators
  std::vector<double> expected;
  std::vector<FlatTree> trees;
};

namespace {

FlatTree Flatten(const Tree& tree, int output, int features) {
  FlatTree flat;
  flat.tree = &tree;
  flat.output = output;
  flat.q = std::max(1, (tree.depth() + 1) / 2);
  std::vector<double> t, w;
  GaussLegendre(flat.q, t, w);
  const int q = flat.q;
  flat.lanes = q == 3 ? 4 : q;
  const int lanes = flat.lanes;
  std::vector<double> zero;  // z_e: cumulative cover fraction of the edge's feature down to this node
  std::vector<double> ratios, deltas;  // [node][case][q]: a_e / a_p(e) and w_q (c_e - c_p(e))
  // Depth-first, right child pushed first so that the left subtree comes first in preorder.
  std::vector<std::pair<std::int32_t, std::int32_t>> stack = {{0, -1}};  // (node, parent preorder index)
  while (!stack.empty()) {
    const auto [index, parent] = stack.back();
    stack.pop_back();
    const auto p = static_cast<std::int32_t>(flat.nodes.size());
    const TreeNode& n = tree.nodes[static_cast<std::size_t>(index)];
    FlatNode f;
    f.node = index;
    f.parent = parent;
    f.is_leaf = n.is_leaf() ? 1 : 0;
    f.leaf_value = n.is_leaf() ? n.value : 0.0;
    f.split_feature = n.is_leaf() ? -1 : n.feature;
    f.category_set = n.category_set;
    f.threshold = n.threshold;
    f.default_left = n.default_left ? 1 : 0;
    double z = 1;
    if (parent >= 0) {
      const TreeNode& pn = tree.nodes[static_cast<std::size_t>(flat.nodes[static_cast<std::size_t>(parent)].node)];
      f.edge_feature = pn.feature;
      f.is_left = pn.left == index ? 1 : 0;
      const double left_share = detail::LeftShare(tree, pn);
      for (std::int32_t a = parent; a > 0; a = flat.nodes[static_cast<std::size_t>(a)].parent) {
        if (flat.nodes[static_cast<std::size_t>(a)].edge_feature == f.edge_feature) {
          f.previous = a;
          break;
        }
      }
      z = (f.previous >= 0 ? zero[static_cast<std::size_t>(f.previous)] : 1.0) *
          (f.is_left ? left_share : 1 - left_share);
    }
    flat.nodes.push_back(f);
    zero.push_back(z);
    // The model-only factors of the three cases.
    const double zp = f.previous >= 0 ? zero[static_cast<std::size_t>(f.previous)] : 1.0;
    for (int c = 0; c < 3; ++c) {
      for (int k = 0; k < q; ++k) {
        const double tk = t[static_cast<std::size_t>(k)];
        const double a_prev_hot = zp + (1 - zp) * tk;  // o_p = 1
        const double c_prev_hot = f.previous >= 0 ? (1 - zp) / a_prev_hot : 0.0;
        double ratio = 0, diff = 0;
        if (parent < 0) {
          ratio = 1;
        } else if (c == kHot) {
          ratio = (z + (1 - z) * tk) / a_prev_hot;
          diff = (1 - z) / (z + (1 - z) * tk) - c_prev_hot;
        } else if (c == kTurnsCold) {
          ratio = z * (1 - tk) / a_prev_hot;
          // c_e = -z / (z (1 - t)); with z = 0 the subtree's P is 0 and the value is never used.
          diff = (z > 0 ? -1 / (1 - tk) : 0.0) - c_prev_hot;
        } else {
          ratio = zp > 0 ? z / zp : 0.0;
          diff = 0;  // c_e = c_p = -1 / (1 - t)
        }
        ratios.push_back(ratio);
        deltas.push_back(w[static_cast<std::size_t>(k)] * diff);
      }
    }
    if (!n.is_leaf()) {
      stack.push_back({n.right, p});
      stack.push_back({n.left, p});
    }
  }
  for (std::size_t p = 1; p < flat.nodes.size(); ++p) {
    if (!flat.nodes[p].is_left) flat.nodes[static_cast<std::size_t>(flat.nodes[p].parent)].right_child = static_cast<std::int32_t>(p);
  }
  const auto count = static_cast<std::int32_t>(flat.nodes.size());
  std::vector<KernelSplit> bottom_splits;
  std::vector<double> bottom_factors;
  for (std::int32_t p = 0; p < count; ++p) {
    const FlatNode& n = flat.nodes[static_cast<std::size_t>(p)];
    if (n.is_leaf) continue;
    KernelSplit s;
    s.node = p;
    s.right = n.right_child;
    s.feature = n.split_feature;
    const std::int32_t previous = flat.nodes[static_cast<std::size_t>(p + 1)].previous;  // the same for both children
    s.previous = previous >= 0 ? previous : count;
    s.route_index = s.feature + (n.default_left ? 0 : features);
    s.node_lanes = p * lanes;
    s.right_lanes = n.right_child * lanes;
    s.threshold = n.threshold;
    s.threshold32 = static_cast<float>(n.threshold);
    s.default_left = n.default_left;
    const bool bottom = flat.nodes[static_cast<std::size_t>(p + 1)].is_leaf && flat.nodes[static_cast<std::size_t>(n.right_child)].is_leaf;
    (bottom ? bottom_splits : flat.splits).push_back(s);
    std::vector<double>& out = bottom ? bottom_factors : flat.factors;
    for (const std::vector<double>* table : {&ratios, &deltas}) {
      for (const std::int32_t child : {p + 1, n.right_child}) {
        const FlatNode& c = flat.nodes[static_cast<std::size_t>(child)];
        const double scale = table == &ratios && c.is_leaf ? c.leaf_value : 1.0;
        for (int cs = 0; cs < 3; ++cs) {
          for (int k = 0; k < lanes; ++k) {
            // A padding lane: ratio 1 and zero weight, so it adds nothing.
            const double value = k < q ? (*table)[(static_cast<std::size_t>(child) * 3 + static_cast<std::size_t>(cs)) *
                                                      static_cast<std::size_t>(q) + static_cast<std::size_t>(k)]
                                       : (table == &ratios ? 1.0 : 0.0);
            out.push_back(value * scale);
          }
        }
      }
    }
  }
  flat.inner = flat.splits.size();
  flat.splits.insert(flat.splits.end(), bottom_splits.begin(), bottom_splits.end());
  flat.factors.insert(flat.factors.end(), bottom_factors.begin(), bottom_factors.end());
  flat.t = t;
  flat.w = w;
  flat.leaf_begin.push_back(0);
  for (std::size_t p = 0; p < flat.nodes.size(); ++p) {
    if (!flat.nodes[p].is_leaf) continue;
    flat.leaf_node.push_back(static_cast<std::int32_t>(p));
    const std::size_t begin = flat.path_feature.size();
    for (auto e = static_cast<std::int32_t>(p); e > 0; e = flat.nodes[static_cast<std::size_t>(e)].parent) {
      const std::int32_t f = flat.nodes[static_cast<std::size_t>(e)].edge_feature;
      if (std::find(flat.path_feature.begin() + static_cast<std::ptrdiff_t>(begin), flat.path_feature.end(), f) !=
          flat.path_feature.end()) {
        continue;  // seen lower down: that was the feature's last split on the path
      }
      flat.path_feature.push_back(f);
      flat.path_edge.push_back(e);
      flat.path_zero.push_back(zero[static_cast<std::size_t>(e)]);
    }
    flat.leaf_begin.push_back(static_cast<std::int32_t>(flat.path_feature.size()));
  }
  return flat;
}

// GoesLeft (models/gbdt/predict.hpp) on the copied split; categorical sets are looked up in the model's tree.
inline bool Left(const GbdtModel& model, const Tree& tree, const FlatNode& n, double value) {
  if (std::isnan(value)) return n.default_left != 0;
  if (n.category_set >= 0) return Tree::InSet(tree.category_sets[static_cast<std::size_t>(n.category_set)], value);
  if (model.float32_compare) {
    const float x = static_cast<float>(value), t = static_cast<float>(n.threshold);
    return model.split_rule == gbdt::SplitRule::kLess ? x < t : x <= t;
  }
  return model.split_rule == gbdt::SplitRule::kLess ? value < n.threshold : value <= n.threshold;
}

}  // namespace

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

namespace {

// How a row is routed at a split, fixed per tree: any split kind by GoesLeft's rules (categorical sets), or
// branch-free for numeric-only trees under XGBoost's float32 `<` or finai's and LightGBM's double `<=`.
enum Route : int { kRouteGeneric = 0, kRouteLess32 = 1, kRouteLessEqual64 = 2 };

template <int kRoute>
inline bool RouteLeft(const GbdtModel& model, const FlatTree& flat, const KernelSplit& s, const RowView& row) {
  if constexpr (kRoute == kRouteLess32) {
    return row.values32[s.route_index] < s.threshold32;
  } else if constexpr (kRoute == kRouteLessEqual64) {
    return row.values64[s.route_index] <= s.threshold;
  } else {
    return Left(model, *flat.tree, flat.nodes[static_cast<std::size_t>(s.node)], row.values[s.feature]);
  }
}

// Two or four lanes at once, read and written unaligned: SSE2 on any x86-64 (a Quad is two SSE2 operations), one
// AVX operation for a Quad in the AVX2 build of the kernel. Lane by lane the same IEEE operations either way (no
// fused multiply-add), so both builds give the same bits.
typedef double Pair __attribute__((vector_size(16), aligned(8), may_alias));
typedef double Quad __attribute__((vector_size(32), aligned(8), may_alias));

#define FINAI_KERNEL_INLINE __attribute__((always_inline)) inline
FINAI_KERNEL_INLINE Quad& QuadAt(double* p) { return *reinterpret_cast<Quad*>(p); }
FINAI_KERNEL_INLINE const Quad& QuadOf(const double* p) { return *reinterpret_cast<const Quad*>(p); }

// The lane loops of the kernel with kQ known (quads when kQ is a multiple of 4, else pairs and one scalar lane) or
// read at run time (kQ = 0). Each lane's arithmetic is the same either way.
template <int kQ>
struct Lanes {
  static FINAI_KERNEL_INLINE void Mul2(int q, const double* __restrict from, const double* __restrict ratio_a,
                                       const double* __restrict ratio_b, double* __restrict to_a,
                                       double* __restrict to_b) {
    if constexpr (kQ > 0 && kQ % 4 == 0) {
      (void)q;
#pragma GCC unroll 4
      for (int k = 0; k < kQ; k += 4) {
        const Quad p = QuadOf(from + k);
        QuadAt(to_a + k) = (p * QuadOf(ratio_a + k));
        QuadAt(to_b + k) = (p * QuadOf(ratio_b + k));
      }
    } else {
      Mul2Pairs(q, from, ratio_a, ratio_b, to_a, to_b);
    }
  }
  static FINAI_KERNEL_INLINE void Fused(int q, const double* from, const double* __restrict ratio_a,
                                        const double* __restrict ratio_b, const double* __restrict delta_a,
                                        const double* __restrict delta_b, double* __restrict acc, double* g) {
    if constexpr (kQ > 0 && kQ % 4 == 0) {
      (void)q;
#pragma GCC unroll 4
      for (int k = 0; k < kQ; k += 4) {
        const Quad p = QuadOf(from + k);
        const Quad ga = p * QuadOf(ratio_a + k), gb = p * QuadOf(ratio_b + k);
        QuadAt(acc + k) = (QuadOf(acc + k) + (QuadOf(delta_a + k) * ga + QuadOf(delta_b + k) * gb));
        QuadAt(g + k) = (ga + gb);
      }
    } else {
      FusedPairs(q, from, ratio_a, ratio_b, delta_a, delta_b, acc, g);
    }
  }
  static FINAI_KERNEL_INLINE void Back(int q, const double* __restrict delta_a, const double* __restrict g_a,
                                       const double* __restrict delta_b, const double* __restrict g_b,
                                       double* __restrict acc, double* __restrict g) {
    if constexpr (kQ > 0 && kQ % 4 == 0) {
      (void)q;
#pragma GCC unroll 4
      for (int k = 0; k < kQ; k += 4) {
        const Quad ga = QuadOf(g_a + k), gb = QuadOf(g_b + k);
        QuadAt(acc + k) = (QuadOf(acc + k) + (QuadOf(delta_a + k) * ga + QuadOf(delta_b + k) * gb));
        QuadAt(g + k) = (ga + gb);
      }
    } else {
      BackPairs(q, delta_a, g_a, delta_b, g_b, acc, g);
    }
  }

  static FINAI_KERNEL_INLINE void Mul2Pairs(int q, const double* __restrict from, const double* __restrict ratio_a,
                                            const double* __restrict ratio_b, double* __restrict to_a,
                                            double* __restrict to_b) {
    if constexpr (kQ > 0) {
      (void)q;
#pragma GCC unroll 4
      for (int k = 0; k + 1 < kQ; k += 2) {
        const Pair p = *reinterpret_cast<const Pair*>(from + k);
        *reinterpret_cast<Pair*>(to_a + k) = p * *reinterpret_cast<const Pair*>(ratio_a + k);
        *reinterpret_cast<Pair*>(to_b + k) = p * *reinterpret_cast<const Pair*>(ratio_b + k);
      }
      if constexpr (kQ % 2 == 1) {
        to_a[kQ - 1] = from[kQ - 1] * ratio_a[kQ - 1];
        to_b[kQ - 1] = from[kQ - 1] * ratio_b[kQ - 1];
      }
    } else {
      for (int k = 0; k < q; ++k) {
        to_a[k] = from[k] * ratio_a[k];
        to_b[k] = from[k] * ratio_b[k];
      }
    }
  }
  // Both children leaves: g_a = from ratio_a, g_b = from ratio_b (their G), acc += delta_a g_a + delta_b g_b,
  // g = g_a + g_b: the forward and backward steps in one, the same operations.
  // `g` may be `from` (G(node) replaces P(node)): each lane is read before it is written.
  static FINAI_KERNEL_INLINE void FusedPairs(int q, const double* from, const double* __restrict ratio_a,
                                             const double* __restrict ratio_b, const double* __restrict delta_a,
                                             const double* __restrict delta_b, double* __restrict acc, double* g) {
    if constexpr (kQ > 0) {
      (void)q;
#pragma GCC unroll 4
      for (int k = 0; k + 1 < kQ; k += 2) {
        const Pair p = *reinterpret_cast<const Pair*>(from + k);
        const Pair ga = p * *reinterpret_cast<const Pair*>(ratio_a + k);
        const Pair gb = p * *reinterpret_cast<const Pair*>(ratio_b + k);
        *reinterpret_cast<Pair*>(acc + k) += *reinterpret_cast<const Pair*>(delta_a + k) * ga +
                                             *reinterpret_cast<const Pair*>(delta_b + k) * gb;
        *reinterpret_cast<Pair*>(g + k) = ga + gb;
      }
      if constexpr (kQ % 2 == 1) {
        constexpr int k = kQ - 1;
        const double ga = from[k] * ratio_a[k], gb = from[k] * ratio_b[k];
        acc[k] += delta_a[k] * ga + delta_b[k] * gb;
        g[k] = ga + gb;
      }
    } else {
      for (int k = 0; k < q; ++k) {
        const double ga = from[k] * ratio_a[k], gb = from[k] * ratio_b[k];
        acc[k] += delta_a[k] * ga + delta_b[k] * gb;
        g[k] = ga + gb;
      }
    }
  }
  // acc += delta_a g_a + delta_b g_b; g = g_a + g_b.
  static FINAI_KERNEL_INLINE void BackPairs(int q, const double* __restrict delta_a, const double* __restrict g_a,
                                            const double* __restrict delta_b, const double* __restrict g_b,
                                            double* __restrict acc, double* __restrict g) {
    if constexpr (kQ > 0) {
      (void)q;
#pragma GCC unroll 4
      for (int k = 0; k + 1 < kQ; k += 2) {
        const Pair ga = *reinterpret_cast<const Pair*>(g_a + k), gb = *reinterpret_cast<const Pair*>(g_b + k);
        *reinterpret_cast<Pair*>(acc + k) += *reinterpret_cast<const Pair*>(delta_a + k) * ga +
                                             *reinterpret_cast<const Pair*>(delta_b + k) * gb;
        *reinterpret_cast<Pair*>(g + k) = ga + gb;
      }
      if constexpr (kQ % 2 == 1) {
        acc[kQ - 1] += delta_a[kQ - 1] * g_a[kQ - 1] + delta_b[kQ - 1] * g_b[kQ - 1];
        g[kQ - 1] = g_a[kQ - 1] + g_b[kQ - 1];
      }
    } else {
      for (int k = 0; k < q; ++k) {
        acc[k] += delta_a[k] * g_a[k] + delta_b[k] * g_b[k];
        g[k] = g_a[k] + g_b[k];
      }
    }
  }
};

// Adds one tree's contributions for kRows rows: acc[r] + feature * lanes + k accumulates quadrature point k's terms
// w_k (c_e - c_p(e))(t_k) G(e)(t_k) of the row's edges on the feature (summed over k only when a chunk of trees is
// done, see FoldChunk). Forward over the internal nodes in preorder: route the row, decide both children's cases
// (branch-free: below a hot edge the child the row takes stays hot and the other turns cold; below a cold edge
// both are cold) and P(child) = P(node) * ratio[case]. Backward in reverse preorder: both children's terms, and
// G(node) = G(left) + G(right). The rows in lockstep share the node data; each row's arithmetic is as alone.
template <int kQ, int kRows, int kRoute>
FINAI_KERNEL_INLINE void ContribTreeBody(const GbdtModel& model, const FlatTree& flat, const RowView* rows,
                                         double* const* acc, int lanes, KernelScratch& scratch) {
  const int q = kQ > 0 ? kQ : flat.lanes;
  const auto uq = static_cast<std::size_t>(q);
  const std::size_t count = flat.nodes.size();
  double* slot[kRows];
  std::uint16_t* offset[kRows];
  RowView row[kRows];  // local copies: the byte stores below may alias anything
  double* row_acc[kRows];
  for (int r = 0; r < kRows; ++r) {
    row[r] = rows[r];
    row_acc[r] = acc[r];
    slot[r] = scratch.slot.data() + static_cast<std::size_t>(r) * scratch.slot_stride;
    offset[r] = scratch.offset.data() + static_cast<std::size_t>(r) * scratch.offset_stride;
    offset[r][count] = 0;
    for (std::size_t k = 0; k < uq; ++k) slot[r][k] = 1;
  }
  const KernelSplit* splits = flat.splits.data();
  const std::size_t n_splits = flat.splits.size();
  const double* factors = flat.factors.data();
  const std::size_t stride = 12 * uq;
  const std::size_t inner = flat.inner;
  for (std::size_t j = 0; j < inner; ++j) {
    const KernelSplit& s = splits[j];
    const double* f = factors + j * stride;
    const auto node = static_cast<std::size_t>(s.node), right = static_cast<std::size_t>(s.right);
    const auto previous = static_cast<std::size_t>(s.previous);
    const auto node_lanes = static_cast<std::size_t>(s.node_lanes), right_lanes = static_cast<std::size_t>(s.right_lanes);
#pragma GCC unroll 4
    for (int r = 0; r < kRows; ++r) {
      const unsigned goes_left = RouteLeft<kRoute>(model, flat, s, row[r]) ? 1U : 0U;
      const unsigned before = offset[r][previous] == 0 ? 1U : 0U;
      // Hot before: the row's child is kHot (0), the other kTurnsCold (1); cold before: both kCold (2).
      const unsigned case_left = 2 - before - (before & goes_left);
      const unsigned case_right = 2 - 2 * before + (before & goes_left);
      offset[r][node + 1] = static_cast<std::uint16_t>(case_left * uq);
      offset[r][right] = static_cast<std::uint16_t>(case_right * uq);
      double* from = slot[r] + node_lanes;
      Lanes<kQ>::Mul2(q, from, f + case_left * uq, f + (3 + case_right) * uq, from + uq, slot[r] + right_lanes);
    }
  }
  // Nodes whose children are both leaves: their P is known now; G and the terms of both leaves in one step.
  for (std::size_t j = inner; j < n_splits; ++j) {
    const KernelSplit& s = splits[j];
    const double* f = factors + j * stride;
    const auto previous = static_cast<std::size_t>(s.previous);
    const auto node_lanes = static_cast<std::size_t>(s.node_lanes);
    const std::size_t feature = static_cast<std::size_t>(s.feature) * static_cast<std::size_t>(lanes);
#pragma GCC unroll 4
    for (int r = 0; r < kRows; ++r) {
      const unsigned goes_left = RouteLeft<kRoute>(model, flat, s, row[r]) ? 1U : 0U;
      const unsigned before = offset[r][previous] == 0 ? 1U : 0U;
      const unsigned case_left = 2 - before - (before & goes_left);
      const unsigned case_right = 2 - 2 * before + (before & goes_left);
      double* g = slot[r] + node_lanes;
      Lanes<kQ>::Fused(q, g, f + case_left * uq, f + (3 + case_right) * uq, f + (6 + case_left) * uq,
                       f + (9 + case_right) * uq, row_acc[r] + feature, g);
    }
  }
  for (std::size_t j = inner; j-- > 0;) {
    const KernelSplit& s = splits[j];
    const double* f = factors + j * stride + 6 * uq;
    const auto node = static_cast<std::size_t>(s.node), right = static_cast<std::size_t>(s.right);
    const auto node_lanes = static_cast<std::size_t>(s.node_lanes), right_lanes = static_cast<std::size_t>(s.right_lanes);
    const std::size_t feature = static_cast<std::size_t>(s.feature) * static_cast<std::size_t>(lanes);
#pragma GCC unroll 4
    for (int r = 0; r < kRows; ++r) {
      double* g = slot[r] + node_lanes;
      Lanes<kQ>::Back(q, f + offset[r][node + 1], g + uq, f + 3 * uq + offset[r][right], slot[r] + right_lanes,
                      row_acc[r] + feature, g);
    }
  }
}

template <int kQ, int kRows, int kRoute>
void ContribTree(const GbdtModel& model, const FlatTree& flat, const RowView* rows, double* const* acc,
                 int lanes, KernelScratch& scratch) {
  ContribTreeBody<kQ, kRows, kRoute>(model, flat, rows, acc, lanes, scratch);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
// The same kernel built for AVX2 (a Quad in one operation), chosen at run time where the processor has it.
template <int kQ, int kRows, int kRoute>
__attribute__((target("avx2"))) void ContribTreeAvx2(const GbdtModel& model, const FlatTree& flat,
                                                     const RowView* rows, double* const* acc, int lanes,
                                                     KernelScratch& scratch) {
  ContribTreeBody<kQ, kRows, kRoute>(model, flat, rows, acc, lanes, scratch);
}
bool HasAvx2() {
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
}
#endif

template <int kRows, int kRoute>
ContribKernel KernelForQ(int lanes) {
  switch (lanes) {
    case 1: return ContribTree<1, kRows, kRoute>;
    case 2: return ContribTree<2, kRows, kRoute>;
    case 4:
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
      if (HasAvx2()) return ContribTreeAvx2<4, kRows, kRoute>;
#endif
      return ContribTree<4, kRows, kRoute>;
    default: return ContribTree<0, kRows, kRoute>;
  }
}

template <int kRows>
ContribKernel KernelFor(int q, int route) {
  switch (route) {
    case kRouteLess32: return KernelForQ<kRows, kRouteLess32>(q);
    case kRouteLessEqual64: return KernelForQ<kRows, kRouteLessEqual64>(q);
    default: return KernelForQ<kRows, kRouteGeneric>(q);
  }
}

int RouteOf(const GbdtModel& model, const Tree& tree) {
  for (const TreeNode& n : tree.nodes) {
    if (n.is_leaf()) continue;
    // RowView's infinities stand for missing values only at finite thresholds.
    if (n.category_set >= 0 || !std::isfinite(n.threshold) || !std::isfinite(static_cast<float>(n.threshold))) {
      return kRouteGeneric;
    }
  }
  if (model.float32_compare && model.split_rule == gbdt::SplitRule::kLess) return kRouteLess32;
  if (!model.float32_compare && model.split_rule == gbdt::SplitRule::kLessEqual) return kRouteLessEqual64;
  return kRouteGeneric;
}

// Adds one tree's interaction values (off the diagonal) and contributions for one row. For a leaf with value v and
// unique path features (o_k, z_k), a_k(t) = z_k + (o_k - z_k) t:
//   (i, j) += v/2 (o_i - z_i)(o_j - z_j) integral of prod_{k != i, j} a_k,   phi_i += v (o_i - z_i) integral of
//   prod_{k != i} a_k,
// by the tree's quadrature rule (exact: degrees <= depth - 1). A leaf with some a_k identically zero (o_k = z_k = 0)
// adds nothing to any entry. `block` is (features + 1)^2, `flags` 2 x nodes bytes, `work` 3 x depth x q doubles.
void InteractionsTree(const GbdtModel& model, const FlatTree& flat, const double* row, int width, double* block,
                      double* phi, std::uint8_t* flags, double* work) {
  const std::size_t count = flat.nodes.size();
  const int q = flat.q;
  std::uint8_t* hot = flags;
  std::uint8_t* goes_left = flags + count;
  const Tree& tree = *flat.tree;
  hot[0] = 1;
  for (std::size_t p = 0; p < count; ++p) {
    const FlatNode& n = flat.nodes[p];
    if (!n.is_leaf) goes_left[p] = Left(model, tree, n, row[n.split_feature]) ? 1 : 0;
    if (p == 0) continue;
    const std::uint8_t hot_before = n.previous >= 0 ? hot[n.previous] : 1;
    hot[p] = hot_before & (goes_left[n.parent] == n.is_left ? 1 : 0);
  }
  double* product = work;        // [q]
  double* inverse = work + q;    // [k][q]: w_q P(t_q) / a_k(t_q) for the leave-one-out integrals
  for (std::size_t leaf = 0; leaf + 1 < flat.leaf_begin.size(); ++leaf) {
    const std::int32_t begin = flat.leaf_begin[leaf], end = flat.leaf_begin[leaf + 1];
    const int d = end - begin;
    const double v = flat.nodes[static_cast<std::size_t>(flat.leaf_node[leaf])].leaf_value;
    bool vanishes = false;
    for (int k = 0; k < q; ++k) product[k] = flat.w[static_cast<std::size_t>(k)];
    double* a = inverse + static_cast<std::size_t>(d) * q;  // [k][q]: a_k(t_q)
    for (int m = 0; m < d; ++m) {
      const double o = hot[flat.path_edge[static_cast<std::size_t>(begin + m)]];
      const double z = flat.path_zero[static_cast<std::size_t>(begin + m)];
      if (o == 0 && z == 0) vanishes = true;
      for (int k = 0; k < q; ++k) {
        a[m * q + k] = z + (o - z) * flat.t[static_cast<std::size_t>(k)];
        product[k] *= a[m * q + k];
      }
    }
    if (vanishes || v == 0) continue;
    for (int m = 0; m < d; ++m) {
      const double o = hot[flat.path_edge[static_cast<std::size_t>(begin + m)]];
      const double z = flat.path_zero[static_cast<std::size_t>(begin + m)];
      double total = 0;
      for (int k = 0; k < q; ++k) {
        inverse[m * q + k] = product[k] / a[m * q + k];
        total += inverse[m * q + k];
      }
      phi[flat.path_feature[static_cast<std::size_t>(begin + m)]] += v * (o - z) * total;
    }
    for (int m = 0; m < d; ++m) {
      const double om = hot[flat.path_edge[static_cast<std::size_t>(begin + m)]];
      const double em = om - flat.path_zero[static_cast<std::size_t>(begin + m)];
      const std::size_t fm = static_cast<std::size_t>(flat.path_feature[static_cast<std::size_t>(begin + m)]);
      for (int l = m + 1; l < d; ++l) {
        const double ol = hot[flat.path_edge[static_cast<std::size_t>(begin + l)]];
        const double el = ol - flat.path_zero[static_cast<std::size_t>(begin + l)];
        if (em == 0 || el == 0) continue;
        double total = 0;
        for (int k = 0; k < q; ++k) total += inverse[m * q + k] / a[l * q + k];
        const double half = 0.5 * v * em * el * total;
        const std::size_t fl = static_cast<std::size_t>(flat.path_feature[static_cast<std::size_t>(begin + l)]);
        block[fm * width + fl] += half;
        block[fl * width + fm] += half;
      }
    }
  }
}

}  // namespace

TreeShapExplainer::TreeShapExplainer(const GbdtModel& model) : impl_(std::make_unique<Impl>()) {
  impl_->model = &model;
  impl_->features = static_cast<int>(model.features.size());
  impl_->outputs = model.num_outputs();
  impl_->expected = ExpectedValues(model);
  for (std::size_t t = 0; t < model.trees.size(); ++t) {
    const Tree& tree = model.trees[t];
    if (tree.nodes.size() < 2) continue;  // a lone leaf attributes nothing; its value is in the expected value
    const int output = model.tree_class.empty() ? 0 : model.tree_class[t];
    FlatTree flat = Flatten(tree, output, impl_->features);
    const int route = RouteOf(model, tree);
    flat.kernel1 = KernelFor<1>(flat.lanes, route);
    flat.kernel4 = KernelFor<4>(flat.lanes, route);
    impl_->trees.push_back(std::move(flat));
    impl_->max_nodes = std::max(impl_->max_nodes, impl_->trees.back().nodes.size());
    impl_->max_q = std::max(impl_->max_q, impl_->trees.back().q);
    impl_->max_lanes = std::max(impl_->max_lanes, impl_->trees.back().lanes);
  }
}

TreeShapExplainer::~TreeShapExplainer() = default;
TreeShapExplainer::TreeShapExplainer(TreeShapExplainer&&) noexcept = default;
TreeShapExplainer& TreeShapExplainer::operator=(TreeShapExplainer&&) noexcept = default;

int TreeShapExplainer::outputs() const { return impl_->outputs; }
int TreeShapExplainer::features() const { return impl_->features; }

namespace {

// Trees are summed in fixed chunks of the model's (non-trivial) trees: within a chunk each row accumulates per
// quadrature lane, and a chunk's lanes are added to the row in chunk order (FoldChunk). The sums depend only on the
// chunk boundaries, so a batch row, ExplainRow and a row whose chunks ran on several threads are bit-identical.
constexpr std::size_t kChunkTrees = 128;

std::size_t ChunkCount(const TreeShapExplainer::Impl& impl) {
  return (impl.trees.size() + kChunkTrees - 1) / kChunkTrees;
}
std::size_t AccumulatorSize(const TreeShapExplainer::Impl& impl) {
  return static_cast<std::size_t>(impl.outputs) * static_cast<std::size_t>(impl.features) *
         static_cast<std::size_t>(impl.max_lanes);
}

// Adds chunk c's trees for one row to its zeroed accumulator (outputs x features x max_lanes).
void RunChunk(const TreeShapExplainer::Impl& impl, std::size_t c, const RowView& row, double* acc,
              KernelScratch& scratch) {
  const std::size_t output_stride = static_cast<std::size_t>(impl.features) * static_cast<std::size_t>(impl.max_lanes);
  const std::size_t end = std::min(impl.trees.size(), (c + 1) * kChunkTrees);
  const RowView rows[1] = {row};
  for (std::size_t t = c * kChunkTrees; t < end; ++t) {
    const FlatTree& flat = impl.trees[t];
    double* tree_acc[1] = {acc + static_cast<std::size_t>(flat.output) * output_stride};
    flat.kernel1(*impl.model, flat, rows, tree_acc, impl.max_lanes, scratch);
  }
}

// out[output][feature] += the sum of the feature's lanes, lane 0 first.
void FoldChunk(const TreeShapExplainer::Impl& impl, const double* acc, double* out) {
  const int width = impl.features + 1;
  const auto lanes = static_cast<std::size_t>(impl.max_lanes);
  for (int k = 0; k < impl.outputs; ++k) {
    for (int j = 0; j < impl.features; ++j) {
      const double* a = acc + (static_cast<std::size_t>(k) * impl.features + j) * lanes;
      double sum = a[0];
      for (std::size_t l = 1; l < lanes; ++l) sum += a[l];
      out[static_cast<std::size_t>(k) * width + j] += sum;
    }
  }
}

void SetExpected(const TreeShapExplainer::Impl& impl, double* out) {
  const int width = impl.features + 1;
  for (int k = 0; k < impl.outputs; ++k) {
    out[static_cast<std::size_t>(k) * width + impl.features] = impl.expected[static_cast<std::size_t>(k)];
  }
}

struct RowScratch {
  KernelScratch kernel;
  RowBuffer row;
  std::vector<double> acc;
};

}  // namespace

void TreeShapExplainer::ExplainRow(const double* row, double* out) const {
  const Impl& impl = *impl_;
  thread_local RowScratch scratch;
  scratch.kernel.Fit(impl.max_nodes, impl.max_lanes);
  const std::size_t size = AccumulatorSize(impl);
  if (scratch.acc.size() < size) scratch.acc.resize(size);
  scratch.row.Prepare(1, impl.features, &row);
  std::fill(out, out + static_cast<std::size_t>(impl.outputs) * (impl.features + 1), 0.0);
  for (std::size_t c = 0; c < ChunkCount(impl); ++c) {
    std::fill(scratch.acc.begin(), scratch.acc.begin() + static_cast<std::ptrdiff_t>(size), 0.0);
    RunChunk(impl, c, scratch.row.views[0], scratch.acc.data(), scratch.kernel);
    FoldChunk(impl, scratch.acc.data(), out);
  }
  SetExpected(impl, out);
}

void TreeShapExplainer::ExplainRow(const double* row, double* out, const Context& ctx) const {
  const Impl& impl = *impl_;
  const std::size_t chunks = ChunkCount(impl);
  if (chunks < 2 || ctx.EffectiveThreads() < 2) {
    ExplainRow(row, out);
    return;
  }
  const std::size_t size = AccumulatorSize(impl);
  thread_local std::vector<double> chunk_acc;
  thread_local RowBuffer prepared;
  if (chunk_acc.size() < chunks * size) chunk_acc.resize(chunks * size);
  double* all = chunk_acc.data();
  prepared.Prepare(1, impl.features, &row);
  const RowView view = prepared.views[0];
  ParallelFor(ctx, 0, static_cast<std::int64_t>(chunks), [&](std::int64_t c) {
    thread_local KernelScratch scratch;
    scratch.Fit(impl.max_nodes, impl.max_lanes);
    double* acc = all + static_cast<std::size_t>(c) * size;
    std::fill(acc, acc + size, 0.0);
    RunChunk(impl, static_cast<std::size_t>(c), view, acc, scratch);
  });
  std::fill(out, out + static_cast<std::size_t>(impl.outputs) * (impl.features + 1), 0.0);
  for (std::size_t c = 0; c < chunks; ++c) FoldChunk(impl, all + c * size, out);
  SetExpected(impl, out);
}

ShapMatrix TreeShapExplainer::Explain(const gbdt::FeatureMatrix& x, const Context& ctx) const {
  detail::CheckMatrixFits(*impl_->model, x);
  const Impl& impl = *impl_;
  ShapMatrix out;
  out.rows = x.rows;
  out.outputs = impl.outputs;
  out.features = impl.features;
  out.values.assign(static_cast<std::size_t>(out.rows) * out.outputs * out.width(), 0.0);
  const std::size_t stride = static_cast<std::size_t>(out.outputs) * out.width();
  const std::size_t size = AccumulatorSize(impl);
  const std::size_t chunks = ChunkCount(impl);
  // Tree-major within small groups of rows, four rows in lockstep: a tree's factors stay in cache for the group.
  constexpr std::int64_t kGroup = 32;
  ParallelForBlocks(ctx, 0, x.rows, [&](std::int64_t begin, std::int64_t end, int /*thread*/) {
    KernelScratch scratch;
    scratch.Fit(impl.max_nodes, impl.max_lanes);
    std::vector<double> acc(static_cast<std::size_t>(kGroup) * size);
    RowBuffer prepared;
    for (std::int64_t first = begin; first < end; first += kGroup) {
      const std::int64_t count = std::min(end, first + kGroup) - first;
      const double* values[kGroup];
      for (std::int64_t r = 0; r < count; ++r) values[r] = x.values.data() + static_cast<std::size_t>(first + r) * x.cols;
      prepared.Prepare(static_cast<std::size_t>(count), impl.features, values);
      const auto row = [&](std::int64_t r) { return prepared.views[static_cast<std::size_t>(r)]; };
      const auto row_acc = [&](std::int64_t r) { return acc.data() + static_cast<std::size_t>(r) * size; };
      for (std::size_t c = 0; c < chunks; ++c) {
        std::fill(acc.begin(), acc.begin() + static_cast<std::ptrdiff_t>(count * static_cast<std::int64_t>(size)), 0.0);
        const std::size_t tree_end = std::min(impl.trees.size(), (c + 1) * kChunkTrees);
        for (std::size_t t = c * kChunkTrees; t < tree_end; ++t) {
          const FlatTree& flat = impl.trees[t];
          const std::size_t offset =
              static_cast<std::size_t>(flat.output) * static_cast<std::size_t>(impl.features) * impl.max_lanes;
          std::int64_t r = 0;
          for (; r + 4 <= count; r += 4) {
            const RowView rows[4] = {row(r), row(r + 1), row(r + 2), row(r + 3)};
            double* accs[4] = {row_acc(r) + offset, row_acc(r + 1) + offset, row_acc(r + 2) + offset,
                               row_acc(r + 3) + offset};
            flat.kernel4(*impl.model, flat, rows, accs, impl.max_lanes, scratch);
          }
          for (; r < count; ++r) {
            const RowView rows[1] = {row(r)};
            double* accs[1] = {row_acc(r) + offset};
            flat.kernel1(*impl.model, flat, rows, accs, impl.max_lanes, scratch);
          }
        }
        for (std::int64_t r = 0; r < count; ++r) {
          FoldChunk(impl, row_acc(r), out.values.data() + static_cast<std::size_t>(first + r) * stride);
        }
      }
      for (std::int64_t r = 0; r < count; ++r) SetExpected(impl, out.values.data() + static_cast<std::size_t>(first + r) * stride);
    }
  });
  return out;
}

InteractionMatrix TreeShapExplainer::Interactions(const gbdt::FeatureMatrix& x, const Context& ctx) const {
  detail::CheckMatrixFits(*impl_->model, x);
  InteractionMatrix out;
  out.rows = x.rows;
  out.outputs = impl_->outputs;
  out.features = impl_->features;
  const auto width = static_cast<std::size_t>(out.width());
  const std::size_t block = width * width;
  out.values.assign(static_cast<std::size_t>(out.rows) * out.outputs * block, 0.0);
  int max_depth = 1;
  for (const FlatTree& flat : impl_->trees) max_depth = std::max(max_depth, flat.tree->depth());
  ParallelForBlocks(ctx, 0, x.rows, [&](std::int64_t begin, std::int64_t end, int /*thread*/) {
    std::vector<std::uint8_t> flags(2 * impl_->max_nodes);
    std::vector<double> work(static_cast<std::size_t>(2 * max_depth + 1) * impl_->max_q);
    std::vector<double> phi(static_cast<std::size_t>(out.outputs) * width);
    for (std::int64_t r = begin; r < end; ++r) {
      std::fill(phi.begin(), phi.end(), 0.0);
      double* row_block = out.values.data() + static_cast<std::size_t>(r) * out.outputs * block;
      for (const FlatTree& flat : impl_->trees) {
        InteractionsTree(*impl_->model, flat, x.values.data() + static_cast<std::size_t>(r) * x.cols,
                         out.width(), row_block + static_cast<std::size_t>(flat.output) * block,
                         phi.data() + static_cast<std::size_t>(flat.output) * width, flags.data(), work.data());
      }
      for (int k = 0; k < out.outputs; ++k) {
        double* b = row_block + static_cast<std::size_t>(k) * block;
        for (std::size_t i = 0; i + 1 < width; ++i) {
          double rest = 0;
          for (std::size_t j = 0; j < width; ++j) rest += j == i ? 0.0 : b[i * width + j];
          b[i * width + i] = phi[static_cast<std::size_t>(k) * width + i] - rest;
        }
        b[block - 1] = impl_->expected[static_cast<std::size_t>(k)];
      }
    }
  });
  return out;
}

InteractionMatrix ShapInteractionValues(const GbdtModel& model, const gbdt::FeatureMatrix& x, const Context& ctx) {
  return TreeShapExplainer(model).Interactions(x, ctx);
}

ShapMatrix ShapValues(const GbdtModel& model, const gbdt::FeatureMatrix& x, const Context& ctx) {
  detail::CheckMatrixFits(model, x);
  return TreeShapExplainer(model).Explain(x, ctx);
}

}  // namespace finai::explain
