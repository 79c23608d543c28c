// Empirical quantiles and tail means: the arithmetic under historical, filtered historical and Monte Carlo
// VaR / ES. The quantiles reproduce R's quantile() operation for operation, so that figures can be checked
// against R to the last digits rather than "approximately".
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "finai/core/check.hpp"
#include "finai/core/error.hpp"
#include "risk/market/market_internal.hpp"

namespace finai::risk {

namespace market_detail {

void RequireProbability(double p, std::string_view name) {
  if (!(p > 0 && p < 1)) {
    throw InvalidArgument(fmt::format("{} {} is not strictly between 0 and 1", name, p),
                          {.expected = "a probability in (0, 1), e.g. 0.99"});
  }
}

void RequireFinite(std::span<const double> values, std::string_view what, std::string_view field) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      throw InvalidData(fmt::format("{} at index {} (0-based) is not a finite number", what, i),
                        {.field = std::string(field),
                         .value = fmt::format("{}", values[i]),
                         .expected = "finite values (drop or fill missing values first)"});
    }
  }
}

void RequireReturns(std::span<const double> returns, std::size_t minimum, std::string_view purpose) {
  if (returns.size() < minimum) {
    throw InvalidArgument(fmt::format("{} return(s) given; {} needs at least {}", returns.size(), purpose, minimum),
                          {.field = "returns"});
  }
  RequireFinite(returns, "return", "returns");
}

double Mean(std::span<const double> values) {
  double sum = 0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

double SampleSd(std::span<const double> values, double mean) {
  double ss = 0;
  for (double v : values) ss += (v - mean) * (v - mean);
  return std::sqrt(ss / static_cast<double>(values.size() - 1));
}

std::int64_t InverseCdfIndex(std::int64_t n, double p) {
  // R: nppm <- n * probs; j <- floor(nppm); the j-th value, or the (j+1)-th when nppm > j. Computing n * p in
  // floating point as R does matters: 1000 * 0.99 rounds to exactly 990, so the 990th loss is taken.
  const double nppm = static_cast<double>(n) * p;
  const double j = std::floor(nppm);
  const auto index = static_cast<std::int64_t>(nppm > j ? j + 1 : j);
  return std::clamp<std::int64_t>(index, 1, n);
}

double SortedQuantile(std::span<const double> sorted, double p, QuantileRule rule) {
  const auto n = static_cast<std::int64_t>(sorted.size());
  FINAI_CHECK(n > 0, "quantile of an empty sample");
  if (rule == QuantileRule::kInverseCdf) return sorted[static_cast<std::size_t>(InverseCdfIndex(n, p) - 1)];
  // R type 7: index <- 1 + (n - 1) * p; interpolate between x[lo] and x[hi] unless they are equal.
  const double index = 1 + static_cast<double>(n - 1) * p;
  const double lo = std::floor(index);
  const double hi = std::ceil(index);
  const double x_lo = sorted[static_cast<std::size_t>(lo) - 1];
  const double x_hi = sorted[static_cast<std::size_t>(hi) - 1];
  if (!(index > lo && x_hi != x_lo)) return x_lo;
  const double h = index - lo;
  return (1 - h) * x_lo + h * x_hi;
}

double SortedTailMean(std::span<const double> sorted, double p) {
  const auto n = static_cast<std::int64_t>(sorted.size());
  FINAI_CHECK(n > 0, "tail mean of an empty sample");
  const std::int64_t k = InverseCdfIndex(n, p);
  // The integral of the empirical quantile function over (p, 1]: every loss above L_(k) with weight 1/n, and
  // L_(k) with the part of its step that lies above p, (k - n p) / n.
  double tail = 0;
  for (std::int64_t i = k; i < n; ++i) tail += sorted[static_cast<std::size_t>(i)];
  const double np = static_cast<double>(n) * p;
  tail += (static_cast<double>(k) - np) * sorted[static_cast<std::size_t>(k - 1)];
  return tail / (static_cast<double>(n) * (1 - p));
}

TailRisk EmpiricalTailRisk(std::vector<double>& losses, const RiskLevels& levels, QuantileRule rule) {
  std::sort(losses.begin(), losses.end());
  TailRisk risk;
  risk.var = SortedQuantile(losses, levels.var_level, rule);
  risk.var_at_es_level = SortedQuantile(losses, levels.es_level, rule);
  risk.es = SortedTailMean(losses, levels.es_level);
  return risk;
}

}  // namespace market_detail

