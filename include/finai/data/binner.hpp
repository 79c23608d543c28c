// The Binner: maps each feature's values to small integer bins, the input of histogram-based trees and of
// scorecards (which show the bins to people, hence the labels). Bins are fitted once on training data,
// stored in the model file (ToJson / FromJson) and applied unchanged at scoring time.
//
// Bin layout of one feature (documented in docs/binning.md):
//   numeric (float64, float32, datetime): value bins 0 .. V-1 are the intervals
//       (-inf, c_0], (c_0, c_1], ..., (c_{V-2}, +inf)      for the V-1 increasing cut points c_i,
//     so Bin(x) = index of the first cut >= x (V-1 when x is above every cut); bin V is the missing bin.
//   categorical: bins 0 .. C-1 are the C categories kept, in order of descending weight (ties in
//     byte-wise text order); bin C is "other" (rare categories and categories unseen at fit time);
//     bin C+1 is the missing bin.
// The missing bin is always the last one, MissingBin() == NumBins() - 1, and always exists, so a value
// missing at scoring time has a place even if none was missing in training.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "finai/core/context.hpp"
#include "finai/data/column.hpp"
#include "finai/data/frame.hpp"
#include "finai/data/quantile_sketch.hpp"

namespace finai {

struct BinnerOptions {
  // Most bins per feature, counting the missing bin (and the "other" bin of categorical features);
  // in [3, 65536]. At most 256 keeps the binned matrix at one byte per value.
  int max_bins = 255;
  // Smallest share of a feature's total weight (missing values included) a value bin or a kept category
  // may hold; neighbouring numeric bins are merged and rare categories go to "other" until it holds.
  // In [0, 0.5]; 0 disables the rule. The missing bin is exempt: it cannot be merged with values.
  double min_bin_weight_fraction = 0.0;
  // Most categories of one feature that get a bin of their own; the effective limit is
  // min(max_categories, max_bins - 2). In [1, 65534].
  int max_categories = 253;
  // Entries of each numeric feature's quantile summary; 0 chooses max(4096, 8 * max_bins). With at most
  // this many distinct values the cut points are exact weighted quantiles. 0 or in [max_bins, 2^24].
  int sketch_size = 0;
  // Numeric features with at most this many (non-missing, weighted) values are summarised exactly: one
  // sort, exact weighted quantiles, and faster than sketching. More values go through the sketch. 0
  // sketches always. In [0, 2^26].
  std::int64_t exact_summary_values = std::int64_t{1} << 20;

  // Throws InvalidArgument naming the first field out of range.
  void Validate() const;
  int EffectiveSketchSize() const;
};

enum class BinKind { kNumeric, kCategorical };

// The bins of one feature. Immutable once built; cheap to copy.
class FeatureBins {
 public:
  static constexpr int kNoBin = -1;

  // A single numeric bin (every value together) plus the missing bin.
  FeatureBins() = default;
  // Numeric bins from explicit cut points: finite, strictly increasing, at most 65534 of them
  // (InvalidArgument otherwise). source_type is float64, float32 or datetime.
  static FeatureBins Numeric(std::string feature, ColumnType source_type, std::vector<double> cuts);
  // Categorical bins keeping the given categories, in this order (distinct; at most 65534).
  static FeatureBins Categorical(std::string feature, std::vector<std::string> categories);

  // Fits numeric bins from a summary of the feature's non-missing values (see docs/binning.md):
  // one bin per distinct value when the summary is exact and small enough, weighted quantiles otherwise,
  // then merges bins lighter than options.min_bin_weight_fraction. missing_weight counts towards the
  // total the fraction is taken of.
  static FeatureBins FitNumeric(std::string feature, ColumnType source_type, const QuantileSummary& summary,
                                double missing_weight, const BinnerOptions& options);
  // Fits categorical bins from the weight of each code of a dictionary (code_weights[code]).
  // BinCategory(code) then understands codes of that dictionary.
  static FeatureBins FitCategorical(std::string feature, const std::vector<std::string>& dictionary,
                                    std::span<const double> code_weights, double missing_weight,
                                    const BinnerOptions& options);

  const std::string& feature() const { return feature_; }
  BinKind kind() const { return kind_; }
  // The column type fitted on: float64, float32 or datetime for numeric bins, categorical otherwise.
  ColumnType source_type() const { return source_type_; }

  int NumBins() const;
  int MissingBin() const { return NumBins() - 1; }
  int OtherBin() const;  // kNoBin for numeric features
  // Value bins (numeric) or kept categories (categorical).
  int num_value_bins() const;

  // The bin of a numeric value; NaN goes to the missing bin. InvalidArgument for a categorical feature.
  int Bin(double value) const;
  // The bin of a code of the dictionary fitted on (FitCategorical); kMissingCode goes to the missing
  // bin, codes outside that dictionary to "other". InvalidArgument for a numeric feature or code < -1.
  int BinCategory(std::int32_t code) const;
  // The bin of a category given as text; unseen text goes to "other".
  int BinCategory(std::string_view category) const;
  // The bin of every code of another dictionary, matched by text (for frames whose dictionary differs).
  std::vector<std::uint16_t> CodeMap(const std::vector<std::string>& dictionary) const;

