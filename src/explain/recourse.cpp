// The recourse program (docs/explain.md, "Recourse"), after Misic (2020) and Parmentier & Vidal (2021):
//  - each actionable feature j with thresholds t_1 < ... < t_K gets binaries z_jk = 1 when the new value goes right
//    at t_k, ordered z_j1 >= ... >= z_jK, so the number of ones is the region the new value lies in;
//  - each tree gets a variable y_l in [0, 1] per leaf the applicant can still reach (splits on features that stay
//    put are routed once), with sum y_l = 1, and for each reachable split on j at t_k: the leaves below its left
//    child sum to at most 1 - z_jk, those below its right child to at most z_jk. Given binary z only the leaf the
//    new values route to can be positive, so y needs no integrality;
//  - the margin, base + sum of leaf values * y, must be at most logit(cutoff) (less a 1e-6 gap);
//  - the cost of region i is the cost of its least-cost allowed value c_ji (recourse_regions.cpp); with
//    z_j0 = 1 and z_j,K+1 = 0 it is sum_i c_ji (z_ji - z_j,i+1) = c_j0 + sum_k (c_jk - c_j,k-1) z_jk, linear.
//    A region without an allowed value is shut: z_ji = z_j,i+1.
// GLPK's branch and bound solves it; the answer is re-predicted with ReferencePredict before it is reported.
#include <fmt/format.h>
#include <glpk.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <map>
#include <memory>

#include "finai/core/error.hpp"
#include "finai/explain/recourse.hpp"
#include "finai/models/gbdt/predict.hpp"
#include "recourse_regions.hpp"

namespace finai::explain {

namespace {
using recourse_detail::RegionChoice;

struct ProblemDeleter {
  void operator()(glp_prob* p) const { glp_delete_prob(p); }
};

// The margin and the probability of the event for one row, by the oracle predictor.
double Predicted(const gbdt::GbdtModel& model, const double* row, gbdt::PredictKind kind) {
  gbdt::FeatureMatrix x{.rows = 1, .cols = static_cast<int>(model.features.size()),
                        .values = std::vector<double>(row, row + model.features.size())};
  return gbdt::ReferencePredict(model, x, kind)[0];
}
double Margin(const gbdt::GbdtModel& model, const double* row) {
  return Predicted(model, row, gbdt::PredictKind::kMargin);
}
double Probability(const gbdt::GbdtModel& model, const double* row) {
  return Predicted(model, row, gbdt::PredictKind::kResponse);
}

// Sparse rows for glp_load_matrix (1-based, entry 0 unused).
struct Matrix {
  std::vector<int> ia{0}, ja{0};
  std::vector<double> ar{0};
  void Add(int row, int col, double v) {
    ia.push_back(row);
    ja.push_back(col);
    ar.push_back(v);
  }
};

// Builds and solves the program for one applicant.
class Program {
 public:
  // `widen`: the factor of the gap below logit(cutoff) that the changed margin must keep (ApprovalMargin).
  Program(const gbdt::GbdtModel& model, const RecourseOptions& options,
          const std::vector<std::vector<double>>& thresholds, const double* row, double widen)
      : model_(model), options_(options), thresholds_(thresholds), row_(row), widen_(widen),
        lp_(glp_create_prob()) {}

