// FeatureBins: construction, fitting from a quantile summary or category weights, binning and labels.
// JSON lives in binner_json.cpp, the Binner itself in binner.cpp.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "finai/core/check.hpp"
#include "finai/core/error.hpp"
#include "finai/data/binner.hpp"
#include "finai/data/datetime.hpp"

namespace finai {

namespace {

constexpr std::size_t kMaxBinsPerFeature = 65536;  // codes must fit in uint16

bool IsNumericSource(ColumnType type) {
  return type == ColumnType::kFloat64 || type == ColumnType::kFloat32 || type == ColumnType::kDateTime;
}

// A cut strictly between two neighbouring distinct values a < b, so that a falls in the lower bin and b in
// the upper one. It is representable in the source type: a float32 cut compares the same way whether the
// value is held as float or double, and a datetime cut is a whole second that prints as a date.
double CutBetween(double a, double b, ColumnType source_type) {
  double mid = a / 2 + b / 2;  // halves first: a + b could overflow
  if (source_type == ColumnType::kDateTime) {
    mid = std::floor(mid);
  } else if (source_type == ColumnType::kFloat32) {
    mid = static_cast<double>(static_cast<float>(mid));
  }
  // Rounding can land on b (adjacent representable values): then a itself separates them.
  if (!(mid >= a) || mid >= b) mid = a;
  return mid;
}

std::string FormatBound(double x, ColumnType source_type) {
  if (source_type == ColumnType::kDateTime && x == std::floor(x) && std::abs(x) < 9.2e18) {
    return FormatDateTime(static_cast<std::int64_t>(x));
  }
  return fmt::format("{}", x);
}

// Estimated weight of the values <= x: exact for an exact summary, the middle of the bounds otherwise.
double WeightAtOrBelowEstimate(const QuantileSummary& summary, double x) {
  const auto [lo, hi] = summary.WeightAtOrBelow(x);
  return lo + (hi - lo) / 2;
}

// Removes cuts, left to right, until every value bin weighs at least `threshold`; a light last bin is
// merged into the one before it.
std::vector<double> MergeLightBins(const std::vector<double>& cuts, const QuantileSummary& summary, double threshold) {
  std::vector<double> kept;
  double accumulated = 0;
  double below_previous = 0;
  for (double cut : cuts) {
    const double below = WeightAtOrBelowEstimate(summary, cut);
    accumulated += below - below_previous;
    below_previous = below;
    if (accumulated >= threshold) {
      kept.push_back(cut);
      accumulated = 0;
    }
  }
  const double last_bin = accumulated + (summary.total_weight() - below_previous);
  if (last_bin < threshold && !kept.empty()) kept.pop_back();
  return kept;
}

}  // namespace

FeatureBins FeatureBins::Numeric(std::string feature, ColumnType source_type, std::vector<double> cuts) {
  if (!IsNumericSource(source_type)) {
    throw InvalidArgument("numeric bins need a numeric or datetime source column",
                          {.field = feature,
                           .value = std::string(ColumnTypeName(source_type)),
                           .expected = "float64, float32 or datetime"});
  }
  if (cuts.size() + 2 > kMaxBinsPerFeature) {
    throw InvalidArgument(
        "too many cut points",
        {.field = feature, .value = std::to_string(cuts.size()), .expected = "at most 65534 cut points"});
  }
  for (std::size_t i = 0; i < cuts.size(); ++i) {
    if (!std::isfinite(cuts[i]) || (i > 0 && !(cuts[i - 1] < cuts[i]))) {
      throw InvalidArgument(fmt::format("cut point {} is not finite or not above the previous one", i),
                            {.field = feature,
                             .value = fmt::format("{}", cuts[i]),
                             .expected = "finite, strictly increasing cut points"});
    }
  }
  FeatureBins bins;
  bins.feature_ = std::move(feature);
  bins.kind_ = BinKind::kNumeric;
  bins.source_type_ = source_type;
  bins.cuts_ = std::move(cuts);
  return bins;
}

FeatureBins FeatureBins::Categorical(std::string feature, std::vector<std::string> categories) {
  if (categories.size() + 2 > kMaxBinsPerFeature) {
    throw InvalidArgument(
        "too many categories",
        {.field = feature, .value = std::to_string(categories.size()), .expected = "at most 65534 categories"});
  }
  FeatureBins bins;
  bins.feature_ = std::move(feature);
  bins.kind_ = BinKind::kCategorical;
  bins.source_type_ = ColumnType::kCategorical;
  bins.categories_ = std::move(categories);
  // Without another dictionary, the categories themselves are the dictionary: code i is category i.
  bins.dictionary_codes_.resize(bins.categories_.size());
  for (std::size_t i = 0; i < bins.categories_.size(); ++i) bins.dictionary_codes_[i] = static_cast<std::int32_t>(i);
  bins.BuildCategoryIndex();
  return bins;
}

void FeatureBins::BuildCategoryIndex() {
  category_bins_.clear();
  code_bins_.clear();
  for (std::size_t i = 0; i < categories_.size(); ++i) {
    if (!category_bins_.emplace(categories_[i], static_cast<int>(i)).second) {
      throw InvalidArgument(
          "a category is listed twice",
          {.field = feature_, .value = QuoteValue(categories_[i]), .expected = "distinct categories"});
    }
  }
  FINAI_CHECK(dictionary_codes_.size() == categories_.size(), "one dictionary code per kept category");
  for (std::size_t i = 0; i < dictionary_codes_.size(); ++i) {
    if (dictionary_codes_[i] < 0 || !code_bins_.emplace(dictionary_codes_[i], static_cast<int>(i)).second) {
      throw InvalidArgument(
          "dictionary codes of the kept categories must be distinct and >= 0",
          {.field = feature_, .value = std::to_string(dictionary_codes_[i]), .expected = "distinct codes >= 0"});
    }
  }
}

FeatureBins FeatureBins::FitNumeric(std::string feature, ColumnType source_type, const QuantileSummary& summary,
                                    double missing_weight, const BinnerOptions& options) {
  options.Validate();
  const int max_value_bins = options.max_bins - 1;  // one bin is kept for missing values
  std::vector<double> cuts;
  if (!summary.empty()) {
    const auto entries = summary.entries();
    if (summary.exact() && entries.size() <= static_cast<std::size_t>(max_value_bins)) {
      // Few distinct values: each gets its own bin.
      for (std::size_t i = 0; i + 1 < entries.size(); ++i) {
        cuts.push_back(CutBetween(entries[i].value, entries[i + 1].value, source_type));
      }
    } else {
      // Weighted quantiles: cut j is the value answering rank j W / V, so each bin holds about W / V.
      // A cut at the largest value would leave the last bin empty; repeated answers (a heavy value) give
      // one cut.
      const double total = summary.total_weight();
      const double largest = summary.max_value();
      for (int j = 1; j < max_value_bins; ++j) {
        const double cut = summary.Query(total * j / max_value_bins);
        if (cut < largest && (cuts.empty() || cut > cuts.back())) cuts.push_back(cut);
      }
    }
    if (options.min_bin_weight_fraction > 0) {
      const double threshold = options.min_bin_weight_fraction * (summary.total_weight() + missing_weight);
      cuts = MergeLightBins(cuts, summary, threshold);
    }
  }
  return Numeric(std::move(feature), source_type, std::move(cuts));
}

FeatureBins FeatureBins::FitCategorical(std::string feature, const std::vector<std::string>& dictionary,
                                        std::span<const double> code_weights, double missing_weight,
                                        const BinnerOptions& options) {
  options.Validate();
  if (code_weights.size() != dictionary.size()) {
    throw InvalidArgument("category weights and dictionary differ in length",
                          {.field = feature,
                           .value = std::to_string(code_weights.size()),
                           .expected = fmt::format("{} weights, one per dictionary entry", dictionary.size())});
  }
  struct Candidate {
    std::string_view text;
    double weight = 0;
    std::int32_t code = 0;
  };
  std::vector<Candidate> candidates;
  candidates.reserve(dictionary.size());
  std::unordered_map<std::string_view, std::size_t> seen;
  double total = missing_weight;
  for (std::size_t code = 0; code < dictionary.size(); ++code) {
    const double w = code_weights[code];
    if (!std::isfinite(w) || w < 0) {
      throw InvalidArgument("invalid category weight",
                            {.field = feature, .value = fmt::format("{}", w), .expected = "finite weights >= 0"});
    }
    // Two codes with one text would be one category binned twice; a dictionary must not do that.
    if (!seen.emplace(dictionary[code], code).second) {
      throw InvalidData("the dictionary of a categorical column repeats a category",
                        {.field = feature, .value = QuoteValue(dictionary[code]), .expected = "distinct categories"});
    }
    total += w;
    candidates.push_back({dictionary[code], w, static_cast<std::int32_t>(code)});
  }
  const double threshold = options.min_bin_weight_fraction * total;
  std::erase_if(candidates, [threshold](const Candidate& c) { return c.weight <= 0 || c.weight < threshold; });
  // Heaviest first; ties by text, so the bins do not depend on the order of the dictionary.
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    return a.weight != b.weight ? a.weight > b.weight : a.text < b.text;
  });
  const auto keep = static_cast<std::size_t>(std::min(options.max_categories, options.max_bins - 2));
  if (candidates.size() > keep) candidates.resize(keep);

  FeatureBins bins;
  bins.feature_ = std::move(feature);
  bins.kind_ = BinKind::kCategorical;
  bins.source_type_ = ColumnType::kCategorical;
  for (const Candidate& c : candidates) {
    bins.categories_.emplace_back(c.text);
    bins.dictionary_codes_.push_back(c.code);
  }
  bins.BuildCategoryIndex();
  return bins;
}

