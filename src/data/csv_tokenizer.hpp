// The lowest layer of the CSV reader: finding where records end, and splitting a record into fields.
// Both follow RFC 4180: a field is quoted only when its first byte is a quote; inside quotes a doubled
// quote stands for one quote and delimiters and line breaks are data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace finai::csv {

struct Field {
  std::string_view raw;     // the bytes between the quotes of a quoted field (doubled quotes not collapsed)
  std::size_t offset = 0;   // where the field starts in the buffer (its opening quote, if quoted)
  bool quoted = false;
  bool escaped = false;     // raw contains doubled quotes to collapse
};

// A malformed record or file: where (byte offset in the buffer) and what.
struct SyntaxError {
  std::size_t offset = 0;
  std::size_t field = 0;  // 0-based index of the field the error is in
  std::string detail;
  std::string expected;
};

// Splits the record buf[begin, end) (its line end removed) into fields. Returns false and fills error
// on a malformed quote. check_stray_quotes: also reject a quote inside an unquoted field (skipped when the
// caller knows the buffer holds no quote at all).
bool TokenizeRecord(std::string_view buf, std::size_t begin, std::size_t end, char delimiter,
                    bool check_stray_quotes, std::vector<Field>& fields, SyntaxError& error);

// The text of a field, doubled quotes collapsed (into scratch when needed).
std::string_view FieldText(const Field& field, std::string& scratch);

struct RecordSpan {
  std::size_t begin = 0;
  std::size_t end = 0;  // excludes the line end (LF or CRLF)
};

struct ScanResult {
  std::vector<RecordSpan> records;  // complete, non-blank records, in order
  std::size_t consumed = 0;         // bytes up to and including the line end of the last complete record
  std::int64_t blank_lines = 0;     // empty lines skipped
  bool has_quotes = false;          // the scanned bytes contain a quote character
  bool unclosed_quote = false;      // at end of input, a quoted field never closed
  std::size_t unclosed_quote_offset = 0;
};

// Finds the complete records of buf, which starts at a record boundary. At the end of the input the last
// record needs no line end. Records are only complete once their line end is seen (or at_end).
ScanResult ScanRecords(std::string_view buf, char delimiter, bool at_end);

struct LineColumn {
  std::int64_t line;
  std::int64_t column;
};

// Turns byte offsets into 1-based lines and byte columns. Offsets must come in non-decreasing order, so
// that locating all the errors of a buffer costs one pass over it.
class OffsetLocator {
 public:
  OffsetLocator(std::string_view buf, std::int64_t first_line) : buf_(buf), line_(first_line) {}
  LineColumn Locate(std::size_t offset);

 private:
  std::string_view buf_;
  std::int64_t line_;
  std::size_t pos_ = 0;
  std::size_t line_start_ = 0;
};

}  // namespace finai::csv
