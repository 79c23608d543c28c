// The Basel traffic light for VaR backtests (Basel Committee on Banking Supervision, January 1996,
// "Supervisory framework for the use of backtesting in conjunction with the internal models approach to market
// risk capital requirements", Table 2).
#include <fmt/format.h>

#include <array>
#include <boost/math/distributions/binomial.hpp>
#include <cmath>

#include "finai/core/error.hpp"
#include "finai/risk/backtest.hpp"
#include "risk/market/market_internal.hpp"

namespace finai::risk {

namespace {
// The zone boundaries of the Basel framework: the green zone ends where the cumulative probability of the
// exceptions under a correct model reaches 95%, the red zone begins where it reaches 99.99%.
constexpr double kYellowFrom = 0.95;
constexpr double kRedFrom = 0.9999;
// Plus factors of the yellow zone for 5..9 exceptions in 250 days at 99% (Basel 1996, Table 2).
constexpr std::array<double, 5> kYellowPlusFactor = {0.40, 0.50, 0.65, 0.75, 0.85};
}  // namespace

std::string_view TrafficLightZoneName(TrafficLightZone zone) {
  switch (zone) {
    case TrafficLightZone::kGreen:
      return "green";
    case TrafficLightZone::kYellow:
      return "yellow";
    case TrafficLightZone::kRed:
      return "red";
  }
  return "unknown";
}

TrafficLight BaselTrafficLight(std::int64_t exceptions, std::int64_t observations, double level) {
  market_detail::RequireProbability(level, "VaR level");
  if (observations < 1 || exceptions < 0 || exceptions > observations) {
    throw InvalidArgument(fmt::format("{} exceptions in {} observations", exceptions, observations),
                          {.expected = "at least one observation and 0 <= exceptions <= observations"});
  }
  TrafficLight light;
  light.exceptions = exceptions;
  light.observations = observations;
  light.level = level;
  const boost::math::binomial_distribution<double> binomial(static_cast<double>(observations), 1 - level);
  light.cumulative_probability = boost::math::cdf(binomial, static_cast<double>(exceptions));
  light.zone = light.cumulative_probability < kYellowFrom ? TrafficLightZone::kGreen
               : light.cumulative_probability < kRedFrom  ? TrafficLightZone::kYellow
                                                          : TrafficLightZone::kRed;
  // The plus factors are a table for the regulatory setting only; other settings get the zone alone.
  if (observations == 250 && std::abs(level - 0.99) < 1e-12) {
    if (exceptions <= 4)
      light.plus_factor = 0.0;
    else if (exceptions <= 9)
      light.plus_factor = kYellowPlusFactor[static_cast<std::size_t>(exceptions - 5)];
    else
      light.plus_factor = 1.0;
  }
  return light;
}

}  // namespace finai::risk
