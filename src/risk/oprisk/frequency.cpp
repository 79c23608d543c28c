// Counts per period from loss dates, and Poisson / negative binomial fits to them.
#include "finai/risk/lda/frequency.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <limits>

#include "finai/core/error.hpp"
#include "finai/data/datetime.hpp"
#include "finai/data/column.hpp"
#include "finai/risk/mle.hpp"
#include "risk/oprisk/ml_refine.hpp"

namespace finai::risk::lda {

namespace {

void ValidateCounts(std::span<const double> counts) {
  if (counts.empty()) throw InvalidData("no counts to fit a frequency model to", {.expected = "at least one period"});
  for (std::size_t i = 0; i < counts.size(); ++i) {
    const double c = counts[i];
    if (!std::isfinite(c) || c < 0 || c != std::floor(c)) {
      throw InvalidData(fmt::format("count {} of {} is not a non-negative whole number", i + 1, counts.size()),
                        {.value = fmt::format("{}", c), .expected = "counts 0, 1, 2, ..."});
    }
  }
}

double LogFactorial(double k) { return boost::math::lgamma(k + 1); }

}  // namespace

Period ParsePeriod(std::string_view name) {
  if (name == "year") return Period::kYear;
  if (name == "month") return Period::kMonth;
  throw InvalidArgument(fmt::format("unknown period '{}'", name), {.expected = "year or month"});
}

std::string_view PeriodName(Period period) { return period == Period::kYear ? "year" : "month"; }
double PeriodsPerYear(Period period) { return period == Period::kYear ? 1.0 : 12.0; }

PeriodCounts CountPerPeriod(std::span<const std::int64_t> dates, Period period) {
  if (dates.empty()) throw InvalidData("no loss dates to count", {.expected = "at least one dated loss"});
  std::int64_t first = std::numeric_limits<std::int64_t>::max();
  std::int64_t last = std::numeric_limits<std::int64_t>::min();
  for (const std::int64_t t : dates) {
    if (t == kMissingTime) continue;  // reported below, with its position
    first = std::min(first, t);
    last = std::max(last, t);
  }
  return CountPerPeriod(dates, period, first, last);
}

PeriodCounts CountPerPeriod(std::span<const std::int64_t> dates, Period period, std::int64_t first_date,
                            std::int64_t last_date) {
  auto index_of = [period](std::int64_t seconds) {
    const CivilDate d = CivilFromSeconds(seconds);
    return period == Period::kYear ? d.year : d.year * 12 + (d.month - 1);
  };
  if (dates.empty()) throw InvalidData("no loss dates to count", {.expected = "at least one dated loss"});
  std::int64_t first = std::numeric_limits<std::int64_t>::max();
  std::int64_t last = std::numeric_limits<std::int64_t>::min();
  for (std::size_t i = 0; i < dates.size(); ++i) {
    if (dates[i] == kMissingTime) {
      throw InvalidData(fmt::format("loss {} of {} has no date", i + 1, dates.size()),
                        {.expected = "a date for every loss"});
    }
    const std::int64_t p = index_of(dates[i]);
    first = std::min(first, p);
    last = std::max(last, p);
  }
  if (first_date != kMissingTime && last_date != kMissingTime) {
    first = std::min(first, index_of(first_date));
    last = std::max(last, index_of(last_date));
  }
  PeriodCounts out;
  out.period = period;
  const auto periods = static_cast<std::size_t>(last - first + 1);
  out.counts.assign(periods, 0.0);
  for (const std::int64_t t : dates) out.counts[static_cast<std::size_t>(index_of(t) - first)] += 1;
  out.labels.reserve(periods);
  for (std::int64_t p = first; p <= last; ++p) {
    if (period == Period::kYear) {
      out.labels.push_back(fmt::format("{}", p));
    } else {
      const std::int64_t y = p >= 0 ? p / 12 : -((-p + 11) / 12);
      out.labels.push_back(fmt::format("{}-{:02}", y, p - y * 12 + 1));
    }
  }
  return out;
}

double Poisson::LogProbability(double k) const {
  if (lambda == 0) return k == 0 ? 0.0 : -std::numeric_limits<double>::infinity();
  return k * std::log(lambda) - lambda - LogFactorial(k);
}

double NegativeBinomial::LogProbability(double k) const {
  return boost::math::lgamma(k + size) - boost::math::lgamma(size) - LogFactorial(k) +
         size * std::log(size / (size + mu)) + (k > 0 ? k * std::log(mu / (size + mu)) : 0.0);
}

double FrequencyMean(const FrequencyModel& model) {
  return std::visit([](const auto& m) { return m.Mean(); }, model);
}
double FrequencyOtherLossesGivenOne(const FrequencyModel& model) {
  return std::visit([](const auto& m) { return m.OtherLossesGivenOne(); }, model);
}
std::string FrequencyName(const FrequencyModel& model) {
  return std::holds_alternative<Poisson>(model) ? "poisson" : "negative binomial";
}

FrequencyModel Annualise(const FrequencyModel& model, double periods_per_year) {
  if (const auto* p = std::get_if<Poisson>(&model)) return Poisson{p->lambda * periods_per_year};
  const auto& nb = std::get<NegativeBinomial>(model);
  return NegativeBinomial{nb.size * periods_per_year, nb.mu * periods_per_year};
}

FrequencyFamily ParseFrequencyFamily(std::string_view name) {
  if (name == "poisson") return FrequencyFamily::kPoisson;
  if (name == "negbin" || name == "negative-binomial") return FrequencyFamily::kNegativeBinomial;
  throw InvalidArgument(fmt::format("unknown frequency model '{}'", name), {.expected = "poisson or negbin"});
}

FrequencyFit FitPoisson(std::span<const double> counts) {
  ValidateCounts(counts);
  const auto n = static_cast<double>(counts.size());
  double sum = 0;
  for (const double c : counts) sum += c;
  const Poisson model{sum / n};
  FrequencyFit fit;
  fit.family = FrequencyFamily::kPoisson;
  fit.model = model;
  fit.param_names = {"lambda"};
  fit.params = {model.lambda};
  fit.std_errors = {std::sqrt(model.lambda / n)};
  for (const double c : counts) fit.log_likelihood += model.LogProbability(c);
  fit.aic = 2 - 2 * fit.log_likelihood;
  fit.periods = static_cast<std::int64_t>(counts.size());
  return fit;
}

FrequencyFit FitNegativeBinomial(std::span<const double> counts) {
  ValidateCounts(counts);
  const auto n = static_cast<double>(counts.size());
  double mean = 0;
  for (const double c : counts) mean += c;
  mean /= n;
  double variance = 0;
  for (const double c : counts) variance += (c - mean) * (c - mean);
  variance = counts.size() > 1 ? variance / (n - 1) : 0;

  FrequencyFit fit;
  fit.family = FrequencyFamily::kNegativeBinomial;
  fit.param_names = {"size", "mu"};
  fit.periods = static_cast<std::int64_t>(counts.size());
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (!(variance > mean) || mean == 0) {
    fit.valid = false;
    fit.note = fmt::format(
        "the counts are not over-dispersed (variance {:.6g} <= mean {:.6g}): the negative "
        "binomial likelihood has no finite maximum (it tends to the Poisson); use Poisson",
        variance, mean);
    fit.model = NegativeBinomial{std::numeric_limits<double>::infinity(), mean};
    fit.params = {std::numeric_limits<double>::infinity(), mean};
    fit.std_errors = {nan, nan};
    fit.log_likelihood = nan;
    fit.aic = nan;
    return fit;
  }
  // Sufficient for the likelihood: the distinct counts and how often each occurs.
  std::vector<double> sorted(counts.begin(), counts.end());
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::pair<double, double>> distinct;
  for (const double c : sorted) {
    if (distinct.empty() || distinct.back().first != c) distinct.emplace_back(c, 0.0);
    distinct.back().second += 1;
  }
  LogLikelihood loglik = [&distinct](std::span<const double> p) {
    const NegativeBinomial m{p[0], p[1]};
    double s = 0;
    for (const auto& [c, w] : distinct) s += w * m.LogProbability(c);
    return s;
  };
  // Method-of-moments start; mu's ML estimate is the sample mean for any size, so its box is narrow.
  const double size0 = std::clamp(mean * mean / (variance - mean), 1e-4, 1e7);
  const MleResult r = MaximizeAndRefine(loglik, {size0, mean}, {1e-6, mean * 0.5}, {1e9, mean * 1.5});
  fit.model = NegativeBinomial{r.params[0], r.params[1]};
  fit.params = r.params;
  fit.std_errors = r.std_errors;
  fit.log_likelihood = r.log_likelihood;
  fit.aic = 4 - 2 * r.log_likelihood;
  if (r.params[0] > 1e8) {
    fit.note = "the size parameter ran to its upper bound: the counts are barely over-dispersed";
  }
  return fit;
}

}  // namespace finai::risk::lda
