// Model files: exact round trips through JSON and binary, and clear errors for every kind of bad file.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>

#include "finai/core/error.hpp"
#include "finai/core/file.hpp"
#include "finai/data/dataset_cache.hpp"
#include "finai/models/gbdt/model_io.hpp"
#include "finai/models/gbdt/predict.hpp"
#include "finai/models/gbdt/train.hpp"
#include "gbdt_test_util.hpp"

namespace finai::gbdt {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;
using testing::BinaryFrame;
using testing::SchemaOf;

constexpr double kInf = std::numeric_limits<double>::infinity();

std::uint64_t Bits(double v) { return std::bit_cast<std::uint64_t>(v); }

// The binary frame's features with another target.
Frame WithTarget(const Frame& base, Column target) {
  std::vector<Column> columns{std::move(target)};
  for (const char* name : {"x0", "x1", "x2", "cat"}) columns.push_back(base.column(name));
  return Frame(std::move(columns));
}

GbdtModel TrainBinary(int rounds, int depth, std::uint64_t seed) {
  const Frame train = BinaryFrame(3000, seed), valid = BinaryFrame(1000, seed + 1);
  GbdtParams p;
  p.num_rounds = rounds;
  p.max_depth = depth;
  TrainOptions options;
  options.training_data_name = "BinaryFrame(3000)";
  GbdtModel m = Train(train, SchemaOf(train, "y"), options, p, Context(), &valid).model;
  m.provenance.training_fingerprint = "00112233445566ff";
  m.features[0].description = "first feature: \"quoted\", ünïcode, tab\t";
  return m;
}

GbdtModel TrainMulticlass() {
  const Frame base = BinaryFrame(3000, 31);
  std::vector<std::int32_t> cls;
  const auto x0 = base.column("x0").float64();
  const auto cat = base.column("cat").codes();
  for (std::size_t i = 0; i < x0.size(); ++i) cls.push_back(x0[i] < -0.4 ? 0 : (x0[i] < 0.4 || cat[i] == 2) ? 1 : 2);
  const Frame train = WithTarget(base, Column::Categorical("y", cls, {"low", "mid", "high"}));
  GbdtParams p;
  p.objective = ObjectiveKind::kMulticlassSoftmax;
  p.num_rounds = 6;
  p.max_depth = 3;
  return Train(train, SchemaOf(train, "y"), {}, p, Context()).model;
}

GbdtModel TrainRegression() {
  const Frame base = BinaryFrame(3000, 41);
  Rng rng(42);
  std::vector<double> y;
  const auto x0 = base.column("x0").float64(), x2 = base.column("x2").float64();
  for (std::size_t i = 0; i < x0.size(); ++i) y.push_back(2 * x0[i] + (x2[i] > 5 ? 1 : 0) + 0.1 * rng.Normal());
  const Frame train = WithTarget(base, Column::Float64("y", y));
  GbdtParams p;
  p.objective = ObjectiveKind::kSquaredError;
  p.num_rounds = 10;
  p.max_depth = 3;
  p.monotone_constraints = {{"x0", 1}};
  return Train(train, SchemaOf(train, "y"), {}, p, Context()).model;
}

GbdtModel TrainMonotoneLeafWise() {
  const Frame train = BinaryFrame(3000, 51);
  GbdtParams p;
  p.num_rounds = 8;
  p.grow_policy = GrowPolicy::kLeafWise;
  p.max_leaves = 8;
  p.monotone_constraints = {{"x0", 1}, {"x2", -1}};
  p.interaction_constraints = {{"x0", "x2"}, {"x1", "cat"}};
  return Train(train, SchemaOf(train, "y"), {}, p, Context()).model;
}

// A small model for the error tests (5 trees of depth 3 with a categorical feature), trained once.
const GbdtModel& SmallModel() {
  static const GbdtModel model = TrainBinary(5, 3, 61);
  return model;
}

void ExpectSameModel(const GbdtModel& a, const GbdtModel& b) {
  EXPECT_EQ(a.objective, b.objective);
  EXPECT_EQ(a.num_classes, b.num_classes);
  ASSERT_EQ(a.base_margin.size(), b.base_margin.size());
  for (std::size_t k = 0; k < a.base_margin.size(); ++k) EXPECT_EQ(Bits(a.base_margin[k]), Bits(b.base_margin[k]));
  ASSERT_EQ(a.features.size(), b.features.size());
  for (std::size_t f = 0; f < a.features.size(); ++f) {
    EXPECT_EQ(a.features[f].name, b.features[f].name);
    EXPECT_EQ(a.features[f].categorical, b.features[f].categorical);
    EXPECT_EQ(a.features[f].categories, b.features[f].categories);
    EXPECT_EQ(a.features[f].monotone, b.features[f].monotone);
    EXPECT_EQ(a.features[f].description, b.features[f].description);
  }
  EXPECT_EQ(a.tree_class, b.tree_class);
  ASSERT_EQ(a.trees.size(), b.trees.size());
  for (std::size_t t = 0; t < a.trees.size(); ++t) {
    const auto& na = a.trees[t].nodes;
    const auto& nb = b.trees[t].nodes;
    EXPECT_EQ(a.trees[t].category_sets, b.trees[t].category_sets) << "tree " << t;
    ASSERT_EQ(na.size(), nb.size()) << "tree " << t;
    for (std::size_t i = 0; i < na.size(); ++i) {
      SCOPED_TRACE(::testing::Message() << "tree " << t << " node " << i);
      EXPECT_EQ(na[i].left, nb[i].left);
      EXPECT_EQ(na[i].right, nb[i].right);
      EXPECT_EQ(na[i].feature, nb[i].feature);
      EXPECT_EQ(na[i].category_set, nb[i].category_set);
      EXPECT_EQ(na[i].default_left, nb[i].default_left);
      EXPECT_EQ(Bits(na[i].threshold), Bits(nb[i].threshold));
      EXPECT_EQ(Bits(na[i].value), Bits(nb[i].value));
      EXPECT_EQ(Bits(na[i].cover), Bits(nb[i].cover));
      EXPECT_EQ(Bits(na[i].gain), Bits(nb[i].gain));
    }
  }
  EXPECT_EQ(a.split_rule, b.split_rule);
  EXPECT_EQ(a.float32_compare, b.float32_compare);
  EXPECT_EQ(a.target, b.target);
  EXPECT_EQ(a.class_labels, b.class_labels);
  EXPECT_EQ(ParamsToJson(a.params), ParamsToJson(b.params));
  EXPECT_EQ(a.provenance.producer, b.provenance.producer);
  EXPECT_EQ(a.provenance.created_at, b.provenance.created_at);
  EXPECT_EQ(a.provenance.training_data, b.provenance.training_data);
  EXPECT_EQ(a.provenance.training_fingerprint, b.provenance.training_fingerprint);
  EXPECT_EQ(a.provenance.training_rows, b.provenance.training_rows);
  ASSERT_EQ(a.provenance.metrics.size(), b.provenance.metrics.size());
  for (auto ia = a.provenance.metrics.begin(), ib = b.provenance.metrics.begin(); ia != a.provenance.metrics.end();
       ++ia, ++ib) {
    EXPECT_EQ(ia->first, ib->first);
    EXPECT_EQ(Bits(ia->second), Bits(ib->second));
  }
}

void ExpectSamePredictions(const GbdtModel& a, const GbdtModel& b, const Frame& frame) {
  const FeatureMatrix x = BuildFeatureMatrix(a, frame, Context());
  for (PredictKind kind : {PredictKind::kMargin, PredictKind::kResponse, PredictKind::kLeafIndex}) {
    const auto pa = Predict(a, x, kind, Context()), pb = Predict(b, x, kind, Context());
    const auto ra = ReferencePredict(a, x, kind), rb = ReferencePredict(b, x, kind);
    ASSERT_EQ(pa.size(), pb.size());
    ASSERT_EQ(ra.size(), rb.size());
    for (std::size_t i = 0; i < pa.size(); ++i) ASSERT_EQ(Bits(pa[i]), Bits(pb[i])) << i;
    for (std::size_t i = 0; i < ra.size(); ++i) ASSERT_EQ(Bits(ra[i]), Bits(rb[i])) << i;
  }
}

std::string MessageOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

template <class E>
std::string ErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("wrong exception type: ") + e.what();
  }
  return "(no error)";
}

