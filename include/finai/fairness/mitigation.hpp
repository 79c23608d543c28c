// Bias mitigation around finai's gradient-boosted trees, each with a trade-off table: accuracy and AUC against
// fairness over a grid of constraint levels, measured on a held-out test sample (docs/fairness.md).
//
//   pre-processing   reweighing (Kamiran & Calders 2012), disparate-impact remover (Feldman et al. 2015)
//   in-processing    exponentiated-gradient reduction (Agarwal et al. 2018), demographic parity or equalized odds;
//                    FairGBM-style constrained boosting (Cruz et al. 2023), gbdt::TrainOptions::fairness
//   post-processing  group thresholds at least cost, reject-option classification (Kamiran, Karim & Zhang 2012)
//
// needs_sensitive_at_decision says whether the sensitive attribute must be known when a new applicant is scored:
// true for the disparate-impact remover (it repairs features group by group), group thresholds and reject option.
// Many jurisdictions forbid using a protected attribute in the decision itself.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "finai/core/context.hpp"
#include "finai/data/frame.hpp"
#include "finai/data/schema.hpp"
#include "finai/fairness/groups.hpp"
#include "finai/models/gbdt/params.hpp"

namespace finai::fairness {

enum class Method { kReweighing, kDiRemover, kExpGrad, kThresholds, kRejectOption, kFairGbm };
// "reweighing", "di-remover", "expgrad", "thresholds", "reject-option", "fairgbm"
Method ParseMethod(std::string_view name);
std::string_view MethodName(Method m);
bool NeedsSensitiveAtDecision(Method m);

enum class Constraint { kDemographicParity, kEqualizedOdds, kEqualOpportunity };
Constraint ParseConstraint(std::string_view name);  // "demographic_parity", "equalized_odds", "equal_opportunity"
std::string_view ConstraintName(Constraint c);

// The model trained by every method: finai's gradient-boosted trees or its logistic regression.
enum class Learner { kTrees, kLogistic };
Learner ParseLearner(std::string_view name);  // "trees", "logistic"
std::string_view LearnerName(Learner l);

// ---- building blocks (each testable alone) --------------------------------------------------------------------

// Kamiran & Calders: w(g, y) = P(G = g) P(Y = y) / P(G = g, Y = y) on the rows given (group -1 rows get 1).
std::vector<double> ReweighingWeights(std::span<const double> labels, std::span<const int> group_of_row, int num_groups);

// Feldman et al.: each group's values of a numeric feature are moved towards the median, over groups, of the
// groups' quantile functions: x' = (1 - level) x + level * median_g Q_g(F_own(x)). Fitted on one sample, applied
// to any; F_own is the group's empirical CDF (mid-rank, so ties share a rank), Q_g the lower empirical quantile.
class DisparateImpactRemover {
 public:
  DisparateImpactRemover(std::span<const double> values, std::span<const int> group_of_row, int num_groups);
  double Repair(double value, int group, double level) const;  // NaN and group -1 unchanged

 private:
  double Quantile(int group, double u) const;
  std::vector<std::vector<double>> sorted_;  // per group
};

// Group thresholds at least cost: one threshold per group (predict the event when score >= t_g) that minimises the
// number of errors on the given rows subject to the constraint's rates (selection rate; TPR; TPR and FPR) being
// within `tolerance` of each other across groups. Exact over all thresholds at the distinct scores.
// InvalidData when no choice satisfies it (a group lacking events for a TPR constraint).
std::vector<double> GroupThresholds(std::span<const double> labels, std::span<const double> scores,
                                    std::span<const int> group_of_row, int num_groups, Constraint constraint,
                                    double tolerance);

// Reject-option classification: rows whose score is within `margin` of the threshold get the favourable
// decision when their group is deprived (its favourable rate below the overall one in `deprived`) and the
// unfavourable one otherwise; others keep score >= threshold. Returns 0/1 event decisions.
std::vector<double> RejectOptionDecisions(std::span<const double> scores, std::span<const int> group_of_row,
                                          const std::vector<bool>& deprived, double threshold, double margin,
                                          bool favorable_is_event);

// The weights of the randomized classifier of the exponentiated-gradient reduction (Agarwal et al. 2018, section
// 3.3; fairlearn's `_Lagrangian.solve_linprog`): a distribution Q over the best responses h_1..h_T that
//   minimises  sum_t Q_t error_t + bound * z
//   subject to sum_t Q_t (gamma_t[j] - eps) <= z  for every constraint j,   sum_t Q_t = 1,   Q >= 0, z >= 0,
// where gamma_t[j] is h_t's signed constraint moment (+/- the gap of a group's rate to the overall rate) and z the
// largest violation beyond eps, priced at `bound` (B = 1 / eps in the reduction) so that the LP stays feasible;
// with a large bound, z is 0 whenever some mixture satisfies every constraint. Solved exactly with GLPK's simplex.
struct MixtureSolution {
  std::vector<double> weights;  // Q, one per best response, summing to 1
  double error = 0;             // sum_t Q_t error_t
  double violation = 0;         // z
};
// moments[t][j]: constraint j of best response t (every t the same length). InvalidArgument for empty or ragged
// input; Unsupported (should not happen: the LP is always feasible and bounded) when GLPK finds no optimum.
MixtureSolution SolveMixtureLp(std::span<const double> errors, const std::vector<std::vector<double>>& moments, double eps,
                               double bound);

// ---- trade-off tables ---------------------------------------------------------------------------------------

struct MitigationOptions {
  Method method = Method::kReweighing;
  Constraint constraint = Constraint::kDemographicParity;  // expgrad, thresholds and fairgbm
  std::vector<double> grid;           // levels; empty: the method's default grid (see docs/fairness.md)
  double threshold = 0.5;
  bool favorable_is_event = false;
  double test_fraction = 0.3;
  int min_group_size = 30;            // groups smaller than this in the test part are left out of the table's metrics
  int expgrad_iterations = 20;
  double multiplier_learning_rate = 1.0;  // fairgbm: step of the Lagrange multipliers' ascent (> 0)
  Learner learner = Learner::kTrees;
  gbdt::GbdtParams params;            // the trees (few rounds)
  double logistic_l2 = 1.0;           // the logistic regression's L2 penalty on standardised slopes (> 0)
  std::string target;
  std::string event;                  // empty: ResolveBinaryTarget's rules
  std::vector<std::string> features;  // empty: the schema's features less sensitive columns
};

struct TradeoffRow {
  double level = 0;
  double accuracy = 0, auc = 0;
  double demographic_parity_difference = 0, demographic_parity_ratio = 0, equalized_odds_difference = 0;
  double true_positive_rate_difference = 0;
  std::string note;  // e.g. the group thresholds chosen
};

struct TradeoffTable {
  Method method;
  Constraint constraint;
  std::string level_name;  // what the level means ("repair level", "tolerance", ...)
  bool needs_sensitive_at_decision = false;
  std::int64_t train_rows = 0, test_rows = 0;
  TradeoffRow baseline;  // the unmitigated model on the same split
  std::vector<TradeoffRow> rows;
};

TradeoffTable Mitigate(const Frame& frame, const Schema& schema, const Groups& groups, const MitigationOptions& options,
                       const Context& ctx);

}  // namespace finai::fairness
