#include "finai/data/json_document.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "finai/core/error.hpp"

namespace finai {

namespace {
using Json = nlohmann::json;

[[noreturn]] void ThrowSyntaxError(std::string_view text, std::string_view source, const Json::parse_error& e) {
  // nlohmann reports a byte offset just past the offending character; turn it into line and column.
  const std::size_t offset = std::min<std::size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
  std::int64_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  std::string detail = e.what();
  // Drop nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 2: " prefix: we give our own.
  if (auto pos = detail.find(": syntax error"); pos != std::string::npos) detail = detail.substr(pos + 2);
  throw InvalidData("invalid JSON: " + detail, {.file = std::string(source), .line = line, .column = column});
}
}  // namespace

Json ParseJsonDocument(std::string_view text, std::string_view source_name) {
  // The parser's callback tracks the keys of each open object to refuse a key given twice.
  std::vector<std::vector<std::string>> seen;
  std::vector<std::string> path;
  const auto reject_duplicates = [&](int /*depth*/, Json::parse_event_t event, Json& parsed) {
    if (event == Json::parse_event_t::object_start) {
      seen.emplace_back();
      path.emplace_back();
    } else if (event == Json::parse_event_t::object_end) {
      seen.pop_back();
      path.pop_back();
    } else if (event == Json::parse_event_t::key) {
      const std::string key = parsed.get<std::string>();
      path.back() = key;
      if (std::find(seen.back().begin(), seen.back().end(), key) != seen.back().end()) {
        std::string full;
        for (const auto& k : path) full += (full.empty() ? "" : ".") + k;
        throw InvalidData("duplicate key", {.file = std::string(source_name), .field = full, .field_kind = "key",
                                            .expected = "each key once"});
      }
      seen.back().push_back(key);
    }
    return true;
  };
  try {
    return Json::parse(text.begin(), text.end(), reject_duplicates);
  } catch (const Json::parse_error& e) {
    ThrowSyntaxError(text, source_name, e);
  } catch (const Json::out_of_range& e) {
    // Number overflow (1e400): nlohmann reports it as out_of_range, without a position.
    std::string detail = e.what();
    if (auto pos = detail.find("] "); pos != std::string::npos) detail = detail.substr(pos + 2);
    throw InvalidData("invalid JSON: " + detail,
                      {.file = std::string(source_name), .expected = "a number of magnitude below 1.8e308"});
  }
}

void ThrowAtKey(std::string_view source_name, const std::string& path, const std::string& detail,
                const std::string& expected, const Json* value) {
  ErrorLocation loc{.file = std::string(source_name), .field = path, .field_kind = "key", .expected = expected};
  if (value) loc.value = value->is_string() ? value->get<std::string>() : value->dump();
  throw InvalidData(detail, std::move(loc));
}

}  // namespace finai
