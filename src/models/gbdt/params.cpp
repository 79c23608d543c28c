#include "finai/models/gbdt/params.hpp"

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "finai/core/error.hpp"

namespace finai::gbdt {

std::string_view ObjectiveName(ObjectiveKind kind) {
  switch (kind) {
    case ObjectiveKind::kBinaryLogLoss: return "binary";
    case ObjectiveKind::kSquaredError: return "regression";
    case ObjectiveKind::kMulticlassSoftmax: return "multiclass";
  }
  return "unknown";
}

ObjectiveKind ParseObjective(std::string_view name) {
  if (name == "binary") return ObjectiveKind::kBinaryLogLoss;
  if (name == "regression") return ObjectiveKind::kSquaredError;
  if (name == "multiclass") return ObjectiveKind::kMulticlassSoftmax;
  throw InvalidArgument("unknown objective",
                        {.field = "objective", .field_kind = "parameter", .value = std::string(name), .expected = "binary, regression or multiclass"});
}

namespace {
template <typename T>
void Require(bool ok, const char* field, T value, const char* expected) {
  if (!ok) throw InvalidArgument("parameter out of range", {.field = field, .field_kind = "parameter", .value = fmt::format("{}", value), .expected = expected});
}
}  // namespace

void GbdtParams::Validate() const {
  Require(num_rounds >= 1, "num_rounds", num_rounds, "at least 1");
  Require(learning_rate > 0 && learning_rate <= 1, "learning_rate", learning_rate, "in (0, 1]");
  Require(max_depth >= 0 && max_depth <= 64, "max_depth", max_depth, "0 (unlimited) to 64");
  Require(max_leaves == 0 || max_leaves >= 2, "max_leaves", max_leaves, "0 (unlimited) or at least 2");
  Require(grow_policy == GrowPolicy::kLeafWise || max_depth >= 1, "max_depth", max_depth,
          "at least 1 for depth-wise growth");
  Require(grow_policy == GrowPolicy::kDepthWise || max_leaves >= 2 || max_depth >= 1, "max_leaves", max_leaves,
          "at least 2 (or a max_depth) for leaf-wise growth");
  Require(max_bins >= 3 && max_bins <= 256, "max_bins", max_bins, "3 to 256");
  Require(bin_sample_rows == 0 || bin_sample_rows >= 1000, "bin_sample_rows", bin_sample_rows,
          "0 (all rows) or at least 1000");
  Require(min_child_weight >= 0 && std::isfinite(min_child_weight), "min_child_weight", min_child_weight, ">= 0");
  Require(min_data_in_leaf >= 1, "min_data_in_leaf", min_data_in_leaf, "at least 1");
  Require(lambda_l2 >= 0 && std::isfinite(lambda_l2), "lambda_l2", lambda_l2, ">= 0");
  Require(lambda_l1 >= 0 && std::isfinite(lambda_l1), "lambda_l1", lambda_l1, ">= 0");
  Require(min_split_gain >= 0 && std::isfinite(min_split_gain), "min_split_gain", min_split_gain, ">= 0");
  Require(max_delta_step >= 0 && std::isfinite(max_delta_step), "max_delta_step", max_delta_step, ">= 0");
  Require(subsample > 0 && subsample <= 1, "subsample", subsample, "in (0, 1]");
  Require(colsample_bytree > 0 && colsample_bytree <= 1, "colsample_bytree", colsample_bytree, "in (0, 1]");
  Require(scale_pos_weight > 0 && std::isfinite(scale_pos_weight), "scale_pos_weight", scale_pos_weight, "> 0");
  for (const auto& [label, w] : class_weights) {
    if (!(w > 0 && std::isfinite(w))) {
      throw InvalidArgument("class weight out of range",
                            {.field = "class_weights." + label, .field_kind = "parameter", .value = fmt::format("{}", w), .expected = "> 0"});
    }
  }
  for (const auto& [name, c] : monotone_constraints) {
    if (c < -1 || c > 1) {
      throw InvalidArgument("monotone constraint out of range", {.field = "monotone_constraints." + name, .field_kind = "parameter",
                                                                 .value = std::to_string(c), .expected = "-1, 0 or 1"});
    }
  }
  for (std::size_t g = 0; g < interaction_constraints.size(); ++g) {
    if (interaction_constraints[g].empty()) {
      throw InvalidArgument("empty interaction group", {.field = fmt::format("interaction_constraints[{}]", g), .field_kind = "parameter",
                                                        .expected = "at least one feature"});
    }
  }
  Require(max_cat_threshold >= 1, "max_cat_threshold", max_cat_threshold, "at least 1");
  Require(cat_smooth >= 0 && std::isfinite(cat_smooth), "cat_smooth", cat_smooth, ">= 0");
  Require(min_data_per_category >= 1, "min_data_per_category", min_data_per_category, "at least 1");
  Require(early_stopping_rounds >= 0, "early_stopping_rounds", early_stopping_rounds, ">= 0");
  Require(objective != ObjectiveKind::kMulticlassSoftmax || num_classes == 0 || num_classes >= 2, "num_classes",
          num_classes, "0 (from the target) or at least 2");
}

namespace {
using Json = nlohmann::json;

class ParamReader {
 public:
  ParamReader(std::string_view source) : source_(source) {}

