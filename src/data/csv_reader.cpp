#include <fmt/format.h>

#include <algorithm>
#include <fstream>

#include "csv_columns.hpp"
#include "csv_infer.hpp"
#include "csv_tokenizer.hpp"
#include "finai/core/check.hpp"
#include "finai/core/error.hpp"
#include "finai/core/file.hpp"
#include "finai/core/parallel.hpp"
#include "finai/data/csv.hpp"
#include "core/utf8.hpp"

namespace finai {

// Where the bytes come from.
class CsvSource {
 public:
  virtual ~CsvSource() = default;
  // Appends up to max_bytes; returns the count (0 at the end).
  virtual std::size_t ReadAppend(std::string& out, std::size_t max_bytes) = 0;
  virtual std::uint64_t SizeHint() const = 0;
};

namespace {

class FileSource final : public CsvSource {
 public:
  explicit FileSource(const std::string& path) : reader_(path), size_(FileSize(path)) {}
  std::size_t ReadAppend(std::string& out, std::size_t max_bytes) override { return reader_.ReadAppend(out, max_bytes); }
  std::uint64_t SizeHint() const override { return size_; }

 private:
  FileBlockReader reader_;
  std::uint64_t size_;
};

class BufferSource final : public CsvSource {
 public:
  explicit BufferSource(std::string bytes) : bytes_(std::move(bytes)) {}
  std::size_t ReadAppend(std::string& out, std::size_t max_bytes) override {
    const std::size_t n = std::min(max_bytes, bytes_.size() - pos_);
    out.append(bytes_, pos_, n);
    pos_ += n;
    return n;
  }
  std::uint64_t SizeHint() const override { return bytes_.size(); }

 private:
  std::string bytes_;
  std::size_t pos_ = 0;
};

// An error found in one row of a block, located later (offsets are turned into lines in one pass).
struct RowError {
  std::size_t record = 0;  // index in the block's record list
  std::size_t offset = 0;  // byte offset in the block
  std::string detail;
  std::string expected;
  std::string field;
  std::optional<std::string> value;
};

// What one thread parsed from its share of a block.
struct BlockPart {
  std::vector<csv::ColumnBuffer> columns;
  std::vector<RowError> errors;
};

std::string Plural(std::int64_t n, const char* word) { return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s"); }

std::string CsvQuote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    out += c;
    if (c == '"') out += '"';
  }
  return out + "\"";
}

constexpr std::size_t kMaxReportedRejections = 20;
// Blocks with fewer records than this are parsed on one thread: starting threads would cost more.
constexpr std::size_t kMinRecordsPerThread = 2048;

}  // namespace

struct CsvReader::State {
  CsvOptions options;
  Context ctx;
  std::string name;
  std::unique_ptr<CsvSource> source;
  std::string buffer;         // unparsed bytes; buffer[0] starts a record
  bool at_end = false;        // the source has no more bytes
  std::int64_t buffer_line = 1;  // physical line number of buffer[0]
  std::uint64_t bytes_consumed = 0;
  char delimiter = ',';
  Schema schema;
  std::vector<std::string> names;
  std::vector<csv::ColumnConverter> converters;
  std::vector<csv::ColumnBuffer> columns;
  CsvReport report;
  std::ofstream quarantine;
  std::size_t sample_bytes_per_row = 0;
  std::int64_t rows_in_earlier_chunks = 0;  // rows already handed out by NextChunk
  std::vector<char> type_inferred;           // per column: the type came from the sample, not a schema file
  std::size_t sample_rows = 0;
  // Per-thread buffers, kept from block to block so that their memory is not faulted in again each time.
  std::vector<BlockPart> parts;

  State(CsvOptions opts, const Context& context, std::string source_name, std::unique_ptr<CsvSource> src)
      : options(std::move(opts)), ctx(context), name(std::move(source_name)), source(std::move(src)) {
    options.Validate();
    report.source = name;
  }

  void Fill() { FillBytes(options.block_bytes); }

  void FillBytes(std::size_t bytes) {
    if (at_end) return;
    const std::size_t got = source->ReadAppend(buffer, bytes);
    if (got < bytes) at_end = true;
  }

