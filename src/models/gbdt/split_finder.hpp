// Finding the best split of a node from its histogram: numeric thresholds with a learned direction for
// missing values, categorical splits by ordered gradient statistics (Fisher 1958, as LightGBM does),
// monotone constraints that bound leaf values, and the regularised gain of XGBoost's papers.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "finai/core/context.hpp"
#include "finai/models/gbdt/params.hpp"
#include "histogram.hpp"

namespace finai::gbdt {

// Bounds on a node's value from monotone constraints above it.
struct ValueBounds {
  double lower = -std::numeric_limits<double>::infinity();
  double upper = std::numeric_limits<double>::infinity();
};

struct SplitCandidate {
  double gain = -std::numeric_limits<double>::infinity();
  int feature = -1;
  bool categorical = false;
  int threshold_bin = -1;             // numeric: value bins <= threshold_bin go left
  std::vector<std::uint8_t> left_bins;  // categorical: 1 for each bin that goes left
  bool default_left = true;           // where the missing bin goes
  NodeSums left, right;
  double left_value = 0, right_value = 0;  // optimal (bounded) leaf values before the learning rate

  bool valid() const { return feature >= 0; }
};

// The arithmetic of the regularised objective, in real units (fixed point converted).
class LeafMath {
 public:
  LeafMath(const GbdtParams& params, GradScale scale)
      : params_(params), inv_g_(1.0 / scale.g), inv_h_(1.0 / scale.h) {}
  double G(const NodeSums& s) const { return static_cast<double>(s.g) * inv_g_; }  // scales are powers of two:
  double H(const NodeSums& s) const { return static_cast<double>(s.h) * inv_h_; }  // exact
  // Score at the unbounded optimum, T(G)^2 / (H + lambda) with T the L1 soft threshold: equal to
  // Score(s, Value(s)) whenever no bound or max_delta_step applies, and much cheaper.
  double OptimalScore(const NodeSums& s) const {
    const double g = G(s);
    const double alpha = params_.lambda_l1;
    const double t = g > alpha ? g - alpha : (g < -alpha ? g + alpha : 0.0);
    return t * t / (H(s) + params_.lambda_l2);
  }
  // The value minimising G w + (H + lambda) w^2 / 2 + alpha |w|, capped by max_delta_step and the bounds.
  double Value(const NodeSums& s, const ValueBounds& bounds) const;
  // Twice the objective's decrease from 0 at value w (XGBoost's "gain" units, so min_split_gain = gamma).
  double Score(const NodeSums& s, double w) const;

 private:
  const GbdtParams& params_;
  double inv_g_;
  double inv_h_;
};

struct SplitSearch {
  const TrainingData* data;
  const GbdtParams* params;
  LeafMath math;
  int count_bits = 1;          // of the histogram bins (GradScale::count_bits)
  std::vector<char> allowed;  // per feature: may this node split on it (column sampling, interactions)
};

SplitCandidate FindBestSplit(const SplitSearch& search, const Histogram& hist, const NodeSums& total,
                             const ValueBounds& bounds, const Context& ctx);

}  // namespace finai::gbdt
