// The training matrix as the tree grower reads it: bin codes, row-major (a row's codes are adjacent, so
// building a histogram reads each row once) and column-major (for partitioning rows by one feature), with
// each feature's place in the histogram.
#pragma once

#include <cstdint>
#include <vector>

#include "finai/core/context.hpp"
#include "finai/data/binner.hpp"

namespace finai::gbdt {

enum class FeatureKind : std::uint8_t { kNumeric, kCategorical };

struct FeatureMeta {
  FeatureKind kind = FeatureKind::kNumeric;
  int num_bins = 0;     // bins of the feature, missing bin included
  int missing_bin = 0;  // always num_bins - 1
  int other_bin = -1;   // categorical: the "other" bin (rare and unseen categories); -1 for numeric
  int offset = 0;       // first histogram slot of the feature
  int monotone = 0;     // +1, -1 or 0
};

struct TrainingData {
  std::int64_t rows = 0;
  int features = 0;
  BinnedMatrix columns;  // the codes column-major (one byte each): partitioning a node reads one feature
  std::vector<FeatureMeta> meta;
  int total_bins = 0;  // histogram slots over all features

  // The codes of row r, row-major: a histogram reads a row's codes at once. Rows are padded to a power of
  // two (up to 64 bytes, whole cache lines beyond) and aligned, so that no row straddles two cache lines.
  const std::uint8_t* row(std::int64_t r) const { return bins_.data() + start_ + r * stride_; }
  std::uint8_t* mutable_row(std::int64_t r) { return bins_.data() + start_ + r * stride_; }
  const std::uint8_t* column(int f) const { return columns.Column8(f).data(); }

  // Sets rows and features and makes room for the row-major codes.
  void AllocateRows(std::int64_t num_rows, int num_features);

 private:
  std::vector<std::uint8_t> bins_;
  std::size_t start_ = 0;  // of row 0 in bins_, the first 64-byte boundary
  std::int64_t stride_ = 0;
};

// The training layout of a binned matrix (one byte per code: max_bins <= 256), which it keeps.
TrainingData MakeTrainingData(const Binner& binner, BinnedMatrix matrix, const std::vector<int>& monotone,
                              const Context& ctx);

}  // namespace finai::gbdt
