// Training a gradient-boosted tree model from a Frame.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "finai/core/context.hpp"
#include "finai/data/frame.hpp"
#include "finai/data/schema.hpp"
#include "finai/models/gbdt/model.hpp"
#include "finai/models/gbdt/params.hpp"

namespace finai::gbdt {

// A group-fairness constraint imposed during boosting, in the spirit of FairGBM (Cruz et al., ICLR 2023): the trees
// descend the Lagrangian  mean log-loss + sum_j lambda_j c~_j  while the multipliers lambda_j >= 0 ascend on the
// true constraint values c_j. For every group g and row set S (all rows for demographic parity; events for equal
// opportunity, i.e. TPR parity; non-events for predictive equality, i.e. FPR parity; both for equalized odds):
//   c+ = rate_S,g - rate_S - epsilon <= 0     and     c- = rate_S - rate_S,g - epsilon <= 0,
// where rate is the share predicted the event (margin >= 0, probability >= 0.5) for the true c, and its
// differentiable proxy, the mean of sigmoid(margin), for c~. Binary log-loss only. Rates are unweighted.
struct FairnessConstraint {
  enum Kind { kDemographicParity, kEqualOpportunity, kPredictiveEquality, kEqualizedOdds };
  std::vector<std::int32_t> group;  // per training row, 0 .. num_groups-1
  int num_groups = 0;
  Kind kind = kDemographicParity;
  double epsilon = 0.05;                  // tolerated gap of a group's rate to the overall rate, >= 0
  double multiplier_learning_rate = 1.0;  // step of the ascent: lambda <- max(0, lambda + step * c), > 0
};

struct TrainOptions {
  std::string target;                 // empty: the schema's target
  std::vector<std::string> features;  // empty: the schema's feature columns (never sensitive, id, weight, time)
  std::string weight;                 // empty: the schema's weight column, if any
  std::string event;                  // binary: the event value (default rules of ResolveBinaryTarget)
  std::string training_data_name;     // for the model's provenance
  // Compute the validation metric after every round. It is also computed every round when early stopping
  // is on or a progress sink is set; otherwise only after the last round (the other rounds' history
  // entries are NaN), since sorting the validation scores every round can cost more than a round.
  bool evaluate_every_round = false;
  std::optional<FairnessConstraint> fairness;  // FairGBM-style constrained boosting (binary log-loss only)
};

struct EvalRecord {
  int iteration = 0;   // 1-based number of boosting rounds
  double valid = 0;    // the validation metric after this many rounds (NaN without validation data or when
                       // this round was not evaluated: TrainOptions::evaluate_every_round)
};

struct TrainResult {
  GbdtModel model;
  std::string metric;             // name of the validation metric
  std::vector<EvalRecord> history;
  int best_iteration = 0;         // rounds kept (early stopping truncates the model to these)
  // With TrainOptions::fairness: the final multipliers, named "fairness_lambda[<set>,<group>,<+|->]" (set: all,
  // events or non-events; group: its index), also in the model's provenance metrics; and the true gaps
  // max_g |rate_S,g - rate_S| on the training rows after the last round, per set ("fairness_gap[<set>]").
  std::map<std::string, double> fairness;
};

// Trains on `train`; `valid` (may be null) is used for early stopping and the history. Deterministic:
// the same data, parameters and seed give a bit-identical model at any thread count.
TrainResult Train(const Frame& train, const Schema& schema, const TrainOptions& options, const GbdtParams& params,
                  const Context& ctx, const Frame* valid = nullptr);

// Metric names: auc, logloss, error (binary), rmse, mae (regression), mlogloss, merror (multiclass).
double EvaluateMetric(const std::string& metric, ObjectiveKind objective, int num_classes,
                      std::span<const double> labels, std::span<const double> margins, std::span<const double> weights);
bool MetricHigherIsBetter(const std::string& metric);

}  // namespace finai::gbdt
