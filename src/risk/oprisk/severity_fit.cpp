// Maximum-likelihood fits of lognormal, Weibull and gamma severities.
#include "finai/risk/lda/severity_fit.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <limits>
#include <numbers>

#include "finai/core/error.hpp"
#include "finai/risk/mle.hpp"
#include "risk/oprisk/ml_refine.hpp"

namespace finai::risk::lda {

namespace {

struct RawFit {
  SeverityModel model;
  std::vector<double> params;
  std::vector<double> std_errors;
  double log_likelihood = 0;
};

struct LogMoments {
  double n = 0, mean_log = 0, sd_log = 0, mean = 0, sum_log = 0, sum = 0;
};

LogMoments Moments(std::span<const double> x) {
  LogMoments m;
  m.n = static_cast<double>(x.size());
  for (const double v : x) {
    m.sum_log += std::log(v);
    m.sum += v;
  }
  m.mean_log = m.sum_log / m.n;
  m.mean = m.sum / m.n;
  double ss = 0;
  for (const double v : x) ss += (std::log(v) - m.mean_log) * (std::log(v) - m.mean_log);
  m.sd_log = std::sqrt(ss / m.n);
  return m;
}

RawFit FitLognormal(std::span<const double> x) {
  const LogMoments m = Moments(x);
  if (!(m.sd_log > 0)) throw InvalidData("all losses are equal: a lognormal needs some spread");
  RawFit out;
  const Lognormal model{m.mean_log, m.sd_log};
  out.model = model;
  out.params = {m.mean_log, m.sd_log};
  out.std_errors = {m.sd_log / std::sqrt(m.n), m.sd_log / std::sqrt(2 * m.n)};
  // sum of log-densities at the ML estimate: -n/2 (1 + log 2 pi) - n log sdlog - sum log x.
  out.log_likelihood = -0.5 * m.n * (1 + std::log(2 * std::numbers::pi)) - m.n * std::log(m.sd_log) - m.sum_log;
  return out;
}

RawFit FitWeibull(std::span<const double> x, bool standard_errors) {
  const LogMoments m = Moments(x);
  if (!(m.sd_log > 0)) throw InvalidData("all losses are equal: a Weibull needs some spread");
  std::vector<double> log_x(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) log_x[i] = std::log(x[i]);
  // log X is Gumbel (minimum) with sd pi / (shape sqrt 6) and mean log(scale) - gamma_E / shape.
  const double shape0 = std::numbers::pi / (m.sd_log * std::sqrt(6.0));
  const double scale0 = std::exp(m.mean_log + std::numbers::egamma / shape0);
  const double n = m.n, sum_log = m.sum_log;
  LogLikelihood ll = [&log_x, n, sum_log](std::span<const double> p) {
    const double k = p[0], log_s = std::log(p[1]);
    double s = 0;
    for (const double lx : log_x) s += std::exp(k * (lx - log_s));
    return n * std::log(k) - n * k * log_s + (k - 1) * sum_log - s;
  };
  const MleResult r =
      MaximizeAndRefine(ll, {shape0, scale0}, {shape0 / 50, scale0 / 50}, {shape0 * 50, scale0 * 50}, standard_errors);
  RawFit out;
  out.model = Weibull{r.params[0], r.params[1]};
  out.params = r.params;
  out.std_errors = r.std_errors;
  out.log_likelihood = r.log_likelihood;
  return out;
}

RawFit FitGamma(std::span<const double> x, bool standard_errors) {
  const LogMoments m = Moments(x);
  // Minka's closed-form approximation to the shape MLE from s = log(mean) - mean(log x) > 0.
  const double s = std::log(m.mean) - m.mean_log;
  if (!(s > 0)) throw InvalidData("all losses are equal: a gamma needs some spread");
  const double shape0 = (3 - s + std::sqrt((s - 3) * (s - 3) + 24 * s)) / (12 * s);
  const double rate0 = shape0 / m.mean;
  const double n = m.n, sum_log = m.sum_log, sum = m.sum;
  // The gamma likelihood depends on the data only through n, sum log x and sum x.
  LogLikelihood ll = [n, sum_log, sum](std::span<const double> p) {
    const double a = p[0], b = p[1];
    return n * a * std::log(b) - n * boost::math::lgamma(a) + (a - 1) * sum_log - b * sum;
  };
  const MleResult r =
      MaximizeAndRefine(ll, {shape0, rate0}, {shape0 / 50, rate0 / 50}, {shape0 * 50, rate0 * 50}, standard_errors);
  RawFit out;
  out.model = Gamma{r.params[0], r.params[1]};
  out.params = r.params;
  out.std_errors = r.std_errors;
  out.log_likelihood = r.log_likelihood;
  return out;
}

RawFit FitRaw(std::span<const double> x, SeverityFamily family, bool standard_errors) {
  switch (family) {
    case SeverityFamily::kLognormal:
      return FitLognormal(x);
    case SeverityFamily::kWeibull:
      return FitWeibull(x, standard_errors);
    case SeverityFamily::kGamma:
      return FitGamma(x, standard_errors);
    case SeverityFamily::kSplicedGpd:
      break;
  }
  throw InvalidArgument("FitSeverity does not fit the spliced GPD; use FitSplicedGpd with a threshold");
}

GofStatistics StatisticsOf(std::span<const double> x, const SeverityModel& model) {
  return std::visit(
      [x](const auto& m) {
        return ComputeGofStatistics(
            x, [&m](double v) { return m.Cdf(v); }, [&m](double v) { return m.LogCdf(v); },
            [&m](double v) { return m.LogSurvival(v); });
      },
      model);
}

}  // namespace

SeverityFit FitSeverity(std::span<const double> losses, SeverityFamily family, const SeverityFitOptions& options,
                        const Context& ctx) {
  ValidateLosses(losses);
  if (options.bootstrap_replicates < 0) {
    throw InvalidArgument(
        fmt::format("{} bootstrap replicates: the number must not be negative", options.bootstrap_replicates));
  }
  const RawFit raw = FitRaw(losses, family, true);
  SeverityFit fit;
  fit.family = family;
  fit.model = raw.model;
  fit.params = raw.params;
  fit.std_errors = raw.std_errors;
  fit.log_likelihood = raw.log_likelihood;
  fit.aic = 2.0 * static_cast<double>(raw.params.size()) - 2 * raw.log_likelihood;
  fit.n = static_cast<std::int64_t>(losses.size());
  switch (family) {
    case SeverityFamily::kLognormal:
      fit.param_names = {"meanlog", "sdlog"};
      break;
    case SeverityFamily::kWeibull:
      fit.param_names = {"shape", "scale"};
      break;
    case SeverityFamily::kGamma:
      fit.param_names = {"shape", "rate"};
      break;
    case SeverityFamily::kSplicedGpd:
      break;
  }
  const GofStatistics observed = StatisticsOf(losses, raw.model);
  fit.gof.n = fit.n;
  fit.gof.ks = observed.ks;
  fit.gof.ad = observed.ad;
  const SeverityModel fitted = raw.model;
  BootstrapGofPValues(
      fit.n, fit.gof, options.bootstrap_replicates,
      [&fitted](Sampler& s, std::vector<double>& out) {
        std::visit(
            [&](const auto& m) {
              for (double& v : out) v = m.Sample(s);
            },
            fitted);
      },
      [family](std::vector<double>& sample) { return StatisticsOf(sample, FitRaw(sample, family, false).model); }, ctx);
  return fit;
}

}  // namespace finai::risk::lda
