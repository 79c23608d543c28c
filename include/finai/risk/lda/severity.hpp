// Loss severity laws: lognormal, Weibull, gamma, and a body spliced to a generalized Pareto tail. Each is a
// plain value type with its CDF, survival function, quantile and mean, and an inline Sample() that the
// Monte Carlo kernel calls directly (the kernel is a template on these types: no virtual call per draw).
//
// Parameterisations follow R: dlnorm(meanlog, sdlog), dweibull(shape, scale), dgamma(shape, rate).
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "finai/risk/lda/sampling.hpp"

namespace finai::risk::lda {

struct Lognormal {
  double meanlog = 0;
  double sdlog = 1;
  double LogPdf(double x) const;
  double Cdf(double x) const;
  double Survival(double x) const;
  double LogCdf(double x) const;
  double LogSurvival(double x) const;
  double Quantile(double p) const;
  double Mean() const { return std::exp(meanlog + 0.5 * sdlog * sdlog); }
  double Sample(Sampler& s) const { return std::exp(meanlog + sdlog * s.Normal()); }
};

struct Weibull {
  double shape = 1;
  double scale = 1;
  double LogPdf(double x) const;
  double Cdf(double x) const { return x <= 0 ? 0.0 : -std::expm1(LogSurvival(x)); }
  double Survival(double x) const { return std::exp(LogSurvival(x)); }
  double LogCdf(double x) const { return x <= 0 ? -std::numeric_limits<double>::infinity() : std::log(Cdf(x)); }
  double LogSurvival(double x) const { return x <= 0 ? 0.0 : -std::pow(x / scale, shape); }
  double Quantile(double p) const { return scale * std::pow(-std::log1p(-p), 1 / shape); }
  double Mean() const;
  // Inversion: scale * E^(1/shape) with E = -log U exponential.
  double Sample(Sampler& s) const { return scale * std::exp(std::log(-std::log(s.UniformOpen())) / shape); }
};

struct Gamma {
  double shape = 1;
  double rate = 1;
  double LogPdf(double x) const;
  double Cdf(double x) const;
  double Survival(double x) const;
  double LogCdf(double x) const;
  double LogSurvival(double x) const;
  double Quantile(double p) const;
  double Mean() const { return shape / rate; }
  // Prepares the sampler's constants on each call; the simulation kernel keeps one GammaSampler instead.
  double Sample(Sampler& s) const { return GammaSampler(shape)(s) / rate; }
};

// Generalized Pareto law of an excess y = x - threshold >= 0: G(y) = 1 - (1 + xi y / beta)^(-1/xi)
// (1 - exp(-y / beta) at xi = 0). Heavy-tailed for xi > 0: the mean is infinite for xi >= 1, the variance
// for xi >= 1/2.
struct Gpd {
  double xi = 0;
  double beta = 1;
  double LogPdf(double y) const;
  double LogSurvival(double y) const;
  double Cdf(double y) const { return -std::expm1(LogSurvival(y)); }
  double Survival(double y) const { return std::exp(LogSurvival(y)); }
  double LogCdf(double y) const { return std::log(Cdf(y)); }
  // The excess exceeded with probability q (0 < q <= 1): beta / xi * (q^-xi - 1).
  double ExcessAtSurvival(double q) const {
    const double lq = std::log(q);
    return std::fabs(xi) < 1e-12 ? -beta * lq : beta / xi * std::expm1(-xi * lq);
  }
  double Quantile(double p) const { return ExcessAtSurvival(1 - p); }
  double Mean() const { return xi < 1 ? beta / (1 - xi) : std::numeric_limits<double>::infinity(); }
  double UpperEndpoint() const { return xi < 0 ? -beta / xi : std::numeric_limits<double>::infinity(); }
};

enum class BodyKind { kEmpirical, kLognormal };
BodyKind ParseBodyKind(std::string_view name);  // "empirical", "lognormal"

// A body below the threshold u spliced to a GPD tail above it:
//   F(x) = (1 - zeta) * B(x)                     for x <= u, B the body law conditioned on X <= u
//   F(x) = (1 - zeta) + zeta * G(x - u)           for x > u,  G the GPD of the excesses
// with zeta = P(X > u), the share of losses above u. Both pieces equal 1 - zeta at u, so F is continuous
// (the density need not be). The body is either the empirical law of the losses <= u (then F is exactly the
// empirical CDF below u) or a lognormal fitted to them by ML as a distribution truncated at u.
struct SplicedGpd {
  double threshold = 0;
  double tail_probability = 0;  // zeta
  Gpd tail;
  BodyKind body = BodyKind::kEmpirical;
  std::shared_ptr<const std::vector<double>> body_sorted;  // empirical body: the losses <= u, sorted
  Lognormal body_lognormal;                                // lognormal body (untruncated parameters)
  double body_lognormal_mass = 1;                          // its P(X <= u), the truncation constant

  double Cdf(double x) const;
  double Survival(double x) const;
  double LogCdf(double x) const;
  double LogSurvival(double x) const;
  double Quantile(double p) const;
  double Mean() const;

  double Sample(Sampler& s) const {
    const double u = s.Uniform();
    const double body_share = 1 - tail_probability;
    if (u >= body_share) {
      // Inversion of the tail with the same uniform: P(X > x) / zeta = (1 - u) / zeta is uniform on (0, 1].
      return threshold + tail.ExcessAtSurvival((1 - u) / tail_probability);
    }
    if (body == BodyKind::kEmpirical) {
      const auto& b = *body_sorted;
      auto i = static_cast<std::size_t>(u / body_share * static_cast<double>(b.size()));
      return b[i < b.size() ? i : b.size() - 1];
    }
    for (;;) {  // lognormal conditioned on X <= u by rejection: accepted with probability body_lognormal_mass
      const double x = body_lognormal.Sample(s);
      if (x <= threshold) return x;
    }
  }
};

using SeverityModel = std::variant<Lognormal, Weibull, Gamma, SplicedGpd>;

enum class SeverityFamily { kLognormal, kWeibull, kGamma, kSplicedGpd };
SeverityFamily ParseSeverityFamily(std::string_view name);  // "lognormal", "weibull", "gamma", "spliced-gpd"
std::string_view SeverityFamilyName(SeverityFamily family);
SeverityFamily FamilyOf(const SeverityModel& model);

double SeverityCdf(const SeverityModel& model, double x);
double SeveritySurvival(const SeverityModel& model, double x);
double SeverityQuantile(const SeverityModel& model, double p);
double SeverityMean(const SeverityModel& model);  // +infinity when infinite
// E[X^2] (infinite for a GPD tail with xi >= 1/2); used to size the Panjer grid.
double SeveritySecondMoment(const SeverityModel& model);
std::string DescribeSeverity(const SeverityModel& model);  // "lognormal(meanlog=0.787, sdlog=0.717)"

}  // namespace finai::risk::lda
