// Reason codes from contributions: rank, filter, name.
#include "finai/explain/reason_codes.hpp"

#include <algorithm>
#include <string>

#include "finai/core/error.hpp"
#include "finai/models/gbdt/predict.hpp"

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

// The factors reasons are chosen among: the groups as given, then the features in no group, in model order.
struct Factor {
  int feature = -1;          // a single feature; -1 for a group
  std::string name, text;
  std::vector<int> members;  // in feature order (the order GroupContributions sums in)
  bool sensitive = false;    // a sensitive feature, or a group holding one: never a reason
};

std::vector<Factor> Factors(const gbdt::GbdtModel& model, const ShapMatrix& shap, const ReasonOptions& options) {
  // GroupContributions validates the groups (unknown, repeated, empty) and names the factors.
  const ShapMatrix empty{.rows = 0, .outputs = 1, .features = shap.features};
  const GroupedShap layout = GroupContributions(model, empty, options.groups);
  std::vector<Factor> factors(layout.names.size());
  std::vector<char> grouped(model.features.size(), 0);
  for (std::size_t g = 0; g < options.groups.size(); ++g) {
    factors[g].name = factors[g].text = options.groups[g].name;
    factors[g].members = options.groups[g].members;
    std::sort(factors[g].members.begin(), factors[g].members.end());
    for (int f : factors[g].members) grouped[static_cast<std::size_t>(f)] = 1;
  }
  std::size_t next = options.groups.size();
  for (int f = 0; f < shap.features; ++f) {
    if (grouped[static_cast<std::size_t>(f)]) continue;
    const gbdt::FeatureInfo& info = model.features[static_cast<std::size_t>(f)];
    const FieldSpec* spec = options.schema ? options.schema->Find(info.name) : nullptr;
    Factor& factor = factors[next++];
    factor.feature = f;
    factor.name = info.name;
    factor.text = ReasonText(info, spec);
    factor.members = {f};
  }
  for (Factor& factor : factors) {
    for (int f : factor.members) {
      const std::string& name = model.features[static_cast<std::size_t>(f)].name;
      const FieldSpec* spec = options.schema ? options.schema->Find(name) : nullptr;
      factor.sensitive |= spec && spec->role == Role::kSensitive;
    }
  }
  return factors;
}

std::vector<Reason> Rank(const std::vector<Factor>& factors, const double* phi, int max_reasons) {
  std::vector<double> value(factors.size(), 0.0);
  std::vector<int> candidates;
  for (std::size_t i = 0; i < factors.size(); ++i) {
    for (int f : factors[i].members) value[i] += phi[f];
    if (!(value[i] > 0)) continue;  // toward approval, unused, or NaN: never a reason for refusal
    if (factors[i].sensitive) continue;
    candidates.push_back(static_cast<int>(i));
  }
  // Largest contribution first; a tie goes to the earlier factor, so the order never depends on sorting.
  std::sort(candidates.begin(), candidates.end(), [&value](int a, int b) {
    return value[static_cast<std::size_t>(a)] != value[static_cast<std::size_t>(b)]
               ? value[static_cast<std::size_t>(a)] > value[static_cast<std::size_t>(b)]
               : a < b;
  });
  if (candidates.size() > static_cast<std::size_t>(max_reasons)) {
    candidates.resize(static_cast<std::size_t>(max_reasons));
  }
  std::vector<Reason> reasons;
  for (int i : candidates) {
    const Factor& factor = factors[static_cast<std::size_t>(i)];
    reasons.push_back({.feature = factor.feature, .name = factor.name, .text = factor.text,
                       .contribution = value[static_cast<std::size_t>(i)],
                       .members = factor.feature < 0 ? factor.members : std::vector<int>{}});
  }
  return reasons;
}

}  // namespace

std::vector<Reason> RowReasons(const gbdt::GbdtModel& model, const ShapMatrix& shap, std::int64_t row,
                               const ReasonOptions& options) {
  CheckOptions(model, shap, options);
  return Rank(Factors(model, shap, options), shap.row(row), options.max_reasons);
}

std::vector<std::vector<Reason>> ReasonCodes(const gbdt::GbdtModel& model, const ShapMatrix& shap,
                                             const ReasonOptions& options) {
  CheckOptions(model, shap, options);
  const std::vector<Factor> factors = Factors(model, shap, options);
  std::vector<std::vector<Reason>> out;
  out.reserve(static_cast<std::size_t>(shap.rows));
  for (std::int64_t r = 0; r < shap.rows; ++r) out.push_back(Rank(factors, shap.row(r), options.max_reasons));
  return out;
}

std::vector<std::int64_t> RefusedRows(const gbdt::GbdtModel& model, const gbdt::FeatureMatrix& x, double cutoff,
                                      const Context& ctx) {
  if (model.objective != gbdt::ObjectiveKind::kBinaryLogLoss || model.num_outputs() != 1) {
    throw Unsupported("a cut-off on the probability of the event needs a binary model",
                      {.field = "cutoff", .field_kind = "parameter", .expected = "a binary model"});
  }
  if (!(cutoff >= 0 && cutoff <= 1)) {
    throw InvalidArgument("the cut-off is a probability", {.field = "cutoff", .field_kind = "parameter",
                                                            .value = std::to_string(cutoff),
                                                            .expected = "a number from 0 to 1"});
  }
  const std::vector<double> p = gbdt::Predict(model, x, gbdt::PredictKind::kResponse, ctx);
  std::vector<std::int64_t> rows;
  for (std::int64_t r = 0; r < x.rows; ++r) {
    if (p[static_cast<std::size_t>(r)] >= cutoff) rows.push_back(r);
  }
  return rows;
}

}  // namespace finai::explain
