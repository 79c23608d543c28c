// Training parameters of the gradient-boosted tree engine: one typed struct, validated once. A parameter
// file (JSON) names each field exactly; an unknown or misspelt key is an error, never ignored: a silently
// dropped monotone constraint would be a governance incident.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace finai::gbdt {

enum class ObjectiveKind { kBinaryLogLoss, kSquaredError, kMulticlassSoftmax };
std::string_view ObjectiveName(ObjectiveKind kind);  // "binary", "regression", "multiclass"
ObjectiveKind ParseObjective(std::string_view name);

enum class GrowPolicy { kDepthWise, kLeafWise };

// kAuto: low-bit gradients (stochastically rounded to about 12 bits, seeded) wherever they apply: no
// categorical feature and min_data_in_leaf 1. kExact: 62-bit fixed point always.
enum class GradientPrecision { kAuto, kExact };

struct GbdtParams {
  ObjectiveKind objective = ObjectiveKind::kBinaryLogLoss;
  int num_classes = 0;              // multiclass only: number of classes (0 = from the target)
  int num_rounds = 100;             // boosting iterations
  double learning_rate = 0.1;
  GrowPolicy grow_policy = GrowPolicy::kDepthWise;
  int max_depth = 6;                // 0 = unlimited (leaf-wise only)
  int max_leaves = 0;               // 0 = unlimited (depth-wise); leaf-wise requires > 1
  int max_bins = 255;               // bins per feature, missing bin included
  GradientPrecision gradient_precision = GradientPrecision::kAuto;
  int bin_sample_rows = 200000;     // bins are fitted on a seeded sample of this many rows (0 = all rows)
  double min_child_weight = 1.0;    // minimum sum of hessians in a child
  int min_data_in_leaf = 1;         // minimum rows in a child
  double lambda_l2 = 1.0;           // L2 penalty on leaf values
  double lambda_l1 = 0.0;           // L1 penalty on leaf values
  double min_split_gain = 0.0;      // minimum loss reduction to split
  double max_delta_step = 0.0;      // 0 = none; caps |leaf value| before the learning rate
  double subsample = 1.0;           // share of rows drawn (without replacement) for each tree
  double colsample_bytree = 1.0;    // share of features drawn for each tree
  double scale_pos_weight = 1.0;    // binary: weight multiplier of events
  std::map<std::string, double> class_weights;  // weight multiplier per class label (text), any objective with classes
  std::map<std::string, int> monotone_constraints;  // feature name -> +1 increasing, -1 decreasing
  std::vector<std::vector<std::string>> interaction_constraints;  // groups of features allowed to interact
  int max_cat_threshold = 32;       // most categories on one side of a categorical split
  double cat_smooth = 10.0;         // added to a category's hessian when ordering categories
  int min_data_per_category = 10;   // rarer categories share the "other" bin
  int early_stopping_rounds = 0;    // 0 = off; needs validation data
  std::string eval_metric;          // empty = the objective's default (auc, rmse, mlogloss)
  std::uint64_t seed = 0;

  // InvalidArgument naming the field, its value and the valid range.
  void Validate() const;
};

// Reads a parameter file's JSON. Unknown keys, wrong types and invalid values are InvalidData naming the
// source, the key and what was expected.
GbdtParams ParseParams(std::string_view json_text, std::string_view source_name);
// The parameters as JSON (every field; ParseParams reads it back to the same struct).
std::string ParamsToJson(const GbdtParams& params);

}  // namespace finai::gbdt
