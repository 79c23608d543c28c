// `finai risk oprisk FILE --loss-column C`: operational risk by the loss-distribution approach. Fits frequency
// (Poisson, negative binomial on counts per year or month) and severity (lognormal, Weibull, gamma, GPD tail)
// laws with goodness of fit, simulates the annual loss, and prints OpVaR and ES with confidence intervals, the
// single-loss approximation and a Panjer-recursion check; with --cell-column, the risk cells joined by a copula.
#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "commands.hpp"
#include "finai/core/error.hpp"
#include "finai/data/schema.hpp"
#include "finai/risk/lda.hpp"

namespace finai::cli {

namespace {

struct OpriskArgs {
  std::string file;
  std::string loss_column;
  std::string date_column;
  std::string cell_column;
  std::string period = "year";
  std::string frequency = "poisson";
  std::string severity = "lognormal";
  std::string body = "empirical";
  std::string copula = "gaussian";
  double threshold = std::nan("");
  std::int64_t years = 1'000'000;
  double level = 0.999;
  double confidence = 0.95;
  int bootstrap = 199;
  double panjer_step = 0;
  bool no_panjer = false;
  double rho = 0;
  double df = 4;
  bool json = false;
  DataOptions data;
};

// The loss column as positive numbers; a bad row is reported with the file, column and data row.
std::vector<double> ReadLosses(const CsvTable& table, const OpriskArgs& args) {
  const Column& column = table.frame.column(args.loss_column);
  if (!column.is_numeric()) {
    throw InvalidData(fmt::format("the column is {}, not numeric", ColumnTypeName(column.type())),
                      {.file = args.file, .field = args.loss_column, .expected = "a numeric column of losses"});
  }
  std::vector<double> losses = column.ToFloat64();
  for (std::size_t i = 0; i < losses.size(); ++i) {
    if (!(losses[i] > 0) || !std::isfinite(losses[i])) {
      throw InvalidData(fmt::format("data row {} (1-based, after the header) is {}", i + 1,
                                    std::isfinite(losses[i]) ? "not a positive loss" : "missing or not finite"),
                        {.file = args.file,
                         .field = args.loss_column,
                         .value = column.ValueText(static_cast<std::int64_t>(i)),
                         .expected = "a loss > 0 in every row"});
    }
  }
  return losses;
}

// The date column: the one named, else the schema's time column, else the only datetime column.
const Column& DateColumn(const CsvTable& table, const OpriskArgs& args) {
  std::string name = args.date_column;
  if (name.empty()) name = table.schema.SingleWithRole(Role::kTime).value_or("");
  if (name.empty()) {
    std::vector<std::string> dates;
    for (const Column& c : table.frame.columns()) {
      if (c.type() == ColumnType::kDateTime) dates.push_back(c.name());
    }
    if (dates.size() != 1) {
      throw InvalidArgument(
          fmt::format("{} has {} date columns: name the loss dates with --date-column", args.file, dates.size()),
          {.expected = "--date-column NAME (counts per period need a date for each loss)"});
    }
    name = dates.front();
  }
  const Column& column = table.frame.column(name);
  if (column.type() != ColumnType::kDateTime) {
    throw InvalidData(fmt::format("the column is {}, not dates", ColumnTypeName(column.type())),
                      {.file = args.file, .field = name, .expected = "dates such as 1980-01-03"});
  }
  for (std::int64_t i = 0; i < column.size(); ++i) {
    if (column.IsMissing(i)) {
      throw InvalidData(fmt::format("data row {} (1-based, after the header) has no date", i + 1),
                        {.file = args.file, .field = name, .expected = "a date for every loss"});
    }
  }
  return column;
}

std::vector<std::string> ReadCells(const CsvTable& table, const OpriskArgs& args) {
  const Column& column = table.frame.column(args.cell_column);
  std::vector<std::string> cells(static_cast<std::size_t>(column.size()));
  for (std::int64_t i = 0; i < column.size(); ++i) {
    if (column.IsMissing(i)) {
      throw InvalidData(fmt::format("data row {} (1-based, after the header) has no risk cell", i + 1),
                        {.file = args.file, .field = args.cell_column, .expected = "a cell label for every loss"});
    }
    cells[static_cast<std::size_t>(i)] = column.ValueText(i);
  }
  return cells;
}

risk::lda::LdaOptions MakeOptions(const OpriskArgs& args) {
  risk::lda::LdaOptions o;
  o.period = risk::lda::ParsePeriod(args.period);
  o.frequency = risk::lda::ParseFrequencyFamily(args.frequency);
  o.severity = risk::lda::ParseSeverityFamily(args.severity);
  o.body = risk::lda::ParseBodyKind(args.body);
  if (!std::isnan(args.threshold)) o.threshold = args.threshold;
  o.years = args.years;
  o.measures.level = args.level;
  o.measures.confidence = args.confidence;
  o.bootstrap_replicates = args.bootstrap;
  o.panjer = !args.no_panjer;
  o.panjer_options.step = args.panjer_step;
  o.copula = risk::lda::ParseCopulaFamily(args.copula);
  o.rho = args.rho;
  o.degrees_of_freedom = args.df;
  o.Validate();
  return o;
}

}  // namespace

void RegisterRiskOprisk(CLI::App& risk, GlobalOptions& global) {
  auto args = std::make_shared<OpriskArgs>();
  auto* cmd = risk.add_subcommand("oprisk",
                                  "Operational risk, loss-distribution approach: frequency and severity "
                                  "fits, OpVaR and ES by Monte Carlo, Panjer check, single-loss approximation");
  cmd->add_option("file", args->file, "CSV file of individual losses")->required();
  cmd->add_option("--loss-column", args->loss_column, "Column of loss amounts (> 0)")->required();
  cmd->add_option("--date-column", args->date_column, "Column of loss dates (default: the only date column)");
  cmd->add_option("--period", args->period, "Count losses per year or month (the annual law is derived)")
      ->check(CLI::IsMember({"year", "month"}));
  cmd->add_option("--frequency", args->frequency, "Frequency law of the aggregate: poisson or negbin")
      ->check(CLI::IsMember({"poisson", "negbin"}));
  cmd->add_option("--severity", args->severity, "Severity law of the aggregate")
      ->check(CLI::IsMember({"lognormal", "weibull", "gamma", "spliced-gpd"}));
  cmd->add_option("--threshold", args->threshold, "GPD threshold (default: the empirical 90% quantile)");
  cmd->add_option("--body", args->body, "Body below the threshold for spliced-gpd: empirical or lognormal")
      ->check(CLI::IsMember({"empirical", "lognormal"}));
  cmd->add_option("--years", args->years, "Simulated years (default 1000000)");
  cmd->add_option("--level", args->level, "OpVaR / ES level (default 0.999)");
  cmd->add_option("--confidence", args->confidence, "Level of the confidence intervals (default 0.95)");
  cmd->add_option("--bootstrap", args->bootstrap, "Parametric-bootstrap replicates for GOF p-values (0: none)");
  cmd->add_option("--panjer-step", args->panjer_step, "Grid step of the Panjer check (default: automatic)");
  cmd->add_flag("--no-panjer", args->no_panjer, "Skip the Panjer-recursion check");
  cmd->add_option("--cell-column", args->cell_column, "Column of risk cells: aggregate the cells with a copula");
  cmd->add_option("--copula", args->copula, "Copula joining the cells: gaussian or t")
      ->check(CLI::IsMember({"gaussian", "t"}));
  cmd->add_option("--rho", args->rho, "Correlation between every pair of cells (default 0)");
  cmd->add_option("--df", args->df, "Degrees of freedom of the t copula (default 4)");
  cmd->add_flag("--json", args->json, "Print JSON");
  AddDataOptions(*cmd, args->data);
  cmd->callback([args, &global] {
    const Context ctx = MakeContext(global);
    const risk::lda::LdaOptions options = MakeOptions(*args);
    const CsvTable table = LoadData(args->file, args->data, ctx);
    risk::lda::LdaInput input;
    input.source = args->file;
    input.losses = ReadLosses(table, *args);
    const auto dates = DateColumn(table, *args).datetime();
    input.dates.assign(dates.begin(), dates.end());
    if (!args->cell_column.empty()) input.cells = ReadCells(table, *args);
    const risk::lda::LdaReport report = risk::lda::AnalyzeLda(input, options, ctx);
    const std::string text = args->json ? risk::lda::LdaReportToJson(report) : risk::lda::FormatLdaReport(report);
    std::fwrite(text.data(), 1, text.size(), stdout);
    if (args->json) std::fputc('\n', stdout);
    PrintLoadReport(table.report);
  });
}

}  // namespace finai::cli
