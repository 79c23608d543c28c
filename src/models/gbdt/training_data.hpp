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
  std::vector<std::uint8_t> bins;  // rows x features, row-major
  std::vector<std::uint8_t> columns;  // the same codes column-major: partitioning a node reads one feature
  std::vector<FeatureMeta> meta;
  int total_bins = 0;              // histogram slots over all features

  const std::uint8_t* row(std::int64_t r) const { return bins.data() + r * features; }
  const std::uint8_t* column(int f) const { return columns.data() + static_cast<std::int64_t>(f) * rows; }
};

// Row-major codes of a binned matrix (one byte per code: max_bins <= 256).
TrainingData MakeTrainingData(const Binner& binner, const BinnedMatrix& matrix, const std::vector<int>& monotone,
                              const Context& ctx);

}  // namespace finai::gbdt
