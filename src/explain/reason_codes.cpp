// Reason codes from contributions: rank, filter, name.
#include "finai/explain/reason_codes.hpp"

#include <algorithm>
#include <string>

#include "finai/core/error.hpp"

namespace finai::explain {

namespace {

void CheckOptions(const gbdt::GbdtModel& model, const ShapMatrix& shap, const ReasonOptions& options) {
  if (options.max_reasons < 1) {
    throw InvalidArgument("the number of reasons must be positive",
                          {.field = "max_reasons", .field_kind = "parameter",
                           .value = std::to_string(options.max_reasons), .expected = "an integer >= 1"});
  }
  if (shap.outputs != 1 || model.num_outputs() != 1) {
    throw Unsupported("reason codes explain one score; a multiclass model has one per class",
                      {.field = "num_classes", .field_kind = "parameter", .value = std::to_string(model.num_outputs()),
                       .expected = "a binary or regression model"});
  }
  if (shap.features != static_cast<int>(model.features.size())) {
    throw InvalidArgument("the contributions do not belong to this model",
                          {.field = "features", .field_kind = "parameter", .value = std::to_string(shap.features),
                           .expected = std::to_string(model.features.size()) + " features"});
  }
}

std::string ReasonText(const gbdt::FeatureInfo& feature, const FieldSpec* spec) {
  if (spec && !spec->description.empty()) return spec->description;
  if (!feature.description.empty()) return feature.description;
  return feature.name;
}

}  // namespace

std::vector<Reason> RowReasons(const gbdt::GbdtModel& model, const ShapMatrix& shap, std::int64_t row,
                               const ReasonOptions& options) {
  CheckOptions(model, shap, options);
  const double* phi = shap.row(row);
  std::vector<int> candidates;
  for (int j = 0; j < shap.features; ++j) {
    if (!(phi[j] > 0)) continue;  // toward approval, unused, or NaN: never a reason for refusal
    const FieldSpec* spec = options.schema ? options.schema->Find(model.features[j].name) : nullptr;
    if (spec && spec->role == Role::kSensitive) continue;
    candidates.push_back(j);
  }
  // Largest contribution first; a tie goes to the lower feature index, so the order never depends on sorting.
  std::sort(candidates.begin(), candidates.end(), [phi](int a, int b) { return phi[a] != phi[b] ? phi[a] > phi[b] : a < b; });
  if (candidates.size() > static_cast<std::size_t>(options.max_reasons)) candidates.resize(options.max_reasons);
  std::vector<Reason> reasons;
  for (int j : candidates) {
    const FieldSpec* spec = options.schema ? options.schema->Find(model.features[j].name) : nullptr;
    reasons.push_back({j, model.features[j].name, ReasonText(model.features[j], spec), phi[j]});
  }
  return reasons;
}

std::vector<std::vector<Reason>> ReasonCodes(const gbdt::GbdtModel& model, const ShapMatrix& shap,
                                             const ReasonOptions& options) {
  CheckOptions(model, shap, options);
  std::vector<std::vector<Reason>> out;
  out.reserve(static_cast<std::size_t>(shap.rows));
  for (std::int64_t r = 0; r < shap.rows; ++r) out.push_back(RowReasons(model, shap, r, options));
  return out;
}

}  // namespace finai::explain
