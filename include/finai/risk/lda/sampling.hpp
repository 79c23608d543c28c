// Random variates for loss simulation, inline so that the Monte Carlo kernel (templated on the frequency and
// severity types) compiles to one tight loop without a virtual or std::function call per draw.
// Every variate is drawn from a Sampler, one per block of simulated years: Sampler(seed, block) is stream
// `block` of the run's seed, so a result never depends on how blocks are spread over threads.
#pragma once

#include <cmath>
#include <cstdint>

#include "finai/core/random.hpp"
#include "finai/core/random_normal.hpp"

namespace finai::risk::lda {

class Sampler {
 public:
  Sampler(std::uint64_t seed, std::uint64_t stream) : rng_(seed, stream) {}

  double Uniform() { return rng_.Uniform(); }          // [0, 1)
  double UniformOpen() { return rng_.UniformOpen(); }  // (0, 1)
  double Normal() { return normal_(rng_); }            // ziggurat N(0, 1)
  std::uint64_t Below(std::uint64_t bound) { return rng_.Below(bound); }
  Rng& rng() { return rng_; }

 private:
  Rng rng_;
  NormalZiggurat normal_;
};

// log Gamma(x) for x >= 1 by Stirling's series (shifted up to x >= 7, where ten terms give full double
// precision). Used instead of std::lgamma, which writes the global `signgam` and so races between threads.
inline double LogGammaStirling(double x) {
  static constexpr double kCoefficients[10] = {8.333333333333333e-02,  -2.777777777777778e-03, 7.936507936507937e-04,
                                               -5.952380952380952e-04, 8.417508417508418e-04,  -1.917526917526918e-03,
                                               6.410256410256410e-03,  -2.955065359477124e-02, 1.796443723688307e-01,
                                               -1.39243221690590e+00};
  if (x == 1.0 || x == 2.0) return 0.0;
  const int shift = x < 7.0 ? static_cast<int>(7.0 - x) : 0;
  double x0 = x + shift;
  const double x2 = 1.0 / (x0 * x0);
  double series = kCoefficients[9];
  for (int k = 8; k >= 0; --k) series = series * x2 + kCoefficients[k];
  double value = series / x0 + 0.9189385332046727 + (x0 - 0.5) * std::log(x0) - x0;
  for (int k = 0; k < shift; ++k) {
    x0 -= 1.0;
    value -= std::log(x0);
  }
  return value;
}

// Poisson(lambda) with constants prepared once: inversion by multiplication of uniforms for lambda < 10, and
// Hormann's (1993) transformed rejection with squeeze (PTRS) above, which costs about two uniforms per draw
// whatever lambda is (inversion would cost O(lambda)).
class PoissonSampler {
 public:
  explicit PoissonSampler(double lambda) : lambda_(lambda) {
    if (lambda_ < 10) {
      exp_minus_lambda_ = std::exp(-lambda_);
      return;
    }
    const double slam = std::sqrt(lambda_);
    log_lambda_ = std::log(lambda_);
    b_ = 0.931 + 2.53 * slam;
    a_ = -0.059 + 0.02483 * b_;
    log_inv_alpha_ = std::log(1.1239 + 1.1328 / (b_ - 3.4));
    vr_ = 0.9277 - 3.6224 / (b_ - 2);
  }

  std::int64_t operator()(Sampler& s) const {
    if (lambda_ < 10) {
      if (lambda_ <= 0) return 0;
      std::int64_t k = 0;
      double product = s.Uniform();
      while (product > exp_minus_lambda_) {
        ++k;
        product *= s.Uniform();
      }
      return k;
    }
    for (;;) {
      const double u = s.Uniform() - 0.5;
      const double v = s.Uniform();
      const double us = 0.5 - std::fabs(u);
      const double kd = std::floor((2 * a_ / us + b_) * u + lambda_ + 0.43);
      // us = 0 (u = -1/2 exactly) makes kd infinite; reject before the cast, which would be undefined.
      if (!(kd >= 0 && kd < 9e18)) continue;
      const auto k = static_cast<std::int64_t>(kd);
      if (us >= 0.07 && v <= vr_) return k;
      if (us < 0.013 && v > us) continue;
      if (std::log(v) + log_inv_alpha_ - std::log(a_ / (us * us) + b_) <=
          -lambda_ + static_cast<double>(k) * log_lambda_ - LogGammaStirling(static_cast<double>(k) + 1)) {
        return k;
      }
    }
  }

  double lambda() const { return lambda_; }

 private:
  double lambda_;
  double exp_minus_lambda_ = 0;
  double log_lambda_ = 0, a_ = 0, b_ = 0, log_inv_alpha_ = 0, vr_ = 0;
};

// Gamma(shape, 1) by Marsaglia and Tsang (2000); shape < 1 by Gamma(shape + 1) * U^(1/shape).
class GammaSampler {
 public:
  explicit GammaSampler(double shape)
      : boost_(shape < 1),
        inv_shape_(1 / shape),
        d_((shape < 1 ? shape + 1 : shape) - 1.0 / 3),
        c_(1 / std::sqrt(9 * d_)) {}

  double operator()(Sampler& s) const {
    double v;
    for (;;) {
      const double x = s.Normal();
      v = 1 + c_ * x;
      if (v <= 0) continue;
      v = v * v * v;
      const double u = s.UniformOpen();
      const double x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) break;
      if (std::log(u) < 0.5 * x2 + d_ * (1 - v + std::log(v))) break;
    }
    const double g = d_ * v;
    return boost_ ? g * std::pow(s.UniformOpen(), inv_shape_) : g;
  }

 private:
  bool boost_;
  double inv_shape_, d_, c_;
};

}  // namespace finai::risk::lda
