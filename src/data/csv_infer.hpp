// Guessing what a CSV file holds from its first lines: the delimiter and each column's type.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "csv_tokenizer.hpp"
#include "finai/data/column.hpp"

namespace finai::csv {

// The delimiter among ',', ';', '\t' and '|' that splits the first lines into the same number of fields
// (more than one); ',' when none does.
char DetectDelimiter(std::string_view head);

struct InferredType {
  ColumnType type = ColumnType::kFloat64;
  std::string note;  // why, when the choice deserves a remark (mostly numbers, all missing, ...)
};

struct InferenceInput {
  std::string_view buffer;
  const std::vector<RecordSpan>* records;  // the sample rows (header excluded)
  char delimiter;
  bool has_quotes;
  std::vector<std::vector<std::string>> na_tokens;  // per column
  std::int64_t max_categories;
};

// One type per column: float64 when every present value is a number, datetime when every one is a date,
// categorical for text with few distinct values, string otherwise. Malformed sample rows are ignored here;
// the full read reports them.
std::vector<InferredType> InferColumnTypes(const InferenceInput& in, std::size_t num_columns);

}  // namespace finai::csv
