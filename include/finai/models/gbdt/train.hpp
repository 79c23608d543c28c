// Training a gradient-boosted tree model from a Frame.
#pragma once

#include <string>
#include <vector>

#include "finai/core/context.hpp"
#include "finai/data/frame.hpp"
#include "finai/data/schema.hpp"
#include "finai/models/gbdt/model.hpp"
#include "finai/models/gbdt/params.hpp"

namespace finai::gbdt {

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
