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

}  // namespace finai::explain
