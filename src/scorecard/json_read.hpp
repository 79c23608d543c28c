// Reading scorecard JSON with errors that name the key path (e.g. variables[2].bins[0].woe).
#pragma once

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "finai/core/error.hpp"

namespace finai::scorecard::json_read {

using Json = nlohmann::json;

[[noreturn]] inline void Bad(std::string_view path, std::string message, std::string expected) {
  throw InvalidData(std::move(message),
                    {.field = std::string(path), .field_kind = "key", .expected = std::move(expected)});
}

inline std::string Join(std::string_view path, std::string_view key) {
  return path.empty() ? std::string(key) : std::string(path) + "." + std::string(key);
}

inline const Json& Field(const Json& j, std::string_view path, std::string_view key) {
  if (!j.is_object()) Bad(path, "not a JSON object", "an object");
  const auto it = j.find(std::string(key));
  if (it == j.end()) Bad(Join(path, key), "missing key", "the key to be present");
  return *it;
}

inline double Number(const Json& j, std::string_view path, std::string_view key) {
  const Json& v = Field(j, path, key);
  if (!v.is_number() || !std::isfinite(v.get<double>())) Bad(Join(path, key), "not a finite number", "a number");
  return v.get<double>();
}

// A whole number in [lo, hi] (a cast of an out-of-range double would be undefined).
inline int Integer(const Json& j, std::string_view path, std::string_view key, int lo, int hi) {
  const double v = Number(j, path, key);
  if (!(v >= lo && v <= hi) || v != static_cast<double>(static_cast<int>(v))) {
    Bad(Join(path, key), "not a whole number in range",
        "a whole number in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
  return static_cast<int>(v);
}

inline std::string String(const Json& j, std::string_view path, std::string_view key) {
  const Json& v = Field(j, path, key);
  if (!v.is_string()) Bad(Join(path, key), "not a string", "a string");
  return v.get<std::string>();
}

inline bool Bool(const Json& j, std::string_view path, std::string_view key) {
  const Json& v = Field(j, path, key);
  if (!v.is_boolean()) Bad(Join(path, key), "not a boolean", "true or false");
  return v.get<bool>();
}

inline const Json& Array(const Json& j, std::string_view path, std::string_view key) {
  const Json& v = Field(j, path, key);
  if (!v.is_array()) Bad(Join(path, key), "not an array", "an array");
  return v;
}

inline std::string Index(std::string_view path, std::size_t i) {
  return std::string(path) + "[" + std::to_string(i) + "]";
}

}  // namespace finai::scorecard::json_read
