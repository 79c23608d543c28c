// GARCH(1,1) and GJR-GARCH(1,1) volatility models with a constant mean, fitted by maximum likelihood with
// normal or Student-t innovations. Used directly (volatility forecasts) and by filtered historical simulation,
// which rescales the standardised residuals by a volatility forecast.
//
// Model, for returns r_1..r_n:
//   r_t = mu + e_t,   e_t = sqrt(h_t) z_t,   z_t iid with mean 0 and variance 1 (normal or standardised t_nu)
//   GARCH: h_t = omega + alpha e_{t-1}^2 + beta h_{t-1}
//   GJR:   h_t = omega + (alpha + gamma 1[e_{t-1} < 0]) e_{t-1}^2 + beta h_{t-1}
// The recursion starts as in Fiorentini, Calzolari and Panattoni (1996), the Bollerslev-Ghysels benchmark and
// R's fGarch (init.rec = "mci"): h_1 = omega + persistence * s2 with s2 = (1/n) sum (r_t - mu)^2, i.e. the
// pre-sample e_0^2 and h_0 both equal the mean squared residual at the current mu. persistence is
// alpha + beta for GARCH and alpha + gamma/2 + beta for GJR (the expected ARCH weight under symmetric
// innovations). The log-likelihood sums over all n observations.
// Constraints imposed by the fit: omega > 0, alpha >= 0, beta >= 0, persistence < 1 (covariance
// stationarity), for GJR alpha + gamma >= 0 (so that negative shocks never lower the variance), nu > 2.
// docs/risk_garch.md has the parametrisation, the comparison with fGarch and with the published benchmark.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "finai/core/context.hpp"

namespace finai::risk {

enum class GarchKind { kGarch, kGjr };
enum class Innovation { kNormal, kStudentT };  // Student-t standardised to unit variance, nu estimated

struct GarchSpec {
  GarchKind kind = GarchKind::kGarch;
  Innovation innovation = Innovation::kNormal;
  bool include_mean = true;  // false: mu is fixed at 0 (returns already demeaned)
};

// "garch" / "gjr" and "normal" / "t"; InvalidArgument naming the accepted values otherwise.
GarchKind ParseGarchKind(std::string_view name);
Innovation ParseInnovation(std::string_view name);
// "GJR-GARCH(1,1), Student-t innovations, constant mean", for reports.
std::string DescribeSpec(const GarchSpec& spec);

// The estimated parameters of a spec, in this order (the order of every parameter vector in this API):
//   mu (if include_mean), omega, alpha, gamma (GJR only), beta, nu (Student-t only)
std::vector<std::string> GarchParamNames(const GarchSpec& spec);

struct GarchFit {
  GarchSpec spec;
  double mu = 0, omega = 0, alpha = 0, beta = 0;
  double gamma = 0;  // GJR leverage term; 0 for GARCH
  double nu = 0;     // Student-t degrees of freedom; 0 (unused) for normal innovations
  std::vector<std::string> param_names;  // GarchParamNames(spec)
  std::vector<double> estimates;         // the parameters above, in param_names order
  // Square roots of the diagonal of the inverse observed information (numerical Hessian of the
  // log-likelihood at the optimum, central differences with relative step 1e-4), in param_names order;
  // NaN when the information matrix is not positive definite (e.g. a parameter on its bound).
  std::vector<double> std_errors;
  double log_likelihood = 0;
  double aic = 0;  // -2 log L + 2 k (totals, not fGarch's per-observation values)
  double bic = 0;  // -2 log L + k log n
  int n = 0;       // returns used
  std::vector<double> conditional_variance;    // h_1..h_n
  std::vector<double> standardized_residuals;  // (r_t - mu) / sqrt(h_t)
  double persistence = 0;             // alpha + beta (+ gamma / 2)
  double unconditional_variance = 0;  // omega / (1 - persistence)
  std::string optimizer_status;       // NLopt's reason for stopping
};

// Fits the model by maximum likelihood. returns are in time order; their unit (percent or fraction) is kept
// by the estimates (omega scales with the square of the unit). InvalidArgument when fewer than 100 returns
// are given; InvalidData naming the index and value of a NaN or infinite return, or when the returns are
// constant; Cancelled when ctx is cancelled between optimiser starts.
GarchFit FitGarch(std::span<const double> returns, const GarchSpec& spec, const Context& ctx);

// The log-likelihood (with all constants) of params (GarchParamNames order) for returns, with the
// initialisation above. The recursion is evaluated as given, without the fit's constraints; the result is
// -infinity where a conditional variance is not positive or nu <= 2. InvalidArgument when params has the
// wrong size or returns is empty.
double GarchLogLikelihood(std::span<const double> returns, const GarchSpec& spec, std::span<const double> params);

// The conditional variances h_1..h_n of params for returns (same recursion as the log-likelihood).
std::vector<double> GarchConditionalVariance(std::span<const double> returns, const GarchSpec& spec,
                                             std::span<const double> params);

// The variance of the next return beyond the sample, h_{n+1}, from the last residual and variance.
double NextVariance(const GarchFit& fit);

// Variance forecasts for horizons 1..horizon beyond the sample: h_{n+1}, then
// h_{n+k} = omega + persistence * h_{n+k-1}, which approaches the unconditional variance geometrically.
// InvalidArgument when horizon < 1 or the fit holds no sample.
std::vector<double> ForecastVariance(const GarchFit& fit, int horizon);

}  // namespace finai::risk
