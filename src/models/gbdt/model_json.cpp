// The JSON model format ("finai.gbdt", docs/model_format.md, field by field).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <type_traits>
#include <unordered_set>
#include <vector>

#include "core/utf8.hpp"
#include "finai/core/error.hpp"
#include "finai/models/gbdt/model_io.hpp"

namespace finai::gbdt {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

constexpr std::string_view kFormatName = "finai.gbdt";
constexpr std::int64_t kInt32Max = std::numeric_limits<std::int32_t>::max();

std::string_view SplitRuleName(SplitRule rule) { return rule == SplitRule::kLess ? "<" : "<="; }

// ---- writing ----

// JSON has no NaN or infinity; these are the spellings JavaScript and Python's json module use.
OrderedJson JsonNumber(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  return v;
}

OrderedJson JsonNumbers(const std::vector<double>& values) {
  OrderedJson out = OrderedJson::array();
  for (double v : values) out.push_back(JsonNumber(v));
  return out;
}

// Like dump(2), but an array of plain values stays on one line: a tree's columns read as rows of numbers
// instead of one number per line, which keeps files short enough to review and diff.
void PrettyPrint(const OrderedJson& j, int indent, std::string& out) {
  const auto nested = [](const OrderedJson& v) { return v.is_structured() && !v.empty(); };
  const bool is_object = j.is_object();
  if (!j.is_structured() || j.empty()) {
    out += j.dump();
    return;
  }
  if (!is_object && std::none_of(j.begin(), j.end(), nested)) {
    out += '[';
    for (auto it = j.begin(); it != j.end(); ++it) out += (it == j.begin() ? "" : ", ") + it->dump();
    out += ']';
    return;
  }
  out += is_object ? "{\n" : "[\n";
  bool first = true;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!first) out += ",\n";
    first = false;
    out.append(static_cast<std::size_t>(indent + 2), ' ');
    if (is_object) out += OrderedJson(it.key()).dump() + ": ";
    PrettyPrint(it.value(), indent + 2, out);
  }
  out += '\n';
  out.append(static_cast<std::size_t>(indent), ' ');
  out += is_object ? '}' : ']';
}

OrderedJson TreeToJson(const Tree& tree, std::int32_t tree_class) {
  OrderedJson left = OrderedJson::array(), right = OrderedJson::array(), feature = OrderedJson::array(),
              threshold = OrderedJson::array(), default_left = OrderedJson::array(),
              category_set = OrderedJson::array(), value = OrderedJson::array(), cover = OrderedJson::array(),
              gain = OrderedJson::array();
  for (const TreeNode& n : tree.nodes) {
    left.push_back(n.left);
    right.push_back(n.right);
    feature.push_back(n.feature);
    threshold.push_back(JsonNumber(n.threshold));
    default_left.push_back(n.default_left);
    category_set.push_back(n.category_set);
    value.push_back(JsonNumber(n.value));
    cover.push_back(JsonNumber(n.cover));
    gain.push_back(JsonNumber(n.gain));
  }
  OrderedJson nodes;
  nodes["left"] = std::move(left);
  nodes["right"] = std::move(right);
  nodes["feature"] = std::move(feature);
  nodes["threshold"] = std::move(threshold);
  nodes["default_left"] = std::move(default_left);
  nodes["category_set"] = std::move(category_set);
  nodes["value"] = std::move(value);
  nodes["cover"] = std::move(cover);
  nodes["gain"] = std::move(gain);
  OrderedJson out;
  out["class"] = tree_class;
  out["nodes"] = std::move(nodes);
  out["category_sets"] = tree.category_sets;
  return out;
}

// ---- reading ----

std::string Join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
}
std::string At(const std::string& path, std::size_t index) { return fmt::format("{}[{}]", path, index); }

