// Backtests of VaR and ES forecasts against realised returns: the exception series, Kupiec's
// proportion-of-failures test, Christoffersen's independence and conditional-coverage tests, the Basel traffic
// light, and Acerbi and Szekely's ES tests Z1 and Z2 with p-values by simulation under the model.
//
// An exception (a VaR breach) is a day whose realised loss exceeds the VaR forecast: -r_t > VaR_t (strictly;
// a loss equal to the VaR is not a breach). Likelihood-ratio statistics use 0 log 0 = 0, so that a series
// without exceptions, or without two in a row, has finite statistics (Christoffersen 1998; Jorion 2007).
// docs/risk_market.md has the formulas.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "finai/core/context.hpp"
#include "finai/risk/var.hpp"

namespace finai::risk {

// 1 where -realized[t] > var[t], else 0. InvalidArgument when the sizes differ; InvalidData naming the index of
// a value that is not finite.
std::vector<std::uint8_t> ExceptionSeries(std::span<const double> realized_returns, std::span<const double> var);

struct LikelihoodRatioTest {
  double statistic = 0;
  int degrees_of_freedom = 0;
  double p_value = 1;  // P(chi2(df) > statistic)
};

// Kupiec (1995): with x exceptions in n days and breach probability q = 1 - level,
//   LR_pof = -2 [ (n-x) log(1-q) + x log q ] + 2 [ (n-x) log(1 - x/n) + x log(x/n) ]  ~ chi2(1).
LikelihoodRatioTest KupiecTest(std::int64_t exceptions, std::int64_t observations, double level);

// Transitions between consecutive days: n_ij counts days t >= 1 with I_{t-1} = i and I_t = j.
struct TransitionCounts {
  std::int64_t n00 = 0, n01 = 0, n10 = 0, n11 = 0;
};
TransitionCounts CountTransitions(std::span<const std::uint8_t> exceptions);

// Christoffersen (1998), on the n - 1 transitions:
//   pi01 = n01 / (n00 + n01), pi11 = n11 / (n10 + n11), pi = (n01 + n11) / (n00 + n01 + n10 + n11),
//   log L1 = n00 log(1-pi01) + n01 log pi01 + n10 log(1-pi11) + n11 log pi11,
//   LR_ind = -2 [ (n00+n10) log(1-pi) + (n01+n11) log pi - log L1 ]             ~ chi2(1),
//   LR_cc  = -2 [ (n00+n10) log(1-q)  + (n01+n11) log q  - log L1 ]             ~ chi2(2),
// so that LR_cc = LR_uc + LR_ind exactly, LR_uc being Kupiec's test on the n - 1 days after the first (the
// conditioning of the first observation in Christoffersen's likelihood). A ratio with a zero denominator
// (no day in that state) is taken as 0; its terms vanish.
struct ChristoffersenResult {
  TransitionCounts counts;
  double pi01 = 0, pi11 = 0, pi = 0;
  LikelihoodRatioTest independence;
  LikelihoodRatioTest conditional_coverage;
};
ChristoffersenResult ChristoffersenTest(std::span<const std::uint8_t> exceptions, double level);

// The Basel traffic light (Basel Committee 1996, "Supervisory framework for the use of backtesting"):
// cumulative probability P(X <= x) of x exceptions or fewer, X ~ Binomial(n, 1 - level); green while it is
// below 95%, red from 99.99%, yellow between. For 250 days at 99% this is the Basel table: green 0-4, yellow
// 5-9, red 10 or more, with plus factors 0.40, 0.50, 0.65, 0.75, 0.85 for 5..9 exceptions and 1 in the red
// zone (the multiplier is 3 + plus factor). The plus factor is only defined for 250 days at 99%.
enum class TrafficLightZone { kGreen, kYellow, kRed };
std::string_view TrafficLightZoneName(TrafficLightZone zone);  // "green", "yellow", "red"
struct TrafficLight {
  TrafficLightZone zone = TrafficLightZone::kGreen;
  std::int64_t exceptions = 0;
  std::int64_t observations = 0;
  double level = 0.99;
  double cumulative_probability = 0;  // P(X <= exceptions)
  std::optional<double> plus_factor;  // for 250 days at 99% only
};
TrafficLight BaselTrafficLight(std::int64_t exceptions, std::int64_t observations = 250, double level = 0.99);

// Acerbi and Szekely (2014), "Backtesting expected shortfall", Risk 27(11). With losses L_t = -r_t, ES_t and
// VaR_t at the ES level (alpha = 1 - es_level), I_t = 1[L_t > VaR_t], N = sum I_t, T days:
//   Z1 = 1 - (1/N) sum_t I_t L_t / ES_t        (conditional on N > 0; tests the size of the breaches)
//   Z2 = 1 - sum_t I_t L_t / (T alpha ES_t)    (unconditional; tests frequency and size together)
// Both have expectation 0 when the forecasts are right; negative values mean the risk was underestimated.
// Z1 is NaN when N = 0.
double AcerbiSzekelyZ1(std::span<const double> realized_returns, std::span<const double> var_at_es_level,
                       std::span<const double> es);
double AcerbiSzekelyZ2(std::span<const double> realized_returns, std::span<const double> var_at_es_level,
                       std::span<const double> es, double es_level);

struct AcerbiSzekelyOptions {
  std::int64_t simulations = 10000;  // M
};
// p-values by simulation under the model (Acerbi and Szekely's procedure): draw M paths, losses of day t from
// the model's predictive distribution P_t (sampler), compute Z^(i) with the same VaR_t and ES_t forecasts,
// p = #{i : Z^(i) < Z} / M. For Z1, paths without a breach have no Z1 and are left out (the test is
// conditional on N > 0), so its p-value is over the paths that breach; when the realised path has no breach
// Z1 is NaN and its p-value 1. Day t draws from Rng(ctx.seed(), t): the same p-values at any thread count.
struct AcerbiSzekelyResult {
  double z1 = 0;
  double z1_p_value = 1;
  double z2 = 0;
  double z2_p_value = 1;
  std::int64_t breaches = 0;             // N of the realised path
  std::int64_t simulations = 0;          // M
  std::int64_t z1_simulations_used = 0;  // paths with N > 0
};
AcerbiSzekelyResult AcerbiSzekelyTest(std::span<const double> realized_returns, std::span<const double> var_at_es_level,
                                      std::span<const double> es, double es_level, const PredictiveSampler& sampler,
                                      const AcerbiSzekelyOptions& options, const Context& ctx);

// ---- Everything at once, for a rolling forecast series. ----

struct BacktestOptions {
  std::int64_t traffic_light_days = 250;  // the traffic light looks at the last this many days
  AcerbiSzekelyOptions es_test;
  bool run_es_test = true;
};
struct BacktestReport {
  std::int64_t days = 0;
  double var_level = 0, es_level = 0;
  std::vector<std::uint8_t> exceptions;  // VaR breaches at var_level, one per forecast day
  std::int64_t exception_count = 0;
  double expected_exceptions = 0;  // days * (1 - var_level)
  LikelihoodRatioTest kupiec;
  ChristoffersenResult christoffersen;
  std::optional<TrafficLight> traffic_light;  // absent when fewer days than traffic_light_days are forecast
  std::optional<AcerbiSzekelyResult> es_test;
};
BacktestReport BacktestRolling(std::span<const double> returns, const VarSpec& spec, const RollingVarEs& rolling,
                               const BacktestOptions& options, const Context& ctx);

}  // namespace finai::risk
