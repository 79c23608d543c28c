// Parametric VaR and ES: normal, and Student t scaled to the sample standard deviation with its degrees of
// freedom given or fitted by maximum likelihood.
#include <fmt/format.h>

#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/tools/minima.hpp>
#include <cmath>
#include <numbers>

#include "finai/core/error.hpp"
#include "risk/market/market_internal.hpp"

namespace finai::risk {

namespace {

constexpr double kMinDof = 2.01;
constexpr double kMaxDof = 500;  // beyond this a t is a normal for every purpose here (as in the GARCH fit)

void RequireMoments(double mean, double sd) {
  if (!std::isfinite(mean)) {
    throw InvalidArgument(fmt::format("mean {} is not a finite number", mean), {.expected = "a finite mean"});
  }
  if (!(sd >= 0) || !std::isfinite(sd)) {
    throw InvalidArgument(fmt::format("standard deviation {} is not a finite number >= 0", sd),
                          {.expected = "a finite standard deviation >= 0"});
  }
}

void RequireDof(double dof) {
  if (!(dof > 2) || !std::isfinite(dof)) {
    throw InvalidArgument(fmt::format("degrees of freedom {} must be finite and greater than 2", dof),
                          {.expected = "nu > 2 (the variance of a t exists only then)"});
  }
}

// VaR and ES of the standardised t (unit variance) at level p.
struct StandardTail {
  double var;
  double es;
};
StandardTail StandardT(double dof, double p) {
  const boost::math::students_t_distribution<double> t(dof);
  const double q = boost::math::quantile(t, p);
  const double unit = std::sqrt((dof - 2) / dof);  // the standard deviation of t_nu is sqrt(nu / (nu - 2))
  const double es = boost::math::pdf(t, q) * (dof + q * q) / ((dof - 1) * (1 - p));
  return {q * unit, es * unit};
}

}  // namespace

TailRisk NormalVarEs(double mean, double sd, const RiskLevels& levels) {
  levels.Validate();
  RequireMoments(mean, sd);
  const boost::math::normal_distribution<double> normal;
  const double z_var = boost::math::quantile(normal, levels.var_level);
  const double z_es = boost::math::quantile(normal, levels.es_level);
  TailRisk risk;
  risk.var = -mean + sd * z_var;
  risk.var_at_es_level = -mean + sd * z_es;
  risk.es = -mean + sd * boost::math::pdf(normal, z_es) / (1 - levels.es_level);
  return risk;
}

TailRisk StudentTVarEs(double mean, double sd, double dof, const RiskLevels& levels) {
  levels.Validate();
  RequireMoments(mean, sd);
  RequireDof(dof);
  const StandardTail at_var = StandardT(dof, levels.var_level);
  const StandardTail at_es = StandardT(dof, levels.es_level);
  return {.var = -mean + sd * at_var.var, .es = -mean + sd * at_es.es, .var_at_es_level = -mean + sd * at_es.var};
}

double StudentTLogLikelihood(std::span<const double> returns, double mean, double sd, double dof) {
  RequireMoments(mean, sd);
  RequireDof(dof);
  if (!(sd > 0)) throw InvalidArgument("standard deviation 0 has no t likelihood", {.expected = "sd > 0"});
  // Density of r: Gamma((nu+1)/2) / (Gamma(nu/2) sqrt(pi (nu-2)) sd) (1 + z^2 / (nu-2))^(-(nu+1)/2), z = (r-mu)/sd.
  const double constant = std::lgamma(0.5 * (dof + 1)) - std::lgamma(0.5 * dof) -
                          0.5 * std::log(std::numbers::pi * (dof - 2)) - std::log(sd);
  double ll = 0;
  for (double r : returns) {
    const double z = (r - mean) / sd;
    ll += -0.5 * (dof + 1) * std::log1p(z * z / (dof - 2));
  }
  return ll + constant * static_cast<double>(returns.size());
}

double FitStudentTDof(std::span<const double> returns) {
  market_detail::RequireReturns(returns, 3, "a Student t fit");
  const double mean = market_detail::Mean(returns);
  const double sd = market_detail::SampleSd(returns, mean);
  if (!(sd > 0)) {
    throw InvalidData(fmt::format("the returns are constant ({}); a Student t fit needs variation", returns[0]),
                      {.field = "returns"});
  }
  // Brent's method on theta = log(nu - 2): the likelihood is far more symmetric in theta than in nu, whose
  // interesting range (3 to 30) is a small corner of [2.01, 500].
  const auto negative = [&](double theta) { return -StudentTLogLikelihood(returns, mean, sd, 2 + std::exp(theta)); };
  const int bits = std::numeric_limits<double>::digits / 2;  // Brent cannot locate a minimum more closely
  std::uintmax_t iterations = 500;
  const auto [theta, value] =
      boost::math::tools::brent_find_minima(negative, std::log(kMinDof - 2), std::log(kMaxDof - 2), bits, iterations);
  (void)value;
  return 2 + std::exp(theta);
}

}  // namespace finai::risk
