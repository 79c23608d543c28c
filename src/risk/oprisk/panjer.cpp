// Panjer recursion on a discretised severity, and the law it produces.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "finai/core/error.hpp"
#include "finai/risk/lda/aggregate.hpp"

namespace finai::risk::lda {

namespace {

constexpr double kRescaleAbove = 1e250;

// Index of the grid point at or below x (x / h can land a rounding error below an integer).
std::int64_t GridIndex(double x, double step) {
  return static_cast<std::int64_t>(std::floor(x / step * (1 + 1e-12) + 1e-12));
}

}  // namespace

std::vector<double> DiscretizeSeverity(const SeverityModel& severity, double step, std::int64_t points) {
  if (!(step > 0) || !std::isfinite(step)) {
    throw InvalidArgument(fmt::format("the discretisation step {} is not a positive number", step));
  }
  std::vector<double> f(static_cast<std::size_t>(std::max<std::int64_t>(points, 1)));
  double previous = SeveritySurvival(severity, 0.5 * step);
  f[0] = 1 - previous;
  for (std::size_t k = 1; k < f.size(); ++k) {
    const double next = SeveritySurvival(severity, (static_cast<double>(k) + 0.5) * step);
    f[k] = std::max(0.0, previous - next);
    previous = next;
  }
  return f;
}

DiscreteAggregate PanjerRecursion(const FrequencyModel& frequency, const SeverityModel& severity,
                                  const PanjerOptions& options) {
  if (options.max_points < 2) {
    throw InvalidArgument(fmt::format("the Panjer grid needs at least 2 points, not {}", options.max_points));
  }
  if (!(options.tolerance > 0 && options.tolerance < 1)) {
    throw InvalidArgument(fmt::format("the Panjer tolerance {} is outside (0, 1)", options.tolerance));
  }
  const double step =
      options.step > 0 ? options.step : AutomaticPanjerStep(frequency, severity, 0.999, options.max_points);
  const auto points = static_cast<std::size_t>(options.max_points);
  const std::vector<double> f = DiscretizeSeverity(severity, step, options.max_points);

  double a = 0, b = 0, log_p0 = 0;
  if (const auto* p = std::get_if<Poisson>(&frequency)) {
    if (!(p->lambda >= 0) || !std::isfinite(p->lambda)) throw InvalidArgument("invalid Poisson lambda");
    b = p->lambda;
    log_p0 = p->lambda * (f[0] - 1);
  } else {
    const auto& nb = std::get<NegativeBinomial>(frequency);
    if (!(nb.size > 0 && nb.mu >= 0) || !std::isfinite(nb.size)) {
      throw InvalidArgument("invalid negative binomial parameters");
    }
    const double prob = nb.Probability();
    a = 1 - prob;
    b = (nb.size - 1) * a;
    log_p0 = nb.size * std::log(prob / (1 - a * f[0]));
  }
  const double norm = 1 / (1 - a * f[0]);

  // g is kept reversed (g_k at rev[points - 1 - k]) so that sum_j f_j g_{k-j} runs forward in both arrays,
  // and scaled: true g_k = rev[...] * exp(log_scale). Four accumulators let the compiler vectorise the sums.
  std::vector<double> jf(points);
  for (std::size_t j = 0; j < points; ++j) jf[j] = static_cast<double>(j) * f[j];
  std::vector<double> rev(points, 0.0);
  double log_scale = log_p0;
  rev[points - 1] = 1.0;
  double cumulative = 1.0;  // scaled
  const double log_target = std::log1p(-options.tolerance);
  std::size_t k = 1;
  for (; k < points && std::log(cumulative) + log_scale < log_target; ++k) {
    const double* g = rev.data() + (points - k);  // g[i] = g_{k-1-i}, i = 0..k-1, so g[j-1] = g_{k-j}
    double s1[4] = {0, 0, 0, 0}, s2[4] = {0, 0, 0, 0};
    std::size_t j = 1;
    for (; j + 3 <= k; j += 4) {
      for (std::size_t l = 0; l < 4; ++l) {
        s1[l] += f[j + l] * g[j + l - 1];
        s2[l] += jf[j + l] * g[j + l - 1];
      }
    }
    for (; j <= k; ++j) {
      s1[0] += f[j] * g[j - 1];
      s2[0] += jf[j] * g[j - 1];
    }
    const double sum1 = (s1[0] + s1[1]) + (s1[2] + s1[3]);
    const double sum2 = (s2[0] + s2[1]) + (s2[2] + s2[3]);
    const double gk = norm * (a * sum1 + b * sum2 / static_cast<double>(k));
    rev[points - 1 - k] = gk;
    cumulative += gk;
    if (gk > kRescaleAbove) {  // the recursion is linear: scale everything down and remember the factor
      for (std::size_t i = points - 1 - k; i < points; ++i) rev[i] /= kRescaleAbove;
      cumulative /= kRescaleAbove;
      log_scale += std::log(kRescaleAbove);
    }
  }
  DiscreteAggregate out;
  out.step = step;
  out.probabilities.resize(k);
  double total = 0;
  for (std::size_t i = 0; i < k; ++i) {
    const double scaled = rev[points - 1 - i];
    out.probabilities[i] = scaled > 0 ? std::exp(std::log(scaled) + log_scale) : 0.0;
    total += out.probabilities[i];
  }
  out.missing_mass = std::max(0.0, 1 - total);
  return out;
}

double AutomaticPanjerStep(const FrequencyModel& frequency, const SeverityModel& severity, double level,
                           std::int64_t points) {
  ValidateProbability(level, "level");
  const double en = FrequencyMean(frequency);
  const double mean = SeverityMean(severity);
  const double second = SeveritySecondMoment(severity);
  double guess = 0;
  if (std::isfinite(mean) && std::isfinite(second)) {
    const double var_n = std::visit([](const auto& m) { return m.Variance(); }, frequency);
    const double var_s = en * (second - mean * mean) + var_n * mean * mean;
    // A normal-ish quantile with z = 4: generous for moderate skew, and the SLA below covers heavy tails.
    guess = en * mean + 4 * std::sqrt(std::max(var_s, 0.0));
  }
  const SingleLossApproximation sla = ApproximateSingleLoss(frequency, severity, level);
  if (std::isfinite(sla.corrected)) guess = std::max(guess, sla.corrected);
  if (!(guess > 0) || !std::isfinite(guess)) guess = SeverityQuantile(severity, 0.5) * std::max(en, 1.0);
  return 4 * guess / static_cast<double>(std::max<std::int64_t>(points, 2));
}

double DiscreteAggregate::Cdf(double x) const {
  if (x < 0 || probabilities.empty()) return 0;
  const auto last = std::min<std::int64_t>(GridIndex(x, step), static_cast<std::int64_t>(probabilities.size()) - 1);
  double c = 0;
  for (std::int64_t i = 0; i <= last; ++i) c += probabilities[static_cast<std::size_t>(i)];
  return c;
}

double DiscreteAggregate::Quantile(double p) const {
  ValidateProbability(p, "probability");
  double c = 0;
  for (std::size_t i = 0; i < probabilities.size(); ++i) {
    c += probabilities[i];
    if (c >= p) return static_cast<double>(i) * step;
  }
  return std::numeric_limits<double>::infinity();
}

double DiscreteAggregate::ConditionalTailExpectation(double p) const {
  const double q = Quantile(p);
  if (!std::isfinite(q)) return q;
  double mass = 0, weighted = 0;
  for (std::size_t i = GridIndex(q, step) + 1; i < probabilities.size(); ++i) {
    mass += probabilities[i];
    weighted += static_cast<double>(i) * step * probabilities[i];
  }
  return mass > 0 ? weighted / mass : q;
}

double DiscreteAggregate::ExpectedShortfall(double p) const {
  const double q = Quantile(p);
  if (!std::isfinite(q)) return q;
  double above = 0;
  for (std::size_t i = GridIndex(q, step) + 1; i < probabilities.size(); ++i) {
    above += static_cast<double>(i) * step * probabilities[i];
  }
  return (above + q * (Cdf(q) - p)) / (1 - p);
}

double DiscreteAggregate::Mean() const {
  double m = 0;
  for (std::size_t i = 0; i < probabilities.size(); ++i) m += static_cast<double>(i) * step * probabilities[i];
  return m;
}

}  // namespace finai::risk::lda