// Recomputes the XXH3-64 trailer, so that a deliberately malformed body reaches the structure checks.
std::string Reseal(std::string bytes) {
  const std::uint64_t hash = HashBytes(std::string_view(bytes).substr(0, bytes.size() - 8));
  for (std::size_t i = 0; i < 8; ++i) bytes[bytes.size() - 8 + i] = static_cast<char>(hash >> (8 * i));
  return bytes;
}

// The offset of a section's payload (after its tag and length), walking the sections from the preamble.
std::size_t SectionPayload(const std::string& bytes, std::string_view tag) {
  std::size_t offset = 12;
  while (offset + 12 <= bytes.size()) {
    std::uint64_t length = 0;
    std::memcpy(&length, bytes.data() + offset + 4, 8);
    if (std::string_view(bytes).substr(offset, 4) == tag) return offset + 12;
    offset += 12 + length;
  }
  ADD_FAILURE() << "no section " << tag;
  return 0;
}

void PutU32(std::string& bytes, std::size_t offset, std::uint32_t v) { std::memcpy(bytes.data() + offset, &v, 4); }

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() / ("finai-model-io-test-" + std::to_string(::getpid()) + "-" +
                                         std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

// ---- round trips ----

TEST(GbdtModelIo, TrainedModelsRoundTripExactlyThroughJsonAndBinary) {
  const Frame test = BinaryFrame(2000, 99);
  const std::vector<std::pair<const char*, GbdtModel>> models = {
      {"binary", TrainBinary(12, 4, 21)},
      {"multiclass", TrainMulticlass()},
      {"regression", TrainRegression()},
      {"monotone leaf-wise", TrainMonotoneLeafWise()}};
  for (const auto& [what, model] : models) {
    SCOPED_TRACE(what);
    const std::string json = ModelToJson(model);
    const GbdtModel from_json = ModelFromJson(json, "m.json");
    ExpectSameModel(model, from_json);
    ExpectSamePredictions(model, from_json, test);
    EXPECT_EQ(ModelToJson(from_json), json);

    const std::string binary = ModelToBinary(model);
    const GbdtModel from_binary = ModelFromBinary(binary, "m.fgb");
    ExpectSameModel(model, from_binary);
    ExpectSamePredictions(model, from_binary, test);
    EXPECT_EQ(ModelToBinary(from_binary), binary);
    // Same content: either file converts into the other byte for byte.
    EXPECT_EQ(ModelToBinary(from_json), binary);
    EXPECT_EQ(ModelToJson(from_binary), json);
    EXPECT_LT(binary.size(), json.size());
  }
  // The trained models exercise what the format must carry.
  const GbdtModel& mc = models[1].second;
  EXPECT_EQ(mc.num_classes, 3);
  EXPECT_NE(std::find(mc.tree_class.begin(), mc.tree_class.end(), 2), mc.tree_class.end());
  bool categorical_split = false, missing_right = false;
  for (const Tree& t : models[0].second.trees) {
    categorical_split |= !t.category_sets.empty();
    for (const TreeNode& n : t.nodes) missing_right |= !n.is_leaf() && !n.default_left;
  }
  EXPECT_TRUE(categorical_split);
  EXPECT_TRUE(missing_right);
  EXPECT_FALSE(models[0].second.provenance.metrics.empty());
}

TEST(GbdtModelIo, JsonIsTheDocumentedAuditFormat) {
  const GbdtModel& m = SmallModel();
  const std::string text = ModelToJson(m);
  const Json doc = Json::parse(text);
  std::vector<std::string> keys;
  for (const auto& [key, value] : doc.items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"format", "format_version", "finai_version", "created_at", "objective",
                                            "num_classes", "base_margin", "split_rule", "float32_compare", "target",
                                            "class_labels", "features", "params", "provenance", "trees"}));
  EXPECT_EQ(doc["format"], "finai.gbdt");
  EXPECT_EQ(doc["format_version"], 1);
  EXPECT_EQ(doc["objective"], "binary");
  EXPECT_EQ(doc["split_rule"], "<=");
  EXPECT_EQ(doc["class_labels"], Json({"good", "bad"}));
  EXPECT_EQ(doc["features"][3]["type"], "categorical");
  EXPECT_EQ(doc["features"][3]["categories"].size(), 5u);
  EXPECT_EQ(doc["params"]["max_depth"], 3);
  EXPECT_EQ(doc["provenance"]["training_rows"], 3000);
  EXPECT_EQ(doc["trees"].size(), 5u);
  EXPECT_EQ(doc["trees"][0]["nodes"]["left"].size(), m.trees[0].nodes.size());
  // Columns of a tree stay on one line each, so the file is short enough to read and diff.
  EXPECT_NE(text.find("\n        \"left\": [1, "), std::string::npos) << text.substr(0, 2000);
  EXPECT_EQ(text.back(), '\n');
}