int FeatureBins::NumBins() const {
  return kind_ == BinKind::kNumeric ? static_cast<int>(cuts_.size()) + 2 : static_cast<int>(categories_.size()) + 2;
}

int FeatureBins::OtherBin() const {
  return kind_ == BinKind::kCategorical ? static_cast<int>(categories_.size()) : kNoBin;
}

int FeatureBins::num_value_bins() const {
  return kind_ == BinKind::kNumeric ? static_cast<int>(cuts_.size()) + 1 : static_cast<int>(categories_.size());
}

void FeatureBins::ThrowWrongKind(std::string_view method) const {
  throw InvalidArgument(
      fmt::format("{} does not apply to a {} feature", method, kind_ == BinKind::kNumeric ? "numeric" : "categorical"),
      {.field = feature_, .expected = kind_ == BinKind::kNumeric ? "Bin(double)" : "BinCategory(code or text)"});
}

int FeatureBins::Bin(double value) const {
  if (kind_ != BinKind::kNumeric) ThrowWrongKind("Bin(double)");
  if (std::isnan(value)) return MissingBin();
  return static_cast<int>(std::lower_bound(cuts_.begin(), cuts_.end(), value) - cuts_.begin());
}

int FeatureBins::BinCategory(std::int32_t code) const {
  if (kind_ != BinKind::kCategorical) ThrowWrongKind("BinCategory(code)");
  if (code == kMissingCode) return MissingBin();
  if (code < 0) {
    throw InvalidArgument(
        "invalid category code",
        {.field = feature_, .value = std::to_string(code), .expected = "a code >= 0, or -1 for missing"});
  }
  const auto it = code_bins_.find(code);
  return it == code_bins_.end() ? OtherBin() : it->second;
}

