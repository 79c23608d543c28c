#include "training_data.hpp"

#include <algorithm>

#include "finai/core/check.hpp"
#include "finai/core/parallel.hpp"

namespace finai::gbdt {

TrainingData MakeTrainingData(const Binner& binner, const BinnedMatrix& matrix, const std::vector<int>& monotone,
                              const Context& ctx) {
  FINAI_CHECK(matrix.is_uint8(), "the tree engine bins to at most 256 bins per feature");
  TrainingData d;
  d.rows = matrix.num_rows();
  d.features = matrix.num_features();
  d.meta.resize(static_cast<std::size_t>(d.features));
  int offset = 0;
  for (int f = 0; f < d.features; ++f) {
    const FeatureBins& fb = binner.feature(f);
    FeatureMeta& m = d.meta[static_cast<std::size_t>(f)];
    m.kind = fb.kind() == BinKind::kCategorical ? FeatureKind::kCategorical : FeatureKind::kNumeric;
    m.num_bins = fb.NumBins();
    m.missing_bin = fb.MissingBin();
    m.other_bin = fb.kind() == BinKind::kCategorical ? fb.OtherBin() : -1;
    m.offset = offset;
    m.monotone = monotone[static_cast<std::size_t>(f)];
    offset += m.num_bins;
  }
  d.total_bins = offset;
  d.bins.resize(static_cast<std::size_t>(d.rows) * static_cast<std::size_t>(d.features));
  d.columns.resize(d.bins.size());
  const auto features = static_cast<std::size_t>(d.features);
  ParallelFor(ctx, 0, d.features, [&](std::int64_t f) {
    const auto col = matrix.Column8(static_cast<int>(f));
    std::copy(col.begin(), col.end(), d.columns.begin() + static_cast<std::ptrdiff_t>(f * d.rows));
  });
  // Row-major in blocks of rows, each written by one thread.
  ParallelForBlocks(ctx, 0, d.rows, [&](std::int64_t lo, std::int64_t hi, int) {
    for (std::size_t f = 0; f < features; ++f) {
      const auto col = matrix.Column8(static_cast<int>(f));
      for (auto r = static_cast<std::size_t>(lo); r < static_cast<std::size_t>(hi); ++r) d.bins[r * features + f] = col[r];
    }
  });
  return d;
}

}  // namespace finai::gbdt
