// Value at risk (VaR) and expected shortfall (ES) of a return series: historical simulation, age-weighted
// historical simulation, filtered historical simulation on GARCH / GJR-GARCH, parametric normal and Student t,
// Monte Carlo for a portfolio of correlated assets, and rolling estimation over a history.
//
// Conventions (docs/risk_market.md has the formulas and the comparison with R):
// - A loss is a negative return: L = -r. VaR and ES are positive loss numbers in the unit of the returns
//   (a VaR of 2.5 on returns in percent is a 2.5% loss), for a one-period horizon.
// - VaR_p is the p-quantile of the loss distribution; ES_p = 1/(1-p) * integral_p^1 VaR_u du, the mean loss
//   in the worst (1-p) of outcomes (Acerbi and Tasche 2002). Basel uses p = 0.99 for VaR, FRTB p = 0.975 for ES.
// - Historical quantiles follow R's quantile(type = 1) by default: VaR_p = L_(k), the k-th smallest loss with
//   k = ceil(n p); quantile(type = 7) (linear interpolation) on request. Historical ES is the tail mean of the
//   empirical distribution, whatever the quantile rule: with k = ceil(n p),
//     ES_p = (sum_{i > k} L_(i) + (k - n p) L_(k)) / (n (1 - p)),
//   i.e. the n(1-p) worst losses, the one at the boundary entering with its fractional weight. When n(1-p) is
//   an integer this is the plain mean of the n(1-p) worst losses; it is never below the type-1 VaR_p.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "finai/core/context.hpp"
#include "finai/core/random.hpp"
#include "finai/risk/garch.hpp"

