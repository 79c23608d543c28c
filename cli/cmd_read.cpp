// `finai read FILE`: load a data file and show what was read (columns, types, missing values, rejected
// rows); optionally write the inferred schema as a starting point for a schema file.
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "finai/core/file.hpp"

namespace finai::cli {

namespace {
struct ReadArgs {
  std::string file;
  DataOptions data;
  bool json = false;
  std::string write_schema;
};

void RunRead(const ReadArgs& args, const GlobalOptions& global) {
  const Context ctx = MakeContext(global);
  const auto start = std::chrono::steady_clock::now();
  CsvTable table = LoadData(args.file, args.data, ctx);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!args.write_schema.empty()) WriteFileAtomically(args.write_schema, SchemaToJson(table.schema) + "\n");
  const Frame& f = table.frame;
  if (args.json) {
    nlohmann::ordered_json out{{"file", args.file},
                               {"rows", f.num_rows()},
                               {"columns", f.num_columns()},
                               {"rows_rejected", table.report.rows_rejected},
                               {"blank_lines", table.report.blank_lines},
                               {"delimiter", std::string(1, table.report.delimiter)},
                               {"from_cache", table.report.from_cache},
                               {"seconds", seconds}};
    nlohmann::ordered_json cols = nlohmann::json::array();
    for (const auto& c : f.columns()) {
      cols.push_back({{"name", c.name()}, {"type", ColumnTypeName(c.type())}, {"missing", c.CountMissing()}});
    }
    out["schema"] = std::move(cols);
    if (!table.report.quarantine_path.empty()) out["quarantine_file"] = table.report.quarantine_path;
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    const std::string how = table.report.from_cache ? std::string("from the dataset cache")
                            : table.report.delimiter == '\t'
                                ? std::string("delimiter '\\t'")
                                : fmt::format("delimiter '{}'", table.report.delimiter);
    std::printf("%s: %lld rows x %lld columns in %.3f s (%s)\n", args.file.c_str(), static_cast<long long>(f.num_rows()),
                static_cast<long long>(f.num_columns()), seconds, how.c_str());
    std::printf("%-28s %-12s %10s\n", "column", "type", "missing");
    for (const auto& c : f.columns()) {
      std::printf("%-28s %-12s %10lld\n", c.name().c_str(), std::string(ColumnTypeName(c.type())).c_str(),
                  static_cast<long long>(c.CountMissing()));
    }
  }
  PrintLoadReport(table.report);
}
}  // namespace

void RegisterRead(CLI::App& app, GlobalOptions& global) {
  auto args = std::make_shared<ReadArgs>();
  auto* cmd = app.add_subcommand("read", "Load a CSV file and show its columns, types and rejected rows");
  cmd->add_option("file", args->file, "CSV file")->required();
  AddDataOptions(*cmd, args->data);
  cmd->add_flag("--json", args->json, "Print JSON");
  cmd->add_option("--write-schema", args->write_schema, "Write the inferred schema to this file (JSON)");
  cmd->callback([args, &global] { RunRead(*args, global); });
}

}  // namespace finai::cli
