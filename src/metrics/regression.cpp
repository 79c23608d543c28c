// Regression metrics (loss given default, exposure, amounts): weighted as in scikit-learn.
#include <cmath>

#include "finai/metrics/metrics.hpp"
#include "metrics/metrics_internal.hpp"

namespace finai::metrics {
namespace {

void Check(std::string_view metric, std::span<const double> y_true, std::span<const double> y_pred,
           std::span<const double> weights) {
  detail::CheckInputs(metric, "y_true", y_true, detail::ValueRule::kFinite, "y_pred", y_pred,
                      detail::ValueRule::kFinite, weights);
}

template <typename Term>
double WeightedMean(std::string_view metric, std::span<const double> y_true, std::span<const double> weights,
                    Term term) {
  detail::CompensatedSum sum;
  detail::CompensatedSum total_weight;
  for (std::size_t i = 0; i < y_true.size(); ++i) {
    const double weight = detail::WeightAt(weights, i);
    sum.Add(weight * term(i));
    total_weight.Add(weight);
  }
  detail::CheckPositiveTotalWeight(metric, total_weight.Value());
  return sum.Value() / total_weight.Value();
}

double SquaredErrorMean(std::string_view metric, std::span<const double> y_true, std::span<const double> y_pred,
                        std::span<const double> weights) {
  Check(metric, y_true, y_pred, weights);
  return WeightedMean(metric, y_true, weights, [&](std::size_t i) {
    const double error = y_true[i] - y_pred[i];
    return error * error;
  });
}

}  // namespace

double Mse(std::span<const double> y_true, std::span<const double> y_pred, std::span<const double> weights) {
  return SquaredErrorMean("Mse", y_true, y_pred, weights);
}

double Rmse(std::span<const double> y_true, std::span<const double> y_pred, std::span<const double> weights) {
  return std::sqrt(SquaredErrorMean("Rmse", y_true, y_pred, weights));
}

double Mae(std::span<const double> y_true, std::span<const double> y_pred, std::span<const double> weights) {
  Check("Mae", y_true, y_pred, weights);
  return WeightedMean("Mae", y_true, weights, [&](std::size_t i) { return std::abs(y_true[i] - y_pred[i]); });
}

double R2(std::span<const double> y_true, std::span<const double> y_pred, std::span<const double> weights) {
  Check("R2", y_true, y_pred, weights);
  const double mean = WeightedMean("R2", y_true, weights, [&](std::size_t i) { return y_true[i]; });
  // Two passes (mean first, then squared deviations) rather than sum(y^2) - n mean^2, which cancels
  // catastrophically when the targets are large and their spread small.
  detail::CompensatedSum residual;
  detail::CompensatedSum total;
  for (std::size_t i = 0; i < y_true.size(); ++i) {
    const double weight = detail::WeightAt(weights, i);
    const double error = y_true[i] - y_pred[i];
    const double deviation = y_true[i] - mean;
    residual.Add(weight * (error * error));
    total.Add(weight * (deviation * deviation));
  }
  // sklearn's force_finite: a constant target is explained perfectly (1) or not at all (0), never NaN/-inf.
  if (residual.Value() == 0) return 1.0;
  if (total.Value() == 0) return 0.0;
  return 1.0 - residual.Value() / total.Value();
}

}  // namespace finai::metrics
