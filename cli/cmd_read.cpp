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
  bool stream = false;
  std::string write_schema;
};

// What `read` reports, gathered either from a whole Frame or chunk by chunk.
struct ReadSummary {
  std::int64_t rows = 0;
  std::vector<std::string> names;
  std::vector<std::string> types;
  std::vector<std::int64_t> missing;
  Schema schema;
  CsvReport report;

  void AddRows(const Frame& f) {
    if (names.empty()) {
      for (const auto& c : f.columns()) {
        names.push_back(c.name());
        types.emplace_back(ColumnTypeName(c.type()));
      }
      missing.assign(names.size(), 0);
    }
    for (std::size_t c = 0; c < names.size(); ++c) missing[c] += f.column(static_cast<std::int64_t>(c)).CountMissing();
    rows += f.num_rows();
  }
};

// Sets seconds to the time of the load alone (not the summary), as the benchmark against pandas compares.
ReadSummary ReadWhole(const ReadArgs& args, const Context& ctx, double& seconds) {
  const auto start = std::chrono::steady_clock::now();
  CsvTable table = LoadData(args.file, args.data, ctx);
  seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ReadSummary s;
  s.AddRows(table.frame);
  s.schema = std::move(table.schema);
  s.report = std::move(table.report);
  return s;
}

// One chunk in memory at a time: checks and summarises files larger than memory.
ReadSummary ReadStreaming(const ReadArgs& args, const Context& ctx, double& seconds) {
  const auto start = std::chrono::steady_clock::now();
  CsvReader reader = CsvReader::OpenFile(args.file, MakeCsvOptions(args.data), ctx);
  ReadSummary s;
  while (auto chunk = reader.NextChunk()) s.AddRows(*chunk);
  s.schema = reader.schema();
  s.report = reader.report();
  if (s.names.empty()) {
    for (const auto& f : s.schema.fields()) {
      s.names.push_back(f.name);
      s.types.emplace_back(ColumnTypeName(f.type));
    }
    s.missing.assign(s.names.size(), 0);
  }
  seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return s;
}

void RunRead(const ReadArgs& args, const GlobalOptions& global) {
  const Context ctx = MakeContext(global);
  double seconds = 0;
  const ReadSummary s = args.stream ? ReadStreaming(args, ctx, seconds) : ReadWhole(args, ctx, seconds);
  if (!args.write_schema.empty()) WriteFileAtomically(args.write_schema, SchemaToJson(s.schema) + "\n");
  if (args.json) {
    nlohmann::ordered_json out{{"file", args.file},
                               {"rows", s.rows},
                               {"columns", s.names.size()},
                               {"rows_rejected", s.report.rows_rejected},
                               {"blank_lines", s.report.blank_lines},
                               {"delimiter", std::string(1, s.report.delimiter)},
                               {"from_cache", s.report.from_cache},
                               {"seconds", seconds}};
    nlohmann::ordered_json cols = nlohmann::json::array();
    for (std::size_t c = 0; c < s.names.size(); ++c) {
      cols.push_back({{"name", s.names[c]}, {"type", s.types[c]}, {"missing", s.missing[c]}});
    }
    out["schema"] = std::move(cols);
    if (!s.report.quarantine_path.empty()) out["quarantine_file"] = s.report.quarantine_path;
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    const std::string how = s.report.from_cache        ? std::string("from the dataset cache")
                            : s.report.delimiter == '\t' ? std::string("delimiter '\\t'")
                                                         : fmt::format("delimiter '{}'", s.report.delimiter);
    std::printf("%s: %lld rows x %zu columns in %.3f s (%s)\n", args.file.c_str(), static_cast<long long>(s.rows),
                s.names.size(), seconds, how.c_str());
    std::printf("%-28s %-12s %10s\n", "column", "type", "missing");
    for (std::size_t c = 0; c < s.names.size(); ++c) {
      std::printf("%-28s %-12s %10lld\n", s.names[c].c_str(), s.types[c].c_str(), static_cast<long long>(s.missing[c]));
    }
  }
  PrintLoadReport(s.report);
}
}  // namespace

void RegisterRead(CLI::App& app, GlobalOptions& global) {
  auto args = std::make_shared<ReadArgs>();
  auto* cmd = app.add_subcommand("read", "Load a CSV file and show its columns, types and rejected rows");
  cmd->add_option("file", args->file, "CSV file")->required();
  AddDataOptions(*cmd, args->data);
  cmd->add_flag("--json", args->json, "Print JSON");
  cmd->add_option("--write-schema", args->write_schema, "Write the inferred schema to this file (JSON)");
  cmd->add_flag("--stream", args->stream, "Read one block at a time (files larger than memory; no cache)");
  cmd->callback([args, &global] { RunRead(*args, global); });
}

}  // namespace finai::cli
