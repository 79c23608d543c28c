// `finai risk var FILE --column C`: value at risk and expected shortfall of a return series (or of a portfolio of
// columns) by historical, age-weighted, filtered historical, parametric or Monte Carlo simulation; and
// `finai risk backtest FILE --column C`: rolling VaR / ES over the history with the coverage tests, the Basel
// traffic light and the Acerbi-Szekely ES tests.
#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commands.hpp"
#include "finai/core/error.hpp"
#include "finai/risk/backtest.hpp"
#include "finai/risk/returns.hpp"
#include "finai/risk/var.hpp"

namespace finai::cli {

namespace {

using json = nlohmann::ordered_json;

struct SeriesArgs {
  std::string file;
  std::vector<std::string> columns;
  bool prices = false;
  std::string return_kind = "log";
  std::string scale = "percent";
  DataOptions data;
};

struct VarArgs {
  SeriesArgs series;
  std::vector<double> weights;
  std::string method = "hs";
  double level = 0.99;
  double es_level = 0.975;
  std::int64_t window = 0;  // 0: the whole history
  std::string quantile = "type1";
  double lambda = 0.98;
  double dof = 0;
  std::string model = "garch";
  std::string dist = "normal";
  std::int64_t simulations = 100000;
  bool json = false;
};

struct BacktestArgs {
  SeriesArgs series;
  std::string method = "hs";
  double level = 0.99;
  double es_level = 0.975;
  std::int64_t window = 1000;
  std::int64_t days = 0;
  std::int64_t refit_every = 1;
  std::string quantile = "type1";
  double lambda = 0.98;
  double dof = 0;
  std::string model = "garch";
  std::string dist = "normal";
  std::int64_t simulations = 10000;
  bool series_out = false;
  bool json = false;
};

// The options that say where the returns come from, shared by both verbs.
void AddSeriesOptions(CLI::App& cmd, SeriesArgs& args, bool many_columns) {
  cmd.add_option("file", args.file, "CSV file with one row per period, oldest first")->required();
  auto* column = cmd.add_option("--column", args.columns,
                                many_columns ? "Column of returns (or prices, with --prices); repeat for a portfolio"
                                             : "Column of returns (or prices, with --prices)")
                     ->required();
  if (!many_columns) column->expected(1)->multi_option_policy(CLI::MultiOptionPolicy::Throw);
  auto* prices = cmd.add_flag("--prices", args.prices, "The columns hold prices: use their returns");
  cmd.add_option("--return-kind", args.return_kind, "Returns computed from prices: log (default) or simple")
      ->check(CLI::IsMember({"log", "simple"}))
      ->needs(prices);
  cmd.add_option("--scale", args.scale, "Unit of the returns computed from prices: percent (default) or fraction")
      ->check(CLI::IsMember({"percent", "fraction"}))
      ->needs(prices);
  AddDataOptions(cmd, args.data);
}

// One column's values as returns, in time order. A gap is an error naming the data row: skipping it would
// silently join two non-adjacent periods into one return.
std::vector<double> ReadReturns(const CsvTable& table, const SeriesArgs& args, const std::string& name) {
  const Column& column = table.frame.column(name);
  if (!column.is_numeric()) {
    throw InvalidData(fmt::format("the column is {}, not numeric", ColumnTypeName(column.type())),
                      {.file = args.file, .field = name, .expected = "a numeric column of returns or prices"});
  }
  const std::vector<double> values = column.ToFloat64();
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      throw InvalidData(fmt::format("data row {} (1-based, after the header) is missing or not finite", i + 1),
                        {.file = args.file,
                         .field = name,
                         .value = column.ValueText(static_cast<std::int64_t>(i)),
                         .expected = "a complete series (fill or drop gaps first)"});
    }
  }
  if (!args.prices) return values;
  return risk::ReturnsFromPrices(values, risk::ParseReturnKind(args.return_kind),
                                 args.scale == "fraction" ? risk::ReturnScale::kFraction : risk::ReturnScale::kPercent);
}

