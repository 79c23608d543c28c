#include "csv_columns.hpp"

#include <fast_float/fast_float.h>
#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <utility>

#include "finai/core/check.hpp"
#include "finai/data/datetime.hpp"
#include "core/utf8.hpp"

namespace finai::csv {

NaMatcher::NaMatcher(const std::vector<std::string>& tokens) {
  for (const auto& t : tokens) {
    if (t.empty()) {
      empty_is_na_ = true;
    } else {
      tokens_.push_back(t);
      first_bytes_[static_cast<unsigned char>(t[0])] = true;
    }
  }
}

namespace {
std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool LooksLikeDecimalComma(std::string_view s) {
  const auto comma = s.find(',');
  if (comma == std::string_view::npos || s.find('.') != std::string_view::npos) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || c == ',' || c == '-' || c == '+')) return false;
  }
  return true;
}
}  // namespace

namespace {
// Clinger's fast path for the plain decimals that fill most data files ("-123.4567"): with at most 15
// digits the digits form an integer m < 2^53 and the scale 10^k (k <= 15) is exact, so one IEEE division
// gives the correctly rounded value, the same double fast_float would return. Anything
// else (exponents, long mantissas, spaces, signs other than a leading '-') returns false and takes the
// general path.
bool ParsePlainDecimal(std::string_view s, double& out) {
  static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                      1e12, 1e13, 1e14, 1e15};
  const char* p = s.data();
  const char* end = p + s.size();
  const bool negative = p != end && *p == '-';
  p += negative ? 1 : 0;
  const char* start = p;
  std::uint64_t mantissa = 0;
  for (; p != end && static_cast<unsigned>(*p - '0') < 10; ++p) mantissa = mantissa * 10 + static_cast<unsigned>(*p - '0');
  const auto integer_digits = p - start;
  std::ptrdiff_t fraction_digits = 0;
  if (p != end && *p == '.') {
    const char* fraction = ++p;
    for (; p != end && static_cast<unsigned>(*p - '0') < 10; ++p) {
      mantissa = mantissa * 10 + static_cast<unsigned>(*p - '0');
    }
    fraction_digits = p - fraction;
  }
  // At most 15 digits in all (leading zeros included, which only makes the test stricter).
  if (p != end || integer_digits + fraction_digits == 0 || integer_digits + fraction_digits > 15) return false;
  const double value = static_cast<double>(mantissa) / kPow10[fraction_digits];
  out = negative ? -value : value;
  return true;
}
}  // namespace

bool ParseNumber(std::string_view text, double& out, FieldError& error) {
  if (ParsePlainDecimal(text, out)) return true;
  std::string_view s = TrimSpaces(text);
  if (!s.empty() && s[0] == '+' && s.size() > 1 && s[1] != '-' && s[1] != '+') s.remove_prefix(1);
  const char* end = s.data() + s.size();
  const auto result = fast_float::from_chars(s.data(), end, out);
  if (s.empty() || result.ptr != end || (result.ec != std::errc() && result.ec != std::errc::result_out_of_range)) {
    if (text.find('\0') != std::string_view::npos) {
      error = {"NUL byte in a numeric field", "a number"};
    } else if (LooksLikeDecimalComma(s)) {
      error = {"decimal comma in a number", "a number written with a decimal point, such as 1.5"};
    } else {
      error = {"not a number", "a number (float64)"};
    }
    return false;
  }
  if (!std::isfinite(out) || result.ec == std::errc::result_out_of_range) {
    const char first = s[0] == '-' ? (s.size() > 1 ? s[1] : '-') : s[0];
    const bool literal = first == 'i' || first == 'I' || first == 'n' || first == 'N';
    if (literal) {
      error = {"not a finite number", "a finite number (list the token in na_values if it means missing)"};
    } else {
      error = {"number out of range for float64", "a magnitude below 1.8e308"};
    }
    return false;
  }
  return true;
}

std::int32_t ColumnBuffer::CodeOf(std::string_view category) {
  auto it = index.find(category);
  if (it != index.end()) return it->second;
  const auto code = static_cast<std::int32_t>(dictionary.size());
  dictionary.emplace_back(category);
  index.emplace(dictionary.back(), code);
  return code;
}

std::size_t ColumnBuffer::size() const {
  switch (type) {
    case ColumnType::kFloat64: return f64.size();
    case ColumnType::kFloat32: return f32.size();
    case ColumnType::kCategorical: return codes.size();
    case ColumnType::kString: return strings.size();
    case ColumnType::kDateTime: return times.size();
  }
  return 0;
}