QuantileRule ParseQuantileRule(std::string_view name) {
  if (name == "type1" || name == "inverse-cdf") return QuantileRule::kInverseCdf;
  if (name == "type7" || name == "linear") return QuantileRule::kLinear;
  throw InvalidArgument(
      "unknown quantile rule",
      {.field = "quantile", .value = std::string(name), .expected = "'type1' (inverse-cdf) or 'type7' (linear)"});
}

std::string_view QuantileRuleName(QuantileRule rule) { return rule == QuantileRule::kInverseCdf ? "type1" : "type7"; }

double EmpiricalQuantile(std::span<const double> losses, double p, QuantileRule rule) {
  market_detail::RequireProbability(p, "quantile level");
  if (losses.empty()) throw InvalidArgument("quantile of an empty sample", {.expected = "at least one loss"});
  market_detail::RequireFinite(losses, "loss", "losses");
  std::vector<double> sorted(losses.begin(), losses.end());
  std::sort(sorted.begin(), sorted.end());
  return market_detail::SortedQuantile(sorted, p, rule);
}

double EmpiricalTailMean(std::span<const double> losses, double p) {
  market_detail::RequireProbability(p, "tail level");
  if (losses.empty()) throw InvalidArgument("tail mean of an empty sample", {.expected = "at least one loss"});
  market_detail::RequireFinite(losses, "loss", "losses");
  std::vector<double> sorted(losses.begin(), losses.end());
  std::sort(sorted.begin(), sorted.end());
  return market_detail::SortedTailMean(sorted, p);
}

WeightedTail WeightedQuantileAndTailMean(std::span<const double> losses, std::span<const double> weights, double p) {
  market_detail::RequireProbability(p, "quantile level");
  if (losses.empty()) throw InvalidArgument("quantile of an empty sample", {.expected = "at least one loss"});
  if (weights.size() != losses.size()) {
    throw InvalidArgument(fmt::format("{} weights for {} losses", weights.size(), losses.size()),
                          {.expected = "one weight per loss"});
  }
  market_detail::RequireFinite(losses, "loss", "losses");
  double total = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (!(weights[i] >= 0) || !std::isfinite(weights[i])) {
      throw InvalidArgument(fmt::format("weight at index {} (0-based) is {}", i, weights[i]),
                            {.expected = "finite weights >= 0"});
    }
    total += weights[i];
  }
  if (std::abs(total - 1) > 1e-9) {
    throw InvalidArgument(fmt::format("the weights sum to {:.17g}", total), {.expected = "weights summing to 1"});
  }
  std::vector<std::size_t> order(losses.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return losses[a] < losses[b]; });
  // Walk down from the largest loss accumulating the weight above: VaR is the first loss at which that weight
  // exceeds 1 - p. Accumulating from the tail keeps the small sums exact enough; the 1e-12 slack makes equal
  // weights of 1/n land on R's type-1 order statistic when n p is a whole number.
  constexpr double kSlack = 1e-12;
  const double tail_size = 1 - p;
  double above = 0;         // weight strictly above the current loss
  double weighted_sum = 0;  // sum of w L over those losses
  std::size_t k = 0;
  for (std::size_t r = order.size(); r-- > 0;) {
    const double w = weights[order[r]];
    if (above + w > tail_size + kSlack || r == 0) {
      k = r;
      break;
    }
    above += w;
    weighted_sum += w * losses[order[r]];
  }
  const double var = losses[order[k]];
  return {.var = var, .es = (weighted_sum + (tail_size - above) * var) / tail_size};
}

}  // namespace finai::risk