std::string DescribeSeries(const SeriesArgs& args) {
  std::string columns;
  for (const auto& c : args.columns) columns += (columns.empty() ? "'" : ", '") + c + "'";
  return fmt::format("{} column{} {}{}", args.file, args.columns.size() > 1 ? "s" : "", columns,
                     args.prices ? fmt::format(" ({} returns of prices, {})", args.return_kind, args.scale) : "");
}

// An option given for a method it does not apply to is an error, not silently ignored: `--lambda 0.9` with
// `--method hs` would otherwise report a figure the user did not ask for.
void RequireApplies(const CLI::App& cmd, const std::string& option, const std::string& method,
                    const std::vector<std::string>& methods) {
  if (cmd.count(option) == 0) return;
  for (const auto& m : methods) {
    if (m == method) return;
  }
  std::string list;
  for (const auto& m : methods) list += (list.empty() ? "" : ", ") + m;
  throw InvalidArgument(fmt::format("{} does not apply to --method {}", option, method),
                        {.field = option, .expected = fmt::format("--method {}", list)});
}

void CheckMethodOptions(const CLI::App& cmd, const std::string& method) {
  RequireApplies(cmd, "--lambda", method, {"age-weighted"});
  RequireApplies(cmd, "--dof", method, {"t", "mc"});
  RequireApplies(cmd, "--model", method, {"fhs"});
  RequireApplies(cmd, "--dist", method, {"fhs", "mc"});
  RequireApplies(cmd, "--quantile", method, {"hs", "fhs", "mc"});
}

std::string Percent(double level) { return fmt::format("{:g}%", 100 * level); }

risk::VarSpec MakeSpec(const std::string& method, double level, double es_level, const std::string& quantile,
                       double lambda, double dof, const std::string& model, const std::string& dist) {
  risk::VarSpec spec;
  spec.method = risk::ParseVarMethod(method);
  spec.levels = {.var_level = level, .es_level = es_level};
  spec.quantile = risk::ParseQuantileRule(quantile);
  spec.lambda = lambda;
  spec.dof = dof;
  spec.garch.kind = risk::ParseGarchKind(model);
  spec.garch.innovation = risk::ParseInnovation(dist);
  spec.Validate();
  return spec;
}

std::string FormatRisk(const risk::TailRisk& risk, const risk::RiskLevels& levels) {
  std::string out;
  out += fmt::format("VaR {:<7} {:>12.6g}\n", Percent(levels.var_level), risk.var);
  out += fmt::format("ES {:<8} {:>12.6g}\n", Percent(levels.es_level), risk.es);
  out +=
      fmt::format("VaR {:<7} {:>12.6g}   (where the ES tail begins)\n", Percent(levels.es_level), risk.var_at_es_level);
  return out;
}

json RiskJson(const risk::TailRisk& risk, const risk::RiskLevels& levels) {
  return json{{"var_level", levels.var_level},
              {"es_level", levels.es_level},
              {"var", risk.var},
              {"es", risk.es},
              {"var_at_es_level", risk.var_at_es_level}};
}

void Print(const std::string& text) { std::fwrite(text.data(), 1, text.size(), stdout); }

// ---- finai risk var ----

