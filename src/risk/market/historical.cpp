// Historical simulation, plain and age-weighted (Boudoukh, Richardson and Whitelaw 1998).
#include <fmt/format.h>

#include <cmath>

#include "finai/core/error.hpp"
#include "risk/market/market_internal.hpp"

namespace finai::risk {

using market_detail::RequireReturns;

TailRisk HistoricalVarEs(std::span<const double> returns, const RiskLevels& levels, QuantileRule rule) {
  levels.Validate();
  RequireReturns(returns, 2, "historical simulation");
  std::vector<double> losses(returns.size());
  for (std::size_t i = 0; i < returns.size(); ++i) losses[i] = -returns[i];
  return market_detail::EmpiricalTailRisk(losses, levels, rule);
}

std::vector<double> AgeWeights(std::int64_t n, double lambda) {
  if (n < 1) throw InvalidArgument(fmt::format("{} weights asked for", n), {.expected = "n >= 1"});
  if (!(lambda > 0 && lambda <= 1)) {
    throw InvalidArgument(fmt::format("age-weighting decay lambda {} is outside (0, 1]", lambda),
                          {.expected = "0 < lambda <= 1, e.g. 0.98 (1 gives plain historical simulation)"});
  }
  std::vector<double> w(static_cast<std::size_t>(n));
  if (lambda == 1) {
    std::fill(w.begin(), w.end(), 1.0 / static_cast<double>(n));
    return w;
  }
  const double norm = (1 - lambda) / (1 - std::pow(lambda, static_cast<double>(n)));
  for (std::int64_t i = 0; i < n; ++i) {
    const auto age = static_cast<double>(n - 1 - i);  // the last return is today's: age 0
    w[static_cast<std::size_t>(i)] = std::pow(lambda, age) * norm;
  }
  return w;
}

TailRisk AgeWeightedVarEs(std::span<const double> returns, const RiskLevels& levels, double lambda) {
  levels.Validate();
  RequireReturns(returns, 2, "age-weighted historical simulation");
  const std::vector<double> weights = AgeWeights(static_cast<std::int64_t>(returns.size()), lambda);
  std::vector<double> losses(returns.size());
  for (std::size_t i = 0; i < returns.size(); ++i) losses[i] = -returns[i];
  // The weights may sum to 1 only up to rounding; WeightedQuantileAndTailMean accepts 1e-9.
  const WeightedTail at_var = WeightedQuantileAndTailMean(losses, weights, levels.var_level);
  const WeightedTail at_es = WeightedQuantileAndTailMean(losses, weights, levels.es_level);
  return {.var = at_var.var, .es = at_es.es, .var_at_es_level = at_es.var};
}

}  // namespace finai::risk