TEST(GbdtModelIo, SpecialDoublesAndRareSettingsRoundTripBitExactly) {
  GbdtModel m;
  m.objective = ObjectiveKind::kSquaredError;
  m.base_margin = {0.1 + 0.2};
  m.features = {{.name = "x"}, {.name = "c", .categorical = true, .categories = {"a", "b", "c"}}};
  m.split_rule = SplitRule::kLess;
  m.float32_compare = true;
  m.target = "y";
  m.provenance.metrics = {{"nan", std::numeric_limits<double>::quiet_NaN()}, {"minus_inf", -kInf}, {"tiny", 5e-324}};
  const std::vector<double> thresholds = {DBL_MAX, -DBL_MAX, std::numeric_limits<double>::denorm_min(), -0.0,
                                          0.1, 1.0 / 3, std::nextafter(1.0, 2.0), kInf, -kInf, DBL_MIN};
  Tree tree;
  // A chain: node 2i is internal with a leaf at 2i+1 and the next internal node at 2i+2.
  for (std::size_t i = 0; i < thresholds.size(); ++i) {
    const auto n = static_cast<std::int32_t>(tree.nodes.size());
    tree.nodes.push_back({.left = n + 1, .right = n + 2, .feature = 0, .threshold = thresholds[i],
                          .default_left = i % 2 == 0, .value = -1.0 / 3, .cover = kInf, .gain = std::nan("")});
    tree.nodes.push_back({.value = thresholds[i] == 0 ? 1e-300 : std::nextafter(0.1, 1.0) * static_cast<double>(i),
                          .cover = -0.0, .gain = 1e308});
  }
  const auto n = static_cast<std::int32_t>(tree.nodes.size());
  tree.nodes.push_back({.left = n + 1, .right = n + 2, .feature = 1, .category_set = 0, .default_left = false});
  tree.nodes.push_back({.value = 2.5});
  tree.nodes.push_back({.value = -2.5});
  tree.category_sets = {{0x5u, 0u}, {0xFFFFFFFFu}};
  m.trees = {tree, tree};
  m.tree_class = {0, 0};
  m.Validate();

  const std::string json = ModelToJson(m);
  EXPECT_NE(json.find("1.7976931348623157e+308"), std::string::npos);
  EXPECT_NE(json.find("\"Infinity\""), std::string::npos);
  EXPECT_NE(json.find("\"split_rule\": \"<\""), std::string::npos);
  const GbdtModel a = ModelFromJson(json, "m.json");
  ExpectSameModel(m, a);
  const GbdtModel b = ModelFromBinary(ModelToBinary(m), "m.fgb");
  ExpectSameModel(m, b);
  // Values on and next to every threshold, NaN, and category ids in, out of and past the sets.
  FeatureMatrix x{.rows = 0, .cols = 2};
  for (double t : thresholds) {
    for (double v : {t, std::nextafter(t, kInf), std::nextafter(t, -kInf), std::nan("")}) {
      for (double c : {0.0, 1.0, 2.0, 40.0, std::nan("")}) {
        x.values.insert(x.values.end(), {v, c});
        ++x.rows;
      }
    }
  }
  for (const GbdtModel* loaded : {&a, &b}) {
    const auto want = ReferencePredict(m, x, PredictKind::kMargin);
    const auto got = ReferencePredict(*loaded, x, PredictKind::kMargin);
    const auto fast = Predict(*loaded, x, PredictKind::kMargin, Context());
    for (std::size_t i = 0; i < want.size(); ++i) {
      ASSERT_EQ(Bits(want[i]), Bits(got[i])) << i;
      ASSERT_EQ(Bits(want[i]), Bits(fast[i])) << i;
    }
  }
}

