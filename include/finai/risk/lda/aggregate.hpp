// The aggregate (annual) loss S = X_1 + ... + X_N of the loss-distribution approach, three ways:
//   - parallel, seeded Monte Carlo: years are cut into blocks of kYearsPerBlock, block b drawing from
//     Rng(seed, stream_base + b), so the simulated years are bit-identical at any thread count;
//   - Panjer recursion on a severity discretised by the rounding method (as actuar::discretize), exact up to
//     the discretisation step;
//   - the single-loss approximation of Bocker and Kluppelberg for high quantiles of subexponential laws.
// And the risk measures of a simulated sample: OpVaR (quantile) and expected shortfall, with confidence
// intervals.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "finai/core/context.hpp"
#include "finai/risk/lda/frequency.hpp"
#include "finai/risk/lda/severity.hpp"

namespace finai::risk::lda {

inline constexpr std::int64_t kYearsPerBlock = 4096;
inline constexpr std::int64_t kMaxSimulatedYears = 1'000'000'000;

// InvalidArgument unless 0 < level < 1 (name is the parameter's name in the message, e.g. "level").
void ValidateProbability(double p, const char* name);

struct AnnualLosses {
  std::vector<double> totals;  // S for each simulated year, in year order
  std::int64_t losses = 0;     // individual losses drawn
  double seconds = 0;          // wall time of the simulation
};

// Simulates `years` years. Seed: ctx.seed(); threads: ctx's. InvalidArgument for years outside
// [1, kMaxSimulatedYears] or invalid model parameters.
AnnualLosses SimulateAnnualLosses(const FrequencyModel& frequency, const SeverityModel& severity, std::int64_t years,
                                  const Context& ctx, std::uint64_t stream_base = 0);

struct RiskMeasureOptions {
  double level = 0.999;      // OpVaR / ES level
  double confidence = 0.95;  // of the confidence intervals
  int batches = 20;          // batch means for the ES interval
};

struct RiskMeasures {
  double level = 0;
  double confidence = 0;
  std::int64_t years = 0;
  double mean = 0;
  // OpVaR: the type-1 empirical quantile S_(ceil(n level)). Interval: order statistics S_(l), S_(u) with
  // l, u from the Binomial(n, level) law of #{S_i <= q}, which covers the true quantile with probability
  // >= confidence whatever the law of S (distribution-free).
  double var = 0, var_lower = 0, var_upper = 0;
  // ES: mean of the floor(n (1 - level)) largest years (Acerbi-Tasche). Interval by batch means: the years
  // are cut into `batches` contiguous batches, ES is estimated in each, and ES +- t_{B-1} sd / sqrt(B). NaN
  // bounds when a batch would hold fewer than 10 tail years. For a heavy tail with infinite variance the
  // interval understates the uncertainty (and ES is infinite when the severity mean is).
  double es = 0, es_lower = 0, es_upper = 0;
  int batches = 0;
};

// Measures risk from simulated years; reorders `annual` (partial sorting) in place.
RiskMeasures MeasureRisk(std::span<double> annual, const RiskMeasureOptions& options);

struct PanjerOptions {
  double step = 0;                    // grid step h; 0 chooses one (AutomaticPanjerStep)
  std::int64_t max_points = 1 << 16;  // the recursion is O(points^2)
  double tolerance = 1e-12;           // stop once the grid holds 1 - tolerance of the probability
};

// A law on the grid 0, h, 2h, ...; what lies beyond the last point is missing_mass.
struct DiscreteAggregate {
  double step = 0;
  std::vector<double> probabilities;
  double missing_mass = 0;

  double Cdf(double x) const;
  // min{k h : F(k h) >= p}, as actuar's quantile(); +infinity when the grid ends before p.
  double Quantile(double p) const;
  // actuar's CTE: E[S | S > VaR_p] over the grid.
  double ConditionalTailExpectation(double p) const;
  // Acerbi-Tasche ES_p = (E[S; S > q] + q (F(q) - p)) / (1 - p), q = VaR_p; mass beyond the grid is ignored.
  double ExpectedShortfall(double p) const;
  double Mean() const;
};

// Severity discretised by rounding: f_0 = F(h/2), f_k = F((k + 1/2) h) - F((k - 1/2) h), computed from the
// survival function so that far-tail probabilities keep their relative precision.
std::vector<double> DiscretizeSeverity(const SeverityModel& severity, double step, std::int64_t points);

// Panjer recursion for the (a, b, 0) class: Poisson (a = 0, b = lambda) and negative binomial
// (a = 1 - p, b = (size - 1) a). The recursion is linear in the probabilities, so it runs on rescaled values
// (the start p_0 = PGF(f_0) underflows for large frequencies, e.g. exp(-800)) and scales back at the end.
// InvalidData when the grid of max_points ends before the probability reaches 0.999999.
DiscreteAggregate PanjerRecursion(const FrequencyModel& frequency, const SeverityModel& severity,
                                  const PanjerOptions& options = {});
// A step that puts a rough upper quantile of S (the larger of E S + z sd S and the single-loss approximation
// at `level`) at about a quarter of the way along a grid of `points` points.
double AutomaticPanjerStep(const FrequencyModel& frequency, const SeverityModel& severity, double level,
                           std::int64_t points);

// Single-loss approximation (Bocker and Kluppelberg 2005) for subexponential severities:
//   VaR_level(S) ~ F^-1(1 - (1 - level) / E N)
// and its mean correction (Bocker and Sprittulla 2006; Degen 2010): the other losses of the year in which the
// large one falls add E[N(N-1)] / E[N] * E X on average (lambda E X for Poisson); infinite mean: no correction.
struct SingleLossApproximation {
  double level = 0;
  double expected_count = 0;
  double severity_level = 0;  // 1 - (1 - level) / E N
  double basic = 0;
  double correction = 0;  // NaN when E X is infinite
  double corrected = 0;   // basic + correction, or basic when E X is infinite
};
SingleLossApproximation ApproximateSingleLoss(const FrequencyModel& frequency, const SeverityModel& severity,
                                              double level);

}  // namespace finai::risk::lda
