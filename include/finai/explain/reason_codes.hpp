// Reason codes: the principal factors that pushed one decision toward refusal (US Regulation B asks for at most
// four specific reasons the model actually used), from TreeSHAP contributions on the margin scale.
#pragma once

#include <string>
#include <vector>

#include "finai/data/schema.hpp"
#include "finai/explain/tree_shap.hpp"
#include "finai/models/gbdt/model.hpp"

namespace finai::explain {

struct Reason {
  int feature = -1;           // index into the model's features
  std::string name;           // the feature's name
  std::string text;           // human-readable: the schema's description, else the model's, else the name
  double contribution = 0;    // SHAP value on the margin scale (> 0: toward the event, i.e. refusal)
};

struct ReasonOptions {
  int max_reasons = 4;            // at most this many reasons per row (>= 1)
  const Schema* schema = nullptr; // descriptions and roles; features with role sensitive are never given
};

// The up to `max_reasons` features with the largest positive contribution, largest first; equal contributions
// in feature order. Features with zero or negative contribution (unused by the model for this row, or pushing
// toward approval) and sensitive features are never reasons. Binary and regression models only (one output):
// Unsupported for multiclass; InvalidArgument for max_reasons < 1.
std::vector<Reason> RowReasons(const gbdt::GbdtModel& model, const ShapMatrix& shap, std::int64_t row,
                               const ReasonOptions& options);
std::vector<std::vector<Reason>> ReasonCodes(const gbdt::GbdtModel& model, const ShapMatrix& shap,
                                             const ReasonOptions& options);

}  // namespace finai::explain
