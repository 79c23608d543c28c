// Importing boosted tree models trained by XGBoost (JSON) and LightGBM (model.txt) so that a bank's existing
// models are predicted, explained, audited and served by finai with the source library's exact decisions.
// docs/import.md lists what each library's semantics map to and what is refused.
#pragma once

#include <string_view>

#include "finai/models/gbdt/model.hpp"

namespace finai::gbdt {

// An XGBoost >= 1.0 model saved as JSON (booster.save_model("m.json")) with a gbtree booster and one of the objectives
// binary:logistic, binary:logitraw, reg:squarederror (reg:linear), multi:softprob, multi:softmax.
// The model compares x < threshold in float32 (split_rule kLess, float32_compare); XGBoost's listed categories go
// right, so each categorical split stores the complement; features are named by "feature_names" or f0..fN-1, and
// categorical features' categories are XGBoost's integer codes as text ("0", "1", ...).
// InvalidData names the source, the JSON path and what was expected; Unsupported names what finai cannot honour
// (another booster or objective, vector leaves, ...).
GbdtModel ImportXgboostJson(std::string_view text, std::string_view source_name);

// A LightGBM model.txt (booster.save_model("model.txt")) with objective binary, regression (L2) or multiclass
// (softmax). The model compares x <= threshold in double; LightGBM's missing types and its zeroing of |x| <= 1e-35
// are folded into each node's threshold and default direction where that is exact, Unsupported where it is not.
// Categorical features' categories are LightGBM's integer codes as text. A binary sigmoid factor other than 1 is
// folded into the leaf values (the margin is then the log-odds). Errors name the source, the line and the key.
GbdtModel ImportLightgbmText(std::string_view text, std::string_view source_name);

}  // namespace finai::gbdt
