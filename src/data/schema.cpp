#include "finai/data/schema.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "finai/core/error.hpp"
#include "finai/core/file.hpp"
#include "finai/data/json_document.hpp"

namespace finai {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kFeature: return "feature";
    case Role::kTarget: return "target";
    case Role::kWeight: return "weight";
    case Role::kId: return "id";
    case Role::kTime: return "time";
    case Role::kSensitive: return "sensitive";
    case Role::kIgnore: return "ignore";
  }
  return "unknown";
}

Role ParseRole(std::string_view name) {
  for (Role r : {Role::kFeature, Role::kTarget, Role::kWeight, Role::kId, Role::kTime, Role::kSensitive,
                 Role::kIgnore}) {
    if (name == RoleName(r)) return r;
  }
  throw InvalidArgument("unknown role", {.value = std::string(name),
                                         .expected = "feature, target, weight, id, time, sensitive or ignore"});
}

std::string_view MonotoneName(Monotone m) {
  switch (m) {
    case Monotone::kNone: return "none";
    case Monotone::kIncreasing: return "increasing";
    case Monotone::kDecreasing: return "decreasing";
  }
  return "unknown";
}

Monotone ParseMonotone(std::string_view name) {
  if (name == "none") return Monotone::kNone;
  if (name == "increasing") return Monotone::kIncreasing;
  if (name == "decreasing") return Monotone::kDecreasing;
  throw InvalidArgument("unknown monotone direction",
                        {.value = std::string(name), .expected = "none, increasing or decreasing"});
}

Schema::Schema(std::vector<FieldSpec> fields) {
  for (auto& f : fields) Add(std::move(f));
}

const FieldSpec* Schema::Find(std::string_view name) const {
  for (const auto& f : fields_) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const FieldSpec& Schema::Get(std::string_view name) const {
  if (const FieldSpec* f = Find(name)) return *f;
  throw NotFound("no such column in the schema", {.field = std::string(name)});
}

FieldSpec& Schema::GetMutable(std::string_view name) { return const_cast<FieldSpec&>(Get(name)); }

void Schema::Add(FieldSpec field) {
  if (Find(field.name)) {
    throw InvalidArgument("duplicate column name in schema", {.field = field.name, .expected = "unique names"});
  }
  fields_.push_back(std::move(field));
}

std::vector<std::string> Schema::NamesWithRole(Role role) const {
  std::vector<std::string> names;
  for (const auto& f : fields_) {
    if (f.role == role) names.push_back(f.name);
  }
  return names;
}

std::optional<std::string> Schema::SingleWithRole(Role role) const {
  auto names = NamesWithRole(role);
  if (names.empty()) return std::nullopt;
  if (names.size() > 1) {
    throw InvalidArgument(fmt::format("{} columns have the role '{}' ({}, {}, ...)", names.size(), RoleName(role),
                                      names[0], names[1]),
                          {.expected = "at most one"});
  }
  return names[0];
}

// ---- schema files ----------------------------------------------------------------------------------

namespace {

using Json = nlohmann::json;

// Reads one schema file: every error names the file and the key path.
class OverrideParser {
 public:
  explicit OverrideParser(std::string_view source) : source_(source) {}

  [[noreturn]] void Fail(const std::string& path, const std::string& detail, const std::string& expected,
                         const Json* value = nullptr) const {
    ThrowAtKey(source_, path, detail, expected, value);
  }

  std::string String(const Json& v, const std::string& path) const {
    if (!v.is_string()) Fail(path, "wrong JSON type", "a string", &v);
    return v.get<std::string>();
  }
  bool Bool(const Json& v, const std::string& path) const {
    if (!v.is_boolean()) Fail(path, "wrong JSON type", "true or false", &v);
    return v.get<bool>();
  }
  double Number(const Json& v, const std::string& path) const {
    if (!v.is_number()) Fail(path, "wrong JSON type", "a number", &v);
    return v.get<double>();
  }
  std::vector<std::string> Strings(const Json& v, const std::string& path) const {
    if (!v.is_array()) Fail(path, "wrong JSON type", "an array of strings", &v);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < v.size(); ++i) out.push_back(String(v[i], fmt::format("{}[{}]", path, i)));
    return out;
  }
  template <typename T, typename ParseFn>
  T Enum(const Json& v, const std::string& path, ParseFn parse) const {
    const std::string text = String(v, path);
    try {
      return parse(text);
    } catch (const InvalidArgument& e) {
      Fail(path, e.detail(), e.location().expected, &v);
    }
  }

  SchemaOverride::Entry Column(const std::string& name, const Json& spec) const {
    const std::string path = "columns." + name;
    if (name.empty()) Fail("columns", "empty column name", "a non-empty name");
    if (!spec.is_object()) Fail(path, "wrong JSON type", "an object of column settings", &spec);
    SchemaOverride::Entry e{.name = name};
    for (const auto& [key, v] : spec.items()) {
      const std::string p = path + "." + key;
      if (key == "type") {
        e.type = Enum<ColumnType>(v, p, ParseColumnType);
      } else if (key == "role") {
        e.role = Enum<Role>(v, p, ParseRole);
      } else if (key == "description") {
        e.description = String(v, p);
      } else if (key == "monotone") {
        e.monotone = Enum<Monotone>(v, p, ParseMonotone);
      } else if (key == "actionable") {
        e.actionable = Bool(v, p);
      } else if (key == "immutable") {
        e.immutable = Bool(v, p);
      } else if (key == "lower_bound") {
        e.lower_bound = Number(v, p);
      } else if (key == "upper_bound") {
        e.upper_bound = Number(v, p);
      } else if (key == "na_values") {
        e.na_values = Strings(v, p);
      } else {
        Fail(p, "unknown key",
             "one of type, role, description, monotone, actionable, immutable, lower_bound, upper_bound, na_values");
      }
    }
    if (e.actionable.value_or(false) && e.immutable.value_or(false)) {
      Fail(path, "a column cannot be both actionable and immutable", "at most one of actionable, immutable");
    }
    if (e.lower_bound && e.upper_bound && *e.lower_bound > *e.upper_bound) {
      Fail(path, fmt::format("lower_bound {} is above upper_bound {}", *e.lower_bound, *e.upper_bound),
           "lower_bound <= upper_bound");
    }
    return e;
  }

  SchemaOverride Parse(std::string_view text) const {
    const Json doc = ParseJsonDocument(text, source_);
    if (!doc.is_object()) Fail("(top level)", "wrong JSON type", "an object with a \"columns\" key", &doc);
    SchemaOverride out;
    for (const auto& [key, v] : doc.items()) {
      if (key == "columns") {
        if (!v.is_object()) Fail("columns", "wrong JSON type", "an object mapping column names to settings", &v);
        for (const auto& [name, spec] : v.items()) out.columns.push_back(Column(name, spec));
      } else if (key == "na_values") {
        out.na_values = Strings(v, "na_values");
      } else if (key == "delimiter") {
        const std::string d = String(v, "delimiter");
        if (d.size() != 1 || d[0] == '"' || d[0] == '\n' || d[0] == '\r' || d[0] == '\0') {
          Fail("delimiter", "invalid delimiter", "one character other than a quote, a NUL or a line break", &v);
        }
        out.delimiter = d[0];
      } else if (key == "$comment" || key == "description") {
        // Free text for people reading the file.
      } else {
        Fail(key, "unknown key", "one of columns, na_values, delimiter, description, $comment");
      }
    }
    return out;
  }

 private:
  std::string_view source_;
};

}  // namespace