  Recourse Solve(double probability) {
    Recourse out{.status = RecourseStatus::kNoRecourse, .probability = probability, .new_probability = probability};
    AddFeatureColumns();
    const int trees_with_choice = AddTreeColumns();
    if (trees_with_choice == 0) return out;  // nothing the applicant can change reaches a split that matters
    AddDecisionRow();
    glp_load_matrix(lp_.get(), static_cast<int>(m_.ia.size()) - 1, m_.ia.data(), m_.ja.data(), m_.ar.data());
    glp_iocp parm;
    glp_init_iocp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.presolve = GLP_ON;
    parm.tol_int = 1e-9;  // a z this close to 0 or 1 is taken as integral (GLPK's default 1e-5 is loose here)
    parm.tm_lim = static_cast<int>(std::min(options_.time_limit_seconds * 1000.0, static_cast<double>(INT_MAX)));
    const int rc = glp_intopt(lp_.get(), &parm);
    const int status = glp_mip_status(lp_.get());
    if (rc == GLP_ENOPFS || (rc == 0 && status == GLP_NOFEAS)) return out;
    // A numerical failure of the solver (GLP_EFAIL) or a time limit without an answer: nothing found for this
    // applicant, the others are still solved.
    if ((rc != 0 && rc != GLP_ETMLIM) || (status != GLP_OPT && status != GLP_FEAS)) {
      out.status = RecourseStatus::kNotFound;
      return out;
    }
    out.status = status == GLP_OPT && rc == 0 ? RecourseStatus::kOptimal : RecourseStatus::kFeasible;
    if (!ReadSolution(out)) {
      // The solver's tolerances accepted a change the reference predictor still refuses (a near tie at the
      // cut-off): the caller tries again with a wider gap.
      rejected_ = true;
      return {.status = RecourseStatus::kNotFound, .probability = probability, .new_probability = probability};
    }
    return out;
  }
  // Whether the answer found was refused when re-predicted (Solve then says kNotFound).
  bool rejected() const { return rejected_; }

 private:
  struct Feature {
    int index = -1;
    int first_column = 0;  // z_j1 is this column, z_jK the K-th after it
    int own_region = 0;
    std::vector<RegionChoice> regions;
  };

  // z columns, their ordering, shut regions and the cost terms.
  void AddFeatureColumns() {
    glp_prob* p = lp_.get();
    glp_set_obj_dir(p, GLP_MIN);
    double constant = 0;
    for (std::size_t j = 0; j < model_.features.size(); ++j) {
      const FeatureAction& action = options_.actions[j];
      const auto& t = thresholds_[j];
      if (!action.actionable || !std::isfinite(row_[j]) || model_.features[j].categorical || t.empty()) continue;
      Feature f{.index = static_cast<int>(j), .first_column = glp_get_num_cols(p) + 1,
                .own_region = recourse_detail::RegionOf(model_, t, row_[j]),
                .regions = recourse_detail::RegionChoices(model_, t, action, row_[j])};
      const int k = static_cast<int>(t.size());
      glp_add_cols(p, k);
      auto cost = [&](int i) {  // a shut region's cost never counts (its indicator is 0): 0 keeps numbers clean
        const RegionChoice& c = f.regions[static_cast<std::size_t>(i)];
        return c.allowed ? c.cost : 0.0;
      };
      constant += cost(0);
      for (int i = 1; i <= k; ++i) {
        const int col = f.first_column + i - 1;
        glp_set_col_kind(p, col, GLP_BV);
        glp_set_obj_coef(p, col, cost(i) - cost(i - 1));
        if (i > 1) AddRow(GLP_UP, 0, {{col, 1.0}, {col - 1, -1.0}});  // z_ji <= z_j,i-1
      }
      for (int i = 0; i <= k; ++i) {
        if (f.regions[static_cast<std::size_t>(i)].allowed) continue;
        if (i == 0) glp_set_col_bnds(p, f.first_column, GLP_FX, 1, 1);          // z_j1 = 1
        else if (i == k) glp_set_col_bnds(p, f.first_column + k - 1, GLP_FX, 0, 0);  // z_jK = 0
        else AddRow(GLP_UP, 0, {{f.first_column + i - 1, 1.0}, {f.first_column + i, -1.0}});  // z_ji <= z_j,i+1
      }
      column_of_feature_[j] = static_cast<int>(features_.size());
      features_.push_back(std::move(f));
    }
    glp_set_obj_coef(p, 0, constant);
  }

