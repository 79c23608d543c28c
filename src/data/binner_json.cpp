// JSON form of FeatureBins and Binner, as stored in model files. Loading is strict: a missing, unknown or
// ill-typed key is InvalidData naming its path, because a model file that loads "mostly" would score
// customers with bins nobody fitted.
#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "finai/core/error.hpp"
#include "finai/data/binner.hpp"

namespace finai {

namespace {

using nlohmann::json;

constexpr std::string_view kBinnerFormat = "finai.binner";
constexpr int kBinnerVersion = 1;

std::string KeyPath(std::string_view path, std::string_view key) {
  return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
}

std::string ShortJson(const json& value) { return QuoteValue(value.dump(), 48); }

[[noreturn]] void ThrowBadKey(std::string message, std::string key_path, const json* value, std::string expected) {
  ErrorLocation location{.field = std::move(key_path), .expected = std::move(expected)};
  if (value != nullptr) location.value = ShortJson(*value);
  throw InvalidData(std::move(message), std::move(location));
}

void RequireObject(const json& j, std::string_view path) {
  if (!j.is_object())
    ThrowBadKey("expected a JSON object", path.empty() ? "(root)" : std::string(path), &j, "an object");
}

void RejectUnknownKeys(const json& j, std::string_view path, std::initializer_list<std::string_view> allowed) {
  for (const auto& item : j.items()) {
    if (std::find(allowed.begin(), allowed.end(), item.key()) == allowed.end()) {
      std::string names;
      for (std::string_view a : allowed) names += names.empty() ? std::string(a) : fmt::format(", {}", a);
      ThrowBadKey("unknown key", KeyPath(path, item.key()), nullptr, fmt::format("one of: {}", names));
    }
  }
}

const json& Require(const json& j, std::string_view path, std::string_view key) {
  const auto it = j.find(std::string(key));
  if (it == j.end()) ThrowBadKey("missing key", KeyPath(path, key), nullptr, "the key to be present");
  return *it;
}

std::string RequireString(const json& j, std::string_view path, std::string_view key) {
  const json& v = Require(j, path, key);
  if (!v.is_string()) ThrowBadKey("expected a string", KeyPath(path, key), &v, "a string");
  return v.get<std::string>();
}

std::int64_t RequireInteger(const json& j, std::string_view path, std::string_view key) {
  const json& v = Require(j, path, key);
  if (!v.is_number_integer()) ThrowBadKey("expected an integer", KeyPath(path, key), &v, "an integer");
  return v.get<std::int64_t>();
}

const json& RequireArray(const json& j, std::string_view path, std::string_view key) {
  const json& v = Require(j, path, key);
  if (!v.is_array()) ThrowBadKey("expected an array", KeyPath(path, key), &v, "an array");
  return v;
}

}  // namespace

json FeatureBins::ToJson() const {
  json j = json::object();
  j["feature"] = feature_;
  j["kind"] = kind_ == BinKind::kNumeric ? "numeric" : "categorical";
  j["column_type"] = std::string(ColumnTypeName(source_type_));
  j["num_bins"] = NumBins();
  if (kind_ == BinKind::kNumeric) {
    j["cuts"] = cuts_;  // nlohmann writes doubles with enough digits to read back the same bits
  } else {
    j["categories"] = categories_;
    j["dictionary_codes"] = dictionary_codes_;
  }
  return j;
}

FeatureBins FeatureBins::FromJson(const json& j, std::string_view path) {
  RequireObject(j, path);
  const std::string kind = RequireString(j, path, "kind");
  if (kind != "numeric" && kind != "categorical") {
    ThrowBadKey("unknown bin kind", KeyPath(path, "kind"), &j.at("kind"), "\"numeric\" or \"categorical\"");
  }
  const bool numeric = kind == "numeric";
  if (numeric) {
    RejectUnknownKeys(j, path, {"feature", "kind", "column_type", "num_bins", "cuts"});
  } else {
    RejectUnknownKeys(j, path, {"feature", "kind", "column_type", "num_bins", "categories", "dictionary_codes"});
  }
  std::string feature = RequireString(j, path, "feature");
  const std::string type_name = RequireString(j, path, "column_type");
  std::optional<ColumnType> type;
  for (ColumnType t : {ColumnType::kFloat64, ColumnType::kFloat32, ColumnType::kDateTime, ColumnType::kCategorical}) {
    if (type_name == ColumnTypeName(t)) type = t;
  }
  if (!type || (*type == ColumnType::kCategorical) == numeric) {
    ThrowBadKey("column type does not fit the bin kind", KeyPath(path, "column_type"), &j.at("column_type"),
                numeric ? "\"float64\", \"float32\" or \"datetime\"" : "\"categorical\"");
  }
  const std::int64_t num_bins = RequireInteger(j, path, "num_bins");

  FeatureBins bins;
  if (numeric) {
    const json& cuts_json = RequireArray(j, path, "cuts");
    std::vector<double> cuts;
    cuts.reserve(cuts_json.size());
    for (std::size_t i = 0; i < cuts_json.size(); ++i) {
      const json& c = cuts_json[i];
      const std::string key = fmt::format("{}[{}]", KeyPath(path, "cuts"), i);
      if (!c.is_number() || !std::isfinite(c.get<double>()))
        ThrowBadKey("expected a finite number", key, &c, "a number");
      if (!cuts.empty() && !(cuts.back() < c.get<double>())) {
        ThrowBadKey("cut points must increase strictly", key, &c, fmt::format("a number above {}", cuts.back()));
      }
      cuts.push_back(c.get<double>());
    }
    if (cuts.size() > 65534) ThrowBadKey("too many cut points", KeyPath(path, "cuts"), nullptr, "at most 65534");
    bins = Numeric(std::move(feature), *type, std::move(cuts));
  } else {
    const json& cats_json = RequireArray(j, path, "categories");
    const json& codes_json = RequireArray(j, path, "dictionary_codes");
    if (cats_json.size() > 65534)
      ThrowBadKey("too many categories", KeyPath(path, "categories"), nullptr, "at most 65534");
    if (codes_json.size() != cats_json.size()) {
      ThrowBadKey("one dictionary code per category is needed", KeyPath(path, "dictionary_codes"), nullptr,
                  fmt::format("{} codes", cats_json.size()));
    }
    std::vector<std::string> categories;
    std::vector<std::int32_t> codes;
    std::set<std::string> seen_categories;
    std::set<std::int32_t> seen_codes;
    for (std::size_t i = 0; i < cats_json.size(); ++i) {
      const json& c = cats_json[i];
      const std::string key = fmt::format("{}[{}]", KeyPath(path, "categories"), i);
      if (!c.is_string()) ThrowBadKey("expected a string", key, &c, "a string");
      if (!seen_categories.insert(c.get<std::string>()).second)
        ThrowBadKey("category listed twice", key, &c, "distinct");
      categories.push_back(c.get<std::string>());
      const json& d = codes_json[i];
      const std::string code_key = fmt::format("{}[{}]", KeyPath(path, "dictionary_codes"), i);
      if (!d.is_number_integer() || d.get<std::int64_t>() < 0 || d.get<std::int64_t>() > INT32_MAX) {
        ThrowBadKey("expected a dictionary code", code_key, &d, "an integer in [0, 2147483647]");
      }
      if (!seen_codes.insert(d.get<std::int32_t>()).second) ThrowBadKey("code listed twice", code_key, &d, "distinct");
      codes.push_back(d.get<std::int32_t>());
    }
    bins.feature_ = std::move(feature);
    bins.kind_ = BinKind::kCategorical;
    bins.source_type_ = ColumnType::kCategorical;
    bins.categories_ = std::move(categories);
    bins.dictionary_codes_ = std::move(codes);
    bins.BuildCategoryIndex();
  }
  if (num_bins != bins.NumBins()) {
    ThrowBadKey("num_bins does not match the cut points or categories", KeyPath(path, "num_bins"), &j.at("num_bins"),
                std::to_string(bins.NumBins()));
  }
  return bins;
}

json Binner::ToJson() const {
  json features = json::array();
  for (const FeatureBins& f : features_) features.push_back(f.ToJson());
  return json{{"format", kBinnerFormat}, {"version", kBinnerVersion}, {"features", std::move(features)}};
}

Binner Binner::FromJson(const json& j) {
  RequireObject(j, "");
  RejectUnknownKeys(j, "", {"format", "version", "features"});
  if (RequireString(j, "", "format") != kBinnerFormat) {
    ThrowBadKey("not a binner", "format", &j.at("format"), fmt::format("\"{}\"", kBinnerFormat));
  }
  const std::int64_t version = RequireInteger(j, "", "version");
  if (version > kBinnerVersion) {
    throw Unsupported(
        "binner format version is newer than this build reads",
        {.field = "version", .field_kind = "key", .value = std::to_string(version), .expected = fmt::format("at most {}", kBinnerVersion)});
  }
  if (version < 1) ThrowBadKey("invalid format version", "version", &j.at("version"), "1");
  const json& features_json = RequireArray(j, "", "features");
  std::vector<FeatureBins> features;
  std::set<std::string> names;
  for (std::size_t i = 0; i < features_json.size(); ++i) {
    const std::string path = fmt::format("features[{}]", i);
    features.push_back(FeatureBins::FromJson(features_json[i], path));
    if (!names.insert(features.back().feature()).second) {
      ThrowBadKey("feature listed twice", KeyPath(path, "feature"), &features_json[i].at("feature"), "distinct");
    }
  }
  return Binner(std::move(features));
}

}  // namespace finai