  [[noreturn]] void Fail(const std::string& key, const std::string& detail, const std::string& expected,
                         const Json* v = nullptr) const {
    ErrorLocation loc{.file = std::string(source_), .field = key, .field_kind = "parameter", .expected = expected};
    if (v) loc.value = v->is_string() ? v->get<std::string>() : v->dump();
    throw InvalidData(detail, std::move(loc));
  }
  double Number(const Json& v, const std::string& key) const {
    if (!v.is_number()) Fail(key, "wrong JSON type", "a number", &v);
    return v.get<double>();
  }
  int Int(const Json& v, const std::string& key) const {
    if (!v.is_number_integer()) Fail(key, "wrong JSON type", "an integer", &v);
    return v.get<int>();
  }
  std::string String(const Json& v, const std::string& key) const {
    if (!v.is_string()) Fail(key, "wrong JSON type", "a string", &v);
    return v.get<std::string>();
  }

 private:
  std::string_view source_;
};
}  // namespace

GbdtParams ParseParams(std::string_view text, std::string_view source) {
  Json doc;
  try {
    doc = Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& e) {
    throw InvalidData(fmt::format("invalid JSON at byte {}", e.byte), {.file = std::string(source)});
  } catch (const Json::exception& e) {  // e.g. number overflow (1e999), reported without a position
    std::string detail = e.what();
    if (auto pos = detail.find("] "); pos != std::string::npos) detail = detail.substr(pos + 2);
    throw InvalidData("invalid JSON: " + detail, {.file = std::string(source)});
  }
  ParamReader r(source);
  if (!doc.is_object()) r.Fail("(top level)", "wrong JSON type", "an object of parameters", &doc);
  GbdtParams p;
  for (const auto& [key, v] : doc.items()) {
    if (key == "objective") {
      try {
        p.objective = ParseObjective(r.String(v, key));
      } catch (const InvalidArgument& e) {
        r.Fail(key, e.detail(), e.location().expected, &v);
      }
    } else if (key == "num_classes") { p.num_classes = r.Int(v, key);
    } else if (key == "num_rounds") { p.num_rounds = r.Int(v, key);
    } else if (key == "learning_rate") { p.learning_rate = r.Number(v, key);
    } else if (key == "grow_policy") {
      const std::string g = r.String(v, key);
      if (g == "depthwise") p.grow_policy = GrowPolicy::kDepthWise;
      else if (g == "leafwise") p.grow_policy = GrowPolicy::kLeafWise;
      else r.Fail(key, "unknown grow policy", "depthwise or leafwise", &v);
    } else if (key == "max_depth") { p.max_depth = r.Int(v, key);
    } else if (key == "max_leaves") { p.max_leaves = r.Int(v, key);
    } else if (key == "max_bins") { p.max_bins = r.Int(v, key);
    } else if (key == "bin_sample_rows") { p.bin_sample_rows = r.Int(v, key);
    } else if (key == "gradient_precision") {
      const std::string g = r.String(v, key);
      if (g == "auto") p.gradient_precision = GradientPrecision::kAuto;
      else if (g == "exact") p.gradient_precision = GradientPrecision::kExact;
      else r.Fail(key, "unknown gradient precision", "auto or exact", &v);
    } else if (key == "min_child_weight") { p.min_child_weight = r.Number(v, key);
    } else if (key == "min_data_in_leaf") { p.min_data_in_leaf = r.Int(v, key);
    } else if (key == "lambda_l2") { p.lambda_l2 = r.Number(v, key);
    } else if (key == "lambda_l1") { p.lambda_l1 = r.Number(v, key);
    } else if (key == "min_split_gain") { p.min_split_gain = r.Number(v, key);
    } else if (key == "max_delta_step") { p.max_delta_step = r.Number(v, key);
    } else if (key == "subsample") { p.subsample = r.Number(v, key);
    } else if (key == "colsample_bytree") { p.colsample_bytree = r.Number(v, key);
    } else if (key == "scale_pos_weight") { p.scale_pos_weight = r.Number(v, key);
    } else if (key == "class_weights") {
      if (!v.is_object()) r.Fail(key, "wrong JSON type", "an object mapping class labels to weights", &v);
      for (const auto& [label, w] : v.items()) p.class_weights[label] = r.Number(w, key + "." + label);
    } else if (key == "monotone_constraints") {
      if (!v.is_object()) r.Fail(key, "wrong JSON type", "an object mapping feature names to -1, 0 or 1", &v);
      for (const auto& [name, c] : v.items()) p.monotone_constraints[name] = r.Int(c, key + "." + name);
    } else if (key == "interaction_constraints") {
      if (!v.is_array()) r.Fail(key, "wrong JSON type", "an array of arrays of feature names", &v);
      for (std::size_t g = 0; g < v.size(); ++g) {
        const std::string gk = fmt::format("{}[{}]", key, g);
        if (!v[g].is_array()) r.Fail(gk, "wrong JSON type", "an array of feature names", &v[g]);
        std::vector<std::string> group;
        for (std::size_t i = 0; i < v[g].size(); ++i) group.push_back(r.String(v[g][i], fmt::format("{}[{}]", gk, i)));
        p.interaction_constraints.push_back(std::move(group));
      }
    } else if (key == "max_cat_threshold") { p.max_cat_threshold = r.Int(v, key);
    } else if (key == "cat_smooth") { p.cat_smooth = r.Number(v, key);
    } else if (key == "min_data_per_category") { p.min_data_per_category = r.Int(v, key);
    } else if (key == "early_stopping_rounds") { p.early_stopping_rounds = r.Int(v, key);
    } else if (key == "eval_metric") { p.eval_metric = r.String(v, key);
    } else if (key == "seed") {
      if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<std::int64_t>() >= 0)) {
        r.Fail(key, "wrong JSON type", "a non-negative integer", &v);
      }
      p.seed = v.get<std::uint64_t>();
    } else {
      r.Fail(key, "unknown parameter", "a parameter listed in docs/gbdt.md (names are exact; no aliases)");
    }
  }
  try {
    p.Validate();
  } catch (const InvalidArgument& e) {
    throw InvalidData(e.detail(), {.file = std::string(source), .field = e.location().field, .field_kind = "parameter",
                                   .value = e.location().value, .expected = e.location().expected});
  }
  return p;
}

