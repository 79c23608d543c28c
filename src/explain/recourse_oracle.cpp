// The brute-force recourse oracle: every combination of candidate values, each predicted by ReferencePredict. It
// shares no code with the program's regions (recourse_regions.cpp) but the definition of approval: candidates come
// straight from the thresholds.
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "finai/core/error.hpp"
#include "finai/explain/recourse.hpp"
#include "finai/models/gbdt/predict.hpp"
#include "recourse_regions.hpp"

namespace finai::explain {

namespace {
// Values on both sides of every threshold of feature j (as double and as float32 neighbours), the range's ends and
// the applicant's value, each also rounded to the step both ways; then only the allowed ones, and of those that
// the model routes alike the one nearest the applicant's value.
std::vector<double> Candidates(const gbdt::GbdtModel& model, std::size_t j, const FeatureAction& a, double own) {
  const double inf = std::numeric_limits<double>::infinity();
  std::set<double> raw{own, a.lower, a.upper};
  for (const auto& tree : model.trees) {
    for (const auto& node : tree.nodes) {
      if (node.is_leaf() || node.category_set >= 0 || static_cast<std::size_t>(node.feature) != j) continue;
      // In double the threshold and its neighbours; in float32 also the values halfway to the neighbouring floats
      // (where rounding to float32 changes) and their neighbours.
      const double t = node.threshold;
      const auto tf = static_cast<float>(t);
      const double up = std::nextafter(tf, std::numeric_limits<float>::infinity());
      const double down = std::nextafter(tf, -std::numeric_limits<float>::infinity());
      for (double v : {t, static_cast<double>(tf), up, down, (tf + up) / 2, (tf + down) / 2}) {
        raw.insert({v, std::nextafter(v, inf), std::nextafter(v, -inf)});
      }
    }
  }
  // The model sees a value only through the way it routes at each split on j: of the allowed candidates that
  // route alike, only the cheapest can be part of a least-cost change.
  std::map<std::vector<bool>, std::pair<double, double>> cheapest;  // routing -> (cost, value)
  for (double v : raw) {
    if (!std::isfinite(v)) continue;
    std::vector<double> options{v};
    if (a.step > 0) {
      const double n = std::floor(v / a.step);
      options = {(n - 1) * a.step, n * a.step, (n + 1) * a.step, (n + 2) * a.step};
    }
    if (v == own) options.push_back(own);  // the applicant's own value needs no step
    for (double c : options) {
      const bool in_range = c >= a.lower && c <= a.upper;
      const bool direction = a.direction == 0 || (a.direction > 0 ? c >= own : c <= own);
      if (c != own && !(in_range && direction)) continue;
      std::vector<bool> routing;
      for (const auto& tree : model.trees) {
        for (const auto& node : tree.nodes) {
          if (!node.is_leaf() && node.category_set < 0 && static_cast<std::size_t>(node.feature) == j) {
            routing.push_back(gbdt::GoesLeft(model, tree, node, c));
          }
        }
      }
      const double cost = std::abs(c - own);
      auto [it, inserted] = cheapest.try_emplace(std::move(routing), cost, c);
      if (!inserted && cost < it->second.first) it->second = {cost, c};
    }
  }
  std::vector<double> out;
  for (const auto& [routing, best] : cheapest) out.push_back(best.second);
  return out;
}
}  // namespace

Recourse BruteForceRecourse(const gbdt::GbdtModel& model, const double* row, const RecourseOptions& options,
                            std::int64_t max_combinations) {
  const std::size_t m = model.features.size();
  gbdt::FeatureMatrix x{.rows = 1, .cols = static_cast<int>(m), .values = std::vector<double>(row, row + m)};
  const double p = gbdt::ReferencePredict(model, x, gbdt::PredictKind::kResponse)[0];
  Recourse best{.status = RecourseStatus::kNotRefused, .probability = p, .new_probability = p};
  if (p < options.cutoff) return best;
  best.status = RecourseStatus::kNoRecourse;
  std::vector<std::size_t> features;
  std::vector<std::vector<double>> candidates;
  std::int64_t combinations = 1;
  for (std::size_t j = 0; j < m; ++j) {
    if (!options.actions[j].actionable || !std::isfinite(row[j]) || model.features[j].categorical) continue;
    features.push_back(j);
    candidates.push_back(Candidates(model, j, options.actions[j], row[j]));
    combinations *= static_cast<std::int64_t>(candidates.back().size());
    if (combinations > max_combinations) {
      throw InvalidArgument("too many combinations for the brute-force oracle",
                            {.field = "max_combinations", .field_kind = "parameter",
                             .value = std::to_string(combinations), .expected = std::to_string(max_combinations)});
    }
  }
  const double approve_at = recourse_detail::ApprovalMargin(options.cutoff);  // the program's own criterion
  std::vector<std::size_t> pick(features.size(), 0);
  double best_cost = std::numeric_limits<double>::infinity();
  for (std::int64_t c = 0; c < combinations; ++c) {
    double cost = 0;
    for (std::size_t i = 0; i < features.size(); ++i) {
      const double v = candidates[i][pick[i]];
      x.values[features[i]] = v;
      cost += options.actions[features[i]].cost_per_unit * std::abs(v - row[features[i]]);
    }
    if (cost < best_cost) {
      const double margin = gbdt::ReferencePredict(model, x, gbdt::PredictKind::kMargin)[0];
      if (margin <= approve_at) {
        best_cost = cost;
        best.status = RecourseStatus::kOptimal;
        best.cost = cost;
        best.new_probability = gbdt::ReferencePredict(model, x, gbdt::PredictKind::kResponse)[0];
        best.changes.clear();
        for (std::size_t i = 0; i < features.size(); ++i) {
          const std::size_t j = features[i];
          if (x.values[j] != row[j]) {
            best.changes.push_back({.feature = static_cast<int>(j), .from = row[j], .to = x.values[j],
                                    .cost = options.actions[j].cost_per_unit * std::abs(x.values[j] - row[j])});
          }
        }
      }
    }
    for (std::size_t i = 0; i < pick.size(); ++i) {  // next combination (odometer)
      if (++pick[i] < candidates[i].size()) break;
      pick[i] = 0;
    }
  }
  return best;
}

}  // namespace finai::explain
