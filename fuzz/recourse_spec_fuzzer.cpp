// libFuzzer target for recourse action files (explain::ApplyActionSpec in src/explain/recourse_actions.cpp). On any
// bytes the parser must either throw a finai::Error that is not Internal, or give actions the solver accepts: a
// non-empty range, a finite step and cost >= 0, never a categorical or sensitive feature actionable. The solver
// then runs on a small fixed model and its answer, when it has one, must flip the decision within the actions.
//
// Build and run: fuzz/run.sh (cmake --preset fuzz; seeds in fuzz/corpus/recourse_spec/).
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "finai/core/error.hpp"
#include "finai/explain/recourse.hpp"

namespace {

using finai::gbdt::GbdtModel;

// amount <= 500 and age (sensitive, never actionable) decide; home is categorical.
GbdtModel SmallModel() {
  GbdtModel model;
  model.base_margin = {0.2};
  model.features = {{.name = "amount"},
                    {.name = "age"},
                    {.name = "home", .categorical = true, .categories = {"own", "rent"}}};
  finai::gbdt::Tree tree;
  tree.nodes = {{.left = 1, .right = 2, .feature = 0, .threshold = 500, .cover = 4},
                {.left = 3, .right = 4, .feature = 1, .threshold = 30, .cover = 2},
                {.value = 1.5, .cover = 2},
                {.value = 0.4, .cover = 1},
                {.value = -1.0, .cover = 1}};
  model.trees = {tree, tree};
  model.tree_class = {0, 0};
  return model;
}

finai::Schema SmallSchema() {
  finai::Schema s;
  s.Add({.name = "amount", .actionable = true});
  s.Add({.name = "age", .role = finai::Role::kSensitive});
  s.Add({.name = "home", .type = finai::ColumnType::kCategorical});
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const GbdtModel model = SmallModel();
  static const finai::Schema schema = SmallSchema();
  std::vector<finai::explain::FeatureAction> actions(3);
  actions[0].actionable = true;
  try {
    finai::explain::ApplyActionSpec(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.json", model,
                                    schema, actions);
  } catch (const finai::InternalError&) {
    std::abort();
  } catch (const finai::Error&) {
    return 0;
  }
  for (std::size_t j = 0; j < actions.size(); ++j) {
    const auto& a = actions[j];
    if (!(a.lower <= a.upper) || !(a.step >= 0) || !std::isfinite(a.step) || !(a.cost_per_unit >= 0) ||
        !std::isfinite(a.cost_per_unit)) {
      std::abort();
    }
    if (a.actionable && j != 0) std::abort();
  }
  const finai::explain::RecourseSolver solver(model, {.cutoff = 0.5, .actions = actions, .time_limit_seconds = 1});
  const double row[] = {900, 40, 1};
  const auto r = solver.Solve(row);
  if (r.status == finai::explain::RecourseStatus::kOptimal) {
    if (!(r.new_probability < 0.5) || r.changes.size() != 1 || r.changes[0].feature != 0) std::abort();
    if (r.changes[0].to < actions[0].lower || r.changes[0].to > actions[0].upper) std::abort();
  }
  return 0;
}
