// Distribution functions of the severity laws.
#include "finai/risk/lda/severity.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/math/special_functions/erf.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <numbers>

#include "finai/core/error.hpp"

namespace finai::risk::lda {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();

double NormalCdf(double z) { return 0.5 * std::erfc(-z / std::numbers::sqrt2); }
double NormalQuantile(double p) { return -std::numbers::sqrt2 * boost::math::erfc_inv(2 * p); }
// log Phi(z), also where Phi(z) underflows: erfc is representable down to z ~ -37.5; below, the asymptotic
// series log Phi(z) = -z^2/2 - log(-z sqrt(2 pi)) + log(1 - 1/z^2 + 3/z^4 - ...) is accurate to double precision.
double LogNormalCdf(double z) {
  if (z > -37) return std::log(NormalCdf(z));
  const double z2 = z * z;
  return -0.5 * z2 - std::log(-z * std::sqrt(2 * std::numbers::pi)) + std::log1p(-1 / z2 + 3 / (z2 * z2));
}
}  // namespace

// ---- lognormal -------------------------------------------------------------------------------------------
double Lognormal::LogPdf(double x) const {
  if (x <= 0) return -kInf;
  const double z = (std::log(x) - meanlog) / sdlog;
  return -0.5 * z * z - std::log(x * sdlog) - 0.5 * std::log(2 * std::numbers::pi);
}
double Lognormal::Cdf(double x) const { return x <= 0 ? 0.0 : NormalCdf((std::log(x) - meanlog) / sdlog); }
double Lognormal::Survival(double x) const { return x <= 0 ? 1.0 : NormalCdf(-(std::log(x) - meanlog) / sdlog); }
double Lognormal::LogCdf(double x) const { return x <= 0 ? -kInf : LogNormalCdf((std::log(x) - meanlog) / sdlog); }
double Lognormal::LogSurvival(double x) const { return x <= 0 ? 0.0 : LogNormalCdf(-(std::log(x) - meanlog) / sdlog); }
double Lognormal::Quantile(double p) const { return std::exp(meanlog + sdlog * NormalQuantile(p)); }

// ---- Weibull ---------------------------------------------------------------------------------------------
double Weibull::LogPdf(double x) const {
  if (x <= 0) return -kInf;
  const double lz = std::log(x / scale);
  return std::log(shape / scale) + (shape - 1) * lz - std::exp(shape * lz);
}
double Weibull::Mean() const { return scale * std::tgamma(1 + 1 / shape); }

// ---- gamma -----------------------------------------------------------------------------------------------
double Gamma::LogPdf(double x) const {
  if (x <= 0) return -kInf;
  return shape * std::log(rate) - boost::math::lgamma(shape) + (shape - 1) * std::log(x) - rate * x;
}
double Gamma::Cdf(double x) const { return x <= 0 ? 0.0 : boost::math::gamma_p(shape, rate * x); }
double Gamma::Survival(double x) const { return x <= 0 ? 1.0 : boost::math::gamma_q(shape, rate * x); }
double Gamma::LogCdf(double x) const { return x <= 0 ? -kInf : std::log(Cdf(x)); }
double Gamma::LogSurvival(double x) const {
  if (x <= 0) return 0.0;
  const double q = Survival(x);
  if (q > 0) return std::log(q);
  // Beyond underflow: log Q(a, y) ~ (a - 1) log y - y - lgamma(a), the leading term of the asymptotic series.
  const double y = rate * x;
  return (shape - 1) * std::log(y) - y - boost::math::lgamma(shape);
}
double Gamma::Quantile(double p) const { return boost::math::gamma_p_inv(shape, p) / rate; }

// ---- GPD -------------------------------------------------------------------------------------------------
double Gpd::LogPdf(double y) const {
  if (y < 0 || y > UpperEndpoint()) return -kInf;
  if (std::fabs(xi) < 1e-12) return -std::log(beta) - y / beta;
  const double t = 1 + xi * y / beta;
  if (t <= 0) return -kInf;
  return -std::log(beta) - (1 + 1 / xi) * std::log1p(xi * y / beta);
}
double Gpd::LogSurvival(double y) const {
  if (y <= 0) return 0.0;
  if (y >= UpperEndpoint()) return -kInf;
  if (std::fabs(xi) < 1e-12) return -y / beta;
  return -std::log1p(xi * y / beta) / xi;
}

// ---- spliced ---------------------------------------------------------------------------------------------
BodyKind ParseBodyKind(std::string_view name) {
  if (name == "empirical") return BodyKind::kEmpirical;
  if (name == "lognormal") return BodyKind::kLognormal;
  throw InvalidArgument(fmt::format("unknown body law '{}'", name), {.expected = "empirical or lognormal"});
}

