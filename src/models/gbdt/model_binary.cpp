// The binary model format (".fgb", docs/model_format.md byte by byte), SaveModel / LoadModel, and the content
// rules every model reader shares (ValidateModelContent). The little-endian writer, the bounds-checked reader and
// the XXH3-64 trailer are the dataset cache's (src/data/binary_io.hpp): one audited reader of untrusted bytes.
#include <fmt/format.h>

#include <array>
#include <cmath>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <span>
#include <unordered_set>

#include "core/utf8.hpp"
#include "data/binary_io.hpp"
#include "finai/core/check.hpp"
#include "finai/core/error.hpp"
#include "finai/core/file.hpp"
#include "finai/data/dataset_cache.hpp"
#include "finai/models/gbdt/model_io.hpp"

namespace finai::gbdt {
namespace {

using detail::BinaryReader;
using detail::BinaryWriter;

constexpr std::string_view kMagic{"FINAIGB\0", 8};
constexpr std::size_t kPreambleBytes = 12;  // magic + format version
constexpr std::size_t kChecksumBytes = 8;
constexpr std::size_t kTextBytes = 4;      // the smallest text: its length, empty
constexpr std::size_t kFeatureBytes = 14;  // name, type, monotone, description, category count
constexpr std::size_t kMetricBytes = 12;   // name, value
constexpr std::size_t kTreeBytes = 12;     // class, node count, category set count
constexpr std::size_t kNodeBytes = 49;     // 4 x i32, 4 x f64, 1 x u8
constexpr std::size_t kSetBytes = 4;       // word count

// Sections of format version 1, each present once, in this order.
constexpr std::string_view kHead = "HEAD", kFeatures = "FEAT", kParams = "PARM", kProvenance = "PROV",
                           kTrees = "TREE";

// On-disk codes are positions in this table: append only, never reorder.
constexpr std::array kObjectiveCodes{ObjectiveKind::kBinaryLogLoss, ObjectiveKind::kSquaredError,
                                     ObjectiveKind::kMulticlassSoftmax};

// ---- writing ----

void PutCount(BinaryWriter& out, std::size_t count, const char* what) {
  if (count > std::numeric_limits<std::uint32_t>::max()) {
    throw InvalidArgument(fmt::format("{} {}: more than the model format holds (2^32 - 1)", count, what));
  }
  out.Put(static_cast<std::uint32_t>(count));
}

void PutText(BinaryWriter& out, std::string_view text, const char* what) {
  PutCount(out, text.size(), what);  // bytes of text
  out.PutBytes(text.data(), text.size());
}

void PutTexts(BinaryWriter& out, const std::vector<std::string>& texts, const char* what) {
  PutCount(out, texts.size(), what);
  for (const auto& t : texts) PutText(out, t, what);
}

// Each section is length-prefixed, so its bytes are counted by a dry run first: the bodies are pure functions
// of the model, and the dry run only sums sizes.
void PutSection(BinaryWriter& out, std::string_view tag, const std::function<void(BinaryWriter&)>& body) {
  BinaryWriter counter([](std::string_view) {});
  body(counter);
  out.PutBytes(tag.data(), tag.size());
  out.Put(counter.size());
  body(out);
}

void PutHead(BinaryWriter& out, const GbdtModel& m) {
  PutText(out, FINAI_VERSION, "finai version");
  std::uint8_t objective = 0;
  while (objective + 1U < kObjectiveCodes.size() && kObjectiveCodes[objective] != m.objective) ++objective;
  FINAI_CHECK(kObjectiveCodes[objective] == m.objective, "objective without an on-disk code");
  out.Put(objective);
  out.Put(static_cast<std::uint8_t>(m.split_rule == SplitRule::kLess ? 1 : 0));
  out.Put(static_cast<std::uint8_t>(m.float32_compare ? 1 : 0));
  out.Put(static_cast<std::uint32_t>(m.num_classes));
  out.PutArray(std::span<const double>(m.base_margin));  // num_classes values (the model is validated)
  PutText(out, m.target, "target");
  PutTexts(out, m.class_labels, "class labels");
}

void PutFeatures(BinaryWriter& out, const GbdtModel& m) {
  PutCount(out, m.features.size(), "features");
  for (const FeatureInfo& f : m.features) {
    PutText(out, f.name, "feature name");
    out.Put(static_cast<std::uint8_t>(f.categorical ? 1 : 0));
    out.Put(static_cast<std::int8_t>(f.monotone));
    PutText(out, f.description, "description");
    PutTexts(out, f.categories, "categories");
  }
}

void PutProvenance(BinaryWriter& out, const ModelProvenance& p) {
  PutText(out, p.producer, "producer");
  PutText(out, p.created_at, "created_at");
  PutText(out, p.training_data, "training data");
  PutText(out, p.training_fingerprint, "training fingerprint");
  out.Put(static_cast<std::int64_t>(p.training_rows));
  PutCount(out, p.metrics.size(), "metrics");
  for (const auto& [name, value] : p.metrics) {
    PutText(out, name, "metric name");
    out.Put(value);
  }
}

template <class T, class Member>
void PutColumn(BinaryWriter& out, const std::vector<TreeNode>& nodes, Member member) {
  for (const TreeNode& n : nodes) out.Put(static_cast<T>(n.*member));
}

void PutTrees(BinaryWriter& out, const GbdtModel& m) {
  PutCount(out, m.trees.size(), "trees");
  for (std::size_t t = 0; t < m.trees.size(); ++t) {
    const Tree& tree = m.trees[t];
    out.Put(m.tree_class[t]);
    PutCount(out, tree.nodes.size(), "nodes");
    PutColumn<std::int32_t>(out, tree.nodes, &TreeNode::left);
    PutColumn<std::int32_t>(out, tree.nodes, &TreeNode::right);
    PutColumn<std::int32_t>(out, tree.nodes, &TreeNode::feature);
    PutColumn<std::int32_t>(out, tree.nodes, &TreeNode::category_set);
    PutColumn<std::uint8_t>(out, tree.nodes, &TreeNode::default_left);
    PutColumn<double>(out, tree.nodes, &TreeNode::threshold);
    PutColumn<double>(out, tree.nodes, &TreeNode::value);
    PutColumn<double>(out, tree.nodes, &TreeNode::cover);
    PutColumn<double>(out, tree.nodes, &TreeNode::gain);
    PutCount(out, tree.category_sets.size(), "category sets");
    for (const auto& set : tree.category_sets) {
      PutCount(out, set.size(), "bitset words");
      out.PutArray(std::span<const std::uint32_t>(set));
    }
  }
}

// ---- reading ----

std::string GetText(BinaryReader& in, const char* what) {
  const std::size_t start = in.offset();
  const auto size = in.Get<std::uint32_t>(what);
  const std::string_view text = in.GetBytes(size, what);
  if (auto problem = CheckText(text)) {
    in.FailAt(start + 4 + problem->offset, fmt::format("{} is not valid text: {}", what, problem->detail));
  }
  return std::string(text);
}

// A count followed by that many items of at least min_bytes each: refused before anything is allocated when
// they cannot fit in what is left.
std::uint32_t GetCount(BinaryReader& in, const char* what, std::size_t min_bytes) {
  const auto count = in.Get<std::uint32_t>(what);
  in.RequireFits(count, min_bytes, what);
  return count;
}

std::vector<std::string> GetTexts(BinaryReader& in, const char* count_what, const char* what) {
  const std::uint32_t count = GetCount(in, count_what, kTextBytes);
  std::vector<std::string> out;
  out.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) out.push_back(GetText(in, what));
  return out;
}

std::uint8_t GetFlag(BinaryReader& in, const char* what) {
  const std::size_t start = in.offset();
  const auto v = in.Get<std::uint8_t>(what);
  if (v > 1) in.FailAt(start, fmt::format("{} is {}; expected 0 or 1", what, v));
  return v;
}

// Runs body on a reader that ends where the section ends, so a section can never read into the next one.
// Offsets in its messages still count from the start of the file.
void ReadSection(BinaryReader& in, std::string_view payload, std::string_view tag,
                 const std::function<void(BinaryReader&)>& body) {
  const std::size_t start = in.offset();
  const std::string_view got = in.GetBytes(tag.size(), "section tag");
  if (got != tag) {
    in.FailAt(start, fmt::format("found section '{}' where section '{}' was expected", QuoteValue(got), tag));
  }
  const std::size_t length_offset = in.offset();
  const auto length = in.Get<std::uint64_t>("section length");
  if (length > in.remaining()) {
    in.FailAt(length_offset, fmt::format("section {} claims {} bytes but only {} remain", tag, length, in.remaining()));
  }
  BinaryReader section(payload.substr(0, in.offset() + static_cast<std::size_t>(length)), in.name());
  section.GetBytes(in.offset(), "preceding sections");
  body(section);
  if (section.remaining() != 0) {
    section.Fail(fmt::format("{} unexpected bytes at the end of section {}", section.remaining(), tag));
  }
  in.GetBytes(static_cast<std::size_t>(length), "section");
}

void GetHead(BinaryReader& in, GbdtModel& m) {
  GetText(in, "finai version");  // informational only
  const std::size_t objective_offset = in.offset();
  const auto objective = in.Get<std::uint8_t>("objective");
  if (objective >= kObjectiveCodes.size()) {
    in.FailAt(objective_offset, fmt::format("unknown objective code {}; expected 0 to {}", objective,
                                            kObjectiveCodes.size() - 1));
  }
  m.objective = kObjectiveCodes[objective];
  m.split_rule = GetFlag(in, "split rule") == 1 ? SplitRule::kLess : SplitRule::kLessEqual;
  m.float32_compare = GetFlag(in, "float32_compare") == 1;
  const std::size_t classes_offset = in.offset();
  const auto num_classes = in.Get<std::uint32_t>("number of classes");
  if (num_classes < 1 || num_classes > static_cast<std::uint32_t>(std::numeric_limits<std::int32_t>::max())) {
    in.FailAt(classes_offset, fmt::format("number of classes is {}; expected at least 1", num_classes));
  }
  m.num_classes = static_cast<int>(num_classes);
  m.base_margin = in.GetArray<double>(num_classes, "base margins");
  m.target = GetText(in, "target");
  m.class_labels = GetTexts(in, "class label count", "class label");
}

void GetFeatures(BinaryReader& in, GbdtModel& m) {
  const std::uint32_t count = GetCount(in, "features", kFeatureBytes);
  m.features.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    in.set_field(fmt::format("features[{}]", i));
    FeatureInfo f;
    f.name = GetText(in, "feature name");
    f.categorical = GetFlag(in, "feature type") == 1;
    f.monotone = in.Get<std::int8_t>("monotone");
    f.description = GetText(in, "description");
    f.categories = GetTexts(in, "category count", "category");
    m.features.push_back(std::move(f));
  }
  in.set_field({});
}

