// Logistic regression by IRLS. Each Newton step solves (X'WX + L) d = X'w(y - p) - L b with an LDLT
// factorisation (the matrix is symmetric positive definite once the design has full rank); a step that
// lowers the penalised log-likelihood is halved until it does not.
#include "finai/models/linear/logistic.hpp"

#include <fmt/format.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

#include "finai/core/error.hpp"

namespace finai::linear {

namespace {

constexpr double kZ975 = 1.959963984540054;  // standard normal 97.5% quantile

// log(1 + exp(x)) without overflow.
double Softplus(double x) { return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); }
double Sigmoid(double x) {
  if (x >= 0) return 1.0 / (1.0 + std::exp(-x));
  const double e = std::exp(x);
  return e / (1.0 + e);
}

struct Problem {
  Eigen::MatrixXd x;  // rows x k, intercept column first when fitted
  Eigen::VectorXd y;
  Eigen::VectorXd w;
  Eigen::VectorXd penalty;  // diagonal of L: l2 on slopes, 0 on the intercept
  std::vector<std::string> names;
};

// Weighted log-likelihood sum w (y eta - log(1 + e^eta)).
double LogLikelihood(const Problem& pb, const Eigen::VectorXd& eta) {
  double ll = 0;
  for (Eigen::Index i = 0; i < eta.size(); ++i) {
    if (pb.w[i] > 0) ll += pb.w[i] * (pb.y[i] * eta[i] - Softplus(eta[i]));
  }
  return ll;
}

double PenalisedLogLikelihood(const Problem& pb, const Eigen::VectorXd& beta) {
  return LogLikelihood(pb, pb.x * beta) - 0.5 * beta.cwiseProduct(pb.penalty).dot(beta);
}

// X' diag(d) X by column dot products: k is small and n large, and Eigen's general product would start an
// OpenMP team per call (slow on a busy machine, and nothing to gain at this size).
Eigen::MatrixXd WeightedGram(const Eigen::MatrixXd& x, const Eigen::VectorXd& d) {
  const Eigen::Index k = x.cols();
  Eigen::MatrixXd g(k, k);
  Eigen::VectorXd scaled;
  for (Eigen::Index a = 0; a < k; ++a) {
    scaled = x.col(a).cwiseProduct(d);
    for (Eigen::Index b = 0; b <= a; ++b) g(a, b) = g(b, a) = scaled.dot(x.col(b));
  }
  return g;
}

// Finds a column that is (numerically) a linear combination of the columns before it: the pivots of a
// Cholesky factorisation of the scaled Gram matrix, taken in column order. Names it in the error.
void CheckFullRank(const Problem& pb) {
  const Eigen::Index k = pb.x.cols();
  Eigen::MatrixXd gram = WeightedGram(pb.x, pb.w);
  Eigen::VectorXd scale(k);
  for (Eigen::Index j = 0; j < k; ++j) scale[j] = gram(j, j) > 0 ? 1.0 / std::sqrt(gram(j, j)) : 0.0;
  gram = scale.asDiagonal() * gram * scale.asDiagonal();
  Eigen::MatrixXd l = Eigen::MatrixXd::Zero(k, k);
  for (Eigen::Index j = 0; j < k; ++j) {
    double d = gram(j, j);
    for (Eigen::Index m = 0; m < j; ++m) d -= l(j, m) * l(j, m);
    if (scale[j] == 0 || d < 1e-10) {
      throw InvalidData("singular design: the column is constant or a linear combination of the columns before it",
                        {.field = pb.names[static_cast<std::size_t>(j)],
                         .expected = "linearly independent columns (drop or merge it)"});
    }
    l(j, j) = std::sqrt(d);
    for (Eigen::Index r = j + 1; r < k; ++r) {
      double s = gram(r, j);
      for (Eigen::Index m = 0; m < j; ++m) s -= l(r, m) * l(j, m);
      l(r, j) = s / l(j, j);
    }
  }
}

}  // namespace

void DesignMatrix::AddColumn(std::string name, std::span<const double> column_values) {
  if (names.empty()) rows = static_cast<std::int64_t>(column_values.size());
  if (static_cast<std::int64_t>(column_values.size()) != rows) {
    throw InvalidArgument(
        "design column length differs from the number of rows",
        {.field = name, .value = std::to_string(column_values.size()), .expected = fmt::format("{} values", rows)});
  }
  names.push_back(std::move(name));
  values.insert(values.end(), column_values.begin(), column_values.end());
}

