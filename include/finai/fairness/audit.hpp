// Fairness audit of a binary model's scores and decisions against groups of a sensitive attribute
// (docs/fairness.md has every definition; they follow fairlearn's and AIF360's published ones).
//
// Conventions: labels are 0/1 (1 = the event, e.g. default); the decision is "predicted event" when
// score >= threshold (fairlearn's y_pred = 1). The selection rate is P(decision = event). Which decision is
// favourable to the applicant is an option: for a default model the favourable decision is "non-event"
// (approval), for a card-approval model it is the event. The four-fifths rule and AIF360's disparate impact use
// the favourable rate. A metric whose denominator (rows of the group, its events, its non-events, its predicted
// events...) is below min_group_size is not estimable and reported as NaN (null in JSON, "n/e" in tables).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "finai/core/context.hpp"
#include "finai/fairness/groups.hpp"

namespace finai::fairness {

struct AuditOptions {
  double threshold = 0.5;
  bool favorable_is_event = false;  // false: the favourable decision is "non-event" (credit approval)
  int min_group_size = 30;
  int bootstrap = 500;              // bootstrap replicates for confidence intervals (0 = none)
  double confidence = 0.95;
  int calibration_bands = 5;        // score bands (quantiles of all scores) for calibration within groups
  int reference = -1;               // reference (privileged) group for AIF360-style differences; -1 = the largest
  bool scores_are_probabilities = true;  // false: log loss and Brier are not computed (scores are not in [0, 1])
};

// Rates of one group (or of everyone). NaN = not estimable.
struct GroupRates {
  std::int64_t n = 0, events = 0, predicted_events = 0;  // rows (not weights)
  double weight = 0;          // sum of the rows' weights (n when unweighted)
  double base_rate = 0;       // P(Y = 1)
  double selection_rate = 0;  // P(D = 1)
  double favorable_rate = 0;  // P(D = favourable)
  double tpr = 0, fpr = 0, fnr = 0, tnr = 0;
  double ppv = 0, npv = 0, fdr = 0, for_ = 0;
  double accuracy = 0;
  double auc = 0, log_loss = 0, brier = 0;
  double mean_score = 0, sd_score = 0;
};

struct CalibrationCell {
  std::int64_t n = 0;
  double mean_score = 0;  // NaN when empty
  double observed = 0;    // event rate; NaN when not estimable
};

struct Interval {
  double low = 0, high = 0;  // NaN when there is no bootstrap or the metric is not estimable
};

struct GroupReport {
  std::string name;
  GroupRates rates;
  // To the overall population (fairlearn's method='to_overall', signed here): group minus overall, group / overall.
  double selection_rate_diff_overall = 0, selection_rate_ratio_overall = 0;
  // AIF360 style, this group against the reference group.
  double statistical_parity_difference = 0;  // favourable rate - reference's
  double disparate_impact = 0;               // favourable rate / reference's
  double impact_ratio_to_best = 0;           // favourable rate / the highest group's (EEOC four-fifths rule)
  bool four_fifths_violation = false;        // impact_ratio_to_best < 0.8
  double equal_opportunity_difference = 0;   // TPR - reference's
  double average_odds_difference = 0;        // ((FPR - ref) + (TPR - ref)) / 2
  double predictive_parity_difference = 0;   // PPV - reference's
  double smd_score = 0;                      // (mean score - reference's) / sqrt((var + var_ref) / 2)
  double calibration_gap = 0;                // size-weighted mean |observed - mean score| over score bands
  std::vector<CalibrationCell> calibration;  // one per score band
  // Significance of the selection-rate difference against the reference group (two-proportion z-test).
  double z = 0, p_value = 0;
  Interval selection_rate_ci, tpr_ci, fpr_ci;
};

// Between groups: max - min (difference) and min / max (ratio) over estimable groups, as fairlearn's
// method='between_groups'; to overall: the largest |group - overall| and the smallest min(g/o, o/g).
struct Disparity {
  std::string metric;
  double difference = 0, ratio = 0;
  double difference_to_overall = 0, ratio_to_overall = 0;
  Interval difference_ci, ratio_ci;
};

struct AuditReport {
  std::vector<std::string> attributes;
  AuditOptions options;
  int reference = 0;
  GroupRates overall;
  std::vector<double> calibration_edges;  // score band edges (calibration_bands + 1 values)
  std::vector<GroupReport> groups;
  // demographic_parity (selection rate), favorable_rate, true_positive_rate (equal opportunity), false_positive_rate,
  // equalized_odds (max of the TPR and FPR differences, min of the ratios), predictive_parity (PPV), accuracy, auc.
  std::vector<Disparity> disparities;
  bool four_fifths_violation = false;
  double chi_square = 0, chi_square_df = 0, chi_square_p = 0;  // selection rate independent of the group
  std::int64_t rows_left_out = 0;  // missing label, score or group
};

// labels: 0/1 (NaN rows are left out), scores: finite (NaN rows are left out), groups from BuildGroups.
// weights: empty (every row weighs 1) or one sample weight per row, finite and >= 0 (NaN rows are left out). With
// weights every rate, AUC, log loss, Brier, mean score and calibration cell is the weighted one; the minimum
// group size still counts rows; the z-test and chi-square test use Kish's effective sample sizes (sum w)^2 /
// sum w^2; the bootstrap redraws rows, each keeping its weight (docs/fairness.md).
// InvalidArgument for mismatched lengths, a label other than 0/1, or options out of range; InvalidData for a
// negative or infinite weight.
AuditReport Audit(std::span<const double> labels, std::span<const double> scores, const Groups& groups,
                  const AuditOptions& options, const Context& ctx, std::span<const double> weights = {});

// The rates of the rows given, weighted when weights is not empty; exposed for tests and mitigation.
GroupRates ComputeRates(std::span<const double> labels, std::span<const double> scores, double threshold,
                        bool favorable_is_event, int min_group_size, bool probabilities,
                        std::span<const double> weights = {});

// fairlearn's summary of decisions by group: between-groups difference of selection rates and max of TPR and FPR
// differences; used by the mitigation trade-off tables. decisions may be fractional (the probability of the event
// under a randomized classifier). A group with fewer than min_group_size rows (or, for a TPR or FPR, events or
// non-events) is left out of the comparison.
struct FairnessSummary {
  double demographic_parity_difference = 0, demographic_parity_ratio = 0, equalized_odds_difference = 0,
         true_positive_rate_difference = 0;
};
FairnessSummary SummarizeDecisions(std::span<const double> labels, std::span<const double> decisions,
                                   std::span<const int> group_of_row, int num_groups, int min_group_size = 0);

}  // namespace finai::fairness