TEST(GbdtModelIo, SaveAndLoadChooseTheFormatByExtensionAndMagic) {
  TempDir dir;
  const GbdtModel& m = SmallModel();
  SaveModel(m, dir.File("m.json"));
  SaveModel(m, dir.File("m.fgb"));
  EXPECT_EQ(ReadFileToString(dir.File("m.json")), ModelToJson(m));
  EXPECT_EQ(ReadFileToString(dir.File("m.fgb")), ModelToBinary(m));
  ExpectSameModel(m, LoadModel(dir.File("m.json")));
  ExpectSameModel(m, LoadModel(dir.File("m.fgb")));
  // The content decides, not the name.
  fs::copy_file(dir.File("m.fgb"), dir.File("binary.json"));
  ExpectSameModel(m, LoadModel(dir.File("binary.json")));
  // Saving over an existing file replaces it whole.
  SaveModel(TrainRegression(), dir.File("m.fgb"));
  EXPECT_EQ(LoadModel(dir.File("m.fgb")).objective, ObjectiveKind::kSquaredError);

  EXPECT_EQ(ErrorOf<InvalidArgument>([&] { SaveModel(m, dir.File("m.txt")); }),
            dir.File("m.txt") + ": cannot tell the model format from the file name; expected a name ending in .json "
                                "(JSON) or .fgb (binary)");
  EXPECT_THROW(LoadModel(dir.File("missing.fgb")), NotFound);
  EXPECT_THROW(SaveModel(m, dir.File("no/such/dir/m.fgb")), IoError);
}

