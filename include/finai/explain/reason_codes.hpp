// Reason codes: the principal factors that pushed one decision toward refusal (US Regulation B asks for at most
// four specific reasons the model actually used), from TreeSHAP contributions on the margin scale.
#pragma once

#include <string>
#include <vector>

#include "finai/core/context.hpp"
#include "finai/data/schema.hpp"
#include "finai/explain/transform.hpp"
#include "finai/explain/tree_shap.hpp"
#include "finai/models/gbdt/model.hpp"

namespace finai::explain {

struct Reason {
  int feature = -1;           // index into the model's features; -1 for a group
  std::string name;           // the feature's name, or the group's
  std::string text;           // human-readable: the schema's description, else the model's, else the name (a group:
                              // its name)
  double contribution = 0;    // SHAP value on the margin scale (> 0: toward the event, i.e. refusal); a group: the
                              // sum of its members' values
  std::vector<int> members;   // a group's member features (empty for a single feature)
};

struct ReasonOptions {
  int max_reasons = 4;            // at most this many reasons per row (>= 1)
  const Schema* schema = nullptr; // descriptions and roles; features with role sensitive are never given
  // Features explained as one factor: a group counts as one reason, named by the group's name, with the sum of its
  // members' contributions (as GroupContributions); a group holding a sensitive feature is never a reason.
  std::vector<FeatureGroup> groups;
};

// The up to `max_reasons` factors (groups, and the features in no group) with the largest positive contribution,
// largest first; equal contributions in factor order (the groups as given, then the other features in model order;
// without groups, feature order). Factors with zero or negative contribution (unused by the model for this row, or
// pushing toward approval) and sensitive features (or groups holding one) are never reasons. Binary and regression
// models only (one output): Unsupported for multiclass; InvalidArgument for max_reasons < 1 or a bad group (an
// unknown or repeated member, an empty group).
std::vector<Reason> RowReasons(const gbdt::GbdtModel& model, const ShapMatrix& shap, std::int64_t row,
                               const ReasonOptions& options);
std::vector<std::vector<Reason>> ReasonCodes(const gbdt::GbdtModel& model, const ShapMatrix& shap,
                                             const ReasonOptions& options);

// The rows a binary model refuses at a cut-off: those whose predicted probability of the event (gbdt::Predict,
// response scale) is >= cutoff, in row order; the rows that adverse-action notices (and their reasons) are for.
// Unsupported for a model that is not binary; InvalidArgument for a cutoff outside [0, 1].
std::vector<std::int64_t> RefusedRows(const gbdt::GbdtModel& model, const gbdt::FeatureMatrix& x, double cutoff,
                                      const Context& ctx);

}  // namespace finai::explain