void RunVar(const VarArgs& args, const Context& ctx) {
  const CsvTable table = LoadData(args.series.file, args.series.data, ctx);
  std::vector<std::vector<double>> assets;
  for (const auto& name : args.series.columns) assets.push_back(ReadReturns(table, args.series, name));
  const std::size_t k = assets.size();
  std::vector<double> weights = args.weights;
  if (weights.empty()) weights.assign(k, 1.0 / static_cast<double>(k));
  if (weights.size() != k) {
    throw InvalidArgument(fmt::format("{} weights for {} columns", weights.size(), k),
                          {.field = "--weights", .expected = "one weight per --column"});
  }
  const auto n = static_cast<std::int64_t>(assets[0].size());
  if (args.window < 0 || args.window > n) {
    throw InvalidArgument(fmt::format("window of {} returns; the series has {}", args.window, n),
                          {.field = "--window", .expected = fmt::format("0 (all) to {} returns", n)});
  }
  const std::int64_t used = args.window > 0 ? args.window : n;
  const auto begin = static_cast<std::size_t>(n - used);
  const risk::RiskLevels levels{.var_level = args.level, .es_level = args.es_level};
  json out{{"file", args.series.file},
           {"columns", args.series.columns},
           {"weights", weights},
           {"prices", args.series.prices},
           {"returns", n},
           {"used", used},
           {"method", args.method}};
  std::string text = fmt::format("VaR and ES of {}: the last {} of {} returns\n", DescribeSeries(args.series), used, n);

  if (args.method == "mc") {
    if (used < 2) {
      throw InvalidArgument(fmt::format("{} return(s) to estimate a covariance from", used),
                            {.field = "--window", .expected = "at least 2 returns"});
    }
    // Mean vector and covariance (divisor n - 1) of the columns' returns over the window, then simulation.
    Eigen::MatrixXd window(used, static_cast<Eigen::Index>(k));
    for (std::size_t a = 0; a < k; ++a) {
      for (Eigen::Index t = 0; t < used; ++t) {
        window(t, static_cast<Eigen::Index>(a)) = assets[a][begin + static_cast<std::size_t>(t)];
      }
    }
    risk::Portfolio portfolio;
    portfolio.weights = weights;
    portfolio.mean = window.colwise().mean().transpose();
    const Eigen::MatrixXd centered = window.rowwise() - portfolio.mean.transpose();
    portfolio.covariance = centered.transpose() * centered / static_cast<double>(used - 1);
    const risk::MonteCarloSpec spec{
        .distribution = args.dist == "t" ? risk::McDistribution::kStudentT : risk::McDistribution::kNormal,
        .dof = args.dof != 0 ? args.dof : 5.0,
        .simulations = args.simulations,
        .levels = levels,
        .quantile = risk::ParseQuantileRule(args.quantile)};
    const risk::MonteCarloResult mc = risk::MonteCarloVarEs(portfolio, spec, ctx);
    text +=
        fmt::format("method: Monte Carlo, multivariate {} ({} simulations, seed {}, sample mean and covariance)\n\n",
                    args.dist == "t" ? fmt::format("t with {} dof", spec.dof) : "normal", mc.simulations, ctx.seed());
    text += FormatRisk(mc.risk, levels);
    text += fmt::format("\nportfolio mean / sd       {:.6g} / {:.6g} (simulated {:.6g} / {:.6g})\n", mc.analytic_mean,
                        mc.analytic_sd, mc.simulated_mean, mc.simulated_sd);
    out["description"] = "Monte Carlo";
    out["distribution"] = args.dist;
    if (args.dist == "t") out["dof"] = spec.dof;
    out["simulations"] = mc.simulations;
    out["seed"] = ctx.seed();
    out["risk"] = RiskJson(mc.risk, levels);
    out["portfolio_mean"] = mc.analytic_mean;
    out["portfolio_sd"] = mc.analytic_sd;
  } else {
    std::vector<double> returns(static_cast<std::size_t>(used), 0.0);
    for (std::size_t a = 0; a < k; ++a) {
      for (std::size_t t = 0; t < returns.size(); ++t) returns[t] += weights[a] * assets[a][begin + t];
    }
    const risk::VarSpec spec =
        MakeSpec(args.method, args.level, args.es_level, args.quantile, args.lambda, args.dof, args.model, args.dist);
    const risk::VarEstimate estimate = risk::EstimateVarEs(returns, spec, ctx);
    text += fmt::format("method: {}\n\n", risk::DescribeVarSpec(spec));
    text += FormatRisk(estimate.risk, levels);
    out["description"] = risk::DescribeVarSpec(spec);
    out["risk"] = RiskJson(estimate.risk, levels);
    if (spec.method == risk::VarMethod::kNormal || spec.method == risk::VarMethod::kStudentT) {
      text +=
          fmt::format("\nmean / sd                 {:.6g} / {:.6g}\n", estimate.model.location, estimate.model.scale);
      out["mean"] = estimate.model.location;
      out["sd"] = estimate.model.scale;
    }
    if (spec.method == risk::VarMethod::kStudentT) {
      text += fmt::format("degrees of freedom        {:.6g}{}\n", estimate.model.dof, spec.dof == 0 ? " (ML)" : "");
      out["dof"] = estimate.model.dof;
    }
    if (spec.method == risk::VarMethod::kFilteredHistorical) {
      const std::vector<std::string> names = risk::GarchParamNames(spec.garch);
      text += "\nGARCH estimates          ";
      json params = json::object();
      for (std::size_t i = 0; i < names.size(); ++i) {
        text += fmt::format(" {} {:.6g}", names[i], estimate.model.garch_params[i]);
        params[names[i]] = estimate.model.garch_params[i];
      }
      text += fmt::format("\nnext-period volatility    {:.6g}\n", estimate.model.scale);
      out["garch"] = params;
      out["next_volatility"] = estimate.model.scale;
    }
  }
  Print(args.json ? out.dump(2) + "\n" : text);
  PrintLoadReport(table.report);
}

