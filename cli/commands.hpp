// What the verbs of the command line share: global options, loading data, output.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>

#include "finai/core/context.hpp"
#include "finai/data/csv.hpp"

namespace finai::cli {

struct GlobalOptions {
  int threads = 0;  // 0 = all cores
  std::uint64_t seed = 42;
  std::string log_level = "warning";
  bool no_progress = false;
};

void AddGlobalOptions(CLI::App& app, GlobalOptions& options);
// The context for a verb: threads, seed, logging to stderr, a progress bar when stderr is a terminal.
Context MakeContext(const GlobalOptions& options);

// How a verb reads a data file.
struct DataOptions {
  std::string schema_file;
  std::string delimiter;
  std::vector<std::string> na_values;
  std::string on_error = "fail";
  std::string quarantine_file;
  std::size_t max_field_bytes = 1 << 20;
  std::int64_t infer_rows = 20000;
  bool no_cache = false;
  std::size_t block_bytes = 16 << 20;
};
void AddDataOptions(CLI::App& command, DataOptions& options);
CsvTable LoadData(const std::string& path, const DataOptions& options, const Context& ctx);
CsvOptions MakeCsvOptions(const DataOptions& options);
// Reads a CSV through the dataset cache (DefaultCacheDirectory): a repeated read of an unchanged file with the
// same options loads the parsed columns instead of parsing again.
CsvTable ReadWithCache(const std::string& path, const CsvOptions& csv, bool no_cache, const Context& ctx);
// Prints what the load left out, so that no rejected row goes unnoticed.
void PrintLoadReport(const CsvReport& report);
// CSV text of a field: quoted when it holds a comma, a quote or a line break.
std::string CsvField(const std::string& text);

void RegisterVersion(CLI::App& app, GlobalOptions& global);
void RegisterRead(CLI::App& app, GlobalOptions& global);
void RegisterProfile(CLI::App& app, GlobalOptions& global);
void RegisterTrain(CLI::App& app, GlobalOptions& global);
void RegisterRisk(CLI::App& app, GlobalOptions& global);  // the `risk` verb and its sub-verbs below
void RegisterModelVerbs(CLI::App& app, GlobalOptions& global);  // predict, evaluate, importance
void RegisterValidate(CLI::App& app, GlobalOptions& global);    // `finai validate` (cmd_validate.cpp)
void RegisterRiskGarch(CLI::App& risk, GlobalOptions& global);  // `finai risk garch` (risk: the `risk` verb)
void RegisterRiskVar(CLI::App& risk, GlobalOptions& global);       // `finai risk var`
void RegisterRiskBacktest(CLI::App& risk, GlobalOptions& global);  // `finai risk backtest`
void RegisterRiskOprisk(CLI::App& risk, GlobalOptions& global);    // `finai risk oprisk`
void RegisterScorecard(CLI::App& app, GlobalOptions& global);      // `finai scorecard fit|apply|report`
void RegisterScorecardCv(CLI::App& scorecard, GlobalOptions& global);  // `finai scorecard cv`
void RegisterFairness(CLI::App& app, GlobalOptions& global);       // `finai fairness audit|mitigate`
void RegisterExplain(CLI::App& app, GlobalOptions& global);        // `finai explain`
void RegisterImport(CLI::App& app, GlobalOptions& global);         // `finai import --from xgboost|lightgbm`

}  // namespace finai::cli
