#include "objective.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "finai/core/parallel.hpp"

namespace finai::gbdt {

namespace {
double Sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
}  // namespace

std::vector<double> BaseMargin(ObjectiveKind kind, int num_classes, std::span<const double> labels,
                               std::span<const double> weights) {
  if (kind == ObjectiveKind::kMulticlassSoftmax) return std::vector<double>(static_cast<std::size_t>(num_classes), 0.0);
  long double sw = 0, swy = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    sw += weights[i];
    swy += weights[i] * labels[i];
  }
  const double mean = sw > 0 ? static_cast<double>(swy / sw) : 0.0;
  if (kind == ObjectiveKind::kSquaredError) return {mean};
  const double p = std::clamp(mean, 1e-15, 1 - 1e-15);
  return {std::log(p / (1 - p))};
}

void ComputeGradients(ObjectiveKind kind, int num_classes, int k, std::span<const double> margins,
                      std::span<const double> labels, std::span<const double> weights, std::vector<double>& grad,
                      std::vector<double>& hess, const Context& ctx) {
  const std::size_t n = labels.size();
  grad.resize(n);
  hess.resize(n);
  const auto K = static_cast<std::size_t>(num_classes);
  ParallelForBlocks(ctx, 0, static_cast<std::int64_t>(n), [&](std::int64_t lo, std::int64_t hi, int) {
    for (auto i = static_cast<std::size_t>(lo); i < static_cast<std::size_t>(hi); ++i) {
      const double w = weights[i];
      switch (kind) {
        case ObjectiveKind::kBinaryLogLoss:
          std::tie(grad[i], hess[i]) = LogLossGradient(margins[i], labels[i], w);
          break;
        case ObjectiveKind::kSquaredError:
          grad[i] = (margins[i] - labels[i]) * w;
          hess[i] = w;
          break;
        case ObjectiveKind::kMulticlassSoftmax: {
          const double* m = margins.data() + i * K;
          const double top = *std::max_element(m, m + K);
          double denom = 0;
          for (std::size_t c = 0; c < K; ++c) denom += std::exp(m[c] - top);
          const double p = std::exp(m[k] - top) / denom;
          const double y = labels[i] == static_cast<double>(k) ? 1.0 : 0.0;
          grad[i] = (p - y) * w;
          hess[i] = std::max(2.0 * p * (1 - p), kMinHessian) * w;  // XGBoost's diagonal approximation
          break;
        }
      }
    }
  });
}

void TransformMargins(ObjectiveKind kind, std::span<double> row) {
  switch (kind) {
    case ObjectiveKind::kBinaryLogLoss: row[0] = Sigmoid(row[0]); break;
    case ObjectiveKind::kSquaredError: break;
    case ObjectiveKind::kMulticlassSoftmax: {
      const double top = *std::max_element(row.begin(), row.end());
      double denom = 0;
      for (double& v : row) {
        v = std::exp(v - top);
        denom += v;
      }
      for (double& v : row) v /= denom;
      break;
    }
  }
}

}  // namespace finai::gbdt