// The value as an error message quotes it. A large array or object is described, not dumped: the message is cut
// to a few dozen bytes anyway, and dumping a whole tree just to cut it would cost as much as the file.
std::string Quotable(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  const auto nested = [](const Json& e) { return e.is_structured(); };
  if (v.is_structured() && (v.size() > 16 || std::any_of(v.begin(), v.end(), nested))) {
    return fmt::format("({} of {} entries)", v.type_name(), v.size());
  }
  return v.dump();
}

// Reads values out of the parsed document; every error names the source and the key path.
class Reader {
 public:
  explicit Reader(std::string_view source) : source_(source) {}

  [[noreturn]] void Fail(const std::string& path, const std::string& detail, const std::string& expected,
                         const Json* v = nullptr) const {
    ErrorLocation loc{.file = std::string(source_), .field = path, .expected = expected};
    if (v) loc.value = Quotable(*v);
    throw InvalidData(detail, std::move(loc));
  }

  void RequireObject(const Json& v, const std::string& path, const char* expected) const {
    if (!v.is_object()) Fail(path.empty() ? "(top level)" : path, "wrong JSON type", expected, &v);
  }
  void RejectUnknownKeys(const Json& object, const std::string& path,
                         std::initializer_list<std::string_view> keys) const {
    for (const auto& [key, value] : object.items()) {
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
        Fail(Join(path, key), "unknown key", fmt::format("one of {} (names are exact)", fmt::join(keys, ", ")));
      }
    }
  }
  const Json* Optional(const Json& object, std::string_view key) const {
    const auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
  }
  const Json& Required(const Json& object, const std::string& path, std::string_view key,
                       const char* expected) const {
    const Json* v = Optional(object, key);
    if (!v) Fail(Join(path, key), "missing key", expected);
    return *v;
  }
  const Json& Array(const Json& v, const std::string& path, const char* expected) const {
    if (!v.is_array()) Fail(path, "wrong JSON type", expected, &v);
    return v;
  }

  std::int64_t Integer(const Json& v, const std::string& path, std::int64_t lo, std::int64_t hi) const {
    const std::string expected = fmt::format("an integer from {} to {}", lo, hi);
    if (v.is_number_unsigned()) {
      const auto u = v.get<std::uint64_t>();
      if (u <= static_cast<std::uint64_t>(hi) && static_cast<std::int64_t>(u) >= lo) {
        return static_cast<std::int64_t>(u);
      }
      Fail(path, "integer out of range", expected, &v);
    }
    if (v.is_number_integer()) {
      const auto s = v.get<std::int64_t>();
      if (s >= lo && s <= hi) return s;
      Fail(path, "integer out of range", expected, &v);
    }
    Fail(path, "wrong JSON type", expected, &v);
  }
  double Double(const Json& v, const std::string& path) const {
    if (v.is_number()) return v.get<double>();
    if (v.is_string()) {
      const auto& s = v.get_ref<const std::string&>();
      if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
      if (s == "Infinity") return std::numeric_limits<double>::infinity();
      if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
    }
    Fail(path, "wrong JSON type", "a number, or \"NaN\", \"Infinity\" or \"-Infinity\"", &v);
  }
  bool Bool(const Json& v, const std::string& path) const {
    if (!v.is_boolean()) Fail(path, "wrong JSON type", "true or false", &v);
    return v.get<bool>();
  }
  std::string String(const Json& v, const std::string& path) const {
    if (!v.is_string()) Fail(path, "wrong JSON type", "a string", &v);
    const auto& s = v.get_ref<const std::string&>();
    if (auto problem = CheckText(s)) {
      Fail(path, fmt::format("invalid text: {} at byte {}", problem->detail, problem->offset),
           "valid UTF-8 without NUL bytes");
    }
    return s;
  }
  std::vector<std::string> Strings(const Json& v, const std::string& path) const {
    Array(v, path, "an array of strings");
    std::vector<std::string> out;
    out.reserve(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) out.push_back(String(v[i], At(path, i)));
    return out;
  }
  std::vector<double> Doubles(const Json& v, const std::string& path) const {
    Array(v, path, "an array of numbers");
    std::vector<double> out;
    out.reserve(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) out.push_back(Double(v[i], At(path, i)));
    return out;
  }

 private:
  std::string_view source_;
};

