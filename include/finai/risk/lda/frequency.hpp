// Loss frequency: how many losses a period brings. Counts per calendar year or month are taken from loss
// dates (periods without a loss count as zero), and a Poisson or negative binomial law is fitted to them by
// maximum likelihood, with standard errors from the observed information.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "finai/risk/lda/sampling.hpp"

namespace finai::risk::lda {

enum class Period { kYear, kMonth };
Period ParsePeriod(std::string_view name);  // "year", "month"; InvalidArgument otherwise
std::string_view PeriodName(Period period);
double PeriodsPerYear(Period period);  // 1 or 12

struct PeriodCounts {
  Period period = Period::kYear;
  std::vector<std::string> labels;  // "1980" or "1980-01", from the first loss's period to the last's
  std::vector<double> counts;       // losses in each period, zeros included
};

// Counts losses per period from their dates (seconds since 1970-01-01 UTC, as Column::datetime() holds them).
// InvalidData for an empty input or a missing date (kMissingTime).
PeriodCounts CountPerPeriod(std::span<const std::int64_t> dates, Period period);
// The same over the periods from first_date's to last_date's (widened to hold every date), e.g. so that the
// risk cells of one data set are all counted over the whole observation span.
PeriodCounts CountPerPeriod(std::span<const std::int64_t> dates, Period period, std::int64_t first_date,
                            std::int64_t last_date);

struct Poisson {
  double lambda = 0;
  double Mean() const { return lambda; }
  double Variance() const { return lambda; }
  // E[N(N-1)] / E[N]: the expected number of other losses in a period known to hold one (Palm distribution),
  // which the mean-corrected single-loss approximation needs.
  double OtherLossesGivenOne() const { return lambda; }
  double LogProbability(double k) const;
  PoissonSampler MakeSampler() const { return PoissonSampler(lambda); }
};

// Negative binomial with size r and mean mu (variance mu + mu^2 / r): a gamma mixture of Poissons, which is
// how it is sampled.
struct NegativeBinomial {
  double size = 1;
  double mu = 0;
  double Mean() const { return mu; }
  double Variance() const { return mu + mu * mu / size; }
  double OtherLossesGivenOne() const { return mu * (1 + 1 / size); }
  double Probability() const { return size / (size + mu); }  // R's `prob`
  double LogProbability(double k) const;

  struct Draw {
    GammaSampler gamma;
    double scale;
    std::int64_t operator()(Sampler& s) const { return PoissonSampler(gamma(s) * scale)(s); }
  };
  Draw MakeSampler() const { return Draw{GammaSampler(size), mu / size}; }
};

using FrequencyModel = std::variant<Poisson, NegativeBinomial>;
double FrequencyMean(const FrequencyModel& model);
double FrequencyOtherLossesGivenOne(const FrequencyModel& model);
std::string FrequencyName(const FrequencyModel& model);  // "poisson", "negative binomial"
// The model for a year from the model of one period, periods being independent: Poisson lambda * k,
// negative binomial size * k and mu * k (a sum of k independent NB(r, p) is NB(k r, p)).
FrequencyModel Annualise(const FrequencyModel& model, double periods_per_year);

enum class FrequencyFamily { kPoisson, kNegativeBinomial };
FrequencyFamily ParseFrequencyFamily(std::string_view name);  // "poisson", "negbin" / "negative-binomial"

struct FrequencyFit {
  FrequencyFamily family = FrequencyFamily::kPoisson;
  FrequencyModel model;                  // per period, as fitted
  std::vector<std::string> param_names;  // lambda | size, mu
  std::vector<double> params;
  std::vector<double> std_errors;
  double log_likelihood = 0;
  double aic = 0;
  std::int64_t periods = 0;
  bool valid = true;  // false when the ML estimate does not exist (see note)
  std::string note;
};

// Poisson: lambda = mean count, standard error sqrt(lambda / periods). InvalidData for an empty input or a
// count that is negative, fractional or not finite.
FrequencyFit FitPoisson(std::span<const double> counts);
// Negative binomial (size, mu) by MaximizeLikelihood. Counts that are not over-dispersed (variance <= mean)
// have no finite maximum (the likelihood rises towards the Poisson limit): the fit is then marked invalid
// with a note instead of returning an arbitrary huge size.
FrequencyFit FitNegativeBinomial(std::span<const double> counts);

}  // namespace finai::risk::lda
