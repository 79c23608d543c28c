// LightGBM model.txt import. LightGBM's decisions (include/LightGBM/tree.h, NumericalDecision/CategoricalDecision)
// and how they map to finai's one rule "NaN -> default_left, else x <= threshold" (docs/import.md has the table):
//   Every LightGBM predictor (C API dense rows, CSV/LibSVM parsers) first replaces |x| <= kZeroThreshold (float 1e-35)
//   by 0. Then, by the node's missing type (decision_type bits 2-3):
//     None (0): NaN is replaced by 0 and compared: NaN and near-zero go where 0 <= threshold sends them.
//     Zero (1): NaN is replaced by 0; 0 goes the default direction (bit 1), every other value is compared.
//     NaN  (2): NaN goes the default direction, every other value is compared.
//   Near-zero values all go one way, so the threshold is moved, only when |threshold| <= 1e-35, to the edge of the
//   near-zero band on the side they go; NaN's direction becomes default_left. A Zero node whose default direction
//   differs from the comparison's on both sides of zero has no single-threshold equivalent: Unsupported.
//   Categorical (bit 0): the threshold indexes cat_boundaries; categories whose bit is set go left; NaN, negative and
//   unlisted categories go right -> the same bitset, default_left = false.
#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "finai/core/error.hpp"
#include "finai/models/gbdt/import.hpp"

namespace finai::gbdt {
namespace {

constexpr double kZeroThreshold = static_cast<double>(1e-35F);  // LightGBM's meta.h: a float literal in a double
constexpr std::int64_t kMaxCategoryCode = (1 << 20) - 1;        // sets are bitsets over the codes
constexpr std::string_view kExpectedFile = "a LightGBM model.txt (booster.save_model)";

struct Entry {
  std::string_view value;
  std::int64_t line = 0;
};
using Block = std::map<std::string_view, Entry, std::less<>>;

class TextReader {
 public:
  explicit TextReader(std::string_view source) : source_(source) {}

  [[noreturn]] void Fail(std::int64_t line, std::string_view key, const std::string& detail,
                         const std::string& expected, std::optional<std::string_view> value = std::nullopt) const {
    ErrorLocation loc{.file = source_, .line = line, .field = std::string(key), .expected = expected};
    if (value) loc.value = std::string(*value);
    throw InvalidData(detail, std::move(loc));
  }
  [[noreturn]] void Refuse(std::int64_t line, std::string_view key, const std::string& detail,
                           std::string_view value) const {
    throw Unsupported(detail, {.file = source_, .line = line, .field = std::string(key), .value = std::string(value)});
  }

  const Entry& Required(const Block& block, std::string_view key, std::int64_t block_line,
                        std::string_view block_name) const {
    const auto it = block.find(key);
    if (it == block.end())
      Fail(block_line, key, fmt::format("{} has no '{}=' line", block_name, key),
           "the key in " + std::string(block_name));
    return it->second;
  }
  static const Entry* Optional(const Block& block, std::string_view key) {
    const auto it = block.find(key);
    return it == block.end() ? nullptr : &it->second;
  }

  std::vector<std::string_view> Tokens(const Entry& e, char separator = ' ') const {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    const std::string_view v = e.value;
    while (start <= v.size()) {
      std::size_t end = v.find(separator, start);
      if (end == std::string_view::npos) end = v.size();
      if (end > start) out.push_back(v.substr(start, end - start));
      start = end + 1;
    }
    return out;
  }
  template <typename T>
  T Number(std::string_view token, const Entry& e, std::string_view key, const char* expected) const {
    T out{};
    const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), out);
    if (ec != std::errc() || end != token.data() + token.size()) Fail(e.line, key, "not a number", expected, token);
    if constexpr (std::is_floating_point_v<T>) {
      if (!std::isfinite(out)) Fail(e.line, key, "not finite", expected, token);
    }
    return out;
  }
  template <typename T>
  std::vector<T> Numbers(const Entry& e, std::string_view key, std::size_t size) const {
    const auto tokens = Tokens(e);
    const char* expected = std::is_floating_point_v<T> ? "finite numbers" : "integers";
    if (tokens.size() != size)
      Fail(e.line, key, fmt::format("{} values", tokens.size()), fmt::format("{} {}", size, expected));
    std::vector<T> out(size);
    for (std::size_t i = 0; i < size; ++i) out[i] = Number<T>(tokens[i], e, key, expected);
    return out;
  }
  std::int64_t Int(const Entry& e, std::string_view key, std::int64_t lo, std::int64_t hi) const {
    const auto v = Number<std::int64_t>(e.value, e, key, "an integer");
    if (v < lo || v > hi) Fail(e.line, key, "out of range", fmt::format("an integer in [{}, {}]", lo, hi), e.value);
    return v;
  }