// Reads one node column into a member of every node: `left` fixed the node count, the others must match it.
template <class T>
void ReadColumn(const Reader& r, const Json& nodes, const std::string& path, std::string_view key,
                std::vector<TreeNode>& out, T TreeNode::*member, bool required) {
  const Json* v = required ? &r.Required(nodes, path, key, "an array with one entry per node") : r.Optional(nodes, key);
  if (!v) return;
  const std::string column = Join(path, key);
  r.Array(*v, column, "an array with one entry per node");
  if (v->size() != out.size()) {
    r.Fail(column, fmt::format("{} entries, but left has {}", v->size(), out.size()),
           "one entry per node in every column");
  }
  // Plain values take the fast path; anything else goes through the checked readers, which build the key path
  // (formatting millions of paths that are never used would dominate the load time of a large model).
  for (std::size_t i = 0; i < out.size(); ++i) {
    const Json& e = (*v)[i];
    if constexpr (std::is_same_v<T, bool>) {
      out[i].*member = e.is_boolean() ? e.get<bool>() : r.Bool(e, At(column, i));
    } else if constexpr (std::is_same_v<T, double>) {
      out[i].*member = e.is_number() ? e.get<double>() : r.Double(e, At(column, i));
    } else if (e.is_number_unsigned() && e.get<std::uint64_t>() <= static_cast<std::uint64_t>(kInt32Max)) {
      out[i].*member = static_cast<std::int32_t>(e.get<std::uint64_t>());
    } else {
      out[i].*member = static_cast<std::int32_t>(r.Integer(e, At(column, i), -1, kInt32Max));
    }
  }
}

Tree ReadTree(const Reader& r, const Json& v, const std::string& path, std::int32_t& tree_class) {
  r.RequireObject(v, path, "an object with nodes and category_sets");
  r.RejectUnknownKeys(v, path, {"class", "nodes", "category_sets"});
  tree_class = 0;
  if (const Json* c = r.Optional(v, "class")) {
    tree_class = static_cast<std::int32_t>(r.Integer(*c, Join(path, "class"), 0, kInt32Max));
  }
  const std::string nodes_path = Join(path, "nodes");
  const Json& nodes = r.Required(v, path, "nodes", "an object of node columns");
  r.RequireObject(nodes, nodes_path, "an object of node columns (left, right, feature, threshold, ...)");
  r.RejectUnknownKeys(nodes, nodes_path, {"left", "right", "feature", "threshold", "default_left", "category_set",
                                          "value", "cover", "gain"});
  const Json& left = r.Array(r.Required(nodes, nodes_path, "left", "an array with one entry per node"),
                             Join(nodes_path, "left"), "an array with one entry per node");
  Tree tree;
  tree.nodes.resize(left.size());
  ReadColumn(r, nodes, nodes_path, "left", tree.nodes, &TreeNode::left, true);
  ReadColumn(r, nodes, nodes_path, "right", tree.nodes, &TreeNode::right, true);
  ReadColumn(r, nodes, nodes_path, "feature", tree.nodes, &TreeNode::feature, true);
  ReadColumn(r, nodes, nodes_path, "threshold", tree.nodes, &TreeNode::threshold, true);
  ReadColumn(r, nodes, nodes_path, "default_left", tree.nodes, &TreeNode::default_left, false);
  ReadColumn(r, nodes, nodes_path, "category_set", tree.nodes, &TreeNode::category_set, false);
  ReadColumn(r, nodes, nodes_path, "value", tree.nodes, &TreeNode::value, true);
  ReadColumn(r, nodes, nodes_path, "cover", tree.nodes, &TreeNode::cover, false);
  ReadColumn(r, nodes, nodes_path, "gain", tree.nodes, &TreeNode::gain, false);
  if (const Json* sets = r.Optional(v, "category_sets")) {
    const std::string sets_path = Join(path, "category_sets");
    r.Array(*sets, sets_path, "an array of bitsets (arrays of 32-bit words)");
    for (std::size_t s = 0; s < sets->size(); ++s) {
      const std::string set_path = At(sets_path, s);
      const Json& words = r.Array((*sets)[s], set_path, "a bitset: an array of 32-bit words");
      std::vector<std::uint32_t> set;
      set.reserve(words.size());
      for (std::size_t w = 0; w < words.size(); ++w) {
        set.push_back(static_cast<std::uint32_t>(r.Integer(words[w], At(set_path, w), 0, 0xFFFFFFFFLL)));
      }
      tree.category_sets.push_back(std::move(set));
    }
  }
  return tree;
}

