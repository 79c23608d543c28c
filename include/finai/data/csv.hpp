// CSV reading (RFC 4180): quoted fields with doubled quotes and line breaks, CRLF or LF line ends, a UTF-8
// byte-order mark, delimiter detection, configurable NA tokens, parallel parsing and block-wise reading of
// files larger than memory. Column types are inferred from the first rows unless a schema file sets them.
//
// A bad row is never dropped silently. By default the first bad row fails the load with
// file:line:column, the column name, the value and what was expected; with OnError::kSkip bad rows are
// counted and left out, with OnError::kQuarantine they are also written, with the reason, to a side file.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "finai/core/context.hpp"
#include "finai/data/frame.hpp"
#include "finai/data/schema.hpp"

namespace finai {

enum class OnError { kFail, kSkip, kQuarantine };
OnError ParseOnError(std::string_view name);  // "fail", "skip", "quarantine"

std::vector<std::string> DefaultNaValues();  // "", NA, N/A, n/a, NaN, nan, null, NULL, None, #N/A, -nan

struct CsvOptions {
  std::optional<char> delimiter;                 // detected from the first lines when absent
  std::vector<std::string> na_values = DefaultNaValues();
  bool has_header = true;                        // without one, columns are named column_1, column_2, ...
  std::int64_t infer_rows = 20000;               // rows read to infer column types
  std::int64_t max_categories = 1000;            // more distinct text values than this: a string column
  std::size_t max_field_bytes = 1 << 20;         // a longer field is an error (usually a missing quote)
  std::size_t block_bytes = 16 << 20;            // bytes parsed per block; bounds the memory of one chunk
  OnError on_error = OnError::kFail;
  std::string quarantine_path;                   // default: <file>.rejected.csv
  std::optional<SchemaOverride> schema;          // types, roles, descriptions set by a schema file
  std::string schema_source;                     // the schema file's name, for messages

  // Validates the options; InvalidArgument naming the option otherwise.
  void Validate() const;
  // A fingerprint of every option that changes what is read (for the dataset cache).
  std::uint64_t Fingerprint() const;
};

struct RejectedRow {
  std::int64_t line = 0;  // physical line where the row starts
  std::string reason;     // the full error message
};

struct CsvReport {
  std::string source;
  char delimiter = ',';
  std::int64_t rows = 0;           // rows kept
  std::int64_t rows_rejected = 0;  // rows left out (skip / quarantine)
  std::int64_t blank_lines = 0;    // empty lines, which carry no row and are skipped
  std::uint64_t bytes = 0;
  std::vector<RejectedRow> first_rejections;  // the first few, for the report
  std::string quarantine_path;               // where rejected rows were written, if anywhere
  std::vector<std::string> notes;            // inference remarks ("column x: 3% of values are not numbers")
  bool from_cache = false;                    // loaded from the dataset cache, not parsed
};

struct CsvTable {
  Frame frame;
  Schema schema;
  CsvReport report;
};

class CsvSource;  // the bytes being read: a file or a buffer

// Reads a CSV front to back, one chunk (about block_bytes of text) at a time.
class CsvReader {
 public:
  static CsvReader OpenFile(const std::string& path, CsvOptions options, const Context& ctx);
  static CsvReader OpenBuffer(std::string bytes, std::string name, CsvOptions options, const Context& ctx);
  ~CsvReader();
  CsvReader(CsvReader&&) noexcept;
  CsvReader& operator=(CsvReader&&) noexcept;

  const Schema& schema() const;
  // The next chunk of rows, or nullopt at the end. Categorical codes are consistent across chunks: each
  // chunk's dictionary extends the previous one's.
  std::optional<Frame> NextChunk();
  const CsvReport& report() const;
  // Reads every remaining row into one frame (the reader is spent afterwards).
  CsvTable ReadAll();

 private:
  struct State;
  explicit CsvReader(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// Reads a whole file into one Frame.
CsvTable ReadCsv(const std::string& path, const CsvOptions& options, const Context& ctx);
CsvTable ReadCsvBuffer(std::string bytes, std::string name, const CsvOptions& options, const Context& ctx);

}  // namespace finai
