// OpVaR and expected shortfall of simulated years, with confidence intervals.
#include <fmt/format.h>

#include <algorithm>
#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>

#include "finai/core/error.hpp"
#include "finai/risk/lda/aggregate.hpp"

namespace finai::risk::lda {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::int64_t kMinTailYearsPerBatch = 10;

// 1-based rank of the type-1 quantile: ceil(n p), guarded against n p landing a hair above an integer.
std::int64_t QuantileRank(std::int64_t n, double p) {
  const long double np = static_cast<long double>(n) * p;
  const auto rank = static_cast<std::int64_t>(std::ceil(np - 1e-9L * np));
  return std::clamp<std::int64_t>(rank, 1, n);
}

// Years in the ES tail: floor(n (1 - p)), at least one.
std::int64_t TailCount(std::int64_t n, double p) {
  const long double k = static_cast<long double>(n) * (1 - static_cast<long double>(p));
  return std::clamp<std::int64_t>(static_cast<std::int64_t>(std::floor(k + 1e-9L * k)), 1, n);
}

// Mean of the k largest values of x (reorders x).
double MeanOfLargest(std::span<double> x, std::int64_t k) {
  const auto n = static_cast<std::int64_t>(x.size());
  std::nth_element(x.begin(), x.begin() + (n - k), x.end());
  double s = 0;
  for (std::int64_t i = n - k; i < n; ++i) s += x[static_cast<std::size_t>(i)];
  return s / static_cast<double>(k);
}

}  // namespace

void ValidateProbability(double p, const char* name) {
  if (!(p > 0 && p < 1)) {
    throw InvalidArgument(fmt::format("{} {} is outside (0, 1)", name, p),
                          {.expected = "0 < " + std::string(name) + " < 1"});
  }
}

RiskMeasures MeasureRisk(std::span<double> annual, const RiskMeasureOptions& options) {
  ValidateProbability(options.level, "level");
  ValidateProbability(options.confidence, "confidence");
  if (annual.empty()) throw InvalidArgument("no simulated years to measure risk on");
  const auto n = static_cast<std::int64_t>(annual.size());
  RiskMeasures out;
  out.level = options.level;
  out.confidence = options.confidence;
  out.years = n;
  double sum = 0;
  for (const double v : annual) sum += v;
  out.mean = sum / static_cast<double>(n);

  // ES batch means first: they need the years in simulation order, before the sorting below.
  const int batches = std::max(options.batches, 0);
  out.es_lower = out.es_upper = kNaN;
  double es_half_width = kNaN;
  if (batches >= 2 && (n / batches) * (1 - options.level) >= static_cast<double>(kMinTailYearsPerBatch)) {
    std::vector<double> estimates;
    std::vector<double> batch;
    for (int b = 0; b < batches; ++b) {
      const std::int64_t lo = n * b / batches, hi = n * (b + 1) / batches;
      batch.assign(annual.begin() + lo, annual.begin() + hi);
      estimates.push_back(MeanOfLargest(batch, TailCount(hi - lo, options.level)));
    }
    out.batches = batches;
    double mean = 0;
    for (const double e : estimates) mean += e;
    mean /= batches;
    double ss = 0;
    for (const double e : estimates) ss += (e - mean) * (e - mean);
    const double sd = std::sqrt(ss / (batches - 1));
    const double t = boost::math::quantile(boost::math::students_t(batches - 1), 0.5 + options.confidence / 2);
    es_half_width = t * sd / std::sqrt(static_cast<double>(batches));
  }

  // Order statistics: partition at the lower CI rank, then sort what lies above (the top ~0.1% + the CI).
  const std::int64_t rank = QuantileRank(n, options.level);
  std::int64_t lower_rank = rank, upper_rank = rank;
  {
    const boost::math::binomial dist(static_cast<double>(n), options.level);
    const double alpha = 1 - options.confidence;
    // l - 1 = the largest j with P(B <= j) <= alpha/2; u - 1 = the smallest j with P(B <= j) >= 1 - alpha/2.
    // Then P(S_(l) <= q < S_(u)) = P(l <= B <= u - 1) >= confidence.
    auto j_low = static_cast<std::int64_t>(boost::math::quantile(dist, alpha / 2));
    while (j_low >= 0 && boost::math::cdf(dist, static_cast<double>(j_low)) > alpha / 2) --j_low;
    auto j_high = static_cast<std::int64_t>(boost::math::quantile(dist, 1 - alpha / 2));
    while (j_high < n && boost::math::cdf(dist, static_cast<double>(j_high)) < 1 - alpha / 2) ++j_high;
    lower_rank = std::clamp<std::int64_t>(j_low + 1, 1, n);
    upper_rank = std::clamp<std::int64_t>(j_high + 1, 1, n);
  }
  const std::int64_t first = std::min(lower_rank, n - TailCount(n, options.level) + 1) - 1;
  std::nth_element(annual.begin(), annual.begin() + first, annual.end());
  std::sort(annual.begin() + first, annual.end());
  auto at_rank = [&annual](std::int64_t r) { return annual[static_cast<std::size_t>(r - 1)]; };
  out.var = at_rank(rank);
  out.var_lower = at_rank(lower_rank);
  out.var_upper = at_rank(upper_rank);
  const std::int64_t k = TailCount(n, options.level);
  double tail = 0;
  for (std::int64_t i = n - k; i < n; ++i) tail += annual[static_cast<std::size_t>(i)];
  out.es = tail / static_cast<double>(k);
  if (std::isfinite(es_half_width)) {
    out.es_lower = out.es - es_half_width;
    out.es_upper = out.es + es_half_width;
  }
  return out;
}

}  // namespace finai::risk::lda
