// FitBinning: pre-bins, the optimal merge, special and missing bins, WoE and IV.
#include "finai/scorecard/binning.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "finai/core/check.hpp"
#include "finai/core/error.hpp"
#include "finai/data/binner.hpp"
#include "finai/data/datetime.hpp"
#include "finai/data/quantile_sketch.hpp"

namespace finai::scorecard {

namespace {

std::string FormatNumber(double v, bool datetime = false) {
  if (std::isinf(v)) return v > 0 ? "+inf" : "-inf";
  if (datetime) return FormatDateTime(static_cast<std::int64_t>(v));
  return fmt::format("{:.10g}", v);
}

// Rows that take part: a known label and a positive weight.
struct RowFilter {
  std::span<const double> labels;
  std::span<const double> weights;
  double Weight(std::size_t r) const {
    if (std::isnan(labels[r])) return 0.0;
    return weights.empty() ? 1.0 : weights[r];
  }
};

void CheckInputs(const Column& column, std::span<const double> labels, std::span<const double> weights) {
  if (static_cast<std::int64_t>(labels.size()) != column.size() ||
      (!weights.empty() && static_cast<std::int64_t>(weights.size()) != column.size())) {
    throw InvalidArgument("labels and weights must have one value per row",
                          {.field = column.name(),
                           .value = fmt::format("{} labels, {} weights", labels.size(), weights.size()),
                           .expected = fmt::format("{} of each (weights may be empty)", column.size())});
  }
  for (std::size_t r = 0; r < labels.size(); ++r) {
    if (!std::isnan(labels[r]) && labels[r] != 0 && labels[r] != 1) {
      throw InvalidData("a label is not 0, 1 or missing",
                        {.field = column.name(), .value = fmt::format("{} at row {}", labels[r], r + 1)});
    }
    if (!weights.empty() && (!std::isfinite(weights[r]) || weights[r] < 0)) {
      throw InvalidArgument(
          "invalid weight",
          {.field = "weight", .value = fmt::format("{} at row {}", weights[r], r + 1), .expected = "finite >= 0"});
    }
  }
}

SegmentConstraints MakeConstraints(const BinningOptions& o, double total_weight) {
  SegmentConstraints c;
  c.max_bins = o.max_bins;
  c.min_bin_weight = o.min_bin_share * total_weight;
  c.min_bin_events = o.min_bin_events;
  c.min_bin_non_events = o.min_bin_non_events;
  c.min_event_rate_diff = o.min_event_rate_diff;
  c.trend = o.trend;
  c.objective = o.objective;
  return c;
}

std::string GroupLabel(const std::vector<std::string>& group) {
  std::string label;
  for (const auto& c : group) label += (label.empty() ? "" : ", ") + c;
  return label;
}

// Bins of a numeric binning from its cuts and special values (statistics filled later).
void LayoutNumericBins(VariableBinning& vb) {
  vb.bins.clear();
  const std::size_t v = vb.cuts.size() + 1;
  for (std::size_t b = 0; b < v; ++b) {
    Bin bin;
    bin.lower = b == 0 ? -INFINITY : vb.cuts[b - 1];
    bin.upper = b + 1 == v ? INFINITY : vb.cuts[b];
    bin.label = fmt::format("({}, {}{}", FormatNumber(bin.lower, vb.datetime), FormatNumber(bin.upper, vb.datetime),
                            b + 1 == v ? ")" : "]");
    vb.bins.push_back(bin);
  }
  for (double s : vb.special_values) {
    Bin bin;
    bin.kind = BinKind::kSpecial;
    bin.special_value = s;
    bin.label = "special " + FormatNumber(s);
    vb.bins.push_back(bin);
  }
  Bin missing;
  missing.kind = BinKind::kMissing;
  missing.label = "missing";
  vb.bins.push_back(missing);
}

void LayoutCategoricalBins(VariableBinning& vb) {
  vb.bins.clear();
  for (const auto& group : vb.groups) {
    Bin bin;
    bin.categories = group;
    bin.label = GroupLabel(group);
    vb.bins.push_back(bin);
  }
  Bin missing;
  missing.kind = BinKind::kMissing;
  missing.label = "missing";
  vb.bins.push_back(missing);
}

// Per-bin event / non-event weights of a column under a binning.
void CountAndFill(VariableBinning& vb, const Column& column, std::span<const double> labels,
                  std::span<const double> weights) {
  const std::vector<int> bins = vb.BinColumn(column);
  std::vector<double> ev(vb.bins.size(), 0.0), ne(vb.bins.size(), 0.0);
  const RowFilter rows{labels, weights};
  for (std::size_t r = 0; r < bins.size(); ++r) {
    const double w = rows.Weight(r);
    if (w <= 0) continue;
    (labels[r] == 1 ? ev : ne)[static_cast<std::size_t>(bins[r])] += w;
  }
  FillBinStatistics(vb, ev, ne);
}

std::vector<double> NumericValues(const Column& column) {
  if (!column.is_numeric() && column.type() != ColumnType::kDateTime) {
    throw InvalidData("numeric bins need a numeric or datetime column",
                      {.field = column.name(),
                       .value = std::string(ColumnTypeName(column.type())),
                       .expected = "float64, float32 or datetime"});
  }
  return column.ToFloat64();
}

bool IsSpecial(double v, const std::vector<double>& specials) {
  return std::find(specials.begin(), specials.end(), v) != specials.end();
}

VariableBinning FitNumericBinning(const Column& column, std::span<const double> labels, std::span<const double> weights,
                                  const BinningOptions& o) {
  const std::vector<double> values = NumericValues(column);
  const RowFilter rows{labels, weights};
  VariableBinning vb;
  vb.feature = column.name();
  vb.datetime = column.type() == ColumnType::kDateTime;
  vb.special_values = o.special_values;
  std::vector<std::pair<double, double>> weighted;
  weighted.reserve(values.size());
  double other_weight = 0, total_events = 0, total_weight = 0;
  for (std::size_t r = 0; r < values.size(); ++r) {
    const double w = rows.Weight(r);
    if (w <= 0) continue;
    total_weight += w;
    total_events += labels[r] * w;
    if (std::isnan(values[r]) || IsSpecial(values[r], o.special_values)) {
      other_weight += w;
    } else {
      weighted.emplace_back(values[r], w);
    }
  }
  const double total_non_events = total_weight - total_events;
  if (!(total_events > 0) || !(total_non_events > 0)) {
    throw InvalidData("binning needs rows of both classes",
                      {.field = column.name(), .expected = "events and non-events"});
  }
  std::vector<double> pre_cuts;
  if (!weighted.empty()) {
    BinnerOptions bo;
    bo.max_bins = o.max_prebins + 1;  // the Binner counts the missing bin
    bo.min_bin_weight_fraction = o.min_prebin_share;
    const ColumnType type = column.type() == ColumnType::kFloat32    ? ColumnType::kFloat32
                            : column.type() == ColumnType::kDateTime ? ColumnType::kDateTime
                                                                     : ColumnType::kFloat64;
    pre_cuts =
        FeatureBins::FitNumeric(vb.feature, type, QuantileSummary::FromWeighted(std::move(weighted)), other_weight, bo)
            .cuts();
  }
  const std::size_t n = pre_cuts.size() + 1;
  std::vector<double> ev(n, 0.0), ne(n, 0.0);
  for (std::size_t r = 0; r < values.size(); ++r) {
    const double w = rows.Weight(r);
    if (w <= 0 || std::isnan(values[r]) || IsSpecial(values[r], o.special_values)) continue;
    const auto b =
        static_cast<std::size_t>(std::lower_bound(pre_cuts.begin(), pre_cuts.end(), values[r]) - pre_cuts.begin());
    (labels[r] == 1 ? ev : ne)[b] += w;
  }
  vb.num_prebins = static_cast<int>(n);
  const Segmentation seg =
      OptimalSegmentation(ev, ne, total_events, total_non_events, MakeConstraints(o, total_weight));
  if (!seg.feasible) {
    throw InvalidData(
        "no binning meets the constraints (even a single bin has too few rows, events or non-events)",
        {.field = column.name(), .expected = "a smaller min_bin_share / min_bin_events / min_bin_non_events"});
  }
  for (std::size_t b = 0; b + 1 < seg.ends.size(); ++b)
    vb.cuts.push_back(pre_cuts[static_cast<std::size_t>(seg.ends[b]) - 1]);
  vb.optimal = true;
  LayoutNumericBins(vb);
  CountAndFill(vb, column, labels, weights);
  vb.trend = seg.ends.size() <= 1 ? MonotonicTrend::kNone : seg.trend;
  return vb;
}

// Categories with their event / non-event weights, in ascending event rate (ties: text order).
struct CategoryStats {
  std::string name;
  double events = 0, non_events = 0;
  double Rate() const { return events / (events + non_events); }
};

std::vector<CategoryStats> CountCategories(const Column& column, std::span<const double> labels,
                                           std::span<const double> weights) {
  if (column.type() != ColumnType::kCategorical) {
    throw InvalidData(
        "category groups need a categorical column",
        {.field = column.name(), .value = std::string(ColumnTypeName(column.type())), .expected = "categorical"});
  }
  const auto codes = column.codes();
  const auto& dict = column.dictionary();
  std::vector<CategoryStats> stats(dict.size());
  for (std::size_t c = 0; c < dict.size(); ++c) stats[c].name = dict[c];
  const RowFilter rows{labels, weights};
  for (std::size_t r = 0; r < codes.size(); ++r) {
    const double w = rows.Weight(r);
    if (w <= 0 || codes[r] == kMissingCode) continue;
    (labels[r] == 1 ? stats[static_cast<std::size_t>(codes[r])].events
                    : stats[static_cast<std::size_t>(codes[r])].non_events) += w;
  }
  std::erase_if(stats, [](const CategoryStats& s) { return s.events + s.non_events <= 0; });
  std::sort(stats.begin(), stats.end(), [](const CategoryStats& a, const CategoryStats& b) {
    return a.Rate() != b.Rate() ? a.Rate() < b.Rate() : a.name < b.name;
  });
  return stats;
}

VariableBinning FitCategoricalBinning(const Column& column, std::span<const double> labels,
                                      std::span<const double> weights, const BinningOptions& o) {
  const std::vector<CategoryStats> cats = CountCategories(column, labels, weights);
  VariableBinning vb;
  vb.feature = column.name();
  vb.categorical = true;
  double total_events = 0, total_weight = 0;
  const RowFilter rows{labels, weights};
  for (std::size_t r = 0; r < labels.size(); ++r) {
    const double w = rows.Weight(r);
    total_weight += w;
    if (w > 0) total_events += labels[r] * w;
  }
  const double total_non_events = total_weight - total_events;
  if (cats.empty() || !(total_events > 0) || !(total_non_events > 0)) {
    throw InvalidData("binning needs rows of both classes",
                      {.field = column.name(), .expected = "events and non-events"});
  }
  // Pre-bins: one per category, or consecutive runs of categories of about equal weight when there are more
  // categories than max_prebins.
  double cat_weight = 0;
  for (const auto& c : cats) cat_weight += c.events + c.non_events;
  std::vector<std::vector<std::string>> pre_groups;
  std::vector<double> ev, ne;
  double cum = 0;
  int last = -1;
  for (const auto& c : cats) {
    const int pb = cats.size() <= static_cast<std::size_t>(o.max_prebins)
                       ? last + 1
                       : std::min(o.max_prebins - 1, static_cast<int>(cum * o.max_prebins / cat_weight));
    if (pb != last) {
      pre_groups.emplace_back();
      ev.push_back(0);
      ne.push_back(0);
      last = pb;
    }
    pre_groups.back().push_back(c.name);
    ev.back() += c.events;
    ne.back() += c.non_events;
    cum += c.events + c.non_events;
  }
  vb.num_prebins = static_cast<int>(pre_groups.size());
  SegmentConstraints sc = MakeConstraints(o, total_weight);
  // Categories are ordered by event rate, so ascending is the natural trend; auto means ascending here.
  if (sc.trend == MonotonicTrend::kAuto) sc.trend = MonotonicTrend::kAscending;
  const Segmentation seg = OptimalSegmentation(ev, ne, total_events, total_non_events, sc);
  if (!seg.feasible) {
    throw InvalidData(
        "no binning meets the constraints (even a single bin has too few rows, events or non-events)",
        {.field = column.name(), .expected = "a smaller min_bin_share / min_bin_events / min_bin_non_events"});
  }
  int start = 0;
  for (int end : seg.ends) {
    std::vector<std::string> group;
    for (int p = start; p < end; ++p)
      group.insert(group.end(), pre_groups[static_cast<std::size_t>(p)].begin(),
                   pre_groups[static_cast<std::size_t>(p)].end());
    vb.groups.push_back(std::move(group));
    start = end;
  }
  vb.optimal = true;
  LayoutCategoricalBins(vb);
  CountAndFill(vb, column, labels, weights);
  vb.trend = seg.ends.size() <= 1 ? MonotonicTrend::kNone : seg.trend;
  return vb;
}

}  // namespace

std::string_view TrendName(MonotonicTrend trend) {
  switch (trend) {
    case MonotonicTrend::kAuto:
      return "auto";
    case MonotonicTrend::kAscending:
      return "ascending";
    case MonotonicTrend::kDescending:
      return "descending";
    case MonotonicTrend::kPeak:
      return "peak";
    case MonotonicTrend::kValley:
      return "valley";
    case MonotonicTrend::kNone:
      return "none";
  }
  return "none";
}

MonotonicTrend ParseTrend(std::string_view name) {
  for (auto t : {MonotonicTrend::kAuto, MonotonicTrend::kAscending, MonotonicTrend::kDescending, MonotonicTrend::kPeak,
                 MonotonicTrend::kValley, MonotonicTrend::kNone}) {
    if (TrendName(t) == name) return t;
  }
  throw InvalidArgument("unknown monotonic trend", {.field = "monotonic",
                                                    .field_kind = "option",
                                                    .value = std::string(name),
                                                    .expected = "auto, ascending, descending, peak, valley or none"});
}

std::string_view ObjectiveName(BinObjective objective) {
  return objective == BinObjective::kInformationValue ? "iv" : "js";
}

BinObjective ParseObjective(std::string_view name) {
  if (name == "iv") return BinObjective::kInformationValue;
  if (name == "js") return BinObjective::kJensenShannon;
  throw InvalidArgument(
      "unknown binning objective",
      {.field = "objective", .field_kind = "option", .value = std::string(name), .expected = "iv or js"});
}

void BinningOptions::Validate() const {
  const auto bad = [](const char* field, std::string value, const char* expected) {
    throw InvalidArgument("binning option out of range",
                          {.field = field, .field_kind = "option", .value = std::move(value), .expected = expected});
  };
  if (max_prebins < 2 || max_prebins > kMaxPreBins) bad("max_prebins", std::to_string(max_prebins), "in [2, 256]");
  if (max_bins < 1 || max_bins > 100) bad("max_bins", std::to_string(max_bins), "in [1, 100]");
  if (!(min_bin_share >= 0 && min_bin_share <= 0.5))
    bad("min_bin_share", fmt::format("{}", min_bin_share), "in [0, 0.5]");
  if (!(min_prebin_share >= 0 && min_prebin_share <= 0.5))
    bad("min_prebin_share", fmt::format("{}", min_prebin_share), "in [0, 0.5]");
  if (!(min_bin_events >= 0) || !std::isfinite(min_bin_events))
    bad("min_bin_events", fmt::format("{}", min_bin_events), "finite >= 0");
  if (!(min_bin_non_events >= 0) || !std::isfinite(min_bin_non_events))
    bad("min_bin_non_events", fmt::format("{}", min_bin_non_events), "finite >= 0");
  if (!(min_event_rate_diff >= 0 && min_event_rate_diff < 1))
    bad("min_event_rate_diff", fmt::format("{}", min_event_rate_diff), "in [0, 1)");
  for (double s : special_values) {
    if (!std::isfinite(s)) bad("special_values", fmt::format("{}", s), "finite numbers");
  }
}

int VariableBinning::num_value_bins() const {
  return categorical ? static_cast<int>(groups.size()) : static_cast<int>(cuts.size()) + 1;
}

int VariableBinning::BinOf(double value) const {
  if (categorical) throw InvalidArgument("a numeric value for categorical bins", {.field = feature});
  if (std::isnan(value)) return MissingBin();
  for (std::size_t s = 0; s < special_values.size(); ++s) {
    if (special_values[s] == value) return num_value_bins() + static_cast<int>(s);
  }
  return static_cast<int>(std::lower_bound(cuts.begin(), cuts.end(), value) - cuts.begin());
}

int VariableBinning::BinOfCategory(std::string_view category) const {
  if (!categorical) throw InvalidArgument("a category for numeric bins", {.field = feature});
  for (std::size_t g = 0; g < groups.size(); ++g) {
    for (const auto& c : groups[g]) {
      if (c == category) return static_cast<int>(g);
    }
  }
  return MissingBin();
}

std::vector<int> VariableBinning::BinColumn(const Column& column) const {
  std::vector<int> out(static_cast<std::size_t>(column.size()));
  if (categorical) {
    if (column.type() != ColumnType::kCategorical) {
      throw InvalidData(
          "the variable was binned as categorical but the column is not",
          {.field = column.name(), .value = std::string(ColumnTypeName(column.type())), .expected = "categorical"});
    }
    const auto& dict = column.dictionary();
    std::vector<int> code_bin(dict.size());
    for (std::size_t c = 0; c < dict.size(); ++c) code_bin[c] = BinOfCategory(dict[c]);
    const auto codes = column.codes();
    for (std::size_t r = 0; r < codes.size(); ++r) {
      out[r] = codes[r] == kMissingCode ? MissingBin() : code_bin[static_cast<std::size_t>(codes[r])];
    }
    return out;
  }
  const std::vector<double> values = NumericValues(column);
  for (std::size_t r = 0; r < values.size(); ++r) out[r] = BinOf(values[r]);
  return out;
}

std::vector<double> VariableBinning::WoeColumn(const Column& column) const {
  const std::vector<int> b = BinColumn(column);
  std::vector<double> woe(b.size());
  for (std::size_t r = 0; r < b.size(); ++r) woe[r] = bins[static_cast<std::size_t>(b[r])].woe;
  return woe;
}

void FillBinStatistics(VariableBinning& vb, std::span<const double> events, std::span<const double> non_events) {
  FINAI_CHECK(events.size() == vb.bins.size() && non_events.size() == vb.bins.size(), "one count per bin");
  const double te = std::accumulate(events.begin(), events.end(), 0.0);
  const double tg = std::accumulate(non_events.begin(), non_events.end(), 0.0);
  vb.iv = 0;
  vb.js = 0;
  for (std::size_t b = 0; b < vb.bins.size(); ++b) {
    Bin& bin = vb.bins[b];
    bin.events = events[b];
    bin.non_events = non_events[b];
    bin.count = bin.events + bin.non_events;
    bin.share = te + tg > 0 ? bin.count / (te + tg) : 0;
    bin.event_rate = bin.count > 0 ? bin.events / bin.count : 0;
    if (bin.count <= 0 || !(te > 0) || !(tg > 0)) {
      bin.woe = 0;
    } else if (bin.events > 0 && bin.non_events > 0) {
      bin.woe = std::log((bin.non_events / tg) / (bin.events / te));
    } else {
      bin.woe = std::log(((bin.non_events + 0.5) / tg) / ((bin.events + 0.5) / te));
    }
    bin.iv = te > 0 && tg > 0 ? (bin.non_events / tg - bin.events / te) * bin.woe : 0;
    vb.iv += bin.iv;
    if (te > 0 && tg > 0) vb.js += BinObjectiveTerm(bin.events, bin.non_events, te, tg, BinObjective::kJensenShannon);
  }
}

VariableBinning FitBinning(const Column& column, std::span<const double> labels, std::span<const double> weights,
                           const BinningOptions& options) {
  options.Validate();
  CheckInputs(column, labels, weights);
  if (column.type() == ColumnType::kCategorical) return FitCategoricalBinning(column, labels, weights, options);
  return FitNumericBinning(column, labels, weights, options);
}

VariableBinning BinWithCuts(const Column& column, std::span<const double> labels, std::span<const double> weights,
                            std::vector<double> cuts, const std::vector<double>& special_values) {
  CheckInputs(column, labels, weights);
  for (std::size_t i = 0; i < cuts.size(); ++i) {
    if (!std::isfinite(cuts[i]) || (i > 0 && !(cuts[i] > cuts[i - 1]))) {
      throw InvalidArgument(
          "cut points must be finite and strictly increasing",
          {.field = column.name(), .value = fmt::format("{}", cuts[i]), .expected = "increasing finite cuts"});
    }
  }
  VariableBinning vb;
  vb.feature = column.name();
  vb.datetime = column.type() == ColumnType::kDateTime;
  vb.cuts = std::move(cuts);
  vb.special_values = special_values;
  NumericValues(column);
  LayoutNumericBins(vb);
  CountAndFill(vb, column, labels, weights);
  std::vector<double> rates;
  for (int b = 0; b < vb.num_value_bins(); ++b) rates.push_back(vb.bins[static_cast<std::size_t>(b)].event_rate);
  vb.trend = FollowsTrend(rates, MonotonicTrend::kAscending, 0)    ? MonotonicTrend::kAscending
             : FollowsTrend(rates, MonotonicTrend::kDescending, 0) ? MonotonicTrend::kDescending
                                                                   : MonotonicTrend::kNone;
  return vb;
}

VariableBinning BinWithGroups(const Column& column, std::span<const double> labels, std::span<const double> weights,
                              const std::vector<std::vector<std::string>>& groups) {
  CheckInputs(column, labels, weights);
  const std::vector<CategoryStats> cats = CountCategories(column, labels, weights);
  VariableBinning vb;
  vb.feature = column.name();
  vb.categorical = true;
  std::map<std::string, int> seen;
  for (const auto& g : groups) {
    if (g.empty())
      throw InvalidArgument("an empty category group", {.field = column.name(), .expected = "non-empty groups"});
    for (const auto& c : g) {
      if (!seen.emplace(c, 0).second) {
        throw InvalidArgument("a category is in two groups",
                              {.field = column.name(), .value = c, .expected = "disjoint groups"});
      }
    }
    vb.groups.push_back(g);
  }
  for (const auto& c : cats) {
    if (!seen.count(c.name)) vb.groups.push_back({c.name});
  }
  LayoutCategoricalBins(vb);
  CountAndFill(vb, column, labels, weights);
  return vb;
}

}  // namespace finai::scorecard
