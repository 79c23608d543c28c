// Counterfactual recourse: for an applicant a binary tree model refuses (probability of the event >= cut-off), the
// least-cost change to the features the applicant can act on that makes the model approve, exact for the
// ensemble as it is. docs/explain.md ("Recourse") gives the mixed-integer program and what is tested.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "finai/core/context.hpp"
#include "finai/data/schema.hpp"
#include "finai/models/gbdt/model.hpp"

namespace finai::explain {

// What recourse may do with one model feature. A feature that is not actionable keeps the applicant's value.
struct FeatureAction {
  bool actionable = false;
  int direction = 0;  // +1: may only increase, -1: may only decrease, 0: either way
  double lower = -std::numeric_limits<double>::infinity();  // allowed range of the new value
  double upper = std::numeric_limits<double>::infinity();
  double step = 0;           // > 0: the new value is a whole multiple of step (months, currency units)
  double cost_per_unit = 1;  // cost of moving the value by one unit (weighted L1)
};

struct RecourseOptions {
  double cutoff = 0.5;                  // refused when the probability of the event is >= cutoff
  std::vector<FeatureAction> actions;   // one per model feature
  double time_limit_seconds = 10;       // per applicant, for the branch-and-bound search
};

enum class RecourseStatus {
  kNotRefused,  // the applicant is approved already: nothing to change
  kOptimal,     // the least-cost change, proven
  kFeasible,    // a change that flips the decision, found before the time limit (maybe not the cheapest)
  kNoRecourse,  // proven: no change within the actions flips the decision
  kNotFound,    // the time limit ran out before any change or proof was found
};
std::string_view RecourseStatusName(RecourseStatus status);  // "not_refused", "optimal", ...

struct FeatureChange {
  int feature = -1;
  double from = 0;
  double to = 0;
  double cost = 0;
};

struct Recourse {
  RecourseStatus status = RecourseStatus::kNotRefused;
  double probability = 0;        // the applicant's probability of the event as they are
  double new_probability = 0;    // after the change (equal to probability without one)
  double cost = 0;               // sum of the changes' costs
  std::vector<FeatureChange> changes;  // features whose value changes, in feature order
};

// The actions a schema allows: its actionable features become actionable, bounded by the schema's bounds;
// sensitive, immutable and categorical features never are. A monotone-constrained feature may only move the
// way that lowers the score (moving the other way can never help). The cost of one unit is 1 / (the
// feature's median absolute deviation over `data`) so that costs are comparable across scales (1 / standard
// deviation when the MAD is zero, 1 when both are).
std::vector<FeatureAction> DefaultActions(const gbdt::GbdtModel& model, const Schema& schema,
                                          const gbdt::FeatureMatrix& data);

// Overrides from an action file (JSON, documented in docs/explain.md):
//   {"features": {"Amount": {"actionable": true, "direction": "decrease", "lower": 0, "upper": 5000,
//                            "step": 100, "cost_per_unit": 0.001}, ...}}
// Unknown keys, wrong types, duplicate keys, features the model does not have and contradictions (lower above
// upper, a sensitive or categorical feature made actionable) are InvalidData naming the file and the key.
void ApplyActionSpec(std::string_view json_text, std::string_view source_name, const gbdt::GbdtModel& model,
                     const Schema& schema, std::vector<FeatureAction>& actions);

// Solves one applicant at a time (GLPK's branch and bound; build once, solve many rows). Binary log-loss
// models only (Unsupported otherwise); InvalidArgument for a cut-off outside (0, 1) or actions that do not
// match the model.
class RecourseSolver {
 public:
  RecourseSolver(const gbdt::GbdtModel& model, RecourseOptions options);
  RecourseSolver(gbdt::GbdtModel&& model, RecourseOptions options) = delete;  // it keeps a reference to the model
  // `row`: the applicant's values as a FeatureMatrix row. A missing (or infinite) value of an actionable feature is
  // kept (the feature is treated as immutable for this applicant). An applicant whose answer the reference
  // predictor refuses after the solver accepted it (a tie at the cut-off within the solver's tolerances) is solved
  // again with a wider gap below the cut-off (1e-4, then 1e-2, times 1 + |logit(cutoff)|); what that finds is
  // kFeasible (proven for the wider gap only), and none is kNotFound.
  Recourse Solve(const double* row) const;
  const RecourseOptions& options() const { return options_; }

 private:
  const gbdt::GbdtModel& model_;
  RecourseOptions options_;
  std::vector<std::vector<double>> thresholds_;  // per feature: the distinct split thresholds, ascending
};

// Every row of x, in order (one applicant after another).
std::vector<Recourse> FindRecourse(const gbdt::GbdtModel& model, const gbdt::FeatureMatrix& x,
                                   const RecourseOptions& options);

struct RecourseSummary {
  std::int64_t applicants = 0;
  std::int64_t refused = 0;
  std::int64_t with_recourse = 0;     // optimal or feasible
  std::int64_t without_recourse = 0;  // proven none
  std::int64_t not_found = 0;         // time limit without an answer
  double no_recourse_share = 0;       // without_recourse / refused (0 when none is refused)
  double mean_cost = 0;               // over the applicants with recourse
  double median_cost = 0;
};
RecourseSummary SummarizeRecourse(const std::vector<Recourse>& results);

// The oracle the solver is tested against: tries every combination of candidate values of the actionable
// features (the applicant's own value and the allowed values next to each split threshold, which include every
// least-cost point of the region between two thresholds) with ReferencePredict. Exponential; InvalidArgument
// beyond `max_combinations`. Returns kOptimal with the least cost, kNoRecourse or kNotRefused.
Recourse BruteForceRecourse(const gbdt::GbdtModel& model, const double* row, const RecourseOptions& options,
                            std::int64_t max_combinations = 2000000);

}  // namespace finai::explain
