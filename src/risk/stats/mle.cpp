#include "finai/risk/mle.hpp"

#include <fmt/format.h>
#include <nlopt.h>

#include <cmath>
#include <limits>

#include "finai/core/error.hpp"

namespace finai::risk {

namespace {
struct Objective {
  const LogLikelihood* loglik;
  int evaluations = 0;
};

// NLopt minimises; it receives the negative log-likelihood, and +huge where the likelihood is undefined
// (NLopt's derivative-free methods cope with a wall better than with NaN).
double NegativeLogLikelihood(unsigned n, const double* x, double* /*grad*/, void* data) {
  auto* obj = static_cast<Objective*>(data);
  ++obj->evaluations;
  const double ll = (*obj->loglik)(std::span<const double>(x, n));
  return std::isfinite(ll) ? -ll : 1e300;
}

const char* ResultName(nlopt_result r) {
  switch (r) {
    case NLOPT_SUCCESS: return "success";
    case NLOPT_STOPVAL_REACHED: return "stopval reached";
    case NLOPT_FTOL_REACHED: return "ftol reached";
    case NLOPT_XTOL_REACHED: return "xtol reached";
    case NLOPT_MAXEVAL_REACHED: return "maximum evaluations reached";
    case NLOPT_MAXTIME_REACHED: return "maximum time reached";
    case NLOPT_ROUNDOFF_LIMITED: return "roundoff limited";
    case NLOPT_FAILURE: return "failure";
    case NLOPT_INVALID_ARGS: return "invalid arguments";
    case NLOPT_OUT_OF_MEMORY: return "out of memory";
    case NLOPT_FORCED_STOP: return "forced stop";
    default: return "unknown";
  }
}

nlopt_result RunBobyqa(Objective& obj, std::vector<double>& x, const std::vector<double>& lower,
                       const std::vector<double>& upper, const MleOptions& options, double& value) {
  const auto n = static_cast<unsigned>(x.size());
  nlopt_opt opt = nlopt_create(NLOPT_LN_BOBYQA, n);
  nlopt_set_lower_bounds(opt, lower.data());
  nlopt_set_upper_bounds(opt, upper.data());
  nlopt_set_min_objective(opt, NegativeLogLikelihood, &obj);
  nlopt_set_xtol_rel(opt, options.xtol_rel);
  nlopt_set_ftol_rel(opt, options.ftol_rel);
  nlopt_set_maxeval(opt, options.max_evaluations);
  const nlopt_result r = nlopt_optimize(opt, x.data(), &value);
  nlopt_destroy(opt);
  return r;
}
}  // namespace

Eigen::MatrixXd NumericalHessian(const LogLikelihood& f, const std::vector<double>& x0, double h) {
  const auto n = static_cast<Eigen::Index>(x0.size());
  Eigen::MatrixXd hess(n, n);
  std::vector<double> x = x0;
  std::vector<double> step(x0.size());
  for (std::size_t i = 0; i < x0.size(); ++i) step[i] = x0[i] != 0 ? h * std::fabs(x0[i]) : h;
  const double f0 = f(x);
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto ui = static_cast<std::size_t>(i);
    x[ui] = x0[ui] + step[ui];
    const double fp = f(x);
    x[ui] = x0[ui] - step[ui];
    const double fm = f(x);
    x[ui] = x0[ui];
    hess(i, i) = (fp - 2 * f0 + fm) / (step[ui] * step[ui]);
    for (Eigen::Index j = 0; j < i; ++j) {
      const auto uj = static_cast<std::size_t>(j);
      auto eval = [&](double si, double sj) {
        x[ui] = x0[ui] + si * step[ui];
        x[uj] = x0[uj] + sj * step[uj];
        const double v = f(x);
        x[ui] = x0[ui];
        x[uj] = x0[uj];
        return v;
      };
      hess(i, j) = hess(j, i) =
          (eval(1, 1) - eval(1, -1) - eval(-1, 1) + eval(-1, -1)) / (4 * step[ui] * step[uj]);
    }
  }
  return hess;
}

MleResult MaximizeLikelihood(const LogLikelihood& loglik, std::vector<double> start, const std::vector<double>& lower,
                             const std::vector<double>& upper, const MleOptions& options) {
  if (start.empty() || lower.size() != start.size() || upper.size() != start.size()) {
    throw InvalidArgument(fmt::format("{} start values but {} lower and {} upper bounds", start.size(), lower.size(),
                                      upper.size()));
  }
  for (std::size_t i = 0; i < start.size(); ++i) {
    if (!(lower[i] <= start[i] && start[i] <= upper[i])) {
      throw InvalidArgument(fmt::format("start value {} of parameter {} is outside [{}, {}]", start[i], i, lower[i],
                                        upper[i]));
    }
  }
  if (!std::isfinite(loglik(start))) {
    throw InvalidData("the log-likelihood is not finite at the start values", {.expected = "a feasible start"});
  }
  Objective obj{&loglik};
  double value = 0;
  nlopt_result r = RunBobyqa(obj, start, lower, upper, options, value);
  // A second run from the optimum restarts BOBYQA's trust region, which often gains the last digits.
  if (r > 0) r = RunBobyqa(obj, start, lower, upper, options, value);
  if (r < 0) {
    throw InvalidData(fmt::format("the likelihood maximisation failed: {}", ResultName(r)));
  }
  MleResult out;
  out.params = start;
  out.log_likelihood = -value;
  out.evaluations = obj.evaluations;
  out.status = ResultName(r);
  out.std_errors.assign(start.size(), std::numeric_limits<double>::quiet_NaN());
  if (options.standard_errors) {
    const Eigen::MatrixXd information = -NumericalHessian(loglik, out.params, options.hessian_step);
    Eigen::LLT<Eigen::MatrixXd> llt(information);
    if (llt.info() == Eigen::Success) {
      out.covariance = llt.solve(Eigen::MatrixXd::Identity(information.rows(), information.cols()));
      for (std::size_t i = 0; i < start.size(); ++i) {
        out.std_errors[i] = std::sqrt(out.covariance(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(i)));
      }
    }
  }
  return out;
}

}  // namespace finai::risk
