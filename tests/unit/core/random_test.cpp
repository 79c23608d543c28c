#include "finai/core/random.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace finai {
namespace {

TEST(Rng, SameSeedAndStreamSameSequenceOthersDiffer) {
  Rng a(42, 3), b(42, 3), c(42, 4), d(43, 3);
  bool differs_c = false, differs_d = false;
  for (int i = 0; i < 100; ++i) {
    const auto x = a();
    EXPECT_EQ(x, b());
    differs_c |= x != c();
    differs_d |= x != d();
  }
  EXPECT_TRUE(differs_c);
  EXPECT_TRUE(differs_d);
}

TEST(Rng, UniformMomentsAndRange) {
  Rng r(7);
  const int n = 200000;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; ++i) {
    const double u = r.Uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    sum2 += u * u;
  }
  // Mean 1/2 and variance 1/12; tolerances are 5 standard errors.
  EXPECT_NEAR(sum / n, 0.5, 5 * std::sqrt(1.0 / 12 / n));
  EXPECT_NEAR(sum2 / n - (sum / n) * (sum / n), 1.0 / 12, 5 * std::sqrt(1.0 / 180 / n));
}

TEST(Rng, NormalMomentsAndBelowIsUnbiased) {
  Rng r(11);
  const int n = 200000;
  double sum = 0, sum2 = 0, sum4 = 0;
  for (int i = 0; i < n; ++i) {
    const double z = r.Normal();
    sum += z;
    sum2 += z * z;
    sum4 += z * z * z * z;
  }
  EXPECT_NEAR(sum / n, 0.0, 5 / std::sqrt(n));
  EXPECT_NEAR(sum2 / n, 1.0, 5 * std::sqrt(2.0 / n));
  EXPECT_NEAR(sum4 / n, 3.0, 5 * std::sqrt(96.0 / n));
  std::vector<int> counts(3, 0);
  for (int i = 0; i < 30000; ++i) ++counts[r.Below(3)];
  for (int c : counts) EXPECT_NEAR(c, 10000, 5 * std::sqrt(30000 * (1.0 / 3) * (2.0 / 3)));
}

}  // namespace
}  // namespace finai
