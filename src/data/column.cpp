#include "finai/data/column.hpp"

#include <fmt/format.h>

#include <cmath>
#include <unordered_map>

#include "finai/core/check.hpp"
#include "finai/core/error.hpp"
#include "finai/data/datetime.hpp"

namespace finai {

std::string_view ColumnTypeName(ColumnType type) {
  switch (type) {
    case ColumnType::kFloat64: return "float64";
    case ColumnType::kFloat32: return "float32";
    case ColumnType::kCategorical: return "categorical";
    case ColumnType::kString: return "string";
    case ColumnType::kDateTime: return "datetime";
  }
  return "unknown";
}

ColumnType ParseColumnType(std::string_view name) {
  for (ColumnType t : {ColumnType::kFloat64, ColumnType::kFloat32, ColumnType::kCategorical, ColumnType::kString,
                       ColumnType::kDateTime}) {
    if (name == ColumnTypeName(t)) return t;
  }
  throw InvalidArgument("unknown column type",
                        {.value = std::string(name), .expected = "float64, float32, categorical, string or datetime"});
}

Column Column::Float64(std::string name, std::vector<double> values) {
  Column c(std::move(name), ColumnType::kFloat64, static_cast<std::int64_t>(values.size()));
  c.f64_ = std::move(values);
  return c;
}

Column Column::Float32(std::string name, std::vector<float> values) {
  Column c(std::move(name), ColumnType::kFloat32, static_cast<std::int64_t>(values.size()));
  c.f32_ = std::move(values);
  return c;
}

Column Column::Categorical(std::string name, std::vector<std::int32_t> codes, std::vector<std::string> dictionary) {
  const auto n = static_cast<std::int32_t>(dictionary.size());
  for (std::int32_t code : codes) {
    FINAI_CHECK(code == kMissingCode || (code >= 0 && code < n), "categorical code outside its dictionary");
  }
  Column c(std::move(name), ColumnType::kCategorical, static_cast<std::int64_t>(codes.size()));
  c.codes_ = std::move(codes);
  c.dictionary_ = std::move(dictionary);
  return c;
}

Column Column::String(std::string name, std::vector<std::string> values, std::vector<std::uint8_t> missing) {
  if (missing.empty()) missing.assign(values.size(), 0);
  FINAI_CHECK(missing.size() == values.size(), "string column: missing flags and values differ in length");
  Column c(std::move(name), ColumnType::kString, static_cast<std::int64_t>(values.size()));
  c.strings_ = std::move(values);
  c.string_missing_ = std::move(missing);
  return c;
}

Column Column::DateTime(std::string name, std::vector<std::int64_t> seconds) {
  Column c(std::move(name), ColumnType::kDateTime, static_cast<std::int64_t>(seconds.size()));
  c.times_ = std::move(seconds);
  return c;
}

void Column::RequireType(ColumnType type) const {
  FINAI_CHECK(type_ == type, fmt::format("column '{}' is {}, not {}", name_, ColumnTypeName(type_),
                                         ColumnTypeName(type)));
}

std::span<const double> Column::float64() const { RequireType(ColumnType::kFloat64); return f64_; }
std::span<const float> Column::float32() const { RequireType(ColumnType::kFloat32); return f32_; }
std::span<const std::int32_t> Column::codes() const { RequireType(ColumnType::kCategorical); return codes_; }
const std::vector<std::string>& Column::dictionary() const { RequireType(ColumnType::kCategorical); return dictionary_; }
const std::vector<std::string>& Column::strings() const { RequireType(ColumnType::kString); return strings_; }
std::span<const std::uint8_t> Column::string_missing() const { RequireType(ColumnType::kString); return string_missing_; }
std::span<const std::int64_t> Column::datetime() const { RequireType(ColumnType::kDateTime); return times_; }

bool Column::IsMissing(std::int64_t row) const {
  const auto i = static_cast<std::size_t>(row);
  switch (type_) {
    case ColumnType::kFloat64: return std::isnan(f64_[i]);
    case ColumnType::kFloat32: return std::isnan(f32_[i]);
    case ColumnType::kCategorical: return codes_[i] == kMissingCode;
    case ColumnType::kString: return string_missing_[i] != 0;
    case ColumnType::kDateTime: return times_[i] == kMissingTime;
  }
  return false;
}

std::int64_t Column::CountMissing() const {
  // One loop per type (vectorisable), not a type switch per row.
  std::int64_t n = 0;
  switch (type_) {
    case ColumnType::kFloat64: for (double v : f64_) n += std::isnan(v) ? 1 : 0; break;
    case ColumnType::kFloat32: for (float v : f32_) n += std::isnan(v) ? 1 : 0; break;
    case ColumnType::kCategorical: for (std::int32_t c : codes_) n += c == kMissingCode ? 1 : 0; break;
    case ColumnType::kString: for (std::uint8_t m : string_missing_) n += m != 0 ? 1 : 0; break;
    case ColumnType::kDateTime: for (std::int64_t t : times_) n += t == kMissingTime ? 1 : 0; break;
  }
  return n;
}

double Column::NumericValue(std::int64_t row) const {
  if (IsMissing(row)) return std::numeric_limits<double>::quiet_NaN();
  const auto i = static_cast<std::size_t>(row);
  switch (type_) {
    case ColumnType::kFloat64: return f64_[i];
    case ColumnType::kFloat32: return f32_[i];
    case ColumnType::kCategorical: return codes_[i];
    case ColumnType::kDateTime: return static_cast<double>(times_[i]);
    case ColumnType::kString: break;
  }
  throw InvalidArgument(fmt::format("column '{}' holds text and has no numeric value", name_));
}

std::string Column::ValueText(std::int64_t row) const {
  if (IsMissing(row)) return {};
  const auto i = static_cast<std::size_t>(row);
  switch (type_) {
    case ColumnType::kFloat64: return fmt::format("{}", f64_[i]);
    case ColumnType::kFloat32: return fmt::format("{}", f32_[i]);
    case ColumnType::kCategorical: return dictionary_[static_cast<std::size_t>(codes_[i])];
    case ColumnType::kString: return strings_[i];
    case ColumnType::kDateTime: return FormatDateTime(times_[i]);
  }
  return {};
}

std::vector<double> Column::ToFloat64() const {
  if (type_ == ColumnType::kFloat64) return f64_;
  std::vector<double> out(static_cast<std::size_t>(size_));
  for (std::int64_t i = 0; i < size_; ++i) out[static_cast<std::size_t>(i)] = NumericValue(i);
  return out;
}

namespace {
template <typename T>
std::vector<T> Gather(const std::vector<T>& values, std::span<const std::int64_t> rows) {
  std::vector<T> out;
  out.reserve(rows.size());
  for (std::int64_t r : rows) out.push_back(values.at(static_cast<std::size_t>(r)));
  return out;
}
}  // namespace

Column Column::Take(std::span<const std::int64_t> rows) const {
  switch (type_) {
    case ColumnType::kFloat64: return Float64(name_, Gather(f64_, rows));
    case ColumnType::kFloat32: return Float32(name_, Gather(f32_, rows));
    case ColumnType::kCategorical: return Categorical(name_, Gather(codes_, rows), dictionary_);
    case ColumnType::kString: return String(name_, Gather(strings_, rows), Gather(string_missing_, rows));
    case ColumnType::kDateTime: return DateTime(name_, Gather(times_, rows));
  }
  return *this;
}

void Column::Append(const Column& other) {
  if (other.name_ != name_ || other.type_ != type_) {
    throw InvalidArgument(fmt::format("cannot append column '{}' ({}) to column '{}' ({})", other.name_,
                                      ColumnTypeName(other.type_), name_, ColumnTypeName(type_)));
  }
  switch (type_) {
    case ColumnType::kFloat64: f64_.insert(f64_.end(), other.f64_.begin(), other.f64_.end()); break;
    case ColumnType::kFloat32: f32_.insert(f32_.end(), other.f32_.begin(), other.f32_.end()); break;
    case ColumnType::kString:
      strings_.insert(strings_.end(), other.strings_.begin(), other.strings_.end());
      string_missing_.insert(string_missing_.end(), other.string_missing_.begin(), other.string_missing_.end());
      break;
    case ColumnType::kDateTime: times_.insert(times_.end(), other.times_.begin(), other.times_.end()); break;
    case ColumnType::kCategorical: {
      std::unordered_map<std::string_view, std::int32_t> known;
      for (std::size_t i = 0; i < dictionary_.size(); ++i) known.emplace(dictionary_[i], static_cast<std::int32_t>(i));
      std::vector<std::int32_t> remap(other.dictionary_.size());
      std::vector<std::string> added;
      for (std::size_t i = 0; i < other.dictionary_.size(); ++i) {
        auto it = known.find(other.dictionary_[i]);
        if (it != known.end()) {
          remap[i] = it->second;
        } else {
          remap[i] = static_cast<std::int32_t>(dictionary_.size() + added.size());
          added.push_back(other.dictionary_[i]);
        }
      }
      dictionary_.insert(dictionary_.end(), added.begin(), added.end());
      codes_.reserve(codes_.size() + other.codes_.size());
      for (std::int32_t code : other.codes_) {
        codes_.push_back(code == kMissingCode ? kMissingCode : remap[static_cast<std::size_t>(code)]);
      }
      break;
    }
  }
  size_ += other.size_;
}

}  // namespace finai
