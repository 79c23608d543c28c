// The small linear program that picks the exponentiated-gradient reduction's randomized classifier, solved with
// GLPK's primal simplex (exact up to floating point; T + 1 columns and 2K + 1 rows, so it takes microseconds).
#include <glpk.h>

#include <algorithm>
#include <memory>

#include "finai/core/error.hpp"
#include "finai/fairness/mitigation.hpp"

namespace finai::fairness {

namespace {
struct ProblemDeleter {
  void operator()(glp_prob* p) const { glp_delete_prob(p); }
};
}  // namespace

MixtureSolution SolveMixtureLp(std::span<const double> errors, const std::vector<std::vector<double>>& moments, double eps,
                               double bound) {
  const int T = static_cast<int>(errors.size());
  if (T == 0 || moments.size() != errors.size()) {
    throw InvalidArgument("one row of constraint moments per best response", {.field = "moments", .field_kind = "parameter",
                                                                              .value = std::to_string(moments.size()),
                                                                              .expected = std::to_string(T) + " (>= 1)"});
  }
  const int J = static_cast<int>(moments.front().size());
  for (const auto& m : moments) {
    if (static_cast<int>(m.size()) != J) {
      throw InvalidArgument("every best response needs the same constraints", {.field = "moments", .field_kind = "parameter",
                                                                                .value = std::to_string(m.size()),
                                                                                .expected = std::to_string(J)});
    }
  }
  std::unique_ptr<glp_prob, ProblemDeleter> lp(glp_create_prob());
  glp_prob* p = lp.get();
  glp_set_obj_dir(p, GLP_MIN);
  // Columns 1..T: Q_t; column T + 1: z.
  glp_add_cols(p, T + 1);
  for (int t = 1; t <= T; ++t) {
    glp_set_col_bnds(p, t, GLP_LO, 0, 0);
    glp_set_obj_coef(p, t, errors[static_cast<std::size_t>(t - 1)]);
  }
  glp_set_col_bnds(p, T + 1, GLP_LO, 0, 0);
  glp_set_obj_coef(p, T + 1, bound);
  // Rows 1..J: sum_t Q_t (gamma_t[j] - eps) - z <= 0; row J + 1: sum_t Q_t = 1.
  glp_add_rows(p, J + 1);
  std::vector<int> ia{0}, ja{0};
  std::vector<double> ar{0};
  for (int j = 1; j <= J; ++j) {
    glp_set_row_bnds(p, j, GLP_UP, 0, 0);
    for (int t = 1; t <= T; ++t) {
      ia.push_back(j);
      ja.push_back(t);
      ar.push_back(moments[static_cast<std::size_t>(t - 1)][static_cast<std::size_t>(j - 1)] - eps);
    }
    ia.push_back(j);
    ja.push_back(T + 1);
    ar.push_back(-1);
  }
  glp_set_row_bnds(p, J + 1, GLP_FX, 1, 1);
  for (int t = 1; t <= T; ++t) {
    ia.push_back(J + 1);
    ja.push_back(t);
    ar.push_back(1);
  }
  glp_load_matrix(p, static_cast<int>(ia.size()) - 1, ia.data(), ja.data(), ar.data());
  glp_smcp parm;
  glp_init_smcp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  parm.presolve = GLP_ON;
  const int rc = glp_simplex(p, &parm);
  if (rc != 0 || glp_get_status(p) != GLP_OPT) {
    throw Unsupported("the mixture linear program has no optimum", {.field = "expgrad", .field_kind = "parameter",
                                                                     .value = "GLPK status " + std::to_string(glp_get_status(p)),
                                                                     .expected = "an optimal solution"});
  }
  MixtureSolution out;
  double total = 0;
  for (int t = 1; t <= T; ++t) {
    const double q = std::max(0.0, glp_get_col_prim(p, t));  // clamp -0 and round-off
    out.weights.push_back(q);
    total += q;
  }
  for (double& q : out.weights) q /= total;
  for (int t = 0; t < T; ++t) out.error += out.weights[static_cast<std::size_t>(t)] * errors[static_cast<std::size_t>(t)];
  out.violation = std::max(0.0, glp_get_col_prim(p, T + 1));
  return out;
}

}  // namespace finai::fairness