std::string ParamsToJson(const GbdtParams& p) {
  nlohmann::ordered_json j;
  j["objective"] = ObjectiveName(p.objective);
  j["num_classes"] = p.num_classes;
  j["num_rounds"] = p.num_rounds;
  j["learning_rate"] = p.learning_rate;
  j["grow_policy"] = p.grow_policy == GrowPolicy::kDepthWise ? "depthwise" : "leafwise";
  j["max_depth"] = p.max_depth;
  j["max_leaves"] = p.max_leaves;
  j["max_bins"] = p.max_bins;
  j["bin_sample_rows"] = p.bin_sample_rows;
  j["gradient_precision"] = p.gradient_precision == GradientPrecision::kAuto ? "auto" : "exact";
  j["min_child_weight"] = p.min_child_weight;
  j["min_data_in_leaf"] = p.min_data_in_leaf;
  j["lambda_l2"] = p.lambda_l2;
  j["lambda_l1"] = p.lambda_l1;
  j["min_split_gain"] = p.min_split_gain;
  j["max_delta_step"] = p.max_delta_step;
  j["subsample"] = p.subsample;
  j["colsample_bytree"] = p.colsample_bytree;
  j["scale_pos_weight"] = p.scale_pos_weight;
  j["class_weights"] = p.class_weights;
  j["monotone_constraints"] = p.monotone_constraints;
  j["interaction_constraints"] = p.interaction_constraints;
  j["max_cat_threshold"] = p.max_cat_threshold;
  j["cat_smooth"] = p.cat_smooth;
  j["min_data_per_category"] = p.min_data_per_category;
  j["early_stopping_rounds"] = p.early_stopping_rounds;
  j["eval_metric"] = p.eval_metric;
  j["seed"] = p.seed;
  return j.dump(2);
}

}  // namespace finai::gbdt
