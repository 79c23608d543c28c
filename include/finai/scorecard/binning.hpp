// Optimal binning of one variable against a binary target, the first step of a credit scorecard.
//
// Numeric variables: quantile pre-bins (finai's Binner on an exact weighted summary), then the merge of
// consecutive pre-bins that maximises the information value (or the Jensen-Shannon divergence) subject to
// a monotonic event-rate trend, a minimum share of rows per bin, minimum events and non-events per bin and
// a maximum number of bins. The merge is solved to proven optimality by a dynamic program (OptimalSegmentation,
// argument in docs/scorecard.md); special values and missing values get bins of their own.
// Categorical variables: categories are ordered by event rate and then merged by the same program into
// groups of consecutive categories.
//
// Conventions (docs/scorecard.md): event = "bad" (target 1), non-event = "good";
//   WoE_b = ln( (good_b / good_total) / (bad_b / bad_total) )   (positive = safer than average)
//   IV    = sum_b (good_b / good_total - bad_b / bad_total) * WoE_b.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "finai/data/column.hpp"

namespace finai::scorecard {

enum class MonotonicTrend { kAuto, kAscending, kDescending, kPeak, kValley, kNone };
std::string_view TrendName(MonotonicTrend trend);  // "auto", "ascending", "descending", "peak", "valley", "none"
MonotonicTrend ParseTrend(std::string_view name);  // InvalidArgument on an unknown name

enum class BinObjective { kInformationValue, kJensenShannon };
std::string_view ObjectiveName(BinObjective objective);  // "iv", "js"
BinObjective ParseObjective(std::string_view name);

// Most pre-bins of the exact merge: time grows as n^3 K and memory as n^2 K (256 pre-bins, 100 bins: 26 MB).
inline constexpr int kMaxPreBins = 256;

// Constraints of the merge of pre-bins into bins (weights: rows weigh 1 unless weights are given).
struct SegmentConstraints {
  int max_bins = 10;              // >= 1
  double min_bin_weight = 0;      // smallest weight of a bin (min share x total weight)
  double min_bin_events = 1;      // smallest event weight of a bin; a bin always needs > 0 events
  double min_bin_non_events = 1;  // smallest non-event weight of a bin; likewise > 0
  // Event rates of consecutive bins must differ by more than this in the trend's direction.
  double min_event_rate_diff = 0;
  MonotonicTrend trend = MonotonicTrend::kAuto;
  BinObjective objective = BinObjective::kInformationValue;
};

// The best merge of consecutive pre-bins. ends[b] is one past the last pre-bin of bin b.
struct Segmentation {
  bool feasible = false;
  std::vector<int> ends;
  double objective = 0;                          // IV or JS of the value bins (the totals are those passed in)
  MonotonicTrend trend = MonotonicTrend::kNone;  // the trend solved for (auto resolves to one)
};

// Solves the merge exactly by dynamic programming over (end of the last bin, bins used, start of the last
// bin, trend phase): O(n^3 K) time for n pre-bins and K = max_bins. total_events / total_non_events are the
// totals the WoE shares are taken of (they may include missing and special rows). auto = the better of
// ascending and descending (ties: ascending).
Segmentation OptimalSegmentation(std::span<const double> events, std::span<const double> non_events,
                                 double total_events, double total_non_events, const SegmentConstraints& constraints);
// The objective term of one bin: (g - b) ln(g / b) for IV, or the Jensen-Shannon divergence term, with
// g = non_events / total_non_events and b = events / total_events.
double BinObjectiveTerm(double events, double non_events, double total_events, double total_non_events,
                        BinObjective objective);
// True when the event rates follow the trend (strictly, by more than min_diff).
bool FollowsTrend(std::span<const double> rates, MonotonicTrend trend, double min_diff);

struct BinningOptions {
  int max_prebins = 100;  // quantile pre-bins of a numeric variable (and most category groups), in [2, kMaxPreBins]
  int max_bins = 10;      // value bins after the merge (missing and special bins not counted)
  double min_bin_share = 0.05;    // smallest share of the total weight in a value bin, in [0, 0.5]
  double min_prebin_share = 0.0;  // pre-bins lighter than this are merged into neighbours (0 = off)
  double min_bin_events = 1;
  double min_bin_non_events = 1;
  double min_event_rate_diff = 0;
  MonotonicTrend trend = MonotonicTrend::kAuto;
  BinObjective objective = BinObjective::kInformationValue;
  std::vector<double> special_values;  // numeric codes (e.g. -1, 999) binned apart, one bin each

