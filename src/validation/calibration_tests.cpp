// Hosmer-Lemeshow, binomial and Jeffreys tests: do predicted PDs match observed default rates?
#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/chi_squared.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "finai/core/error.hpp"
#include "finai/validation/calibration_tests.hpp"
#include "validation/checks.hpp"
#include "validation/quantiles.hpp"

namespace finai::validation {

HosmerLemeshowResult HosmerLemeshow(std::span<const double> labels, std::span<const double> probs, int groups) {
  if (groups < 3) {
    throw InvalidArgument("HosmerLemeshow", {.field = "groups", .field_kind = "argument",
                                             .value = std::to_string(groups), .expected = "at least 3"});
  }
  detail::CheckSameLength("HosmerLemeshow", "labels", labels.size(), "probs", probs.size());
  detail::CheckValues("HosmerLemeshow", "labels", labels, detail::Rule::kLabel);
  detail::CheckValues("HosmerLemeshow", "probs", probs, detail::Rule::kProbability);
  std::vector<double> sorted(probs.begin(), probs.end());
  std::sort(sorted.begin(), sorted.end());
  const std::vector<double> breaks = detail::UniqueQuantileBreaks(sorted, groups);
  // breaks[0] is the minimum; group k holds (breaks[k], breaks[k + 1]], group 0 also the minimum itself.
  const std::size_t cells = breaks.size() > 1 ? breaks.size() - 1 : 1;
  std::vector<HosmerLemeshowGroup> all(cells);
  for (std::size_t k = 0; k < cells; ++k) {
    all[k].lower = breaks[k];
    all[k].upper = breaks.size() > 1 ? breaks[k + 1] : breaks[0];
  }
  for (std::size_t i = 0; i < probs.size(); ++i) {
    // The first break at or above p, counted from breaks[1]: right-closed intervals.
    const auto it = std::lower_bound(breaks.begin() + 1, breaks.end(), probs[i]);
    const std::size_t k = std::min(cells - 1, static_cast<std::size_t>(it - (breaks.begin() + 1)));
    all[k].count += 1;
    all[k].observed += labels[i];
    all[k].expected += probs[i];
  }
  HosmerLemeshowResult r;
  for (const auto& g : all) {
    if (g.count > 0) r.groups.push_back(g);
  }
  if (r.groups.size() < 3) {
    throw InvalidArgument(fmt::format("HosmerLemeshow: the probabilities form only {} groups", r.groups.size()),
                          {.field = "probs", .field_kind = "argument",
                           .expected = "at least 3 distinct groups of predicted probability"});
  }
  for (const auto& g : r.groups) {
    // (O1 - E1)^2 / E1 + (O0 - E0)^2 / E0; a cell expecting nothing adds nothing when nothing is observed.
    const double n = static_cast<double>(g.count);
    const double e0 = n - g.expected;
    const double o0 = n - g.observed;
    if (g.expected > 0) r.statistic += (g.observed - g.expected) * (g.observed - g.expected) / g.expected;
    else if (g.observed > 0) r.statistic = INFINITY;
    if (e0 > 0) r.statistic += (o0 - e0) * (o0 - e0) / e0;
    else if (o0 > 0) r.statistic = INFINITY;
  }
  r.degrees_of_freedom = static_cast<int>(r.groups.size()) - 2;
  const boost::math::chi_squared chi2(r.degrees_of_freedom);
  r.p_value = std::isfinite(r.statistic) ? boost::math::cdf(boost::math::complement(chi2, r.statistic)) : 0.0;
  return r;
}

namespace {
void CheckCounts(std::string_view function, std::int64_t count, std::int64_t defaults, double pd) {
  if (count < 1) {
    throw InvalidArgument(std::string(function), {.field = "count", .field_kind = "argument",
                                                  .value = std::to_string(count), .expected = "at least 1"});
  }
  if (defaults < 0 || defaults > count) {
    throw InvalidArgument(std::string(function),
                          {.field = "defaults", .field_kind = "argument", .value = std::to_string(defaults),
                           .expected = fmt::format("between 0 and the count {}", count)});
  }
  if (!(pd >= 0.0 && pd <= 1.0)) {
    throw InvalidArgument(std::string(function), {.field = "pd", .field_kind = "argument",
                                                  .value = fmt::format("{}", pd), .expected = "in [0, 1]"});
  }
}
}  // namespace

double BinomialTestPValue(std::int64_t count, std::int64_t defaults, double pd) {
  CheckCounts("BinomialTestPValue", count, defaults, pd);
  if (defaults == 0) return 1.0;
  if (pd == 0.0) return 0.0;  // a default where none can happen
  if (pd == 1.0) return 1.0;
  const boost::math::binomial binomial(static_cast<double>(count), pd);
  // P(X >= d) = P(X > d - 1), the upper tail computed directly (no 1 - cdf cancellation).
  return boost::math::cdf(boost::math::complement(binomial, static_cast<double>(defaults - 1)));
}

double JeffreysTestPValue(std::int64_t count, std::int64_t defaults, double pd) {
  CheckCounts("JeffreysTestPValue", count, defaults, pd);
  const boost::math::beta_distribution<> posterior(static_cast<double>(defaults) + 0.5,
                                                   static_cast<double>(count - defaults) + 0.5);
  return boost::math::cdf(posterior, pd);
}

}  // namespace finai::validation