void LogisticOptions::Validate() const {
  if (!(l2 >= 0) || !std::isfinite(l2)) {
    throw InvalidArgument(
        "L2 penalty out of range",
        {.field = "l2", .field_kind = "parameter", .value = fmt::format("{}", l2), .expected = "a finite value >= 0"});
  }
  if (max_iterations < 1) {
    throw InvalidArgument("too few iterations", {.field = "max_iterations",
                                                 .field_kind = "parameter",
                                                 .value = std::to_string(max_iterations),
                                                 .expected = "at least 1"});
  }
  if (!(tolerance > 0)) {
    throw InvalidArgument("tolerance out of range", {.field = "tolerance",
                                                     .field_kind = "parameter",
                                                     .value = fmt::format("{}", tolerance),
                                                     .expected = "a value > 0"});
  }
}

double NormalTwoSidedP(double z) { return std::erfc(std::abs(z) / std::sqrt(2.0)); }

std::vector<double> LogisticFit::Margin(const DesignMatrix& x) const {
  const std::size_t offset = has_intercept ? 1 : 0;
  if (static_cast<std::size_t>(x.cols()) + offset != coef.size()) {
    throw InvalidArgument("the design does not have the fitted number of columns",
                          {.value = std::to_string(x.cols()), .expected = std::to_string(coef.size() - offset)});
  }
  std::vector<double> eta(static_cast<std::size_t>(x.rows), intercept());
  for (std::int64_t j = 0; j < x.cols(); ++j) {
    const auto col = x.column(j);
    const double b = coef[static_cast<std::size_t>(j) + offset];
    for (std::size_t i = 0; i < eta.size(); ++i) eta[i] += b * col[i];
  }
  return eta;
}

std::vector<double> LogisticFit::Probability(const DesignMatrix& x) const {
  std::vector<double> p = Margin(x);
  for (double& v : p) v = Sigmoid(v);
  return p;
}