// ---- errors: binary ----

TEST(GbdtModelIo, TruncatedBinaryIsInvalidDataAtEveryLength) {
  const std::string bytes = ModelToBinary(SmallModel());
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_THROW(ModelFromBinary(bytes.substr(0, n), "m.fgb"), InvalidData) << n;
  }
  EXPECT_EQ(MessageOf([&] { ModelFromBinary(bytes.substr(0, 0), "m.fgb"); }),
            "m.fgb: truncated: the file is 0 bytes, shorter than the 8-byte magic (at byte offset 0)");
  EXPECT_EQ(MessageOf([&] { ModelFromBinary(bytes.substr(0, 10), "m.fgb"); }),
            "m.fgb: truncated: the file ends inside the format version (at byte offset 10)");
  EXPECT_EQ(MessageOf([&] { ModelFromBinary(bytes.substr(0, 15), "m.fgb"); }),
            "m.fgb: truncated: the file is 15 bytes; even an empty model takes more than 20 (at byte offset 15)");
  const std::string cut = MessageOf([&] { ModelFromBinary(bytes.substr(0, 100), "m.fgb"); });
  EXPECT_EQ(cut.rfind("m.fgb: checksum mismatch: the file says ", 0), 0u) << cut;
  EXPECT_NE(cut.find("but its first 92 bytes hash to"), std::string::npos) << cut;
  // Through LoadModel, a file shorter than the magic but starting like it is reported as a truncated binary.
  TempDir dir;
  WriteFileAtomically(dir.File("short.fgb"), "FINA");
  EXPECT_EQ(MessageOf([&] { LoadModel(dir.File("short.fgb")); }),
            dir.File("short.fgb") +
                ": truncated: the file is 4 bytes, shorter than the 8-byte magic (at byte offset 4)");
}

TEST(GbdtModelIo, EveryFlippedBitInABinaryFileIsInvalidData) {
  const std::string bytes = ModelToBinary(SmallModel());
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    for (unsigned char mask : {0x01, 0x80}) {
      std::string bad = bytes;
      bad[i] = static_cast<char>(bad[i] ^ mask);
      try {
        ModelFromBinary(bad, "m.fgb");
        ADD_FAILURE() << "byte " << i << " mask " << int{mask} << " was accepted";
      } catch (const InvalidData& e) {
        // Past the magic and version only the checksum can tell; it always does.
        if (i >= 12) {
          ASSERT_NE(std::string(e.what()).find("checksum mismatch"), std::string::npos) << i << e.what();
        }
      }
    }
  }
}

TEST(GbdtModelIo, WrongMagicAndNewerOrZeroVersionsAreNamed) {
  std::string bytes = ModelToBinary(SmallModel());
  std::string other = bytes;
  other.replace(0, 8, std::string("FINAIDS\0", 8));
  EXPECT_EQ(MessageOf([&] { ModelFromBinary(other, "m.fgb"); }),
            "m.fgb: not a finai binary model file: it starts with 'FINAIDS\\x00', not the magic 'FINAIGB\\0' "
            "(at byte offset 0)");
  std::string newer = bytes;
  PutU32(newer, 8, 2);
  EXPECT_EQ(MessageOf([&] { ModelFromBinary(newer, "m.fgb"); }),
            "m.fgb: written by a newer finai: format_version 2; this build reads up to 1 (at byte offset 8)");
  // A newer version is refused before the checksum is looked at: a future format may change the trailer too.
  EXPECT_EQ(MessageOf([&] { ModelFromBinary(newer.substr(0, 12), "m.fgb"); }),
            "m.fgb: written by a newer finai: format_version 2; this build reads up to 1 (at byte offset 8)");
  std::string zero = bytes;
  PutU32(zero, 8, 0);
  EXPECT_EQ(MessageOf([&] { ModelFromBinary(zero, "m.fgb"); }), "m.fgb: invalid format version 0 (at byte offset 8)");
}

