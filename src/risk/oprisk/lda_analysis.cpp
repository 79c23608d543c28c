// The whole LDA of one loss data set: fits, simulation, Panjer check, single-loss approximation, cells.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "finai/core/error.hpp"
#include "finai/risk/lda.hpp"

namespace finai::risk::lda {

namespace {

// The chosen severity law fitted to one risk cell's losses (no bootstrap: the cell's GOF is not reported).
SeverityModel FitChosenSeverity(std::span<const double> losses, const LdaOptions& options, double threshold,
                                const Context& ctx) {
  const SeverityFitOptions no_bootstrap{0};
  if (options.severity == SeverityFamily::kSplicedGpd) {
    return FitSplicedGpd(losses, threshold, options.body, no_bootstrap, ctx).model;
  }
  return FitSeverity(losses, options.severity, no_bootstrap, ctx).model;
}

FrequencyFit FitChosenFrequency(std::span<const double> counts, FrequencyFamily family) {
  FrequencyFit fit = family == FrequencyFamily::kPoisson ? FitPoisson(counts) : FitNegativeBinomial(counts);
  if (!fit.valid) throw InvalidData("the negative binomial cannot be used: " + fit.note);
  return fit;
}

}  // namespace

void LdaOptions::Validate() const {
  ValidateProbability(measures.level, "level");
  ValidateProbability(measures.confidence, "confidence");
  if (years < 1 || years > kMaxSimulatedYears) {
    throw InvalidArgument(fmt::format("{} simulated years is outside [1, {}]", years, kMaxSimulatedYears));
  }
  if (bootstrap_replicates < 0) {
    throw InvalidArgument(
        fmt::format("{} bootstrap replicates: the number must not be negative", bootstrap_replicates));
  }
  if (threshold && !std::isfinite(*threshold)) throw InvalidArgument("the threshold is not a finite number");
  if (!(rho >= -1 && rho <= 1)) throw InvalidArgument(fmt::format("rho {} is outside [-1, 1]", rho));
  if (!(degrees_of_freedom > 0)) {
    throw InvalidArgument(fmt::format("the degrees of freedom {} must be positive", degrees_of_freedom));
  }
}

LdaReport AnalyzeLda(const LdaInput& input, const LdaOptions& options, const Context& ctx) {
  options.Validate();
  ValidateLosses(input.losses);
  if (input.dates.size() != input.losses.size()) {
    throw InvalidArgument(fmt::format("{} dates for {} losses", input.dates.size(), input.losses.size()));
  }
  if (!input.cells.empty() && input.cells.size() != input.losses.size()) {
    throw InvalidArgument(fmt::format("{} cell labels for {} losses", input.cells.size(), input.losses.size()));
  }
  LdaReport report;
  report.source = input.source;
  report.options = options;
  report.losses = static_cast<std::int64_t>(input.losses.size());
  report.threads = ctx.EffectiveThreads();
  report.seed = ctx.seed();

  // Frequency.
  report.counts = CountPerPeriod(input.dates, options.period);
  report.poisson = FitPoisson(report.counts.counts);
  report.negative_binomial = FitNegativeBinomial(report.counts.counts);
  const FrequencyFit& chosen =
      options.frequency == FrequencyFamily::kPoisson ? report.poisson : report.negative_binomial;
  if (!chosen.valid) throw InvalidData("the negative binomial cannot be used: " + chosen.note);
  report.annual_frequency = Annualise(chosen.model, PeriodsPerYear(options.period));

  // Severity: the three parametric laws with bootstrap GOF, and the GPD tail.
  SeverityFitOptions fit_options;
  fit_options.bootstrap_replicates = options.bootstrap_replicates;
  for (const SeverityFamily f : {SeverityFamily::kLognormal, SeverityFamily::kWeibull, SeverityFamily::kGamma}) {
    report.severity_fits.push_back(FitSeverity(input.losses, f, fit_options, ctx));
  }
  const double threshold = options.threshold ? *options.threshold : DefaultThreshold(input.losses);
  report.tail = FitGpdTail(input.losses, threshold, fit_options, ctx);
  report.mean_excess = MeanExcessPlot(input.losses, kMinExceedances, 50);
  if (options.severity == SeverityFamily::kSplicedGpd) {
    report.spliced = FitSplicedGpd(input.losses, threshold, options.body, SeverityFitOptions{0}, ctx);
    report.severity = report.spliced->model;
  } else {
    report.severity = report.severity_fits[static_cast<std::size_t>(options.severity)].model;
  }
  report.severity_description = DescribeSeverity(report.severity);

  // The aggregate loss.
  AnnualLosses sim = SimulateAnnualLosses(report.annual_frequency, report.severity, options.years, ctx);
  report.simulated_losses = sim.losses;
  report.simulation_seconds = sim.seconds;
  report.risk = MeasureRisk(sim.totals, options.measures);
  sim.totals = {};
  report.sla = ApproximateSingleLoss(report.annual_frequency, report.severity, options.measures.level);
  if (options.panjer) {
    PanjerOptions po = options.panjer_options;
    if (!(po.step > 0))
      po.step = AutomaticPanjerStep(report.annual_frequency, report.severity, options.measures.level, po.max_points);
    const DiscreteAggregate agg = PanjerRecursion(report.annual_frequency, report.severity, po);
    PanjerCheck check;
    check.step = agg.step;
    check.points = static_cast<std::int64_t>(agg.probabilities.size());
    check.missing_mass = agg.missing_mass;
    check.mean = agg.Mean();
    check.var = agg.Quantile(options.measures.level);
    check.es = agg.ExpectedShortfall(options.measures.level);
    report.panjer = check;
  }

  // Risk cells, when the losses carry a cell label.
  if (!input.cells.empty()) {
    std::map<std::string, std::vector<std::size_t>> members;
    for (std::size_t i = 0; i < input.cells.size(); ++i) members[input.cells[i]].push_back(i);
    const auto [first, last] = std::minmax_element(input.dates.begin(), input.dates.end());
    std::vector<RiskCell> cells;
    for (const auto& [name, rows] : members) {
      std::vector<double> losses;
      std::vector<std::int64_t> dates;
      for (const std::size_t i : rows) {
        losses.push_back(input.losses[i]);
        dates.push_back(input.dates[i]);
      }
      CellReport cell;
      cell.name = name;
      cell.losses = static_cast<std::int64_t>(rows.size());
      const PeriodCounts counts = CountPerPeriod(dates, options.period, *first, *last);
      cell.frequency = FitChosenFrequency(counts.counts, options.frequency);
      try {
        cell.severity = FitChosenSeverity(losses, options, threshold, ctx);
      } catch (const Error& e) {
        throw InvalidData(fmt::format("risk cell '{}': {}", name, e.what()));
      }
      cell.severity_description = DescribeSeverity(cell.severity);
      cells.push_back({name, Annualise(cell.frequency.model, PeriodsPerYear(options.period)), cell.severity});
      report.cells.push_back(std::move(cell));
    }
    CopulaSpec copula;
    copula.family = options.copula;
    copula.correlation = EquicorrelationMatrix(static_cast<int>(cells.size()), options.rho);
    copula.degrees_of_freedom = options.degrees_of_freedom;
    report.cells_result = AggregateCells(cells, copula, options.years, options.measures, ctx);
  }
  return report;
}

}  // namespace finai::risk::lda