FeatureInfo ReadFeature(const Reader& r, const Json& v, const std::string& path) {
  r.RequireObject(v, path, "an object describing a feature");
  r.RejectUnknownKeys(v, path, {"name", "type", "categories", "monotone", "description"});
  FeatureInfo f;
  f.name = r.String(r.Required(v, path, "name", "the feature's column name"), Join(path, "name"));
  const Json& type = r.Required(v, path, "type", "numeric or categorical");
  const std::string type_name = r.String(type, Join(path, "type"));
  if (type_name != "numeric" && type_name != "categorical") {
    r.Fail(Join(path, "type"), "unknown feature type", "numeric or categorical", &type);
  }
  f.categorical = type_name == "categorical";
  if (const Json* c = r.Optional(v, "categories")) f.categories = r.Strings(*c, Join(path, "categories"));
  if (const Json* m = r.Optional(v, "monotone")) {
    f.monotone = static_cast<int>(r.Integer(*m, Join(path, "monotone"), -1, 1));
  }
  if (const Json* d = r.Optional(v, "description")) f.description = r.String(*d, Join(path, "description"));
  return f;
}

void ReadProvenance(const Reader& r, const Json& v, ModelProvenance& p) {
  const std::string path = "provenance";
  r.RequireObject(v, path, "an object");
  r.RejectUnknownKeys(v, path, {"producer", "training_data", "training_fingerprint", "training_rows", "metrics"});
  if (const Json* x = r.Optional(v, "producer")) p.producer = r.String(*x, Join(path, "producer"));
  if (const Json* x = r.Optional(v, "training_data")) p.training_data = r.String(*x, Join(path, "training_data"));
  if (const Json* x = r.Optional(v, "training_fingerprint")) {
    p.training_fingerprint = r.String(*x, Join(path, "training_fingerprint"));
  }
  if (const Json* x = r.Optional(v, "training_rows")) {
    p.training_rows = r.Integer(*x, Join(path, "training_rows"), 0, std::numeric_limits<std::int64_t>::max());
  }
  if (const Json* x = r.Optional(v, "metrics")) {
    const std::string metrics_path = Join(path, "metrics");
    r.RequireObject(*x, metrics_path, "an object mapping metric names to numbers");
    for (const auto& [name, value] : x->items()) {
      const std::string key_path = Join(metrics_path, name);
      p.metrics[r.String(Json(name), key_path)] = r.Double(value, key_path);
    }
  }
}

// nlohmann keeps the last of two equal keys silently; in a model file that would hide one of two conflicting
// values from the reviewer, so a repeated key is refused while parsing.
class DuplicateKeyCheck {
 public:
  explicit DuplicateKeyCheck(const Reader& r) : reader_(r) {}
  bool operator()(int /*depth*/, Json::parse_event_t event, Json& parsed) {
    if (event == Json::parse_event_t::object_start) {
      keys_.emplace_back();
    } else if (event == Json::parse_event_t::object_end) {
      keys_.pop_back();
    } else if (event == Json::parse_event_t::key && !keys_.empty()) {
      const auto& key = parsed.get_ref<const std::string&>();
      if (!keys_.back().insert(key).second) reader_.Fail(key, "duplicate key", "each key once per object");
    }
    return true;
  }

