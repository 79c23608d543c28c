// XGBoost JSON model import. The semantics mapped here (docs/import.md has the full table):
//   numeric split   XGBoost: fvalue < split_condition, both float32       -> SplitRule::kLess, float32_compare
//   missing value   default_left[node]                                    -> TreeNode::default_left
//   categorical     listed categories go RIGHT; every other category, an invalid (negative) one and one past the
//                   node's bitset go LEFT (XGBoost 1.7 common::Decision)  -> the complement goes left in finai
//   leaf value      split_conditions[leaf] (leaves store their value there; base_weights are before the learning rate)
//   base_score      binary:logistic: a probability, margin = -log(1/p - 1) computed in float as XGBoost does;
//                   binary:logitraw, reg:squarederror, multi:*: the margin itself
// Numbers are parsed as float32 (strtof), as XGBoost's own reader stores them, so thresholds are bit-exact.
#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "finai/core/error.hpp"
#include "finai/models/gbdt/import.hpp"

namespace finai::gbdt {
namespace {

// float as the JSON number type: nlohmann's lexer then parses with std::strtof, i.e. exactly XGBoost's float32.
using Json = nlohmann::basic_json<std::map, std::vector, std::string, bool, std::int64_t, std::uint64_t, float>;

// Largest category code finai accepts. A split stores the complement of XGBoost's list, a bitset over every code up to
// the feature's largest: a huge code would cost (code / 8) bytes in every categorical node of that feature.
constexpr std::int64_t kMaxCategoryCode = (1 << 16) - 1;
// And in all: a small file must not make the importer allocate gigabytes (a model file may come from anywhere).
constexpr std::size_t kMaxCategoryWords = std::size_t{1} << 24;
// Features named f0..fN-1 when the file has no names: N is then not bounded by the file's size.
constexpr std::int64_t kMaxUnnamedFeatures = std::int64_t{1} << 20;
constexpr std::string_view kExpectedModel = "an XGBoost JSON model (booster.save_model(\"model.json\"))";

// XGBoost writes NaN, Infinity and -Infinity as bare words, which are not JSON. They are rewritten, outside strings,
// to strings of the same length ("N", "Infini", "-Infini") so that parse errors keep their byte positions.
std::string RewriteNonFiniteWords(std::string_view text) {
  std::string out(text);
  bool in_string = false;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const char c = out[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (out.compare(i, 3, "NaN") == 0) {
      out.replace(i, 3, "\"N\"");
      i += 2;
    } else if (out.compare(i, 8, "Infinity") == 0) {
      out.replace(i, 8, "\"Infini\"");
      i += 7;
    } else if (out.compare(i, 9, "-Infinity") == 0) {
      out.replace(i, 9, "\"-Infini\"");
      i += 8;
    }
  }
  return out;
}

// Reads the parsed document; every failure names the source and the JSON path.
class Reader {
 public:
  explicit Reader(std::string_view source) : source_(source) {}

  [[noreturn]] void Fail(const std::string& path, const std::string& detail, const std::string& expected,
                         const Json* value = nullptr) const {
    ErrorLocation loc{.file = source_, .field = path, .expected = expected};
    if (value != nullptr) loc.value = value->is_string() ? value->get<std::string>() : value->dump();
    throw InvalidData(detail, std::move(loc));
  }
  [[noreturn]] void Refuse(const std::string& path, const std::string& detail, const std::string& value) const {
    throw Unsupported(detail, {.file = source_, .field = path, .value = value});
  }

