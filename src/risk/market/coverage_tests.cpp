// VaR coverage tests: the exception series, Kupiec's proportion of failures, Christoffersen's independence
// and conditional coverage. Each log-likelihood ratio is computed as a sum of count * log(ratio) terms rather
// than as the difference of two log-likelihoods, which would cancel most of its digits for long series.
#include <fmt/format.h>

#include <boost/math/distributions/chi_squared.hpp>
#include <cmath>

#include "finai/core/error.hpp"
#include "finai/risk/backtest.hpp"
#include "risk/market/market_internal.hpp"

namespace finai::risk {

namespace {

// count * log(a / b) with the convention 0 log 0 = 0: a term whose count is 0 vanishes whatever its ratio.
double CountLogRatio(std::int64_t count, double a, double b) {
  return count == 0 ? 0.0 : static_cast<double>(count) * std::log(a / b);
}

LikelihoodRatioTest ChiSquareTest(double statistic, int df) {
  // Rounding can leave a statistic of exactly zero a hair below it; the likelihood ratio is >= 0 by construction.
  LikelihoodRatioTest test;
  test.statistic = std::max(0.0, statistic);
  test.degrees_of_freedom = df;
  test.p_value =
      boost::math::cdf(boost::math::complement(boost::math::chi_squared_distribution<double>(df), test.statistic));
  return test;
}

double Ratio(std::int64_t numerator, std::int64_t denominator) {
  return denominator == 0 ? 0.0 : static_cast<double>(numerator) / static_cast<double>(denominator);
}

}  // namespace

std::vector<std::uint8_t> ExceptionSeries(std::span<const double> realized_returns, std::span<const double> var) {
  if (realized_returns.size() != var.size()) {
    throw InvalidArgument(fmt::format("{} realised returns and {} VaR forecasts", realized_returns.size(), var.size()),
                          {.expected = "one VaR forecast per realised return"});
  }
  market_detail::RequireFinite(realized_returns, "realised return", "returns");
  market_detail::RequireFinite(var, "VaR forecast", "var");
  std::vector<std::uint8_t> out(var.size());
  for (std::size_t t = 0; t < var.size(); ++t) out[t] = -realized_returns[t] > var[t] ? 1 : 0;
  return out;
}

LikelihoodRatioTest KupiecTest(std::int64_t exceptions, std::int64_t observations, double level) {
  market_detail::RequireProbability(level, "VaR level");
  if (observations < 1 || exceptions < 0 || exceptions > observations) {
    throw InvalidArgument(fmt::format("{} exceptions in {} observations", exceptions, observations),
                          {.expected = "at least one observation and 0 <= exceptions <= observations"});
  }
  const double q = 1 - level;
  const double rate = Ratio(exceptions, observations);
  const double lr =
      2 * (CountLogRatio(observations - exceptions, 1 - rate, 1 - q) + CountLogRatio(exceptions, rate, q));
  return ChiSquareTest(lr, 1);
}

TransitionCounts CountTransitions(std::span<const std::uint8_t> exceptions) {
  TransitionCounts c;
  for (std::size_t t = 1; t < exceptions.size(); ++t) {
    const bool before = exceptions[t - 1] != 0;
    const bool now = exceptions[t] != 0;
    if (before) {
      ++(now ? c.n11 : c.n10);
    } else {
      ++(now ? c.n01 : c.n00);
    }
  }
  return c;
}

ChristoffersenResult ChristoffersenTest(std::span<const std::uint8_t> exceptions, double level) {
  market_detail::RequireProbability(level, "VaR level");
  if (exceptions.size() < 2) {
    throw InvalidArgument(
        fmt::format("{} day(s) of exceptions given; the independence test needs transitions", exceptions.size()),
        {.expected = "at least 2 days"});
  }
  ChristoffersenResult r;
  const TransitionCounts& c = r.counts = CountTransitions(exceptions);
  r.pi01 = Ratio(c.n01, c.n00 + c.n01);
  r.pi11 = Ratio(c.n11, c.n10 + c.n11);
  r.pi = Ratio(c.n01 + c.n11, c.n00 + c.n01 + c.n10 + c.n11);
  const double q = 1 - level;
  // log L1 - log L0 term by term; a term with a positive count always has a positive ratio (e.g. n01 > 0
  // makes pi01 and pi positive), so no log of 0 is ever taken.
  const double ind = CountLogRatio(c.n00, 1 - r.pi01, 1 - r.pi) + CountLogRatio(c.n01, r.pi01, r.pi) +
                     CountLogRatio(c.n10, 1 - r.pi11, 1 - r.pi) + CountLogRatio(c.n11, r.pi11, r.pi);
  const double cc = CountLogRatio(c.n00, 1 - r.pi01, 1 - q) + CountLogRatio(c.n01, r.pi01, q) +
                    CountLogRatio(c.n10, 1 - r.pi11, 1 - q) + CountLogRatio(c.n11, r.pi11, q);
  r.independence = ChiSquareTest(2 * ind, 1);
  r.conditional_coverage = ChiSquareTest(2 * cc, 2);
  return r;
}

}  // namespace finai::risk
