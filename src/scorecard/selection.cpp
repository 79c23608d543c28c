#include "selection.hpp"

#include <fmt/format.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "finai/core/error.hpp"

namespace finai::scorecard::detail {

namespace {
double WeightAt(std::span<const double> w, std::size_t i) { return w.empty() ? 1.0 : w[i]; }

double Criterion(const linear::LogisticFit& fit, scorecard::Criterion c) {
  return c == Criterion::kAic ? fit.aic : fit.bic;
}

// The information criterion of a fit on a subset, or +inf when the fit fails (separation, singular design).
double FitCriterion(const std::vector<Candidate>& cands, const std::vector<std::size_t>& subset,
                    std::span<const double> y, std::span<const double> w, const SelectionOptions& o, double l2) {
  linear::DesignMatrix x;
  x.rows = static_cast<std::int64_t>(y.size());
  for (std::size_t s : subset) x.AddColumn(cands[s].feature, cands[s].woe);
  linear::LogisticOptions lo;
  lo.l2 = l2;
  try {
    return Criterion(linear::FitLogistic(x, y, w, lo), o.criterion);
  } catch (const InvalidData&) {
    return std::numeric_limits<double>::infinity();
  }
}
}  // namespace

double Correlation(std::span<const double> a, std::span<const double> b, std::span<const double> w) {
  double sw = 0, ma = 0, mb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double wi = WeightAt(w, i);
    sw += wi;
    ma += wi * a[i];
    mb += wi * b[i];
  }
  ma /= sw;
  mb /= sw;
  double saa = 0, sbb = 0, sab = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double wi = WeightAt(w, i);
    saa += wi * (a[i] - ma) * (a[i] - ma);
    sbb += wi * (b[i] - mb) * (b[i] - mb);
    sab += wi * (a[i] - ma) * (b[i] - mb);
  }
  return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : 0.0;
}

void CorrelationFilter(std::vector<Candidate>& cands, double max_correlation, std::span<const double> w) {
  std::vector<std::size_t> order(cands.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return cands[a].iv > cands[b].iv; });
  std::vector<std::size_t> kept;
  for (std::size_t c : order) {
    if (!cands[c].kept) continue;
    for (std::size_t k : kept) {
      const double r = Correlation(cands[c].woe, cands[k].woe, w);
      if (std::abs(r) > max_correlation) {
        cands[c].kept = false;
        cands[c].decision = fmt::format("correlation {:.3f} with {} above {}", r, cands[k].feature, max_correlation);
        break;
      }
    }
    if (cands[c].kept) kept.push_back(c);
  }
}

void VifFilter(std::vector<Candidate>& cands, double max_vif, std::span<const double> w) {
  while (true) {
    std::vector<std::size_t> kept;
    for (std::size_t c = 0; c < cands.size(); ++c) {
      if (cands[c].kept) kept.push_back(c);
    }
    if (kept.size() < 2) return;
    // VIF_j = [R^-1]_jj for the correlation matrix R of the kept columns.
    const auto k = static_cast<Eigen::Index>(kept.size());
    Eigen::MatrixXd r(k, k);
    for (Eigen::Index a = 0; a < k; ++a) {
      for (Eigen::Index b = a; b < k; ++b) {
        r(a, b) = r(b, a) = a == b ? 1.0
                                   : Correlation(cands[kept[static_cast<std::size_t>(a)]].woe,
                                                 cands[kept[static_cast<std::size_t>(b)]].woe, w);
      }
    }
    Eigen::FullPivLU<Eigen::MatrixXd> lu(r);
    Eigen::VectorXd vif(k);
    if (lu.isInvertible()) {
      vif = lu.inverse().diagonal();
    } else {
      vif.setConstant(std::numeric_limits<double>::infinity());
    }
    Eigen::Index worst = 0;
    for (Eigen::Index a = 1; a < k; ++a) {
      if (vif[a] > vif[worst]) worst = a;
    }
    if (!(vif[worst] > max_vif)) return;
    Candidate& c = cands[kept[static_cast<std::size_t>(worst)]];
    c.kept = false;
    c.decision = fmt::format("VIF {:.3g} above {}", vif[worst], max_vif);
  }
}

void StepwiseSelect(std::vector<Candidate>& cands, std::span<const double> y, std::span<const double> w,
                    const SelectionOptions& o, double l2) {
  if (o.stepwise == Stepwise::kNone) return;
  std::vector<std::size_t> pool;
  for (std::size_t c = 0; c < cands.size(); ++c) {
    if (cands[c].kept) pool.push_back(c);
  }
  const char* name = o.criterion == Criterion::kAic ? "AIC" : "BIC";
  std::vector<std::size_t> chosen;
  if (o.stepwise == Stepwise::kForward) {
    double current = FitCriterion(cands, chosen, y, w, o, l2);
    while (true) {
      double best = current;
      std::size_t best_c = cands.size();
      for (std::size_t c : pool) {
        if (std::find(chosen.begin(), chosen.end(), c) != chosen.end()) continue;
        std::vector<std::size_t> trial = chosen;
        trial.push_back(c);
        const double v = FitCriterion(cands, trial, y, w, o, l2);
        if (v < best) best = v, best_c = c;
      }
      if (best_c == cands.size()) break;
      chosen.push_back(best_c);
      current = best;
    }
    for (std::size_t c : pool) {
      if (std::find(chosen.begin(), chosen.end(), c) == chosen.end()) {
        cands[c].kept = false;
        cands[c].decision = fmt::format("forward stepwise: does not lower the {}", name);
      }
    }
    return;
  }
  chosen = pool;
  double current = FitCriterion(cands, chosen, y, w, o, l2);
  while (!chosen.empty()) {
    double best = current;
    std::size_t best_i = chosen.size();
    for (std::size_t i = 0; i < chosen.size(); ++i) {
      std::vector<std::size_t> trial = chosen;
      trial.erase(trial.begin() + static_cast<std::ptrdiff_t>(i));
      const double v = FitCriterion(cands, trial, y, w, o, l2);
      if (v < best) best = v, best_i = i;
    }
    if (best_i == chosen.size()) break;
    cands[chosen[best_i]].kept = false;
    cands[chosen[best_i]].decision = fmt::format("backward stepwise: removing it lowers the {}", name);
    chosen.erase(chosen.begin() + static_cast<std::ptrdiff_t>(best_i));
    current = best;
  }
}

linear::DesignMatrix KeptDesign(const std::vector<Candidate>& cands) {
  linear::DesignMatrix x;
  for (const auto& c : cands) {
    if (c.kept) x.AddColumn(c.feature, c.woe);
  }
  return x;
}

}  // namespace finai::scorecard::detail
