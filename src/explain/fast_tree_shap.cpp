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

struct FlatTree {
  const Tree* tree = nullptr;
  int output = 0;
  int q = 1;                   // quadrature points
  std::vector<FlatNode> nodes;
  std::vector<double> ratio;   // [node][case][q]: a_e / a_p(e)
  std::vector<double> delta;   // [node][case][q]: w_q (c_e - c_p(e))
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
  std::vector<double> expected;
  std::vector<FlatTree> trees;
};

namespace {

FlatTree Flatten(const Tree& tree, int output) {
  FlatTree flat;
  flat.tree = &tree;
  flat.output = output;
  flat.q = std::max(1, (tree.depth() + 1) / 2);
  std::vector<double> t, w;
  GaussLegendre(flat.q, t, w);
  const int q = flat.q;
  std::vector<double> zero;  // z_e: cumulative cover fraction of the edge's feature down to this node
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
        flat.ratio.push_back(ratio);
        flat.delta.push_back(w[static_cast<std::size_t>(k)] * diff);
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

// Adds one tree's contributions for one row to phi. `work` holds 2 x nodes x q doubles, `flags` 2 x nodes bytes.
// kQ > 0 fixes the number of quadrature points at compile time (the common depths); 0 reads it from the tree.
template <int kQ>
void ExplainTree(const GbdtModel& model, const FlatTree& flat, const double* row, double* phi, double* work,
                 std::uint8_t* flags) {
  const std::size_t count = flat.nodes.size();
  const int q = kQ > 0 ? kQ : flat.q;
  const FlatNode* nodes = flat.nodes.data();
  double* prod = work;             // P per node
  double* sum = work + count * q;  // G per node
  std::uint8_t* hot = flags;       // o_e per edge
  std::uint8_t* cases = flags + count;
  std::uint8_t* goes_left = flags + 2 * count;
  const Tree& tree = *flat.tree;
  for (int k = 0; k < q; ++k) prod[k] = 1;
  hot[0] = 1;
  for (std::size_t p = 0; p < count; ++p) {
    const FlatNode& n = nodes[p];
    if (!n.is_leaf) goes_left[p] = Left(model, tree, n, row[n.split_feature]) ? 1 : 0;
    if (p == 0) continue;
    const std::uint8_t hot_before = n.previous >= 0 ? hot[n.previous] : 1;
    const std::uint8_t now = hot_before & (goes_left[n.parent] == n.is_left ? 1 : 0);
    hot[p] = now;
    const std::uint8_t c = now ? kHot : hot_before ? kTurnsCold : kCold;
    cases[p] = c;
    const double* ratio = flat.ratio.data() + (p * 3 + c) * q;
    const double* from = prod + static_cast<std::size_t>(n.parent) * q;
    double* to = prod + p * q;
#pragma GCC unroll 8
    for (int k = 0; k < q; ++k) to[k] = from[k] * ratio[k];
  }
  // Children come after their parent in preorder, so walking backwards every G is complete when it is needed.
  for (std::size_t p = count; p-- > 1;) {
    const FlatNode& n = nodes[p];
    double* g = sum + p * q;
    if (n.is_leaf) {
      const double v = n.leaf_value;
      const double* pr = prod + p * q;
#pragma GCC unroll 8
      for (int k = 0; k < q; ++k) g[k] = v * pr[k];
    } else {
      const double* left = sum + (p + 1) * q;
      const double* right = sum + static_cast<std::size_t>(n.right_child) * q;
#pragma GCC unroll 8
      for (int k = 0; k < q; ++k) g[k] = left[k] + right[k];
    }
    if (cases[p] != kCold) {
      const double* delta = flat.delta.data() + (p * 3 + cases[p]) * q;
      double total = 0;
#pragma GCC unroll 8
      for (int k = 0; k < q; ++k) total += delta[k] * g[k];
      phi[n.edge_feature] += total;
    }
  }
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

using TreeKernel = void (*)(const GbdtModel&, const FlatTree&, const double*, double*, double*, std::uint8_t*);
TreeKernel KernelFor(int q) {
  switch (q) {
    case 1: return ExplainTree<1>;
    case 2: return ExplainTree<2>;
    case 3: return ExplainTree<3>;
    case 4: return ExplainTree<4>;
    case 5: return ExplainTree<5>;
    case 6: return ExplainTree<6>;
    default: return ExplainTree<0>;
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
    impl_->trees.push_back(Flatten(tree, output));
    impl_->max_nodes = std::max(impl_->max_nodes, impl_->trees.back().nodes.size());
    impl_->max_q = std::max(impl_->max_q, impl_->trees.back().q);
  }
}

TreeShapExplainer::~TreeShapExplainer() = default;
TreeShapExplainer::TreeShapExplainer(TreeShapExplainer&&) noexcept = default;
TreeShapExplainer& TreeShapExplainer::operator=(TreeShapExplainer&&) noexcept = default;

int TreeShapExplainer::outputs() const { return impl_->outputs; }
int TreeShapExplainer::features() const { return impl_->features; }

namespace {
struct Scratch {
  std::vector<double> work;
  std::vector<std::uint8_t> flags;
  Scratch() = default;
  explicit Scratch(const TreeShapExplainer::Impl& impl) { Fit(impl); }
  void Fit(const TreeShapExplainer::Impl& impl) {
    const std::size_t doubles = 2 * impl.max_nodes * static_cast<std::size_t>(impl.max_q);
    if (work.size() < doubles) work.resize(doubles);
    if (flags.size() < 3 * impl.max_nodes) flags.resize(3 * impl.max_nodes);
  }
};

void ExplainRowWith(const TreeShapExplainer::Impl& impl, const double* row, double* out, Scratch& scratch) {
  const int width = impl.features + 1;
  std::fill(out, out + static_cast<std::size_t>(impl.outputs) * width, 0.0);
  for (const FlatTree& flat : impl.trees) {
    KernelFor(flat.q)(*impl.model, flat, row, out + static_cast<std::size_t>(flat.output) * width,
                      scratch.work.data(), scratch.flags.data());
  }
  for (int k = 0; k < impl.outputs; ++k) out[static_cast<std::size_t>(k) * width + impl.features] = impl.expected[k];
}
}  // namespace

void TreeShapExplainer::ExplainRow(const double* row, double* out) const {
  thread_local Scratch scratch;
  scratch.Fit(*impl_);
  ExplainRowWith(*impl_, row, out, scratch);
}

ShapMatrix TreeShapExplainer::Explain(const gbdt::FeatureMatrix& x, const Context& ctx) const {
  detail::CheckMatrixFits(*impl_->model, x);
  ShapMatrix out;
  out.rows = x.rows;
  out.outputs = impl_->outputs;
  out.features = impl_->features;
  out.values.assign(static_cast<std::size_t>(out.rows) * out.outputs * out.width(), 0.0);
  const std::size_t stride = static_cast<std::size_t>(out.outputs) * out.width();
  const int width = out.width();
  // Tree-major within small groups of rows: a tree's precomputed factors stay in cache for the whole group, and
  // each row still adds its trees in model order (the same sums as one row at a time, at any thread count).
  constexpr std::int64_t kGroup = 32;
  ParallelForBlocks(ctx, 0, x.rows, [&](std::int64_t begin, std::int64_t end, int /*thread*/) {
    Scratch scratch(*impl_);
    for (std::int64_t first = begin; first < end; first += kGroup) {
      const std::int64_t last = std::min(end, first + kGroup);
      for (const FlatTree& flat : impl_->trees) {
        const TreeKernel kernel = KernelFor(flat.q);
        for (std::int64_t r = first; r < last; ++r) {
          kernel(*impl_->model, flat, x.values.data() + static_cast<std::size_t>(r) * x.cols,
                 out.values.data() + static_cast<std::size_t>(r) * stride + static_cast<std::size_t>(flat.output) * width,
                 scratch.work.data(), scratch.flags.data());
        }
      }
      for (std::int64_t r = first; r < last; ++r) {
        for (int k = 0; k < out.outputs; ++k) {
          out.values[static_cast<std::size_t>(r) * stride + static_cast<std::size_t>(k) * width + out.features] =
              impl_->expected[static_cast<std::size_t>(k)];
        }
      }
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