TEST(GbdtModelIo, MalformedBinaryBehindAValidChecksumIsNamed) {
  const std::string bytes = ModelToBinary(SmallModel());
  const std::size_t trees = SectionPayload(bytes, "TREE");
  // Tree section: u32 tree count, then tree 0: i32 class, u32 node count, i32 left[n], ...
  const std::size_t node_count = trees + 8, left0 = trees + 12;

  std::string child = bytes;
  PutU32(child, left0, 999);
  EXPECT_EQ(MessageOf([&] { ModelFromBinary(Reseal(child), "m.fgb"); }),
            "m.fgb: tree 0 node 0: child 999 out of range; expected a consistent model");

  std::string negative = bytes;
  PutU32(negative, left0, static_cast<std::uint32_t>(-7));
  EXPECT_EQ(MessageOf([&] { ModelFromBinary(Reseal(negative), "m.fgb"); }),
            fmt::format("m.fgb: column 'trees[0]': left child -7 at node 0; expected -1 or an index "
                        "(at byte offset {})", left0));

  std::string huge = bytes;
  PutU32(huge, node_count, 0x7FFFFFFF);
  const std::string huge_message = MessageOf([&] { ModelFromBinary(Reseal(huge), "m.fgb"); });
  EXPECT_EQ(huge_message.rfind("m.fgb: column 'trees[0]': impossible size: 2147483647 nodes need at least 49 bytes "
                               "each but only ", 0), 0u) << huge_message;

  std::string section = bytes;
  PutU32(section, trees - 8, 0xFFFFFF);
  EXPECT_EQ(MessageOf([&] { ModelFromBinary(Reseal(section), "m.fgb"); }).find("section TREE claims 16777215 bytes"),
            std::string("m.fgb: ").size()) << MessageOf([&] { ModelFromBinary(Reseal(section), "m.fgb"); });

  std::string tag = bytes;
  tag[trees - 12] = 'X';
  EXPECT_EQ(MessageOf([&] { ModelFromBinary(Reseal(tag), "m.fgb"); }),
            fmt::format("m.fgb: found section 'XREE' where section 'TREE' was expected (at byte offset {})",
                        trees - 12));

  std::string trailing = bytes;
  trailing.insert(trailing.size() - 8, "x");
  EXPECT_EQ(MessageOf([&] { ModelFromBinary(Reseal(trailing), "m.fgb"); }),
            fmt::format("m.fgb: 1 unexpected bytes after the last section (at byte offset {})", bytes.size() - 8));
}

TEST(GbdtModelIo, RandomlyCorruptedBinaryBehindAValidChecksumNeverCrashes) {
  // Hostile input: bytes changed and the checksum recomputed. Every outcome is a model that passed Validate (and
  // then predicts without fault) or InvalidData; run under ASan/UBSan this checks every length is bounded.
  const std::string bytes = ModelToBinary(SmallModel());
  Rng rng(123);
  int accepted = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    std::string bad = bytes;
    const int changes = 1 + static_cast<int>(rng.Below(4));
    for (int c = 0; c < changes; ++c) {
      const std::size_t at = 12 + rng.Below(bad.size() - 20);
      bad[at] = static_cast<char>(rng.Below(8) == 0 ? 0xFF : rng.Below(256));
    }
    try {
      const GbdtModel m = ModelFromBinary(Reseal(bad), "m.fgb");
      ++accepted;
      FeatureMatrix x{.rows = 4, .cols = static_cast<int>(m.features.size())};
      for (std::size_t i = 0; i < static_cast<std::size_t>(x.rows * x.cols); ++i) {
        x.values.push_back(i % 3 == 0 ? std::nan("") : rng.Normal() * 3);
      }
      const auto ref = ReferencePredict(m, x, PredictKind::kMargin);
      const auto fast = Predict(m, x, PredictKind::kMargin, Context());
      ASSERT_EQ(ref.size(), fast.size());
    } catch (const InvalidData&) {
    }
  }
  // Changed thresholds and leaf values make valid models: both outcomes must occur, or the test tests nothing.
  EXPECT_GT(accepted, 0);
  EXPECT_LT(accepted, 3000);
}

// ---- errors: JSON ----

TEST(GbdtModelIo, TruncatedOrCorruptJsonIsInvalidData) {
  const std::string text = ModelToJson(SmallModel());
  // Every cut before the final "}\n" leaves an incomplete document.
  const std::size_t step = std::max<std::size_t>(1, text.size() / 700);
  for (std::size_t n = 0; n + 2 < text.size(); n += step) {
    EXPECT_THROW(ModelFromJson(text.substr(0, n), "m.json"), InvalidData) << n;
  }
  EXPECT_EQ(MessageOf([&] { ModelFromJson(text.substr(0, 0), "m.json"); }).rfind("m.json: invalid JSON at byte 1: ", 0),
            0u);
  // A flipped byte may leave valid JSON (a digit of a number); whatever happens is a model or InvalidData.
  Rng rng(5);
  for (int trial = 0; trial < 1500; ++trial) {
    std::string bad = text;
    bad[rng.Below(bad.size())] = static_cast<char>(rng.Below(256));
    try {
      ModelFromJson(bad, "m.json");
    } catch (const InvalidData&) {
    }
  }
}

