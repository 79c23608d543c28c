// What the GARCH likelihood and the fit share: the parameters unpacked from the documented vector order.
#pragma once

#include <span>
#include <vector>

#include "finai/risk/garch.hpp"

namespace finai::risk::garch_detail {

struct Params {
  double mu = 0, omega = 0, alpha = 0, gamma = 0, beta = 0, nu = 0;
};

std::size_t ParamCount(const GarchSpec& spec);
// InvalidArgument when values.size() != ParamCount(spec).
Params Unpack(const GarchSpec& spec, std::span<const double> values);
std::vector<double> Pack(const GarchSpec& spec, const Params& p);

// alpha + beta, plus gamma / 2 for GJR: the expected ARCH weight when innovations are symmetric.
double Persistence(const GarchSpec& spec, const Params& p);

// The conditional variance after the residual e with variance h: omega + (alpha + gamma 1[e<0]) e^2 + beta h.
inline double NextH(const GarchSpec& spec, const Params& p, double e, double h) {
  const double arch = p.alpha + (spec.kind == GarchKind::kGjr && e < 0 ? p.gamma : 0.0);
  return p.omega + arch * e * e + p.beta * h;
}

// h_1 (the FCP / fGarch "mci" start): omega + persistence * mean((r - mu)^2).
double InitialVariance(std::span<const double> returns, const GarchSpec& spec, const Params& p);

double LogLikelihood(std::span<const double> returns, const GarchSpec& spec, const Params& p);

}  // namespace finai::risk::garch_detail
