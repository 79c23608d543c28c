// Probability-scale attributions (a proportional rescaling of the margin contributions) and grouped features (sums
// of the members' contributions). The definitions and their limits are in include/finai/explain/transform.hpp.
#include "finai/explain/transform.hpp"

#include <cmath>
#include <string>

#include "finai/core/error.hpp"

namespace finai::explain {

namespace {
double Sigmoid(double m) { return m >= 0 ? 1 / (1 + std::exp(-m)) : std::exp(m) / (1 + std::exp(m)); }
}  // namespace

ShapMatrix ToProbabilityScale(const gbdt::GbdtModel& model, const ShapMatrix& margin_shap) {
  if (model.objective == gbdt::ObjectiveKind::kSquaredError) return margin_shap;
  if (model.objective != gbdt::ObjectiveKind::kBinaryLogLoss || margin_shap.outputs != 1) {
    throw Unsupported("probability-scale attributions are defined for binary models",
                      {.field = "scale", .field_kind = "option", .value = "probability",
                       .expected = "a binary or regression model"});
  }
  ShapMatrix out = margin_shap;
  const int m = out.features;
  for (std::int64_t r = 0; r < out.rows; ++r) {
    double* row = out.values.data() + static_cast<std::size_t>(r) * out.width();
    const double expected = row[m];
    double margin = expected;
    for (int j = 0; j < m; ++j) margin += row[j];
    const double p = Sigmoid(margin), p0 = Sigmoid(expected);
    // Below 1e-12 the difference quotient loses its digits; the slope is its limit.
    const double factor = std::abs(margin - expected) > 1e-12 ? (p - p0) / (margin - expected) : p * (1 - p);
    for (int j = 0; j < m; ++j) row[j] *= factor;
    row[m] = p0;
  }
  return out;
}

GroupedShap GroupContributions(const gbdt::GbdtModel& model, const ShapMatrix& shap,
                               const std::vector<FeatureGroup>& groups) {
  const int m = shap.features;
  std::vector<int> factor_of(static_cast<std::size_t>(m), -1);
  GroupedShap out;
  for (const FeatureGroup& g : groups) {
    if (g.members.empty()) {
      throw InvalidArgument("a feature group needs at least one member",
                            {.field = "group", .field_kind = "option", .value = g.name, .expected = "members"});
    }
    for (int f : g.members) {
      if (f < 0 || f >= m || factor_of[static_cast<std::size_t>(f)] >= 0) {
        throw InvalidArgument("a group member must be a model feature in no other group",
                              {.field = "group", .field_kind = "option",
                               .value = g.name + ": " + (f >= 0 && f < m ? model.features[static_cast<std::size_t>(f)].name
                                                                         : std::to_string(f)),
                               .expected = "distinct model features, each in one group"});
      }
      factor_of[static_cast<std::size_t>(f)] = static_cast<int>(out.names.size());
    }
    out.names.push_back(g.name);
  }
  for (int f = 0; f < m; ++f) {
    if (factor_of[static_cast<std::size_t>(f)] >= 0) continue;
    factor_of[static_cast<std::size_t>(f)] = static_cast<int>(out.names.size());
    out.names.push_back(model.features[static_cast<std::size_t>(f)].name);
  }
  ShapMatrix& v = out.values;
  v.rows = shap.rows;
  v.outputs = shap.outputs;
  v.features = static_cast<int>(out.names.size());
  v.values.assign(static_cast<std::size_t>(v.rows) * v.outputs * v.width(), 0.0);
  for (std::int64_t r = 0; r < shap.rows; ++r) {
    for (int k = 0; k < shap.outputs; ++k) {
      const double* from = shap.row(r, k);
      double* to = v.values.data() + (static_cast<std::size_t>(r) * v.outputs + k) * v.width();
      for (int f = 0; f < m; ++f) to[factor_of[static_cast<std::size_t>(f)]] += from[f];
      to[v.features] = from[m];
    }
  }
  return out;
}

}  // namespace finai::explain
