// The fairness audit: per-group rates, disparities between groups and to the overall population, calibration
// within groups, significance tests and bootstrap intervals.
#include "finai/fairness/audit.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <functional>
#include <limits>

#include "finai/core/error.hpp"
#include "finai/core/parallel.hpp"
#include "finai/core/random.hpp"
#include "rates_internal.hpp"

namespace finai::fairness {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

using Getter = std::function<double(const GroupRates&)>;

struct DisparityDef {
  const char* name;
  Getter get;
};

const std::vector<DisparityDef>& Definitions() {
  static const std::vector<DisparityDef> defs = {
      {"demographic_parity", [](const GroupRates& r) { return r.selection_rate; }},
      {"favorable_rate", [](const GroupRates& r) { return r.favorable_rate; }},
      {"true_positive_rate", [](const GroupRates& r) { return r.tpr; }},
      {"false_positive_rate", [](const GroupRates& r) { return r.fpr; }},
      {"equalized_odds", nullptr},  // from the two above
      {"predictive_parity", [](const GroupRates& r) { return r.ppv; }},
      {"accuracy", [](const GroupRates& r) { return r.accuracy; }},
      {"auc", [](const GroupRates& r) { return r.auc; }},
  };
  return defs;
}

// fairlearn's between_groups and to_overall aggregations over the estimable groups.
Disparity Aggregate(const char* name, const std::vector<GroupRates>& groups, const GroupRates& overall, const Getter& get) {
  Disparity d{.metric = name};
  double lo = INFINITY, hi = -INFINITY, max_abs = -INFINITY, min_ratio = INFINITY;
  int count = 0;
  const double o = get(overall);
  for (const auto& g : groups) {
    const double v = get(g);
    if (std::isnan(v)) continue;
    ++count;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    if (!std::isnan(o)) {
      max_abs = std::max(max_abs, std::abs(v - o));
      min_ratio = std::min(min_ratio, o > 0 && v > 0 ? std::min(v / o, o / v) : (o == v ? 1.0 : 0.0));
    }
  }
  if (count < 2) return {.metric = name, .difference = kNaN, .ratio = kNaN, .difference_to_overall = kNaN,
                         .ratio_to_overall = kNaN, .difference_ci = {kNaN, kNaN}, .ratio_ci = {kNaN, kNaN}};
  d.difference = hi - lo;
  d.ratio = hi > 0 ? lo / hi : kNaN;
  d.difference_to_overall = std::isnan(o) ? kNaN : max_abs;
  d.ratio_to_overall = std::isnan(o) ? kNaN : min_ratio;
  d.difference_ci = d.ratio_ci = {kNaN, kNaN};
  return d;
}

std::vector<Disparity> AllDisparities(const std::vector<GroupRates>& groups, const GroupRates& overall) {
  std::vector<Disparity> out;
  for (const auto& def : Definitions()) {
    if (def.get) {
      out.push_back(Aggregate(def.name, groups, overall, def.get));
      continue;
    }
    // Equalized odds: the larger of the TPR and FPR differences, the smaller of their ratios (fairlearn).
    const Disparity& tpr = out[2];
    const Disparity& fpr = out[3];
    auto worst = [](double a, double b, bool larger) {
      if (std::isnan(a) || std::isnan(b)) return kNaN;
      return larger ? std::max(a, b) : std::min(a, b);
    };
    out.push_back({.metric = def.name, .difference = worst(tpr.difference, fpr.difference, true),
                   .ratio = worst(tpr.ratio, fpr.ratio, false),
                   .difference_to_overall = worst(tpr.difference_to_overall, fpr.difference_to_overall, true),
                   .ratio_to_overall = worst(tpr.ratio_to_overall, fpr.ratio_to_overall, false),
                   .difference_ci = {kNaN, kNaN}, .ratio_ci = {kNaN, kNaN}});
  }
  return out;
}

// numpy's default (linear) quantile of sorted values.
double Quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return kNaN;
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto i = static_cast<std::size_t>(std::floor(pos));
  if (i + 1 >= sorted.size()) return sorted.back();
  return sorted[i] + (pos - static_cast<double>(i)) * (sorted[i + 1] - sorted[i]);
}

