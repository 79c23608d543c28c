// Isotonic regression by pool adjacent violators.
#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "finai/core/error.hpp"
#include "finai/validation/calibration.hpp"
#include "validation/checks.hpp"

namespace finai::validation {

double IsotonicFit::Predict(double score) const {
  if (x.empty()) return 0.0;
  if (score <= x.front()) return y.front();
  if (score >= x.back()) return y.back();
  const std::size_t hi = static_cast<std::size_t>(std::upper_bound(x.begin(), x.end(), score) - x.begin());
  const std::size_t lo = hi - 1;
  const double t = (score - x[lo]) / (x[hi] - x[lo]);
  return y[lo] + t * (y[hi] - y[lo]);
}

IsotonicFit FitIsotonic(std::span<const double> scores, std::span<const double> targets,
                        std::span<const double> weights) {
  detail::CheckSameLength("FitIsotonic", "scores", scores.size(), "targets", targets.size());
  detail::CheckValues("FitIsotonic", "scores", scores, detail::Rule::kFinite);
  detail::CheckValues("FitIsotonic", "targets", targets, detail::Rule::kFinite);
  if (!weights.empty()) {
    detail::CheckSameLength("FitIsotonic", "scores", scores.size(), "weights", weights.size());
    detail::CheckValues("FitIsotonic", "weights", weights, detail::Rule::kFinite);
  }
  std::vector<std::size_t> order(scores.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
  // Pool tied scores first: one point per distinct score with the weighted mean target.
  struct Block {
    double weight = 0;
    double mean = 0;
    std::size_t points = 0;  // distinct scores pooled into the block
  };
  IsotonicFit fit;
  std::vector<Block> points;
  for (std::size_t i : order) {
    const double w = weights.empty() ? 1.0 : weights[i];
    if (w < 0) {
      throw InvalidArgument(fmt::format("FitIsotonic: row {}", i + 1),
                            {.field = "weights", .field_kind = "argument", .value = fmt::format("{}", w),
                             .expected = "a weight >= 0"});
    }
    if (w == 0) continue;
    if (fit.x.empty() || scores[i] != fit.x.back()) {
      fit.x.push_back(scores[i]);
      points.push_back(Block{.weight = 0, .mean = 0, .points = 1});
    }
    Block& b = points.back();
    b.weight += w;
    b.mean += (targets[i] - b.mean) * w / b.weight;
  }
  if (points.empty()) {
    throw InvalidArgument("FitIsotonic: every weight is 0", {.field = "weights", .field_kind = "argument",
                                                            .expected = "a positive weight"});
  }
  // Pool adjacent violators: a stack of blocks with strictly increasing means.
  std::vector<Block> stack;
  for (const Block& p : points) {
    stack.push_back(p);
    while (stack.size() > 1 && stack[stack.size() - 2].mean >= stack.back().mean) {
      const Block top = stack.back();
      stack.pop_back();
      Block& below = stack.back();
      const double w = below.weight + top.weight;
      below.mean = (below.mean * below.weight + top.mean * top.weight) / w;
      below.weight = w;
      below.points += top.points;
    }
  }
  fit.y.reserve(fit.x.size());
  for (const Block& b : stack) fit.y.insert(fit.y.end(), b.points, b.mean);
  return fit;
}

}  // namespace finai::validation
