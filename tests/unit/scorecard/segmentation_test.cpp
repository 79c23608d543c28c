// The dynamic program of OptimalSegmentation against brute-force enumeration of every segmentation of small
// random instances: the optimum must be equal (proof of optimality by exhaustion on each instance) and the
// returned segmentation must itself be feasible and reach that value.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "finai/core/error.hpp"
#include "finai/scorecard/binning.hpp"

namespace finai::scorecard {
namespace {

struct Brute {
  bool feasible = false;
  double best = -INFINITY;
};

bool BinOk(double e, double g, const SegmentConstraints& c) {
  return e > 0 && g > 0 && e >= c.min_bin_events && g >= c.min_bin_non_events && e + g >= c.min_bin_weight;
}

// Value of a segmentation given by its ends, or NaN when it breaks a constraint.
double Evaluate(const std::vector<double>& ev, const std::vector<double>& ne, const std::vector<int>& ends, double te,
                double tg, const SegmentConstraints& c, MonotonicTrend trend) {
  if (static_cast<int>(ends.size()) > c.max_bins) return NAN;
  double total = 0;
  std::vector<double> rates;
  int start = 0;
  for (int end : ends) {
    double e = 0, g = 0;
    for (int i = start; i < end; ++i) e += ev[static_cast<std::size_t>(i)], g += ne[static_cast<std::size_t>(i)];
    if (!BinOk(e, g, c)) return NAN;
    total += BinObjectiveTerm(e, g, te, tg, c.objective);
    rates.push_back(e / (e + g));
    start = end;
  }
  if (!FollowsTrend(rates, trend, c.min_event_rate_diff)) return NAN;
  return total;
}

Brute BruteForce(const std::vector<double>& ev, const std::vector<double>& ne, double te, double tg,
                 const SegmentConstraints& c, MonotonicTrend trend) {
  const int n = static_cast<int>(ev.size());
  Brute out;
  for (std::uint32_t mask = 0; mask < (1u << (n - 1)); ++mask) {
    std::vector<int> ends;
    for (int i = 1; i < n; ++i) {
      if (mask & (1u << (i - 1))) ends.push_back(i);
    }
    ends.push_back(n);
    const double v = Evaluate(ev, ne, ends, te, tg, c, trend);
    if (!std::isnan(v)) {
      out.feasible = true;
      out.best = std::max(out.best, v);
    }
  }
  return out;
}

TEST(Segmentation, EqualsBruteForceOnRandomInstances) {
  std::mt19937_64 rng(20261123);
  const MonotonicTrend trends[] = {MonotonicTrend::kAscending, MonotonicTrend::kDescending, MonotonicTrend::kPeak,
                                   MonotonicTrend::kValley,    MonotonicTrend::kNone,       MonotonicTrend::kAuto};
  int checked = 0, nontrivial = 0;
  for (int instance = 0; instance < 240; ++instance) {
    const int n = 2 + static_cast<int>(rng() % 11);  // 2..12 pre-bins
    std::vector<double> ev(static_cast<std::size_t>(n)), ne(static_cast<std::size_t>(n));
    double te = 0, tg = 0;
    for (int i = 0; i < n; ++i) {
      ev[static_cast<std::size_t>(i)] = static_cast<double>(rng() % 20);
      ne[static_cast<std::size_t>(i)] = static_cast<double>(rng() % 60);
      te += ev[static_cast<std::size_t>(i)];
      tg += ne[static_cast<std::size_t>(i)];
    }
    if (te == 0 || tg == 0) continue;
    SegmentConstraints c;
    c.max_bins = 1 + static_cast<int>(rng() % 6);
    c.min_bin_weight = (te + tg) * 0.02 * static_cast<double>(rng() % 6);
    c.min_bin_events = static_cast<double>(rng() % 4);
    c.min_bin_non_events = static_cast<double>(rng() % 6);
    c.min_event_rate_diff = (rng() % 3 == 0) ? 0.02 : 0.0;
    c.objective = rng() % 3 == 0 ? BinObjective::kJensenShannon : BinObjective::kInformationValue;
    c.trend = trends[instance % 6];
    const Segmentation dp = OptimalSegmentation(ev, ne, te, tg, c);
    Brute brute;
    if (c.trend == MonotonicTrend::kAuto) {
      const Brute up = BruteForce(ev, ne, te, tg, c, MonotonicTrend::kAscending);
      const Brute down = BruteForce(ev, ne, te, tg, c, MonotonicTrend::kDescending);
      brute.feasible = up.feasible || down.feasible;
      brute.best = std::max(up.best, down.best);
    } else {
      brute = BruteForce(ev, ne, te, tg, c, c.trend);
    }
    ASSERT_EQ(dp.feasible, brute.feasible) << "instance " << instance;
    ++checked;
    if (!dp.feasible) continue;
    EXPECT_NEAR(dp.objective, brute.best, 1e-12) << "instance " << instance << " n " << n;
    // The segmentation returned is feasible under its trend and reaches the objective it reports.
    const double own = Evaluate(ev, ne, dp.ends, te, tg, c, dp.trend);
    ASSERT_FALSE(std::isnan(own)) << "instance " << instance;
    EXPECT_NEAR(own, dp.objective, 1e-12);
    if (dp.ends.size() > 1) ++nontrivial;
  }
  EXPECT_GT(checked, 200);
  EXPECT_GT(nontrivial, 60);  // the instances exercise more than the single-bin answer
}

TEST(Segmentation, AscendingRatesKeepEveryPreBinWhenAllowed) {
  // Event rates 10%, 20%, 30%, 40%: every merge loses IV, so the optimum keeps all four pre-bins.
  const std::vector<double> ev = {10, 20, 30, 40}, ne = {90, 80, 70, 60};
  SegmentConstraints c;
  c.trend = MonotonicTrend::kAscending;
  const Segmentation s = OptimalSegmentation(ev, ne, 100, 300, c);
  ASSERT_TRUE(s.feasible);
  EXPECT_EQ(s.ends, (std::vector<int>{1, 2, 3, 4}));
  c.max_bins = 2;
  const Segmentation two = OptimalSegmentation(ev, ne, 100, 300, c);
  EXPECT_EQ(two.ends.size(), 2u);
  c.trend = MonotonicTrend::kDescending;  // a descending trend can only be met by one bin here
  EXPECT_EQ(OptimalSegmentation(ev, ne, 100, 300, c).ends, (std::vector<int>{4}));
  c.trend = MonotonicTrend::kAuto;
  EXPECT_EQ(OptimalSegmentation(ev, ne, 100, 300, c).trend, MonotonicTrend::kAscending);
}

TEST(Segmentation, PeakFindsTheTurn) {
  const std::vector<double> ev = {5, 20, 40, 15, 5}, ne = {95, 80, 60, 85, 95};
  SegmentConstraints c;
  c.trend = MonotonicTrend::kPeak;
  const Segmentation s = OptimalSegmentation(ev, ne, 85, 415, c);
  EXPECT_EQ(s.ends, (std::vector<int>{1, 2, 3, 4, 5}));
  c.trend = MonotonicTrend::kValley;
  EXPECT_LT(OptimalSegmentation(ev, ne, 85, 415, c).objective, s.objective);
}

}  // namespace
}  // namespace finai::scorecard

namespace finai::scorecard {
namespace {

TEST(Segmentation, LargestInstanceIsBoundedAndFeasible) {
  // kMaxPreBins pre-bins with a rising event rate: the exact merge runs and keeps the ascending trend.
  std::vector<double> ev, ne;
  for (int i = 0; i < kMaxPreBins; ++i) {
    ev.push_back(1 + i / 8);
    ne.push_back(40);
  }
  double te = 0, tg = 0;
  for (std::size_t i = 0; i < ev.size(); ++i) te += ev[i], tg += ne[i];
  SegmentConstraints c;
  c.max_bins = 8;
  c.min_bin_weight = 0.05 * (te + tg);
  const Segmentation s = OptimalSegmentation(ev, ne, te, tg, c);
  ASSERT_TRUE(s.feasible);
  EXPECT_EQ(s.trend, MonotonicTrend::kAscending);
  EXPECT_LE(s.ends.size(), 8u);
  EXPECT_GE(s.ends.size(), 6u);
  ev.push_back(1);
  ne.push_back(1);
  EXPECT_THROW(OptimalSegmentation(ev, ne, te + 1, tg + 1, c), InvalidArgument);
}

}  // namespace
}  // namespace finai::scorecard
