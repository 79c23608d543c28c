// Peaks over threshold: mean excess, GPD fit of the excesses, and the splice of a body to the GPD tail.
#include "finai/risk/lda/tail.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "finai/core/error.hpp"
#include "finai/risk/mle.hpp"
#include "risk/oprisk/ml_refine.hpp"

namespace finai::risk::lda {

namespace {

constexpr double kMinXi = -0.5;  // below, the ML estimator is not regular (Smith 1985)
constexpr double kMaxXi = 3.0;

std::vector<double> Sorted(std::span<const double> x) {
  std::vector<double> s(x.begin(), x.end());
  std::sort(s.begin(), s.end());
  return s;
}

double GpdLogLikelihood(std::span<const double> excesses, double xi, double beta) {
  if (!(beta > 0)) return -std::numeric_limits<double>::infinity();
  const auto m = static_cast<double>(excesses.size());
  double s = 0;
  if (std::fabs(xi) < 1e-9) {
    for (const double y : excesses) s += y;
    return -m * std::log(beta) - s / beta;
  }
  for (const double y : excesses) {
    const double t = xi * y / beta;
    if (!(t > -1)) return -std::numeric_limits<double>::infinity();
    s += std::log1p(t);
  }
  return -m * std::log(beta) - (1 + 1 / xi) * s;
}

struct GpdEstimate {
  Gpd gpd;
  double xi_se = 0, beta_se = 0, log_likelihood = 0;
};

// ML of (xi, beta) from probability-weighted-moment starting values (Hosking and Wallis 1987).
GpdEstimate FitGpdExcesses(std::span<const double> excesses, bool standard_errors) {
  const std::vector<double> y = Sorted(excesses);
  const auto m = static_cast<double>(y.size());
  double a0 = 0, a1 = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    a0 += y[i];
    a1 += y[i] * (m - 1 - static_cast<double>(i)) / (m - 1);
  }
  a0 /= m;
  a1 /= m;
  if (!(a0 > 0)) throw InvalidData("all excesses over the threshold are zero: no GPD can be fitted");
  double xi0 = std::clamp(2 - a0 / (a0 - 2 * a1), kMinXi + 0.05, kMaxXi - 0.05);
  double beta0 = std::max(2 * a0 * a1 / (a0 - 2 * a1), 1e-3 * a0);
  if (!std::isfinite(beta0) || !std::isfinite(GpdLogLikelihood(y, xi0, beta0))) {
    xi0 = 0.1;  // the moment estimate can leave the support (xi < 0 with y_max >= -beta/xi): start heavy-tailed
    beta0 = a0 * 0.9;
  }
  LogLikelihood ll = [&y](std::span<const double> p) { return GpdLogLikelihood(y, p[0], p[1]); };
  const MleResult r =
      MaximizeAndRefine(ll, {xi0, beta0}, {kMinXi, beta0 / 100}, {kMaxXi, beta0 * 100}, standard_errors);
  GpdEstimate out;
  out.gpd = Gpd{r.params[0], r.params[1]};
  out.xi_se = r.std_errors[0];
  out.beta_se = r.std_errors[1];
  out.log_likelihood = r.log_likelihood;
  return out;
}

GofStatistics GpdStatistics(std::span<const double> excesses, const Gpd& g) {
  return ComputeGofStatistics(
      excesses, [&g](double v) { return g.Cdf(v); }, [&g](double v) { return g.LogCdf(v); },
      [&g](double v) { return g.LogSurvival(v); });
}

}  // namespace

std::vector<MeanExcessPoint> MeanExcessPlot(std::span<const double> losses, std::int64_t min_exceedances,
                                            std::int64_t max_points) {
  ValidateLosses(losses, 1);
  const std::vector<double> x = Sorted(losses);
  const auto n = static_cast<std::int64_t>(x.size());
  // Suffix sums: sum and sum of squares of x[i..n).
  std::vector<double> suffix(x.size() + 1, 0.0), suffix2(x.size() + 1, 0.0);
  for (std::int64_t i = n - 1; i >= 0; --i) {
    const auto u = static_cast<std::size_t>(i);
    suffix[u] = suffix[u + 1] + x[u];
    suffix2[u] = suffix2[u + 1] + x[u] * x[u];
  }
  std::vector<MeanExcessPoint> all;
  for (std::int64_t i = 0; i < n; ++i) {
    const auto u = static_cast<std::size_t>(i);
    if (i + 1 < n && x[u + 1] == x[u]) continue;  // the last of a run of ties: the exceedances are x > x[i]
    const std::int64_t count = n - 1 - i;
    if (count < std::max<std::int64_t>(min_exceedances, 1)) break;
    const auto c = static_cast<double>(count);
    const double mean = suffix[u + 1] / c;
    const double variance = std::max(0.0, suffix2[u + 1] / c - mean * mean) * c / std::max(1.0, c - 1);
    all.push_back({x[u], mean - x[u], std::sqrt(variance / c), count});
  }
  if (max_points <= 0 || static_cast<std::int64_t>(all.size()) <= max_points) return all;
  std::vector<MeanExcessPoint> out;
  const auto total = static_cast<std::int64_t>(all.size());
  for (std::int64_t k = 0; k < max_points; ++k) {
    out.push_back(all[static_cast<std::size_t>(k * (total - 1) / std::max<std::int64_t>(1, max_points - 1))]);
  }
  return out;
}