  const Json& Member(const Json& object, const std::string& path, const char* key) const {
    const Json* v = Optional(object, path, key);
    if (v == nullptr) Fail(Join(path, key), "missing", "a member in " + Show(path));
    return *v;
  }
  const Json* Optional(const Json& object, const std::string& path, const char* key) const {
    if (!object.is_object()) Fail(Show(path), fmt::format("is a {}", object.type_name()), "a JSON object", &object);
    const auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
  }
  const Json& Array(const Json& v, const std::string& path, std::optional<std::size_t> size = std::nullopt) const {
    if (!v.is_array()) Fail(path, fmt::format("is a {}", v.type_name()), "a JSON array", &v);
    if (size && v.size() != *size)
      Fail(path, fmt::format("has {} elements", v.size()), fmt::format("{} elements", *size));
    return v;
  }
  std::string String(const Json& v, const std::string& path) const {
    if (!v.is_string()) Fail(path, fmt::format("is a {}", v.type_name()), "a string", &v);
    return v.get<std::string>();
  }
  std::int64_t Int(const Json& v, const std::string& path) const {
    if (v.is_number_unsigned() &&
        v.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      Fail(path, "is too large", "an integer", &v);
    }
    if (!v.is_number_integer()) Fail(path, fmt::format("is a {}", v.type_name()), "an integer", &v);
    return v.get<std::int64_t>();
  }
  // XGBoost keeps model parameters as strings: "num_class": "3", "base_score": "5E-1" (2.x: "[5E-1]").
  std::int64_t IntString(const Json& v, const std::string& path) const {
    const std::string s = String(v, path);
    std::int64_t out = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec != std::errc() || end != s.data() + s.size()) Fail(path, "is not an integer", "an integer in a string", &v);
    return out;
  }
  float FloatString(const Json& v, const std::string& path) const {
    std::string s = String(v, path);
    if (s.size() >= 2 && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);
    float out = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(out)) {
      Fail(path, "is not a finite number", "a number in a string", &v);
    }
    return out;
  }
  // A float32 number, or one of XGBoost's non-finite words (rewritten to strings before parsing).
  float Float(const Json& v, const std::string& path) const {
    if (v.is_number_float()) return v.get<float>();
    if (v.is_number_integer()) return static_cast<float>(v.get<std::int64_t>());
    if (v.is_string()) {
      const auto& s = v.get_ref<const std::string&>();
      if (s == "N") return std::numeric_limits<float>::quiet_NaN();
      if (s == "Infini") return std::numeric_limits<float>::infinity();
      if (s == "-Infini") return -std::numeric_limits<float>::infinity();
    }
    Fail(path, fmt::format("is a {}", v.type_name()), "a number", &v);
  }

  // Elements of a member array; paths of elements are formatted only on failure.
  std::vector<std::int64_t> Ints(const Json& object, const std::string& path, const char* key, std::size_t size) const {
    const std::string array_path = Join(path, key);
    const Json& a = Array(Member(object, path, key), array_path, size);
    std::vector<std::int64_t> out(size);
    for (std::size_t i = 0; i < size; ++i)
      out[i] = a[i].is_boolean() ? (a[i].get<bool>() ? 1 : 0) : IntAt(a[i], array_path, i);
    return out;
  }
  std::vector<float> Floats(const Json& object, const std::string& path, const char* key, std::size_t size) const {
    const std::string array_path = Join(path, key);
    const Json& a = Array(Member(object, path, key), array_path, size);
    std::vector<float> out(size);
    for (std::size_t i = 0; i < size; ++i) {
      out[i] = a[i].is_number_float() ? a[i].get<float>() : Float(a[i], fmt::format("{}[{}]", array_path, i));
    }
    return out;
  }
  std::int64_t IntAt(const Json& v, const std::string& array_path, std::size_t i) const {
    // The common cases without formatting a path (nlohmann stores non-negative integers as unsigned).
    if (v.is_number_unsigned() &&
        v.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return static_cast<std::int64_t>(v.get<std::uint64_t>());
    }
    if (v.is_number_integer() && !v.is_number_unsigned()) return v.get<std::int64_t>();
    return Int(v, fmt::format("{}[{}]", array_path, i));
  }

  static std::string Join(const std::string& path, const char* key) { return path.empty() ? key : path + "." + key; }
  static std::string Show(const std::string& path) { return path.empty() ? "the document" : path; }
  const std::string& source() const { return source_; }

 private:
  std::string source_;
};

// A tree as read, before features are known to be categorical.
struct RawTree {
  std::vector<std::int64_t> left, right, split_index, default_left, split_type;
  std::vector<float> condition, loss_change, sum_hessian;
  std::map<std::int64_t, std::vector<std::int64_t>> categories;  // node -> categories XGBoost sends right
};

