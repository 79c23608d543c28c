// The exact merge of pre-bins (OptimalSegmentation). The objective is a sum of per-bin terms and every
// constraint is either a property of one bin (weight, events, non-events) or a relation between the event
// rates of two consecutive bins (the trend). So the best segmentation of pre-bins [0, l) whose last bin is
// [j, l) and which reached trend phase p with k bins depends on the past only through the previous bin
// [i, j) and its phase: f[k][j][l][p'] = term(j, l) + max over (i, p) allowed by the trend of f[k-1][i][j][p].
// Enumerating every state gives the optimum over all segmentations (docs/scorecard.md).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "finai/core/error.hpp"
#include "finai/scorecard/binning.hpp"

namespace finai::scorecard {

namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

// Phase 0: the first (or only) direction of the trend; phase 1: after the turn of a peak or valley.
// Returns the next phase, or -1 when the rate change breaks the trend.
int NextPhase(MonotonicTrend trend, int phase, double prev_rate, double rate, double min_diff) {
  const bool up = rate > prev_rate + min_diff;
  const bool down = rate < prev_rate - min_diff;
  switch (trend) {
    case MonotonicTrend::kNone:
      return 0;
    case MonotonicTrend::kAscending:
      return up ? 0 : -1;
    case MonotonicTrend::kDescending:
      return down ? 0 : -1;
    case MonotonicTrend::kPeak:
      if (phase == 0) return up ? 0 : down ? 1 : -1;
      return down ? 1 : -1;
    case MonotonicTrend::kValley:
      if (phase == 0) return down ? 0 : up ? 1 : -1;
      return up ? 1 : -1;
    case MonotonicTrend::kAuto:
      break;
  }
  throw InternalError("NextPhase: auto trend must be resolved first");
}

Segmentation Solve(std::span<const double> events, std::span<const double> non_events, double total_events,
                   double total_non_events, const SegmentConstraints& c, MonotonicTrend trend) {
  const int n = static_cast<int>(events.size());
  const int max_k = std::min(c.max_bins, n);
  std::vector<double> pe(static_cast<std::size_t>(n) + 1, 0.0), pg(static_cast<std::size_t>(n) + 1, 0.0);
  for (int i = 0; i < n; ++i) {
    pe[static_cast<std::size_t>(i) + 1] = pe[static_cast<std::size_t>(i)] + events[static_cast<std::size_t>(i)];
    pg[static_cast<std::size_t>(i) + 1] = pg[static_cast<std::size_t>(i)] + non_events[static_cast<std::size_t>(i)];
  }
  // Per segment [i, j): objective term (NaN when the segment breaks a per-bin constraint) and event rate.
  const auto idx = [n](int i, int j) {
    return static_cast<std::size_t>(i) * static_cast<std::size_t>(n + 1) + static_cast<std::size_t>(j);
  };
  std::vector<double> term(idx(n, n) + 1, std::numeric_limits<double>::quiet_NaN()), rate(idx(n, n) + 1, 0.0);
  for (int i = 0; i < n; ++i) {
    for (int j = i + 1; j <= n; ++j) {
      const double e = pe[static_cast<std::size_t>(j)] - pe[static_cast<std::size_t>(i)];
      const double g = pg[static_cast<std::size_t>(j)] - pg[static_cast<std::size_t>(i)];
      rate[idx(i, j)] = e + g > 0 ? e / (e + g) : 0.0;
      if (e > 0 && g > 0 && e >= c.min_bin_events && g >= c.min_bin_non_events && e + g >= c.min_bin_weight) {
        term[idx(i, j)] = BinObjectiveTerm(e, g, total_events, total_non_events, c.objective);
      }
    }
  }
  // Layer k of f: f[(i * (n+1) + j) * 2 + p] = best objective with k+1 bins, the last one [i, j), phase p.
  // Only two layers of values are kept; the predecessors (previous bin's start * 2 + phase) of every layer
  // are kept for the reconstruction, as 16-bit numbers (n <= kMaxPreBins).
  const std::size_t phases = 2;
  const std::size_t layer = (idx(n, n) + 1) * phases;
  std::vector<double> f(layer, kNegInf), next(layer, kNegInf);
  std::vector<std::int16_t> parent(static_cast<std::size_t>(max_k) * layer, -1);
  const auto at = [&](int i, int j, int p) { return idx(i, j) * phases + static_cast<std::size_t>(p); };
  for (int j = 1; j <= n; ++j) {
    if (!std::isnan(term[idx(0, j)])) f[at(0, j, 0)] = term[idx(0, j)];
  }
  Segmentation best;
  best.trend = trend;
  int bk = -1, bi = -1, bp = -1;
  double bv = kNegInf;
  for (int k = 0; k < max_k; ++k) {
    // The best segmentation so far that covers every pre-bin, with k+1 bins.
    for (int i = 0; i < n; ++i) {
      for (int p = 0; p < 2; ++p) {
        if (f[at(i, n, p)] > bv) {
          bv = f[at(i, n, p)];
          bk = k, bi = i, bp = p;
        }
      }
    }
    if (k + 1 == max_k) break;
    std::fill(next.begin(), next.end(), kNegInf);
    std::int16_t* next_parent = parent.data() + static_cast<std::size_t>(k + 1) * layer;
    for (int j = 1; j < n; ++j) {
      for (int i = 0; i < j; ++i) {
        for (int p = 0; p < 2; ++p) {
          const double base = f[at(i, j, p)];
          if (base == kNegInf) continue;
          const double prev_rate = rate[idx(i, j)];
          for (int l = j + 1; l <= n; ++l) {
            const double t = term[idx(j, l)];
            if (std::isnan(t)) continue;
            const int q = NextPhase(trend, p, prev_rate, rate[idx(j, l)], c.min_event_rate_diff);
            if (q < 0) continue;
            double& slot = next[at(j, l, q)];
            if (base + t > slot) {
              slot = base + t;
              next_parent[at(j, l, q)] = static_cast<std::int16_t>(i * 2 + p);
            }
          }
        }
      }
    }
    f.swap(next);
  }
  if (bk < 0) return best;
  best.feasible = true;
  best.objective = bv;
  int j = n;
  for (int k = bk, i = bi, p = bp; k >= 0; --k) {
    best.ends.push_back(j);
    const std::int16_t from = parent[static_cast<std::size_t>(k) * layer + at(i, j, p)];
    j = i;
    if (k > 0) {
      i = from / 2;
      p = from % 2;
    }
  }
  std::reverse(best.ends.begin(), best.ends.end());
  return best;
}

}  // namespace