  // y columns for each tree's reachable leaves and the rows that tie them to z; returns how many trees still have
  // more than one reachable leaf (the others add a constant to the margin).
  int AddTreeColumns() {
    int with_choice = 0;
    for (const auto& tree : model_.trees) {
      leaves_.clear();
      splits_.clear();
      Walk(tree, 0);
      if (leaves_.size() == 1) {
        fixed_margin_ += tree.nodes[static_cast<std::size_t>(leaves_[0])].value;
        continue;
      }
      ++with_choice;
      glp_prob* p = lp_.get();
      const int first = glp_add_cols(p, static_cast<int>(leaves_.size()));
      std::vector<std::pair<int, double>> one;
      for (std::size_t l = 0; l < leaves_.size(); ++l) {
        const int col = first + static_cast<int>(l);
        glp_set_col_bnds(p, col, GLP_DB, 0, 1);
        one.emplace_back(col, 1.0);
        margin_terms_.emplace_back(col, tree.nodes[static_cast<std::size_t>(leaves_[l])].value);
      }
      AddRow(GLP_FX, 1, one);
      for (const Split& s : splits_) {
        // Left leaves [begin, middle) sum to at most 1 - z; right leaves [middle, end) to at most z.
        std::vector<std::pair<int, double>> left{{s.z_column, 1.0}}, right{{s.z_column, -1.0}};
        for (int l = s.begin; l < s.middle; ++l) left.emplace_back(first + l, 1.0);
        for (int l = s.middle; l < s.end; ++l) right.emplace_back(first + l, 1.0);
        AddRow(GLP_UP, 1, left);
        AddRow(GLP_UP, 0, right);
      }
    }
    return with_choice;
  }

  // Depth-first over the nodes the applicant can reach; a subtree's leaves get consecutive numbers.
  void Walk(const gbdt::Tree& tree, int node_index) {
    const gbdt::TreeNode& node = tree.nodes[static_cast<std::size_t>(node_index)];
    if (node.is_leaf()) {
      leaves_.push_back(node_index);
      return;
    }
    const int f = column_of_feature_.count(node.feature) ? column_of_feature_.at(node.feature) : -1;
    if (f < 0 || node.category_set >= 0) {
      const bool left = gbdt::GoesLeft(model_, tree, node, row_[static_cast<std::size_t>(node.feature)]);
      Walk(tree, left ? node.left : node.right);
      return;
    }
    const Feature& feature = features_[static_cast<std::size_t>(f)];
    const int k = recourse_detail::ThresholdIndex(model_, thresholds_[static_cast<std::size_t>(node.feature)],
                                                  node.threshold);
    Split s{.z_column = feature.first_column + k, .begin = static_cast<int>(leaves_.size())};
    Walk(tree, node.left);
    s.middle = static_cast<int>(leaves_.size());
    Walk(tree, node.right);
    s.end = static_cast<int>(leaves_.size());
    splits_.push_back(s);
  }

  void AddDecisionRow() {
    const double bound =
        recourse_detail::ApprovalMargin(options_.cutoff, widen_) - model_.base_margin[0] - fixed_margin_;
    AddRow(GLP_UP, bound, margin_terms_);
  }

  void AddRow(int type, double bound, const std::vector<std::pair<int, double>>& terms) {
    glp_prob* p = lp_.get();
    const int r = glp_add_rows(p, 1);
    glp_set_row_bnds(p, r, type, bound, bound);
    for (const auto& [col, v] : terms) m_.Add(r, col, v);
  }

  // Reads the regions chosen, re-predicts the changed applicant; false when the reference predictor does not
  // approve it (margin not below logit(cutoff)).
  bool ReadSolution(Recourse& out) const {
    std::vector<double> changed(row_, row_ + model_.features.size());
    for (const Feature& f : features_) {
      int region = 0;
      for (std::size_t i = 0; i < f.regions.size() - 1; ++i) {
        region += glp_mip_col_val(lp_.get(), f.first_column + static_cast<int>(i)) > 0.5 ? 1 : 0;
      }
      if (region == f.own_region) continue;
      const RegionChoice& c = f.regions[static_cast<std::size_t>(region)];
      const auto j = static_cast<std::size_t>(f.index);
      out.changes.push_back({.feature = f.index, .from = row_[j], .to = c.value, .cost = c.cost});
      out.cost += c.cost;
      changed[j] = c.value;
    }
    out.new_probability = Probability(model_, changed.data());
    return Margin(model_, changed.data()) < std::log(options_.cutoff / (1 - options_.cutoff));
  }

  struct Split {
    int z_column = 0;
    int begin = 0, middle = 0, end = 0;
  };

