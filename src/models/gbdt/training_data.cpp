#include "training_data.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>

#include "finai/core/check.hpp"
#include "finai/core/huge_pages.hpp"
#include "finai/core/parallel.hpp"

namespace finai::gbdt {

void TrainingData::AllocateRows(std::int64_t num_rows, int num_features) {
  rows = num_rows;
  features = num_features;
  const auto f = static_cast<std::int64_t>(std::max(num_features, 1));
  stride_ = f <= 64 ? static_cast<std::int64_t>(std::bit_ceil(static_cast<std::uint64_t>(f))) : (f + 63) / 64 * 64;
  AssignWithHugePages(bins_, static_cast<std::size_t>(rows * stride_) + 64, std::uint8_t{0});
  start_ = (64 - reinterpret_cast<std::uintptr_t>(bins_.data()) % 64) % 64;
}

TrainingData MakeTrainingData(const Binner& binner, BinnedMatrix matrix, const std::vector<int>& monotone,
                              const Context& ctx) {
  FINAI_CHECK(matrix.is_uint8(), "the tree engine bins to at most 256 bins per feature");
  TrainingData d;
  d.AllocateRows(matrix.num_rows(), matrix.num_features());
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
  // Row-major in blocks of rows, one per thread, transposed in tiles of rows that stay in cache.
  constexpr std::int64_t kTileRows = 2048;
  ParallelForBlocks(ctx, 0, d.rows, [&](std::int64_t lo, std::int64_t hi, int) {
    for (std::int64_t tile = lo; tile < hi; tile += kTileRows) {
      const std::int64_t tile_end = std::min(hi, tile + kTileRows);
      for (int f = 0; f < d.features; ++f) {
        const std::uint8_t* col = matrix.Column8(f).data();
        for (std::int64_t r = tile; r < tile_end; ++r) d.mutable_row(r)[f] = col[r];
      }
    }
  });
  d.columns = std::move(matrix);
  return d;
}

}  // namespace finai::gbdt
