#include "finai/explain/global.hpp"

#include <cmath>
#include <string>

#include "finai/core/error.hpp"

namespace finai::explain {

std::vector<double> MeanAbsShap(const ShapMatrix& shap, int output) {
  if (output < 0 || output >= shap.outputs) {
    throw InvalidArgument("no such output", {.field = "output", .field_kind = "parameter",
                                             .value = std::to_string(output),
                                             .expected = "0 to " + std::to_string(shap.outputs - 1)});
  }
  std::vector<double> mean(static_cast<std::size_t>(shap.features), 0.0);
  if (shap.rows == 0) return mean;
  // Rows in order: the same sum whatever computed the SHAP values.
  for (std::int64_t r = 0; r < shap.rows; ++r) {
    const double* phi = shap.row(r, output);
    for (int j = 0; j < shap.features; ++j) mean[static_cast<std::size_t>(j)] += std::abs(phi[j]);
  }
  for (double& m : mean) m /= static_cast<double>(shap.rows);
  return mean;
}

DependenceData Dependence(const ShapMatrix& shap, const gbdt::FeatureMatrix& x, int feature, int output) {
  if (feature < 0 || feature >= shap.features) {
    throw InvalidArgument("no such feature", {.field = "feature", .field_kind = "parameter",
                                              .value = std::to_string(feature),
                                              .expected = "0 to " + std::to_string(shap.features - 1)});
  }
  if (output < 0 || output >= shap.outputs) {
    throw InvalidArgument("no such output", {.field = "output", .field_kind = "parameter",
                                             .value = std::to_string(output),
                                             .expected = "0 to " + std::to_string(shap.outputs - 1)});
  }
  if (x.rows != shap.rows || x.cols != shap.features) {
    throw InvalidArgument("the rows and the SHAP values differ in shape",
                          {.field = "x", .field_kind = "parameter",
                           .value = std::to_string(x.rows) + " x " + std::to_string(x.cols),
                           .expected = std::to_string(shap.rows) + " x " + std::to_string(shap.features)});
  }
  DependenceData d{.feature = feature, .output = output};
  d.value.reserve(static_cast<std::size_t>(x.rows));
  d.shap.reserve(static_cast<std::size_t>(x.rows));
  for (std::int64_t r = 0; r < x.rows; ++r) {
    d.value.push_back(x.values[static_cast<std::size_t>(r) * static_cast<std::size_t>(x.cols) + feature]);
    d.shap.push_back(shap.at(r, output, feature));
  }
  return d;
}

}  // namespace finai::explain
