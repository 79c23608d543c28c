// Filtered historical simulation: standardised GARCH residuals rescaled by tomorrow's volatility forecast
// (Barone-Adesi, Giannopoulos and Vosper 1999; Hull and White 1998). The residuals carry the shape of the
// return distribution (fat tails, skew) without assuming one; the GARCH filter supplies today's volatility.
#include <fmt/format.h>

#include <cmath>

#include "finai/core/error.hpp"
#include "risk/market/market_internal.hpp"

namespace finai::risk {

namespace {

FilteredHistoricalResult FromFit(GarchFit fit, const RiskLevels& levels, QuantileRule rule) {
  FilteredHistoricalResult out;
  out.next_sd = std::sqrt(NextVariance(fit));
  std::vector<double> losses(fit.standardized_residuals.size());
  for (std::size_t t = 0; t < losses.size(); ++t) losses[t] = -(fit.mu + out.next_sd * fit.standardized_residuals[t]);
  out.risk = market_detail::EmpiricalTailRisk(losses, levels, rule);
  out.fit = std::move(fit);
  return out;
}

}  // namespace

FilteredHistoricalResult FilteredHistoricalVarEs(std::span<const double> returns, const GarchSpec& garch,
                                                 const RiskLevels& levels, QuantileRule rule, const Context& ctx) {
  levels.Validate();
  market_detail::RequireReturns(returns, 2, "filtered historical simulation");
  return FromFit(FitGarch(returns, garch, ctx), levels, rule);
}

FilteredHistoricalResult FilteredHistoricalVarEs(std::span<const double> returns, const GarchFit& parameters,
                                                 const RiskLevels& levels, QuantileRule rule) {
  levels.Validate();
  market_detail::RequireReturns(returns, 2, "filtered historical simulation");
  // The parameters stay; everything that depends on the sample is recomputed for the new one.
  GarchFit fit = parameters;
  fit.n = static_cast<int>(returns.size());
  fit.conditional_variance = GarchConditionalVariance(returns, fit.spec, fit.estimates);
  fit.standardized_residuals.resize(returns.size());
  for (std::size_t t = 0; t < returns.size(); ++t) {
    const double h = fit.conditional_variance[t];
    if (!(h > 0) || !std::isfinite(h)) {
      throw InvalidData(fmt::format("the GARCH filter gives a conditional variance of {} at index {}", h, t),
                        {.field = "returns", .expected = "parameters that keep every variance positive"});
    }
    fit.standardized_residuals[t] = (returns[t] - fit.mu) / std::sqrt(h);
  }
  fit.log_likelihood = GarchLogLikelihood(returns, fit.spec, fit.estimates);
  const auto k = static_cast<double>(fit.estimates.size());
  fit.aic = -2 * fit.log_likelihood + 2 * k;
  fit.bic = -2 * fit.log_likelihood + k * std::log(static_cast<double>(returns.size()));
  return FromFit(std::move(fit), levels, rule);
}

}  // namespace finai::risk
