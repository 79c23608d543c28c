// Turning the text of CSV fields into typed column values: NA tokens, numbers, dates, text, categories.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "csv_tokenizer.hpp"
#include "finai/data/column.hpp"

namespace finai::csv {

// Decides whether a field is missing. Tokens are compared exactly (case matters: NA yes, na no).
class NaMatcher {
 public:
  explicit NaMatcher(const std::vector<std::string>& tokens);
  bool Matches(std::string_view text) const {
    if (text.empty()) return empty_is_na_;
    if (!first_bytes_[static_cast<unsigned char>(text[0])]) return false;
    for (const auto& t : tokens_) {
      if (t == text) return true;
    }
    return false;
  }

 private:
  std::vector<std::string> tokens_;
  std::array<bool, 256> first_bytes_{};
  bool empty_is_na_ = false;
};

// Why a field could not be converted; the reader adds file, line, column and value.
struct FieldError {
  std::string detail;
  std::string expected;
};

// Parses a finite decimal number, allowing surrounding spaces and a leading '+'.
bool ParseNumber(std::string_view text, double& out, FieldError& error);

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using CategoryIndex = std::unordered_map<std::string, std::int32_t, StringHash, std::equal_to<>>;

// Values of one column as they are read: per thread for one block, then merged in file order.
struct ColumnBuffer {
  ColumnType type = ColumnType::kFloat64;
  std::vector<double> f64;
  std::vector<float> f32;
  std::vector<std::int32_t> codes;
  std::vector<std::string> strings;
  std::vector<std::uint8_t> missing;  // string columns
  std::vector<std::int64_t> times;
  std::vector<std::string> dictionary;  // categorical: categories in order of first appearance
  CategoryIndex index;

  std::int32_t CodeOf(std::string_view category);
  std::size_t size() const;
  void Reserve(std::size_t rows);
  // Appends another buffer's rows (categorical codes remapped through this buffer's dictionary).
  void Append(ColumnBuffer&& part);
  // The values so far as a Column; with keep_dictionary the buffer keeps its dictionary for later chunks.
  Column TakeColumn(const std::string& name);
};

// One field, checked and converted, not yet stored: a row is stored only when all its fields convert,
// so a rejected row leaves no trace (not even a new category) in the columns.
struct StagedValue {
  double number = 0;
  std::int64_t time = 0;
  std::string_view text;
  bool missing = false;
};

// Converts one column's fields.
class ColumnConverter {
 public:
  ColumnConverter(ColumnType type, const std::vector<std::string>& na_tokens);
  ColumnType type() const { return type_; }
  // Converts a field; text must stay valid until Commit. Returns false and fills error if invalid.
  bool Stage(const Field& field, std::string_view text, StagedValue& out, FieldError& error) const;
  void Commit(const StagedValue& value, ColumnBuffer& buffer) const;

 private:
  ColumnType type_;
  NaMatcher na_;
};

}  // namespace finai::csv