  // Reads at least the header and infer_rows rows (or the whole input, or 64 MiB), so that the inferred
  // types never depend on the block size.
  void FillSample() {
    constexpr std::size_t kMaxSampleBytes = 64 << 20;
    const std::size_t step = std::max<std::size_t>(options.block_bytes, 1 << 20);
    std::int64_t lines = 0;
    std::size_t counted = 0;
    while (!at_end && lines < options.infer_rows + 2 && buffer.size() < kMaxSampleBytes) {
      FillBytes(step);
      lines += std::count(buffer.begin() + static_cast<std::ptrdiff_t>(counted), buffer.end(), '\n');
      counted = buffer.size();
    }
  }

  std::size_t MaxRecordBytes() const {
    // Before the header is known, every delimiter in the buffer may start another field.
    const std::size_t fields =
        names.empty() ? static_cast<std::size_t>(std::count(buffer.begin(), buffer.end(), delimiter)) + 1 : names.size();
    return (options.max_field_bytes + 3) * fields + 2;
  }

  [[noreturn]] void Fail(std::size_t offset, std::string detail, std::string expected, std::string field = {},
                         std::optional<std::string> value = std::nullopt) {
    csv::OffsetLocator locator(buffer, buffer_line);
    const auto lc = locator.Locate(offset);
    throw InvalidData(std::move(detail), {.file = name, .line = lc.line, .column = lc.column, .field = std::move(field),
                                          .value = std::move(value), .expected = std::move(expected)});
  }

  // "a number (float64)" -> "a number (float64, as inferred from the first 20000 rows; a schema file can set
  // another type)": the user never chose the type and should learn how to.
  std::string InferredTypeHint(const std::string& expected) const {
    const std::string hint = fmt::format("as inferred from the first {} rows; a schema file can set another type", sample_rows);
    if (!expected.empty() && expected.back() == ')') return expected.substr(0, expected.size() - 1) + ", " + hint + ")";
    return expected + " (" + hint + ")";
  }

  std::string FieldTooLongExpected() const {
    return fmt::format("at most {} bytes per field (raise --max-field-bytes if this is intended; a missing closing "
                       "quote also causes this)",
                       options.max_field_bytes);
  }

  // The complete records of about one block at the front of the buffer (at least one record: the view
  // grows, and more is read, until one is complete), so that a chunk never holds much more than a block.
  csv::ScanResult ScanBlock() {
    std::size_t limit = options.block_bytes;
    while (true) {
      const bool whole = limit >= buffer.size();
      const std::string_view view = whole ? std::string_view(buffer) : std::string_view(buffer).substr(0, limit);
      csv::ScanResult scan = csv::ScanRecords(view, delimiter, at_end && whole);
      if (scan.unclosed_quote) FailUnclosedQuote(scan);
      if (!scan.records.empty() || scan.consumed > 0 || (at_end && whole)) return scan;
      if (!whole) {
        limit *= 2;
        continue;
      }
      if (buffer.size() > MaxRecordBytes()) FailOverlongRecord(scan.has_quotes);
      Fill();
    }
  }

  // A quoted field still open at the end of the input. Beyond the field limit it is reported as too long,
  // as it would be had the file been read in smaller blocks (the message is the same at any block size).
  [[noreturn]] void FailUnclosedQuote(const csv::ScanResult& scan) {
    std::vector<csv::Field> fields;
    csv::SyntaxError error;
    csv::TokenizeRecord(buffer, scan.consumed, buffer.size(), delimiter, false, fields, error);
    std::string column = error.field < names.size() ? names[error.field] : std::string();
    if (buffer.size() - scan.unclosed_quote_offset > options.max_field_bytes + 1) {
      Fail(scan.unclosed_quote_offset, fmt::format("field longer than {} bytes", options.max_field_bytes),
           FieldTooLongExpected(), std::move(column));
    }
    Fail(scan.unclosed_quote_offset, "unclosed quote: the quoted field starting here never ends", "a closing quote",
         std::move(column));
  }