RawTree ReadTree(const Reader& r, const Json& tree, const std::string& path, std::int64_t num_features) {
  RawTree t;
  const Json& param = r.Member(tree, path, "tree_param");
  const std::string param_path = Reader::Join(path, "tree_param");
  const std::int64_t n = r.IntString(r.Member(param, param_path, "num_nodes"), param_path + ".num_nodes");
  if (n < 1 || n > (1LL << 31) - 1)
    r.Fail(param_path + ".num_nodes", "out of range", "at least 1 node", &param["num_nodes"]);
  if (const Json* leaf_vector = r.Optional(param, param_path, "size_leaf_vector")) {
    if (r.IntString(*leaf_vector, param_path + ".size_leaf_vector") > 1) {
      r.Refuse(param_path + ".size_leaf_vector",
               "vector-leaf trees (multi_strategy=multi_output_tree) are not imported",
               leaf_vector->get<std::string>());
    }
  }
  const auto size = static_cast<std::size_t>(n);
  t.left = r.Ints(tree, path, "left_children", size);
  t.right = r.Ints(tree, path, "right_children", size);
  t.split_index = r.Ints(tree, path, "split_indices", size);
  t.default_left = r.Ints(tree, path, "default_left", size);
  t.condition = r.Floats(tree, path, "split_conditions", size);
  t.loss_change = r.Floats(tree, path, "loss_changes", size);
  t.sum_hessian = r.Floats(tree, path, "sum_hessian", size);
  t.split_type = r.Optional(tree, path, "split_type") ? r.Ints(tree, path, "split_type", size)
                                                      : std::vector<std::int64_t>(size, 0);  // before 1.6: numeric only
  for (std::size_t i = 0; i < size; ++i) {
    const auto node_path = [&](const char* key) { return fmt::format("{}.{}[{}]", path, key, i); };
    const bool leaf = t.left[i] == -1;
    if (leaf != (t.right[i] == -1))
      r.Fail(node_path("right_children"), "one child of a node is missing",
             "-1 for both children of a leaf or neither");
    if (t.default_left[i] != 0 && t.default_left[i] != 1)
      r.Fail(node_path("default_left"), fmt::format("is {}", t.default_left[i]), "0 or 1");
    if (t.split_type[i] != 0 && t.split_type[i] != 1)
      r.Fail(node_path("split_type"), fmt::format("is {}", t.split_type[i]), "0 (numeric) or 1 (categorical)");
    if (leaf) {
      if (!std::isfinite(t.condition[i]))
        r.Fail(node_path("split_conditions"), "leaf value is not finite", "a finite leaf value");
      continue;
    }
    for (const auto* key : {"left_children", "right_children"}) {
      const std::int64_t c = key[0] == 'l' ? t.left[i] : t.right[i];
      if (c < 1 || c >= n)
        r.Fail(node_path(key), fmt::format("child {} is out of range", c), fmt::format("a node index in [1, {})", n));
    }
    if (t.split_index[i] < 0 || t.split_index[i] >= num_features) {
      r.Fail(node_path("split_indices"), fmt::format("feature {} is out of range", t.split_index[i]),
             fmt::format("a feature index in [0, {})", num_features));
    }
    if (t.split_type[i] == 0 && std::isnan(t.condition[i]))
      r.Fail(node_path("split_conditions"), "threshold is NaN", "a number");
  }
  // Categorical splits (XGBoost >= 1.6): node ids, and for each its segment of the flat category list.
  if (r.Optional(tree, path, "categories_nodes") != nullptr) {
    const std::size_t count = r.Array(r.Member(tree, path, "categories_nodes"), path + ".categories_nodes").size();
    const auto nodes = r.Ints(tree, path, "categories_nodes", count);
    const auto segments = r.Ints(tree, path, "categories_segments", count);
    const auto sizes = r.Ints(tree, path, "categories_sizes", count);
    const std::size_t total = r.Array(r.Member(tree, path, "categories"), path + ".categories").size();
    const auto flat = r.Ints(tree, path, "categories", total);
    for (std::size_t k = 0; k < count; ++k) {
      const std::int64_t node = nodes[k];
      const std::string at = fmt::format("{}.categories_nodes[{}]", path, k);
      if (node < 0 || node >= n || t.split_type[static_cast<std::size_t>(node)] != 1 ||
          t.left[static_cast<std::size_t>(node)] == -1) {
        r.Fail(at, fmt::format("node {} is not a categorical split", node), "the id of a node whose split_type is 1");
      }
      if (t.categories.count(node) != 0)
        r.Fail(at, fmt::format("node {} is listed twice", node), "each categorical node once");
      if (sizes[k] < 1 || segments[k] < 0 || segments[k] + sizes[k] > static_cast<std::int64_t>(total)) {
        r.Fail(
            fmt::format("{}.categories_segments[{}]", path, k),
            fmt::format("segment [{}, {}+{}) is outside the {} categories", segments[k], segments[k], sizes[k], total),
            "a non-empty segment of the categories array");
      }
      auto& cats = t.categories[node];
      for (std::int64_t j = segments[k]; j < segments[k] + sizes[k]; ++j) {
        const std::int64_t c = flat[static_cast<std::size_t>(j)];
        if (c < 0)
          r.Fail(fmt::format("{}.categories[{}]", path, j), fmt::format("category {} is negative", c),
                 "a category code >= 0");
        if (c > kMaxCategoryCode) {
          r.Refuse(fmt::format("{}.categories[{}]", path, j),
                   fmt::format("category code is above finai's limit of {}", kMaxCategoryCode), std::to_string(c));
        }
        cats.push_back(c);
      }
    }
  }
  for (std::size_t i = 0; i < size; ++i) {
    if (t.split_type[i] == 1 && t.left[i] != -1 && t.categories.count(static_cast<std::int64_t>(i)) == 0) {
      r.Fail(fmt::format("{}.split_type[{}]", path, i), "categorical split without categories",
             "the node in categories_nodes");
    }
  }
  return t;
}

