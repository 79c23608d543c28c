// Rolling VaR / ES over a history, each forecast made from the window of returns before its day, and the
// predictive distributions of those forecasts for the simulation-based ES backtests.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "finai/core/error.hpp"
#include "finai/core/parallel.hpp"
#include "risk/market/market_internal.hpp"

namespace finai::risk {

void RollingSpec::Validate() const {
  if (window < 2) {
    throw InvalidArgument(fmt::format("window of {} return(s) is too short", window),
                          {.expected = "a window of at least 2 returns (250 or 1000 are usual)"});
  }
  if (refit_every < 1) {
    throw InvalidArgument(fmt::format("refit interval {} is not positive", refit_every),
                          {.expected = "refit every k >= 1 days"});
  }
  if (last_days < 0) {
    throw InvalidArgument(fmt::format("last_days {} is negative", last_days),
                          {.expected = "0 (every day) or a positive number of days"});
  }
}

std::vector<double> RollingVarEs::Var() const {
  std::vector<double> out(risk.size());
  for (std::size_t i = 0; i < risk.size(); ++i) out[i] = risk[i].var;
  return out;
}
std::vector<double> RollingVarEs::Es() const {
  std::vector<double> out(risk.size());
  for (std::size_t i = 0; i < risk.size(); ++i) out[i] = risk[i].es;
  return out;
}
std::vector<double> RollingVarEs::VarAtEsLevel() const {
  std::vector<double> out(risk.size());
  for (std::size_t i = 0; i < risk.size(); ++i) out[i] = risk[i].var_at_es_level;
  return out;
}

RollingVarEs RollingVarEsSeries(std::span<const double> returns, const VarSpec& spec, const RollingSpec& rolling,
                                const Context& ctx) {
  spec.Validate();
  rolling.Validate();
  const auto n = static_cast<std::int64_t>(returns.size());
  const std::int64_t w = rolling.window;
  if (w >= n) {
    throw InvalidArgument(
        fmt::format("window of {} returns is not shorter than the history of {} returns; no day is left to forecast", w,
                    n),
        {.expected = fmt::format("a window of at most {} returns", std::max<std::int64_t>(n - 1, 0))});
  }
  market_detail::RequireFinite(returns, "return", "returns");
  const std::int64_t available = n - w;
  if (rolling.last_days > available) {
    throw InvalidArgument(fmt::format("{} forecast days asked for; a window of {} leaves {} of the {} returns",
                                      rolling.last_days, w, available, n),
                          {.expected = fmt::format("last_days of at most {}", available)});
  }
  const std::int64_t days = rolling.last_days > 0 ? rolling.last_days : available;
  RollingVarEs out;
  out.first_day = n - days;
  out.realized.assign(returns.begin() + out.first_day, returns.end());
  out.risk.resize(static_cast<std::size_t>(days));
  out.models.resize(static_cast<std::size_t>(days));

  // The unit of parallel work: one day, or for filtered HS one refit block (a fit, then k - 1 days that
  // re-filter with its parameters). Units never share state, so the thread count cannot change a result.
  const bool fhs = spec.method == VarMethod::kFilteredHistorical;
  const std::int64_t unit = fhs ? rolling.refit_every : 1;
  const std::int64_t units = (days + unit - 1) / unit;
  auto estimate_unit = [&](std::int64_t u) {
    GarchFit parameters;
    for (std::int64_t i = u * unit; i < std::min(days, (u + 1) * unit); ++i) {
      const std::int64_t day = out.first_day + i;
      const std::span<const double> window =
          returns.subspan(static_cast<std::size_t>(day - w), static_cast<std::size_t>(w));
      VarEstimate estimate;
      if (fhs && i > u * unit) {
        const FilteredHistoricalResult r = FilteredHistoricalVarEs(window, parameters, spec.levels, spec.quantile);
        estimate.risk = r.risk;
        estimate.model.location = r.fit.mu;
        estimate.model.scale = r.next_sd;
        estimate.model.garch_params = r.fit.estimates;
      } else if (fhs) {
        const FilteredHistoricalResult r = FilteredHistoricalVarEs(window, spec.garch, spec.levels, spec.quantile, ctx);
        parameters = r.fit;
        estimate.risk = r.risk;
        estimate.model.location = r.fit.mu;
        estimate.model.scale = r.next_sd;
        estimate.model.garch_params = r.fit.estimates;
      } else {
        estimate = EstimateVarEs(window, spec, ctx);
      }
      estimate.model.window_begin = day - w;
      estimate.model.window_end = day;
      out.risk[static_cast<std::size_t>(i)] = estimate.risk;
      out.models[static_cast<std::size_t>(i)] = std::move(estimate.model);
    }
  };
  // Chunks between which the owning thread checks for cancellation and reports progress.
  const std::int64_t chunk = fhs ? std::max<std::int64_t>(1, 4 * ctx.EffectiveThreads()) : 512;
  ProgressSink* progress = ctx.progress();
  if (progress) progress->Begin(fmt::format("rolling {} VaR", VarMethodName(spec.method)), days);
  for (std::int64_t begin = 0; begin < units; begin += chunk) {
    ctx.ThrowIfCancelled();
    ParallelFor(ctx, begin, std::min(units, begin + chunk), estimate_unit);
    if (progress) progress->Update(std::min(days, (begin + chunk) * unit), "");
  }
  if (progress) progress->End();
  return out;
}

PredictiveSampler MakePredictiveSampler(std::span<const double> returns, const VarSpec& spec,
                                        const RollingVarEs& rolling) {
  spec.Validate();
  auto history = std::make_shared<const std::vector<double>>(returns.begin(), returns.end());
  auto models = std::make_shared<const std::vector<PredictiveModel>>(rolling.models);
  for (const PredictiveModel& m : *models) {
    if (m.window_begin < 0 || m.window_end > static_cast<std::int64_t>(history->size()) ||
        m.window_end - m.window_begin < 1) {
      throw InvalidArgument(fmt::format("a forecast's window [{}, {}) lies outside the {} returns given",
                                        m.window_begin, m.window_end, history->size()),
                            {.expected = "the returns the rolling forecasts were made from"});
    }
  }
  auto model_of = [models](std::int64_t day) -> const PredictiveModel& {
    if (day < 0 || day >= static_cast<std::int64_t>(models->size())) {
      throw InvalidArgument(fmt::format("forecast day {} does not exist ({} days)", day, models->size()));
    }
    return (*models)[static_cast<std::size_t>(day)];
  };
  switch (spec.method) {
    case VarMethod::kHistorical:
      return [history, model_of](std::int64_t day, Rng& rng, std::span<double> losses) {
        const PredictiveModel& m = model_of(day);
        const auto size = static_cast<std::uint64_t>(m.window_end - m.window_begin);
        for (double& loss : losses) loss = -(*history)[static_cast<std::size_t>(m.window_begin) + rng.Below(size)];
      };
    case VarMethod::kAgeWeighted: {
      const double lambda = spec.lambda;
      return [history, model_of, lambda](std::int64_t day, Rng& rng, std::span<double> losses) {
        const PredictiveModel& m = model_of(day);
        const std::int64_t size = m.window_end - m.window_begin;
        // The age a of a draw has P(age <= a) = (1 - lambda^(a+1)) / (1 - lambda^W): inverted in closed form.
        const double mass = lambda == 1 ? 0 : 1 - std::pow(lambda, static_cast<double>(size));
        for (double& loss : losses) {
          std::int64_t age;
          if (lambda == 1) {
            age = static_cast<std::int64_t>(rng.Below(static_cast<std::uint64_t>(size)));
          } else {
            age = static_cast<std::int64_t>(std::floor(std::log1p(-rng.Uniform() * mass) / std::log(lambda)));
            age = std::clamp<std::int64_t>(age, 0, size - 1);
          }
          loss = -(*history)[static_cast<std::size_t>(m.window_end - 1 - age)];
        }
      };
    }
    case VarMethod::kFilteredHistorical: {
      const GarchSpec garch = spec.garch;
      return [history, model_of, garch](std::int64_t day, Rng& rng, std::span<double> losses) {
        const PredictiveModel& m = model_of(day);
        const std::span<const double> window(history->data() + m.window_begin,
                                             static_cast<std::size_t>(m.window_end - m.window_begin));
        // The day's residuals are re-derived from its parameters rather than stored: W doubles per day would
        // make a long backtest hold the whole residual history W times over.
        const std::vector<double> h = GarchConditionalVariance(window, garch, m.garch_params);
        for (double& loss : losses) {
          const std::size_t t = rng.Below(window.size());
          loss = -(m.location + m.scale * (window[t] - m.location) / std::sqrt(h[t]));
        }
      };
    }
    case VarMethod::kNormal:
      return [model_of](std::int64_t day, Rng& rng, std::span<double> losses) {
        const PredictiveModel& m = model_of(day);
        for (double& loss : losses) loss = -(m.location + m.scale * rng.Normal());
      };
    case VarMethod::kStudentT:
      return [model_of](std::int64_t day, Rng& rng, std::span<double> losses) {
        const PredictiveModel& m = model_of(day);
        const double unit = m.scale * std::sqrt((m.dof - 2) / m.dof);
        for (double& loss : losses) {
          const double z = rng.Normal();
          loss = -(m.location + unit * z / std::sqrt(DrawChiSquare(rng, m.dof) / m.dof));
        }
      };
  }
  throw InternalError("unhandled VaR method in MakePredictiveSampler");
}

}  // namespace finai::risk
