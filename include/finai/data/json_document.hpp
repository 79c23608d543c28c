// Parsing a JSON file that people write by hand (schema files, recourse action files): a syntax error names the
// file, line and column; a key given twice in one object is an error naming the key path (nlohmann would keep the
// last one silently, so a file that says two things about one setting would be half ignored); a number too large
// for a double is an error instead of an exception of the JSON library.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace finai {

// InvalidData (file, line, column; or file and "key" path for a duplicate key) on any of the errors above.
nlohmann::json ParseJsonDocument(std::string_view text, std::string_view source_name);

// InvalidData naming the file and the key path (e.g. columns.Amount.monotone), with the offending value when
// given: strings as they are, other JSON as written.
[[noreturn]] void ThrowAtKey(std::string_view source_name, const std::string& path, const std::string& detail,
                             const std::string& expected, const nlohmann::json* value = nullptr);

}  // namespace finai
