// Acerbi and Szekely's (2014) expected-shortfall backtests Z1 and Z2, with p-values by simulation under the
// model that made the forecasts.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "finai/core/error.hpp"
#include "finai/core/parallel.hpp"
#include "finai/risk/backtest.hpp"
#include "risk/market/market_internal.hpp"

namespace finai::risk {

namespace {

// Days per block of the simulation: each block keeps its own per-path sums, added in block order afterwards,
// so the floating-point sums do not depend on which thread ran which day.
constexpr std::int64_t kDayBlock = 256;

void ValidateForecasts(std::span<const double> realized, std::span<const double> var, std::span<const double> es) {
  if (realized.size() != var.size() || realized.size() != es.size()) {
    throw InvalidArgument(
        fmt::format("{} realised returns, {} VaR and {} ES forecasts", realized.size(), var.size(), es.size()),
        {.expected = "one VaR and one ES forecast per realised return"});
  }
  if (realized.empty()) throw InvalidArgument("no forecast days given", {.expected = "at least one day"});
  market_detail::RequireFinite(realized, "realised return", "returns");
  market_detail::RequireFinite(var, "VaR forecast", "var");
  market_detail::RequireFinite(es, "ES forecast", "es");
  for (std::size_t t = 0; t < es.size(); ++t) {
    if (!(es[t] > 0)) {
      throw InvalidArgument(
          fmt::format("ES forecast at index {} is {}; the Acerbi-Szekely statistics divide by it", t, es[t]),
          {.expected = "positive ES forecasts (a loss)"});
    }
  }
}

// Sum over days of I_t L_t / ES_t, and N = sum I_t.
struct TailSums {
  double ratio_sum = 0;
  std::int64_t breaches = 0;
};
TailSums Sums(std::span<const double> realized, std::span<const double> var, std::span<const double> es) {
  TailSums s;
  for (std::size_t t = 0; t < realized.size(); ++t) {
    const double loss = -realized[t];
    if (loss > var[t]) {
      s.ratio_sum += loss / es[t];
      ++s.breaches;
    }
  }
  return s;
}

double Z1(const TailSums& s) {
  return s.breaches == 0 ? std::numeric_limits<double>::quiet_NaN() : 1 - s.ratio_sum / static_cast<double>(s.breaches);
}
double Z2(const TailSums& s, std::size_t days, double es_level) {
  return 1 - s.ratio_sum / (static_cast<double>(days) * (1 - es_level));
}

}  // namespace

double AcerbiSzekelyZ1(std::span<const double> realized_returns, std::span<const double> var_at_es_level,
                       std::span<const double> es) {
  ValidateForecasts(realized_returns, var_at_es_level, es);
  return Z1(Sums(realized_returns, var_at_es_level, es));
}

double AcerbiSzekelyZ2(std::span<const double> realized_returns, std::span<const double> var_at_es_level,
                       std::span<const double> es, double es_level) {
  market_detail::RequireProbability(es_level, "ES level");
  ValidateForecasts(realized_returns, var_at_es_level, es);
  return Z2(Sums(realized_returns, var_at_es_level, es), realized_returns.size(), es_level);
}

AcerbiSzekelyResult AcerbiSzekelyTest(std::span<const double> realized_returns, std::span<const double> var_at_es_level,
                                      std::span<const double> es, double es_level, const PredictiveSampler& sampler,
                                      const AcerbiSzekelyOptions& options, const Context& ctx) {
  market_detail::RequireProbability(es_level, "ES level");
  ValidateForecasts(realized_returns, var_at_es_level, es);
  if (options.simulations < 1) {
    throw InvalidArgument(fmt::format("{} simulations asked for", options.simulations),
                          {.expected = "at least 1 simulated path (10000 is usual)"});
  }
  if (!sampler) throw InvalidArgument("no predictive sampler given for the simulation under the model");
  const TailSums observed = Sums(realized_returns, var_at_es_level, es);
  AcerbiSzekelyResult result;
  result.z1 = Z1(observed);
  result.z2 = Z2(observed, realized_returns.size(), es_level);
  result.breaches = observed.breaches;
  result.simulations = options.simulations;

  const auto days = static_cast<std::int64_t>(realized_returns.size());
  const auto paths = static_cast<std::size_t>(options.simulations);
  const std::int64_t blocks = (days + kDayBlock - 1) / kDayBlock;
  std::vector<std::vector<double>> block_ratio(static_cast<std::size_t>(blocks));
  std::vector<std::vector<std::int32_t>> block_breaches(static_cast<std::size_t>(blocks));
  ParallelFor(ctx, 0, blocks, [&](std::int64_t b) {
    std::vector<double>& ratio = block_ratio[static_cast<std::size_t>(b)];
    std::vector<std::int32_t>& breaches = block_breaches[static_cast<std::size_t>(b)];
    ratio.assign(paths, 0.0);
    breaches.assign(paths, 0);
    std::vector<double> losses(paths);
    for (std::int64_t t = b * kDayBlock; t < std::min(days, (b + 1) * kDayBlock); ++t) {
      ctx.ThrowIfCancelled();
      // Day t always draws from stream t, whichever thread runs it.
      Rng rng(ctx.seed(), static_cast<std::uint64_t>(t));
      sampler(t, rng, losses);
      const auto ti = static_cast<std::size_t>(t);
      for (std::size_t i = 0; i < paths; ++i) {
        if (losses[i] > var_at_es_level[ti]) {
          ratio[i] += losses[i] / es[ti];
          ++breaches[i];
        }
      }
    }
  });
  std::int64_t below_z1 = 0, below_z2 = 0;
  for (std::size_t i = 0; i < paths; ++i) {
    TailSums s;
    for (std::size_t b = 0; b < block_ratio.size(); ++b) {
      s.ratio_sum += block_ratio[b][i];
      s.breaches += block_breaches[b][i];
    }
    if (Z2(s, realized_returns.size(), es_level) < result.z2) ++below_z2;
    if (s.breaches > 0) {
      ++result.z1_simulations_used;
      if (observed.breaches > 0 && Z1(s) < result.z1) ++below_z1;
    }
  }
  result.z2_p_value = static_cast<double>(below_z2) / static_cast<double>(paths);
  if (observed.breaches == 0 || result.z1_simulations_used == 0) {
    result.z1_p_value = 1;  // nothing in the realised tail to test, or a model that never breaches
  } else {
    result.z1_p_value = static_cast<double>(below_z1) / static_cast<double>(result.z1_simulations_used);
  }
  return result;
}

}  // namespace finai::risk
