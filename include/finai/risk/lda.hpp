// Operational risk by the loss-distribution approach (LDA): a frequency law for the number of losses a year,
// a severity law for each loss, and the law of their annual sum, whose 99.9% quantile is the OpVaR.
//
//   lda/frequency.hpp     counts per year or month from loss dates; Poisson and negative binomial ML fits
//   lda/severity.hpp      lognormal, Weibull, gamma, GPD and body+GPD splice: CDF, quantile, mean, sampling
//   lda/severity_fit.hpp  ML severity fits with standard errors; KS and Anderson-Darling with bootstrap p-values
//   lda/tail.hpp          peaks over threshold: mean-excess plot, GPD fit, the spliced severity
//   lda/aggregate.hpp     seeded parallel Monte Carlo, OpVaR / ES with intervals, Panjer recursion, SLA
//   lda/copula.hpp        several risk cells joined by a Gaussian or Student-t copula; diversification
//
// This header adds the whole analysis of one loss data set, as `finai risk oprisk` runs it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "finai/core/context.hpp"
#include "finai/risk/lda/aggregate.hpp"
#include "finai/risk/lda/copula.hpp"
#include "finai/risk/lda/frequency.hpp"
#include "finai/risk/lda/severity.hpp"
#include "finai/risk/lda/severity_fit.hpp"
#include "finai/risk/lda/tail.hpp"

namespace finai::risk::lda {

struct LdaInput {
  std::string source;  // for the report: file name
  std::vector<double> losses;
  std::vector<std::int64_t> dates;  // one per loss (seconds since 1970-01-01 UTC)
  std::vector<std::string> cells;   // optional: the risk cell of each loss
};

struct LdaOptions {
  Period period = Period::kYear;
  FrequencyFamily frequency = FrequencyFamily::kPoisson;
  SeverityFamily severity = SeverityFamily::kLognormal;
  std::optional<double> threshold;  // GPD threshold; default DefaultThreshold (90% quantile)
  BodyKind body = BodyKind::kEmpirical;
  std::int64_t years = 1'000'000;  // simulated years
  RiskMeasureOptions measures;
  int bootstrap_replicates = 199;
  bool panjer = true;  // check the simulation against Panjer recursion
  PanjerOptions panjer_options;
  CopulaFamily copula = CopulaFamily::kGaussian;  // with cells: how they are joined
  double rho = 0;                                 // with cells: the equicorrelation of the copula
  double degrees_of_freedom = 4;                  // Student-t copula

  void Validate() const;  // InvalidArgument naming the bad option
};

struct PanjerCheck {
  double step = 0;
  std::int64_t points = 0;
  double missing_mass = 0;
  double mean = 0;
  double var = 0;  // quantile at the level; +infinity when the grid ends before it
  double es = 0;
};

struct CellReport {
  std::string name;
  std::int64_t losses = 0;
  FrequencyFit frequency;  // per period, the chosen family
  SeverityModel severity;  // the chosen family fitted to the cell's losses
  std::string severity_description;
};

struct LdaReport {
  std::string source;
  LdaOptions options;
  std::int64_t losses = 0;
  PeriodCounts counts;
  FrequencyFit poisson;
  FrequencyFit negative_binomial;
  FrequencyModel annual_frequency;         // the chosen law, for one year
  std::vector<SeverityFit> severity_fits;  // lognormal, Weibull, gamma
  GpdFit tail;                             // GPD above the threshold
  std::optional<SplicedFit> spliced;       // when the spliced severity is chosen
  std::vector<MeanExcessPoint> mean_excess;
  SeverityModel severity;  // the chosen law
  std::string severity_description;
  RiskMeasures risk;
  std::int64_t simulated_losses = 0;
  double simulation_seconds = 0;
  int threads = 0;
  std::uint64_t seed = 0;
  SingleLossApproximation sla;
  std::optional<PanjerCheck> panjer;
  std::vector<CellReport> cells;
  std::optional<CellsResult> cells_result;
};

// Fits, simulates and checks; ctx gives the seed and the threads.
LdaReport AnalyzeLda(const LdaInput& input, const LdaOptions& options, const Context& ctx);

std::string LdaReportToJson(const LdaReport& report);  // pretty-printed JSON
std::string FormatLdaReport(const LdaReport& report);  // tables for a terminal

}  // namespace finai::risk::lda
