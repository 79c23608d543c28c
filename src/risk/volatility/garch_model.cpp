// The GARCH / GJR-GARCH variance recursion and log-likelihood, and the parameter bookkeeping.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <string>

#include "finai/core/error.hpp"
#include "risk/volatility/garch_internal.hpp"

namespace finai::risk {

namespace garch_detail {

std::size_t ParamCount(const GarchSpec& spec) {
  return (spec.include_mean ? 1u : 0u) + 3u + (spec.kind == GarchKind::kGjr ? 1u : 0u) +
         (spec.innovation == Innovation::kStudentT ? 1u : 0u);
}

Params Unpack(const GarchSpec& spec, std::span<const double> values) {
  if (values.size() != ParamCount(spec)) {
    throw InvalidArgument(fmt::format("{} parameter values given; {} has {} ({})", values.size(), DescribeSpec(spec),
                                      ParamCount(spec), fmt::join(GarchParamNames(spec), ", ")),
                          {.field = "params"});
  }
  Params p;
  std::size_t i = 0;
  if (spec.include_mean) p.mu = values[i++];
  p.omega = values[i++];
  p.alpha = values[i++];
  if (spec.kind == GarchKind::kGjr) p.gamma = values[i++];
  p.beta = values[i++];
  if (spec.innovation == Innovation::kStudentT) p.nu = values[i++];
  return p;
}

std::vector<double> Pack(const GarchSpec& spec, const Params& p) {
  std::vector<double> out;
  if (spec.include_mean) out.push_back(p.mu);
  out.push_back(p.omega);
  out.push_back(p.alpha);
  if (spec.kind == GarchKind::kGjr) out.push_back(p.gamma);
  out.push_back(p.beta);
  if (spec.innovation == Innovation::kStudentT) out.push_back(p.nu);
  return out;
}

double Persistence(const GarchSpec& spec, const Params& p) {
  return p.alpha + p.beta + (spec.kind == GarchKind::kGjr ? 0.5 * p.gamma : 0.0);
}

double InitialVariance(std::span<const double> returns, const GarchSpec& spec, const Params& p) {
  // Pre-sample e_0^2 = h_0 = mean squared residual at the current mu (FCP 1996; fGarch init.rec = "mci"):
  // the benchmark estimates depend on this choice in their last digits.
  double s2 = 0;
  for (double r : returns) s2 += (r - p.mu) * (r - p.mu);
  s2 /= static_cast<double>(returns.size());
  return p.omega + Persistence(spec, p) * s2;
}

double LogLikelihood(std::span<const double> returns, const GarchSpec& spec, const Params& p) {
  constexpr double kMinusInf = -std::numeric_limits<double>::infinity();
  const bool student = spec.innovation == Innovation::kStudentT;
  if (student && !(p.nu > 2)) return kMinusInf;
  // Standardised t: density of z = e / sqrt(h) is
  //   Gamma((nu+1)/2) / (Gamma(nu/2) sqrt(pi (nu-2))) (1 + z^2 / (nu-2))^(-(nu+1)/2).
  const double constant = student ? std::lgamma(0.5 * (p.nu + 1)) - std::lgamma(0.5 * p.nu) -
                                        0.5 * std::log(std::numbers::pi * (p.nu - 2))
                                  : -0.5 * std::log(2 * std::numbers::pi);
  double h = InitialVariance(returns, spec, p);
  double ll = 0;
  double e_prev = 0;
  for (std::size_t t = 0; t < returns.size(); ++t) {
    if (t > 0) h = NextH(spec, p, e_prev, h);
    if (!(h > 0) || !std::isfinite(h)) return kMinusInf;
    const double e = returns[t] - p.mu;
    const double q = e * e / h;
    ll += student ? -0.5 * std::log(h) - 0.5 * (p.nu + 1) * std::log1p(q / (p.nu - 2)) : -0.5 * (std::log(h) + q);
    e_prev = e;
  }
  ll += constant * static_cast<double>(returns.size());
  return std::isfinite(ll) ? ll : kMinusInf;
}

}  // namespace garch_detail

using garch_detail::Params;

GarchKind ParseGarchKind(std::string_view name) {
  if (name == "garch") return GarchKind::kGarch;
  if (name == "gjr") return GarchKind::kGjr;
  throw InvalidArgument("unknown GARCH model", {.field = "model", .value = std::string(name),
                                                .expected = "'garch' or 'gjr'"});
}

Innovation ParseInnovation(std::string_view name) {
  if (name == "normal") return Innovation::kNormal;
  if (name == "t") return Innovation::kStudentT;
  throw InvalidArgument("unknown innovation distribution", {.field = "dist", .value = std::string(name),
                                                            .expected = "'normal' or 't'"});
}

std::string DescribeSpec(const GarchSpec& spec) {
  return fmt::format("{}(1,1), {} innovations, {}", spec.kind == GarchKind::kGjr ? "GJR-GARCH" : "GARCH",
                     spec.innovation == Innovation::kStudentT ? "Student-t" : "normal",
                     spec.include_mean ? "constant mean" : "zero mean");
}

std::vector<std::string> GarchParamNames(const GarchSpec& spec) {
  std::vector<std::string> names;
  if (spec.include_mean) names.emplace_back("mu");
  names.emplace_back("omega");
  names.emplace_back("alpha");
  if (spec.kind == GarchKind::kGjr) names.emplace_back("gamma");
  names.emplace_back("beta");
  if (spec.innovation == Innovation::kStudentT) names.emplace_back("nu");
  return names;
}

double GarchLogLikelihood(std::span<const double> returns, const GarchSpec& spec, std::span<const double> params) {
  if (returns.empty()) throw InvalidArgument("no returns given", {.field = "returns"});
  return garch_detail::LogLikelihood(returns, spec, garch_detail::Unpack(spec, params));
}

std::vector<double> GarchConditionalVariance(std::span<const double> returns, const GarchSpec& spec,
                                             std::span<const double> params) {
  if (returns.empty()) throw InvalidArgument("no returns given", {.field = "returns"});
  const Params p = garch_detail::Unpack(spec, params);
  std::vector<double> h(returns.size());
  h[0] = garch_detail::InitialVariance(returns, spec, p);
  for (std::size_t t = 1; t < returns.size(); ++t) h[t] = garch_detail::NextH(spec, p, returns[t - 1] - p.mu, h[t - 1]);
  return h;
}

}  // namespace finai::risk
