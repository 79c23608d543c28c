// Maximum-likelihood fits of severity laws to losses, with standard errors and goodness of fit.
//
// Goodness of fit: the Kolmogorov-Smirnov statistic D = sup |F_n - F| and the Anderson-Darling statistic
// A^2 (computed from log F and log(1 - F), so that a far tail where F rounds to 1 still counts). Their
// textbook p-values assume a fully specified law; with parameters estimated from the same data they are far
// too large (Lilliefors). The p-values here are therefore by seeded parametric bootstrap: B samples of the
// same size are drawn from the fitted law (replicate r from Rng(seed, r)), the law is refitted to each, and
// p = (1 + #{T*_r >= T}) / (B + 1), so the smallest reportable p-value is 1 / (B + 1). The result is the same
// at any thread count.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "finai/core/context.hpp"
#include "finai/risk/lda/severity.hpp"

namespace finai::risk::lda {

// InvalidData naming the first loss that is not positive and finite, and for fewer than `minimum` losses.
void ValidateLosses(std::span<const double> losses, std::int64_t minimum = 2);

struct GoodnessOfFit {
  std::int64_t n = 0;
  double ks = 0;           // Kolmogorov-Smirnov D
  double ad = 0;           // Anderson-Darling A^2
  double ks_p_value = -1;  // parametric bootstrap; -1 when not computed
  double ad_p_value = -1;
  int bootstrap_replicates = 0;
  std::uint64_t seed = 0;
};

// D and A^2 of a sample against a continuous law given by its CDF and log-CDF / log-survival functions.
struct GofStatistics {
  double ks = 0;
  double ad = 0;
};
GofStatistics ComputeGofStatistics(std::span<const double> sample, const std::function<double(double)>& cdf,
                                   const std::function<double(double)>& log_cdf,
                                   const std::function<double(double)>& log_survival);

struct SeverityFitOptions {
  int bootstrap_replicates = 199;  // 0: statistics only, no p-values
};

struct SeverityFit {
  SeverityFamily family = SeverityFamily::kLognormal;
  SeverityModel model;
  std::vector<std::string> param_names;
  std::vector<double> params;
  std::vector<double> std_errors;
  double log_likelihood = 0;
  double aic = 0;
  std::int64_t n = 0;
  GoodnessOfFit gof;
};

// Fits lognormal (closed-form ML: mean and divisor-n standard deviation of log x, standard errors
// sdlog / sqrt(n) and sdlog / sqrt(2n)), Weibull or gamma (MaximizeLikelihood, standard errors from the
// observed information) to positive losses; the spliced GPD is fitted by FitSplicedGpd (tail.hpp).
// Bootstrap p-values use ctx.seed() and ctx's threads.
SeverityFit FitSeverity(std::span<const double> losses, SeverityFamily family, const SeverityFitOptions& options,
                        const Context& ctx);

// The parametric-bootstrap p-values of `observed` for a family: `simulate` draws a sample from the fitted law,
// `statistics` refits to it and returns the refitted statistics. Shared by the body fits and the GPD tail.
void BootstrapGofPValues(std::int64_t n, GoodnessOfFit& gof, int replicates,
                         const std::function<void(Sampler&, std::vector<double>&)>& simulate,
                         const std::function<GofStatistics(std::vector<double>&)>& refit_statistics,
                         const Context& ctx);

}  // namespace finai::risk::lda
