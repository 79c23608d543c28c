#include "validation/quantiles.hpp"

#include <cmath>
#include <cstddef>

namespace finai::validation::detail {

std::vector<double> UniqueQuantileBreaks(const std::vector<double>& sorted, int parts) {
  std::vector<double> breaks;
  const auto last = static_cast<double>(sorted.size() - 1);
  for (int k = 0; k <= parts; ++k) {
    const double h = last * static_cast<double>(k) / static_cast<double>(parts);
    const auto lo = static_cast<std::size_t>(std::floor(h));
    const double frac = h - static_cast<double>(lo);
    double q = sorted[lo];
    if (frac > 0 && lo + 1 < sorted.size()) q = sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
    if (breaks.empty() || q != breaks.back()) breaks.push_back(q);
  }
  return breaks;
}

}  // namespace finai::validation::detail
