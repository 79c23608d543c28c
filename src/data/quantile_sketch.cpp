#include "finai/data/quantile_sketch.hpp"

#include <fmt/format.h>

#include <boost/sort/pdqsort/pdqsort.hpp>

#include <algorithm>
#include <cmath>

#include "finai/core/check.hpp"
#include "finai/core/error.hpp"

namespace finai {

namespace {

void RequireFiniteValue(double value) {
  if (!std::isfinite(value)) {
    throw InvalidArgument("quantile sketch: a value is not finite (drop missing values before pushing them)",
                          {.field = "value", .field_kind = "argument", .value = fmt::format("{}", value), .expected = "a finite number"});
  }
}

void RequireValidWeight(double weight) {
  if (!std::isfinite(weight) || weight < 0) {
    throw InvalidArgument("quantile sketch: invalid weight",
                          {.field = "weight", .field_kind = "argument", .value = fmt::format("{}", weight), .expected = "a finite number >= 0"});
  }
}

// Scores how far entry e is from answering rank r: the larger of the two ways its rank bounds may miss r.
double QueryScore(const SketchEntry& e, double r) { return std::max(e.RMaxPrev() - r, r - e.RMinNext()); }

// Index of the entry Query(r) answers with. A_i + B_i is nondecreasing (the summary invariants make both
// nondecreasing), so the best entry is at the first index where A_i + B_i >= 2r or just before it.
std::size_t QueryIndex(std::span<const SketchEntry> entries, double r) {
  const auto it = std::partition_point(entries.begin(), entries.end(),
                                       [r](const SketchEntry& e) { return e.RMaxPrev() + e.RMinNext() < 2 * r; });
  std::size_t c = static_cast<std::size_t>(it - entries.begin());
  if (c == entries.size()) return entries.size() - 1;
  if (c == 0) return 0;
  // Ties go to the lower entry, so that an exact summary answers with the lower weighted quantile.
  return QueryScore(entries[c - 1], r) <= QueryScore(entries[c], r) ? c - 1 : c;
}

}  // namespace

QuantileSummary QuantileSummary::FromWeighted(std::vector<std::pair<double, double>> values) {
  for (auto& [value, weight] : values) {
    RequireFiniteValue(value);
    RequireValidWeight(weight);
    if (weight == 0) {
      throw InvalidArgument("quantile summary: a weight is zero",
                            {.field = "weight", .field_kind = "argument", .value = "0", .expected = "a finite number > 0"});
    }
    value += 0.0;  // -0.0 becomes +0.0, so equal values have one representation whatever the input order
  }
  // Sorting by (value, weight) makes the order in which equal values' weights are added, and therefore
  // the rounding, independent of the order of the input. (Branch-free pdqsort: about 3x std::sort on
  // random values, whose comparisons a branch predictor cannot guess; equal elements are identical, so
  // the result is the same as any other sort's.)
  boost::sort::pdqsort_branchless(values.begin(), values.end());
  QuantileSummary s;
  s.entries_.reserve(values.size());
  double cumulative = 0;
  std::size_t i = 0;
  while (i < values.size()) {
    const double value = values[i].first;
    double weight = 0;
    for (; i < values.size() && values[i].first == value; ++i) weight += values[i].second;
    s.entries_.push_back({.value = value, .rmin = cumulative, .rmax = cumulative + weight, .wmin = weight});
    cumulative += weight;
  }
  s.total_weight_ = cumulative;
  s.exact_ = true;
  return s;
}

QuantileSummary QuantileSummary::FromValues(std::vector<double> values) {
  for (double& value : values) {
    RequireFiniteValue(value);
    value += 0.0;  // -0.0 becomes +0.0, as in FromWeighted
  }
  boost::sort::pdqsort_branchless(values.begin(), values.end());  // as in FromWeighted
  QuantileSummary s;
  double cumulative = 0;
  std::size_t i = 0;
  while (i < values.size()) {
    const double value = values[i];
    const std::size_t first = i;
    while (i < values.size() && values[i] == value) ++i;
    const auto weight = static_cast<double>(i - first);  // the sum of as many 1s, exactly
    s.entries_.push_back({.value = value, .rmin = cumulative, .rmax = cumulative + weight, .wmin = weight});
    cumulative += weight;
  }
  s.total_weight_ = cumulative;
  s.exact_ = true;
  return s;
}

QuantileSummary QuantileSummary::Combine(const QuantileSummary& a, const QuantileSummary& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  QuantileSummary out;
  out.entries_.reserve(a.size() + b.size());
  out.total_weight_ = a.total_weight_ + b.total_weight_;
  out.exact_ = a.exact_ && b.exact_;
  // For a value only one side has, the other side contributes what it knows about its own values below
  // (the lower bound of its previous entry) and at or below (the upper bound of its next entry).
  const auto& ea = a.entries_;
  const auto& eb = b.entries_;
  std::size_t ia = 0, ib = 0;
  double a_prev_rmin = 0, b_prev_rmin = 0;  // RMinNext of the last entry taken from each side
  while (ia < ea.size() && ib < eb.size()) {
    const SketchEntry& x = ea[ia];
    const SketchEntry& y = eb[ib];
    if (x.value == y.value) {
      out.entries_.push_back({x.value, x.rmin + y.rmin, x.rmax + y.rmax, x.wmin + y.wmin});
      a_prev_rmin = x.RMinNext();
      b_prev_rmin = y.RMinNext();
      ++ia;
      ++ib;
    } else if (x.value < y.value) {
      out.entries_.push_back({x.value, x.rmin + b_prev_rmin, x.rmax + y.RMaxPrev(), x.wmin});
      a_prev_rmin = x.RMinNext();
      ++ia;
    } else {
      out.entries_.push_back({y.value, y.rmin + a_prev_rmin, y.rmax + x.RMaxPrev(), y.wmin});
      b_prev_rmin = y.RMinNext();
      ++ib;
    }
  }
  // Past the other side's largest value, all of its weight lies below.
  for (; ia < ea.size(); ++ia) {
    const SketchEntry& x = ea[ia];
    out.entries_.push_back({x.value, x.rmin + b_prev_rmin, x.rmax + b.total_weight_, x.wmin});
  }
  for (; ib < eb.size(); ++ib) {
    const SketchEntry& y = eb[ib];
    out.entries_.push_back({y.value, y.rmin + a_prev_rmin, y.rmax + a.total_weight_, y.wmin});
  }
  return out;
}

QuantileSummary QuantileSummary::Prune(std::size_t max_entries) const {
  if (max_entries < 2) {
    throw InvalidArgument("quantile summary: cannot prune to fewer than 2 entries",
                          {.field = "max_entries", .field_kind = "argument", .value = std::to_string(max_entries), .expected = ">= 2"});
  }
  if (entries_.size() <= max_entries) return *this;
  // Keep the entries answering ranks t W / (k-1), t = 0..k-2, and the largest. Answers are monotone in
  // the rank, so neighbouring kept entries answer neighbouring targets i and j, and the weight between
  // them is at most (target spacing) + 2 * RankError() = W / (k-1) + Gap(): the documented bound.
  QuantileSummary out;
  out.total_weight_ = total_weight_;
  out.exact_ = false;
  out.entries_.reserve(max_entries);
  const double spacing_denominator = static_cast<double>(max_entries - 1);
  std::size_t last_kept = entries_.size();  // none yet
  for (std::size_t t = 0; t + 1 < max_entries; ++t) {
    const double target = total_weight_ * static_cast<double>(t) / spacing_denominator;
    const std::size_t i = QueryIndex(entries_, target);
    if (i != last_kept) {
      out.entries_.push_back(entries_[i]);
      last_kept = i;
    }
  }
  if (last_kept != entries_.size() - 1) out.entries_.push_back(entries_.back());
  FINAI_CHECK(out.entries_.size() <= max_entries, "pruned summary larger than asked");
  return out;
}

double QuantileSummary::min_value() const {
  if (empty()) throw InvalidArgument("quantile summary is empty: it has no smallest value");
  return entries_.front().value;
}

double QuantileSummary::max_value() const {
  if (empty()) throw InvalidArgument("quantile summary is empty: it has no largest value");
  return entries_.back().value;
}

double QuantileSummary::Gap() const {
  // An exact summary knows every rank; computing the gap would only measure rounding.
  if (exact_ || entries_.empty()) return 0;
  double gap = std::max(entries_.front().RMaxPrev(), total_weight_ - entries_.back().RMinNext());
  for (std::size_t i = 0; i + 1 < entries_.size(); ++i) {
    gap = std::max(gap, entries_[i + 1].RMaxPrev() - entries_[i].RMinNext());
  }
  return std::max(gap, 0.0);
}

double QuantileSummary::Query(double rank) const {
  if (empty()) throw InvalidArgument("quantile summary is empty: it cannot answer a quantile query");
  if (std::isnan(rank)) {
    throw InvalidArgument("quantile query: the rank is NaN",
                          {.field = "rank", .field_kind = "argument", .value = "nan", .expected = "a number in [0, total weight]"});
  }
  rank = std::clamp(rank, 0.0, total_weight_);
  return entries_[QueryIndex(entries_, rank)].value;
}

std::pair<double, double> QuantileSummary::WeightAtOrBelow(double x) const {
  if (entries_.empty() || x < entries_.front().value) return {0.0, 0.0};  // the first entry is the minimum
  if (x >= entries_.back().value) return {total_weight_, total_weight_};  // the last is the maximum
  const auto it =
      std::upper_bound(entries_.begin(), entries_.end(), x, [](double v, const SketchEntry& e) { return v < e.value; });
  const SketchEntry& below = *(it - 1);  // the largest entry <= x
  const double lo = below.RMinNext();
  if (exact_) return {lo, lo};
  const double hi = below.value == x ? below.rmax : it->RMaxPrev();
  return {lo, std::max(lo, hi)};
}

void QuantileSummary::Validate() const {
  // Sums of many weights carry rounding; invariants are checked up to a relative tolerance.
  const double tol = 1e-9 * std::max(1.0, total_weight_);
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const SketchEntry& e = entries_[i];
    FINAI_CHECK(std::isfinite(e.value), fmt::format("entry {} has a non-finite value", i));
    FINAI_CHECK(e.wmin > 0 && e.rmin >= -tol && e.rmin + e.wmin <= e.rmax + tol && e.rmax <= total_weight_ + tol,
                fmt::format("entry {} has inconsistent bounds (rmin {}, rmax {}, wmin {}, total {})", i, e.rmin, e.rmax,
                            e.wmin, total_weight_));
    if (i + 1 < entries_.size()) {
      const SketchEntry& next = entries_[i + 1];
      FINAI_CHECK(e.value < next.value, fmt::format("entries {} and {} are not in increasing order", i, i + 1));
      FINAI_CHECK(e.RMinNext() <= next.rmin + tol && e.rmax <= next.RMaxPrev() + tol,
                  fmt::format("entries {} and {} have crossing rank bounds", i, i + 1));
    }
  }
  if (!entries_.empty()) {
    FINAI_CHECK(entries_.front().RMaxPrev() <= tol, "the first entry is not the minimum");
    FINAI_CHECK(entries_.back().RMinNext() >= total_weight_ - tol, "the last entry is not the maximum");
  }
}