  // A record that never ends within the limit: name the field that is too long.
  [[noreturn]] void FailOverlongRecord(bool has_quotes) {
    std::vector<csv::Field> fields;
    csv::SyntaxError error;
    if (!csv::TokenizeRecord(buffer, 0, buffer.size(), delimiter, has_quotes, fields, error)) {
      Fail(error.offset, fmt::format("field longer than {} bytes", options.max_field_bytes), FieldTooLongExpected(),
           error.field < names.size() ? names[error.field] : std::string());
    }
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (fields[i].raw.size() > options.max_field_bytes) {
        Fail(fields[i].offset, fmt::format("field longer than {} bytes", options.max_field_bytes),
             FieldTooLongExpected(), i < names.size() ? names[i] : std::string());
      }
    }
    Fail(0, fmt::format("row longer than {} bytes", MaxRecordBytes()), "shorter rows");
  }

  void Consume(std::size_t bytes) {
    buffer_line += std::count(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(bytes), '\n');
    bytes_consumed += bytes;
    buffer.erase(0, bytes);
  }

  void Start();
  void ReadHeader(const csv::ScanResult& scan);
  void InferSchema(const csv::ScanResult& scan);
  bool ParseBlock();
  void ParseRecords(const csv::ScanResult& scan, std::size_t lo, std::size_t hi, BlockPart& part) const;
  void HandleErrors(const csv::ScanResult& scan, std::vector<RowError>& errors);
  void WriteQuarantine(std::int64_t line, const std::string& reason, std::string_view record);
  Frame TakeFrame();
};

void CsvReader::State::Start() {
  FillSample();
  if (buffer.starts_with("\xEF\xBB\xBF")) {
    buffer.erase(0, 3);
    bytes_consumed += 3;
  }
  if (buffer.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw InvalidData("the file is empty", {.file = name, .expected = "a header row followed by data rows"});
  }
  // Classic Mac OS line ends (CR alone) would make the whole file one record: say so instead.
  const std::size_t first_cr = buffer.find('\r');
  if (first_cr != std::string::npos && first_cr < buffer.find('\n') &&
      (first_cr + 1 == buffer.size() || buffer[first_cr + 1] != '\n')) {
    Fail(first_cr, "line ends with a lone carriage return (CR, classic Mac OS)", "LF or CRLF line ends");
  }
  if (options.delimiter) {
    delimiter = *options.delimiter;
  } else if (options.schema && options.schema->delimiter) {
    delimiter = *options.schema->delimiter;
  } else {
    delimiter = csv::DetectDelimiter(std::string_view(buffer).substr(0, 64 * 1024));
  }
  report.delimiter = delimiter;
  // The header and the inference sample come from the whole sample read above, whatever the block size.
  const csv::ScanResult scan = csv::ScanRecords(buffer, delimiter, at_end);
  if (scan.records.empty()) {
    if (scan.unclosed_quote) FailUnclosedQuote(scan);
    if (!at_end) FailOverlongRecord(scan.has_quotes);  // no complete record in the whole sample
    throw InvalidData("the file is empty", {.file = name, .expected = "a header row followed by data rows"});
  }
  // Blank lines before the first record are counted here; the ones after it when their block is parsed.
  report.blank_lines += std::count(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(scan.records[0].begin), '\n');
  ReadHeader(scan);
  if (scan.unclosed_quote) FailUnclosedQuote(scan);  // after the header, so that the message names the column
  if (options.has_header && scan.records.size() == 1 && at_end) {
    throw InvalidData("the file has a header but no data rows", {.file = name, .expected = "at least one data row"});
  }
  InferSchema(scan);
  if (options.has_header) {
    // Drop the header; the next scan starts with the data.
    const std::size_t header_end = buffer.find('\n', scan.records[0].end);
    Consume(header_end == std::string::npos ? buffer.size() : header_end + 1);
  } else {
    Consume(scan.records[0].begin);
  }
  columns.resize(names.size());
  for (std::size_t c = 0; c < names.size(); ++c) columns[c].type = converters[c].type();
}

void CsvReader::State::ReadHeader(const csv::ScanResult& scan) {
  FINAI_CHECK(!scan.records.empty(), "a non-empty file has a record");
  std::vector<csv::Field> fields;
  csv::SyntaxError error;
  const auto& first = scan.records[0];
  if (!csv::TokenizeRecord(buffer, first.begin, first.end, delimiter, scan.has_quotes, fields, error)) {
    Fail(error.offset, error.detail + (options.has_header ? " in the header" : ""), error.expected);
  }
  std::string scratch;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (!options.has_header) {
      names.push_back(fmt::format("column_{}", i + 1));
      continue;
    }
    std::string text(csv::FieldText(fields[i], scratch));
    if (auto problem = CheckText(text)) {
      Fail(fields[i].offset, problem->detail + " in the header", "UTF-8 column names");
    }
    if (text.empty()) {
      Fail(fields[i].offset, fmt::format("empty column name (field {} of the header)", i + 1),
           "a name for every column");
    }
    for (std::size_t j = 0; j < names.size(); ++j) {
      if (names[j] == text) {
        Fail(fields[i].offset, fmt::format("duplicate column name (fields {} and {} of the header)", j + 1, i + 1),
             "unique column names", text);
      }
    }
    names.push_back(std::move(text));
  }
}

