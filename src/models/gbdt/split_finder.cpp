#include "split_finder.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>


namespace finai::gbdt {

double LeafMath::Value(const NodeSums& s, const ValueBounds& bounds) const {
  const double g = G(s);
  const double h = H(s);
  const double alpha = params_.lambda_l1;
  const double t = g > alpha ? g - alpha : (g < -alpha ? g + alpha : 0.0);  // soft threshold (L1)
  double w = -t / (h + params_.lambda_l2);
  if (params_.max_delta_step > 0) w = std::clamp(w, -params_.max_delta_step, params_.max_delta_step);
  return std::clamp(w, bounds.lower, bounds.upper);
}

double LeafMath::Score(const NodeSums& s, double w) const {
  return -(2.0 * G(s) * w + (H(s) + params_.lambda_l2) * w * w + 2.0 * params_.lambda_l1 * std::fabs(w));
}

namespace {

struct Evaluator {
  const SplitSearch& search;
  const NodeSums& total;
  const ValueBounds& bounds;
  int monotone;
  double parent_score;
  bool constrained;  // bounds, a monotone direction or max_delta_step: leaf values must be computed

  // Updates best when the split is admissible and better; returns whether it did.
  bool Consider(const NodeSums& left, SplitCandidate& best, int feature, const auto& describe) const {
    const NodeSums right = total - left;
    const GbdtParams& p = *search.params;
    if (left.n < p.min_data_in_leaf || right.n < p.min_data_in_leaf) return false;
    if (search.math.H(left) < p.min_child_weight || search.math.H(right) < p.min_child_weight) return false;
    double gain;
    if (constrained) {
      const double wl = search.math.Value(left, bounds);
      const double wr = search.math.Value(right, bounds);
      if (monotone > 0 && wl > wr) return false;
      if (monotone < 0 && wl < wr) return false;
      gain = search.math.Score(left, wl) + search.math.Score(right, wr) - parent_score;
    } else {
      gain = search.math.OptimalScore(left) + search.math.OptimalScore(right) - parent_score;
    }
    if (!(gain > best.gain)) return false;
    const double wl = search.math.Value(left, bounds);
    const double wr = search.math.Value(right, bounds);
    best.gain = gain;
    best.feature = feature;
    best.left = left;
    best.right = right;
    best.left_value = wl;
    best.right_value = wr;
    describe(best);
    return true;
  }
};

// Every value left, missing values right: the split that separates "unknown" from "known". `acc` holds the
// sums of every value bin but the last.
void ConsiderKnownVersusMissing(const Evaluator& ev, const HistBin* bins, const FeatureMeta& meta, int feature,
                                NodeSums acc, const NodeSums& miss, SplitCandidate& best) {
  if (meta.missing_bin >= 1) {
    const NodeSums last = Unpack(bins[meta.missing_bin - 1], ev.search.count_bits);
    acc.g += last.g;
    acc.h += last.h;
    acc.n += last.n;
  }
  if (miss.n > 0 && acc.n > 0) {
    ev.Consider(acc, best, feature, [&](SplitCandidate& c) {
      c.categorical = false;
      c.threshold_bin = meta.missing_bin - 1;
      c.default_left = false;
    });
  }
}

void SearchNumeric(const Evaluator& ev, const HistBin* bins, const FeatureMeta& meta, int feature,
                   SplitCandidate& best) {
  const int cb = ev.search.count_bits;
  const NodeSums miss = Unpack(bins[meta.missing_bin], cb);
  NodeSums acc;
  for (int t = 0; t + 1 < meta.missing_bin; ++t) {
    if (bins[t].hn == 0) continue;  // no rows: same partition as the previous threshold
    const NodeSums b = Unpack(bins[t], cb);
    acc.g += b.g;
    acc.h += b.h;
    acc.n += b.n;
    // Missing values to the right, then to the left. When the node has none, the direction is a choice
    // for future data: send them where most of the training rows went.
    ev.Consider(acc, best, feature, [&](SplitCandidate& c) {
      c.categorical = false;
      c.threshold_bin = t;
      c.default_left = miss.n == 0 ? acc.h >= (ev.total - acc).h : false;
    });
    if (miss.n > 0) {
      const NodeSums with_missing{acc.g + miss.g, acc.h + miss.h, acc.n + miss.n};
      ev.Consider(with_missing, best, feature, [&](SplitCandidate& c) {
        c.categorical = false;
        c.threshold_bin = t;
        c.default_left = true;
      });
    }
  }
  ConsiderKnownVersusMissing(ev, bins, meta, feature, acc, miss, best);
}

// SearchNumeric for the common case, no value bounds and no L1 penalty, where a side's score is
// G^2 / (H + lambda): all thresholds' gains are computed first in a loop the compiler vectorises, then the
// first admissible maximum is picked. The candidates, their order, their gains (same operations, same
// rounding) and so the chosen split are those of SearchNumeric.
void SearchNumericUnconstrained(const Evaluator& ev, const HistBin* bins, const FeatureMeta& meta, int feature,
                                SplitCandidate& best) {
  const int cb = ev.search.count_bits;
  const LeafMath& m = ev.search.math;
  const GbdtParams& p = *ev.search.params;
  const double lambda = p.lambda_l2;
  const NodeSums miss = Unpack(bins[meta.missing_bin], cb);
  const int thresholds = std::max(0, meta.missing_bin - 1);
  // Per threshold t (bins <= t left): the left sums with missing values right (index t) and left
  // (index 256 + t), and the real-unit sums of both sides.
  std::array<NodeSums, 512> left_sums;
  std::array<double, 512> gl, hl, gr, hr, gain;
  NodeSums acc;
  for (int t = 0; t < thresholds; ++t) {
    const NodeSums b = Unpack(bins[t], cb);
    acc.g += b.g;
    acc.h += b.h;
    acc.n += b.n;
    const NodeSums with_missing{acc.g + miss.g, acc.h + miss.h, acc.n + miss.n};
    left_sums[static_cast<std::size_t>(t)] = acc;
    left_sums[static_cast<std::size_t>(256 + t)] = with_missing;
  }
  for (const int base : {0, 256}) {
    for (int t = 0; t < thresholds; ++t) {
      const auto i = static_cast<std::size_t>(base + t);
      const NodeSums right = ev.total - left_sums[i];
      gl[i] = m.G(left_sums[i]);
      hl[i] = m.H(left_sums[i]);
      gr[i] = m.G(right);
      hr[i] = m.H(right);
    }
    for (int t = 0; t < thresholds; ++t) {
      const auto i = static_cast<std::size_t>(base + t);
      gain[i] = (gl[i] * gl[i] / (hl[i] + lambda) + gr[i] * gr[i] / (hr[i] + lambda)) - ev.parent_score;
    }
  }
  const auto admissible = [&](std::size_t i) {
    const NodeSums& l = left_sums[i];
    const std::int64_t rn = ev.total.n - l.n;
    return l.n >= p.min_data_in_leaf && rn >= p.min_data_in_leaf && hl[i] >= p.min_child_weight &&
           hr[i] >= p.min_child_weight;
  };
  int chosen = -1;
  double chosen_gain = best.gain;
  for (int t = 0; t < thresholds; ++t) {
    if (bins[t].hn == 0) continue;  // no rows: same partition as the previous threshold
    const auto i = static_cast<std::size_t>(t);
    if (gain[i] > chosen_gain && admissible(i)) {
      chosen = t;
      chosen_gain = gain[i];
    }
    if (miss.n > 0 && gain[256 + i] > chosen_gain && admissible(256 + i)) {
      chosen = 256 + t;
      chosen_gain = gain[256 + i];
    }
  }
  if (chosen >= 0) {
    const int t = chosen % 256;
    const bool missing_left = chosen >= 256;
    const NodeSums& left = left_sums[static_cast<std::size_t>(chosen)];
    ev.Consider(left, best, feature, [&](SplitCandidate& c) {
      c.categorical = false;
      c.threshold_bin = t;
      c.default_left = missing_left || (miss.n == 0 && left.h >= (ev.total - left).h);
    });
  }
  ConsiderKnownVersusMissing(ev, bins, meta, feature, acc, miss, best);
}

void SearchCategorical(const Evaluator& ev, const HistBin* bins, const FeatureMeta& meta, int feature,
                       double cat_smooth, int max_cat_threshold, int min_data_per_category, SplitCandidate& best) {
  // Categories with enough rows, ordered by their mean gradient: the best binary partition of an ordered
  // set is a prefix (Fisher 1958), so scanning prefixes from both ends finds it for squared-error-like gains.
  const int cb = ev.search.count_bits;
  const auto at = [&](int b) { return Unpack(bins[b], cb); };
  std::vector<int> cats;
  for (int b = 0; b < meta.num_bins; ++b) {
    if (b == meta.missing_bin || b == meta.other_bin) continue;
    if (at(b).n >= min_data_per_category) cats.push_back(b);
  }
  if (cats.empty()) return;
  const LeafMath& m = ev.search.math;
  std::stable_sort(cats.begin(), cats.end(), [&](int a, int b) {
    const NodeSums sa = at(a), sb = at(b);
    return m.G(sa) / (m.H(sa) + cat_smooth) < m.G(sb) / (m.H(sb) + cat_smooth);
  });
  const NodeSums miss = at(meta.missing_bin);
  const int limit = std::min<int>(max_cat_threshold, static_cast<int>(cats.size()));
  for (int direction = 0; direction < 2; ++direction) {
    NodeSums acc;
    for (int i = 0; i < limit; ++i) {
      const int b = direction == 0 ? cats[static_cast<std::size_t>(i)] : cats[cats.size() - 1 - static_cast<std::size_t>(i)];
      const NodeSums sb = at(b);
      acc.g += sb.g;
      acc.h += sb.h;
      acc.n += sb.n;
      const auto describe = [&](bool missing_left) {
        return [&, missing_left, i](SplitCandidate& c) {
          c.categorical = true;
          c.threshold_bin = -1;
          c.left_bins.assign(static_cast<std::size_t>(meta.num_bins), 0);
          for (int k = 0; k <= i; ++k) {
            const int kb = direction == 0 ? cats[static_cast<std::size_t>(k)] : cats[cats.size() - 1 - static_cast<std::size_t>(k)];
            c.left_bins[static_cast<std::size_t>(kb)] = 1;
          }
          c.default_left = missing_left;
        };
      };
      ev.Consider(acc, best, feature, describe(false));
      if (miss.n > 0) ev.Consider({acc.g + miss.g, acc.h + miss.h, acc.n + miss.n}, best, feature, describe(true));
    }
  }
}

}  // namespace

SplitCandidate FindBestSplit(const SplitSearch& search, const Histogram& hist, const NodeSums& total,
                             const ValueBounds& bounds, const Context& ctx) {
  const TrainingData& data = *search.data;
  const GbdtParams& p = *search.params;
  const double parent_score = search.math.Score(total, search.math.Value(total, bounds));
  std::vector<SplitCandidate> per_feature(static_cast<std::size_t>(data.features));
  // Features are scanned on one thread: a scan is a few thousand additions, less than waking a thread team
  // costs (and a busy team spinning on a loaded machine costs far more).
  (void)ctx;
  for (int f = 0; f < data.features; ++f) {
    if (!search.allowed[static_cast<std::size_t>(f)]) continue;
    const FeatureMeta& meta = data.meta[static_cast<std::size_t>(f)];
    const bool constrained = meta.monotone != 0 || p.max_delta_step > 0 || std::isfinite(bounds.lower) ||
                             std::isfinite(bounds.upper);
    const Evaluator ev{search, total, bounds, meta.monotone, parent_score, constrained};
    SplitCandidate& best = per_feature[static_cast<std::size_t>(f)];
    const HistBin* bins = hist.data() + meta.offset;
    if (meta.kind == FeatureKind::kNumeric) {
      if (!constrained && p.lambda_l1 == 0) {
        SearchNumericUnconstrained(ev, bins, meta, f, best);
      } else {
        SearchNumeric(ev, bins, meta, f, best);
      }
    } else {
      SearchCategorical(ev, bins, meta, f, p.cat_smooth, p.max_cat_threshold, p.min_data_per_category, best);
    }
  }
  // The best over features; on equal gains the lowest feature index wins, whatever the thread count.
  SplitCandidate best;
  for (auto& c : per_feature) {
    if (c.valid() && c.gain > best.gain) best = std::move(c);
  }
  if (!best.valid() || !(best.gain > p.min_split_gain) || !(best.gain > 1e-12)) return SplitCandidate{};
  return best;
}

}  // namespace finai::gbdt
