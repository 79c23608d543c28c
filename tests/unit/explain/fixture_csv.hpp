// The explanation tests' fixtures under tests/golden/explain/ (written by the make_*.py scripts there): their path,
// and their plain CSV (a header line, then comma-separated fields without quotes; an empty field is missing).
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "finai/core/file.hpp"

namespace finai::explain::testing {

inline std::string FixturePath(const std::string& name) {
  return std::string(FINAI_SOURCE_DIR) + "/tests/golden/explain/" + name;
}

struct FixtureCsv {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

inline FixtureCsv ReadFixtureCsv(const std::string& name) {
  std::istringstream in(ReadFileToString(FixturePath(name)));
  FixtureCsv csv;
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::stringstream fields_in(line);
    std::string field;
    while (std::getline(fields_in, field, ',')) fields.push_back(field);
    if (!line.empty() && line.back() == ',') fields.emplace_back();
    if (csv.header.empty()) csv.header = std::move(fields);
    else csv.rows.push_back(std::move(fields));
  }
  return csv;
}

}  // namespace finai::explain::testing
