#include "finai/fairness/proxy.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "finai/core/error.hpp"
#include "finai/metrics/metrics.hpp"

namespace finai::fairness {

namespace {

// Bin of each kept row: quantile bins of a numeric feature (bin 0 = missing) or the category (0 = missing).
std::vector<int> BinRows(const Column& col, const std::vector<std::size_t>& rows, int bins) {
  std::vector<int> out(rows.size(), 0);
  if (col.type() == ColumnType::kCategorical) {
    const auto codes = col.codes();
    for (std::size_t j = 0; j < rows.size(); ++j) out[j] = codes[rows[j]] + 1;
    return out;
  }
  std::vector<double> values;
  for (std::size_t r : rows) {
    const double v = col.NumericValue(static_cast<std::int64_t>(r));
    if (!std::isnan(v)) values.push_back(v);
  }
  std::sort(values.begin(), values.end());
  std::vector<double> cuts;  // interior quantile edges, distinct
  for (int b = 1; b < bins && !values.empty(); ++b) {
    const double c = values[static_cast<std::size_t>(static_cast<double>(b) * (values.size() - 1) / bins)];
    if (cuts.empty() || c > cuts.back()) cuts.push_back(c);
  }
  for (std::size_t j = 0; j < rows.size(); ++j) {
    const double v = col.NumericValue(static_cast<std::int64_t>(rows[j]));
    // A value equal to a cut goes to the bin below it: (c_{i-1}, c_i].
    out[j] = std::isnan(v) ? 0 : 1 + static_cast<int>(std::lower_bound(cuts.begin(), cuts.end(), v) - cuts.begin());
  }
  return out;
}

double MutualInformation(const std::vector<int>& x, const std::vector<int>& g, int k) {
  std::map<int, std::vector<double>> joint;
  std::vector<double> pg(static_cast<std::size_t>(k));
  const double n = static_cast<double>(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    auto& row = joint[x[i]];
    row.resize(static_cast<std::size_t>(k));
    row[g[i]] += 1;
    pg[g[i]] += 1;
  }
  double mi = 0;
  for (const auto& [bin, counts] : joint) {
    double px = 0;
    for (double c : counts) px += c;
    for (int j = 0; j < k; ++j) {
      if (counts[j] > 0) mi += counts[j] / n * std::log(counts[j] * n / (px * pg[j]));
    }
  }
  return std::max(0.0, mi);
}

}  // namespace

std::vector<ProxyScore> DetectProxies(const Frame& frame, const std::vector<std::string>& features, const Groups& groups,
                                      int bins, int min_group_size) {
  if (bins < 2) throw InvalidArgument("proxy bins must be >= 2", {.field = "bins", .field_kind = "argument",
                                                                  .value = std::to_string(bins)});
  std::vector<std::size_t> rows;
  std::vector<int> g;
  for (std::size_t r = 0; r < groups.of_row.size(); ++r) {
    if (groups.of_row[r] < 0) continue;
    rows.push_back(r);
    g.push_back(groups.of_row[r]);
  }
  const int k = groups.count();
  std::vector<double> pg(static_cast<std::size_t>(k));
  for (int v : g) pg[v] += 1;
  double hg = 0;
  for (double c : pg) if (c > 0) hg -= c / rows.size() * std::log(c / rows.size());
  std::vector<ProxyScore> out;
  for (const auto& name : features) {
    const Column& col = frame.column(name);
    if (!col.is_numeric() && col.type() != ColumnType::kCategorical) continue;
    ProxyScore p{.feature = name};
    const std::vector<int> x = BinRows(col, rows, bins);
    p.mutual_information = MutualInformation(x, g, k);
    p.normalized_mi = hg > 0 ? p.mutual_information / hg : 0;
    // Scores for the one-vs-rest AUCs.
    std::vector<double> score(rows.size());
    std::map<int, std::vector<double>> cat_counts;  // categorical: rows per group within each category
    if (col.type() == ColumnType::kCategorical) {
      for (std::size_t j = 0; j < rows.size(); ++j) {
        auto& c = cat_counts[x[j]];
        c.resize(static_cast<std::size_t>(k) + 1);
        c[g[j]] += 1;
        c[k] += 1;
      }
    } else {
      for (std::size_t j = 0; j < rows.size(); ++j) {
        const double v = col.NumericValue(static_cast<std::int64_t>(rows[j]));
        score[j] = std::isnan(v) ? -std::numeric_limits<double>::infinity() : v;
      }
    }
    std::vector<double> label(rows.size());
    p.max_auc = 0.5;
    for (int target = 0; target < k; ++target) {
      if (pg[target] == 0 || pg[target] < min_group_size || pg[target] == static_cast<double>(rows.size())) continue;
      for (std::size_t j = 0; j < rows.size(); ++j) {
        label[j] = g[j] == target ? 1 : 0;
        if (col.type() == ColumnType::kCategorical) {
          const auto& c = cat_counts[x[j]];
          score[j] = c[target] / c[k];
        }
      }
      double auc = metrics::Auc(label, score);
      auc = std::max(auc, 1 - auc);
      if (auc > p.max_auc) {
        p.max_auc = auc;
        p.max_auc_group = groups.names[target];
      }
    }
    out.push_back(std::move(p));
  }
  std::stable_sort(out.begin(), out.end(), [](const ProxyScore& a, const ProxyScore& b) {
    return a.normalized_mi > b.normalized_mi;
  });
  return out;
}

}  // namespace finai::fairness
