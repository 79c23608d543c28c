// libFuzzer target for the CSV reader (src/data/csv_*.cpp). A CSV file comes from anyone, so on any bytes the
// reader must either return a table or throw a finai::Error that is not Internal: never crash, hang, trip a
// sanitizer, or throw anything else (an escaping exception terminates the process, which libFuzzer reports).
//
// The first byte chooses options, the rest is the file. Blocks are as small as the reader allows (1024 bytes),
// so with inputs of a few kB records and quoted fields span block boundaries and the block logic is exercised.
//   bit 0: on_error skip (else fail)     bit 1: no header       bits 2-3: delimiter auto / ',' / ';' / '\t'
//   bit 4: infer_rows 1 (types meet values the sample did not see)   bit 5: max_field_bytes 16
//   bit 6: a schema file making the second column float32 and the third datetime (when the data has them)
//
// Build and run: fuzz/run.sh (cmake --preset fuzz; seeds in fuzz/corpus/csv/).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "finai/core/context.hpp"
#include "finai/core/error.hpp"
#include "finai/data/csv.hpp"
#include "finai/data/schema.hpp"

namespace {

// Whatever loads must be a consistent table.
void CheckTable(const finai::CsvTable& table) {
  const finai::Frame& frame = table.frame;
  if (frame.num_rows() != table.report.rows) std::abort();
  if (frame.num_rows() == 0) std::abort();  // an empty result is an error, never a table
  if (static_cast<std::size_t>(frame.num_columns()) != table.schema.size()) std::abort();
  for (std::int64_t c = 0; c < frame.num_columns(); ++c) {
    const finai::Column& column = frame.column(c);
    if (column.size() != frame.num_rows()) std::abort();
    if (column.type() != table.schema.fields()[static_cast<std::size_t>(c)].type) std::abort();
    if (column.type() == finai::ColumnType::kCategorical) {
      const auto categories = static_cast<std::int32_t>(column.dictionary().size());
      for (std::int32_t code : column.codes()) {
        if (code != finai::kMissingCode && (code < 0 || code >= categories)) std::abort();
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t flags = data[0];
  std::string bytes(reinterpret_cast<const char*>(data + 1), size - 1);

  finai::CsvOptions options;
  options.block_bytes = 1024;
  if (flags & 1) options.on_error = finai::OnError::kSkip;
  if (flags & 2) options.has_header = false;
  constexpr char kDelimiters[] = {0, ',', ';', '\t'};
  if (const char d = kDelimiters[(flags >> 2) & 3]) options.delimiter = d;
  if (flags & 16) options.infer_rows = 1;
  if (flags & 32) options.max_field_bytes = 16;

  finai::Context ctx;
  ctx.set_threads(1);
  ctx.set_log_level(finai::LogLevel::kSilent);
  try {
    if (flags & 64) {
      // Only columns the data has may be named; take the names from a first read.
      const finai::CsvTable probe = finai::ReadCsvBuffer(bytes, "fuzz.csv", options, ctx);
      const auto& fields = probe.schema.fields();
      nlohmann::json columns = nlohmann::json::object();
      if (fields.size() > 1) columns[fields[1].name] = {{"type", "float32"}};
      if (fields.size() > 2) columns[fields[2].name] = {{"type", "datetime"}};
      options.schema = finai::ParseSchemaOverride(nlohmann::json{{"columns", columns}}.dump(), "fuzz.json");
    }
    CheckTable(finai::ReadCsvBuffer(std::move(bytes), "fuzz.csv", options, ctx));
  } catch (const finai::Error& error) {
    if (error.kind() == finai::ErrorKind::kInternal) std::abort();  // a broken invariant is a bug in finai
  }
  return 0;
}