void ColumnBuffer::Reserve(std::size_t rows) {
  switch (type) {
    case ColumnType::kFloat64: f64.reserve(rows); break;
    case ColumnType::kFloat32: f32.reserve(rows); break;
    case ColumnType::kCategorical: codes.reserve(rows); break;
    case ColumnType::kString:
      strings.reserve(rows);
      missing.reserve(rows);
      break;
    case ColumnType::kDateTime: times.reserve(rows); break;
  }
}

namespace {
template <typename T>
void AppendVector(std::vector<T>& to, std::vector<T>& from) {
  if (to.empty() && to.capacity() < from.size()) {
    to = std::move(from);
  } else {
    to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
  }
  from.clear();
}
}  // namespace

void ColumnBuffer::Append(ColumnBuffer&& part) {
  FINAI_CHECK(part.type == type, "column buffers of different types");
  switch (type) {
    case ColumnType::kFloat64: AppendVector(f64, part.f64); break;
    case ColumnType::kFloat32: AppendVector(f32, part.f32); break;
    case ColumnType::kString:
      AppendVector(strings, part.strings);
      AppendVector(missing, part.missing);
      break;
    case ColumnType::kDateTime: AppendVector(times, part.times); break;
    case ColumnType::kCategorical: {
      std::vector<std::int32_t> remap(part.dictionary.size());
      for (std::size_t i = 0; i < part.dictionary.size(); ++i) remap[i] = CodeOf(part.dictionary[i]);
      codes.reserve(codes.size() + part.codes.size());
      for (std::int32_t c : part.codes) codes.push_back(c == kMissingCode ? kMissingCode : remap[static_cast<std::size_t>(c)]);
      part.codes.clear();
      break;
    }
  }
}

Column ColumnBuffer::TakeColumn(const std::string& name) {
  switch (type) {
    case ColumnType::kFloat64: return Column::Float64(name, std::exchange(f64, {}));
    case ColumnType::kFloat32: return Column::Float32(name, std::exchange(f32, {}));
    case ColumnType::kCategorical: return Column::Categorical(name, std::exchange(codes, {}), dictionary);
    case ColumnType::kString: return Column::String(name, std::exchange(strings, {}), std::exchange(missing, {}));
    case ColumnType::kDateTime: return Column::DateTime(name, std::exchange(times, {}));
  }
  FINAI_CHECK(false, "unknown column type");
  return Column::Float64(name, {});
}

ColumnConverter::ColumnConverter(ColumnType type, const std::vector<std::string>& na_tokens)
    : type_(type), na_(na_tokens) {}

bool ColumnConverter::Stage(const Field& field, std::string_view text, StagedValue& out, FieldError& error) const {
  out.missing = false;
  switch (type_) {
    case ColumnType::kFloat64:
    case ColumnType::kFloat32:
      if (na_.Matches(text)) {
        out.missing = true;
        return true;
      }
      if (!ParseNumber(text, out.number, error)) {
        if (type_ == ColumnType::kFloat32) error.expected = "a number (float32)";
        return false;
      }
      if (type_ == ColumnType::kFloat32 && std::fabs(out.number) > 3.4028234663852886e38) {
        error = {"number out of range for float32", "a magnitude below 3.4e38"};
        return false;
      }
      return true;
    case ColumnType::kDateTime: {
      if (na_.Matches(text)) {
        out.missing = true;
        return true;
      }
      const auto t = ParseDateTime(text);
      if (!t) {
        error = {DescribeBadDate(text), "a date YYYY-MM-DD or date-time YYYY-MM-DD HH:MM[:SS]"};
        return false;
      }
      out.time = *t;
      return true;
    }
    case ColumnType::kCategorical:
    case ColumnType::kString:
      // A quoted field is always text: "NA" in quotes is the two letters, not a missing value.
      if (!field.quoted && na_.Matches(text)) {
        out.missing = true;
        return true;
      }
      if (auto problem = CheckText(text)) {
        error = {problem->detail, "UTF-8 text"};
        return false;
      }
      out.text = text;
      return true;
  }
  return false;
}

void ColumnConverter::Commit(const StagedValue& v, ColumnBuffer& b) const {
  switch (type_) {
    case ColumnType::kFloat64: b.f64.push_back(v.missing ? std::numeric_limits<double>::quiet_NaN() : v.number); break;
    case ColumnType::kFloat32: b.f32.push_back(v.missing ? std::numeric_limits<float>::quiet_NaN() : static_cast<float>(v.number)); break;
    case ColumnType::kDateTime: b.times.push_back(v.missing ? kMissingTime : v.time); break;
    case ColumnType::kCategorical: b.codes.push_back(v.missing ? kMissingCode : b.CodeOf(v.text)); break;
    case ColumnType::kString:
      b.strings.emplace_back(v.missing ? std::string_view{} : v.text);
      b.missing.push_back(v.missing ? 1 : 0);
      break;
  }
}

}  // namespace finai::csv
