// The tail by peaks over threshold: the excesses of losses over a high threshold u follow approximately a
// generalized Pareto law (Pickands-Balkema-de Haan), fitted by maximum likelihood; the mean-excess function
// e(u) = E[X - u | X > u], linear in u for a GPD tail (slope xi / (1 - xi)), helps choose u.
//
// Threshold choice: the user's, or by default the empirical 90% quantile of the losses, i.e. about the top
// 10% of losses are treated as the tail (a common rule of thumb; the classic choice for the Danish fire data
// is u = 10 with 109 excesses, McNeil 1997). A threshold is accepted only if at least kMinExceedances losses
// lie strictly above it.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "finai/core/context.hpp"
#include "finai/risk/lda/severity.hpp"
#include "finai/risk/lda/severity_fit.hpp"

namespace finai::risk::lda {

inline constexpr std::int64_t kMinExceedances = 10;
inline constexpr double kDefaultThresholdQuantile = 0.9;

struct MeanExcessPoint {
  double threshold = 0;
  double mean_excess = 0;
  double std_error = 0;  // sd of the excesses / sqrt(count)
  std::int64_t exceedances = 0;
};

// e(u) at each distinct loss value u that leaves at least min_exceedances losses strictly above it (the
// points of a mean-excess plot), at most max_points of them spread evenly over that range.
std::vector<MeanExcessPoint> MeanExcessPlot(std::span<const double> losses, std::int64_t min_exceedances = 10,
                                            std::int64_t max_points = 200);
// e(u) at one threshold; InvalidArgument when no loss exceeds it.
MeanExcessPoint MeanExcessAt(std::span<const double> losses, double threshold);

// The default threshold: the empirical 90% quantile (type 1: the ceil(0.9 n)-th smallest loss).
double DefaultThreshold(std::span<const double> losses);

struct GpdFit {
  double threshold = 0;
  Gpd gpd;
  double xi_std_error = 0;
  double beta_std_error = 0;
  double log_likelihood = 0;
  std::int64_t exceedances = 0;
  std::int64_t n = 0;
  double tail_probability = 0;  // exceedances / n
  GoodnessOfFit gof;            // of the GPD to the excesses
};

// ML fit of (xi, beta) to the excesses x - u of the losses x > u (MaximizeLikelihood from probability-weighted
// moment starting values; xi in [-0.5, 3]). InvalidArgument when fewer than kMinExceedances losses exceed u.
GpdFit FitGpdTail(std::span<const double> losses, double threshold, const SeverityFitOptions& options,
                  const Context& ctx);

struct SplicedFit {
  GpdFit tail;
  BodyKind body = BodyKind::kEmpirical;
  // Lognormal body: ML of a lognormal truncated at u on the losses <= u, with standard errors.
  double body_meanlog = 0, body_sdlog = 0, body_meanlog_se = 0, body_sdlog_se = 0;
  SplicedGpd model;
};

SplicedFit FitSplicedGpd(std::span<const double> losses, double threshold, BodyKind body,
                         const SeverityFitOptions& options, const Context& ctx);

}  // namespace finai::risk::lda