// Node ids in finai's order: XGBoost's own ids when every node is reachable and children follow their parent (what
// XGBoost writes, so leaf indices agree with pred_leaf), else breadth-first ids (unreachable, deleted nodes dropped).
std::vector<std::int64_t> NodeOrder(const Reader& r, const RawTree& t, const std::string& path) {
  const std::size_t n = t.left.size();
  std::vector<std::int64_t> bfs{0};
  std::vector<char> seen(n, 0);
  seen[0] = 1;
  bool identity = true;
  for (std::size_t q = 0; q < bfs.size(); ++q) {
    const auto i = static_cast<std::size_t>(bfs[q]);
    if (t.left[i] == -1) continue;
    for (const std::int64_t c : {t.left[i], t.right[i]}) {
      if (seen[static_cast<std::size_t>(c)]) {
        r.Fail(fmt::format("{}.left_children[{}]", path, i), fmt::format("node {} is reached twice", c),
               "a tree (each node has one parent)");
      }
      seen[static_cast<std::size_t>(c)] = 1;
      identity = identity && c > static_cast<std::int64_t>(i);
      bfs.push_back(c);
    }
  }
  std::vector<std::int64_t> new_id(n, -1);
  if (identity && bfs.size() == n) {
    for (std::size_t i = 0; i < n; ++i) new_id[i] = static_cast<std::int64_t>(i);
  } else {
    for (std::size_t q = 0; q < bfs.size(); ++q)
      new_id[static_cast<std::size_t>(bfs[q])] = static_cast<std::int64_t>(q);
  }
  return new_id;
}

}  // namespace

