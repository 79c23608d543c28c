#include <cmath>
#include <vector>

#include "finai/core/error.hpp"
#include "finai/metrics/metrics.hpp"
#include "finai/models/gbdt/train.hpp"
#include "objective.hpp"

namespace finai::gbdt {

bool MetricHigherIsBetter(const std::string& metric) {
  if (metric == "auc") return true;
  if (metric == "logloss" || metric == "error" || metric == "rmse" || metric == "mae" || metric == "mlogloss" ||
      metric == "merror") {
    return false;
  }
  throw InvalidArgument("unknown evaluation metric",
                        {.field = "eval_metric", .value = metric,
                         .expected = "auc, logloss, error, rmse, mae, mlogloss or merror"});
}

double EvaluateMetric(const std::string& metric, ObjectiveKind objective, int num_classes,
                      std::span<const double> labels, std::span<const double> margins, std::span<const double> weights) {
  const auto K = static_cast<std::size_t>(num_classes);
  const std::size_t n = labels.size();
  if (metric == "auc" || metric == "logloss" || metric == "error") {
    if (objective != ObjectiveKind::kBinaryLogLoss) {
      throw InvalidArgument("metric needs a binary objective", {.field = "eval_metric", .value = metric});
    }
    std::vector<double> p(margins.begin(), margins.end());
    for (double& v : p) v = 1.0 / (1.0 + std::exp(-v));
    if (metric == "auc") return metrics::Auc(labels, p, weights);
    if (metric == "logloss") return metrics::LogLoss(labels, p, weights);
    return 1.0 - metrics::AtThreshold(labels, p, 0.5, weights).Accuracy();
  }
  if (metric == "rmse" || metric == "mae") {
    std::vector<double> pred(margins.begin(), margins.end());
    return metric == "rmse" ? metrics::Rmse(labels, pred, weights) : metrics::Mae(labels, pred, weights);
  }
  if (metric == "mlogloss" || metric == "merror") {
    if (objective != ObjectiveKind::kMulticlassSoftmax) {
      throw InvalidArgument("metric needs a multiclass objective", {.field = "eval_metric", .value = metric});
    }
    long double loss = 0, wrong = 0, total = 0;
    std::vector<double> row(K);
    for (std::size_t i = 0; i < n; ++i) {
      std::copy(margins.begin() + static_cast<std::ptrdiff_t>(i * K), margins.begin() + static_cast<std::ptrdiff_t>((i + 1) * K),
                row.begin());
      TransformMargins(objective, row);
      const auto y = static_cast<std::size_t>(labels[i]);
      const double w = weights.empty() ? 1.0 : weights[i];
      loss -= w * std::log(std::max(row[y], 1e-15));
      const auto arg = static_cast<std::size_t>(std::max_element(row.begin(), row.end()) - row.begin());
      wrong += arg != y ? w : 0.0;
      total += w;
    }
    return static_cast<double>((metric == "mlogloss" ? loss : wrong) / total);
  }
  MetricHigherIsBetter(metric);
  return 0;
}

}  // namespace finai::gbdt