 private:
  std::string source_;
};

// Physical lines without their end-of-line bytes, numbered from 1.
std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

// Reads key=value lines from lines[i] until a blank line or a line for which stop() holds; unknown keys are refused:
// a key finai does not know could change predictions.
template <typename Stop>
Block ReadBlock(const TextReader& r, const std::vector<std::string_view>& lines, std::size_t& i,
                const std::set<std::string_view>& known, std::string_view block_name, Stop stop) {
  Block block;
  for (; i < lines.size() && !stop(lines[i]); ++i) {
    const std::string_view line = lines[i];
    const auto number = static_cast<std::int64_t>(i + 1);
    if (line.empty()) {
      if (!block.empty() && block_name != "the header") break;
      continue;
    }
    const auto eq = line.find('=');
    const std::string_view key = line.substr(0, eq == std::string_view::npos ? line.size() : eq);
    if (key == "average_output") {
      r.Refuse(number, key, "random-forest models (average_output) are not imported", line);
    }
    if (known.count(key) == 0) {
      r.Refuse(number, key, fmt::format("unknown key in {} (finai refuses what it cannot interpret)", block_name),
               line);
    }
    if (eq == std::string_view::npos) r.Fail(number, key, "line without '='", "key=value", line);
    if (!block.emplace(key, Entry{line.substr(eq + 1), number}).second) {
      r.Fail(number, key, fmt::format("repeated key in {}", block_name), "each key once");
    }
  }
  return block;
}

bool IsTreeLine(std::string_view line) { return line.substr(0, 5) == "Tree="; }
bool IsEndLine(std::string_view line) { return line == "end of trees"; }

// The threshold that sends every value as LightGBM does, given where near-zero values go; nullopt when no single
// threshold does.
std::optional<double> EffectiveThreshold(double threshold, bool zero_left) {
  if (threshold > kZeroThreshold) return zero_left ? std::optional<double>(threshold) : std::nullopt;
  if (threshold < -kZeroThreshold) return zero_left ? std::nullopt : std::optional<double>(threshold);
  // Inside the near-zero band no value lies between the band's edge and the threshold once near-zero values are 0.
  return zero_left ? kZeroThreshold : std::nextafter(-kZeroThreshold, -std::numeric_limits<double>::infinity());
}

struct FeatureSpec {
  bool categorical = false;
  std::int64_t max_code = -1;  // largest category code seen (feature_infos or a split's bitset)
};

}  // namespace

