// Reading scorecard JSON with errors that name the key path (e.g. variables[2].bins[0].woe).
#pragma once

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
  if (!v.is_number()) Bad(Join(path, key), "not a number", "a number");
  return v.get<double>();
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
