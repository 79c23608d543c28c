// Random numbers that are fast, reproducible across platforms and standard libraries, and splittable into
// independent streams, so that parallel Monte Carlo gives the same result at any thread count: work is cut
// into fixed blocks, and block b always draws from stream b of the run's seed, whichever thread runs it.
// (std::uniform_real_distribution and std::normal_distribution differ between standard libraries, so
// they are not used for anything a user may need to reproduce.)
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

namespace finai {

// SplitMix64: turns any seed (0 included) into well-mixed 64-bit values; used to seed streams.
inline std::uint64_t SplitMix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// xoshiro256++ (Blackman and Vigna, 2019): 256-bit state, period 2^256 - 1, passes BigCrush.
class Rng {
 public:
  // Stream `stream` of `seed`: streams of one seed are seeded by SplitMix64 from (seed, stream) and are, for
  // all practical purposes, independent.
  explicit Rng(std::uint64_t seed, std::uint64_t stream = 0) {
    std::uint64_t sm = seed ^ (0x6a09e667f3bcc909ULL * (stream + 1));
    for (auto& word : s_) word = SplitMix64(sm);
  }

  using result_type = std::uint64_t;
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }

  result_type operator()() {
    const std::uint64_t result = Rotl(s_[0] + s_[3], 23) + s_[0];
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1) with 53 random bits.
  double Uniform() { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }
  // Uniform in (0, 1): never 0, so log(u) is finite.
  double UniformOpen() { return (static_cast<double>((*this)() >> 11) + 0.5) * 0x1.0p-53; }
  // Uniform integer in [0, bound) without modulo bias (Lemire's method).
  std::uint64_t Below(std::uint64_t bound) {
    __uint128_t m = static_cast<__uint128_t>((*this)()) * bound;
    auto low = static_cast<std::uint64_t>(m);
    if (low < bound) {
      const std::uint64_t threshold = -bound % bound;
      while (low < threshold) {
        m = static_cast<__uint128_t>((*this)()) * bound;
        low = static_cast<std::uint64_t>(m);
      }
    }
    return static_cast<std::uint64_t>(m >> 64);
  }
  // Standard normal by the Marsaglia polar method (exact, no tables; one spare value kept).
  double Normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u, v, s;
    do {
      u = 2.0 * Uniform() - 1.0;
      v = 2.0 * Uniform() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double f = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = v * f;
    has_spare_ = true;
    return u * f;
  }

 private:
  static std::uint64_t Rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
  double spare_ = 0;
  bool has_spare_ = false;
};

}  // namespace finai
