// A mergeable weighted quantile sketch (weighted Greenwald–Khanna summaries, in the style of the appendix
// of the XGBoost paper), used by the Binner to choose cut points without sorting a whole column and
// usable chunk by chunk on data larger than memory.
//
// Ranks are weights: for a value x, W_lt(x) is the total weight of the values < x and W_le(x) that of
// the values <= x. A summary keeps, for a few values x_i in ascending order, bounds
//   rmin_i <= W_lt(x_i),   W_le(x_i) <= rmax_i,   wmin_i <= weight of x_i,
// which stay valid under Combine (a merge of two summaries) and Prune (dropping entries).
//
// Error bound. Let A_i = rmax_i - wmin_i (an upper bound on W_lt(x_i)) and B_i = rmin_i + wmin_i (a
// lower bound on W_le(x_i)); the gap of a summary is max_i (A_{i+1} - B_i), the weight that may lie
// strictly between two neighbouring entries. Query(r) returns an x_i with
//   W_lt(x_i) <= r + e   and   W_le(x_i) >= r - e,   e = gap / 2 = RankError().
// A summary built from sorted data is exact (gap 0: Query returns the lower weighted quantile
// min{x : W_le(x) >= r}); Combine adds the gaps of its inputs; Prune to k entries adds at most
// total_weight / (k - 1). The sketch keeps a buffer of 2k values and a binary tree of levels (a level-l
// summary has absorbed 2^l buffers, and was pruned at most l + 1 times), so after n pushes
//   e <= levels * W / (2 (k - 1)),   levels <= 1 + log2(n / 2k),
// i.e. about 1/k of the total weight per level; RankErrorBound() reports the exact a-priori figure.
// With at most k distinct values nothing is ever pruned and every answer is exact.
//
// Determinism: no step depends on timing or thread count; merging the same sketches in the same order
// gives bit-identical summaries.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace finai {

struct SketchEntry {
  double value = 0;
  double rmin = 0;  // lower bound on the weight of the values < value
  double rmax = 0;  // upper bound on the weight of the values <= value
  double wmin = 0;  // lower bound on the weight of value itself

  double RMinNext() const { return rmin + wmin; }  // lower bound on W_le(value)
  double RMaxPrev() const { return rmax - wmin; }  // upper bound on W_lt(value)
};

// An immutable summary: entries sorted by strictly increasing value.
class QuantileSummary {
 public:
  QuantileSummary() = default;

  // An exact summary of (value, weight) pairs: sorts them and adds up the weights of equal values.
  // Values must be finite and weights finite and > 0 (InvalidArgument otherwise).
  static QuantileSummary FromWeighted(std::vector<std::pair<double, double>> values);
  // The same for values of weight 1 each (equal to FromWeighted with those weights), sorting plain
  // doubles: about twice as fast. Values must be finite.
  static QuantileSummary FromValues(std::vector<double> values);
  // A summary of the union of the two inputs' data; its gap is at most the sum of theirs.
  static QuantileSummary Combine(const QuantileSummary& a, const QuantileSummary& b);
  // At most max_entries (>= 2) entries, keeping the smallest and largest; adds at most
  // total_weight / (max_entries - 1) to the gap. Returns a copy when already small enough.
  QuantileSummary Prune(std::size_t max_entries) const;

  std::span<const SketchEntry> entries() const { return entries_; }
  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  double total_weight() const { return total_weight_; }
  double min_value() const;  // InvalidArgument when empty
  double max_value() const;
  // True when no entry was ever dropped: the summary holds every distinct value with its exact weight.
  bool exact() const { return exact_; }

  // The largest weight that may lie strictly between neighbouring entries.
  double Gap() const;
  // A certified bound on how far the rank of a Query answer may be from the requested rank: Gap() / 2.
  double RankError() const { return Gap() / 2; }
  // A value x_i of the summary with W_lt(x_i) <= rank + RankError() and W_le(x_i) >= rank - RankError();
  // rank is clamped to [0, total_weight]. InvalidArgument when the summary is empty or rank is NaN.
  double Query(double rank) const;
  // Bounds [lo, hi] on W_le(x), the weight of the data <= x (exact, lo == hi, when exact()).
  std::pair<double, double> WeightAtOrBelow(double x) const;

  // Throws InternalError if an invariant (ordering, bound consistency) is broken; used by tests.
  void Validate() const;

 private:
  std::vector<SketchEntry> entries_;
  double total_weight_ = 0;
  bool exact_ = true;
};

class QuantileSketch {
 public:
  static constexpr int kDefaultSummarySize = 1024;

  // summary_size (k) is the number of entries each level keeps, in [8, 2^24] (InvalidArgument otherwise).
  explicit QuantileSketch(int summary_size = kDefaultSummarySize);

  // Adds a value with a weight. The value must be finite (callers drop missing values before, so a NaN
  // here is an error, not silently skipped); the weight finite and >= 0; weight 0 is ignored.
  void Push(double value, double weight = 1.0);
  // Adds values with weights (an empty weights span means weight 1 for every value).
  void Push(std::span<const double> values, std::span<const double> weights = {});
  // Adds everything another sketch has seen. Both must have the same summary size (InvalidArgument).
  void Merge(const QuantileSketch& other);

  // A summary of everything pushed so far (levels and buffer combined, not pruned further).
  QuantileSummary Summary() const;

  int summary_size() const { return summary_size_; }
  double total_weight() const { return total_weight_; }
  std::int64_t count() const { return count_; }  // pushes with positive weight
  // A-priori bound on Summary().RankError(), from the pruning history (0 while nothing was pruned).
  double RankErrorBound() const;
  // Number of levels of the merge tree in use (0 while everything is still in the buffer).
  int num_levels() const;

 private:
  struct Level {
    QuantileSummary summary;
    double gap_bound = 0;  // a-priori bound on summary.Gap()
    bool occupied = false;
  };
  void FlushBuffer();
  void Carry(QuantileSummary summary, double gap_bound, std::size_t level);

  int summary_size_;
  std::vector<std::pair<double, double>> buffer_;
  std::vector<Level> levels_;
  double total_weight_ = 0;
  std::int64_t count_ = 0;
};

}  // namespace finai