QuantileSketch::QuantileSketch(int summary_size) : summary_size_(summary_size) {
  if (summary_size < 8 || summary_size > (1 << 24)) {
    throw InvalidArgument(
        "quantile sketch: summary size out of range",
        {.field = "summary_size", .field_kind = "argument", .value = std::to_string(summary_size), .expected = "an integer in [8, 16777216]"});
  }
}

void QuantileSketch::Push(double value, double weight) {
  RequireFiniteValue(value);
  RequireValidWeight(weight);
  if (weight == 0) return;
  buffer_.emplace_back(value, weight);
  total_weight_ += weight;
  ++count_;
  if (buffer_.size() >= 2 * static_cast<std::size_t>(summary_size_)) FlushBuffer();
}

void QuantileSketch::Push(std::span<const double> values, std::span<const double> weights) {
  if (!weights.empty() && weights.size() != values.size()) {
    throw InvalidArgument("quantile sketch: values and weights differ in length",
                          {.field = "weights", .field_kind = "argument",
                           .value = std::to_string(weights.size()),
                           .expected = fmt::format("{} weights (one per value) or none", values.size())});
  }
  for (std::size_t i = 0; i < values.size(); ++i) Push(values[i], weights.empty() ? 1.0 : weights[i]);
}

void QuantileSketch::FlushBuffer() {
  if (buffer_.empty()) return;
  QuantileSummary leaf = QuantileSummary::FromWeighted(std::move(buffer_));
  buffer_.clear();
  double gap_bound = 0;
  const auto k = static_cast<std::size_t>(summary_size_);
  if (leaf.size() > k) {
    leaf = leaf.Prune(k);
    gap_bound = leaf.total_weight() / static_cast<double>(k - 1);
  }
  Carry(std::move(leaf), gap_bound, 0);
}