void GetParams(BinaryReader& in, GbdtModel& m) {
  const std::size_t start = in.offset();
  const std::string text = GetText(in, "parameters");
  try {
    m.params = ParseParams(text, in.name());
  } catch (const InvalidData& e) {
    const std::string& field = e.location().field;
    throw InvalidData(fmt::format("{} (in the parameters at byte offset {})", e.detail(), start),
                      {.file = in.name(), .field = field.empty() ? "params" : "params." + field,
                       .value = e.location().value, .expected = e.location().expected});
  } catch (const nlohmann::json::exception& e) {
    // ParseParams turns syntax errors into InvalidData but not, e.g., a number too large for a double.
    in.FailAt(start, fmt::format("invalid parameters: {}", e.what()));
  }
}

void GetProvenance(BinaryReader& in, ModelProvenance& p) {
  p.producer = GetText(in, "producer");
  p.created_at = GetText(in, "created_at");
  p.training_data = GetText(in, "training data");
  p.training_fingerprint = GetText(in, "training fingerprint");
  p.training_rows = in.Get<std::int64_t>("training rows");
  const std::uint32_t count = GetCount(in, "metrics", kMetricBytes);
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::size_t start = in.offset();
    std::string name = GetText(in, "metric name");
    const auto value = in.Get<double>("metric value");
    if (!p.metrics.emplace(std::move(name), value).second) in.FailAt(start, "a metric name appears twice");
  }
}