MeanExcessPoint MeanExcessAt(std::span<const double> losses, double threshold) {
  ValidateLosses(losses, 1);
  double sum = 0, sum2 = 0;
  std::int64_t count = 0;
  for (const double v : losses) {
    if (v > threshold) {
      sum += v - threshold;
      sum2 += (v - threshold) * (v - threshold);
      ++count;
    }
  }
  if (count == 0) {
    throw InvalidArgument(fmt::format("threshold {} leaves no loss above it", threshold),
                          {.expected = "a threshold below the largest loss"});
  }
  const auto c = static_cast<double>(count);
  const double mean = sum / c;
  const double variance = std::max(0.0, sum2 / c - mean * mean) * c / std::max(1.0, c - 1);
  return {threshold, mean, std::sqrt(variance / c), count};
}

double DefaultThreshold(std::span<const double> losses) {
  ValidateLosses(losses, 1);
  const std::vector<double> x = Sorted(losses);
  const auto k = static_cast<std::size_t>(std::ceil(kDefaultThresholdQuantile * static_cast<double>(x.size()) - 1e-9));
  return x[std::clamp<std::size_t>(k, 1, x.size()) - 1];
}

GpdFit FitGpdTail(std::span<const double> losses, double threshold, const SeverityFitOptions& options,
                  const Context& ctx) {
  ValidateLosses(losses);
  if (!std::isfinite(threshold)) {
    throw InvalidArgument("the threshold is not a finite number", {.value = fmt::format("{}", threshold)});
  }
  std::vector<double> excesses;
  double largest = 0;
  for (const double v : losses) {
    largest = std::max(largest, v);
    if (v > threshold) excesses.push_back(v - threshold);
  }
  const auto m = static_cast<std::int64_t>(excesses.size());
  if (m < kMinExceedances) {
    throw InvalidArgument(fmt::format("threshold {} leaves {} of {} losses above it", threshold, m, losses.size()),
                          {.expected = fmt::format("at least {} losses above the threshold (the largest loss is {})",
                                                   kMinExceedances, largest)});
  }
  const GpdEstimate est = FitGpdExcesses(excesses, true);
  GpdFit fit;
  fit.threshold = threshold;
  fit.gpd = est.gpd;
  fit.xi_std_error = est.xi_se;
  fit.beta_std_error = est.beta_se;
  fit.log_likelihood = est.log_likelihood;
  fit.exceedances = m;
  fit.n = static_cast<std::int64_t>(losses.size());
  fit.tail_probability = static_cast<double>(m) / static_cast<double>(losses.size());
  const GofStatistics observed = GpdStatistics(excesses, est.gpd);
  fit.gof.n = m;
  fit.gof.ks = observed.ks;
  fit.gof.ad = observed.ad;
  const Gpd fitted = est.gpd;
  BootstrapGofPValues(
      m, fit.gof, options.bootstrap_replicates,
      [&fitted](Sampler& s, std::vector<double>& out) {
        for (double& v : out) v = fitted.ExcessAtSurvival(s.UniformOpen());
      },
      [](std::vector<double>& sample) { return GpdStatistics(sample, FitGpdExcesses(sample, false).gpd); }, ctx);
  return fit;
}

SplicedFit FitSplicedGpd(std::span<const double> losses, double threshold, BodyKind body,
                         const SeverityFitOptions& options, const Context& ctx) {
  SplicedFit out;
  out.tail = FitGpdTail(losses, threshold, options, ctx);
  out.body = body;
  auto below = std::make_shared<std::vector<double>>();
  for (const double v : losses) {
    if (v <= threshold) below->push_back(v);
  }
  if (below->size() < 2) {
    throw InvalidArgument(
        fmt::format("threshold {} leaves {} losses at or below it for the body", threshold, below->size()),
        {.expected = "at least 2 losses at or below the threshold"});
  }
  std::sort(below->begin(), below->end());
  SplicedGpd model;
  model.threshold = threshold;
  model.tail_probability = out.tail.tail_probability;
  model.tail = out.tail.gpd;
  model.body = body;
  if (body == BodyKind::kLognormal) {
    // ML of a lognormal truncated to (0, u]: sum log f(x) - m log F(u), from the untruncated estimates.
    double mean_log = 0, ss = 0;
    for (const double v : *below) mean_log += std::log(v);
    mean_log /= static_cast<double>(below->size());
    for (const double v : *below) ss += (std::log(v) - mean_log) * (std::log(v) - mean_log);
    const double sd_log = std::sqrt(ss / static_cast<double>(below->size()));
    if (!(sd_log > 0)) throw InvalidData("all losses below the threshold are equal: the lognormal body needs spread");
    const auto& data = *below;
    LogLikelihood ll = [&data, threshold](std::span<const double> p) {
      const Lognormal ln{p[0], p[1]};
      const double log_mass = ln.LogCdf(threshold);
      double s = 0;
      for (const double v : data) s += ln.LogPdf(v);
      return s - static_cast<double>(data.size()) * log_mass;
    };
    const MleResult r = MaximizeAndRefine(ll, {mean_log, sd_log}, {mean_log - 10 * sd_log, sd_log / 20},
                                          {mean_log + 10 * sd_log, sd_log * 20});
    model.body_lognormal = Lognormal{r.params[0], r.params[1]};
    model.body_lognormal_mass = model.body_lognormal.Cdf(threshold);
    out.body_meanlog = r.params[0];
    out.body_sdlog = r.params[1];
    out.body_meanlog_se = r.std_errors[0];
    out.body_sdlog_se = r.std_errors[1];
  }
  model.body_sorted = std::move(below);
  out.model = std::move(model);
  return out;
}

}  // namespace finai::risk::lda
