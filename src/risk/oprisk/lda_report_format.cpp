// The LDA report as JSON and as text tables.
#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "finai/risk/lda.hpp"

namespace finai::risk::lda {

namespace {

using nlohmann::json;

// JSON has no infinity or NaN: they are written as null (and stated in the docs).
json Number(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

json GofJson(const GoodnessOfFit& g) {
  return {{"n", g.n},
          {"ks", Number(g.ks)},
          {"ks_p_value", g.ks_p_value >= 0 ? Number(g.ks_p_value) : json(nullptr)},
          {"ad", Number(g.ad)},
          {"ad_p_value", g.ad_p_value >= 0 ? Number(g.ad_p_value) : json(nullptr)},
          {"p_values", g.bootstrap_replicates > 0 ? "parametric bootstrap" : "not computed"},
          {"bootstrap_replicates", g.bootstrap_replicates},
          {"seed", g.seed}};
}

json ParamsJson(const std::vector<std::string>& names, const std::vector<double>& values,
                const std::vector<double>& errors) {
  json out = json::object();
  for (std::size_t i = 0; i < names.size(); ++i) {
    out[names[i]] = {{"estimate", Number(values[i])}, {"std_error", Number(errors[i])}};
  }
  return out;
}

json FrequencyJson(const FrequencyFit& f) {
  json out = {{"params", ParamsJson(f.param_names, f.params, f.std_errors)},
              {"log_likelihood", Number(f.log_likelihood)},
              {"aic", Number(f.aic)},
              {"periods", f.periods},
              {"valid", f.valid}};
  if (!f.note.empty()) out["note"] = f.note;
  return out;
}

json RiskJson(const RiskMeasures& r) {
  return {{"level", r.level},
          {"confidence", r.confidence},
          {"years", r.years},
          {"mean", Number(r.mean)},
          {"var", Number(r.var)},
          {"var_ci", {Number(r.var_lower), Number(r.var_upper)}},
          {"var_ci_method", "order statistics, binomial"},
          {"es", Number(r.es)},
          {"es_ci", {Number(r.es_lower), Number(r.es_upper)}},
          {"es_ci_method", r.batches > 0 ? fmt::format("batch means, {} batches", r.batches)
                                         : std::string("not computed: fewer than 10 tail years per batch")}};
}

std::string Fixed(double v) {
  if (std::isnan(v)) return "NA";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return fmt::format("{:.6g}", v);
}

std::string PValue(double p) { return p < 0 ? "-" : fmt::format("{:.3f}", p); }

}  // namespace

std::string LdaReportToJson(const LdaReport& r) {
  json severity = json::array();
  for (const SeverityFit& f : r.severity_fits) {
    severity.push_back({{"family", SeverityFamilyName(f.family)},
                        {"params", ParamsJson(f.param_names, f.params, f.std_errors)},
                        {"log_likelihood", Number(f.log_likelihood)},
                        {"aic", Number(f.aic)},
                        {"gof", GofJson(f.gof)}});
  }
  json mean_excess = json::array();
  for (const MeanExcessPoint& p : r.mean_excess) {
    mean_excess.push_back({{"threshold", p.threshold},
                           {"mean_excess", p.mean_excess},
                           {"std_error", Number(p.std_error)},
                           {"exceedances", p.exceedances}});
  }
  json counts = json::array();
  for (std::size_t i = 0; i < r.counts.counts.size(); ++i) {
    counts.push_back({{"period", r.counts.labels[i]}, {"count", r.counts.counts[i]}});
  }
  json out = {
      {"source", r.source},
      {"losses", r.losses},
      {"period", PeriodName(r.options.period)},
      {"seed", r.seed},
      {"threads", r.threads},
      {"frequency",
       {{"counts", counts},
        {"poisson", FrequencyJson(r.poisson)},
        {"negative_binomial", FrequencyJson(r.negative_binomial)},
        {"chosen", FrequencyName(r.annual_frequency)},
        {"annual_mean", FrequencyMean(r.annual_frequency)}}},
      {"severity", severity},
      {"tail",
       {{"threshold", r.tail.threshold},
        {"threshold_rule", r.options.threshold ? "user" : "empirical 90% quantile"},
        {"exceedances", r.tail.exceedances},
        {"tail_probability", r.tail.tail_probability},
        {"params",
         ParamsJson({"xi", "beta"}, {r.tail.gpd.xi, r.tail.gpd.beta}, {r.tail.xi_std_error, r.tail.beta_std_error})},
        {"log_likelihood", Number(r.tail.log_likelihood)},
        {"gof", GofJson(r.tail.gof)},
        {"mean_excess", mean_excess}}},
      {"aggregate",
       {{"severity", r.severity_description},
        {"frequency", FrequencyName(r.annual_frequency)},
        {"risk", RiskJson(r.risk)},
        {"simulated_losses", r.simulated_losses},
        {"seconds", r.simulation_seconds},
        {"losses_per_second",
         r.simulation_seconds > 0 ? Number(r.simulated_losses / r.simulation_seconds) : json(nullptr)},
        {"sla",
         {{"basic", Number(r.sla.basic)},
          {"correction", Number(r.sla.correction)},
          {"corrected", Number(r.sla.corrected)},
          {"severity_level", Number(r.sla.severity_level)}}}}},
  };
  if (r.spliced && r.spliced->body == BodyKind::kLognormal) {
    out["tail"]["body_lognormal"] = ParamsJson({"meanlog", "sdlog"}, {r.spliced->body_meanlog, r.spliced->body_sdlog},
                                               {r.spliced->body_meanlog_se, r.spliced->body_sdlog_se});
  }
  if (r.panjer) {
    out["aggregate"]["panjer"] = {
        {"step", r.panjer->step},         {"points", r.panjer->points},   {"missing_mass", r.panjer->missing_mass},
        {"mean", Number(r.panjer->mean)}, {"var", Number(r.panjer->var)}, {"es", Number(r.panjer->es)}};
  }
  if (r.cells_result) {
    json cells = json::array();
    for (std::size_t i = 0; i < r.cells.size(); ++i) {
      cells.push_back({{"name", r.cells[i].name},
                       {"losses", r.cells[i].losses},
                       {"frequency", FrequencyJson(r.cells[i].frequency)},
                       {"severity", r.cells[i].severity_description},
                       {"risk", RiskJson(r.cells_result->standalone[i])}});
    }
    out["cells"] = {{"copula", r.options.copula == CopulaFamily::kGaussian ? "gaussian" : "t"},
                    {"rho", r.options.rho},
                    {"cells", cells},
                    {"total", RiskJson(r.cells_result->total)},
                    {"sum_of_standalone_var", r.cells_result->sum_of_standalone_var},
                    {"diversification", Number(r.cells_result->diversification)}};
    if (r.options.copula == CopulaFamily::kStudentT) out["cells"]["degrees_of_freedom"] = r.options.degrees_of_freedom;
  }
  return out.dump(2);
}

std::string FormatLdaReport(const LdaReport& r) {
  std::string s;
  auto line = [&s](const std::string& text) {
    s += text;
    s += '\n';
  };
  line(fmt::format("Operational risk (loss-distribution approach): {} — {} losses", r.source, r.losses));
  line("");
  line(fmt::format("Frequency per {} ({} periods, {} to {}):", PeriodName(r.options.period), r.counts.counts.size(),
                   r.counts.labels.front(), r.counts.labels.back()));
  line(fmt::format("  {:<18} {:>12} {:>12} {:>12} {:>12} {:>10}", "law", "param 1", "(s.e.)", "param 2", "(s.e.)",
                   "AIC"));
  for (const FrequencyFit* f : {&r.poisson, &r.negative_binomial}) {
    std::string row = fmt::format("  {:<18}", f == &r.poisson ? "poisson" : "negative binomial");
    for (std::size_t i = 0; i < 2; ++i) {
      row += i < f->params.size()
                 ? fmt::format(" {:>12} {:>12}", fmt::format("{}={}", f->param_names[i], Fixed(f->params[i])),
                               fmt::format("({})", Fixed(f->std_errors[i])))
                 : fmt::format(" {:>12} {:>12}", "", "");
    }
    line(row + fmt::format(" {:>10}", Fixed(f->aic)));
    if (!f->note.empty()) line(fmt::format("    note: {}", f->note));
  }
  line("");
  line("Severity (ML; p-values by parametric bootstrap):");
  line(fmt::format("  {:<10} {:>22} {:>22} {:>11} {:>9} {:>6} {:>10} {:>6}", "law", "param 1 (s.e.)", "param 2 (s.e.)",
                   "AIC", "KS D", "p", "AD A2", "p"));
  for (const SeverityFit& f : r.severity_fits) {
    line(fmt::format("  {:<10} {:>22} {:>22} {:>11} {:>9} {:>6} {:>10} {:>6}", SeverityFamilyName(f.family),
                     fmt::format("{}={} ({})", f.param_names[0], Fixed(f.params[0]), Fixed(f.std_errors[0])),
                     fmt::format("{}={} ({})", f.param_names[1], Fixed(f.params[1]), Fixed(f.std_errors[1])),
                     Fixed(f.aic), Fixed(f.gof.ks), PValue(f.gof.ks_p_value), Fixed(f.gof.ad),
                     PValue(f.gof.ad_p_value)));
  }
  line(
      fmt::format("  GPD tail above u={} ({}; {} exceedances, P(X>u)={:.4f}): xi={} ({}) beta={} ({})  KS {} p {}  "
                  "AD {} p {}",
                  Fixed(r.tail.threshold), r.options.threshold ? "user threshold" : "90% quantile", r.tail.exceedances,
                  r.tail.tail_probability, Fixed(r.tail.gpd.xi), Fixed(r.tail.xi_std_error), Fixed(r.tail.gpd.beta),
                  Fixed(r.tail.beta_std_error), Fixed(r.tail.gof.ks), PValue(r.tail.gof.ks_p_value),
                  Fixed(r.tail.gof.ad), PValue(r.tail.gof.ad_p_value)));
  line("");
  const RiskMeasures& m = r.risk;
  line(fmt::format("Aggregate annual loss: {} frequency (mean {} a year) x {}", FrequencyName(r.annual_frequency),
                   Fixed(FrequencyMean(r.annual_frequency)), r.severity_description));
  line(fmt::format("  Monte Carlo: {} years, {} losses in {:.2f} s on {} threads ({:.1f} M losses/s), seed {}", m.years,
                   r.simulated_losses, r.simulation_seconds, r.threads,
                   r.simulation_seconds > 0 ? r.simulated_losses / r.simulation_seconds / 1e6 : 0.0, r.seed));
  line(fmt::format("  mean {}", Fixed(m.mean)));
  line(fmt::format("  OpVaR {:.4g}%  {}   {:.0f}% CI [{}, {}] (order statistics)", 100 * m.level, Fixed(m.var),
                   100 * m.confidence, Fixed(m.var_lower), Fixed(m.var_upper)));
  line(fmt::format("  ES    {:.4g}%  {}   {:.0f}% CI [{}, {}] ({})", 100 * m.level, Fixed(m.es), 100 * m.confidence,
                   Fixed(m.es_lower), Fixed(m.es_upper),
                   m.batches > 0 ? fmt::format("batch means, {} batches", m.batches)
                                 : std::string("no interval: fewer than 10 tail years per batch")));
  line(fmt::format("  single-loss approximation: {} (mean-corrected {})", Fixed(r.sla.basic), Fixed(r.sla.corrected)));
  if (r.panjer) {
    line(fmt::format("  Panjer recursion (step {}, {} points, mass beyond grid {:.2g}): VaR {}  ES {}  mean {}",
                     Fixed(r.panjer->step), r.panjer->points, r.panjer->missing_mass, Fixed(r.panjer->var),
                     Fixed(r.panjer->es), Fixed(r.panjer->mean)));
  }
  if (r.cells_result) {
    const CellsResult& c = *r.cells_result;
    line("");
    line(fmt::format("Risk cells joined by a {} copula (rho {}):",
                     r.options.copula == CopulaFamily::kGaussian ? "Gaussian" : "Student-t", Fixed(r.options.rho)));
    for (std::size_t i = 0; i < r.cells.size(); ++i) {
      line(fmt::format("  {:<20} {:>6} losses  VaR {}  ES {}   {}", r.cells[i].name, r.cells[i].losses,
                       Fixed(c.standalone[i].var), Fixed(c.standalone[i].es), r.cells[i].severity_description));
    }
    line(fmt::format("  sum of standalone VaRs {}   VaR of the sum {} [{}, {}]   diversification {:.1f}%",
                     Fixed(c.sum_of_standalone_var), Fixed(c.total.var), Fixed(c.total.var_lower),
                     Fixed(c.total.var_upper), 100 * c.diversification));
  }
  return s;
}

}  // namespace finai::risk::lda
