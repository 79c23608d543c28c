// Group thresholds at least cost, by exhaustive search over the lower corner of the window the groups' rates
// must fit in. An optimal choice has some group's rate at the lowest value of the window, so trying every
// achievable rate as that corner (and, for two rates, every pair) and letting each group take its cheapest
// threshold inside the window is exact.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "finai/core/error.hpp"
#include "finai/fairness/mitigation.hpp"

namespace finai::fairness {

namespace {

struct Candidate {
  double threshold;
  double m1, m2;  // the constrained rates
  double errors;
};

constexpr double kSlack = 1e-12;  // rates computed from counts: allow rounding at the window's edge

}  // namespace

std::vector<double> GroupThresholds(std::span<const double> labels, std::span<const double> scores,
                                    std::span<const int> group_of_row, int num_groups, Constraint constraint,
                                    double tolerance) {
  if (!(tolerance >= 0)) {
    throw InvalidArgument("tolerance must be >= 0", {.field = "tolerance", .field_kind = "argument",
                                                     .value = fmt::format("{}", tolerance)});
  }
  const auto k = static_cast<std::size_t>(num_groups);
  std::vector<std::vector<std::pair<double, double>>> rows(k);  // (score, label) per group
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (group_of_row[i] >= 0 && !std::isnan(labels[i]) && !std::isnan(scores[i])) {
      rows[group_of_row[i]].emplace_back(scores[i], labels[i]);
    }
  }
  const bool two = constraint == Constraint::kEqualizedOdds;
  std::vector<std::vector<Candidate>> cand(k);
  for (std::size_t g = 0; g < k; ++g) {
    auto& r = rows[g];
    if (r.empty()) continue;
    std::sort(r.begin(), r.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    double pos = 0;
    for (const auto& [s, y] : r) pos += y;
    const double n = static_cast<double>(r.size()), neg = n - pos;
    if (constraint != Constraint::kDemographicParity && (pos == 0 || (two && neg == 0))) {
      throw InvalidData(fmt::format("group {} has no {} to equalise rates on", g, pos == 0 ? "events" : "non-events"),
                        {.expected = "events and non-events in every group"});
    }
    auto add = [&](double t, double tp, double fp) {
      const double m1 = constraint == Constraint::kDemographicParity ? (tp + fp) / n : tp / pos;
      cand[g].push_back({t, m1, two ? fp / neg : 0, fp + (pos - tp)});
    };
    double tp = 0, fp = 0;
    add(std::numeric_limits<double>::infinity(), 0, 0);  // nobody predicted an event
    for (std::size_t i = 0; i < r.size(); ++i) {
      (r[i].second == 1 ? tp : fp) += 1;
      if (i + 1 == r.size() || r[i + 1].first < r[i].first) add(r[i].first, tp, fp);
    }
  }
  // Cheapest candidate of each group inside the window, for windows cornered at each achievable rate.
  std::vector<double> corners1;
  for (const auto& c : cand) for (const auto& x : c) corners1.push_back(x.m1);
  std::sort(corners1.begin(), corners1.end());
  corners1.erase(std::unique(corners1.begin(), corners1.end()), corners1.end());
  double best = std::numeric_limits<double>::infinity();
  std::vector<double> chosen;
  std::vector<std::vector<const Candidate*>> inside(k);
  for (double l1 : corners1) {
    for (std::size_t g = 0; g < k; ++g) {
      inside[g].clear();
      for (const auto& x : cand[g]) {
        if (x.m1 >= l1 - kSlack && x.m1 <= l1 + tolerance + kSlack) inside[g].push_back(&x);
      }
    }
    std::vector<double> corners2{0.0};
    if (two) {
      corners2.clear();
      for (const auto& v : inside) for (const auto* x : v) corners2.push_back(x->m2);
      std::sort(corners2.begin(), corners2.end());
      corners2.erase(std::unique(corners2.begin(), corners2.end()), corners2.end());
    }
    for (double l2 : corners2) {
      double total = 0;
      std::vector<double> pick(k, std::numeric_limits<double>::infinity());
      bool feasible = true;
      for (std::size_t g = 0; g < k && feasible; ++g) {
        if (cand[g].empty()) continue;  // a group absent from these rows keeps +inf (never used)
        const Candidate* b = nullptr;
        for (const auto* x : inside[g]) {
          if (two && (x->m2 < l2 - kSlack || x->m2 > l2 + tolerance + kSlack)) continue;
          if (!b || x->errors < b->errors) b = x;
        }
        if (!b) feasible = false;
        else {
          total += b->errors;
          pick[g] = b->threshold;
        }
      }
      if (feasible && total < best) {
        best = total;
        chosen = pick;
      }
    }
  }
  if (chosen.empty()) {
    throw InvalidData("no group thresholds satisfy the constraint", {.value = fmt::format("{}", tolerance),
                                                                     .expected = "a larger tolerance"});
  }
  return chosen;
}

}  // namespace finai::fairness