// Child, feature and category-set indices are -1 (none) or an index; Validate checks the upper bounds.
void GetIndexColumn(BinaryReader& in, std::vector<TreeNode>& nodes, std::int32_t TreeNode::*member, const char* what) {
  const std::size_t start = in.offset();
  const auto values = in.GetArray<std::int32_t>(nodes.size(), what);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (values[i] < -1) {
      in.FailAt(start + 4 * i, fmt::format("{} {} at node {}; expected -1 or an index", what, values[i], i));
    }
    nodes[i].*member = values[i];
  }
}

void GetDoubleColumn(BinaryReader& in, std::vector<TreeNode>& nodes, double TreeNode::*member, const char* what) {
  const auto values = in.GetArray<double>(nodes.size(), what);
  for (std::size_t i = 0; i < nodes.size(); ++i) nodes[i].*member = values[i];
}

void GetTrees(BinaryReader& in, GbdtModel& m) {
  const std::uint32_t count = GetCount(in, "trees", kTreeBytes);
  m.trees.reserve(count);
  m.tree_class.reserve(count);
  for (std::uint32_t t = 0; t < count; ++t) {
    in.set_field(fmt::format("trees[{}]", t));
    m.tree_class.push_back(in.Get<std::int32_t>("tree class"));
    Tree tree;
    tree.nodes.resize(GetCount(in, "nodes", kNodeBytes));
    GetIndexColumn(in, tree.nodes, &TreeNode::left, "left child");
    GetIndexColumn(in, tree.nodes, &TreeNode::right, "right child");
    GetIndexColumn(in, tree.nodes, &TreeNode::feature, "feature");
    GetIndexColumn(in, tree.nodes, &TreeNode::category_set, "category set");
    for (TreeNode& node : tree.nodes) node.default_left = GetFlag(in, "default_left") == 1;
    GetDoubleColumn(in, tree.nodes, &TreeNode::threshold, "thresholds");
    GetDoubleColumn(in, tree.nodes, &TreeNode::value, "values");
    GetDoubleColumn(in, tree.nodes, &TreeNode::cover, "covers");
    GetDoubleColumn(in, tree.nodes, &TreeNode::gain, "gains");
    const std::uint32_t sets = GetCount(in, "category sets", kSetBytes);
    tree.category_sets.reserve(sets);
    for (std::uint32_t s = 0; s < sets; ++s) {
      const auto words = in.Get<std::uint32_t>("bitset words");
      tree.category_sets.push_back(in.GetArray<std::uint32_t>(words, "bitset"));
    }
    m.trees.push_back(std::move(tree));
  }
  in.set_field({});
}

