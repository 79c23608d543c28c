// Recalibration: intercept shift to a target central tendency and Platt scaling.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "finai/core/error.hpp"
#include "finai/validation/calibration.hpp"
#include "validation/checks.hpp"

namespace finai::validation {

double Logit(double p) { return std::log(p) - std::log1p(-p); }

double Sigmoid(double x) {
  if (x >= 0) return 1.0 / (1.0 + std::exp(-x));
  const double e = std::exp(x);
  return e / (1.0 + e);
}

namespace {
double MeanPd(std::span<const double> logits, double shift, double* derivative) {
  double sum = 0, slope = 0;
  for (double s : logits) {
    const double p = Sigmoid(s + shift);
    sum += p;
    slope += p * (1.0 - p);
  }
  const auto n = static_cast<double>(logits.size());
  if (derivative) *derivative = slope / n;
  return sum / n;
}
}  // namespace

InterceptShift SolveInterceptShift(std::span<const double> logits, double target_mean_pd) {
  if (!(target_mean_pd > 0.0 && target_mean_pd < 1.0)) {
    throw InvalidArgument("SolveInterceptShift", {.field = "target_mean_pd", .field_kind = "argument",
                                                  .value = fmt::format("{}", target_mean_pd),
                                                  .expected = "a probability in (0, 1)"});
  }
  detail::CheckSameLength("SolveInterceptShift", "logits", logits.size(), "logits", logits.size());
  detail::CheckValues("SolveInterceptShift", "logits", logits, detail::Rule::kFinite);
  InterceptShift r;
  r.mean_pd_before = MeanPd(logits, 0.0, nullptr);
  // Bracket: every PD of Sigmoid(s + c) lies between those of the smallest and largest logit, so shifting the
  // extreme logits onto the target's logit brackets the root.
  const auto [lo_it, hi_it] = std::minmax_element(logits.begin(), logits.end());
  const double target_logit = Logit(target_mean_pd);
  double lo = target_logit - *hi_it - 1.0;  // mean below the target here
  double hi = target_logit - *lo_it + 1.0;  // and above it here
  double c = std::clamp(target_logit - Logit(std::clamp(r.mean_pd_before, 1e-300, 1 - 1e-16)), lo, hi);
  for (r.iterations = 1; r.iterations <= 200; ++r.iterations) {
    double slope = 0;
    const double f = MeanPd(logits, c, &slope) - target_mean_pd;
    if (f == 0) break;
    (f < 0 ? lo : hi) = c;
    double next = slope > 0 ? c - f / slope : 0.5 * (lo + hi);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);  // Newton left the bracket: bisect instead
    const bool done = std::abs(next - c) <= 1e-14 * std::max(1.0, std::abs(c));
    c = next;
    if (done || hi - lo <= 1e-15 * std::max(1.0, std::abs(c))) break;
  }
  r.shift = c;
  r.mean_pd_after = MeanPd(logits, c, nullptr);
  return r;
}

std::vector<double> ApplyInterceptShift(std::span<const double> logits, double shift) {
  std::vector<double> pds(logits.size());
  for (std::size_t i = 0; i < logits.size(); ++i) pds[i] = Sigmoid(logits[i] + shift);
  return pds;
}

namespace {
double LogLikelihood(std::span<const double> y, std::span<const double> s, double a, double b) {
  double ll = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    const double eta = a * s[i] + b;
    // log(sigmoid(eta)) = -log1p(e^-eta), written to avoid overflow either side.
    const double log_p = eta >= 0 ? -std::log1p(std::exp(-eta)) : eta - std::log1p(std::exp(eta));
    const double log_q = log_p - eta;  // log(1 - sigmoid(eta)) = log(sigmoid(eta)) - eta
    ll += y[i] == 1.0 ? log_p : log_q;
  }
  return ll;
}
}  // namespace

PlattScaling FitPlatt(std::span<const double> labels, std::span<const double> scores) {
  detail::CheckSameLength("FitPlatt", "labels", labels.size(), "scores", scores.size());
  detail::CheckValues("FitPlatt", "labels", labels, detail::Rule::kLabel);
  detail::CheckValues("FitPlatt", "scores", scores, detail::Rule::kFinite);
  const auto events = static_cast<double>(std::count(labels.begin(), labels.end(), 1.0));
  const auto n = static_cast<double>(labels.size());
  if (events == 0 || events == n) {
    throw InvalidArgument("FitPlatt: only one class", {.field = "labels", .field_kind = "argument",
                                                      .expected = "both 0 and 1"});
  }
  // Start from the intercept-only fit; Newton on (slope, intercept) with step halving keeps the likelihood rising.
  PlattScaling r{.slope = 0, .intercept = Logit(events / n)};
  double ll = LogLikelihood(labels, scores, r.slope, r.intercept);
  for (r.iterations = 1; r.iterations <= 100; ++r.iterations) {
    double g_a = 0, g_b = 0, h_aa = 0, h_ab = 0, h_bb = 0;
    for (std::size_t i = 0; i < labels.size(); ++i) {
      const double p = Sigmoid(r.slope * scores[i] + r.intercept);
      const double w = p * (1.0 - p);
      g_a += (labels[i] - p) * scores[i];
      g_b += labels[i] - p;
      h_aa += w * scores[i] * scores[i];
      h_ab += w * scores[i];
      h_bb += w;
    }
    const double det = h_aa * h_bb - h_ab * h_ab;
    if (!(det > 0)) break;
    double step_a = (h_bb * g_a - h_ab * g_b) / det;
    double step_b = (h_aa * g_b - h_ab * g_a) / det;
    double next_ll = ll;
    for (int half = 0; half < 50; ++half) {
      next_ll = LogLikelihood(labels, scores, r.slope + step_a, r.intercept + step_b);
      if (next_ll >= ll) break;
      step_a *= 0.5;
      step_b *= 0.5;
    }
    if (next_ll < ll) break;
    r.slope += step_a;
    r.intercept += step_b;
    const double gain = next_ll - ll;
    ll = next_ll;
    if (gain <= 1e-13 * std::max(1.0, std::abs(ll)) &&
        std::abs(step_a) + std::abs(step_b) <= 1e-10 * (1.0 + std::abs(r.slope) + std::abs(r.intercept))) {
      break;
    }
    // Perfect separation: the likelihood approaches 0 while the slope runs away.
    if (std::abs(r.slope) > 1e6 || ll > -1e-9) {
      throw InvalidData("FitPlatt: the score separates the classes perfectly",
                        {.field = "scores", .field_kind = "argument",
                         .expected = "overlapping scores of events and non-events (the slope is infinite)"});
    }
  }
  r.log_likelihood = ll;
  return r;
}

}  // namespace finai::validation
