#include "recourse_regions.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace finai::explain::recourse_detail {

namespace {
double Effective(const gbdt::GbdtModel& model, double v) {
  return model.float32_compare ? static_cast<double>(static_cast<float>(v)) : v;
}

// The largest value that goes left at threshold t (t as the model compares it). In double: t for x <= t, the double
// below t for x < t. In float32 the model rounds the value first, so every double that rounds to the same float
// routes alike: the answer is the last double before the rounding boundary next to t.
double HighestLeft(const gbdt::GbdtModel& model, double t) {
  const double inf = std::numeric_limits<double>::infinity();
  const bool less = model.split_rule == gbdt::SplitRule::kLess;
  if (!model.float32_compare) return less ? std::nextafter(t, -inf) : t;
  const auto tf = static_cast<float>(t);
  const float finf = std::numeric_limits<float>::infinity();
  const auto left = [&](double v) { return less ? static_cast<float>(v) < tf : static_cast<float>(v) <= tf; };
  // The boundary lies halfway between t and its float neighbour (exact in double); which side the halfway value
  // falls on depends on round-to-even.
  const float neighbour = less ? std::nextafter(tf, -finf) : std::nextafter(tf, finf);
  const double half = (static_cast<double>(neighbour) + static_cast<double>(tf)) / 2;
  if (std::isnan(half) || std::isinf(half)) return less ? static_cast<double>(neighbour) : t;
  return left(half) ? half : std::nextafter(half, -inf);
}

// The smallest whole multiple n * step at or above lo (and the largest at or below hi): the division rounds, so the
// neighbouring counts are checked as the products are computed.
double FirstStepAtOrAbove(double lo, double step) {
  double n = std::ceil(lo / step) - 1;
  while (n * step < lo) n += 1;
  return n * step;
}
double LastStepAtOrBelow(double hi, double step) {
  double n = std::floor(hi / step) + 1;
  while (n * step > hi) n -= 1;
  return n * step;
}

// The smallest value that goes right at threshold t.
double LowestRight(const gbdt::GbdtModel& model, double t) {
  return std::nextafter(HighestLeft(model, t), std::numeric_limits<double>::infinity());
}
}  // namespace

std::vector<std::vector<double>> SplitThresholds(const gbdt::GbdtModel& model) {
  std::vector<std::vector<double>> out(model.features.size());
  for (const auto& tree : model.trees) {
    for (const auto& node : tree.nodes) {
      if (node.is_leaf() || node.category_set >= 0) continue;
      out[static_cast<std::size_t>(node.feature)].push_back(Effective(model, node.threshold));
    }
  }
  for (auto& t : out) {
    std::sort(t.begin(), t.end());
    t.erase(std::unique(t.begin(), t.end()), t.end());
  }
  return out;
}

int RegionOf(const gbdt::GbdtModel& model, const std::vector<double>& thresholds, double value) {
  const double v = Effective(model, value);
  // x <= t goes left (finai, LightGBM): the region counts the thresholds strictly below v; x < t (XGBoost): those
  // at or below v.
  const auto it = model.split_rule == gbdt::SplitRule::kLess
                      ? std::upper_bound(thresholds.begin(), thresholds.end(), v)
                      : std::lower_bound(thresholds.begin(), thresholds.end(), v);
  return static_cast<int>(it - thresholds.begin());
}

int ThresholdIndex(const gbdt::GbdtModel& model, const std::vector<double>& thresholds, double threshold) {
  const double t = Effective(model, threshold);
  return static_cast<int>(std::lower_bound(thresholds.begin(), thresholds.end(), t) - thresholds.begin());
}

std::vector<RegionChoice> RegionChoices(const gbdt::GbdtModel& model, const std::vector<double>& thresholds,
                                        const FeatureAction& action, double own_value) {
  const int k = static_cast<int>(thresholds.size());
  const double inf = std::numeric_limits<double>::infinity();
  const int own = RegionOf(model, thresholds, own_value);
  std::vector<RegionChoice> out(static_cast<std::size_t>(k) + 1);
  for (int i = 0; i <= k; ++i) {
    RegionChoice& c = out[static_cast<std::size_t>(i)];
    if (i == own) {
      c = {.allowed = true, .value = own_value, .cost = 0};
      continue;
    }
    // The region's extent: (t_i, t_{i+1}] for x <= t splits, [t_i, t_{i+1}) for x < t.
    double lo = i == 0 ? -inf : LowestRight(model, thresholds[static_cast<std::size_t>(i - 1)]);
    double hi = i == k ? inf : HighestLeft(model, thresholds[static_cast<std::size_t>(i)]);
    lo = std::max(lo, action.lower);
    hi = std::min(hi, action.upper);
    if (action.direction > 0) lo = std::max(lo, own_value);
    if (action.direction < 0) hi = std::min(hi, own_value);
    // Nearest to the applicant's value: the low end when the region lies above it, else the high end.
    const bool above = i > own;
    double v = above ? lo : hi;
    if (action.step > 0) v = above ? FirstStepAtOrAbove(lo, action.step) : LastStepAtOrBelow(hi, action.step);
    if (!(lo <= hi) || !std::isfinite(v) || v < lo || v > hi || RegionOf(model, thresholds, v) != i) continue;
    c = {.allowed = true, .value = v, .cost = action.cost_per_unit * std::abs(v - own_value)};
  }
  return out;
}

double ApprovalMargin(double cutoff, double widen) {
  const double logit = std::log(cutoff / (1 - cutoff));
  return logit - 1e-6 * widen * (1 + std::abs(logit));
}

}  // namespace finai::explain::recourse_detail
