#include "csv_infer.hpp"

#include <fmt/format.h>

#include <unordered_set>

#include "csv_columns.hpp"
#include "finai/data/datetime.hpp"

namespace finai::csv {

char DetectDelimiter(std::string_view head) {
  constexpr char kCandidates[] = {',', ';', '\t', '|'};
  constexpr std::size_t kMaxLines = 50;
  const ScanResult scan = ScanRecords(head, ',', false);  // the record ends do not depend on the delimiter
  std::vector<RecordSpan> lines = scan.records;
  if (lines.empty() && !head.empty()) lines.push_back({0, head.size()});
  if (lines.size() > kMaxLines) lines.resize(kMaxLines);
  char best = ',';
  std::size_t best_fields = 1;
  std::vector<Field> fields;
  for (char d : kCandidates) {
    std::size_t count = 0;
    bool consistent = true;
    for (const auto& line : lines) {
      SyntaxError error;
      if (!TokenizeRecord(head, line.begin, line.end, d, false, fields, error)) {
        consistent = false;
        break;
      }
      if (count == 0) count = fields.size();
      if (fields.size() != count) {
        consistent = false;
        break;
      }
    }
    if (consistent && count > best_fields) {
      best = d;
      best_fields = count;
    }
  }
  return best;
}

namespace {
struct ColumnStats {
  std::int64_t present = 0;
  std::int64_t numbers = 0;
  std::int64_t dates = 0;
  std::unordered_set<std::string> distinct;
  bool too_many_distinct = false;
};
}  // namespace

std::vector<InferredType> InferColumnTypes(const InferenceInput& in, std::size_t num_columns) {
  std::vector<ColumnStats> stats(num_columns);
  std::vector<NaMatcher> na;
  for (std::size_t c = 0; c < num_columns; ++c) na.emplace_back(in.na_tokens[c]);
  std::vector<Field> fields;
  std::string scratch;
  for (const auto& rec : *in.records) {
    SyntaxError error;
    if (!TokenizeRecord(in.buffer, rec.begin, rec.end, in.delimiter, in.has_quotes, fields, error)) continue;
    if (fields.size() != num_columns) continue;
    for (std::size_t c = 0; c < num_columns; ++c) {
      const std::string_view text = FieldText(fields[c], scratch);
      if (na[c].Matches(text)) continue;
      ColumnStats& s = stats[c];
      ++s.present;
      double number;
      FieldError ignored;
      if (ParseNumber(text, number, ignored)) {
        ++s.numbers;
      } else if (ParseDateTime(text)) {
        ++s.dates;
      }
      if (!s.too_many_distinct) {
        s.distinct.emplace(text);
        if (static_cast<std::int64_t>(s.distinct.size()) > in.max_categories) {
          s.too_many_distinct = true;
          s.distinct.clear();
        }
      }
    }
  }
  std::vector<InferredType> out(num_columns);
  for (std::size_t c = 0; c < num_columns; ++c) {
    const ColumnStats& s = stats[c];
    InferredType& t = out[c];
    if (s.present == 0) {
      t = {ColumnType::kFloat64, "every sampled value is missing"};
    } else if (s.numbers == s.present) {
      t.type = ColumnType::kFloat64;
    } else if (s.dates == s.present) {
      t.type = ColumnType::kDateTime;
    } else {
      // Text. Few distinct values make a category; many (names, free text, identifiers) a string.
      const auto distinct = static_cast<std::int64_t>(s.distinct.size());
      const bool few = !s.too_many_distinct && (distinct <= 50 || distinct * 2 <= s.present);
      t.type = few ? ColumnType::kCategorical : ColumnType::kString;
      if (s.numbers * 10 >= s.present * 9) {
        t.note = fmt::format("{} of {} sampled values are numbers but the others are not; read as {}", s.numbers,
                             s.present, ColumnTypeName(t.type));
      }
    }
  }
  return out;
}

}  // namespace finai::csv