Interval Percentile(std::vector<double> values, double confidence) {
  std::erase_if(values, [](double v) { return std::isnan(v); });
  std::sort(values.begin(), values.end());
  return {Quantile(values, (1 - confidence) / 2), Quantile(values, (1 + confidence) / 2)};
}

double Diff(double a, double b) { return std::isnan(a) || std::isnan(b) ? kNaN : a - b; }
double Ratio(double a, double b) { return std::isnan(a) || std::isnan(b) || b == 0 ? kNaN : a / b; }

void Validate(const AuditOptions& o) {
  if (!std::isfinite(o.threshold)) {
    throw InvalidArgument("threshold must be finite", {.field = "threshold", .field_kind = "option",
                                                       .value = fmt::format("{}", o.threshold)});
  }
  if (o.min_group_size < 0) {
    throw InvalidArgument("minimum group size is negative", {.field = "min_group_size", .field_kind = "option",
                                                             .value = std::to_string(o.min_group_size), .expected = ">= 0"});
  }
  if (o.bootstrap < 0) {
    throw InvalidArgument("bootstrap replicates must be >= 0", {.field = "bootstrap", .field_kind = "option",
                                                                .value = std::to_string(o.bootstrap)});
  }
  if (!(o.confidence > 0 && o.confidence < 1)) {
    throw InvalidArgument("confidence out of range", {.field = "confidence", .field_kind = "option",
                                                      .value = fmt::format("{}", o.confidence), .expected = "in (0, 1)"});
  }
  if (o.calibration_bands < 1) {
    throw InvalidArgument("calibration bands must be >= 1", {.field = "calibration_bands", .field_kind = "option",
                                                             .value = std::to_string(o.calibration_bands)});
  }
}

}  // namespace

FairnessSummary SummarizeDecisions(std::span<const double> labels, std::span<const double> decisions,
                                   std::span<const int> group_of_row, int num_groups, int min_group_size) {
  std::vector<double> n(num_groups), sel(num_groups), pos(num_groups), tp(num_groups), neg(num_groups), fp(num_groups);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const int g = group_of_row[i];
    if (g < 0) continue;
    n[g] += 1;
    sel[g] += decisions[i];
    if (labels[i] == 1) {
      pos[g] += 1;
      tp[g] += decisions[i];
    } else {
      neg[g] += 1;
      fp[g] += decisions[i];
    }
  }
  auto spread = [&](const std::vector<double>& num, const std::vector<double>& den, bool ratio) {
    double lo = INFINITY, hi = -INFINITY;
    for (int g = 0; g < num_groups; ++g) {
      if (den[g] == 0 || den[g] < min_group_size || n[g] < min_group_size) continue;
      lo = std::min(lo, num[g] / den[g]);
      hi = std::max(hi, num[g] / den[g]);
    }
    if (!std::isfinite(lo)) return kNaN;
    return ratio ? (hi > 0 ? lo / hi : kNaN) : hi - lo;
  };
  FairnessSummary s;
  s.demographic_parity_difference = spread(sel, n, false);
  s.demographic_parity_ratio = spread(sel, n, true);
  s.true_positive_rate_difference = spread(tp, pos, false);
  s.equalized_odds_difference = std::max(s.true_positive_rate_difference, spread(fp, neg, false));
  return s;
}