double BinObjectiveTerm(double events, double non_events, double total_events, double total_non_events,
                        BinObjective objective) {
  const double b = events / total_events;
  const double g = non_events / total_non_events;
  if (objective == BinObjective::kInformationValue) return (g - b) * std::log(g / b);
  // Jensen-Shannon divergence term: 0.5 (g ln(2g / (g + b)) + b ln(2b / (g + b))), 0 ln 0 = 0.
  double js = 0;
  if (g > 0) js += g * std::log(2 * g / (g + b));
  if (b > 0) js += b * std::log(2 * b / (g + b));
  return 0.5 * js;
}

bool FollowsTrend(std::span<const double> rates, MonotonicTrend trend, double min_diff) {
  if (trend == MonotonicTrend::kAuto) {
    return FollowsTrend(rates, MonotonicTrend::kAscending, min_diff) ||
           FollowsTrend(rates, MonotonicTrend::kDescending, min_diff);
  }
  int phase = 0;
  for (std::size_t b = 1; b < rates.size(); ++b) {
    phase = NextPhase(trend, phase, rates[b - 1], rates[b], min_diff);
    if (phase < 0) return false;
  }
  return true;
}

Segmentation OptimalSegmentation(std::span<const double> events, std::span<const double> non_events,
                                 double total_events, double total_non_events, const SegmentConstraints& c) {
  if (events.size() != non_events.size() || events.empty()) {
    throw InvalidArgument("pre-bin events and non-events must be non-empty and of equal length",
                          {.value = fmt::format("{} and {}", events.size(), non_events.size())});
  }
  if (events.size() > static_cast<std::size_t>(kMaxPreBins)) {
    throw InvalidArgument("too many pre-bins for the exact merge",
                          {.field = "max_prebins",
                           .field_kind = "option",
                           .value = std::to_string(events.size()),
                           .expected = fmt::format("at most {}", kMaxPreBins)});
  }
  if (c.max_bins < 1) {
    throw InvalidArgument("too few bins", {.field = "max_bins",
                                           .field_kind = "parameter",
                                           .value = std::to_string(c.max_bins),
                                           .expected = "at least 1"});
  }
  if (!(total_events > 0) || !(total_non_events > 0)) {
    throw InvalidData("binning needs both events and non-events", {.expected = "a target with both classes"});
  }
  if (c.trend != MonotonicTrend::kAuto) return Solve(events, non_events, total_events, total_non_events, c, c.trend);
  Segmentation up = Solve(events, non_events, total_events, total_non_events, c, MonotonicTrend::kAscending);
  Segmentation down = Solve(events, non_events, total_events, total_non_events, c, MonotonicTrend::kDescending);
  if (!down.feasible || (up.feasible && up.objective >= down.objective)) return up;
  return down;
}

}  // namespace finai::scorecard