// The small model's JSON, changed by f and read back; the error message.
std::string JsonError(const std::function<void(Json&)>& f) {
  Json doc = Json::parse(ModelToJson(SmallModel()));
  f(doc);
  return MessageOf([&] { ModelFromJson(doc.dump(), "m.json"); });
}

TEST(GbdtModelIo, JsonErrorsNameTheKeyPathAndWhatWasExpected) {
  EXPECT_EQ(JsonError([](Json& d) { d["format_version"] = 2; }),
            "m.json: written by a newer finai: format_version 2; this build reads up to 1");
  // Checked before anything else: a newer version may rename every other key.
  EXPECT_EQ(JsonError([](Json& d) { d["format_version"] = 2; d["trees_v2"] = 1; d.erase("trees"); }),
            "m.json: written by a newer finai: format_version 2; this build reads up to 1");
  EXPECT_EQ(JsonError([](Json& d) { d["format_version"] = 0; }),
            "m.json: column 'format_version': value '0': invalid format version; expected 1 to 1");
  EXPECT_EQ(JsonError([](Json& d) { d["format"] = "xgboost"; }),
            "m.json: column 'format': value 'xgboost': not a finai gbdt model file; expected \"finai.gbdt\"");
  EXPECT_EQ(JsonError([](Json& d) { d["colour"] = "blue"; }),
            "m.json: column 'colour': unknown key; expected one of format, format_version, finai_version, created_at, "
            "objective, num_classes, base_margin, split_rule, float32_compare, target, class_labels, features, params, "
            "provenance, trees (names are exact)");
  EXPECT_EQ(JsonError([](Json& d) { d["trees"][3]["nodes"]["gian"] = d["trees"][3]["nodes"]["gain"]; }),
            "m.json: column 'trees[3].nodes.gian': unknown key; expected one of left, right, feature, threshold, "
            "default_left, category_set, value, cover, gain (names are exact)");
  EXPECT_EQ(JsonError([](Json& d) { d["trees"][3]["nodes"]["feature"][1] = "x0"; }),
            "m.json: column 'trees[3].nodes.feature[1]': value 'x0': wrong JSON type; expected an integer from -1 to "
            "2147483647");
  EXPECT_EQ(JsonError([](Json& d) { d["trees"][2]["nodes"]["threshold"][0] = true; }),
            "m.json: column 'trees[2].nodes.threshold[0]': value 'true': wrong JSON type; expected a number, or "
            "\"NaN\", \"Infinity\" or \"-Infinity\"");
  EXPECT_EQ(JsonError([](Json& d) { d["trees"][1]["nodes"]["left"][0] = 99; }),
            "m.json: tree 1 node 0: child 99 out of range; expected a consistent model");
  EXPECT_EQ(JsonError([](Json& d) { d["trees"][0]["nodes"]["value"].erase(0); }),
            fmt::format("m.json: column 'trees[0].nodes.value': {} entries, but left has {}; expected one entry per "
                        "node in every column", SmallModel().trees[0].nodes.size() - 1,
                        SmallModel().trees[0].nodes.size()));
  EXPECT_EQ(JsonError([](Json& d) { d["trees"][4].erase("nodes"); }),
            "m.json: column 'trees[4].nodes': missing key; expected an object of node columns");
  EXPECT_EQ(JsonError([](Json& d) { d["features"][1]["type"] = "numerical"; }),
            "m.json: column 'features[1].type': value 'numerical': unknown feature type; expected numeric or "
            "categorical");
  EXPECT_EQ(JsonError([](Json& d) { d["features"][2]["name"] = "x0"; }),
            "m.json: feature 2 'x0': the name appears twice; expected unique feature names");
  EXPECT_EQ(JsonError([](Json& d) { d["features"][3]["monotone"] = 1; }),
            "m.json: feature 3 'cat': a categorical feature cannot be monotone; expected monotone 0");
  EXPECT_EQ(JsonError([](Json& d) { d["params"]["max_dpeth"] = 3; }).rfind(
                "m.json: column 'params.max_dpeth': unknown parameter; expected", 0),
            0u);
  EXPECT_EQ(JsonError([](Json& d) { d["params"]["subsample"] = 2; }),
            "m.json: column 'params.subsample': value '2': parameter out of range; expected in (0, 1]");
  EXPECT_EQ(JsonError([](Json& d) { d["provenance"]["metrics"]["valid_auc"] = "high"; }),
            "m.json: column 'provenance.metrics.valid_auc': value 'high': wrong JSON type; expected a number, or "
            "\"NaN\", \"Infinity\" or \"-Infinity\"");
  EXPECT_EQ(JsonError([](Json& d) { d["trees"][0]["category_sets"] = Json::array({Json::array({-1})}); }),
            "m.json: column 'trees[0].category_sets[0][0]': value '-1': integer out of range; expected an integer from "
            "0 to 4294967295");
  EXPECT_EQ(JsonError([](Json& d) { d["target"] = std::string("y\0z", 3); }),
            "m.json: column 'target': invalid text: NUL byte in text at byte 1; expected valid UTF-8 without NUL "
            "bytes");
  EXPECT_EQ(JsonError([](Json& d) { d["num_classes"] = 2; d["base_margin"].push_back(0.0); }),
            "m.json: num_classes is 2 for objective binary; expected 1 for binary and regression, at least 2 for "
            "multiclass");

  EXPECT_EQ(MessageOf([] { ModelFromJson("[1, 2]", "m.json"); }),
            "m.json: column '(top level)': value '[1,2]': wrong JSON type; expected a JSON object with \"format\": "
            "\"finai.gbdt\"");
  // A large value is described rather than dumped whole into the message.
  EXPECT_EQ(JsonError([](Json& d) { d["trees"][0]["nodes"] = d["features"]; }),
            "m.json: column 'trees[0].nodes': value '(array of 4 entries)': wrong JSON type; expected an object of "
            "node columns (left, right, feature, threshold, ...)");
  EXPECT_EQ(MessageOf([] { ModelFromJson(R"({"format": "finai.gbdt", "format": "finai.gbdt"})", "m.json"); }),
            "m.json: column 'format': duplicate key; expected each key once per object");
  EXPECT_EQ(MessageOf([] { ModelFromJson(R"({"format": "finai.gbdt", "format_version": 1e999})", "m.json"); })
                .rfind("m.json: invalid JSON", 0),
            0u);
}