// ---- finai risk backtest ----

// A simulated p-value of 0 only says p < 1/M.
std::string SimulatedP(double p, std::int64_t simulations) {
  return p > 0 ? fmt::format("{:.4g}", p) : fmt::format("< {:.4g}", 1.0 / static_cast<double>(simulations));
}

json TestJson(const risk::LikelihoodRatioTest& t) {
  return json{{"statistic", t.statistic}, {"df", t.degrees_of_freedom}, {"p_value", t.p_value}};
}

// JSON has no NaN: Z1 without a breach is written as null.
json Number(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

void RunBacktest(const BacktestArgs& args, const Context& ctx) {
  const CsvTable table = LoadData(args.series.file, args.series.data, ctx);
  const std::vector<double> returns = ReadReturns(table, args.series, args.series.columns.at(0));
  const risk::VarSpec spec =
      MakeSpec(args.method, args.level, args.es_level, args.quantile, args.lambda, args.dof, args.model, args.dist);
  const risk::RollingVarEs rolling = risk::RollingVarEsSeries(
      returns, spec, {.window = args.window, .refit_every = args.refit_every, .last_days = args.days}, ctx);
  risk::BacktestOptions options;
  options.run_es_test = args.simulations > 0;
  options.es_test.simulations = args.simulations;
  const risk::BacktestReport report = risk::BacktestRolling(returns, spec, rolling, options, ctx);
  const risk::ChristoffersenResult& ch = report.christoffersen;

  std::string text = fmt::format("Backtest of {} on {}\n", risk::DescribeVarSpec(spec), DescribeSeries(args.series));
  text +=
      fmt::format("rolling window of {} returns{}; {} forecast days (returns {}..{} of {}, 0-based)\n\n", args.window,
                  spec.method == risk::VarMethod::kFilteredHistorical && args.refit_every > 1
                      ? fmt::format(", GARCH refitted every {} days", args.refit_every)
                      : "",
                  report.days, rolling.first_day, rolling.first_day + report.days - 1, returns.size());
  text += fmt::format("VaR {}: {} exceptions, {:.2f} expected ({:.3f}% of days against {:.3f}%)\n",
                      Percent(report.var_level), report.exception_count, report.expected_exceptions,
                      100.0 * static_cast<double>(report.exception_count) / static_cast<double>(report.days),
                      100 * (1 - report.var_level));
  text += fmt::format("  {:<30} LR {:>9.4f}   p {:.4g}\n", "Kupiec proportion of failures", report.kupiec.statistic,
                      report.kupiec.p_value);
  text += fmt::format("  {:<30} LR {:>9.4f}   p {:.4g}   (n00 {}, n01 {}, n10 {}, n11 {})\n",
                      "Christoffersen independence", ch.independence.statistic, ch.independence.p_value, ch.counts.n00,
                      ch.counts.n01, ch.counts.n10, ch.counts.n11);
  text += fmt::format("  {:<30} LR {:>9.4f}   p {:.4g}\n", "Christoffersen cond. coverage",
                      ch.conditional_coverage.statistic, ch.conditional_coverage.p_value);
  json out{{"file", args.series.file},
           {"column", args.series.columns.at(0)},
           {"prices", args.series.prices},
           {"method", args.method},
           {"description", risk::DescribeVarSpec(spec)},
           {"window", args.window},
           {"refit_every", args.refit_every},
           {"first_day", rolling.first_day},
           {"days", report.days},
           {"var_level", report.var_level},
           {"es_level", report.es_level},
           {"exceptions", report.exception_count},
           {"expected_exceptions", report.expected_exceptions},
           {"kupiec", TestJson(report.kupiec)},
           {"christoffersen", json{{"n00", ch.counts.n00},
                                   {"n01", ch.counts.n01},
                                   {"n10", ch.counts.n10},
                                   {"n11", ch.counts.n11},
                                   {"pi01", ch.pi01},
                                   {"pi11", ch.pi11},
                                   {"pi", ch.pi},
                                   {"independence", TestJson(ch.independence)},
                                   {"conditional_coverage", TestJson(ch.conditional_coverage)}}}};
  if (report.traffic_light) {
    const risk::TrafficLight& light = *report.traffic_light;
    text += fmt::format("  Basel traffic light, last {} days: {} exceptions, {} (P(X <= {}) = {:.2f}%{})\n",
                        light.observations, light.exceptions, risk::TrafficLightZoneName(light.zone), light.exceptions,
                        100 * light.cumulative_probability,
                        light.plus_factor ? fmt::format(", plus factor {:.2f}", *light.plus_factor)
                                          : ", no plus factor outside 250 days at 99%");
    out["traffic_light"] = json{{"days", light.observations},
                                {"exceptions", light.exceptions},
                                {"zone", risk::TrafficLightZoneName(light.zone)},
                                {"cumulative_probability", light.cumulative_probability},
                                {"plus_factor", light.plus_factor ? json(*light.plus_factor) : json(nullptr)}};
  } else {
    text += fmt::format("  Basel traffic light: needs 250 forecast days, {} given\n", report.days);
    out["traffic_light"] = nullptr;
  }
  if (report.es_test) {
    const risk::AcerbiSzekelyResult& as = *report.es_test;
    text += fmt::format("\nES {} (Acerbi-Szekely; p-values from {} paths simulated under the model, seed {}):\n",
                        Percent(report.es_level), as.simulations, ctx.seed());
    text += fmt::format("  {:<30} {:>12.4f}   p {}   ({} breaches of VaR {})\n", "Z1 (conditional)", as.z1,
                        SimulatedP(as.z1_p_value, as.z1_simulations_used), as.breaches, Percent(report.es_level));
    text += fmt::format("  {:<30} {:>12.4f}   p {}\n", "Z2 (unconditional)", as.z2,
                        SimulatedP(as.z2_p_value, as.simulations));
    text += "  (negative Z: risk underestimated; reject at 5% when p < 0.05)\n";
    out["acerbi_szekely"] = json{{"z1", Number(as.z1)},
                                 {"z1_p_value", as.z1_p_value},
                                 {"z2", as.z2},
                                 {"z2_p_value", as.z2_p_value},
                                 {"breaches", as.breaches},
                                 {"simulations", as.simulations},
                                 {"z1_simulations_used", as.z1_simulations_used},
                                 {"seed", ctx.seed()}};
  } else {
    out["acerbi_szekely"] = nullptr;
  }
  if (args.series_out) {
    out["series"] = json{{"realized", rolling.realized},
                         {"var", rolling.Var()},
                         {"es", rolling.Es()},
                         {"var_at_es_level", rolling.VarAtEsLevel()},
                         {"exception", report.exceptions}};
  }
  Print(args.json ? out.dump(2) + "\n" : text);
  PrintLoadReport(table.report);
}

// The method options both verbs share.
template <typename Args>
void AddMethodOptions(CLI::App& cmd, Args& args, bool monte_carlo) {
  cmd.add_option("--method", args.method,
                 monte_carlo ? "hs, age-weighted, fhs (filtered HS on GARCH), normal, t, or mc (Monte Carlo)"
                             : "hs, age-weighted, fhs (filtered HS on GARCH), normal or t")
      ->check(monte_carlo ? CLI::IsMember({"hs", "age-weighted", "fhs", "normal", "t", "mc"})
                          : CLI::IsMember({"hs", "age-weighted", "fhs", "normal", "t"}));
  cmd.add_option("--level", args.level, "VaR confidence level (default 0.99)");
  cmd.add_option("--es-level", args.es_level, "ES confidence level (default 0.975, as in FRTB)");
  cmd.add_option("--quantile", args.quantile, "Empirical quantile: type1 (R type 1, default) or type7 (R type 7)")
      ->check(CLI::IsMember({"type1", "type7"}));
  cmd.add_option("--lambda", args.lambda, "age-weighted: decay per period (default 0.98)");
  cmd.add_option("--dof", args.dof,
                 monte_carlo ? "t: degrees of freedom (0 = fit by ML); mc with --dist t: default 5"
                             : "t: degrees of freedom (0 = fit by maximum likelihood)");
  cmd.add_option("--model", args.model, "fhs: garch or gjr")->check(CLI::IsMember({"garch", "gjr"}));
  cmd.add_option("--dist", args.dist,
                 monte_carlo ? "fhs: GARCH innovations; mc: joint distribution (normal or t)"
                             : "fhs: GARCH innovations, normal or t")
      ->check(CLI::IsMember({"normal", "t"}));
  cmd.add_flag("--json", args.json, "Print JSON");
}

}  // namespace

