// The one sort behind every ranking metric: rows ordered by decreasing score, tied scores merged into one
// group. Merging ties before anything else is what makes AUC, KS and the curves tie-exact.
#include <algorithm>

#include "metrics/metrics_internal.hpp"

namespace finai::metrics::detail {
namespace {

struct ScoredRow {
  double score;
  double weight;
  bool positive;
};

}  // namespace

RankedScores RankScores(std::string_view metric, std::span<const double> labels, std::span<const double> scores,
                        std::span<const double> weights) {
  CheckInputs(metric, "labels", labels, ValueRule::kBinaryLabel, "scores", scores, ValueRule::kNotNan, weights);

  std::vector<ScoredRow> rows;
  rows.reserve(labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const double weight = WeightAt(weights, i);
    // A weight-0 row changes no rate, but left in it would add a threshold of its own (sklearn drops it too).
    if (weight == 0) continue;
    rows.push_back({scores[i], weight, labels[i] == 1.0});
  }
  // Stable, so the order rows are summed in within a tie group is their input order: reproducible bits.
  std::stable_sort(rows.begin(), rows.end(), [](const ScoredRow& a, const ScoredRow& b) { return a.score > b.score; });

  RankedScores ranked;
  CompensatedSum total_positive;
  CompensatedSum total_negative;
  std::size_t begin = 0;
  while (begin < rows.size()) {
    std::size_t end = begin;
    CompensatedSum positive;
    CompensatedSum negative;
    // -0.0 == 0.0, so both zeros share a group, as numpy's np.diff(scores) != 0 would have them.
    while (end < rows.size() && rows[end].score == rows[begin].score) {
      (rows[end].positive ? positive : negative).Add(rows[end].weight);
      ++end;
    }
    ranked.groups.push_back({rows[begin].score, positive.Value(), negative.Value()});
    total_positive.Add(ranked.groups.back().positive);
    total_negative.Add(ranked.groups.back().negative);
    begin = end;
  }
  ranked.total_positive = total_positive.Value();
  ranked.total_negative = total_negative.Value();
  CheckPositiveTotalWeight(metric, ranked.total_positive + ranked.total_negative);
  return ranked;
}

}  // namespace finai::metrics::detail