int FeatureBins::BinCategory(std::string_view category) const {
  if (kind_ != BinKind::kCategorical) ThrowWrongKind("BinCategory(text)");
  const auto it = category_bins_.find(std::string(category));
  return it == category_bins_.end() ? OtherBin() : it->second;
}

std::vector<std::uint16_t> FeatureBins::CodeMap(const std::vector<std::string>& dictionary) const {
  if (kind_ != BinKind::kCategorical) ThrowWrongKind("CodeMap");
  std::vector<std::uint16_t> map(dictionary.size());
  for (std::size_t code = 0; code < dictionary.size(); ++code) {
    map[code] = static_cast<std::uint16_t>(BinCategory(std::string_view(dictionary[code])));
  }
  return map;
}

namespace {
void RequireBinInRange(const std::string& feature, int bin, int num_bins) {
  if (bin < 0 || bin >= num_bins) {
    throw InvalidArgument(
        "bin index out of range",
        {.field = feature, .value = std::to_string(bin), .expected = fmt::format("a bin in [0, {})", num_bins)});
  }
}
}  // namespace

std::string FeatureBins::BinLabel(int bin) const {
  RequireBinInRange(feature_, bin, NumBins());
  if (bin == MissingBin()) return "missing";
  if (kind_ == BinKind::kCategorical) {
    return bin == OtherBin() ? std::string("other") : categories_[static_cast<std::size_t>(bin)];
  }
  const auto b = static_cast<std::size_t>(bin);
  const std::string lower = b == 0 ? std::string("-inf") : FormatBound(cuts_[b - 1], source_type_);
  const std::string upper = b == cuts_.size() ? std::string("+inf)") : FormatBound(cuts_[b], source_type_) + "]";
  return fmt::format("({}, {}", lower, upper);
}

double FeatureBins::BinLowerBound(int bin) const {
  if (kind_ != BinKind::kNumeric) ThrowWrongKind("BinLowerBound");
  RequireBinInRange(feature_, bin, NumBins());
  if (bin == MissingBin()) return std::numeric_limits<double>::quiet_NaN();
  return bin == 0 ? -std::numeric_limits<double>::infinity() : cuts_[static_cast<std::size_t>(bin) - 1];
}

double FeatureBins::BinUpperBound(int bin) const {
  if (kind_ != BinKind::kNumeric) ThrowWrongKind("BinUpperBound");
  RequireBinInRange(feature_, bin, NumBins());
  if (bin == MissingBin()) return std::numeric_limits<double>::quiet_NaN();
  const auto b = static_cast<std::size_t>(bin);
  return b == cuts_.size() ? std::numeric_limits<double>::infinity() : cuts_[b];
}

bool operator==(const FeatureBins& a, const FeatureBins& b) {
  return a.feature_ == b.feature_ && a.kind_ == b.kind_ && a.source_type_ == b.source_type_ && a.cuts_ == b.cuts_ &&
         a.categories_ == b.categories_ && a.dictionary_codes_ == b.dictionary_codes_;
}

}  // namespace finai
