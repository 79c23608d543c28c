// Every backtest of a rolling VaR / ES series at once: what `finai risk backtest` and a report show.
#include <fmt/format.h>

#include <numeric>

#include "finai/core/error.hpp"
#include "finai/risk/backtest.hpp"
#include "risk/market/market_internal.hpp"

namespace finai::risk {

BacktestReport BacktestRolling(std::span<const double> returns, const VarSpec& spec, const RollingVarEs& rolling,
                               const BacktestOptions& options, const Context& ctx) {
  spec.Validate();
  if (rolling.size() < 2) {
    throw InvalidArgument(fmt::format("{} forecast day(s) to backtest", rolling.size()),
                          {.expected = "at least 2 forecast days"});
  }
  if (options.traffic_light_days < 1) {
    throw InvalidArgument(fmt::format("traffic light over {} days", options.traffic_light_days),
                          {.expected = "a positive number of days (250 in the Basel framework)"});
  }
  BacktestReport report;
  report.days = rolling.size();
  report.var_level = spec.levels.var_level;
  report.es_level = spec.levels.es_level;
  report.exceptions = ExceptionSeries(rolling.realized, rolling.Var());
  report.exception_count = std::accumulate(report.exceptions.begin(), report.exceptions.end(), std::int64_t{0});
  report.expected_exceptions = static_cast<double>(report.days) * (1 - report.var_level);
  report.kupiec = KupiecTest(report.exception_count, report.days, report.var_level);
  report.christoffersen = ChristoffersenTest(report.exceptions, report.var_level);
  if (report.days >= options.traffic_light_days) {
    const auto first = report.exceptions.end() - options.traffic_light_days;
    const std::int64_t recent = std::accumulate(first, report.exceptions.end(), std::int64_t{0});
    report.traffic_light = BaselTrafficLight(recent, options.traffic_light_days, report.var_level);
  }
  if (options.run_es_test) {
    const PredictiveSampler sampler = MakePredictiveSampler(returns, spec, rolling);
    report.es_test = AcerbiSzekelyTest(rolling.realized, rolling.VarAtEsLevel(), rolling.Es(), report.es_level, sampler,
                                       options.es_test, ctx);
  }
  return report;
}

}  // namespace finai::risk