 private:
  const Reader& reader_;
  std::vector<std::unordered_set<std::string>> keys_;
};

}  // namespace

std::string ModelToJson(const GbdtModel& model) {
  try {
    ValidateModelContent(model, "");
  } catch (const InvalidData& e) {
    throw InvalidArgument("cannot write an inconsistent model: " + e.detail(),
                          {.field = e.location().field, .value = e.location().value,
                           .expected = e.location().expected});
  }
  OrderedJson j;
  j["format"] = kFormatName;
  j["format_version"] = kModelFormatVersion;
  j["finai_version"] = FINAI_VERSION;
  j["created_at"] = model.provenance.created_at;
  j["objective"] = ObjectiveName(model.objective);
  j["num_classes"] = model.num_classes;
  j["base_margin"] = JsonNumbers(model.base_margin);
  j["split_rule"] = SplitRuleName(model.split_rule);
  j["float32_compare"] = model.float32_compare;
  j["target"] = model.target;
  j["class_labels"] = model.class_labels;
  OrderedJson features = OrderedJson::array();
  for (const FeatureInfo& f : model.features) {
    OrderedJson o;
    o["name"] = f.name;
    o["type"] = f.categorical ? "categorical" : "numeric";
    o["categories"] = f.categories;
    o["monotone"] = f.monotone;
    o["description"] = f.description;
    features.push_back(std::move(o));
  }
  j["features"] = std::move(features);
  j["params"] = OrderedJson::parse(ParamsToJson(model.params));
  OrderedJson provenance;
  provenance["producer"] = model.provenance.producer;
  provenance["training_data"] = model.provenance.training_data;
  provenance["training_fingerprint"] = model.provenance.training_fingerprint;
  provenance["training_rows"] = model.provenance.training_rows;
  OrderedJson metrics = OrderedJson::object();
  for (const auto& [name, value] : model.provenance.metrics) metrics[name] = JsonNumber(value);
  provenance["metrics"] = std::move(metrics);
  j["provenance"] = std::move(provenance);
  OrderedJson trees = OrderedJson::array();
  for (std::size_t t = 0; t < model.trees.size(); ++t) trees.push_back(TreeToJson(model.trees[t], model.tree_class[t]));
  j["trees"] = std::move(trees);
  std::string out;
  PrettyPrint(j, 0, out);
  out += '\n';
  return out;
}

