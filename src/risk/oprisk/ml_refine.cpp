#include "risk/oprisk/ml_refine.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace finai::risk::lda {

namespace {

constexpr double kGradientStep = 1e-5;  // relative; truncation ~1e-10, rounding ~1e-16 |f| / 1e-5
constexpr double kHessianStep = 1e-4;   // as MleOptions' default, so standard errors agree with MaximizeLikelihood
constexpr int kMaxNewtonSteps = 30;

Eigen::VectorXd NumericalGradient(const LogLikelihood& f, std::vector<double> x) {
  Eigen::VectorXd g(static_cast<Eigen::Index>(x.size()));
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double x0 = x[i];
    const double h = x0 != 0 ? kGradientStep * std::fabs(x0) : kGradientStep;
    x[i] = x0 + h;
    const double up = f(x);
    x[i] = x0 - h;
    const double down = f(x);
    x[i] = x0;
    g(static_cast<Eigen::Index>(i)) = (up - down) / (2 * h);
  }
  return g;
}

}  // namespace

void RefineMaximum(const LogLikelihood& loglik, const std::vector<double>& lower, const std::vector<double>& upper,
                   bool standard_errors, MleResult& result) {
  std::vector<double> x = result.params;
  double value = loglik(x);
  if (!std::isfinite(value)) return;
  for (int step = 0; step < kMaxNewtonSteps; ++step) {
    const Eigen::VectorXd g = NumericalGradient(loglik, x);
    const Eigen::MatrixXd h = NumericalHessian(loglik, x, kHessianStep);
    if (!g.allFinite() || !h.allFinite()) break;
    const Eigen::LLT<Eigen::MatrixXd> llt(-h);
    if (llt.info() != Eigen::Success) break;  // not concave here: leave the optimiser's answer
    const Eigen::VectorXd delta = llt.solve(g);
    // Halve the step until the likelihood does not fall (it may stay level to rounding near the top).
    double scale = 1;
    std::vector<double> candidate(x.size());
    double candidate_value = -std::numeric_limits<double>::infinity();
    for (int halving = 0; halving < 20; ++halving, scale /= 2) {
      for (std::size_t i = 0; i < x.size(); ++i) {
        candidate[i] = std::clamp(x[i] + scale * delta(static_cast<Eigen::Index>(i)), lower[i], upper[i]);
      }
      candidate_value = loglik(candidate);
      if (std::isfinite(candidate_value) && candidate_value >= value - 1e-13 * std::fabs(value)) break;
    }
    if (!(std::isfinite(candidate_value) && candidate_value >= value - 1e-13 * std::fabs(value))) break;
    double largest_move = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      largest_move = std::max(largest_move, std::fabs(candidate[i] - x[i]) / std::max(std::fabs(x[i]), 1e-300));
    }
    x = candidate;
    value = std::max(value, candidate_value);
    if (largest_move < 1e-14) break;
  }
  result.params = x;
  result.log_likelihood = loglik(x);
  if (!standard_errors) return;
  const Eigen::MatrixXd information = -NumericalHessian(loglik, x, kHessianStep);
  const Eigen::LLT<Eigen::MatrixXd> llt(information);
  result.std_errors.assign(x.size(), std::numeric_limits<double>::quiet_NaN());
  if (llt.info() != Eigen::Success) return;
  result.covariance = llt.solve(Eigen::MatrixXd::Identity(information.rows(), information.cols()));
  for (std::size_t i = 0; i < x.size(); ++i) {
    result.std_errors[i] = std::sqrt(result.covariance(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(i)));
  }
}

MleResult MaximizeAndRefine(const LogLikelihood& loglik, std::vector<double> start, const std::vector<double>& lower,
                            const std::vector<double>& upper, bool standard_errors) {
  MleOptions options;
  options.standard_errors = false;  // computed once, at the refined point
  MleResult result = MaximizeLikelihood(loglik, std::move(start), lower, upper, options);
  RefineMaximum(loglik, lower, upper, standard_errors, result);
  return result;
}

}  // namespace finai::risk::lda