// Binary-counter carry: two summaries of the same level are combined and pruned into the next level, so a
// value has been through at most (number of levels) prunes.
void QuantileSketch::Carry(QuantileSummary summary, double gap_bound, std::size_t level) {
  const auto k = static_cast<std::size_t>(summary_size_);
  for (;; ++level) {
    if (level >= levels_.size()) levels_.resize(level + 1);  // a merged sketch may be deeper
    Level& slot = levels_[level];
    if (!slot.occupied) {
      slot.summary = std::move(summary);
      slot.gap_bound = gap_bound;
      slot.occupied = true;
      return;
    }
    QuantileSummary combined = QuantileSummary::Combine(slot.summary, summary);
    gap_bound += slot.gap_bound;
    if (combined.size() > k) {
      combined = combined.Prune(k);
      gap_bound += combined.total_weight() / static_cast<double>(k - 1);
    }
    summary = std::move(combined);
    slot = Level{};
  }
}

void QuantileSketch::Merge(const QuantileSketch& other) {
  if (other.summary_size_ != summary_size_) {
    throw InvalidArgument("quantile sketch: cannot merge sketches of different summary sizes",
                          {.field = "summary_size", .field_kind = "argument",
                           .value = std::to_string(other.summary_size_),
                           .expected = std::to_string(summary_size_)});
  }
  if (&other == this) {
    const QuantileSketch copy = other;
    Merge(copy);
    return;
  }
  for (std::size_t level = 0; level < other.levels_.size(); ++level) {
    const Level& slot = other.levels_[level];
    if (slot.occupied) Carry(slot.summary, slot.gap_bound, level);
  }
  buffer_.insert(buffer_.end(), other.buffer_.begin(), other.buffer_.end());
  total_weight_ += other.total_weight_;
  count_ += other.count_;
  if (buffer_.size() >= 2 * static_cast<std::size_t>(summary_size_)) FlushBuffer();
}

QuantileSummary QuantileSketch::Summary() const {
  QuantileSummary out = QuantileSummary::FromWeighted(buffer_);
  for (const Level& slot : levels_) {
    if (slot.occupied) out = QuantileSummary::Combine(out, slot.summary);
  }
  return out;
}

double QuantileSketch::RankErrorBound() const {
  double gap = 0;
  for (const Level& slot : levels_) {
    if (slot.occupied) gap += slot.gap_bound;
  }
  return gap / 2;
}

int QuantileSketch::num_levels() const {
  int n = 0;
  for (std::size_t level = 0; level < levels_.size(); ++level) {
    if (levels_[level].occupied) n = static_cast<int>(level) + 1;
  }
  return n;
}

}  // namespace finai
