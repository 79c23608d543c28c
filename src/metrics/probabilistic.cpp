// Log loss and Brier score: how good the predicted probabilities are as probabilities, not only as ranks.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "finai/core/error.hpp"
#include "finai/metrics/metrics.hpp"
#include "metrics/metrics_internal.hpp"

namespace finai::metrics {
namespace {

// Weighted mean of loss(label, prob) over validated rows.
template <typename Loss>
double WeightedMean(std::string_view metric, std::span<const double> labels, std::span<const double> probs,
                    std::span<const double> weights, Loss loss) {
  detail::CheckInputs(metric, "labels", labels, detail::ValueRule::kBinaryLabel, "probs", probs,
                      detail::ValueRule::kProbability, weights);
  detail::CompensatedSum weighted_loss;
  detail::CompensatedSum total_weight;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const double weight = detail::WeightAt(weights, i);
    weighted_loss.Add(weight * loss(labels[i], probs[i]));
    total_weight.Add(weight);
  }
  detail::CheckPositiveTotalWeight(metric, total_weight.Value());
  return weighted_loss.Value() / total_weight.Value();
}

}  // namespace

double LogLoss(std::span<const double> labels, std::span<const double> probs, std::span<const double> weights,
               double eps) {
  if (!(eps >= 0.0 && eps < 0.5)) {
    throw InvalidArgument("LogLoss needs a clipping eps in [0, 0.5)",
                          {.field = "eps", .value = fmt::format("{}", eps), .expected = "0 <= eps < 0.5"});
  }
  return WeightedMean("LogLoss", labels, probs, weights, [eps](double label, double prob) {
    // Clipping keeps a confident wrong prediction finite (sklearn's eps). log1p keeps -log(1 - p) accurate
    // for the small p that dominate credit and fraud data, where 1 - p would round away p's digits.
    const double p = std::clamp(prob, eps, 1.0 - eps);
    return label == 1.0 ? -std::log(p) : -std::log1p(-p);
  });
}

double Brier(std::span<const double> labels, std::span<const double> probs, std::span<const double> weights) {
  return WeightedMean("Brier", labels, probs, weights, [](double label, double prob) {
    const double error = label - prob;
    return error * error;
  });
}

}  // namespace finai::metrics