TEST(GbdtModelIo, JsonAllowsOptionalKeysToBeLeftOut) {
  // A minimal hand-written model: one stump. Optional keys take their documented defaults.
  const std::string text = R"({
    "format": "finai.gbdt", "format_version": 1, "objective": "regression", "num_classes": 1, "base_margin": [0.5],
    "features": [{"name": "x", "type": "numeric"}],
    "trees": [{"nodes": {"left": [1, -1, -1], "right": [2, -1, -1], "feature": [0, -1, -1],
                         "threshold": [2.5, 0, 0], "value": [0, -1, 1]}}]})";
  const GbdtModel m = ModelFromJson(text, "stump.json");
  EXPECT_EQ(m.split_rule, SplitRule::kLessEqual);
  EXPECT_TRUE(m.trees[0].nodes[0].default_left);
  EXPECT_EQ(m.trees[0].nodes[0].category_set, -1);
  EXPECT_EQ(m.tree_class, std::vector<std::int32_t>{0});
  EXPECT_EQ(ParamsToJson(m.params), ParamsToJson(GbdtParams{}));
  const FeatureMatrix x{.rows = 3, .cols = 1, .values = {2.5, 2.6, std::nan("")}};
  EXPECT_EQ(ReferencePredict(m, x, PredictKind::kMargin), (std::vector<double>{-0.5, 1.5, -0.5}));
}

TEST(GbdtModelIo, InconsistentModelsAreNeverWritten) {
  GbdtModel bad = SmallModel();
  bad.trees[2].nodes[0].right = 1000;
  EXPECT_EQ(ErrorOf<InvalidArgument>([&] { ModelToJson(bad); }),
            "cannot write an inconsistent model: tree 2 node 0: child 1000 out of range; expected a consistent model");
  EXPECT_THROW(ModelToBinary(bad), InvalidArgument);
  GbdtModel bad_text = SmallModel();
  bad_text.features[1].name = "x\xff";
  EXPECT_EQ(ErrorOf<InvalidArgument>([&] { ModelToJson(bad_text); }).rfind(
                "cannot write an inconsistent model: the name of feature 1 is not valid text", 0),
            0u);
  EXPECT_THROW(ModelToBinary(bad_text), InvalidArgument);
  GbdtModel bad_params = SmallModel();
  bad_params.params.learning_rate = std::nan("");
  EXPECT_EQ(ErrorOf<InvalidArgument>([&] { ModelToBinary(bad_params); }),
            "column 'params.learning_rate': value 'nan': cannot write an inconsistent model: parameter out of range; "
            "expected in (0, 1]");
  TempDir dir;
  EXPECT_THROW(SaveModel(bad, dir.File("m.fgb")), InvalidArgument);
  EXPECT_FALSE(fs::exists(dir.File("m.fgb")));
}

}  // namespace
}  // namespace finai::gbdt
