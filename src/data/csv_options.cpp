#include <fmt/ranges.h>
#include <fmt/format.h>
#include <xxhash.h>

#include "finai/core/error.hpp"
#include "finai/data/csv.hpp"

namespace finai {

OnError ParseOnError(std::string_view name) {
  if (name == "fail") return OnError::kFail;
  if (name == "skip") return OnError::kSkip;
  if (name == "quarantine") return OnError::kQuarantine;
  throw InvalidArgument("unknown error mode",
                        {.field = "on-error", .field_kind = "option", .value = std::string(name), .expected = "fail, skip or quarantine"});
}

std::vector<std::string> DefaultNaValues() {
  return {"", "NA", "N/A", "n/a", "NaN", "nan", "-nan", "null", "NULL", "None", "#N/A"};
}

void CsvOptions::Validate() const {
  if (delimiter && (*delimiter == '"' || *delimiter == '\n' || *delimiter == '\r' || *delimiter == '\0')) {
    throw InvalidArgument("invalid delimiter", {.field = "delimiter", .field_kind = "option", .value = std::string(1, *delimiter),
                                                .expected = "one character other than a quote, a NUL or a line break"});
  }
  if (infer_rows < 1) {
    throw InvalidArgument("too few rows to infer types", {.field = "infer_rows", .field_kind = "option", .value = std::to_string(infer_rows),
                                                          .expected = "at least 1"});
  }
  if (max_categories < 1) {
    throw InvalidArgument("invalid category limit", {.field = "max_categories", .field_kind = "option",
                                                     .value = std::to_string(max_categories), .expected = "at least 1"});
  }
  if (max_field_bytes < 16) {
    throw InvalidArgument("field limit too small", {.field = "max_field_bytes", .field_kind = "option",
                                                    .value = std::to_string(max_field_bytes), .expected = "at least 16"});
  }
  if (block_bytes < 1024) {
    throw InvalidArgument("block too small", {.field = "block_bytes", .field_kind = "option", .value = std::to_string(block_bytes),
                                              .expected = "at least 1024"});
  }
}

std::uint64_t CsvOptions::Fingerprint() const {
  // Everything that changes the resulting frame or schema; block size and quarantine path do not.
  std::string key = fmt::format("csv-v1|{}|{}|{}|{}|{}|{}|", delimiter ? static_cast<int>(*delimiter) : -1,
                                fmt::join(na_values, "\x1f"), has_header, infer_rows, max_categories,
                                max_field_bytes);
  key += on_error == OnError::kFail ? "fail" : "lenient";
  if (schema) {
    key += fmt::format("|schema:{}|{}|", schema->delimiter ? static_cast<int>(*schema->delimiter) : -1,
                       schema->na_values ? fmt::format("{}", fmt::join(*schema->na_values, "\x1f")) : "-");
    for (const auto& e : schema->columns) {
      key += fmt::format("{}\x1e{}\x1e{}\x1e{}\x1e{}\x1e{}\x1e{}\x1e{}\x1e{}\x1e{}\x1d", e.name,
                         e.type ? static_cast<int>(*e.type) : -1, e.role ? static_cast<int>(*e.role) : -1,
                         e.description.value_or("\x01"), e.monotone ? static_cast<int>(*e.monotone) : 9,
                         e.actionable ? static_cast<int>(*e.actionable) : 9,
                         e.immutable ? static_cast<int>(*e.immutable) : 9,
                         e.lower_bound ? fmt::format("{}", *e.lower_bound) : "-",
                         e.upper_bound ? fmt::format("{}", *e.upper_bound) : "-",
                         e.na_values ? fmt::format("{}", fmt::join(*e.na_values, "\x1f")) : "-");
    }
  }
  return XXH3_64bits(key.data(), key.size());
}

}  // namespace finai
