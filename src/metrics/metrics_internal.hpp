// Shared pieces of src/metrics: input validation with the error messages users see, compensated sums,
// and the sort-and-group step every ranking metric starts from. Not a public header.
#pragma once

#include <cmath>
#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

namespace finai::metrics::detail {

// Neumaier's compensated sum: the error stays O(eps) instead of O(n eps), which keeps weighted totals of
// millions of rows faithful, and is deterministic (the same order gives the same bits).
class CompensatedSum {
 public:
  void Add(double x) {
    const double t = sum_ + x;
    if (!std::isfinite(t)) {  // an overflow would turn the compensation into NaN; report the overflow
      sum_ = t;
      overflowed_ = true;
      return;
    }
    if (std::abs(sum_) >= std::abs(x)) {
      compensation_ += (sum_ - t) + x;
    } else {
      compensation_ += (x - t) + sum_;
    }
    sum_ = t;
  }
  double Value() const { return overflowed_ ? sum_ : sum_ + compensation_; }

 private:
  double sum_ = 0;
  double compensation_ = 0;
  bool overflowed_ = false;
};

// What each value of an input must be.
enum class ValueRule {
  kBinaryLabel,  // exactly 0 or 1
  kNotNan,       // any value but NaN (scores only need to be ordered)
  kProbability,  // in [0, 1]
  kFinite,       // any finite value
};

inline double WeightAt(std::span<const double> weights, std::size_t i) { return weights.empty() ? 1.0 : weights[i]; }

// Checks non-empty input, equal lengths (weights may be empty), every value of both spans against its rule
// and every weight (finite, >= 0). Names are the parameter names users see in messages: "labels", "scores".
// Arrays are checked in order first, second, weights; within one the lowest bad index is reported.
void CheckInputs(std::string_view metric, std::string_view first_name, std::span<const double> first,
                 ValueRule first_rule, std::string_view second_name, std::span<const double> second,
                 ValueRule second_rule, std::span<const double> weights);

// Throws when the weights sum to zero (every row has weight 0), which leaves every mean undefined.
void CheckPositiveTotalWeight(std::string_view metric, double total_weight);

// Throws when one class carries no weight. `missing_label` is the label nobody has (0 or 1).
void ThrowMissingClass(std::string_view metric, int missing_label, bool weighted, std::string_view expected);

// Rows with one distinct score: the weight of its events (label 1) and non-events (label 0).
struct ScoreGroup {
  double score = 0;
  double positive = 0;
  double negative = 0;
};

struct RankedScores {
  std::vector<ScoreGroup> groups;  // distinct scores, decreasing; rows of weight 0 left out
  double total_positive = 0;       // the sum of groups' positive weights, as accumulated
  double total_negative = 0;
};

// Validates binary labels, non-NaN scores and weights, then sorts by score and merges ties: O(n log n).
RankedScores RankScores(std::string_view metric, std::span<const double> labels, std::span<const double> scores,
                        std::span<const double> weights);

// Throws unless both classes carry weight (AUC, KS, ROC need both).
void RequireBothClasses(std::string_view metric, const RankedScores& ranked, bool weighted);

}  // namespace finai::metrics::detail
