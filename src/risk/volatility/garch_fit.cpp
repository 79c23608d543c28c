// Maximum-likelihood fit of GARCH / GJR-GARCH and the variance forecasts.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>

#include "finai/core/error.hpp"
#include "finai/risk/mle.hpp"
#include "risk/volatility/garch_internal.hpp"

namespace finai::risk {

namespace {

using garch_detail::Params;

constexpr std::size_t kMinReturns = 100;  // below this the persistence is not identified in practice
constexpr double kHessianStep = 1e-4;     // relative, as fGarch's central-difference Hessian (hessian = "rcd")

void ValidateReturns(std::span<const double> returns) {
  if (returns.size() < kMinReturns) {
    throw InvalidArgument(fmt::format("too few returns to fit a GARCH model: {}", returns.size()),
                          {.field = "returns", .expected = fmt::format("at least {} returns", kMinReturns)});
  }
  for (std::size_t i = 0; i < returns.size(); ++i) {
    if (!std::isfinite(returns[i])) {
      throw InvalidData(fmt::format("return at index {} (0-based) is not a finite number", i),
                        {.field = "returns", .value = fmt::format("{}", returns[i]),
                         .expected = "finite returns (drop or fill missing values first)"});
    }
  }
}

// The optimiser works on theta, in which every constraint is a box and every coordinate is of order one
// whatever the unit of the returns (BOBYQA builds quadratic models, which a -infinity wall at persistence = 1
// would wreck, and uses one trust-region radius for all coordinates):
//   [mu / sd], v = unconditional variance / sample variance, p = persistence, s = share of the ARCH terms in p,
//   [l = share of negative shocks in the ARCH weight (GJR)], [1 / nu (Student-t)]
// With a = p s, the mean ARCH weight: alpha = a for GARCH; alpha = 2 a (1 - l) and gamma = 2 a (2 l - 1) for
// GJR (so alpha >= 0 and alpha + gamma = 2 a l >= 0); beta = p (1 - s); omega = v var (1 - p). The (v, p)
// pair also removes most of the strong omega-beta correlation of the natural parametrisation.
struct Transform {
  GarchSpec spec;
  double sd = 1, var = 1;
  double mean = 0;  // the sample mean, centre of the bounds on mu

  bool gjr() const { return spec.kind == GarchKind::kGjr; }
  bool student() const { return spec.innovation == Innovation::kStudentT; }

