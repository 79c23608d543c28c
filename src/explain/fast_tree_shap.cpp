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
#include "fast_tree_shap_kernel.hpp"
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


}  // namespace

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
    flat.kernel1 = ContribKernelFor(1, flat.lanes, route);
    flat.kernel4 = ContribKernelFor(4, flat.lanes, route);
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
