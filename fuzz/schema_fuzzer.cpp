// libFuzzer target for the schema-file parser (ParseSchemaOverride in src/data/schema.cpp). On any bytes it
// must either return an override or throw a finai::Error that is not Internal; nlohmann::json's own
// exceptions must never escape. What parses is applied to a schema that has its columns, and the result,
// written back as JSON by SchemaToJson, must parse again to the same settings.
//
// Build and run: fuzz/run.sh (cmake --preset fuzz; seeds in fuzz/corpus/schema/).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "finai/core/error.hpp"
#include "finai/data/schema.hpp"

namespace {

bool SameSettings(const finai::FieldSpec& a, const finai::FieldSpec& b) {
  return a.name == b.name && a.type == b.type && a.role == b.role && a.description == b.description &&
         a.monotone == b.monotone && a.actionable == b.actionable && a.immutable == b.immutable &&
         a.lower_bound == b.lower_bound && a.upper_bound == b.upper_bound && a.na_values == b.na_values;
}

void RoundTrip(const finai::SchemaOverride& spec) {
  finai::Schema schema;
  for (const auto& entry : spec.columns) {
    if (!schema.Find(entry.name)) schema.Add({.name = entry.name});
  }
  try {
    finai::ApplySchemaOverride(schema, spec, "fuzz.json");
  } catch (const finai::Error& error) {
    if (error.kind() == finai::ErrorKind::kInternal) std::abort();
    return;  // e.g. monotone on a column made categorical: a user error, reported as one
  }
  // From here on the input was valid: any error is a bug in SchemaToJson or the parser.
  try {
    const std::string json = finai::SchemaToJson(schema);
    finai::Schema again;
    for (const auto& field : schema.fields()) again.Add({.name = field.name});
    finai::ApplySchemaOverride(again, finai::ParseSchemaOverride(json, "round-trip.json"), "round-trip.json");
    if (again.size() != schema.size()) std::abort();
    for (std::size_t i = 0; i < schema.size(); ++i) {
      if (!SameSettings(schema.fields()[i], again.fields()[i])) std::abort();
    }
  } catch (const finai::Error&) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    RoundTrip(finai::ParseSchemaOverride(text, "fuzz.json"));
  } catch (const finai::Error& error) {
    if (error.kind() == finai::ErrorKind::kInternal) std::abort();  // a broken invariant is a bug in finai
  }
  return 0;
}