// Magic and version come first and are checked before the checksum, so that a future format may change
// everything after them (the checksum included) and still be refused with a clear message.
void CheckPreamble(std::string_view bytes, const std::string& name) {
  const BinaryReader at(bytes, name);
  if (bytes.size() < kMagic.size() && kMagic.substr(0, bytes.size()) == bytes) {
    at.FailAt(bytes.size(),
              fmt::format("truncated: the file is {} bytes, shorter than the 8-byte magic", bytes.size()));
  }
  if (bytes.substr(0, kMagic.size()) != kMagic) {
    at.FailAt(0, fmt::format("not a finai binary model file: it starts with '{}', not the magic 'FINAIGB\\0'",
                             QuoteValue(bytes.substr(0, kMagic.size()))));
  }
  if (bytes.size() < kPreambleBytes) at.FailAt(bytes.size(), "truncated: the file ends inside the format version");
  BinaryReader in(bytes, name);
  in.GetBytes(kMagic.size(), "magic");
  const auto version = in.Get<std::uint32_t>("format version");
  if (version > kModelFormatVersion) {
    at.FailAt(kMagic.size(), fmt::format("written by a newer finai: format_version {}; this build reads up to {}",
                                         version, kModelFormatVersion));
  }
  if (version == 0) at.FailAt(kMagic.size(), "invalid format version 0");
}

}  // namespace

