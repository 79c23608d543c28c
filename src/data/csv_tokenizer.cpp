#include "csv_tokenizer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "finai/core/error.hpp"

namespace finai::csv {

namespace {
const char* Find(const char* begin, const char* end, char c) {
  return static_cast<const char*>(std::memchr(begin, c, static_cast<std::size_t>(end - begin)));
}

std::string DescribeByte(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f) return fmt::format("'{}'", c);
  return fmt::format("byte 0x{:02x}", u);
}
}  // namespace

bool TokenizeRecord(std::string_view buf, std::size_t begin, std::size_t end, char delimiter,
                    bool check_stray_quotes, std::vector<Field>& fields, SyntaxError& error) {
  fields.clear();
  const char* data = buf.data();
  std::size_t pos = begin;
  while (true) {
    Field f;
    f.offset = pos;
    if (pos < end && data[pos] == '"') {
      f.quoted = true;
      std::size_t j = pos + 1;
      while (true) {
        const char* q = Find(data + j, data + end, '"');
        if (!q) {
          error = {pos, fields.size(), "unclosed quote: the quoted field starting here never ends", "a closing quote"};
          return false;
        }
        const auto qi = static_cast<std::size_t>(q - data);
        if (qi + 1 < end && data[qi + 1] == '"') {
          f.escaped = true;
          j = qi + 2;
          continue;
        }
        f.raw = std::string_view(data + pos + 1, qi - pos - 1);
        pos = qi + 1;
        break;
      }
      fields.push_back(f);
      if (pos == end) return true;
      if (data[pos] != delimiter) {
        error = {pos, fields.size() - 1, fmt::format("unexpected {} after a closing quote", DescribeByte(data[pos])),
                 fmt::format("the delimiter '{}' or the end of the line (a quote inside a quoted field is written "
                             "twice)",
                             delimiter == '\t' ? std::string("\\t") : std::string(1, delimiter))};
        return false;
      }
      ++pos;
      continue;
    }
    const char* d = Find(data + pos, data + end, delimiter);
    const std::size_t field_end = d ? static_cast<std::size_t>(d - data) : end;
    f.raw = std::string_view(data + pos, field_end - pos);
    if (check_stray_quotes) {
      if (const char* q = Find(data + pos, data + field_end, '"')) {
        error = {static_cast<std::size_t>(q - data), fields.size(), "quote character inside an unquoted field",
                 "a field that contains quotes to be enclosed in quotes, with each quote written twice"};
        return false;
      }
    }
    fields.push_back(f);
    if (!d) return true;
    pos = field_end + 1;
  }
}

std::string_view FieldText(const Field& field, std::string& scratch) {
  if (!field.escaped) return field.raw;
  scratch.clear();
  for (std::size_t i = 0; i < field.raw.size(); ++i) {
    scratch.push_back(field.raw[i]);
    if (field.raw[i] == '"') ++i;  // skip the second quote of a doubled pair
  }
  return scratch;
}

namespace {
void AddRecord(std::string_view buf, std::size_t begin, std::size_t line_end, ScanResult& out) {
  std::size_t end = line_end;
  if (end > begin && buf[end - 1] == '\r') --end;
  if (end == begin) {
    ++out.blank_lines;
  } else {
    out.records.push_back({begin, end});
  }
}

// No quote anywhere: records are the lines.
void ScanUnquoted(std::string_view buf, bool at_end, ScanResult& out) {
  const char* data = buf.data();
  const char* end = data + buf.size();
  std::size_t start = 0;
  while (const char* nl = Find(data + start, end, '\n')) {
    const auto i = static_cast<std::size_t>(nl - data);
    AddRecord(buf, start, i, out);
    start = i + 1;
  }
  out.consumed = start;
  if (at_end && start < buf.size()) {
    AddRecord(buf, start, buf.size(), out);
    out.consumed = buf.size();
  }
}

// Quotes present: a small state machine, since a line break inside quotes does not end a record.
void ScanQuoted(std::string_view buf, char delimiter, bool at_end, ScanResult& out) {
  const char* data = buf.data();
  const std::size_t n = buf.size();
  std::size_t record_start = 0;
  bool field_start = true;
  std::size_t i = 0;
  while (i < n) {
    const char c = data[i];
    if (c == '"' && field_start) {
      // Skip to the closing quote; a doubled quote is data.
      const std::size_t open = i;
      std::size_t j = i + 1;
      bool closed = false;
      while (const char* q = Find(data + j, data + n, '"')) {
        const auto qi = static_cast<std::size_t>(q - data);
        if (qi + 1 < n && data[qi + 1] == '"') {
          j = qi + 2;
          continue;
        }
        if (qi + 1 == n && !at_end) break;  // cannot tell "" from " yet: wait for more bytes
        i = qi + 1;
        closed = true;
        break;
      }
      if (!closed) {
        if (at_end) {
          out.unclosed_quote = true;
          out.unclosed_quote_offset = open;
        }
        out.consumed = record_start;
        return;
      }
      field_start = false;
      continue;
    }
    if (c == delimiter) {
      field_start = true;
    } else if (c == '\n') {
      AddRecord(buf, record_start, i, out);
      record_start = i + 1;
      field_start = true;
    } else {
      field_start = false;
    }
    ++i;
  }
  out.consumed = record_start;
  if (at_end && record_start < n) {
    AddRecord(buf, record_start, n, out);
    out.consumed = n;
  }
}
}  // namespace

ScanResult ScanRecords(std::string_view buf, char delimiter, bool at_end) {
  ScanResult out;
  out.has_quotes = std::memchr(buf.data(), '"', buf.size()) != nullptr;
  if (out.has_quotes) {
    ScanQuoted(buf, delimiter, at_end, out);
  } else {
    ScanUnquoted(buf, at_end, out);
  }
  return out;
}

LineColumn OffsetLocator::Locate(std::size_t offset) {
  offset = std::min(offset, buf_.size());
  for (; pos_ < offset; ++pos_) {
    if (buf_[pos_] == '\n') {
      ++line_;
      line_start_ = pos_ + 1;
    }
  }
  return {line_, static_cast<std::int64_t>(offset - line_start_ + 1)};
}

}  // namespace finai::csv
