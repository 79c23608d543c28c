// One typed column of a Frame. Missing values are first-class:
//   float64 / float32: NaN means missing (finite values only are ever stored otherwise; the CSV reader
//                      rejects a literal NaN or infinity that is not an NA token)
//   categorical:       code kMissingCode (-1); codes index the column's dictionary
//   string:            a per-row missing flag (an empty string is a value, not missing)
//   datetime:          kMissingTime; otherwise seconds since 1970-01-01T00:00:00 UTC
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace finai {

enum class ColumnType { kFloat64, kFloat32, kCategorical, kString, kDateTime };

std::string_view ColumnTypeName(ColumnType type);   // "float64", "float32", "categorical", "string", "datetime"
ColumnType ParseColumnType(std::string_view name);  // inverse; InvalidArgument on an unknown name

inline constexpr std::int32_t kMissingCode = -1;
inline constexpr std::int64_t kMissingTime = std::numeric_limits<std::int64_t>::min();

class Column {
 public:
  static Column Float64(std::string name, std::vector<double> values);
  static Column Float32(std::string name, std::vector<float> values);
  static Column Categorical(std::string name, std::vector<std::int32_t> codes, std::vector<std::string> dictionary);
  static Column String(std::string name, std::vector<std::string> values, std::vector<std::uint8_t> missing);
  static Column DateTime(std::string name, std::vector<std::int64_t> seconds);

  const std::string& name() const { return name_; }
  ColumnType type() const { return type_; }
  std::int64_t size() const { return size_; }
  bool is_numeric() const { return type_ == ColumnType::kFloat64 || type_ == ColumnType::kFloat32; }

  bool IsMissing(std::int64_t row) const;
  std::int64_t CountMissing() const;
  // The value as a double: numeric values, datetime seconds, categorical codes; NaN when missing.
  double NumericValue(std::int64_t row) const;
  // The value as text, as a user would write it in a CSV file; empty when missing.
  std::string ValueText(std::int64_t row) const;

  // Typed access; each throws InternalError when the column has another type.
  std::span<const double> float64() const;
  std::span<const float> float32() const;
  std::span<const std::int32_t> codes() const;
  const std::vector<std::string>& dictionary() const;
  const std::vector<std::string>& strings() const;
  std::span<const std::uint8_t> string_missing() const;
  std::span<const std::int64_t> datetime() const;

  // A new column holding the given rows, in that order.
  Column Take(std::span<const std::int64_t> rows) const;
  // Appends the rows of another column of the same name and type. Categorical codes are remapped
  // through the other column's dictionary; categories new to this column are added at the end.
  void Append(const Column& other);
  // The rows as float64 (numeric and datetime columns); categorical codes become NaN-for-missing doubles.
  std::vector<double> ToFloat64() const;

 private:
  Column(std::string name, ColumnType type, std::int64_t size) : name_(std::move(name)), type_(type), size_(size) {}
  void RequireType(ColumnType type) const;

  std::string name_;
  ColumnType type_;
  std::int64_t size_ = 0;
  std::vector<double> f64_;
  std::vector<float> f32_;
  std::vector<std::int32_t> codes_;
  std::vector<std::string> dictionary_;
  std::vector<std::string> strings_;
  std::vector<std::uint8_t> string_missing_;
  std::vector<std::int64_t> times_;
};

}  // namespace finai