void ValidateModelContent(const GbdtModel& model, std::string_view source_name) {
  const std::string source(source_name);
  auto fail = [&](std::string detail, std::string expected = "a consistent model") {
    throw InvalidData(std::move(detail), {.file = source, .expected = std::move(expected)});
  };
  auto text = [&](std::string_view value, const std::string& what) {
    if (auto problem = CheckText(value)) {
      fail(fmt::format("{} is not valid text: {} at byte {}", what, problem->detail, problem->offset),
           "valid UTF-8 without NUL bytes");
    }
  };
  try {
    model.Validate();
  } catch (const InvalidData& e) {
    throw InvalidData(e.detail(), {.file = source, .field = e.location().field, .value = e.location().value,
                                   .expected = e.location().expected});
  }
  const bool multiclass = model.objective == ObjectiveKind::kMulticlassSoftmax;
  if (multiclass ? model.num_classes < 2 : model.num_classes != 1) {
    fail(fmt::format("num_classes is {} for objective {}", model.num_classes, ObjectiveName(model.objective)),
         "1 for binary and regression, at least 2 for multiclass");
  }
  for (std::size_t k = 0; k < model.base_margin.size(); ++k) {
    if (!std::isfinite(model.base_margin[k])) fail(fmt::format("base margin {} is not finite", k));
  }
  const std::size_t labels = model.class_labels.size();
  const std::size_t want = model.objective == ObjectiveKind::kSquaredError ? 0
                           : multiclass ? static_cast<std::size_t>(model.num_classes) : 2;
  if (labels != 0 && labels != want) {
    fail(fmt::format("{} class labels for objective {} with {} classes", labels, ObjectiveName(model.objective),
                     model.num_classes),
         fmt::format("none or {}", want));
  }
  std::unordered_set<std::string_view> names;
  for (std::size_t i = 0; i < model.features.size(); ++i) {
    const FeatureInfo& f = model.features[i];
    const std::string what = fmt::format("feature {} '{}'", i, QuoteValue(f.name));
    text(f.name, fmt::format("the name of feature {}", i));
    if (f.name.empty()) fail(fmt::format("feature {} has an empty name", i), "a non-empty column name");
    if (!names.insert(f.name).second) fail(what + ": the name appears twice", "unique feature names");
    if (f.monotone < -1 || f.monotone > 1) fail(fmt::format("{}: monotone {}", what, f.monotone), "-1, 0 or 1");
    if (f.categorical && f.monotone != 0) fail(what + ": a categorical feature cannot be monotone", "monotone 0");
    if (!f.categorical && !f.categories.empty()) {
      fail(fmt::format("{}: numeric but has {} categories", what, f.categories.size()), "no categories");
    }
    text(f.description, what + ": the description");
    std::unordered_set<std::string_view> seen;
    for (const auto& c : f.categories) {
      text(c, what + ": a category");
      if (!seen.insert(c).second) {
        fail(fmt::format("{}: category '{}' appears twice", what, QuoteValue(c)), "unique categories");
      }
    }
  }
  text(model.target, "the target");
  for (const auto& label : model.class_labels) text(label, "a class label");
  const ModelProvenance& p = model.provenance;
  text(p.producer, "provenance.producer");
  text(p.created_at, "created_at");
  text(p.training_data, "provenance.training_data");
  text(p.training_fingerprint, "provenance.training_fingerprint");
  if (p.training_rows < 0) fail(fmt::format("provenance.training_rows is {}", p.training_rows), ">= 0");
  for (const auto& [name, value] : p.metrics) text(name, "a metric name");
  try {
    model.params.Validate();  // a file must carry parameters that ParseParams reads back
  } catch (const InvalidArgument& e) {
    throw InvalidData(e.detail(), {.file = source, .field = "params." + e.location().field,
                                   .value = e.location().value, .expected = e.location().expected});
  }
  text(model.params.eval_metric, "params.eval_metric");
  for (const auto& [label, w] : model.params.class_weights) text(label, "a params.class_weights label");
  for (const auto& [name, c] : model.params.monotone_constraints) text(name, "a params.monotone_constraints name");
  for (const auto& group : model.params.interaction_constraints) {
    for (const auto& name : group) text(name, "a params.interaction_constraints name");
  }
}

