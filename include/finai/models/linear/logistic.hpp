// Binary logistic regression fitted by iteratively reweighted least squares (Newton's method on the
// log-likelihood), with optional case weights and an optional L2 (ridge) penalty on the slopes. Reports what a
// credit-risk validator reads: coefficients, standard errors, Wald z and p-values, 95% confidence intervals,
// log-likelihood and null log-likelihood, AIC and BIC. Unpenalised and unweighted fits match statsmodels'
// Logit (tests/golden/scorecard/make_logit_golden.py). Formulas in docs/scorecard.md.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace finai::linear {

// A dense design matrix, column-major: column j holds values[j * rows .. (j + 1) * rows). No intercept
// column: FitLogistic adds one when LogisticOptions::fit_intercept is set.
struct DesignMatrix {
  std::int64_t rows = 0;
  std::vector<std::string> names;  // one per column
  std::vector<double> values;

  std::int64_t cols() const { return static_cast<std::int64_t>(names.size()); }
  std::span<const double> column(std::int64_t j) const {
    return {values.data() + j * rows, static_cast<std::size_t>(rows)};
  }
  // Appends a column; InvalidArgument when its length differs from rows (rows is set by the first column).
  void AddColumn(std::string name, std::span<const double> column_values);
};

struct LogisticOptions {
  bool fit_intercept = true;
  // Penalty 0.5 * l2 * sum(beta_j^2) over the slopes (never the intercept); 0 = maximum likelihood. >= 0.
  double l2 = 0.0;
  int max_iterations = 100;  // Newton steps, >= 1
  // Converged when the largest absolute change of a coefficient is below tolerance (> 0).
  double tolerance = 1e-10;

  void Validate() const;  // InvalidArgument naming the parameter
};

struct LogisticFit {
  std::vector<std::string> names;  // "const" first when fitted with an intercept, then the design's names
  std::vector<double> coef;
  std::vector<double> std_err;   // from the inverse of the (penalised) observed information
  std::vector<double> z;         // coef / std_err
  std::vector<double> p_value;   // two-sided, standard normal
  std::vector<double> ci_lower;  // coef -/+ 1.959964 * std_err
  std::vector<double> ci_upper;
  double log_likelihood = 0;       // unpenalised, weighted
  double null_log_likelihood = 0;  // intercept only (0.5 per row when fitted without an intercept)
  double aic = 0;                  // -2 LL + 2 k, k = number of coefficients
  double bic = 0;                  // -2 LL + k ln(n), n = sum of weights
  double num_observations = 0;     // sum of weights
  int iterations = 0;
  bool converged = false;
  bool has_intercept = true;

  double intercept() const { return has_intercept ? coef.front() : 0.0; }
  // Linear predictor (log-odds of the event) and probability of the event for the rows of x.
  std::vector<double> Margin(const DesignMatrix& x) const;
  std::vector<double> Probability(const DesignMatrix& x) const;
};

// Fits P(y = 1 | x) = 1 / (1 + exp(-(b0 + x b))). y: one 0/1 label per row (no missing values);
// weights: empty (each row weighs 1) or one finite weight >= 0 per row.
// InvalidArgument for mismatched lengths or bad options; InvalidData when a label is not 0/1, when both
// classes are not present, when the design is singular (a column that is constant or a linear combination of
// others: named in the message), or when the classes are perfectly separated (the likelihood has no maximum).
LogisticFit FitLogistic(const DesignMatrix& x, std::span<const double> y, std::span<const double> weights,
                        const LogisticOptions& options);

// Two-sided p-value of a standard normal z statistic.
double NormalTwoSidedP(double z);

}  // namespace finai::linear