double SplicedGpd::Cdf(double x) const {
  if (x > threshold) return (1 - tail_probability) + tail_probability * tail.Cdf(x - threshold);
  if (body == BodyKind::kEmpirical) {
    const auto& b = *body_sorted;
    const auto at_or_below = std::upper_bound(b.begin(), b.end(), x) - b.begin();
    return (1 - tail_probability) * static_cast<double>(at_or_below) / static_cast<double>(b.size());
  }
  return (1 - tail_probability) * body_lognormal.Cdf(x) / body_lognormal_mass;
}
double SplicedGpd::Survival(double x) const {
  if (x > threshold) return tail_probability * tail.Survival(x - threshold);
  return 1 - Cdf(x);
}
double SplicedGpd::LogCdf(double x) const { return std::log(Cdf(x)); }
double SplicedGpd::LogSurvival(double x) const {
  if (x > threshold) return std::log(tail_probability) + tail.LogSurvival(x - threshold);
  return std::log1p(-Cdf(x));
}
double SplicedGpd::Quantile(double p) const {
  const double body_share = 1 - tail_probability;
  if (p > body_share) return threshold + tail.ExcessAtSurvival((1 - p) / tail_probability);
  const double q = p / body_share;
  if (body == BodyKind::kEmpirical) {
    const auto& b = *body_sorted;
    const auto k = static_cast<std::size_t>(std::ceil(q * static_cast<double>(b.size()) - 1e-9));
    return b[std::clamp<std::size_t>(k, 1, b.size()) - 1];
  }
  return body_lognormal.Quantile(q * body_lognormal_mass);
}
double SplicedGpd::Mean() const {
  double body_mean;
  if (body == BodyKind::kEmpirical) {
    double s = 0;
    for (const double v : *body_sorted) s += v;
    body_mean = s / static_cast<double>(body_sorted->size());
  } else {
    // E[X | X <= u] for a lognormal: e^(mu + s^2/2) Phi((log u - mu - s^2) / s) / Phi((log u - mu) / s).
    const double s = body_lognormal.sdlog;
    const double z = (std::log(threshold) - body_lognormal.meanlog) / s;
    body_mean = body_lognormal.Mean() * NormalCdf(z - s) / body_lognormal_mass;
  }
  return (1 - tail_probability) * body_mean + tail_probability * (threshold + tail.Mean());
}

// ---- the variant -----------------------------------------------------------------------------------------
SeverityFamily ParseSeverityFamily(std::string_view name) {
  if (name == "lognormal") return SeverityFamily::kLognormal;
  if (name == "weibull") return SeverityFamily::kWeibull;
  if (name == "gamma") return SeverityFamily::kGamma;
  if (name == "spliced-gpd") return SeverityFamily::kSplicedGpd;
  throw InvalidArgument(fmt::format("unknown severity law '{}'", name),
                        {.expected = "lognormal, weibull, gamma or spliced-gpd"});
}

std::string_view SeverityFamilyName(SeverityFamily family) {
  switch (family) {
    case SeverityFamily::kLognormal:
      return "lognormal";
    case SeverityFamily::kWeibull:
      return "weibull";
    case SeverityFamily::kGamma:
      return "gamma";
    case SeverityFamily::kSplicedGpd:
      return "spliced-gpd";
  }
  return "unknown";
}

SeverityFamily FamilyOf(const SeverityModel& model) { return static_cast<SeverityFamily>(model.index()); }

double SeverityCdf(const SeverityModel& model, double x) {
  return std::visit([x](const auto& m) { return m.Cdf(x); }, model);
}
double SeveritySurvival(const SeverityModel& model, double x) {
  return std::visit([x](const auto& m) { return m.Survival(x); }, model);
}
double SeverityQuantile(const SeverityModel& model, double p) {
  return std::visit([p](const auto& m) { return m.Quantile(p); }, model);
}
double SeverityMean(const SeverityModel& model) {
  return std::visit([](const auto& m) { return m.Mean(); }, model);
}

double SeveritySecondMoment(const SeverityModel& model) {
  struct Visitor {
    double operator()(const Lognormal& m) const { return std::exp(2 * m.meanlog + 2 * m.sdlog * m.sdlog); }
    double operator()(const Weibull& m) const { return m.scale * m.scale * std::tgamma(1 + 2 / m.shape); }
    double operator()(const Gamma& m) const { return m.shape * (m.shape + 1) / (m.rate * m.rate); }
    double operator()(const SplicedGpd& m) const {
      if (m.tail.xi >= 0.5) return kInf;
      // Body: bounded by u^2; tail: E[(u + Y)^2] = u^2 + 2 u E Y + E Y^2, E Y^2 = 2 beta^2 / ((1 - xi)(1 - 2 xi)).
      const double ey = m.tail.Mean();
      const double ey2 = 2 * m.tail.beta * m.tail.beta / ((1 - m.tail.xi) * (1 - 2 * m.tail.xi));
      const double u = m.threshold;
      return (1 - m.tail_probability) * u * u + m.tail_probability * (u * u + 2 * u * ey + ey2);
    }
  };
  return std::visit(Visitor{}, model);
}

std::string DescribeSeverity(const SeverityModel& model) {
  struct Visitor {
    std::string operator()(const Lognormal& m) const {
      return fmt::format("lognormal(meanlog={:.6g}, sdlog={:.6g})", m.meanlog, m.sdlog);
    }
    std::string operator()(const Weibull& m) const {
      return fmt::format("weibull(shape={:.6g}, scale={:.6g})", m.shape, m.scale);
    }
    std::string operator()(const Gamma& m) const {
      return fmt::format("gamma(shape={:.6g}, rate={:.6g})", m.shape, m.rate);
    }
    std::string operator()(const SplicedGpd& m) const {
      const std::string body = m.body == BodyKind::kEmpirical
                                   ? std::string("empirical")
                                   : fmt::format("lognormal(meanlog={:.6g}, sdlog={:.6g}) truncated",
                                                 m.body_lognormal.meanlog, m.body_lognormal.sdlog);
      return fmt::format("spliced(body={} below u={:.6g}; gpd(xi={:.6g}, beta={:.6g}) above, P(X>u)={:.6g})", body,
                         m.threshold, m.tail.xi, m.tail.beta, m.tail_probability);
    }
  };
  return std::visit(Visitor{}, model);
}

}  // namespace finai::risk::lda
