// Counting losses per period, fits on data with known answers, and the bootstrap goodness of fit.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "finai/core/context.hpp"
#include "finai/data/datetime.hpp"
#include "finai/risk/lda.hpp"

namespace finai::risk::lda {
namespace {

std::int64_t Date(int y, unsigned m, unsigned d) { return DaysFromCivil(y, m, d) * 86400; }

TEST(CountPerPeriod, YearsAndMonthsIncludeEmptyPeriods) {
  const std::vector<std::int64_t> dates = {Date(2000, 1, 1), Date(2000, 12, 31) + 86399, Date(2002, 3, 5),
                                           Date(1969, 12, 31)};
  const PeriodCounts years = CountPerPeriod(dates, Period::kYear);
  EXPECT_EQ(years.labels.front(), "1969");
  EXPECT_EQ(years.labels.back(), "2002");
  ASSERT_EQ(years.counts.size(), 34u);
  EXPECT_EQ(years.counts[0], 1);
  EXPECT_EQ(years.counts[31], 2);
  EXPECT_EQ(years.counts[32], 0);
  EXPECT_EQ(years.counts[33], 1);
  const PeriodCounts months =
      CountPerPeriod(std::vector<std::int64_t>{Date(2001, 11, 30), Date(2002, 2, 1)}, Period::kMonth);
  EXPECT_EQ(months.labels, (std::vector<std::string>{"2001-11", "2001-12", "2002-01", "2002-02"}));
  EXPECT_EQ(months.counts, (std::vector<double>{1, 0, 0, 1}));
  // Counted over a wider span, as the risk cells of one data set are.
  const PeriodCounts wide =
      CountPerPeriod(std::vector<std::int64_t>{Date(2001, 6, 1)}, Period::kYear, Date(1999, 1, 1), Date(2003, 1, 1));
  EXPECT_EQ(wide.counts, (std::vector<double>{0, 0, 1, 0, 0}));
}

TEST(Frequency, AnnualisingMonthlyLaws) {
  const FrequencyModel p = Annualise(Poisson{16.5}, 12);
  EXPECT_DOUBLE_EQ(std::get<Poisson>(p).lambda, 198);
  const FrequencyModel nb = Annualise(NegativeBinomial{25, 16.5}, 12);
  EXPECT_DOUBLE_EQ(std::get<NegativeBinomial>(nb).size, 300);
  EXPECT_DOUBLE_EQ(std::get<NegativeBinomial>(nb).mu, 198);
  // A sum of 12 independent NB(r, p) is NB(12 r, p): same p.
  EXPECT_DOUBLE_EQ(std::get<NegativeBinomial>(nb).Probability(), (NegativeBinomial{25, 16.5}.Probability()));
}

TEST(SeverityFit, RecoversSimulatedParameters) {
  Sampler s(99, 0);
  const Context ctx = Context().set_threads(2).set_seed(3);
  struct Case {
    SeverityFamily family;
    SeverityModel truth;
    std::vector<double> params;
  };
  for (const Case& c : {Case{SeverityFamily::kWeibull, Weibull{1.7, 4.0}, {1.7, 4.0}},
                        Case{SeverityFamily::kGamma, Gamma{0.6, 0.25}, {0.6, 0.25}},
                        Case{SeverityFamily::kLognormal, Lognormal{-1, 2}, {-1, 2}}}) {
    std::vector<double> x(5000);
    std::visit(
        [&](const auto& m) {
          for (double& v : x) v = m.Sample(s);
        },
        c.truth);
    const SeverityFit fit = FitSeverity(x, c.family, {.bootstrap_replicates = 0}, ctx);
    for (std::size_t i = 0; i < 2; ++i) {
      EXPECT_NEAR(fit.params[i], c.params[i], 4 * fit.std_errors[i]) << SeverityFamilyName(c.family) << " " << i;
    }
  }
}

TEST(Gof, BootstrapPValuesAreCalibratedAndRejectTheWrongFamily) {
  // Lognormal samples: under the right family the p-values are uniform, so p < 0.05 happens in about 1 of 20
  // data sets; 4 or more of 12 has probability 0.002 (binomial(12, 0.05)).
  const Context two = Context().set_threads(2).set_seed(17);
  int small_ks = 0, small_ad = 0;
  for (int d = 0; d < 12; ++d) {
    Sampler s(500 + static_cast<std::uint64_t>(d), 0);
    std::vector<double> x(500);
    for (double& v : x) v = Lognormal{0.5, 0.9}.Sample(s);
    const SeverityFit fit = FitSeverity(x, SeverityFamily::kLognormal, {.bootstrap_replicates = 99}, two);
    EXPECT_EQ(fit.gof.bootstrap_replicates, 99);
    small_ks += fit.gof.ks_p_value < 0.05 ? 1 : 0;
    small_ad += fit.gof.ad_p_value < 0.05 ? 1 : 0;
    if (d < 3) {
      // The gamma is the wrong family: rejected at the smallest reportable p-value, 1 / (B + 1).
      const SeverityFit wrong = FitSeverity(x, SeverityFamily::kGamma, {.bootstrap_replicates = 99}, two);
      EXPECT_DOUBLE_EQ(wrong.gof.ad_p_value, 0.01);
    }
    if (d == 0) {  // the same p-values at one thread
      const SeverityFit again = FitSeverity(x, SeverityFamily::kLognormal, {.bootstrap_replicates = 99},
                                            Context().set_threads(1).set_seed(17));
      EXPECT_EQ(again.gof.ks_p_value, fit.gof.ks_p_value);
      EXPECT_EQ(again.gof.ad_p_value, fit.gof.ad_p_value);
    }
  }
  EXPECT_LE(small_ks, 3);
  EXPECT_LE(small_ad, 3);
}

TEST(Tail, SplicedFitIsContinuousAndDefaultThresholdIsThe90PercentQuantile) {
  std::vector<double> x;
  for (int i = 1; i <= 200; ++i) x.push_back(i);
  EXPECT_EQ(DefaultThreshold(x), 180);
  const Context ctx = Context().set_threads(1);
  for (const BodyKind body : {BodyKind::kEmpirical, BodyKind::kLognormal}) {
    const SplicedFit fit = FitSplicedGpd(x, 180, body, {.bootstrap_replicates = 0}, ctx);
    EXPECT_EQ(fit.tail.exceedances, 20);
    EXPECT_DOUBLE_EQ(fit.model.tail_probability, 0.1);
    EXPECT_NEAR(fit.model.Cdf(180), 0.9, 1e-12);
    EXPECT_NEAR(fit.model.Cdf(180 + 1e-9), 0.9, 1e-9);
    EXPECT_NEAR(fit.model.Cdf(180 - 1e-9), 0.9, body == BodyKind::kEmpirical ? 1.0 / 200 + 1e-12 : 1e-6);
  }
}

}  // namespace
}  // namespace finai::risk::lda
