// The O(n log n) midrank DeLong against the O(m n) placement values of DeLong et al. (1988), written out here
// independently, on seeded random samples with many ties, unbalanced classes and a monotone-transformed score.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "finai/validation/discrimination.hpp"

namespace finai::validation {
namespace {

struct Placements {
  std::vector<double> v10, v01;
  double auc = 0;
};

Placements Brute(const std::vector<double>& y, const std::vector<double>& s) {
  std::vector<double> x, z;
  for (std::size_t i = 0; i < y.size(); ++i) (y[i] == 1 ? x : z).push_back(s[i]);
  Placements p;
  p.v10.assign(x.size(), 0);
  p.v01.assign(z.size(), 0);
  for (std::size_t i = 0; i < x.size(); ++i) {
    for (std::size_t j = 0; j < z.size(); ++j) {
      const double psi = x[i] > z[j] ? 1.0 : x[i] == z[j] ? 0.5 : 0.0;
      p.v10[i] += psi / static_cast<double>(z.size());
      p.v01[j] += psi / static_cast<double>(x.size());
      p.auc += psi / static_cast<double>(x.size() * z.size());
    }
  }
  return p;
}

double Cov(const std::vector<double>& a, const std::vector<double>& b) {
  double ma = 0, mb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ma += a[i] / static_cast<double>(a.size());
    mb += b[i] / static_cast<double>(b.size());
  }
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += (a[i] - ma) * (b[i] - mb);
  return s / static_cast<double>(a.size() - 1);
}

TEST(DeLongBruteForce, RandomSamplesWithTies) {
  std::mt19937_64 rng(12345);
  std::normal_distribution<double> normal;
  for (int trial = 0; trial < 20; ++trial) {
    const int n = 20 + 37 * trial;
    const double event_share = 0.05 + 0.04 * trial;
    std::vector<double> y, s1, s2;
    for (int i = 0; i < n; ++i) {
      const double latent = normal(rng);
      y.push_back(std::uniform_real_distribution<double>(0, 1)(rng) < event_share ? 1.0 : 0.0);
      const double shift = y.back() * 0.7;
      s1.push_back(std::round((latent + shift) * (trial % 3 == 0 ? 2 : 10)));  // coarse: many ties
      s2.push_back(0.5 * latent + shift + normal(rng));
    }
    int events = 0;
    for (double v : y) events += static_cast<int>(v);
    if (events < 2 || n - events < 2) continue;
    SCOPED_TRACE(testing::Message() << "trial " << trial << ", " << n << " rows, " << events << " events");
    const Placements a = Brute(y, s1);
    const Placements b = Brute(y, s2);
    const double m = events, nn = n - events;
    const double var1 = Cov(a.v10, a.v10) / m + Cov(a.v01, a.v01) / nn;
    const double var2 = Cov(b.v10, b.v10) / m + Cov(b.v01, b.v01) / nn;
    const double cov = Cov(a.v10, b.v10) / m + Cov(a.v01, b.v01) / nn;
    const DeLongComparison r = DeLongTest(y, s1, s2);
    EXPECT_NEAR(r.first.auc, a.auc, 1e-12);
    EXPECT_NEAR(r.second.auc, b.auc, 1e-12);
    EXPECT_NEAR(r.first.variance, var1, 1e-12);
    EXPECT_NEAR(r.second.variance, var2, 1e-12);
    EXPECT_NEAR(r.covariance, cov, 1e-12);
    EXPECT_NEAR(r.z, (a.auc - b.auc) / std::sqrt(var1 + var2 - 2 * cov), 1e-8);
  }
}

}  // namespace
}  // namespace finai::validation
