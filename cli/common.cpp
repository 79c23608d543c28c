#include <fmt/format.h>

#include <cstdio>

#include "commands.hpp"
#include "finai/core/error.hpp"
#include "finai/data/dataset_cache.hpp"
#include "progress_bar.hpp"

namespace finai::cli {

void AddGlobalOptions(CLI::App& app, GlobalOptions& options) {
  app.fallthrough();  // global options may also follow the verb
  app.add_option("--threads", options.threads, "Threads to use (0 = all cores); results never depend on it")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--seed", options.seed, "Seed of every random choice (splits, sampling)");
  app.add_option("--log-level", options.log_level, "debug, info, warning, error or silent")
      ->check(CLI::IsMember({"debug", "info", "warning", "error", "silent"}));
  app.add_flag("--no-progress", options.no_progress, "Never draw progress bars");
}

Context MakeContext(const GlobalOptions& options) {
  Context ctx;
  ctx.set_threads(options.threads).set_seed(options.seed).set_log_level(ParseLogLevel(options.log_level));
  if (!options.no_progress && StderrIsTerminal()) ctx.set_progress_sink(std::make_shared<TerminalProgressBar>());
  return ctx;
}

void AddDataOptions(CLI::App& command, DataOptions& options) {
  command.add_option("--schema", options.schema_file, "Schema file (JSON) overriding inferred types and roles");
  command.add_option("--delimiter", options.delimiter, "Field delimiter (detected when absent)");
  command.add_option("--na", options.na_values, "Tokens that mean missing (replaces the defaults)");
  command.add_option("--on-error", options.on_error, "What to do with a bad row: fail, skip or quarantine")
      ->check(CLI::IsMember({"fail", "skip", "quarantine"}));
  command.add_option("--quarantine-file", options.quarantine_file,
                     "Where --on-error=quarantine writes rejected rows (default FILE.rejected.csv)");
  command.add_option("--max-field-bytes", options.max_field_bytes, "Longest field accepted");
  command.add_option("--infer-rows", options.infer_rows, "Rows read to infer column types");
  command.add_flag("--no-cache", options.no_cache, "Always parse the CSV (ignore the dataset cache)");
  command.add_option("--block-bytes", options.block_bytes, "Bytes of CSV parsed per block (memory of one chunk)")
      ->group("");  // for tests and tuning; hidden from --help
}

CsvTable LoadData(const std::string& path, const DataOptions& options, const Context& ctx) {
  return ReadWithCache(path, MakeCsvOptions(options), options.no_cache, ctx);
}

CsvOptions MakeCsvOptions(const DataOptions& options) {
  CsvOptions csv;
  if (!options.delimiter.empty()) {
    std::string d = options.delimiter == "\\t" || options.delimiter == "tab" ? "\t" : options.delimiter;
    if (d.size() != 1) {
      throw InvalidArgument("a delimiter is one character", {.field = "--delimiter", .field_kind = "option", .value = options.delimiter,
                                                              .expected = "one character, or 'tab'"});
    }
    csv.delimiter = d[0];
  }
  if (!options.na_values.empty()) csv.na_values = options.na_values;
  csv.on_error = ParseOnError(options.on_error);
  csv.quarantine_path = options.quarantine_file;
  csv.max_field_bytes = options.max_field_bytes;
  csv.infer_rows = options.infer_rows;
  if (!options.schema_file.empty()) {
    csv.schema = LoadSchemaOverride(options.schema_file);
    csv.schema_source = options.schema_file;
  }
  csv.block_bytes = options.block_bytes;
  return csv;
}

CsvTable ReadWithCache(const std::string& path, const CsvOptions& csv, bool no_cache, const Context& ctx) {
  // Only clean loads are cached: with skip or quarantine every run must report (and write) its rejected rows.
  std::optional<DatasetCache> cache;
  if (!no_cache && csv.on_error == OnError::kFail) {
    try {
      cache.emplace(DefaultCacheDirectory());
    } catch (const NotFound& e) {
      ctx.Log(LogLevel::kInfo, fmt::format("no dataset cache: {}", e.what()));
    }
  }
  if (!cache) return ReadCsv(path, csv, ctx);
  const DatasetKey key = MakeDatasetKey(path, csv.Fingerprint());
  if (auto hit = cache->Lookup(path, key, ctx)) {
    CsvTable table{.frame = std::move(hit->frame), .schema = std::move(hit->schema)};
    table.report.source = path;
    table.report.rows = table.frame.num_rows();
    table.report.bytes = key.source_size;
    table.report.from_cache = true;
    ctx.Log(LogLevel::kInfo, fmt::format("{}: read from the dataset cache {}", path, cache->EntryPath(path, key.options_hash)));
    return table;
  }
  CsvTable table = ReadCsv(path, csv, ctx);
  cache->Store(path, key, table.frame, table.schema, ctx);
  return table;
}

void PrintLoadReport(const CsvReport& report) {
  for (const auto& note : report.notes) std::fprintf(stderr, "finai: note: %s\n", note.c_str());
  if (report.rows_rejected == 0) return;
  std::fprintf(stderr, "finai: warning: %lld rows of %s were rejected and left out%s\n",
               static_cast<long long>(report.rows_rejected), report.source.c_str(),
               report.quarantine_path.empty() ? "" : fmt::format(" (written to {})", report.quarantine_path).c_str());
  for (const auto& r : report.first_rejections) std::fprintf(stderr, "  %s\n", r.reason.c_str());
  if (report.rows_rejected > static_cast<std::int64_t>(report.first_rejections.size())) {
    std::fprintf(stderr, "  ... and %lld more\n",
                 static_cast<long long>(report.rows_rejected - static_cast<std::int64_t>(report.first_rejections.size())));
  }
}

std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace finai::cli