void CsvReader::State::InferSchema(const csv::ScanResult& scan) {
  const std::size_t first = options.has_header ? 1 : 0;
  const std::size_t last = std::min(scan.records.size(), first + static_cast<std::size_t>(options.infer_rows));
  const std::vector<csv::RecordSpan> sample(scan.records.begin() + static_cast<std::ptrdiff_t>(first),
                                            scan.records.begin() + static_cast<std::ptrdiff_t>(last));
  if (!sample.empty()) sample_bytes_per_row = (sample.back().end - sample.front().begin) / sample.size() + 1;
  sample_rows = sample.size();

  const std::vector<std::string>& base_na =
      options.schema && options.schema->na_values ? *options.schema->na_values : options.na_values;
  std::vector<std::vector<std::string>> na(names.size(), base_na);
  if (options.schema) {
    for (const auto& e : options.schema->columns) {
      auto it = std::find(names.begin(), names.end(), e.name);
      if (it != names.end() && e.na_values) {
        auto& tokens = na[static_cast<std::size_t>(it - names.begin())];
        tokens.insert(tokens.end(), e.na_values->begin(), e.na_values->end());
      }
    }
  }
  const auto inferred = csv::InferColumnTypes(
      {.buffer = buffer, .records = &sample, .delimiter = delimiter, .has_quotes = scan.has_quotes,
       .na_tokens = na, .max_categories = options.max_categories},
      names.size());
  for (std::size_t c = 0; c < names.size(); ++c) {
    schema.Add({.name = names[c], .type = inferred[c].type});
    if (!inferred[c].note.empty()) report.notes.push_back(fmt::format("column '{}': {}", names[c], inferred[c].note));
  }
  if (options.schema) ApplySchemaOverride(schema, *options.schema, options.schema_source);
  type_inferred.assign(names.size(), 1);
  if (options.schema) {
    for (const auto& e : options.schema->columns) {
      auto it = std::find(names.begin(), names.end(), e.name);
      if (it != names.end() && e.type) type_inferred[static_cast<std::size_t>(it - names.begin())] = 0;
    }
  }
  for (std::size_t c = 0; c < names.size(); ++c) converters.emplace_back(schema.fields()[c].type, na[c]);
}

void CsvReader::State::ParseRecords(const csv::ScanResult& scan, std::size_t lo, std::size_t hi,
                                    BlockPart& part) const {
  const std::size_t num_columns = names.size();
  part.columns.resize(num_columns);
  for (std::size_t c = 0; c < num_columns; ++c) {
    part.columns[c].type = converters[c].type();
    part.columns[c].Reserve(hi - lo);
  }
  std::vector<csv::Field> fields;
  std::vector<std::string> scratch(num_columns);
  std::vector<csv::StagedValue> staged(num_columns);
  const bool stop_at_first = options.on_error == OnError::kFail;
  for (std::size_t r = lo; r < hi; ++r) {
    const csv::RecordSpan& rec = scan.records[r];
    csv::SyntaxError syntax;
    if (!csv::TokenizeRecord(buffer, rec.begin, rec.end, delimiter, scan.has_quotes, fields, syntax)) {
      part.errors.push_back({r, syntax.offset, syntax.detail, syntax.expected,
                             syntax.field < num_columns ? names[syntax.field] : std::string(), std::nullopt});
      if (stop_at_first) return;
      continue;
    }
    if (fields.size() != num_columns) {
      const bool too_many = fields.size() > num_columns;
      part.errors.push_back({r, too_many ? fields[num_columns].offset : rec.end,
                             fmt::format("row has {}", Plural(static_cast<std::int64_t>(fields.size()), "field")),
                             fmt::format("{}, as in the {}", Plural(static_cast<std::int64_t>(num_columns), "field"),
                                         options.has_header ? "header" : "first row"),
                             {}, std::nullopt});
      if (stop_at_first) return;
      continue;
    }
    bool ok = true;
    for (std::size_t c = 0; c < num_columns && ok; ++c) {
      const csv::Field& f = fields[c];
      if (f.raw.size() > options.max_field_bytes) {
        part.errors.push_back({r, f.offset, fmt::format("field longer than {} bytes", options.max_field_bytes),
                               FieldTooLongExpected(), names[c], std::nullopt});
        ok = false;
        break;
      }
      const std::string_view text = csv::FieldText(f, scratch[c]);
      csv::FieldError error;
      if (!converters[c].Stage(f, text, staged[c], error)) {
        // A type the user never chose, meeting a value of another type: say where the type came from.
        const bool type_mismatch = error.detail == "not a number" || error.detail == "not a date";
        if (type_inferred[c] && type_mismatch) error.expected = InferredTypeHint(error.expected);
        part.errors.push_back({r, f.offset, std::move(error.detail), std::move(error.expected), names[c],
                               std::string(text)});
        ok = false;
      }
    }
    if (!ok) {
      if (stop_at_first) return;
      continue;
    }
    for (std::size_t c = 0; c < num_columns; ++c) converters[c].Commit(staged[c], part.columns[c]);
  }
}

