// Monte Carlo VaR / ES of a portfolio of correlated assets, multivariate normal or multivariate t.
#include <fmt/format.h>

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <limits>

#include "finai/core/error.hpp"
#include "finai/core/parallel.hpp"
#include "risk/market/market_internal.hpp"

namespace finai::risk {

namespace {

double DrawGamma(Rng& rng, double shape) {
  if (shape < 1) {
    // Gamma(a) = Gamma(a + 1) U^(1/a) (Marsaglia and Tsang 2000, section 6).
    return DrawGamma(rng, shape + 1) * std::pow(rng.UniformOpen(), 1 / shape);
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1 / std::sqrt(9 * d);
  for (;;) {
    const double x = rng.Normal();
    double v = 1 + c * x;
    if (v <= 0) continue;
    v = v * v * v;
    const double u = rng.UniformOpen();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;  // the cheap squeeze accepts most draws
    if (std::log(u) < 0.5 * x * x + d * (1 - v + std::log(v))) return d * v;
  }
}

void ValidatePortfolio(const Portfolio& p, const MonteCarloSpec& spec) {
  const std::size_t n = p.weights.size();
  if (n == 0) throw InvalidArgument("the portfolio has no assets", {.expected = "at least one weight"});
  if (static_cast<std::size_t>(p.mean.size()) != n || static_cast<std::size_t>(p.covariance.rows()) != n ||
      static_cast<std::size_t>(p.covariance.cols()) != n) {
    throw InvalidArgument(fmt::format("{} weights, {} means and a {}x{} covariance matrix", n, p.mean.size(),
                                      p.covariance.rows(), p.covariance.cols()),
                          {.expected = "one weight and one mean per asset and an n x n covariance"});
  }
  market_detail::RequireFinite(p.weights, "weight", "weights");
  market_detail::RequireFinite(std::span<const double>(p.mean.data(), n), "mean", "mean");
  if (!p.covariance.allFinite()) {
    throw InvalidArgument("the covariance matrix holds a value that is not finite", {.expected = "finite covariances"});
  }
  spec.levels.Validate();
  if (spec.simulations < 2) {
    throw InvalidArgument(fmt::format("{} simulation(s) asked for", spec.simulations),
                          {.expected = "at least 2 simulations (100000 or more for a 99% VaR)"});
  }
  if (spec.distribution == McDistribution::kStudentT && !(spec.dof > 2 && std::isfinite(spec.dof))) {
    throw InvalidArgument(fmt::format("degrees of freedom {} must be finite and greater than 2", spec.dof),
                          {.expected = "nu > 2 (the covariance of a multivariate t exists only then)"});
  }
}

}  // namespace

double DrawChiSquare(Rng& rng, double dof) {
  if (!(dof > 0) || !std::isfinite(dof)) {
    throw InvalidArgument(fmt::format("chi-square degrees of freedom {} must be positive", dof));
  }
  return 2 * DrawGamma(rng, 0.5 * dof);
}

Eigen::MatrixXd CovarianceFactor(const Eigen::MatrixXd& covariance) {
  const Eigen::Index n = covariance.rows();
  if (n == 0 || covariance.cols() != n) {
    throw InvalidArgument(fmt::format("a {}x{} covariance matrix", covariance.rows(), covariance.cols()),
                          {.expected = "a square, non-empty covariance matrix"});
  }
  const double scale = std::max(covariance.cwiseAbs().maxCoeff(), std::numeric_limits<double>::min());
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < i; ++j) {
      if (std::abs(covariance(i, j) - covariance(j, i)) > 1e-12 * scale) {
        throw InvalidArgument(fmt::format("the covariance matrix is not symmetric: entry ({}, {}) is {} and ({}, {}) "
                                          "is {}",
                                          i, j, covariance(i, j), j, i, covariance(j, i)),
                              {.expected = "a symmetric covariance matrix"});
      }
    }
  }
  const Eigen::LLT<Eigen::MatrixXd> llt(covariance);
  if (llt.info() == Eigen::Success) return llt.matrixL();
  // Not positive definite: singular but positive semi-definite is legitimate (perfectly correlated assets, a
  // riskless asset); anything with a clearly negative eigenvalue is not a covariance matrix.
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(covariance);
  const Eigen::VectorXd values = eigen.eigenvalues();
  const double smallest = values.minCoeff();
  if (smallest < -1e-10 * std::max(values.cwiseAbs().maxCoeff(), scale)) {
    throw InvalidArgument(fmt::format("the covariance matrix is not positive semi-definite: its smallest eigenvalue "
                                      "is {:.6g}",
                                      smallest),
                          {.expected = "a covariance matrix (symmetric with eigenvalues >= 0)"});
  }
  return eigen.eigenvectors() * values.cwiseMax(0.0).cwiseSqrt().asDiagonal();
}

MonteCarloResult MonteCarloVarEs(const Portfolio& portfolio, const MonteCarloSpec& spec, const Context& ctx) {
  ValidatePortfolio(portfolio, spec);
  const auto n = static_cast<Eigen::Index>(portfolio.weights.size());
  const Eigen::Map<const Eigen::VectorXd> w(portfolio.weights.data(), n);
  const Eigen::MatrixXd factor = CovarianceFactor(portfolio.covariance);
  // w'X = w'mu + s (A'w)'Z with s = 1 (normal) or sqrt((nu-2)/W) (t): one dot product per simulation instead
  // of forming every asset's return. The draws are those of the full multivariate simulation.
  const Eigen::VectorXd exposure = factor.transpose() * w;
  const double drift = w.dot(portfolio.mean);
  const bool student = spec.distribution == McDistribution::kStudentT;

  MonteCarloResult out;
  out.simulations = spec.simulations;
  out.analytic_mean = drift;
  out.analytic_sd = std::sqrt(std::max(0.0, w.dot(portfolio.covariance * w)));
  std::vector<double> losses(static_cast<std::size_t>(spec.simulations));
  const std::int64_t blocks = (spec.simulations + kMonteCarloBlock - 1) / kMonteCarloBlock;
  ParallelFor(ctx, 0, blocks, [&](std::int64_t b) {
    Rng rng(ctx.seed(), static_cast<std::uint64_t>(b));
    const std::int64_t end = std::min(spec.simulations, (b + 1) * kMonteCarloBlock);
    for (std::int64_t s = b * kMonteCarloBlock; s < end; ++s) {
      double shock = 0;
      for (Eigen::Index j = 0; j < n; ++j) shock += exposure[j] * rng.Normal();
      if (student) shock *= std::sqrt((spec.dof - 2) / DrawChiSquare(rng, spec.dof));
      losses[static_cast<std::size_t>(s)] = -(drift + shock);
    }
  });
  ctx.ThrowIfCancelled();
  // Moments summed in simulation order, so that they too are the same at any thread count.
  double sum = 0;
  for (double l : losses) sum += l;
  out.simulated_mean = -sum / static_cast<double>(losses.size());
  double ss = 0;
  for (double l : losses) ss += (-l - out.simulated_mean) * (-l - out.simulated_mean);
  out.simulated_sd = std::sqrt(ss / static_cast<double>(losses.size() - 1));
  out.risk = market_detail::EmpiricalTailRisk(losses, spec.levels, spec.quantile);
  return out;
}

}  // namespace finai::risk
