// PartitionRows (src/models/gbdt/row_partition.cpp): for any rows, codes and split table, at one thread and
// two (in one block or in two), exactly std::stable_partition's result.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "finai/core/random.hpp"
#include "models/gbdt/row_partition.hpp"

namespace finai::gbdt {
namespace {

TEST(GbdtRowPartition, EqualsStablePartitionAtAnyThreadCount) {
  Rng rng(21);
  const std::int64_t n = 200003;
  std::vector<std::uint8_t> codes(static_cast<std::size_t>(n));
  for (std::int64_t r = 0; r < n; ++r) codes[static_cast<std::size_t>(r)] = static_cast<std::uint8_t>(rng.Below(256));
  for (const std::size_t count : {0UL, 1UL, 15UL, 16UL, 17UL, 33UL, 1000UL, 70001UL, 200003UL}) {
    // Sorted distinct rows, all of them or a sample, ending at the last row when all are taken.
    std::vector<std::int32_t> rows;
    const double keep = static_cast<double>(count) / static_cast<double>(n);
    for (std::int64_t r = 0; r < n && rows.size() < count; ++r) {
      if (count == static_cast<std::size_t>(n) || rng.Uniform() < 1.5 * keep) rows.push_back(static_cast<std::int32_t>(r));
    }
    GoesLeftTable table{};
    const double left_share = rng.Uniform();
    for (auto& t : table) t = rng.Uniform() < left_share ? 1 : 0;
    std::vector<std::int32_t> expected = rows;
    const auto middle = std::stable_partition(expected.begin(), expected.end(), [&](std::int32_t r) {
      return table[codes[static_cast<std::size_t>(r)]] != 0;
    });
    for (const int threads : {1, 2}) {
      Context ctx;
      ctx.set_threads(threads);
      std::vector<std::int32_t> got = rows;
      const std::size_t left = PartitionRows(got.data(), got.size(), codes.data(), table, ctx);
      ASSERT_EQ(left, static_cast<std::size_t>(middle - expected.begin())) << count << " rows, " << threads << " threads";
      ASSERT_EQ(got, expected) << count << " rows, " << threads << " threads";
    }
  }
}

}  // namespace
}  // namespace finai::gbdt