AuditReport Audit(std::span<const double> labels, std::span<const double> scores, const Groups& groups,
                  const AuditOptions& options, const Context& ctx, std::span<const double> weights) {
  Validate(options);
  const bool weighted = !weights.empty();
  if (labels.size() != scores.size() || labels.size() != groups.of_row.size() || (weighted && weights.size() != labels.size())) {
    throw InvalidArgument("labels, scores and groups differ in length",
                          {.field = "scores", .field_kind = "argument", .value = std::to_string(scores.size()),
                           .expected = std::to_string(labels.size())});
  }
  AuditReport rep;
  rep.attributes = groups.attributes;
  rep.options = options;
  const int k = groups.count();
  const int min = options.min_group_size;
  // Rows kept, per group.
  std::vector<std::vector<std::size_t>> rows(static_cast<std::size_t>(k));
  std::vector<double> all_labels, all_scores, all_weights;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (weighted && !std::isnan(weights[i]) && !(weights[i] >= 0 && std::isfinite(weights[i]))) {
      throw InvalidData("a sample weight is negative or infinite", {.field = "weights", .field_kind = "argument",
                                                                    .value = fmt::format("row {}: {}", i + 1, weights[i]),
                                                                    .expected = "a finite weight >= 0"});
    }
    const double y = labels[i];
    if (!std::isnan(y) && y != 0 && y != 1) {
      throw InvalidArgument("a label is neither 0 nor 1", {.field = "labels", .field_kind = "argument",
                                                           .value = fmt::format("row {}: {}", i + 1, y), .expected = "0 or 1"});
    }
    if (std::isnan(y) || std::isnan(scores[i]) || groups.of_row[i] < 0 || (weighted && std::isnan(weights[i]))) {
      ++rep.rows_left_out;
      continue;
    }
    rows[static_cast<std::size_t>(groups.of_row[i])].push_back(i);
    all_labels.push_back(y);
    all_scores.push_back(scores[i]);
    all_weights.push_back(weighted ? weights[i] : 1.0);
  }
  if (all_labels.empty()) throw InvalidData("no row has a label, a score and a group", {.expected = "rows to audit"});
  const bool probs = options.scores_are_probabilities;
  auto maybe = [&](const std::vector<double>& w) { return weighted ? std::span<const double>(w) : std::span<const double>(); };
  rep.overall = ComputeRates(all_labels, all_scores, options.threshold, options.favorable_is_event, 0, probs, maybe(all_weights));
  std::vector<GroupRates> rates(static_cast<std::size_t>(k));
  std::vector<std::vector<double>> gy(static_cast<std::size_t>(k)), gs(static_cast<std::size_t>(k)), gw(static_cast<std::size_t>(k));
  // Per group: weighted predicted events and Kish's effective sample size (sum w)^2 / sum w^2 (= n unweighted).
  std::vector<double> w_pos(static_cast<std::size_t>(k), 0.0), n_eff(static_cast<std::size_t>(k), 0.0);
  for (int g = 0; g < k; ++g) {
    double sw = 0, sw2 = 0;
    for (std::size_t i : rows[g]) {
      const double w = weighted ? weights[i] : 1.0;
      gy[g].push_back(labels[i]);
      gs[g].push_back(scores[i]);
      gw[g].push_back(w);
      sw += w;
      sw2 += w * w;
      if (scores[i] >= options.threshold) w_pos[g] += w;
    }
    n_eff[g] = sw2 > 0 ? sw * sw / sw2 : 0;
    rates[g] = ComputeRates(gy[g], gs[g], options.threshold, options.favorable_is_event, min, probs, maybe(gw[g]));
  }
  // Reference: the caller's, else the largest group (the lowest index among equals).
  int ref = options.reference;
  if (ref < 0) {
    ref = 0;
    for (int g = 1; g < k; ++g) if (rates[g].n > rates[ref].n) ref = g;
  } else if (ref >= k) {
    throw InvalidArgument("reference group out of range", {.field = "reference", .field_kind = "option",
                                                           .value = std::to_string(ref), .expected = fmt::format("below {}", k)});
  }
  rep.reference = ref;
  const GroupRates& R = rates[ref];

  // Score bands for calibration: quantiles of all scores (numpy's linear rule).
  std::vector<double> sorted = all_scores;
  std::sort(sorted.begin(), sorted.end());
  for (int b = 0; b <= options.calibration_bands; ++b) {
    rep.calibration_edges.push_back(Quantile(sorted, static_cast<double>(b) / options.calibration_bands));
  }
  const auto& edges = rep.calibration_edges;
  auto band_of = [&](double s) {
    return static_cast<int>(std::lower_bound(edges.begin() + 1, edges.end() - 1, s) - (edges.begin() + 1));
  };

  double best_fav = -INFINITY;
  for (const auto& r : rates) if (!std::isnan(r.favorable_rate)) best_fav = std::max(best_fav, r.favorable_rate);
  for (int g = 0; g < k; ++g) {
    const GroupRates& r = rates[g];
    GroupReport gr{.name = groups.names[g], .rates = r};
    gr.selection_rate_diff_overall = Diff(r.selection_rate, rep.overall.selection_rate);
    gr.selection_rate_ratio_overall = Ratio(r.selection_rate, rep.overall.selection_rate);
    gr.statistical_parity_difference = Diff(r.favorable_rate, R.favorable_rate);
    gr.disparate_impact = Ratio(r.favorable_rate, R.favorable_rate);
    gr.impact_ratio_to_best = std::isfinite(best_fav) ? Ratio(r.favorable_rate, best_fav) : kNaN;
    gr.four_fifths_violation = gr.impact_ratio_to_best < 0.8;
    rep.four_fifths_violation |= gr.four_fifths_violation;
    gr.equal_opportunity_difference = Diff(r.tpr, R.tpr);
    gr.average_odds_difference = 0.5 * (Diff(r.fpr, R.fpr) + Diff(r.tpr, R.tpr));
    gr.predictive_parity_difference = Diff(r.ppv, R.ppv);
    const double pooled = std::sqrt((r.sd_score * r.sd_score + R.sd_score * R.sd_score) / 2);
    gr.smd_score = pooled > 0 ? Diff(r.mean_score, R.mean_score) / pooled : kNaN;
    // Calibration within the group, band by band.
    gr.calibration.assign(static_cast<std::size_t>(options.calibration_bands), {});
    std::vector<double> sum_s(gr.calibration.size()), sum_y(gr.calibration.size()), sum_w(gr.calibration.size());
    for (std::size_t j = 0; j < gs[g].size(); ++j) {
      const int b = band_of(gs[g][j]);
      ++gr.calibration[b].n;
      sum_s[b] += gw[g][j] * gs[g][j];
      sum_y[b] += gw[g][j] * gy[g][j];
      sum_w[b] += gw[g][j];
    }
    double gap = 0, mass = 0;
    for (std::size_t b = 0; b < gr.calibration.size(); ++b) {
      auto& cell = gr.calibration[b];
      cell.mean_score = sum_w[b] > 0 ? sum_s[b] / sum_w[b] : kNaN;
      const bool estimable = cell.n > 0 && cell.n >= min && sum_w[b] > 0;
      cell.observed = estimable ? sum_y[b] / sum_w[b] : kNaN;
      if (!std::isnan(cell.observed)) {
        gap += sum_w[b] * std::abs(cell.observed - cell.mean_score);
        mass += sum_w[b];
      }
    }
    gr.calibration_gap = mass > 0 && probs ? gap / mass : kNaN;
    // Two-proportion z-test of the selection rate against the reference group.
    gr.z = gr.p_value = kNaN;
    if (g != ref && !std::isnan(r.selection_rate) && !std::isnan(R.selection_rate)) {
      const double n1 = n_eff[g], n2 = n_eff[ref];
      const double p = (r.selection_rate * n1 + R.selection_rate * n2) / (n1 + n2);
      const double se = std::sqrt(p * (1 - p) * (1 / n1 + 1 / n2));
      if (se > 0) {
        gr.z = (r.selection_rate - R.selection_rate) / se;
        gr.p_value = std::erfc(std::abs(gr.z) / std::sqrt(2.0));
      }
    }
    gr.selection_rate_ci = gr.tpr_ci = gr.fpr_ci = {kNaN, kNaN};
    rep.groups.push_back(std::move(gr));
  }
  rep.disparities = AllDisparities(rates, rep.overall);

  // Pearson chi-square test of independence of decision and group (groups with rows; k x 2 table).
  {
    // Each group's row of the table is its weighted selection rate scaled to its effective sample size (the
    // counts themselves when unweighted).
    std::vector<double> size(static_cast<std::size_t>(k)), selected(static_cast<std::size_t>(k));
    double n = 0, pos = 0;
    for (int g = 0; g < k; ++g) {
      if (rates[g].weight <= 0) continue;
      size[g] = n_eff[g];
      selected[g] = w_pos[g] / rates[g].weight * n_eff[g];
      n += size[g];
      pos += selected[g];
    }
    double chi = 0;
    int used = 0;
    for (int g = 0; g < k; ++g) {
      if (size[g] <= 0) continue;
      ++used;
      const double e1 = size[g] * pos / n, e0 = size[g] - e1;
      const double o1 = selected[g], o0 = size[g] - o1;
      if (e1 > 0) chi += (o1 - e1) * (o1 - e1) / e1;
      if (e0 > 0) chi += (o0 - e0) * (o0 - e0) / e0;
    }
    rep.chi_square = chi;
    rep.chi_square_df = pos > 0 && pos < n ? used - 1 : 0;
    rep.chi_square_p = rep.chi_square_df > 0 ? boost::math::gamma_q(rep.chi_square_df / 2, chi / 2) : kNaN;
  }

  // Stratified bootstrap: each replicate redraws every group's rows with replacement (group sizes fixed), from
  // stream b of the seed, so replicate b is the same whichever thread computes it.
  const int B = options.bootstrap;
  if (B > 0) {
    const std::size_t nd = rep.disparities.size();
    std::vector<double> rep_sr(static_cast<std::size_t>(B) * k), rep_tpr(rep_sr.size()), rep_fpr(rep_sr.size());
    std::vector<double> rep_diff(static_cast<std::size_t>(B) * nd), rep_ratio(rep_diff.size());
    std::vector<std::vector<int>> decided(static_cast<std::size_t>(k));
    for (int g = 0; g < k; ++g) {
      for (std::size_t j = 0; j < gs[g].size(); ++j) {
        decided[g].push_back((gs[g][j] >= options.threshold ? 2 : 0) + (gy[g][j] == 1 ? 1 : 0));
      }
    }
    auto add = [](Counts& c, int cell, double w) {
      switch (cell) {
        case 3: c.tp += w; break;
        case 2: c.fp += w; break;
        case 1: c.fn += w; break;
        default: c.tn += w;
      }
    };
    ParallelFor(ctx, 0, B, [&](std::int64_t b) {
      Rng rng(ctx.seed(), 0xfa1e55ULL + static_cast<std::uint64_t>(b));
      std::vector<GroupRates> rr(static_cast<std::size_t>(k));
      Counts total, total_rows;
      for (int g = 0; g < k; ++g) {
        Counts c, rows_c;
        const auto m = decided[g].size();
        for (std::size_t j = 0; j < m; ++j) {
          const std::size_t pick = rng.Below(m);  // one draw per row, weighted or not: the same replicates
          add(c, decided[g][pick], gw[g][pick]);
          add(rows_c, decided[g][pick], 1);
        }
        FillFromCounts(c, rows_c, options.favorable_is_event, min, rr[g]);
        rr[g].auc = kNaN;
        total.tp += c.tp; total.fp += c.fp; total.tn += c.tn; total.fn += c.fn;
        total_rows.tp += rows_c.tp; total_rows.fp += rows_c.fp; total_rows.tn += rows_c.tn; total_rows.fn += rows_c.fn;
        rep_sr[b * k + g] = rr[g].selection_rate;
        rep_tpr[b * k + g] = rr[g].tpr;
        rep_fpr[b * k + g] = rr[g].fpr;
      }
      GroupRates all;
      FillFromCounts(total, total_rows, options.favorable_is_event, 0, all);
      all.auc = kNaN;
      const auto d = AllDisparities(rr, all);
      for (std::size_t m = 0; m < nd; ++m) {
        rep_diff[b * nd + m] = d[m].difference;
        rep_ratio[b * nd + m] = d[m].ratio;
      }
    });
    auto column = [&](const std::vector<double>& v, std::size_t width, std::size_t j, bool estimable) {
      if (!estimable) return Interval{kNaN, kNaN};
      std::vector<double> c;
      for (int b = 0; b < B; ++b) c.push_back(v[b * width + j]);
      return Percentile(std::move(c), options.confidence);
    };
    for (int g = 0; g < k; ++g) {
      auto& gr = rep.groups[g];
      gr.selection_rate_ci = column(rep_sr, k, g, !std::isnan(gr.rates.selection_rate));
      gr.tpr_ci = column(rep_tpr, k, g, !std::isnan(gr.rates.tpr));
      gr.fpr_ci = column(rep_fpr, k, g, !std::isnan(gr.rates.fpr));
    }
    for (std::size_t m = 0; m < nd; ++m) {
      auto& d = rep.disparities[m];
      if (d.metric == "auc") continue;  // AUC is not bootstrapped (it would need a sort per replicate and group)
      d.difference_ci = column(rep_diff, nd, m, !std::isnan(d.difference));
      d.ratio_ci = column(rep_ratio, nd, m, !std::isnan(d.ratio));
    }
  }
  return rep;
}

}  // namespace finai::fairness
