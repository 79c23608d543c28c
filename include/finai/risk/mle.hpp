// Maximum likelihood with NLopt: the shared engine behind GARCH, frequency and severity fits. Standard
// errors come from the inverse of the observed information (the negative Hessian of the log-likelihood at
// the optimum, by central differences).
#pragma once

#include <Eigen/Dense>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace finai::risk {

// Log-likelihood of a parameter vector; return -infinity (or NaN) where it is undefined.
using LogLikelihood = std::function<double(std::span<const double> params)>;

struct MleOptions {
  double xtol_rel = 1e-10;     // stop when no parameter moves by more than this relative amount
  double ftol_rel = 1e-14;     // or the log-likelihood improves by less than this
  int max_evaluations = 50000;
  bool standard_errors = true;
  double hessian_step = 1e-4;  // relative step of the central differences
};

struct MleResult {
  std::vector<double> params;
  double log_likelihood = 0;
  std::vector<double> std_errors;  // NaN when the information matrix is not positive definite
  Eigen::MatrixXd covariance;      // inverse observed information (empty when not computed)
  int evaluations = 0;
  std::string status;              // NLopt's reason for stopping
};

// Maximises loglik within [lower, upper] from start (BOBYQA, then a second BOBYQA from the first optimum
// to polish). InvalidArgument on inconsistent sizes or a start outside the bounds; InvalidData when the
// log-likelihood is not finite at the start.
MleResult MaximizeLikelihood(const LogLikelihood& loglik, std::vector<double> start, const std::vector<double>& lower,
                             const std::vector<double>& upper, const MleOptions& options = {});

// Hessian of f at x by central differences with relative step h (absolute h where x is 0).
Eigen::MatrixXd NumericalHessian(const LogLikelihood& f, const std::vector<double>& x, double h);

}  // namespace finai::risk