namespace finai::risk {

// Confidence levels: VaR at var_level, ES at es_level. Both lie strictly between 0 and 1.
struct RiskLevels {
  double var_level = 0.99;  // Basel 2.5 market-risk VaR
  double es_level = 0.975;  // FRTB expected shortfall
  // InvalidArgument naming the level when one is not strictly between 0 and 1 (or not a number).
  void Validate() const;
};

// One period's risk, as positive loss numbers.
struct TailRisk {
  double var = 0;              // VaR at var_level
  double es = 0;               // ES at es_level
  double var_at_es_level = 0;  // VaR at es_level: where the ES tail begins (the Acerbi-Szekely tests use it)
};

enum class QuantileRule {
  kInverseCdf,  // R quantile(type = 1): L_(ceil(n p)), the inverse of the empirical distribution function
  kLinear,      // R quantile(type = 7): linear interpolation between L_(floor(h)) and L_(ceil(h)), h = (n-1) p + 1
};
// "type1" / "inverse-cdf" or "type7" / "linear"; InvalidArgument otherwise.
QuantileRule ParseQuantileRule(std::string_view name);
std::string_view QuantileRuleName(QuantileRule rule);  // "type1" or "type7"

// ---- Empirical building blocks. `losses` need not be sorted; p in (0, 1). ----

// R's quantile(losses, p, type = 1 or 7), reproduced operation for operation.
double EmpiricalQuantile(std::span<const double> losses, double p, QuantileRule rule);
// The tail mean ES_p of the empirical distribution (formula above).
double EmpiricalTailMean(std::span<const double> losses, double p);
// Quantile and tail mean of a weighted empirical distribution (weights >= 0, summing to 1): VaR_p is the
// smallest loss whose cumulative weight reaches p, ES_p = 1/(1-p) * (sum of w_i L_i over losses above VaR_p
// + (1 - p - weight above VaR_p) * VaR_p). Equal weights give the type-1 quantile and the tail mean above.
struct WeightedTail {
  double var = 0;
  double es = 0;
};
WeightedTail WeightedQuantileAndTailMean(std::span<const double> losses, std::span<const double> weights, double p);

// ---- Methods on one sample of returns (oldest first). ----

// Historical simulation: the empirical distribution of the losses. At least 2 returns; InvalidData naming the
// index of a return that is not finite.
TailRisk HistoricalVarEs(std::span<const double> returns, const RiskLevels& levels,
                         QuantileRule rule = QuantileRule::kInverseCdf);

// Boudoukh, Richardson and Whitelaw (1998): the return of age a (a = 0 the most recent) gets weight
// lambda^a (1 - lambda) / (1 - lambda^n); lambda = 1 gives equal weights (plain historical simulation).
// Returned oldest first, aligned with the returns. lambda in (0, 1].
std::vector<double> AgeWeights(std::int64_t n, double lambda);
TailRisk AgeWeightedVarEs(std::span<const double> returns, const RiskLevels& levels, double lambda);

// Parametric normal: VaR_p = -mu + sd z_p, ES_p = -mu + sd phi(z_p) / (1 - p).
TailRisk NormalVarEs(double mean, double sd, const RiskLevels& levels);
// Student t with nu > 2 degrees of freedom scaled to standard deviation sd (scale sd sqrt((nu-2)/nu)):
// VaR_p = -mu + s t_p, ES_p = -mu + s f_nu(t_p) (nu + t_p^2) / ((nu - 1)(1 - p)), s = sd sqrt((nu-2)/nu).
TailRisk StudentTVarEs(double mean, double sd, double dof, const RiskLevels& levels);
// The degrees of freedom maximising the likelihood of the returns under a t with the sample mean and the sample
// standard deviation (divisor n - 1), over nu in [2.01, 500] (Brent's method on log(nu - 2)). nu = 500 means
// the data show no tail heavier than the normal's. InvalidData when the returns are constant.
double FitStudentTDof(std::span<const double> returns);
// The log-likelihood that FitStudentTDof maximises (with all constants).
double StudentTLogLikelihood(std::span<const double> returns, double mean, double sd, double dof);

// Filtered historical simulation (Barone-Adesi, Giannopoulos and Vosper 1999; Hull and White 1998): fit the
// GARCH model, rescale the standardised residuals z_t by the next-period volatility forecast and read VaR and
// ES off the scenarios r*_t = mu + sigma_{n+1} z_t as in historical simulation.
struct FilteredHistoricalResult {
  TailRisk risk;
  GarchFit fit;        // the volatility model the scenarios came from
  double next_sd = 0;  // sigma_{n+1}
};
FilteredHistoricalResult FilteredHistoricalVarEs(std::span<const double> returns, const GarchSpec& garch,
                                                 const RiskLevels& levels, QuantileRule rule, const Context& ctx);
// The same with the parameters of an earlier fit held fixed: the variances are filtered again over `returns`
// (used between refits of a rolling estimate).
FilteredHistoricalResult FilteredHistoricalVarEs(std::span<const double> returns, const GarchFit& parameters,
                                                 const RiskLevels& levels, QuantileRule rule);

// ---- One entry point for every single-series method. ----

enum class VarMethod { kHistorical, kAgeWeighted, kFilteredHistorical, kNormal, kStudentT };
// "hs", "age-weighted", "fhs", "normal", "t"; InvalidArgument naming the accepted values otherwise.
VarMethod ParseVarMethod(std::string_view name);
std::string_view VarMethodName(VarMethod method);

struct VarSpec {
  VarMethod method = VarMethod::kHistorical;
  RiskLevels levels;
  QuantileRule quantile = QuantileRule::kInverseCdf;  // historical and filtered historical simulation
  double lambda = 0.98;                               // age-weighted: decay per day, in (0, 1]
  double dof = 0;          // Student t: degrees of freedom > 2, or 0 to fit them by maximum likelihood
  bool zero_mean = false;  // normal and t: take the mean return as 0 rather than the sample mean
  GarchSpec garch;         // filtered historical simulation
  // InvalidArgument naming the offending setting.
  void Validate() const;
};
std::string DescribeVarSpec(const VarSpec& spec);  // "historical simulation (R quantile type 1)", ...

// What a method takes the next period's return distribution to be: enough to draw from it again (the
// simulation-based ES backtests do) without keeping a copy of the sample.
struct PredictiveModel {
  std::int64_t window_begin = 0;  // the returns [window_begin, window_end) of the history the estimate used
  std::int64_t window_end = 0;
  double location = 0;               // normal, t: the mean; fhs: the GARCH mean mu
  double scale = 0;                  // normal, t: the standard deviation; fhs: the volatility forecast sigma_{n+1}
  double dof = 0;                    // t: the degrees of freedom used
  std::vector<double> garch_params;  // fhs: the GARCH estimates (GarchParamNames order)
};

struct VarEstimate {
  TailRisk risk;
  PredictiveModel model;
};
// Estimates VaR and ES from `returns` (all of it is the window: model.window_begin = 0, window_end = size).
VarEstimate EstimateVarEs(std::span<const double> returns, const VarSpec& spec, const Context& ctx);

// Fills `losses` with independent draws of the loss of forecast `day` (0-based) from the model's predictive
// distribution, using `rng` only. Must be safe to call from several threads at once for different days.
using PredictiveSampler = std::function<void(std::int64_t day, Rng& rng, std::span<double> losses)>;

// ---- Rolling estimation. ----

struct RollingSpec {
  std::int64_t window = 1000;    // W: each forecast uses the W returns before its day
  std::int64_t refit_every = 1;  // fhs: refit the GARCH model every k days; in between the parameters are
                                 // held and the variances re-filtered over the moving window
  std::int64_t last_days = 0;    // forecast only the last this many days (0: every day after the first window)
  void Validate() const;
};

// Forecast i is for return index first_day + i and uses returns [first_day + i - W, first_day + i): the VaR
// and ES are known the day before the realised return they are compared with.
struct RollingVarEs {
  std::int64_t first_day = 0;
  std::vector<double> realized;  // returns[first_day + i]
  std::vector<TailRisk> risk;
  std::vector<PredictiveModel> models;
  std::int64_t size() const { return static_cast<std::int64_t>(risk.size()); }
  std::vector<double> Var() const;           // risk[i].var
  std::vector<double> Es() const;            // risk[i].es
  std::vector<double> VarAtEsLevel() const;  // risk[i].var_at_es_level
};
// InvalidArgument when the window is not shorter than the history (no day would be left to forecast) or
// last_days exceeds the days available; InvalidData naming a return that is not finite. Days are estimated in
// parallel; the result does not depend on the thread count.
RollingVarEs RollingVarEsSeries(std::span<const double> returns, const VarSpec& spec, const RollingSpec& rolling,
                                const Context& ctx);
// Draws from each forecast day's predictive distribution: the empirical window (hs), the age-weighted window
// (age-weighted), the rescaled residuals of that day's filter (fhs), the normal or scaled t (normal, t).
// Keeps a copy of `returns`.
PredictiveSampler MakePredictiveSampler(std::span<const double> returns, const VarSpec& spec,
                                        const RollingVarEs& rolling);

// ---- Monte Carlo for a portfolio of correlated assets. ----

enum class McDistribution { kNormal, kStudentT };

// The one-period returns of the assets are multivariate normal with the given mean and covariance, or
// multivariate t with dof degrees of freedom scaled to have that covariance (X = mu + sqrt((nu-2)/W) A Z with
// W ~ chi2(nu), A A' = covariance). The portfolio return is weights . X; VaR and ES are read off the
// simulated losses as in historical simulation.
struct Portfolio {
  std::vector<double> weights;
  Eigen::VectorXd mean;
  Eigen::MatrixXd covariance;
};
struct MonteCarloSpec {
  McDistribution distribution = McDistribution::kNormal;
  double dof = 5;  // multivariate t only; > 2
  std::int64_t simulations = 100000;
  RiskLevels levels;
  QuantileRule quantile = QuantileRule::kInverseCdf;
};
struct MonteCarloResult {
  TailRisk risk;
  double analytic_mean = 0;   // w' mu
  double analytic_sd = 0;     // sqrt(w' Sigma w)
  double simulated_mean = 0;  // of the simulated portfolio returns
  double simulated_sd = 0;
  std::int64_t simulations = 0;
};
// Simulations run in fixed blocks of kMonteCarloBlock; block b draws from Rng(ctx.seed(), b), so the result
// is the same at any thread count. InvalidArgument for an empty portfolio, sizes that disagree, a covariance
// that is not symmetric or not positive semi-definite, dof <= 2, or fewer than 2 simulations.
inline constexpr std::int64_t kMonteCarloBlock = 4096;
MonteCarloResult MonteCarloVarEs(const Portfolio& portfolio, const MonteCarloSpec& spec, const Context& ctx);
// A factor A with A A' = covariance: Cholesky when the matrix is positive definite, else (positive
// semi-definite, e.g. perfectly correlated assets) from its eigen-decomposition. InvalidArgument otherwise.
Eigen::MatrixXd CovarianceFactor(const Eigen::MatrixXd& covariance);
// A chi-square variate with dof degrees of freedom (Marsaglia and Tsang's gamma method): defined here so that
// draws are the same with every standard library.
double DrawChiSquare(Rng& rng, double dof);

}  // namespace finai::risk
