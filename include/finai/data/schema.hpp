// The schema: what each column of a data set is and how models may use it. It is inferred from the data
// and can be overridden, column by column, by a schema file (JSON; documented in docs/schema.md).
// Descriptions feed reason codes; monotone directions and the actionable/immutable flags feed
// constrained training and recourse; the sensitive role feeds fairness audits and keeps the attribute
// out of features and reasons.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "finai/data/column.hpp"

namespace finai {

enum class Role { kFeature, kTarget, kWeight, kId, kTime, kSensitive, kIgnore };
std::string_view RoleName(Role role);   // "feature", "target", "weight", "id", "time", "sensitive", "ignore"
Role ParseRole(std::string_view name);  // InvalidArgument on an unknown name

enum class Monotone { kNone = 0, kIncreasing = 1, kDecreasing = -1 };
std::string_view MonotoneName(Monotone m);   // "none", "increasing", "decreasing"
Monotone ParseMonotone(std::string_view name);

struct FieldSpec {
  std::string name;
  ColumnType type = ColumnType::kFloat64;
  Role role = Role::kFeature;
  std::string description;               // human-readable, used in reason codes
  Monotone monotone = Monotone::kNone;   // direction the score may move as the value grows
  bool actionable = false;               // the customer can change it (recourse may suggest it)
  bool immutable = false;                // it can never change (age of account, birth date)
  std::optional<double> lower_bound;     // valid range for recourse and validation
  std::optional<double> upper_bound;
  std::vector<std::string> na_values;    // extra NA tokens for this column only
};

class Schema {
 public:
  Schema() = default;
  explicit Schema(std::vector<FieldSpec> fields);

  const std::vector<FieldSpec>& fields() const { return fields_; }
  std::size_t size() const { return fields_.size(); }
  const FieldSpec* Find(std::string_view name) const;  // nullptr if absent
  const FieldSpec& Get(std::string_view name) const;   // NotFound if absent
  FieldSpec& GetMutable(std::string_view name);
  void Add(FieldSpec field);                           // InvalidArgument on a duplicate name

  // Names of the columns with a role, in column order.
  std::vector<std::string> NamesWithRole(Role role) const;
  // The single column with the role, if there is exactly one; InvalidArgument if more than one.
  std::optional<std::string> SingleWithRole(Role role) const;

 private:
  std::vector<FieldSpec> fields_;
};

// A schema file: the columns it names override the inferred schema; the others keep what was inferred.
struct SchemaOverride {
  struct Entry {
    std::string name;
    std::optional<ColumnType> type;
    std::optional<Role> role;
    std::optional<std::string> description;
    std::optional<Monotone> monotone;
    std::optional<bool> actionable;
    std::optional<bool> immutable;
    std::optional<double> lower_bound;
    std::optional<double> upper_bound;
    std::optional<std::vector<std::string>> na_values;
  };
  std::vector<Entry> columns;
  std::optional<std::vector<std::string>> na_values;  // file-wide NA tokens, replacing the defaults
  std::optional<char> delimiter;
};

// Parses a schema file's text. Unknown keys, wrong types and contradictory flags are InvalidData naming
// the file, the line and column of the JSON, and the key path (e.g. columns[3].monotone).
SchemaOverride ParseSchemaOverride(std::string_view json_text, std::string_view source_name);
SchemaOverride LoadSchemaOverride(const std::string& path);
// Applies an override to an inferred schema; NotFound for a column the data does not have.
void ApplySchemaOverride(Schema& schema, const SchemaOverride& override_spec, std::string_view source_name);

// The schema as JSON (the same format ParseSchemaOverride reads), for `finai schema` and model files.
std::string SchemaToJson(const Schema& schema);

}  // namespace finai