  // "(-inf, 3.5]", "(3.5, 7]", "(7, +inf)", "missing", "other", or the category ("rent").
  // Datetime bounds are written as dates. InvalidArgument for a bin outside [0, NumBins()).
  std::string BinLabel(int bin) const;
  // Bounds of a numeric value bin (lower exclusive, upper inclusive; -inf / +inf at the ends); NaN for
  // the missing bin. InvalidArgument for categorical features and bins out of range.
  double BinLowerBound(int bin) const;
  double BinUpperBound(int bin) const;

  const std::vector<double>& cuts() const { return cuts_; }
  const std::vector<std::string>& categories() const { return categories_; }

  // {"feature", "kind": "numeric"|"categorical", "column_type", "num_bins", "cuts"} or
  // {"feature", "kind", "column_type", "num_bins", "categories", "dictionary_size", "dictionary_codes"}.
  nlohmann::json ToJson() const;
  // InvalidData naming the key (prefixed by path, e.g. "features[2].cuts[4]") on a missing, unknown or
  // ill-typed key or inconsistent content.
  static FeatureBins FromJson(const nlohmann::json& json, std::string_view path = "");

  friend bool operator==(const FeatureBins& a, const FeatureBins& b);

 private:
  void BuildCategoryIndex();
  [[noreturn]] void ThrowWrongKind(std::string_view method) const;

  std::string feature_;
  BinKind kind_ = BinKind::kNumeric;
  ColumnType source_type_ = ColumnType::kFloat64;
  std::vector<double> cuts_;
  std::vector<std::string> categories_;
  // Code of each kept category in the dictionary fitted on (categorical only), and the inverse maps
  // used for binning (derived, not serialised).
  std::vector<std::int32_t> dictionary_codes_;
  std::unordered_map<std::int32_t, int> code_bins_;
  std::unordered_map<std::string, int> category_bins_;
};

// Bin codes of a frame, column-major: the codes of feature f are contiguous. One byte per code when every
// feature has at most 256 bins, two otherwise.
class BinnedMatrix {
 public:
  BinnedMatrix() = default;
  BinnedMatrix(std::int64_t num_rows, std::vector<int> num_bins);

  std::int64_t num_rows() const { return num_rows_; }
  int num_features() const { return static_cast<int>(num_bins_.size()); }
  int num_bins(int feature) const { return num_bins_.at(static_cast<std::size_t>(feature)); }
  const std::vector<int>& num_bins() const { return num_bins_; }
  // 1 (uint8 codes) or 2 (uint16 codes).
  int bytes_per_code() const { return wide_ ? 2 : 1; }
  bool is_uint8() const { return !wide_; }

  // The code of one cell, whatever the width (bounds-checked; for loops use the column spans).
  std::uint16_t At(std::int64_t row, int feature) const;
  // A feature's codes; InternalError when the width differs.
  std::span<const std::uint8_t> Column8(int feature) const;
  std::span<const std::uint16_t> Column16(int feature) const;
  std::span<std::uint8_t> MutableColumn8(int feature);
  std::span<std::uint16_t> MutableColumn16(int feature);

  friend bool operator==(const BinnedMatrix& a, const BinnedMatrix& b) = default;

 private:
  std::int64_t num_rows_ = 0;
  std::vector<int> num_bins_;
  bool wide_ = false;
  std::vector<std::uint8_t> codes8_;
  std::vector<std::uint16_t> codes16_;
};

class Binner {
 public:
  Binner() = default;
  // InvalidArgument when two features share a name.
  explicit Binner(std::vector<FeatureBins> features);

  // Fits one FeatureBins per feature column (features in parallel; the result does not depend on the
  // thread count). weights: empty (every row weighs 1) or one finite weight >= 0 per row of the frame.
  // rows: fit on these rows of the frame only (a sample; empty: every row), with no copy of the frame.
  // Columns must be float64, float32, datetime or categorical; NotFound for an absent column.
  static Binner Fit(const Frame& frame, const std::vector<std::string>& feature_columns,
                    std::span<const double> weights, const BinnerOptions& options, const Context& ctx,
                    std::span<const std::int64_t> rows = {});

  // Bin codes of the frame's feature columns (found by name; other columns are ignored). Categorical
  // columns are matched by category text, so their dictionary may differ from the one fitted on.
  // InvalidData when a column's type does not fit its bins (float64 and float32 are interchangeable).
  BinnedMatrix Transform(const Frame& frame, const Context& ctx) const;

  int num_features() const { return static_cast<int>(features_.size()); }
  const std::vector<FeatureBins>& features() const { return features_; }
  const FeatureBins& feature(int index) const { return features_.at(static_cast<std::size_t>(index)); }
  const FeatureBins& feature(std::string_view name) const;  // NotFound if absent
  std::vector<std::string> FeatureNames() const;

  // {"format": "finai.binner", "version": 1, "features": [FeatureBins::ToJson(), ...]}
  nlohmann::json ToJson() const;
  static Binner FromJson(const nlohmann::json& json);

  friend bool operator==(const Binner& a, const Binner& b) { return a.features_ == b.features_; }

 private:
  std::vector<FeatureBins> features_;
};

}  // namespace finai
