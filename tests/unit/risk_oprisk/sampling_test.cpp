// The random variates behind the loss simulation: ziggurat normal, Poisson (inversion and PTRS), gamma,
// negative binomial, and each severity's sampler against its own CDF. Tolerances are 5 standard errors (or a
// test statistic's 0.001 critical value), so a correct sampler fails about once in a million runs; the seeds are
// fixed, so in practice the outcome is deterministic.
#include "finai/risk/lda/sampling.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "finai/core/random_normal.hpp"
#include "finai/risk/lda/frequency.hpp"
#include "finai/risk/lda/severity.hpp"
#include "finai/risk/lda/severity_fit.hpp"

namespace finai::risk::lda {
namespace {

double NormalCdf(double z) { return 0.5 * std::erfc(-z / std::numbers::sqrt2); }

TEST(Ziggurat, MomentsBinsAndTails) {
  Rng rng(2024, 1);
  NormalZiggurat normal;
  constexpr int kDraws = 4'000'000;
  constexpr int kBins = 100;
  std::vector<int> bins(kBins, 0);
  double sum = 0, sum2 = 0;
  int beyond_r = 0, beyond_4 = 0;
  for (int i = 0; i < kDraws; ++i) {
    const double z = normal(rng);
    sum += z;
    sum2 += z * z;
    beyond_r += std::fabs(z) > detail::ZigguratTables::kR ? 1 : 0;
    beyond_4 += std::fabs(z) > 4 ? 1 : 0;
    bins[std::min(kBins - 1, static_cast<int>(NormalCdf(z) * kBins))]++;
  }
  EXPECT_NEAR(sum / kDraws, 0.0, 5 / std::sqrt(kDraws));
  EXPECT_NEAR(sum2 / kDraws, 1.0, 5 * std::sqrt(2.0 / kDraws));
  // Equiprobable bins: chi-square with 99 degrees of freedom; 148.2 is its 0.001 upper critical value.
  double chi2 = 0;
  const double expected = static_cast<double>(kDraws) / kBins;
  for (const int b : bins) chi2 += (b - expected) * (b - expected) / expected;
  EXPECT_LT(chi2, 148.2);
  // The tail beyond R (the slow path) and beyond 4: counts against 2 (1 - Phi(x)).
  for (const auto& [count, x] : {std::pair{beyond_r, detail::ZigguratTables::kR}, std::pair{beyond_4, 4.0}}) {
    const double mean = kDraws * 2 * NormalCdf(-x);
    EXPECT_NEAR(count, mean, 5 * std::sqrt(mean)) << "beyond " << x;
  }
}

TEST(Ziggurat, TablesCloseTheLayers) {
  // The top layer (from x[255] up to the peak) must have the same area V as every other layer.
  const auto& t = detail::NormalZigguratTables();
  const double top = t.x[255] * (1 - std::exp(-0.5 * t.x[255] * t.x[255]));
  EXPECT_NEAR(top, detail::ZigguratTables::kV, 1e-8 * detail::ZigguratTables::kV);
}

TEST(Ziggurat, SameStreamSameDraws) {
  Rng a(9, 4), b(9, 4);
  NormalZiggurat normal;
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(normal(a), normal(b));
}

template <class Draw>
void ExpectMoments(Draw draw, double mean, double variance, int n, const char* what) {
  double s = 0, s2 = 0;
  for (int i = 0; i < n; ++i) {
    const double v = draw();
    s += v;
    s2 += v * v;
  }
  const double m = s / n;
  const double var = s2 / n - m * m;
  EXPECT_NEAR(m, mean, 5 * std::sqrt(variance / n)) << what;
  // The sample variance's standard error for these laws is below 2 var / sqrt(n) (kurtosis < 3 + 1.5).
  EXPECT_NEAR(var, variance, 5 * 2 * variance / std::sqrt(n)) << what;
}

TEST(PoissonSampler, MeanAndVarianceAcrossLambdas) {
  for (const double lambda : {0.5, 3.0, 9.99, 10.0, 50.0, 197.0, 1e4}) {
    Sampler s(11, static_cast<std::uint64_t>(lambda * 100));
    const PoissonSampler poisson(lambda);
    ExpectMoments([&] { return static_cast<double>(poisson(s)); }, lambda, lambda, 400000, "poisson");
  }
}

TEST(PoissonSampler, ProbabilitiesMatchThePmf) {
  // PTRS regime: chi-square over the cells k = 170..224 plus the two tails, against the Poisson(197) pmf.
  const double lambda = 197;
  const Poisson law{lambda};
  Sampler s(5, 0);
  const PoissonSampler poisson(lambda);
  constexpr int kDraws = 1'000'000;
  std::vector<int> counts(57, 0);
  for (int i = 0; i < kDraws; ++i) {
    const std::int64_t k = poisson(s);
    counts[static_cast<std::size_t>(std::clamp<std::int64_t>(k - 169, 0, 56))]++;
  }
  double chi2 = 0, below = 0;
  for (int k = 0; k <= 169; ++k) below += std::exp(law.LogProbability(k));
  double used = below;
  for (int cell = 0; cell < 57; ++cell) {
    double p;
    if (cell == 0) {
      p = below;
    } else if (cell == 56) {
      p = 1 - used;
    } else {
      p = std::exp(law.LogProbability(169 + cell));
      used += p;
    }
    const double expected = p * kDraws;
    chi2 += (counts[static_cast<std::size_t>(cell)] - expected) * (counts[static_cast<std::size_t>(cell)] - expected) /
            expected;
  }
  EXPECT_LT(chi2, 99.6);  // chi-square, 56 degrees of freedom: 0.001 critical value
}

TEST(GammaSampler, MeanAndVariance) {
  for (const double shape : {0.3, 1.0, 3.7, 55.0}) {
    Sampler s(3, static_cast<std::uint64_t>(shape * 10));
    const GammaSampler gamma(shape);
    ExpectMoments([&] { return gamma(s); }, shape, shape, 400000, "gamma");
  }
}

TEST(NegativeBinomialSampler, MeanAndVariance) {
  const NegativeBinomial nb{55.47, 197.0};
  Sampler s(8, 0);
  const auto draw = nb.MakeSampler();
  ExpectMoments([&] { return static_cast<double>(draw(s)); }, nb.Mean(), nb.Variance(), 400000, "negative binomial");
}

// Each severity's sampler against its own CDF: KS distance below 1.95 / sqrt(n) (0.001 critical value).
TEST(SeveritySampling, SamplesFollowTheirCdf) {
  auto body = std::make_shared<std::vector<double>>();
  for (int i = 1; i <= 500; ++i) body->push_back(1 + 9.0 * i / 500);
  SplicedGpd empirical;
  empirical.threshold = 10;
  empirical.tail_probability = 0.05;
  empirical.tail = Gpd{0.5, 7};
  empirical.body_sorted = body;
  SplicedGpd lognormal_body = empirical;
  lognormal_body.body = BodyKind::kLognormal;
  lognormal_body.body_lognormal = Lognormal{0.8, 0.7};
  lognormal_body.body_lognormal_mass = lognormal_body.body_lognormal.Cdf(10);
  const std::vector<SeverityModel> models = {Lognormal{0.787, 0.717}, Weibull{0.9585, 3.29}, Gamma{1.2976, 0.3833},
                                             lognormal_body};
  constexpr int kDraws = 200000;
  for (const SeverityModel& model : models) {
    SCOPED_TRACE(DescribeSeverity(model));
    Sampler s(21, 0);
    std::vector<double> x(kDraws);
    std::visit(
        [&](const auto& m) {
          for (double& v : x) v = m.Sample(s);
        },
        model);
    std::sort(x.begin(), x.end());
    double d = 0;
    for (int i = 0; i < kDraws; ++i) {
      const double f = SeverityCdf(model, x[static_cast<std::size_t>(i)]);
      d = std::max({d, static_cast<double>(i + 1) / kDraws - f, f - static_cast<double>(i) / kDraws});
    }
    EXPECT_LT(d, 1.95 / std::sqrt(kDraws));
  }
  // The empirical body is discrete: compare the frequencies of body and tail, and the tail's own law.
  Sampler s(22, 0);
  int tail = 0, at_first = 0;
  for (int i = 0; i < kDraws; ++i) {
    const double v = empirical.Sample(s);
    tail += v > 10 ? 1 : 0;
    at_first += v == (*body)[0] ? 1 : 0;
  }
  EXPECT_NEAR(tail, 0.05 * kDraws, 5 * std::sqrt(0.05 * 0.95 * kDraws));
  const double p_first = 0.95 / 500;
  EXPECT_NEAR(at_first, p_first * kDraws, 5 * std::sqrt(p_first * kDraws));
}

TEST(SeverityLaws, QuantileInvertsCdfAndSpliceIsContinuous) {
  auto body = std::make_shared<std::vector<double>>(std::vector<double>{1, 2, 2, 3, 5, 8});
  SplicedGpd spliced;
  spliced.threshold = 8;
  spliced.tail_probability = 0.25;
  spliced.tail = Gpd{0.4, 3};
  spliced.body_sorted = body;
  SplicedGpd spliced_ln = spliced;
  spliced_ln.body = BodyKind::kLognormal;
  spliced_ln.body_lognormal = Lognormal{1, 0.8};
  spliced_ln.body_lognormal_mass = spliced_ln.body_lognormal.Cdf(8);
  for (const SeverityModel& model :
       std::vector<SeverityModel>{Lognormal{0.787, 0.717}, Weibull{0.9585, 3.29}, Gamma{1.2976, 0.3833}, spliced_ln}) {
    SCOPED_TRACE(DescribeSeverity(model));
    for (const double p : {0.001, 0.1, 0.5, 0.74, 0.76, 0.9, 0.999, 0.999999}) {
      const double x = SeverityQuantile(model, p);
      EXPECT_NEAR(SeverityCdf(model, x), p, 1e-12) << "p = " << p;
      EXPECT_NEAR(SeveritySurvival(model, x), 1 - p, 1e-9 * (1 - p)) << "p = " << p;
    }
  }
  // Continuity of the splice at u: both sides give 1 - zeta.
  for (const SplicedGpd& m : {spliced, spliced_ln}) {
    EXPECT_DOUBLE_EQ(m.Cdf(8), 0.75);
    EXPECT_NEAR(m.Cdf(8 + 1e-9), 0.75, 1e-9);
    EXPECT_NEAR(m.Cdf(8 - 1e-9), 0.75, m.body == BodyKind::kEmpirical ? 0.75 / 6 + 1e-12 : 1e-8);
  }
  // The empirical body below u is the empirical CDF of the body losses, scaled by 1 - zeta.
  EXPECT_DOUBLE_EQ(spliced.Cdf(2), 0.75 * 3 / 6);
  EXPECT_DOUBLE_EQ(spliced.Quantile(0.75 * 3 / 6), 2);
  EXPECT_NEAR(spliced.Mean(), 0.75 * 21.0 / 6 + 0.25 * (8 + 3 / 0.6), 1e-12);
}

}  // namespace
}  // namespace finai::risk::lda