std::string ModelToBinary(const GbdtModel& model) {
  try {
    ValidateModelContent(model, "");
  } catch (const InvalidData& e) {
    throw InvalidArgument("cannot write an inconsistent model: " + e.detail(),
                          {.field = e.location().field, .value = e.location().value,
                           .expected = e.location().expected});
  }
  std::string bytes;
  BinaryWriter out([&bytes](std::string_view chunk) { bytes.append(chunk); });
  out.PutBytes(kMagic.data(), kMagic.size());
  out.Put(kModelFormatVersion);
  PutSection(out, kHead, [&](BinaryWriter& w) { PutHead(w, model); });
  PutSection(out, kFeatures, [&](BinaryWriter& w) { PutFeatures(w, model); });
  PutSection(out, kParams, [&](BinaryWriter& w) { PutText(w, ParamsToJson(model.params), "parameters"); });
  PutSection(out, kProvenance, [&](BinaryWriter& w) { PutProvenance(w, model.provenance); });
  PutSection(out, kTrees, [&](BinaryWriter& w) { PutTrees(w, model); });
  out.FinishWithChecksum();
  return bytes;
}

GbdtModel ModelFromBinary(std::string_view bytes, std::string_view source_name) {
  const std::string name(source_name);
  CheckPreamble(bytes, name);
  if (bytes.size() < kPreambleBytes + kChecksumBytes) {
    BinaryReader(bytes, name).FailAt(bytes.size(), fmt::format("truncated: the file is {} bytes; even an empty model "
                                                               "takes more than {}", bytes.size(),
                                                               kPreambleBytes + kChecksumBytes));
  }
  const std::string_view payload = bytes.substr(0, bytes.size() - kChecksumBytes);
  {
    BinaryReader trailer(bytes, name);
    trailer.GetBytes(payload.size(), "payload");
    const auto stored = trailer.Get<std::uint64_t>("checksum");
    const std::uint64_t computed = HashBytes(payload);
    if (stored != computed) {
      trailer.FailAt(payload.size(), fmt::format("checksum mismatch: the file says {:016x} but its first {} bytes "
                                                 "hash to {:016x}; it is corrupt or truncated",
                                                 stored, payload.size(), computed));
    }
  }
  BinaryReader in(payload, name);
  in.GetBytes(kPreambleBytes, "preamble");
  GbdtModel model;
  ReadSection(in, payload, kHead, [&](BinaryReader& s) { GetHead(s, model); });
  ReadSection(in, payload, kFeatures, [&](BinaryReader& s) { GetFeatures(s, model); });
  ReadSection(in, payload, kParams, [&](BinaryReader& s) { GetParams(s, model); });
  ReadSection(in, payload, kProvenance, [&](BinaryReader& s) { GetProvenance(s, model.provenance); });
  ReadSection(in, payload, kTrees, [&](BinaryReader& s) { GetTrees(s, model); });
  if (in.remaining() != 0) in.Fail(fmt::format("{} unexpected bytes after the last section", in.remaining()));
  ValidateModelContent(model, name);
  return model;
}

void SaveModel(const GbdtModel& model, const std::string& path) {
  if (path.ends_with(".json")) {
    WriteFileAtomically(path, ModelToJson(model));
  } else if (path.ends_with(".fgb")) {
    WriteFileAtomically(path, ModelToBinary(model));
  } else {
    throw InvalidArgument("cannot tell the model format from the file name",
                          {.file = path, .expected = "a name ending in .json (JSON) or .fgb (binary)"});
  }
}

GbdtModel LoadModel(const std::string& path) {
  const std::string bytes = ReadFileToString(path);
  const std::string_view head = std::string_view(bytes).substr(0, kMagic.size());
  const bool binary = !bytes.empty() && kMagic.substr(0, head.size()) == head;
  return binary ? ModelFromBinary(bytes, path) : ModelFromJson(bytes, path);
}

}  // namespace finai::gbdt