void CsvReader::State::WriteQuarantine(std::int64_t line, const std::string& reason, std::string_view record) {
  if (!quarantine.is_open()) {
    report.quarantine_path = options.quarantine_path.empty() ? name + ".rejected.csv" : options.quarantine_path;
    quarantine.open(report.quarantine_path, std::ios::binary | std::ios::trunc);
    if (!quarantine) throw IoError("cannot create the quarantine file", {.file = report.quarantine_path});
    quarantine << "line,reason,record\n";
  }
  quarantine << line << ',' << CsvQuote(reason) << ',' << CsvQuote(record) << '\n';
  if (!quarantine) throw IoError("cannot write the quarantine file", {.file = report.quarantine_path});
}

void CsvReader::State::HandleErrors(const csv::ScanResult& scan, std::vector<RowError>& errors) {
  std::sort(errors.begin(), errors.end(), [](const RowError& a, const RowError& b) { return a.record < b.record; });
  csv::OffsetLocator locator(buffer, buffer_line);
  for (RowError& e : errors) {
    const csv::RecordSpan& rec = scan.records[e.record];
    const std::int64_t row_line = locator.Locate(rec.begin).line;
    const auto lc = locator.Locate(e.offset);
    InvalidData error(e.detail, {.file = name, .line = lc.line, .column = lc.column, .field = e.field,
                                 .value = e.value, .expected = e.expected});
    if (options.on_error == OnError::kFail) throw error;
    ++report.rows_rejected;
    if (report.first_rejections.size() < kMaxReportedRejections) {
      report.first_rejections.push_back({row_line, error.what()});
    }
    if (options.on_error == OnError::kQuarantine) {
      WriteQuarantine(row_line, error.what(), std::string_view(buffer).substr(rec.begin, rec.end - rec.begin));
    }
  }
}

bool CsvReader::State::ParseBlock() {
  ctx.ThrowIfCancelled();
  if (buffer.size() < options.block_bytes) Fill();
  if (buffer.empty() && at_end) return false;
  const csv::ScanResult scan = ScanBlock();
  report.blank_lines += scan.blank_lines;
  const std::size_t n = scan.records.size();
  const int threads = static_cast<int>(std::clamp<std::size_t>(n / kMinRecordsPerThread, 1,
                                                               static_cast<std::size_t>(ctx.EffectiveThreads())));
  if (parts.size() < static_cast<std::size_t>(threads)) parts.resize(static_cast<std::size_t>(threads));
  Context block_ctx = ctx;
  block_ctx.set_threads(threads);
  ParallelForBlocks(block_ctx, 0, static_cast<std::int64_t>(n), [&](std::int64_t lo, std::int64_t hi, int t) {
    ParseRecords(scan, static_cast<std::size_t>(lo), static_cast<std::size_t>(hi), parts[static_cast<std::size_t>(t)]);
  });
  std::vector<RowError> errors;
  for (auto& part : parts) {
    for (auto& e : part.errors) errors.push_back(std::move(e));
    part.errors.clear();
  }
  if (!errors.empty()) HandleErrors(scan, errors);
  // Columns are independent: append each one's parts (in file order) on its own thread.
  ParallelFor(block_ctx, 0, static_cast<std::int64_t>(columns.size()), [&](std::int64_t c) {
    for (auto& part : parts) {
      if (!part.columns.empty()) columns[static_cast<std::size_t>(c)].Append(std::move(part.columns[static_cast<std::size_t>(c)]));
    }
  });
  report.rows = columns.empty() ? 0 : static_cast<std::int64_t>(columns[0].size()) + rows_in_earlier_chunks;
  Consume(scan.consumed);
  if (ctx.progress()) ctx.progress()->Update(static_cast<std::int64_t>(bytes_consumed), "");
  return true;
}