GbdtModel ImportXgboostJson(std::string_view text, std::string_view source_name) {
  const Reader r(source_name);
  Json doc;
  try {
    doc = Json::parse(RewriteNonFiniteWords(text));
  } catch (const Json::parse_error& e) {
    // nlohmann reports "... parse error at line L, column C: <what>"; keep <what>, locate by the byte offset.
    std::string what = e.what();
    const auto column_at = what.find(", column ");
    const auto colon = what.find(": ", column_at == std::string::npos ? 0 : column_at);
    if (colon != std::string::npos) what = what.substr(colon + 2);
    std::int64_t line = 1, column = 1;
    for (std::size_t i = 0; i + 1 < e.byte && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    throw InvalidData(
        "malformed JSON: " + what,
        {.file = std::string(source_name), .line = line, .column = column, .expected = std::string(kExpectedModel)});
  } catch (const Json::exception& e) {
    throw InvalidData(fmt::format("malformed JSON: {}", e.what()),
                      {.file = std::string(source_name), .expected = std::string(kExpectedModel)});
  }

  GbdtModel model;
  // Version [major, minor, patch]: the JSON format exists since 1.0.
  const Json& version = r.Array(r.Member(doc, "", "version"), "version", 3);
  const std::int64_t major = r.Int(version[0], "version[0]");
  if (major < 1)
    r.Fail("version[0]", fmt::format("XGBoost {} wrote no JSON models", major), "XGBoost >= 1.0", &version[0]);
  model.provenance.producer =
      fmt::format("xgboost {}.{}.{}, imported by finai from {}", major, r.Int(version[1], "version[1]"),
                  r.Int(version[2], "version[2]"), source_name);

  const Json& learner = r.Member(doc, "", "learner");
  const Json& mparam = r.Member(learner, "learner", "learner_model_param");
  const std::string mpath = "learner.learner_model_param";
  const float base_score = r.FloatString(r.Member(mparam, mpath, "base_score"), mpath + ".base_score");
  const std::int64_t num_class = r.IntString(r.Member(mparam, mpath, "num_class"), mpath + ".num_class");
  const std::int64_t num_features = r.IntString(r.Member(mparam, mpath, "num_feature"), mpath + ".num_feature");
  if (num_features < 1 || num_features > (1 << 29) - 1) {
    r.Fail(mpath + ".num_feature", fmt::format("{} features", num_features), "between 1 and 2^29 - 1 features");
  }
  if (const Json* targets = r.Optional(mparam, mpath, "num_target")) {
    if (r.IntString(*targets, mpath + ".num_target") > 1) {
      r.Refuse(mpath + ".num_target", "multi-target models are not imported", targets->get<std::string>());
    }
  }

  // Objective: finai's objective, number of outputs and base margin.
  const std::string objective = r.String(
      r.Member(r.Member(learner, "learner", "objective"), "learner.objective", "name"), "learner.objective.name");
  if (objective == "binary:logistic" || objective == "binary:logitraw") {
    model.objective = ObjectiveKind::kBinaryLogLoss;
    model.class_labels = {"0", "1"};
    float margin = base_score;
    if (objective == "binary:logistic") {
      if (!(base_score > 0.0F && base_score < 1.0F)) {
        r.Fail(mpath + ".base_score", "is not a probability", "a base_score in (0, 1) for binary:logistic",
               &mparam["base_score"]);
      }
      margin = -std::log(1.0F / base_score - 1.0F);  // float arithmetic, as XGBoost's ProbToMargin
    }
    model.base_margin = {static_cast<double>(margin)};
  } else if (objective == "reg:squarederror" || objective == "reg:linear") {
    model.objective = ObjectiveKind::kSquaredError;
    model.base_margin = {static_cast<double>(base_score)};
  } else if (objective == "multi:softprob" || objective == "multi:softmax") {
    model.objective = ObjectiveKind::kMulticlassSoftmax;
    if (num_class < 2 || num_class > 100000)
      r.Fail(mpath + ".num_class", fmt::format("is {}", num_class), "at least 2 classes for " + objective);
    model.num_classes = static_cast<int>(num_class);
    model.base_margin.assign(static_cast<std::size_t>(num_class), static_cast<double>(base_score));
    for (std::int64_t k = 0; k < num_class; ++k) model.class_labels.push_back(std::to_string(k));
  } else {
    r.Refuse("learner.objective.name",
             "objective is not imported (finai has binary, regression and multiclass softmax)", objective);
  }
  if (model.objective != ObjectiveKind::kMulticlassSoftmax && num_class > 1) {
    r.Fail(mpath + ".num_class", fmt::format("is {}", num_class), "0 or 1 for " + objective);
  }
  model.params.objective = model.objective;
  model.params.num_classes = model.objective == ObjectiveKind::kMulticlassSoftmax ? model.num_classes : 0;

  // Features: names and types (XGBoost's "c" is categorical; "float", "int", "i", "q" are numeric).
  std::vector<std::string> names, types;
  if (const Json* v = r.Optional(learner, "learner", "feature_names")) {
    const Json& a = r.Array(*v, "learner.feature_names");
    if (!a.empty()) {
      r.Array(a, "learner.feature_names", static_cast<std::size_t>(num_features));
      std::set<std::string> unique;
      for (std::size_t i = 0; i < a.size(); ++i) {
        const std::string at = fmt::format("learner.feature_names[{}]", i);
        names.push_back(r.String(a[i], at));
        if (names.back().empty() || !unique.insert(names.back()).second)
          r.Fail(at, "empty or repeated name", "unique feature names", &a[i]);
      }
    }
  }
  if (const Json* v = r.Optional(learner, "learner", "feature_types")) {
    const Json& a = r.Array(*v, "learner.feature_types");
    if (!a.empty()) {
      r.Array(a, "learner.feature_types", static_cast<std::size_t>(num_features));
      for (std::size_t i = 0; i < a.size(); ++i) {
        const std::string at = fmt::format("learner.feature_types[{}]", i);
        types.push_back(r.String(a[i], at));
        if (types.back() != "c" && types.back() != "float" && types.back() != "int" && types.back() != "i" &&
            types.back() != "q") {
          r.Fail(at, "unknown feature type", "c, float, int, i or q", &a[i]);
        }
      }
    }
  }

  if (names.empty() && num_features > kMaxUnnamedFeatures) {
    r.Refuse(mpath + ".num_feature", fmt::format("more than {} features without feature_names", kMaxUnnamedFeatures),
             std::to_string(num_features));
  }

  // The booster: gbtree only (dart scales each tree by weight_drop, gblinear has no trees).
  const Json& booster = r.Member(learner, "learner", "gradient_booster");
  const std::string booster_name =
      r.String(r.Member(booster, "learner.gradient_booster", "name"), "learner.gradient_booster.name");
  if (booster_name != "gbtree") {
    r.Refuse("learner.gradient_booster.name", "booster is not imported (finai imports gbtree)", booster_name);
  }
  const std::string gpath = "learner.gradient_booster.model";
  const Json& gmodel = r.Member(booster, "learner.gradient_booster", "model");
  const Json& trees = r.Array(r.Member(gmodel, gpath, "trees"), gpath + ".trees");
  const std::int64_t num_trees =
      r.IntString(r.Member(r.Member(gmodel, gpath, "gbtree_model_param"), gpath, "num_trees"),
                  gpath + ".gbtree_model_param.num_trees");
  if (num_trees != static_cast<std::int64_t>(trees.size())) {
    r.Fail(gpath + ".gbtree_model_param.num_trees",
           fmt::format("says {} trees, the model has {}", num_trees, trees.size()), "equal counts");
  }
  const auto tree_info = r.Ints(gmodel, gpath, "tree_info", trees.size());

  std::vector<RawTree> raw;
  raw.reserve(trees.size());
  for (std::size_t t = 0; t < trees.size(); ++t) {
    const std::string path = fmt::format("{}.trees[{}]", gpath, t);
    if (tree_info[t] < 0 || tree_info[t] >= model.num_classes) {
      r.Fail(fmt::format("{}.tree_info[{}]", gpath, t), fmt::format("class {} is out of range", tree_info[t]),
             fmt::format("a class in [0, {})", model.num_classes));
    }
    raw.push_back(ReadTree(r, trees[t], path, num_features));
  }

  // Which features are categorical, and the largest code each one's splits name.
  const auto nf = static_cast<std::size_t>(num_features);
  std::vector<char> categorical(nf, 0), numeric_split(nf, 0);
  std::vector<std::int64_t> max_code(nf, -1);
  for (std::size_t i = 0; i < types.size(); ++i) categorical[i] = types[i] == "c";
  for (std::size_t t = 0; t < raw.size(); ++t) {
    for (std::size_t i = 0; i < raw[t].left.size(); ++i) {
      if (raw[t].left[i] == -1) continue;
      const auto f = static_cast<std::size_t>(raw[t].split_index[i]);
      if (raw[t].split_type[i] == 1) {
        categorical[f] = 1;
        for (const std::int64_t c : raw[t].categories.at(static_cast<std::int64_t>(i)))
          max_code[f] = std::max(max_code[f], c);
      } else {
        numeric_split[f] = 1;
      }
    }
  }
  for (std::size_t f = 0; f < nf; ++f) {
    FeatureInfo info;
    info.name = names.empty() ? fmt::format("f{}", f) : names[f];
    info.categorical = categorical[f] != 0;
    if (info.categorical && numeric_split[f]) {
      r.Fail(names.empty() ? fmt::format("feature {}", f) : fmt::format("learner.feature_names[{}]", f),
             "a categorical feature has a numeric split", "numeric splits on numeric features only");
    }
    // Codes 0..max as text; any other text gets the id max + 1, which XGBoost (past every bitset) sends left.
    for (std::int64_t c = 0; c <= max_code[f]; ++c) info.categories.push_back(std::to_string(c));
    model.features.push_back(std::move(info));
  }

  std::size_t category_words = 0;
  for (std::size_t t = 0; t < raw.size(); ++t) {
    const RawTree& rt = raw[t];
    const std::string path = fmt::format("{}.trees[{}]", gpath, t);
    if (const Json* id = r.Optional(trees[t], path, "id");
        id != nullptr && r.Int(*id, path + ".id") != static_cast<std::int64_t>(t)) {
      r.Fail(path + ".id", fmt::format("is {}", r.Int(*id, path + ".id")), fmt::format("{} (trees in order)", t));
    }
    const auto new_id = NodeOrder(r, rt, path);
    std::int64_t count = 0;
    for (const std::int64_t id : new_id) count += id >= 0 ? 1 : 0;
    Tree tree;
    tree.nodes.resize(static_cast<std::size_t>(count));
    for (std::size_t i = 0; i < rt.left.size(); ++i) {
      if (new_id[i] < 0) continue;
      TreeNode& node = tree.nodes[static_cast<std::size_t>(new_id[i])];
      node.cover = rt.sum_hessian[i];
      if (rt.left[i] == -1) {
        node.value = rt.condition[i];
        continue;
      }
      node.left = static_cast<std::int32_t>(new_id[static_cast<std::size_t>(rt.left[i])]);
      node.right = static_cast<std::int32_t>(new_id[static_cast<std::size_t>(rt.right[i])]);
      node.feature = static_cast<std::int32_t>(rt.split_index[i]);
      node.default_left = rt.default_left[i] == 1;
      node.gain = rt.loss_change[i];
      if (rt.split_type[i] == 0) {
        node.threshold = rt.condition[i];
        continue;
      }
      // finai sends a set's categories left: the set is every id up to the feature's unseen id except those listed.
      const auto f = static_cast<std::size_t>(node.feature);
      const auto ids = static_cast<std::size_t>(max_code[f] + 2);
      std::vector<std::uint32_t> set((ids + 31) / 32, 0);
      category_words += set.size();
      if (category_words > kMaxCategoryWords) {
        r.Refuse(fmt::format("{}.categories", path), "categorical splits need more than 64 MiB of category sets",
                 std::to_string(category_words * 4) + " bytes");
      }
      for (std::size_t c = 0; c < ids; ++c) set[c >> 5] |= 1U << (c & 31);
      for (const std::int64_t c : rt.categories.at(static_cast<std::int64_t>(i))) {
        set[static_cast<std::size_t>(c) >> 5] &= ~(1U << (c & 31));
      }
      node.category_set = static_cast<std::int32_t>(tree.category_sets.size());
      tree.category_sets.push_back(std::move(set));
    }
    // An internal node's value: the cover-weighted mean of its children, as XGBoost's TreeSHAP computes node means.
    // base_weights cannot serve: they precede the learning rate, which the model file does not record.
    for (std::size_t k = tree.nodes.size(); k-- > 0;) {
      TreeNode& node = tree.nodes[k];
      if (node.is_leaf()) continue;
      const TreeNode& a = tree.nodes[static_cast<std::size_t>(node.left)];
      const TreeNode& b = tree.nodes[static_cast<std::size_t>(node.right)];
      node.value = a.cover + b.cover > 0 ? (a.value * a.cover + b.value * b.cover) / (a.cover + b.cover)
                                         : (a.value + b.value) / 2;
    }
    model.trees.push_back(std::move(tree));
    model.tree_class.push_back(static_cast<std::int32_t>(tree_info[t]));
  }
  model.split_rule = SplitRule::kLess;
  model.float32_compare = true;
  model.params.num_rounds =
      model.trees.empty() ? 0 : static_cast<int>(model.trees.size() / static_cast<std::size_t>(model.num_classes));
  try {
    model.Validate();
  } catch (const InvalidData& e) {  // a safety net: the checks above should have named the problem already
    throw InvalidData(e.detail(), {.file = std::string(source_name), .expected = e.location().expected});
  }
  return model;
}

}  // namespace finai::gbdt
