// The contributions kernel of the fast TreeSHAP path (fast_tree_shap.cpp derives the algorithm): one tree's
// contributions for one or four rows, branch-free routing per tree kind, quadrature lanes in SSE2 or AVX2.
#include "fast_tree_shap_kernel.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>

namespace finai::explain {

namespace {
using gbdt::GbdtModel;
using gbdt::Tree;
using gbdt::TreeNode;

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
// The factor cases of a split's two children for one row: when the row reached the node along its path
// ("hot" before), the child it goes to is kHot (0) and the other kTurnsCold (1); when it did not (cold
// before), both are kCold (2). Arithmetic rather than branches: the direction is as good as random.
struct ChildCases {
  unsigned left, right;
};
FINAI_KERNEL_INLINE ChildCases CasesOf(const std::uint16_t* offset, std::size_t previous, unsigned goes_left) {
  const unsigned before = offset[previous] == 0 ? 1U : 0U;
  return {2 - before - (before & goes_left), 2 - 2 * before + (before & goes_left)};
}

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
      const auto [case_left, case_right] =
          CasesOf(offset[r], previous, RouteLeft<kRoute>(model, flat, s, row[r]) ? 1U : 0U);
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
      const auto [case_left, case_right] =
          CasesOf(offset[r], previous, RouteLeft<kRoute>(model, flat, s, row[r]) ? 1U : 0U);
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

}  // namespace

ContribKernel ContribKernelFor(int rows, int lanes, int route) {
  return rows == 1 ? KernelFor<1>(lanes, route) : KernelFor<4>(lanes, route);
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

}  // namespace finai::explain