Frame CsvReader::State::TakeFrame() {
  std::vector<Column> out;
  out.reserve(columns.size());
  std::int64_t rows = 0;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    out.push_back(columns[c].TakeColumn(names[c]));
    rows = out.back().size();
  }
  rows_in_earlier_chunks += rows;
  return Frame(std::move(out));
}

CsvReader::CsvReader(std::unique_ptr<State> state) : state_(std::move(state)) {
  if (state_->ctx.progress()) {
    state_->ctx.progress()->Begin("reading " + state_->name, static_cast<std::int64_t>(state_->source->SizeHint()));
  }
  state_->Start();
}
CsvReader::~CsvReader() = default;
CsvReader::CsvReader(CsvReader&&) noexcept = default;
CsvReader& CsvReader::operator=(CsvReader&&) noexcept = default;

CsvReader CsvReader::OpenFile(const std::string& path, CsvOptions options, const Context& ctx) {
  return CsvReader(std::make_unique<State>(std::move(options), ctx, path, std::make_unique<FileSource>(path)));
}

CsvReader CsvReader::OpenBuffer(std::string bytes, std::string name, CsvOptions options, const Context& ctx) {
  return CsvReader(
      std::make_unique<State>(std::move(options), ctx, std::move(name), std::make_unique<BufferSource>(std::move(bytes))));
}

const Schema& CsvReader::schema() const { return state_->schema; }
const CsvReport& CsvReader::report() const { return state_->report; }

std::optional<Frame> CsvReader::NextChunk() {
  state_->report.bytes = state_->bytes_consumed;
  if (!state_->ParseBlock()) {
    state_->report.bytes = state_->bytes_consumed;
    if (state_->ctx.progress()) state_->ctx.progress()->End();
    return std::nullopt;
  }
  return state_->TakeFrame();
}

CsvTable CsvReader::ReadAll() {
  State& state = *state_;
  // Reserve the columns once from the sample's row length, so they do not grow by doubling (which would
  // briefly need twice their memory).
  if (state.sample_bytes_per_row > 0) {
    const auto expected_rows = static_cast<std::size_t>(static_cast<double>(state.source->SizeHint()) /
                                                        static_cast<double>(state.sample_bytes_per_row) * 1.05) + 16;
    for (auto& c : state.columns) c.Reserve(expected_rows);
  }
  while (state.ParseBlock()) {
  }
  state.report.bytes = state.bytes_consumed;
  if (state.ctx.progress()) state.ctx.progress()->End();
  state.quarantine.close();
  CsvTable table{.frame = state.TakeFrame(), .schema = state.schema, .report = state.report};
  if (table.report.rows_rejected > 0) {
    if (table.report.rows == 0) {
      throw InvalidData(fmt::format("all {} were rejected; the first: {}", Plural(table.report.rows_rejected, "row"),
                                    table.report.first_rejections.front().reason),
                        {.file = state.name});
    }
    state.ctx.Log(LogLevel::kWarning,
                  fmt::format("{}: {} rejected and left out{}", state.name, Plural(table.report.rows_rejected, "row"),
                              table.report.quarantine_path.empty() ? "" : "; written to " + table.report.quarantine_path));
  }
  return table;
}

CsvTable ReadCsv(const std::string& path, const CsvOptions& options, const Context& ctx) {
  return CsvReader::OpenFile(path, options, ctx).ReadAll();
}

CsvTable ReadCsvBuffer(std::string bytes, std::string name, const CsvOptions& options, const Context& ctx) {
  return CsvReader::OpenBuffer(std::move(bytes), std::move(name), options, ctx).ReadAll();
}

}  // namespace finai
