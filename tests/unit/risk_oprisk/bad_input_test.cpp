// Bad input gets an error of the right kind with an exact message that names the offending value.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "finai/core/error.hpp"
#include "finai/data/column.hpp"
#include "finai/risk/lda.hpp"

namespace finai::risk::lda {
namespace {

template <class E>
std::string MessageOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("wrong error kind: ") + e.what();
  }
  return "nothing thrown";
}

Context OneThread() {
  Context ctx;
  ctx.set_threads(1);
  return ctx;
}

std::vector<double> OneToTwenty() {
  std::vector<double> x;
  for (int i = 1; i <= 20; ++i) x.push_back(i);
  return x;
}

TEST(LdaBadInput, NonPositiveLosses) {
  EXPECT_EQ(MessageOf<InvalidData>([] {
              ValidateLosses(std::vector<double>{1.5, 2, -1.5, 4});
            }),
            "value '-1.5': loss 3 of 4 is not a positive number; expected losses > 0");
  EXPECT_EQ(MessageOf<InvalidData>([] {
              FitSeverity(std::vector<double>{0, 1, 2}, SeverityFamily::kLognormal, {}, OneThread());
            }),
            "value '0': loss 1 of 3 is not a positive number; expected losses > 0");
  EXPECT_EQ(MessageOf<InvalidData>([] {
              FitSeverity(std::vector<double>{1, std::nan(""), 2}, SeverityFamily::kGamma, {}, OneThread());
            }),
            "value 'nan': loss 2 of 3 is not a positive number; expected losses > 0");
  EXPECT_EQ(
      MessageOf<InvalidData>([] { FitSeverity(std::vector<double>{3}, SeverityFamily::kWeibull, {}, OneThread()); }),
      "1 losses are too few to fit a severity law; expected at least 2");
}

TEST(LdaBadInput, ThresholdAboveTheData) {
  EXPECT_EQ(MessageOf<InvalidArgument>([] { FitGpdTail(OneToTwenty(), 25, {}, OneThread()); }),
            "threshold 25 leaves 0 of 20 losses above it; expected at least 10 losses above the threshold (the "
            "largest loss is 20)");
  EXPECT_EQ(MessageOf<InvalidArgument>([] { FitGpdTail(OneToTwenty(), 12, {}, OneThread()); }),
            "threshold 12 leaves 8 of 20 losses above it; expected at least 10 losses above the threshold (the "
            "largest loss is 20)");
  EXPECT_EQ(MessageOf<InvalidArgument>([] { MeanExcessAt(OneToTwenty(), 20); }),
            "threshold 20 leaves no loss above it; expected a threshold below the largest loss");
}

TEST(LdaBadInput, ProbabilitiesOutsideTheOpenUnitInterval) {
  std::vector<double> years = {1, 2, 3};
  EXPECT_EQ(MessageOf<InvalidArgument>([&] { MeasureRisk(years, {.level = 1.5}); }),
            "level 1.5 is outside (0, 1); expected 0 < level < 1");
  EXPECT_EQ(MessageOf<InvalidArgument>([&] { MeasureRisk(years, {.level = 0.99, .confidence = 0}); }),
            "confidence 0 is outside (0, 1); expected 0 < confidence < 1");
  EXPECT_EQ(MessageOf<InvalidArgument>([] { ApproximateSingleLoss(Poisson{10}, Lognormal{}, 1); }),
            "level 1 is outside (0, 1); expected 0 < level < 1");
  const DiscreteAggregate agg = PanjerRecursion(Poisson{3}, Lognormal{}, {.step = 0.1});
  EXPECT_EQ(MessageOf<InvalidArgument>([&] { agg.Quantile(-0.1); }),
            "probability -0.1 is outside (0, 1); expected 0 < probability < 1");
  LdaOptions options;
  options.measures.level = std::nan("");
  EXPECT_EQ(MessageOf<InvalidArgument>([&] { options.Validate(); }),
            "level nan is outside (0, 1); expected 0 < level < 1");
}

TEST(LdaBadInput, SimulationAndFrequencyArguments) {
  EXPECT_EQ(MessageOf<InvalidArgument>([] { SimulateAnnualLosses(Poisson{1}, Lognormal{}, 0, OneThread()); }),
            "0 simulated years is outside [1, 1000000000]");
  EXPECT_EQ(MessageOf<InvalidArgument>([] { SimulateAnnualLosses(Poisson{-1}, Lognormal{}, 10, OneThread()); }),
            "value '-1': invalid Poisson lambda");
  EXPECT_EQ(MessageOf<InvalidArgument>([] {
              SimulateAnnualLosses(Poisson{1}, Lognormal{0, 0}, 10, OneThread());
            }),
            "value '0': invalid lognormal sdlog");
  EXPECT_EQ(MessageOf<InvalidData>([] {
              FitPoisson(std::vector<double>{3, 2.5});
            }),
            "value '2.5': count 2 of 2 is not a non-negative whole number; expected counts 0, 1, 2, ...");
  EXPECT_EQ(MessageOf<InvalidData>([] {
              CountPerPeriod(std::vector<std::int64_t>{0, kMissingTime}, Period::kYear);
            }),
            "loss 2 of 2 has no date; expected a date for every loss");
  EXPECT_EQ(MessageOf<InvalidArgument>([] { ParsePeriod("week"); }), "unknown period 'week'; expected year or month");
  EXPECT_EQ(MessageOf<InvalidArgument>([] { ParseSeverityFamily("pareto"); }),
            "unknown severity law 'pareto'; expected lognormal, weibull, gamma or spliced-gpd");
}

TEST(LdaBadInput, UnderDispersedCountsHaveNoNegativeBinomial) {
  const FrequencyFit fit = FitNegativeBinomial(std::vector<double>{5, 5, 6, 4, 5});
  EXPECT_FALSE(fit.valid);
  EXPECT_EQ(fit.note,
            "the counts are not over-dispersed (variance 0.5 <= mean 5): the negative binomial likelihood has no "
            "finite maximum (it tends to the Poisson); use Poisson");
}

}  // namespace
}  // namespace finai::risk::lda
