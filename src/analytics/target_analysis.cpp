#include <fmt/format.h>

#include <cmath>

#include "finai/data/binner.hpp"
#include "finai/metrics/metrics.hpp"
#include "profile_internal.hpp"

namespace finai::profile {

namespace {
// Bins of one feature fitted on the rows whose target is known.
FeatureBins FitBins(const Column& column, std::span<const double> labels, int target_bins, const Context& ctx) {
  BinnerOptions options;
  options.max_bins = target_bins + 2;  // value bins + "other" (categorical) + missing
  options.max_categories = target_bins;
  // Quantile bins of at least 5% each keep event rates readable and stable.
  options.min_bin_weight_fraction = 0.05;
  std::vector<double> weights(labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i) weights[i] = std::isnan(labels[i]) ? 0.0 : 1.0;
  Frame one({column});
  return Binner::Fit(one, {column.name()}, weights, options, ctx).feature(0);
}
}  // namespace

void AnalyseAgainstTarget(const Column& column, std::span<const double> labels, int target_bins, const Context& ctx,
                          ColumnProfile& out) {
  if (column.type() == ColumnType::kString) return;  // free text has no bins
  const FeatureBins bins = FitBins(column, labels, target_bins, ctx);
  const int num_bins = bins.NumBins();
  std::vector<std::int64_t> count(static_cast<std::size_t>(num_bins), 0), events(count.size(), 0);
  std::vector<int> row_bin(labels.size());
  const bool categorical = column.type() == ColumnType::kCategorical;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const auto row = static_cast<std::int64_t>(i);
    row_bin[i] = categorical ? bins.BinCategory(column.codes()[i]) : bins.Bin(column.NumericValue(row));
    if (std::isnan(labels[i])) continue;
    ++count[static_cast<std::size_t>(row_bin[i])];
    events[static_cast<std::size_t>(row_bin[i])] += labels[i] > 0.5 ? 1 : 0;
  }
  std::int64_t total_events = 0, total_non_events = 0;
  for (int b = 0; b < num_bins; ++b) {
    total_events += events[static_cast<std::size_t>(b)];
    total_non_events += count[static_cast<std::size_t>(b)] - events[static_cast<std::size_t>(b)];
  }
  if (total_events == 0 || total_non_events == 0) return;
  double iv = 0;
  std::vector<double> bin_rate(count.size(), 0.0);
  for (int b = 0; b < num_bins; ++b) {
    const auto k = static_cast<std::size_t>(b);
    if (count[k] == 0) continue;
    double e = static_cast<double>(events[k]);
    double ne = static_cast<double>(count[k] - events[k]);
    if (e == 0 || ne == 0) {
      e += 0.5;
      ne += 0.5;
    }
    const double share_e = e / static_cast<double>(total_events);
    const double share_ne = ne / static_cast<double>(total_non_events);
    TargetBin tb;
    tb.label = bins.BinLabel(b);
    tb.count = count[k];
    tb.events = events[k];
    tb.event_rate = static_cast<double>(events[k]) / static_cast<double>(count[k]);
    tb.woe = std::log(share_ne / share_e);
    tb.iv = (share_ne - share_e) * tb.woe;
    iv += tb.iv;
    bin_rate[k] = tb.event_rate;
    out.target_bins.push_back(std::move(tb));
  }
  out.information_value = iv;

  // Single-feature AUC: the better of the binned event rate (any shape, categories too) and, for numeric
  // columns, the raw value (a threshold between bin edges can separate better than the bins do).
  std::vector<double> y, score, raw_y, raw_score;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (std::isnan(labels[i])) continue;
    y.push_back(labels[i]);
    score.push_back(bin_rate[static_cast<std::size_t>(row_bin[i])]);
    if (!categorical && !column.IsMissing(static_cast<std::int64_t>(i))) {
      raw_y.push_back(labels[i]);
      raw_score.push_back(column.NumericValue(static_cast<std::int64_t>(i)));
    }
  }
  double auc = metrics::Auc(y, score);
  auc = std::max(auc, 1 - auc);
  bool raw_has_both = false;
  for (double v : raw_y) raw_has_both |= v != raw_y.front();
  if (raw_has_both) {
    const double raw = metrics::Auc(raw_y, raw_score);
    auc = std::max({auc, raw, 1 - raw});
  }
  out.auc = auc;
}

}  // namespace finai::profile