  Params ToParams(std::span<const double> theta) const {
    std::size_t i = 0;
    Params q;
    if (spec.include_mean) q.mu = theta[i++] * sd;
    const double v = theta[i++], p = theta[i++], s = theta[i++];
    const double l = gjr() ? theta[i++] : 0.5;
    const double a = p * s;
    q.omega = v * var * (1 - p);
    q.alpha = gjr() ? 2 * a * (1 - l) : a;
    q.gamma = gjr() ? 2 * a * (2 * l - 1) : 0.0;
    q.beta = p * (1 - s);
    if (student()) q.nu = 1.0 / theta[i++];
    return q;
  }
  // Inverse of ToParams for a start point with persistence in (0, 1) and a positive ARCH weight.
  std::vector<double> ToTheta(const Params& q) const {
    const double p = garch_detail::Persistence(spec, q);
    const double a = p - q.beta;
    std::vector<double> theta;
    if (spec.include_mean) theta.push_back(q.mu / sd);
    theta.push_back(q.omega / (1 - p) / var);
    theta.push_back(p);
    theta.push_back(a / p);
    if (gjr()) theta.push_back((q.alpha + q.gamma) / (2 * a));
    if (student()) theta.push_back(1.0 / q.nu);
    return theta;
  }
  // mu within 3 sd of the sample mean; the unconditional variance within [1e-4, 1e3] times the sample variance; persistence at most
  // 1 - 1e-6 (so omega > 0); 1/nu in [1/500, 1/2.02] (nu = 500 is a normal for every practical purpose; near
  // 2 the t has no fourth moment and the likelihood of its scale degenerates).
  void Bounds(std::vector<double>& lower, std::vector<double>& upper) const {
    auto add = [&](double lo, double hi) {
      lower.push_back(lo);
      upper.push_back(hi);
    };
    if (spec.include_mean) add(mean / sd - 3, mean / sd + 3);
    add(1e-4, 1e3);
    add(0, 1 - 1e-6);
    add(0, 1);
    if (gjr()) add(0, 1);
    if (student()) add(1.0 / 500, 1.0 / 2.02);
  }
};

// Start points: fGarch's (alpha 0.1, beta 0.8) and a more persistent one typical of daily returns; the best
// optimum of the two is kept, which guards against BOBYQA stopping on a flat ridge from one of them.
std::vector<Params> StartPoints(const GarchSpec& spec, double mean) {
  const bool gjr = spec.kind == GarchKind::kGjr;
  std::vector<Params> starts;
  for (auto [alpha, beta] : {std::pair{0.1, 0.8}, std::pair{0.05, 0.9}}) {
    Params p;
    p.mu = spec.include_mean ? mean : 0.0;
    p.alpha = gjr ? alpha / 2 : alpha;
    p.gamma = gjr ? alpha : 0.0;
    p.beta = beta;
    p.nu = 8;
    starts.push_back(p);
  }
  return starts;
}

}  // namespace

GarchFit FitGarch(std::span<const double> returns, const GarchSpec& spec, const Context& ctx) {
  ValidateReturns(returns);
  const auto n = static_cast<double>(returns.size());
  double mean = 0;
  for (double r : returns) mean += r;
  mean /= n;
  double var = 0;
  for (double r : returns) var += (r - mean) * (r - mean);
  var /= n;
  if (!(var > 0)) {
    throw InvalidData(fmt::format("the returns are constant ({}); a variance model needs variation", returns[0]),
                      {.field = "returns"});
  }
  const Transform transform{spec, std::sqrt(var), var, mean};
  const LogLikelihood objective = [&](std::span<const double> theta) {
    return garch_detail::LogLikelihood(returns, spec, transform.ToParams(theta));
  };
  std::vector<double> lower, upper;
  transform.Bounds(lower, upper);

  MleOptions options;
  options.standard_errors = false;  // computed below in natural units, without the stationarity wall
  std::optional<MleResult> best;
  std::string last_failure;
  for (Params start : StartPoints(spec, mean)) {
    ctx.ThrowIfCancelled();
    // omega so that the start's unconditional variance equals the sample variance.
    start.omega = var * (1 - garch_detail::Persistence(spec, start));
    try {
      MleResult r = MaximizeLikelihood(objective, transform.ToTheta(start), lower, upper, options);
      ctx.Log(LogLevel::kDebug, fmt::format("GARCH start alpha={} beta={}: log-likelihood {:.10g} ({}, {} evaluations)",
                                            start.alpha, start.beta, r.log_likelihood, r.status, r.evaluations));
      if (!best || r.log_likelihood > best->log_likelihood) best = std::move(r);
    } catch (const InvalidData& e) {
      last_failure = e.what();  // another start may still succeed
    }
  }
  if (!best) throw InvalidData(fmt::format("the GARCH likelihood could not be maximised: {}", last_failure));

  const Params p = transform.ToParams(best->params);
  GarchFit fit;
  fit.spec = spec;
  fit.mu = p.mu;
  fit.omega = p.omega;
  fit.alpha = p.alpha;
  fit.gamma = p.gamma;
  fit.beta = p.beta;
  fit.nu = spec.innovation == Innovation::kStudentT ? p.nu : 0.0;
  fit.param_names = GarchParamNames(spec);
  fit.estimates = garch_detail::Pack(spec, p);
  fit.log_likelihood = garch_detail::LogLikelihood(returns, spec, p);
  const auto k = static_cast<double>(fit.estimates.size());
  fit.aic = -2 * fit.log_likelihood + 2 * k;
  fit.bic = -2 * fit.log_likelihood + k * std::log(n);
  fit.n = static_cast<int>(returns.size());
  fit.conditional_variance = GarchConditionalVariance(returns, spec, fit.estimates);
  fit.standardized_residuals.resize(returns.size());
  for (std::size_t t = 0; t < returns.size(); ++t) {
    fit.standardized_residuals[t] = (returns[t] - p.mu) / std::sqrt(fit.conditional_variance[t]);
  }
  fit.persistence = garch_detail::Persistence(spec, p);
  fit.unconditional_variance = p.omega / (1 - fit.persistence);
  fit.optimizer_status = best->status;

  // Observed information in natural units. The likelihood here has no stationarity wall: a difference step
  // across persistence = 1 is harmless for the curvature, whereas a wall would make it meaningless.
  const LogLikelihood natural = [&](std::span<const double> values) {
    return garch_detail::LogLikelihood(returns, spec, garch_detail::Unpack(spec, values));
  };
  fit.std_errors.assign(fit.estimates.size(), std::numeric_limits<double>::quiet_NaN());
  const Eigen::MatrixXd information = -NumericalHessian(natural, fit.estimates, kHessianStep);
  if (information.allFinite()) {
    Eigen::LLT<Eigen::MatrixXd> llt(information);
    if (llt.info() == Eigen::Success) {
      const Eigen::MatrixXd cov = llt.solve(Eigen::MatrixXd::Identity(information.rows(), information.cols()));
      for (Eigen::Index i = 0; i < cov.rows(); ++i) fit.std_errors[static_cast<std::size_t>(i)] = std::sqrt(cov(i, i));
    } else {
      ctx.Log(LogLevel::kWarning, "GARCH: the information matrix is not positive definite; standard errors are NaN "
                                  "(a parameter is probably on its bound)");
    }
  }
  return fit;
}

double NextVariance(const GarchFit& fit) {
  if (fit.conditional_variance.empty() || fit.standardized_residuals.size() != fit.conditional_variance.size()) {
    throw InvalidArgument("the GARCH fit holds no sample to forecast from", {.field = "fit"});
  }
  Params p;
  p.mu = fit.mu, p.omega = fit.omega, p.alpha = fit.alpha, p.gamma = fit.gamma, p.beta = fit.beta;
  const double h_last = fit.conditional_variance.back();
  const double e_last = fit.standardized_residuals.back() * std::sqrt(h_last);
  return garch_detail::NextH(fit.spec, p, e_last, h_last);
}

std::vector<double> ForecastVariance(const GarchFit& fit, int horizon) {
  if (horizon < 1) {
    throw InvalidArgument(fmt::format("forecast horizon {} is not positive", horizon),
                          {.field = "horizon", .value = std::to_string(horizon), .expected = "an integer >= 1"});
  }
  std::vector<double> out(static_cast<std::size_t>(horizon));
  out[0] = NextVariance(fit);
  // Beyond one step E[e^2] = h and E[1(e<0) e^2] = h / 2, so the ARCH terms add up to persistence * h.
  for (std::size_t k = 1; k < out.size(); ++k) out[k] = fit.omega + fit.persistence * out[k - 1];
  return out;
}

}  // namespace finai::risk