LogisticFit FitLogistic(const DesignMatrix& x, std::span<const double> y, std::span<const double> weights,
                        const LogisticOptions& options) {
  options.Validate();
  const auto n = static_cast<Eigen::Index>(x.rows);
  if (static_cast<Eigen::Index>(y.size()) != n ||
      (!weights.empty() && static_cast<Eigen::Index>(weights.size()) != n)) {
    throw InvalidArgument("labels, weights and design differ in length",
                          {.value = fmt::format("{} labels, {} weights", y.size(), weights.size()),
                           .expected = fmt::format("{} of each (weights may be empty)", n)});
  }
  if (static_cast<std::int64_t>(x.values.size()) != x.rows * x.cols()) {
    throw InvalidArgument("design values do not fill rows x columns", {.value = std::to_string(x.values.size())});
  }
  Problem pb;
  const Eigen::Index offset = options.fit_intercept ? 1 : 0;
  const Eigen::Index k = x.cols() + offset;
  if (k == 0) throw InvalidArgument("nothing to fit: no columns and no intercept");
  pb.x.resize(n, k);
  if (options.fit_intercept) {
    pb.x.col(0).setOnes();
    pb.names.push_back("const");
  }
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    pb.x.col(j + offset) = Eigen::Map<const Eigen::VectorXd>(x.values.data() + j * n, n);
    pb.names.push_back(x.names[static_cast<std::size_t>(j)]);
  }
  pb.y.resize(n);
  pb.w.resize(n);
  double sw = 0, swy = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    const double yi = y[static_cast<std::size_t>(i)];
    if (yi != 0 && yi != 1) {
      throw InvalidData("a label is not 0 or 1", {.field = "label",
                                                  .field_kind = "argument",
                                                  .value = fmt::format("{} at row {}", yi, i + 1),
                                                  .expected = "0 or 1"});
    }
    const double wi = weights.empty() ? 1.0 : weights[static_cast<std::size_t>(i)];
    if (!std::isfinite(wi) || wi < 0) {
      throw InvalidArgument("invalid weight", {.field = "weight",
                                               .field_kind = "argument",
                                               .value = fmt::format("{} at row {}", wi, i + 1),
                                               .expected = "finite >= 0"});
    }
    pb.y[i] = yi;
    pb.w[i] = wi;
    sw += wi;
    swy += wi * yi;
  }
  if (!(swy > 0) || !(swy < sw)) {
    throw InvalidData(
        "the labels hold a single class",
        {.field = "label", .field_kind = "argument", .expected = "both events (1) and non-events (0) with weight > 0"});
  }
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    if (!pb.x.col(j + offset).allFinite()) {
      throw InvalidData("the design holds a missing or infinite value",
                        {.field = pb.names[static_cast<std::size_t>(j + offset)], .expected = "finite values"});
    }
  }
  pb.penalty = Eigen::VectorXd::Constant(k, options.l2);
  if (options.fit_intercept) pb.penalty[0] = 0;
  if (options.l2 == 0) CheckFullRank(pb);

  const double mean = swy / sw;
  Eigen::VectorXd beta = Eigen::VectorXd::Zero(k);
  if (options.fit_intercept) beta[0] = std::log(mean / (1 - mean));

  LogisticFit fit;
  fit.has_intercept = options.fit_intercept;
  fit.names = pb.names;
  fit.num_observations = sw;
  Eigen::LDLT<Eigen::MatrixXd> ldlt;
  double objective = PenalisedLogLikelihood(pb, beta);
  auto hessian = [&](const Eigen::VectorXd& eta, Eigen::VectorXd* gradient) {
    Eigen::VectorXd p = eta.unaryExpr([](double v) { return Sigmoid(v); });
    Eigen::VectorXd wv = pb.w.cwiseProduct(p.cwiseProduct((1 - p.array()).matrix()));
    if (gradient) *gradient = pb.x.transpose() * pb.w.cwiseProduct(pb.y - p) - pb.penalty.cwiseProduct(beta);
    Eigen::MatrixXd h = WeightedGram(pb.x, wv);
    h.diagonal() += pb.penalty;
    return h;
  };
  for (int it = 1; it <= options.max_iterations; ++it) {
    Eigen::VectorXd gradient;
    const Eigen::MatrixXd h = hessian(pb.x * beta, &gradient);
    ldlt.compute(h);
    if (ldlt.info() != Eigen::Success || !ldlt.isPositive()) break;
    Eigen::VectorXd step = ldlt.solve(gradient);
    // Step halving: Newton steps on the concave log-likelihood only overshoot far from the optimum.
    double next = PenalisedLogLikelihood(pb, beta + step);
    for (int halving = 0; halving < 30 && !(next >= objective - 1e-12 * std::abs(objective)); ++halving) {
      step *= 0.5;
      next = PenalisedLogLikelihood(pb, beta + step);
    }
    beta += step;
    objective = next;
    fit.iterations = it;
    if (step.cwiseAbs().maxCoeff() < options.tolerance) {
      fit.converged = true;
      break;
    }
  }
  // Separation: the likelihood keeps rising as the coefficients run off to infinity, so the fitted
  // probabilities of every row reach 0 or 1 (complete) or the iterations run out with huge margins (quasi).
  const Eigen::VectorXd eta = pb.x * beta;
  double worst = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    if (pb.w[i] > 0) worst = std::max(worst, std::abs(pb.y[i] - Sigmoid(eta[i])));
  }
  if (options.l2 == 0 && (worst < 1e-8 || (!fit.converged && eta.cwiseAbs().maxCoeff() > 30))) {
    throw InvalidData(
        "perfect separation: the classes can be predicted exactly, so the coefficients have no finite "
        "maximum-likelihood value",
        {.expected = "overlapping classes (merge bins, drop the separating variable, or set an L2 penalty)"});
  }
  if (!fit.converged) {
    throw InvalidData("logistic regression did not converge",
                      {.field = "max_iterations",
                       .field_kind = "parameter",
                       .value = std::to_string(options.max_iterations),
                       .expected = "more iterations, fewer variables or an L2 penalty"});
  }
  const Eigen::MatrixXd h = hessian(eta, nullptr);
  ldlt.compute(h);
  const Eigen::MatrixXd cov = ldlt.solve(Eigen::MatrixXd::Identity(k, k));
  for (Eigen::Index j = 0; j < k; ++j) {
    const double b = beta[j];
    const double se = std::sqrt(std::max(cov(j, j), 0.0));
    fit.coef.push_back(b);
    fit.std_err.push_back(se);
    fit.z.push_back(b / se);
    fit.p_value.push_back(NormalTwoSidedP(b / se));
    fit.ci_lower.push_back(b - kZ975 * se);
    fit.ci_upper.push_back(b + kZ975 * se);
  }
  fit.log_likelihood = LogLikelihood(pb, eta);
  fit.null_log_likelihood =
      options.fit_intercept ? sw * (mean * std::log(mean) + (1 - mean) * std::log1p(-mean)) : -sw * std::log(2.0);
  fit.aic = -2 * fit.log_likelihood + 2.0 * static_cast<double>(k);
  fit.bic = -2 * fit.log_likelihood + std::log(sw) * static_cast<double>(k);
  return fit;
}

}  // namespace finai::linear