SchemaOverride ParseSchemaOverride(std::string_view json_text, std::string_view source_name) {
  return OverrideParser(source_name).Parse(json_text);
}

void ApplySchemaOverride(Schema& schema, const SchemaOverride& spec, std::string_view source_name) {
  for (const auto& e : spec.columns) {
    if (!schema.Find(e.name)) {
      std::string names;
      for (const auto& f : schema.fields()) names += (names.empty() ? "" : ", ") + f.name;
      throw NotFound("the schema file names a column the data does not have",
                     {.file = std::string(source_name), .field = e.name, .expected = "one of: " + names});
    }
    FieldSpec& f = schema.GetMutable(e.name);
    if (e.type) f.type = *e.type;
    if (e.role) f.role = *e.role;
    if (e.description) f.description = *e.description;
    if (e.monotone) f.monotone = *e.monotone;
    if (e.actionable) f.actionable = *e.actionable;
    if (e.immutable) f.immutable = *e.immutable;
    if (e.lower_bound) f.lower_bound = *e.lower_bound;
    if (e.upper_bound) f.upper_bound = *e.upper_bound;
    if (e.na_values) f.na_values = *e.na_values;
    const bool numeric = f.type == ColumnType::kFloat64 || f.type == ColumnType::kFloat32;
    if (f.monotone != Monotone::kNone && !numeric) {
      throw InvalidData("a monotone direction needs a numeric column",
                        {.file = std::string(source_name), .field = "columns." + e.name + ".monotone", .field_kind = "key",
                         .expected = fmt::format("type float64 or float32, not {}", ColumnTypeName(f.type))});
    }
  }
}

std::string SchemaToJson(const Schema& schema) {
  nlohmann::ordered_json columns = nlohmann::ordered_json::object();
  for (const auto& f : schema.fields()) {
    nlohmann::ordered_json c;
    c["type"] = ColumnTypeName(f.type);
    c["role"] = RoleName(f.role);
    if (!f.description.empty()) c["description"] = f.description;
    if (f.monotone != Monotone::kNone) c["monotone"] = MonotoneName(f.monotone);
    if (f.actionable) c["actionable"] = true;
    if (f.immutable) c["immutable"] = true;
    if (f.lower_bound) c["lower_bound"] = *f.lower_bound;
    if (f.upper_bound) c["upper_bound"] = *f.upper_bound;
    if (!f.na_values.empty()) c["na_values"] = f.na_values;
    columns[f.name] = std::move(c);
  }
  nlohmann::ordered_json doc;
  doc["columns"] = std::move(columns);
  return doc.dump(2);
}

}  // namespace finai

namespace finai {
SchemaOverride LoadSchemaOverride(const std::string& path) { return ParseSchemaOverride(ReadFileToString(path), path); }
}  // namespace finai