GbdtModel ImportLightgbmText(std::string_view text, std::string_view source_name) {
  const TextReader r(source_name);
  const auto lines = SplitLines(text);
  if (lines.empty() || lines[0] != "tree") {
    r.Fail(1, "", "the first line is not 'tree'", std::string(kExpectedFile),
           lines.empty() ? std::string_view() : lines[0]);
  }
  std::size_t i = 1;
  static const std::set<std::string_view> kHeaderKeys = {
      "version",   "num_class",     "num_tree_per_iteration", "label_index",          "max_feature_idx",
      "objective", "feature_names", "feature_infos",          "monotone_constraints", "tree_sizes"};
  const Block header = ReadBlock(r, lines, i, kHeaderKeys, "the header",
                                 [](std::string_view l) { return IsTreeLine(l) || IsEndLine(l); });
  const auto need = [&](std::string_view key) -> const Entry& { return r.Required(header, key, 1, "the header"); };

  GbdtModel model;
  if (TextReader::Optional(header, "version") == nullptr) {  // LightGBM before 2.0 wrote none
    r.Refuse(1, "version", "model files without a version line (LightGBM < 2.0) are not imported", "");
  }
  const Entry& version = need("version");
  if (version.value != "v2" && version.value != "v3" && version.value != "v4") {
    r.Refuse(version.line, "version", "model format version is not imported (finai reads v2, v3 and v4)",
             version.value);
  }
  model.provenance.producer =
      fmt::format("lightgbm (model format {}), imported by finai from {}", version.value, source_name);
  const std::int64_t num_class = r.Int(need("num_class"), "num_class", 1, 100000);
  const std::int64_t per_iteration = r.Int(need("num_tree_per_iteration"), "num_tree_per_iteration", 1, 100000);
  const std::int64_t num_features = r.Int(need("max_feature_idx"), "max_feature_idx", 0, (1 << 29) - 2) + 1;
  const auto nf = static_cast<std::size_t>(num_features);

  // Objective: name, then options written as key:value.
  const auto objective_entry = header.find("objective");
  if (objective_entry == header.end()) {
    r.Refuse(1, "objective",
             "the model names no objective (trained with a custom objective?); finai cannot tell its transform", "");
  }
  const Entry& objective = objective_entry->second;
  const auto tokens = r.Tokens(objective);
  if (tokens.empty()) r.Fail(objective.line, "objective", "empty", "binary, regression or multiclass", objective.value);
  double sigmoid = 1.0;
  if (tokens[0] == "binary") {
    model.objective = ObjectiveKind::kBinaryLogLoss;
    model.class_labels = {"0", "1"};
  } else if (tokens[0] == "regression") {
    model.objective = ObjectiveKind::kSquaredError;
  } else if (tokens[0] == "multiclass") {
    model.objective = ObjectiveKind::kMulticlassSoftmax;
    model.num_classes = static_cast<int>(num_class);
    for (std::int64_t k = 0; k < num_class; ++k) model.class_labels.push_back(std::to_string(k));
  } else {
    r.Refuse(objective.line, "objective",
             "objective is not imported (finai has binary, regression (L2) and multiclass softmax)", objective.value);
  }
  for (std::size_t k = 1; k < tokens.size(); ++k) {
    const std::string_view option = tokens[k];
    if (model.objective == ObjectiveKind::kBinaryLogLoss && option.substr(0, 8) == "sigmoid:") {
      sigmoid = r.Number<double>(option.substr(8), objective, "objective", "sigmoid:<a positive number>");
      if (!(sigmoid > 0))
        r.Fail(objective.line, "objective", "sigmoid is not positive", "sigmoid:<a positive number>", option);
    } else if (model.objective == ObjectiveKind::kMulticlassSoftmax && option.substr(0, 10) == "num_class:") {
      if (r.Number<std::int64_t>(option.substr(10), objective, "objective", "num_class:<classes>") != num_class) {
        r.Fail(objective.line, "objective", "num_class differs from the header's num_class", "equal class counts",
               option);
      }
    } else {
      r.Refuse(objective.line, "objective", "objective option is not imported (it changes the transform)", option);
    }
  }
  const std::int64_t outputs = model.objective == ObjectiveKind::kMulticlassSoftmax ? num_class : 1;
  if (num_class != outputs || per_iteration != outputs) {
    r.Fail(
        need("num_tree_per_iteration").line, "num_tree_per_iteration",
        fmt::format("num_class {} and num_tree_per_iteration {} for objective {}", num_class, per_iteration, tokens[0]),
        fmt::format("both {}", outputs));
  }
  model.base_margin.assign(static_cast<std::size_t>(outputs), 0.0);  // LightGBM folds its initial score into tree 0
  model.params.objective = model.objective;
  model.params.num_classes = model.objective == ObjectiveKind::kMulticlassSoftmax ? model.num_classes : 0;

  // Features: names, kinds from feature_infos ("[min:max]" numeric, "none" unused, "c1:c2:..." categorical codes).
  const Entry& names_entry = need("feature_names");
  const auto names = r.Tokens(names_entry);
  if (names.size() != nf)
    r.Fail(names_entry.line, "feature_names", fmt::format("{} names", names.size()),
           fmt::format("{} (max_feature_idx + 1)", nf));
  const Entry& infos_entry = need("feature_infos");
  const auto infos = r.Tokens(infos_entry);
  if (infos.size() != nf)
    r.Fail(infos_entry.line, "feature_infos", fmt::format("{} entries", infos.size()),
           fmt::format("{} (max_feature_idx + 1)", nf));
  std::vector<FeatureSpec> specs(nf);
  std::set<std::string_view> unique_names;
  for (std::size_t f = 0; f < nf; ++f) {
    if (!unique_names.insert(names[f]).second)
      r.Fail(names_entry.line, "feature_names", "repeated name", "unique feature names", names[f]);
    const std::string_view info = infos[f];
    if (info == "none" || (info.size() >= 2 && info.front() == '[' && info.back() == ']')) continue;
    specs[f].categorical = true;
    Entry e{info, infos_entry.line};
    for (const auto code : r.Tokens(e, ':')) {
      const auto c =
          r.Number<std::int64_t>(code, e, "feature_infos", "[min:max], none, or category codes joined by ':'");
      if (c < 0 || c > kMaxCategoryCode)
        r.Refuse(infos_entry.line, "feature_infos", fmt::format("category code outside [0, {}]", kMaxCategoryCode),
                 code);
      specs[f].max_code = std::max(specs[f].max_code, c);
    }
  }
  std::vector<int> monotone(nf, 0);
  if (const Entry* e = TextReader::Optional(header, "monotone_constraints")) {
    const auto m = r.Numbers<std::int64_t>(*e, "monotone_constraints", nf);
    for (std::size_t f = 0; f < nf; ++f) {
      if (m[f] < -1 || m[f] > 1)
        r.Fail(e->line, "monotone_constraints", "out of range", "-1, 0 or 1", std::to_string(m[f]));
      monotone[f] = static_cast<int>(m[f]);
    }
  }

  // Trees.
  static const std::set<std::string_view> kTreeKeys = {
      "num_leaves",    "num_cat",        "split_feature",   "split_gain",     "threshold",
      "decision_type", "left_child",     "right_child",     "leaf_value",     "leaf_weight",
      "leaf_count",    "internal_value", "internal_weight", "internal_count", "cat_boundaries",
      "cat_threshold", "is_linear",      "shrinkage",       "leaf_parent",    "has_categorical"};
  while (i < lines.size() && lines[i].empty()) ++i;
  while (i < lines.size() && IsTreeLine(lines[i])) {
    const auto tree_line = static_cast<std::int64_t>(i + 1);
    const std::size_t t = model.trees.size();
    if (lines[i] != fmt::format("Tree={}", t))
      r.Fail(tree_line, "Tree", "trees out of order", fmt::format("Tree={}", t), lines[i]);
    const std::string block_name = fmt::format("Tree={}", t);
    ++i;
    const Block b =
        ReadBlock(r, lines, i, kTreeKeys, block_name, [](std::string_view l) { return IsTreeLine(l) || IsEndLine(l); });
    while (i < lines.size() && lines[i].empty()) ++i;
    const auto req = [&](std::string_view key) -> const Entry& { return r.Required(b, key, tree_line, block_name); };

    if (const Entry* e = TextReader::Optional(b, "is_linear"); e != nullptr && r.Int(*e, "is_linear", 0, 1) == 1) {
      r.Refuse(e->line, "is_linear", "linear trees (linear_tree=true) are not imported", e->value);
    }
    const std::int64_t leaves = r.Int(req("num_leaves"), "num_leaves", 1, 1 << 30);
    const auto L = static_cast<std::size_t>(leaves);
    const auto leaf_value = r.Numbers<double>(req("leaf_value"), "leaf_value", L);
    const auto optional_doubles = [&](std::string_view key, std::size_t n) {
      const Entry* e = TextReader::Optional(b, key);
      return e == nullptr ? std::vector<double>() : r.Numbers<double>(*e, key, n);
    };
    auto leaf_cover = optional_doubles("leaf_weight", L);
    if (leaf_cover.empty()) leaf_cover = optional_doubles("leaf_count", L);  // before v3: counts only

    Tree tree;
    tree.nodes.resize(2 * L - 1);
    const auto leaf_node = [&](std::int64_t leaf) {
      return static_cast<std::int32_t>(L - 1 + static_cast<std::size_t>(leaf));
    };
    for (std::size_t j = 0; j < L; ++j) {
      TreeNode& leaf = tree.nodes[L - 1 + j];
      leaf.value = leaf_value[j] * sigmoid;
      leaf.cover = leaf_cover.empty() ? 0.0 : leaf_cover[j];
    }
    if (L > 1) {
      const std::size_t n = L - 1;
      const auto feature = r.Numbers<std::int64_t>(req("split_feature"), "split_feature", n);
      const auto threshold = r.Numbers<double>(req("threshold"), "threshold", n);
      const auto decision = r.Numbers<std::int64_t>(req("decision_type"), "decision_type", n);
      const auto left = r.Numbers<std::int64_t>(req("left_child"), "left_child", n);
      const auto right = r.Numbers<std::int64_t>(req("right_child"), "right_child", n);
      const auto gain = optional_doubles("split_gain", n);
      const auto internal_value = optional_doubles("internal_value", n);
      auto internal_cover = optional_doubles("internal_weight", n);
      if (internal_cover.empty()) internal_cover = optional_doubles("internal_count", n);
      const std::int64_t num_cat =
          TextReader::Optional(b, "num_cat") ? r.Int(req("num_cat"), "num_cat", 0, 1 << 30) : 0;
      std::vector<std::int64_t> boundaries;
      std::vector<std::uint32_t> words;
      if (num_cat > 0) {
        const Entry& be = req("cat_boundaries");
        boundaries = r.Numbers<std::int64_t>(be, "cat_boundaries", static_cast<std::size_t>(num_cat) + 1);
        for (std::size_t k = 0; k < boundaries.size(); ++k) {
          if ((k == 0 && boundaries[k] != 0) || (k > 0 && boundaries[k] < boundaries[k - 1]) ||
              boundaries[k] - (k > 0 ? boundaries[k - 1] : 0) > (kMaxCategoryCode + 1) / 32) {
            r.Fail(be.line, "cat_boundaries", "not a partition of cat_threshold",
                   "0 then non-decreasing offsets, at most 32768 words apart", std::to_string(boundaries[k]));
          }
        }
        const Entry& te = req("cat_threshold");
        for (const auto w : r.Numbers<std::int64_t>(te, "cat_threshold", static_cast<std::size_t>(boundaries.back()))) {
          if (w < 0 || w > 0xFFFFFFFFLL)
            r.Fail(te.line, "cat_threshold", "not a 32-bit word", "integers in [0, 4294967295]", std::to_string(w));
          words.push_back(static_cast<std::uint32_t>(w));
        }
      }
      std::vector<int> parents(2 * L - 1, 0);
      for (std::size_t k = 0; k < n; ++k) {
        const Entry& de = req("decision_type");
        TreeNode& node = tree.nodes[k];
        if (feature[k] < 0 || feature[k] >= num_features) {
          r.Fail(req("split_feature").line, "split_feature",
                 fmt::format("node {}: feature {} out of range", k, feature[k]),
                 fmt::format("a feature index in [0, {})", num_features));
        }
        node.feature = static_cast<std::int32_t>(feature[k]);
        for (const bool is_left : {true, false}) {
          const std::int64_t c = is_left ? left[k] : right[k];
          const std::string_view key = is_left ? "left_child" : "right_child";
          const bool ok = c < 0 ? ~c < leaves : (c > static_cast<std::int64_t>(k) && c < static_cast<std::int64_t>(n));
          if (!ok) {
            r.Fail(req(key).line, key, fmt::format("node {}: child {} out of range", k, c),
                   fmt::format("a later node in [{}, {}) or a leaf ~j with j in [0, {})", k + 1, n, leaves));
          }
          const std::int32_t id = c < 0 ? leaf_node(~c) : static_cast<std::int32_t>(c);
          if (++parents[static_cast<std::size_t>(id)] > 1) {
            r.Fail(req(key).line, key,
                   fmt::format("node {}: {} {} has two parents", k, c < 0 ? "leaf" : "node", c < 0 ? ~c : c),
                   "a tree (each node has one parent)");
          }
          (is_left ? node.left : node.right) = id;
        }
        node.gain = gain.empty() ? 0.0 : gain[k];
        node.value = internal_value.empty() ? 0.0 : internal_value[k] * sigmoid;
        node.cover = internal_cover.empty() ? 0.0 : internal_cover[k];
        const std::int64_t dt = decision[k];
        const std::int64_t missing_type = (dt >> 2) & 3;
        if (dt < 0 || dt > 15 || missing_type == 3) {
          r.Fail(de.line, "decision_type", fmt::format("node {}: decision type {} is not valid", k, dt),
                 "bit 0 categorical, bit 1 default left, bits 2-3 missing type 0 (None), 1 (Zero) or 2 (NaN)",
                 std::to_string(dt));
        }
        FeatureSpec& spec = specs[static_cast<std::size_t>(feature[k])];
        if ((dt & 1) != 0) {
          const Entry& the = req("threshold");
          const double index = threshold[k];
          if (!spec.categorical) {
            r.Fail(the.line, "threshold",
                   fmt::format("node {}: categorical split on numeric feature '{}'", k,
                               names[static_cast<std::size_t>(feature[k])]),
                   "a feature whose feature_infos lists category codes");
          }
          if (index < 0 || index >= static_cast<double>(num_cat) || index != std::floor(index)) {
            r.Fail(the.line, "threshold", fmt::format("node {}: category set {} out of range", k, index),
                   fmt::format("an index in [0, {})", num_cat));
          }
          const auto s = static_cast<std::size_t>(index);
          std::vector<std::uint32_t> set(words.begin() + boundaries[s], words.begin() + boundaries[s + 1]);
          for (std::size_t w = 0; w < set.size(); ++w) {
            for (int bit = 0; bit < 32; ++bit) {
              if ((set[w] >> bit) & 1U)
                spec.max_code =
                    std::max(spec.max_code, static_cast<std::int64_t>(w * 32 + static_cast<std::size_t>(bit)));
            }
          }
          node.category_set = static_cast<std::int32_t>(tree.category_sets.size());
          tree.category_sets.push_back(std::move(set));
          node.default_left = false;  // NaN goes right
          continue;
        }
        if (spec.categorical) {
          r.Fail(de.line, "decision_type",
                 fmt::format("node {}: numeric split on categorical feature '{}'", k,
                             names[static_cast<std::size_t>(feature[k])]),
                 "categorical splits (bit 0) on categorical features");
        }
        const bool default_left = (dt & 2) != 0;
        const bool zero_left = missing_type == 1 ? default_left : 0.0 <= threshold[k];
        const auto effective = EffectiveThreshold(threshold[k], zero_left);
        if (!effective) {
          r.Refuse(de.line, "decision_type",
                   fmt::format(
                       "tree {} node {}: missing type Zero sends 0 {} but the threshold {} sends values on both sides "
                       "of 0 the other way; no single threshold reproduces it",
                       t, k, default_left ? "left" : "right", threshold[k]),
                   std::to_string(dt));
        }
        node.threshold = *effective;
        node.default_left = missing_type == 2 ? default_left : zero_left;  // None and Zero: NaN is read as 0
      }
      if (internal_value.empty()) {  // older files: the cover-weighted mean of the children
        for (std::size_t k = n; k-- > 0;) {
          TreeNode& node = tree.nodes[k];
          const TreeNode& a = tree.nodes[static_cast<std::size_t>(node.left)];
          const TreeNode& c = tree.nodes[static_cast<std::size_t>(node.right)];
          node.value = a.cover + c.cover > 0 ? (a.value * a.cover + c.value * c.cover) / (a.cover + c.cover)
                                             : (a.value + c.value) / 2;
        }
      }
    }
    model.trees.push_back(std::move(tree));
    model.tree_class.push_back(static_cast<std::int32_t>(t % static_cast<std::size_t>(outputs)));
  }
  if (i >= lines.size() || !IsEndLine(lines[i])) {
    const auto line = static_cast<std::int64_t>(std::min(i, lines.size() - 1) + 1);
    if (i >= lines.size())
      r.Fail(line, "", "the file ends before 'end of trees' (truncated?)", "'end of trees' after the last tree");
    r.Fail(line, "", "unexpected line", "'Tree=N' or 'end of trees'", lines[i]);
  }
  if (model.trees.empty())
    r.Fail(static_cast<std::int64_t>(i + 1), "", "no 'Tree=' blocks before 'end of trees'", "at least one tree");
  if (model.trees.size() % static_cast<std::size_t>(outputs) != 0) {
    r.Fail(static_cast<std::int64_t>(i + 1), "",
           fmt::format("{} trees for {} trees per iteration", model.trees.size(), outputs),
           "a whole number of iterations");
  }
  // What follows (feature importances, parameters, pandas_categorical) does not change predictions.

  for (std::size_t f = 0; f < nf; ++f) {
    FeatureInfo info;
    info.name = std::string(names[f]);
    info.categorical = specs[f].categorical;
    info.monotone = monotone[f];
    // Codes 0..max as text; any other text gets the id max + 1, outside every set: right, as LightGBM sends it.
    for (std::int64_t c = 0; c <= specs[f].max_code; ++c) info.categories.push_back(std::to_string(c));
    model.features.push_back(std::move(info));
  }
  model.split_rule = SplitRule::kLessEqual;
  model.float32_compare = false;
  model.params.num_rounds = static_cast<int>(model.trees.size() / static_cast<std::size_t>(outputs));
  try {
    model.Validate();
  } catch (const InvalidData& e) {  // a safety net: the checks above should have named the problem already
    throw InvalidData(e.detail(), {.file = std::string(source_name), .expected = e.location().expected});
  }
  return model;
}

}  // namespace finai::gbdt