void RegisterRiskVar(CLI::App& risk, GlobalOptions& global) {
  auto args = std::make_shared<VarArgs>();
  auto* cmd = risk.add_subcommand("var",
                                  "Value at risk and expected shortfall of a return series or a portfolio of "
                                  "columns (losses are negative returns; figures are positive losses)");
  AddSeriesOptions(*cmd, args->series, true);
  cmd->add_option("--weights", args->weights, "Portfolio weights, one per --column (default equal)");
  AddMethodOptions(*cmd, *args, true);
  cmd->add_option("--window", args->window, "Use only the last N returns (default all)");
  cmd->add_option("--simulations", args->simulations, "mc: number of simulations (default 100000)");
  cmd->callback([args, cmd, &global] {
    CheckMethodOptions(*cmd, args->method);
    RequireApplies(*cmd, "--simulations", args->method, {"mc"});
    if (args->method == "mc" && args->dist != "t" && cmd->count("--dof") > 0) {
      throw InvalidArgument("--dof does not apply to --method mc with --dist normal",
                            {.field = "--dof", .expected = "--dist t"});
    }
    RunVar(*args, MakeContext(global));
  });
}

void RegisterRiskBacktest(CLI::App& risk, GlobalOptions& global) {
  auto args = std::make_shared<BacktestArgs>();
  auto* cmd = risk.add_subcommand("backtest",
                                  "Rolling VaR / ES over a history, backtested: exceptions, Kupiec, "
                                  "Christoffersen, Basel traffic light, Acerbi-Szekely ES tests");
  AddSeriesOptions(*cmd, args->series, false);
  AddMethodOptions(*cmd, *args, false);
  cmd->add_option("--window", args->window, "Returns in each estimation window (default 1000)");
  cmd->add_option("--days", args->days, "Backtest only the last N days (default every day after the first window)");
  cmd->add_option("--refit-every", args->refit_every, "fhs: refit the GARCH model every k days (default 1)");
  cmd->add_option("--simulations", args->simulations,
                  "Paths simulated under the model for the ES tests' p-values (default 10000; 0 skips the ES tests)");
  cmd->add_flag("--series", args->series_out, "With --json: include the daily realised return, VaR, ES, exception");
  cmd->callback([args, cmd, &global] {
    CheckMethodOptions(*cmd, args->method);
    RequireApplies(*cmd, "--refit-every", args->method, {"fhs"});
    RunBacktest(*args, MakeContext(global));
  });
}

}  // namespace finai::cli