  void Validate() const;  // InvalidArgument naming the option
};

enum class BinKind { kValue, kSpecial, kMissing };

struct Bin {
  BinKind kind = BinKind::kValue;
  std::string label;                    // "(-inf, 3.5]", "[rent, other]", "special 999", "missing"
  double lower = 0, upper = 0;          // numeric value bins: (lower, upper]
  std::vector<std::string> categories;  // categorical value bins
  double special_value = 0;             // special bins
  double count = 0;                     // weight of the rows in the bin
  double events = 0;
  double non_events = 0;
  double event_rate = 0;  // events / count (0 for an empty bin)
  double share = 0;       // count / total weight
  double woe = 0;
  double iv = 0;  // this bin's term of the IV
};

// The binning of one variable: value bins in order, then one bin per special value, then the missing bin.
// Categories unseen at fit time fall in the missing bin.
class VariableBinning {
 public:
  std::string feature;
  bool categorical = false;
  bool datetime = false;  // numeric bins of a datetime column: cuts are seconds, labels show dates
  std::vector<double> cuts;                      // numeric: value bin b is (cuts[b-1], cuts[b]]
  std::vector<std::vector<std::string>> groups;  // categorical: the categories of each value bin
  std::vector<double> special_values;
  std::vector<Bin> bins;
  double iv = 0;
  double js = 0;
  MonotonicTrend trend = MonotonicTrend::kNone;  // trend of the value bins' event rates as fitted
  int num_prebins = 0;
  bool optimal = false;  // from OptimalSegmentation (false: manual cuts/groups)

  int num_value_bins() const;
  int MissingBin() const { return static_cast<int>(bins.size()) - 1; }
  // The bin of a numeric value (NaN: missing) or of a category (unseen: missing).
  int BinOf(double value) const;
  int BinOfCategory(std::string_view category) const;
  // The bin of every row of a column (numeric columns need numeric bins, categorical columns categorical
  // bins; InvalidData otherwise).
  std::vector<int> BinColumn(const Column& column) const;
  std::vector<double> WoeColumn(const Column& column) const;

  nlohmann::json ToJson() const;
  // InvalidData naming the key path on a malformed description.
  static VariableBinning FromJson(const nlohmann::json& json, std::string_view path);
};

// Fits the optimal binning of a column (float64, float32, datetime or categorical). labels: 1 event, 0
// non-event, NaN = row left out; weights empty or one per row. InvalidData when the column has no rows with
// both classes or no feasible binning exists (then even one bin breaks the minimum events).
VariableBinning FitBinning(const Column& column, std::span<const double> labels, std::span<const double> weights,
                           const BinningOptions& options);

// A binning with given bins instead of the optimal ones (manual edits): cuts for a numeric column, category
// groups for a categorical one (categories not listed get a group of their own each, appended in event-rate
// order). Counts, WoE and IV are computed from the data.
VariableBinning BinWithCuts(const Column& column, std::span<const double> labels, std::span<const double> weights,
                            std::vector<double> cuts, const std::vector<double>& special_values);
VariableBinning BinWithGroups(const Column& column, std::span<const double> labels, std::span<const double> weights,
                              const std::vector<std::vector<std::string>>& groups);

// Fills counts, shares, event rates, WoE and IV of the bins from per-bin event / non-event weights.
// An empty bin has WoE 0; a bin without events or without non-events (only possible for missing and special
// bins) gets WoE from counts with 0.5 added to each class.
void FillBinStatistics(VariableBinning& binning, std::span<const double> events, std::span<const double> non_events);

}  // namespace finai::scorecard
