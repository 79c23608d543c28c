// Calibration tables (reliability diagrams): do events happen as often as the probabilities say?
// Bin edges are computed the way sklearn's calibration_curve computes them (numpy linspace / percentile),
// floating-point step by step, because a probability lying exactly on an edge must land in the same bin.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "finai/core/error.hpp"
#include "finai/metrics/metrics.hpp"
#include "metrics/metrics_internal.hpp"

namespace finai::metrics {
namespace {

// numpy.linspace(0, 1, n + 1): i * step, the last edge set to exactly 1.
double LinspaceFraction(int i, int n_bins) {
  if (i == n_bins) return 1.0;
  const double step = 1.0 / n_bins;
  return static_cast<double>(i) * step;
}

std::vector<double> UniformEdges(int n_bins) {
  std::vector<double> edges(static_cast<std::size_t>(n_bins) + 1);
  for (int i = 0; i <= n_bins; ++i) edges[static_cast<std::size_t>(i)] = LinspaceFraction(i, n_bins);
  return edges;
}

// numpy.percentile(probs, linspace(0, 1, n + 1) * 100) with method "linear" (Hyndman & Fan type 7),
// including numpy's round trip through percent and its two-sided interpolation formula.
std::vector<double> QuantileEdges(std::span<const double> probs, int n_bins) {
  std::vector<double> sorted(probs.begin(), probs.end());
  std::sort(sorted.begin(), sorted.end());
  const std::size_t last = sorted.size() - 1;
  std::vector<double> edges(static_cast<std::size_t>(n_bins) + 1);
  for (int i = 0; i <= n_bins; ++i) {
    const double quantile = LinspaceFraction(i, n_bins) * 100.0 / 100.0;
    const double virtual_index = static_cast<double>(last) * quantile;
    double edge;
    if (virtual_index >= static_cast<double>(last)) {
      edge = sorted[last];
    } else {
      const double previous = std::floor(virtual_index);
      const double gamma = virtual_index - previous;
      const double a = sorted[static_cast<std::size_t>(previous)];
      const double b = sorted[static_cast<std::size_t>(previous) + 1];
      const double difference = b - a;
      edge = gamma >= 0.5 ? b - difference * (1.0 - gamma) : a + difference * gamma;
    }
    edges[static_cast<std::size_t>(i)] = edge;
  }
  return edges;
}

}  // namespace

std::vector<CalibrationBin> CalibrationTable(std::span<const double> labels, std::span<const double> probs,
                                             std::span<const double> weights, int n_bins, BinStrategy strategy) {
  if (n_bins < 1) {
    throw InvalidArgument("CalibrationTable needs at least one bin",
                          {.field = "n_bins", .value = fmt::format("{}", n_bins), .expected = "n_bins >= 1"});
  }
  detail::CheckInputs("CalibrationTable", "labels", labels, detail::ValueRule::kBinaryLabel, "probs", probs,
                      detail::ValueRule::kProbability, weights);
  const std::vector<double> edges = strategy == BinStrategy::kQuantile ? QuantileEdges(probs, n_bins)
                                                                       : UniformEdges(n_bins);

  const auto bins = static_cast<std::size_t>(n_bins);
  std::vector<std::int64_t> counts(bins, 0);
  std::vector<detail::CompensatedSum> weight_sums(bins);
  std::vector<detail::CompensatedSum> prob_sums(bins);
  std::vector<detail::CompensatedSum> event_sums(bins);
  detail::CompensatedSum total_weight;
  // numpy.searchsorted(inner_edges, p, side="left"): the number of inner edges strictly below p, which makes
  // bins closed on the right. Quantile edges may repeat (tied probabilities); the repeated bins stay empty.
  const auto inner_begin = edges.begin() + 1;
  const auto inner_end = edges.end() - 1;
  for (std::size_t i = 0; i < probs.size(); ++i) {
    const auto bin = static_cast<std::size_t>(std::lower_bound(inner_begin, inner_end, probs[i]) - inner_begin);
    const double weight = detail::WeightAt(weights, i);
    ++counts[bin];
    weight_sums[bin].Add(weight);
    prob_sums[bin].Add(weight * probs[i]);
    event_sums[bin].Add(weight * labels[i]);
    total_weight.Add(weight);
  }
  detail::CheckPositiveTotalWeight("CalibrationTable", total_weight.Value());

  std::vector<CalibrationBin> table(bins);
  for (std::size_t b = 0; b < bins; ++b) {
    CalibrationBin& row = table[b];
    row.lower = edges[b];
    row.upper = edges[b + 1];
    row.count = counts[b];
    row.weight = weight_sums[b].Value();
    if (row.weight > 0) {
      row.mean_predicted = prob_sums[b].Value() / row.weight;
      row.observed_rate = event_sums[b].Value() / row.weight;
    }
  }
  return table;
}

}  // namespace finai::metrics