GbdtModel ModelFromJson(std::string_view text, std::string_view source_name) {
  const Reader r(source_name);
  Json doc;
  try {
    doc = Json::parse(text.begin(), text.end(), DuplicateKeyCheck(r));
  } catch (const Json::exception& e) {
    // e.what() carries the line and column; the byte is the one finai messages elsewhere use.
    const auto* parse_error = dynamic_cast<const Json::parse_error*>(&e);
    throw InvalidData(parse_error ? fmt::format("invalid JSON at byte {}: {}", parse_error->byte, e.what())
                                  : fmt::format("invalid JSON: {}", e.what()),
                      {.file = std::string(source_name),
                       .expected = "a finai model file (JSON, or binary starting with the magic 'FINAIGB\\0')"});
  }
  r.RequireObject(doc, "", "a JSON object with \"format\": \"finai.gbdt\"");
  // Format and version first: a newer version may rename everything else and must still get a clear message.
  const Json& format = r.Required(doc, "", "format", "\"finai.gbdt\"");
  if (!format.is_string() || format.get_ref<const std::string&>() != kFormatName) {
    r.Fail("format", "not a finai gbdt model file", "\"finai.gbdt\"", &format);
  }
  const Json& version_json = r.Required(doc, "", "format_version", "an integer");
  const std::int64_t version = r.Integer(version_json, "format_version", std::numeric_limits<std::int64_t>::min(),
                                         std::numeric_limits<std::int64_t>::max());
  if (version > static_cast<std::int64_t>(kModelFormatVersion)) {
    throw InvalidData(fmt::format("written by a newer finai: format_version {}; this build reads up to {}", version,
                                  kModelFormatVersion),
                      {.file = std::string(source_name)});
  }
  if (version < 1) {
    r.Fail("format_version", "invalid format version", fmt::format("1 to {}", kModelFormatVersion), &version_json);
  }
  r.RejectUnknownKeys(doc, "", {"format", "format_version", "finai_version", "created_at", "objective", "num_classes",
                                "base_margin", "split_rule", "float32_compare", "target", "class_labels", "features",
                                "params", "provenance", "trees"});

  GbdtModel model;
  if (const Json* v = r.Optional(doc, "finai_version")) r.String(*v, "finai_version");  // informational only
  if (const Json* v = r.Optional(doc, "created_at")) model.provenance.created_at = r.String(*v, "created_at");
  const Json& objective = r.Required(doc, "", "objective", "binary, regression or multiclass");
  try {
    model.objective = ParseObjective(r.String(objective, "objective"));
  } catch (const InvalidArgument& e) {
    r.Fail("objective", e.detail(), e.location().expected, &objective);
  }
  model.num_classes =
      static_cast<int>(r.Integer(r.Required(doc, "", "num_classes", "an integer"), "num_classes", 1, kInt32Max));
  model.base_margin = r.Doubles(r.Required(doc, "", "base_margin", "one number per class"), "base_margin");
  if (const Json* v = r.Optional(doc, "split_rule")) {
    const std::string rule = r.String(*v, "split_rule");
    if (rule != "<=" && rule != "<") r.Fail("split_rule", "unknown split rule", "\"<=\" or \"<\"", v);
    model.split_rule = rule == "<" ? SplitRule::kLess : SplitRule::kLessEqual;
  }
  if (const Json* v = r.Optional(doc, "float32_compare")) model.float32_compare = r.Bool(*v, "float32_compare");
  if (const Json* v = r.Optional(doc, "target")) model.target = r.String(*v, "target");
  if (const Json* v = r.Optional(doc, "class_labels")) model.class_labels = r.Strings(*v, "class_labels");

  const Json& features = r.Array(r.Required(doc, "", "features", "an array of features"), "features",
                                 "an array of features");
  model.features.reserve(features.size());
  for (std::size_t i = 0; i < features.size(); ++i) {
    model.features.push_back(ReadFeature(r, features[i], At("features", i)));
  }

  if (const Json* v = r.Optional(doc, "params")) {
    r.RequireObject(*v, "params", "an object of training parameters");
    try {
      model.params = ParseParams(v->dump(), source_name);
    } catch (const InvalidData& e) {
      const std::string& field = e.location().field;
      throw InvalidData(e.detail(), {.file = std::string(source_name), .field = Join("params", field),
                                     .value = e.location().value, .expected = e.location().expected});
    }
  }
  if (const Json* v = r.Optional(doc, "provenance")) ReadProvenance(r, *v, model.provenance);

  const Json& trees = r.Array(r.Required(doc, "", "trees", "an array of trees"), "trees", "an array of trees");
  model.trees.reserve(trees.size());
  model.tree_class.reserve(trees.size());
  for (std::size_t t = 0; t < trees.size(); ++t) {
    std::int32_t tree_class = 0;
    model.trees.push_back(ReadTree(r, trees[t], At("trees", t), tree_class));
    model.tree_class.push_back(tree_class);
  }
  ValidateModelContent(model, source_name);
  return model;
}

}  // namespace finai::gbdt
