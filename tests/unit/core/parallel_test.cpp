#include "finai/core/parallel.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "finai/core/error.hpp"

namespace finai {
namespace {

TEST(ParallelFor, VisitsEveryIndexOnce) {
  for (int threads : {1, 2, 4}) {
    Context ctx;
    ctx.set_threads(threads);
    std::vector<int> hits(1000, 0);
    ParallelFor(ctx, 0, 1000, [&](std::int64_t i) { ++hits[static_cast<std::size_t>(i)]; });
    EXPECT_EQ(std::accumulate(hits.begin(), hits.end(), 0), 1000);
    EXPECT_EQ(*std::min_element(hits.begin(), hits.end()), 1);
  }
}

TEST(ParallelFor, EmptyRangeDoesNothing) {
  Context ctx;
  int calls = 0;
  ParallelFor(ctx, 5, 5, [&](std::int64_t) { ++calls; });
  ParallelFor(ctx, 5, 2, [&](std::int64_t) { ++calls; });
  EXPECT_EQ(calls, 0);
}

TEST(ParallelFor, CarriesTheLowestIndexedExceptionOutOfTheRegion) {
  for (int threads : {1, 2, 3}) {
    Context ctx;
    ctx.set_threads(threads);
    try {
      ParallelFor(ctx, 0, 100, [](std::int64_t i) {
        if (i == 70) throw InvalidData("seventy");
        if (i == 30) throw InvalidData("thirty");
      });
      FAIL() << "no exception";
    } catch (const InvalidData& e) {
      EXPECT_STREQ(e.what(), "thirty") << threads << " threads";
    }
  }
}

TEST(ParallelFor, CarriesNonFinaiExceptionsToo) {
  Context ctx;
  ctx.set_threads(2);
  EXPECT_THROW(ParallelFor(ctx, 0, 10, [](std::int64_t i) { if (i == 9) throw std::runtime_error("x"); }),
               std::runtime_error);
}

TEST(ParallelForBlocks, BlocksCoverTheRangeContiguously) {
  Context ctx;
  ctx.set_threads(3);
  std::vector<std::pair<std::int64_t, std::int64_t>> blocks(3, {-1, -1});
  ParallelForBlocks(ctx, 10, 110, [&](std::int64_t lo, std::int64_t hi, int t) {
    blocks[static_cast<std::size_t>(t)] = {lo, hi};
  });
  std::sort(blocks.begin(), blocks.end());
  std::int64_t expect = 10;
  for (const auto& [lo, hi] : blocks) {
    if (lo < 0) continue;  // OpenMP may give fewer threads than asked
    EXPECT_EQ(lo, expect);
    expect = hi;
  }
  EXPECT_EQ(expect, 110);
}

TEST(ParallelForBlocks, RethrowsFromAWorker) {
  Context ctx;
  ctx.set_threads(2);
  EXPECT_THROW(ParallelForBlocks(ctx, 0, 100, [](std::int64_t lo, std::int64_t, int) {
                 if (lo > 0) throw IoError("second block");
               }),
               IoError);
}

}  // namespace
}  // namespace finai