  const gbdt::GbdtModel& model_;
  const RecourseOptions& options_;
  const std::vector<std::vector<double>>& thresholds_;
  const double* row_;
  double widen_;
  bool rejected_ = false;
  std::unique_ptr<glp_prob, ProblemDeleter> lp_;
  Matrix m_;
  std::vector<Feature> features_;
  std::map<int, int> column_of_feature_;  // model feature -> index in features_
  std::vector<int> leaves_;               // reachable leaves of the tree being walked
  std::vector<Split> splits_;
  std::vector<std::pair<int, double>> margin_terms_;
  double fixed_margin_ = 0;
};

void CheckOptions(const gbdt::GbdtModel& model, const RecourseOptions& o) {
  if (model.objective != gbdt::ObjectiveKind::kBinaryLogLoss || model.num_classes != 1) {
    throw Unsupported("recourse flips a binary decision", {.field = "objective", .field_kind = "model",
                                                            .value = std::string(gbdt::ObjectiveName(model.objective)),
                                                            .expected = "a binary model"});
  }
  if (!(o.cutoff > 0 && o.cutoff < 1)) {
    throw InvalidArgument("the cut-off is a probability strictly between 0 and 1",
                          {.field = "cutoff", .field_kind = "option", .value = fmt::format("{}", o.cutoff),
                           .expected = "0 < cutoff < 1"});
  }
  if (!(o.time_limit_seconds > 0)) {
    throw InvalidArgument("the time limit must be positive", {.field = "time_limit", .field_kind = "option",
                                                              .value = fmt::format("{}", o.time_limit_seconds),
                                                              .expected = "seconds > 0"});
  }
  if (o.actions.size() != model.features.size()) {
    throw InvalidArgument("one action per model feature", {.field = "actions", .field_kind = "option",
                                                           .value = std::to_string(o.actions.size()),
                                                           .expected = std::to_string(model.features.size())});
  }
  for (std::size_t j = 0; j < o.actions.size(); ++j) {
    const FeatureAction& a = o.actions[j];
    const std::string& name = model.features[j].name;
    if (std::isnan(a.lower) || std::isnan(a.upper) || a.lower > a.upper) {
      throw InvalidArgument("the allowed range is empty", {.field = name, .field_kind = "feature",
                                                           .expected = "lower <= upper"});
    }
    if (!(a.step >= 0) || !std::isfinite(a.step) || !(a.cost_per_unit >= 0) || !std::isfinite(a.cost_per_unit)) {
      throw InvalidArgument("step and cost per unit must be finite and not negative",
                            {.field = name, .field_kind = "feature", .expected = "step >= 0, cost_per_unit >= 0"});
    }
    if (a.direction < -1 || a.direction > 1) {
      throw InvalidArgument("direction is -1, 0 or +1", {.field = name, .field_kind = "feature",
                                                         .value = std::to_string(a.direction)});
    }
  }
}
}  // namespace

RecourseSolver::RecourseSolver(const gbdt::GbdtModel& model, RecourseOptions options)
    : model_(model), options_(std::move(options)), thresholds_(recourse_detail::SplitThresholds(model)) {
  CheckOptions(model_, options_);
}

Recourse RecourseSolver::Solve(const double* row) const {
  const double p = Probability(model_, row);
  if (p < options_.cutoff) {
    return {.status = RecourseStatus::kNotRefused, .probability = p, .new_probability = p};
  }
  // The gap below the cut-off widens only when the solver's tolerances let a change through that the reference
  // predictor still refuses.
  Recourse out;
  for (double widen : {1.0, 100.0, 10000.0}) {
    Program program(model_, options_, thresholds_, row, widen);
    out = program.Solve(p);
    if (program.rejected()) continue;
    if (widen > 1) {
      // Proven only for the wider gap: an answer flips the decision but may not be the cheapest, and "none" may
      // have missed a change inside the gap.
      if (out.status == RecourseStatus::kOptimal) out.status = RecourseStatus::kFeasible;
      if (out.status == RecourseStatus::kNoRecourse) out.status = RecourseStatus::kNotFound;
    }
    break;
  }
  return out;
}

std::vector<Recourse> FindRecourse(const gbdt::GbdtModel& model, const gbdt::FeatureMatrix& x,
                                   const RecourseOptions& options) {
  const RecourseSolver solver(model, options);
  std::vector<Recourse> out;
  out.reserve(static_cast<std::size_t>(x.rows));
  for (std::int64_t r = 0; r < x.rows; ++r) out.push_back(solver.Solve(x.row(r).data()));
  return out;
}

}  // namespace finai::explain
