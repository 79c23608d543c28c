// `finai risk garch FILE --column C`: fit a GARCH(1,1) or GJR-GARCH(1,1) volatility model to a return series
// (or to the returns of a price series) and print the estimates, the fit statistics and the volatility
// forecast.
#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commands.hpp"
#include "finai/core/error.hpp"
#include "finai/risk/garch.hpp"
#include "finai/risk/returns.hpp"

namespace finai::cli {

namespace {

struct GarchArgs {
  std::string file;
  std::string column;
  std::string returns_from_prices;  // empty: the column holds returns
  std::string scale = "percent";
  std::string model = "garch";
  std::string dist = "normal";
  bool zero_mean = false;
  bool json = false;
  DataOptions data;
};

// The column's values as returns, in time order. A missing value is an error naming the data row: a gap in a
// return series cannot be skipped without changing the model's time structure.
std::vector<double> ReadSeries(const CsvTable& table, const GarchArgs& args) {
  const Column& column = table.frame.column(args.column);
  if (!column.is_numeric()) {
    throw InvalidData(fmt::format("the column is {}, not numeric", ColumnTypeName(column.type())),
                      {.file = args.file, .field = args.column, .expected = "a numeric column of returns or prices"});
  }
  const std::vector<double> values = column.ToFloat64();
  const bool prices = !args.returns_from_prices.empty();
  for (std::size_t i = 0; i < values.size(); ++i) {
    // Checked here rather than left to FitGarch / ReturnsFromPrices so that the message names the file's row.
    if (!std::isfinite(values[i]) || (prices && !(values[i] > 0))) {
      throw InvalidData(fmt::format("data row {} (1-based, after the header) is {}", i + 1,
                                    std::isfinite(values[i]) ? "not a positive price" : "missing or not finite"),
                        {.file = args.file,
                         .field = args.column,
                         .value = column.ValueText(static_cast<std::int64_t>(i)),
                         .expected = prices ? "a price > 0 in every row (fill or drop gaps before fitting)"
                                            : "a finite return in every row (fill or drop gaps before fitting)"});
    }
  }
  if (!prices) return values;
  const risk::ReturnKind kind = risk::ParseReturnKind(args.returns_from_prices);
  const risk::ReturnScale scale = args.scale == "fraction" ? risk::ReturnScale::kFraction : risk::ReturnScale::kPercent;
  return risk::ReturnsFromPrices(values, kind, scale);
}

double HalfLife(double persistence) {
  return persistence > 0 && persistence < 1 ? std::log(0.5) / std::log(persistence)
                                            : std::numeric_limits<double>::infinity();
}

std::string FormatFit(const risk::GarchFit& fit, const GarchArgs& args) {
  std::string out = fmt::format("{}\nseries: {} column '{}'{}, {} observations\n\n", risk::DescribeSpec(fit.spec),
                                args.file, args.column,
                                args.returns_from_prices.empty()
                                    ? ""
                                    : fmt::format(" ({} returns of prices, {})", args.returns_from_prices, args.scale),
                                fit.n);
  out += fmt::format("{:<10} {:>14} {:>14} {:>10}\n", "parameter", "estimate", "std error", "t value");
  for (std::size_t i = 0; i < fit.estimates.size(); ++i) {
    out += fmt::format("{:<10} {:>14.6g} {:>14.6g} {:>10.3f}\n", fit.param_names[i], fit.estimates[i],
                       fit.std_errors[i], fit.estimates[i] / fit.std_errors[i]);
  }
  const double next_variance = risk::NextVariance(fit);
  out += fmt::format("\nlog-likelihood            {:.6f}\n", fit.log_likelihood);
  out += fmt::format("AIC / BIC                 {:.4f} / {:.4f}\n", fit.aic, fit.bic);
  out += fmt::format("persistence               {:.6f}\n", fit.persistence);
  out += fmt::format("half-life of a shock      {:.2f} periods\n", HalfLife(fit.persistence));
  out += fmt::format("unconditional volatility  {:.6g} per period ({:.6g} x sqrt(252))\n",
                     std::sqrt(fit.unconditional_variance), std::sqrt(252 * fit.unconditional_variance));
  out += fmt::format("next-period volatility    {:.6g} (variance {:.6g})\n", std::sqrt(next_variance), next_variance);
  out += fmt::format("optimiser                 {}\n", fit.optimizer_status);
  return out;
}

std::string FitToJson(const risk::GarchFit& fit, const GarchArgs& args) {
  // JSON has no NaN or infinity: a standard error that could not be computed is written as null.
  auto number = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
  nlohmann::ordered_json params = nlohmann::json::array();
  for (std::size_t i = 0; i < fit.estimates.size(); ++i) {
    params.push_back({{"name", fit.param_names[i]},
                      {"estimate", fit.estimates[i]},
                      {"std_error", number(fit.std_errors[i])},
                      {"t_value", number(fit.estimates[i] / fit.std_errors[i])}});
  }
  const double next_variance = risk::NextVariance(fit);
  nlohmann::ordered_json out{
      {"file", args.file},
      {"column", args.column},
      {"returns_from_prices", args.returns_from_prices.empty() ? nlohmann::json(nullptr)
                                                               : nlohmann::json(args.returns_from_prices)},
      {"scale", args.returns_from_prices.empty() ? nlohmann::json(nullptr) : nlohmann::json(args.scale)},
      {"model", args.model},
      {"dist", args.dist},
      {"include_mean", fit.spec.include_mean},
      {"n", fit.n},
      {"params", params},
      {"log_likelihood", fit.log_likelihood},
      {"aic", fit.aic},
      {"bic", fit.bic},
      {"persistence", fit.persistence},
      {"half_life", number(HalfLife(fit.persistence))},
      {"unconditional_variance", fit.unconditional_variance},
      {"unconditional_volatility", std::sqrt(fit.unconditional_variance)},
      {"next_variance", next_variance},
      {"next_volatility", std::sqrt(next_variance)},
      {"optimizer_status", fit.optimizer_status}};
  return out.dump(2);
}

}  // namespace

void RegisterRiskGarch(CLI::App& risk, GlobalOptions& global) {
  auto args = std::make_shared<GarchArgs>();
  auto* cmd = risk.add_subcommand("garch", "Fit a GARCH(1,1) or GJR-GARCH(1,1) volatility model by maximum likelihood "
                                           "and forecast the next period's volatility");
  cmd->add_option("file", args->file, "CSV file with one row per period, oldest first")->required();
  cmd->add_option("--column", args->column, "Column of returns (or of prices, with --returns-from-prices)")
      ->required();
  auto* from_prices = cmd->add_option("--returns-from-prices", args->returns_from_prices,
                                      "The column holds prices: fit their simple or log returns")
                           ->check(CLI::IsMember({"simple", "log"}));
  // --scale only applies to returns computed here; given alone it would silently do nothing, so it needs the other.
  cmd->add_option("--scale", args->scale, "Unit of the returns computed from prices (default percent, the usual "
                                          "unit for GARCH estimates)")
      ->check(CLI::IsMember({"percent", "fraction"}))
      ->needs(from_prices);
  cmd->add_option("--model", args->model, "garch (symmetric) or gjr (leverage: negative returns raise volatility more)")
      ->check(CLI::IsMember({"garch", "gjr"}));
  cmd->add_option("--dist", args->dist, "Innovation distribution: normal or t (Student t, unit variance, dof "
                                        "estimated)")
      ->check(CLI::IsMember({"normal", "t"}));
  cmd->add_flag("--zero-mean", args->zero_mean, "Fix the mean return at 0 instead of estimating it");
  cmd->add_flag("--json", args->json, "Print JSON");
  AddDataOptions(*cmd, args->data);
  cmd->callback([args, &global] {
    const Context ctx = MakeContext(global);
    const CsvTable table = LoadData(args->file, args->data, ctx);
    const std::vector<double> returns = ReadSeries(table, *args);
    const risk::GarchSpec spec{risk::ParseGarchKind(args->model), risk::ParseInnovation(args->dist), !args->zero_mean};
    const risk::GarchFit fit = risk::FitGarch(returns, spec, ctx);
    const std::string text = args->json ? FitToJson(fit, *args) + "\n" : FormatFit(fit, *args);
    std::fwrite(text.data(), 1, text.size(), stdout);
    PrintLoadReport(table.report);
  });
}

}  // namespace finai::cli
