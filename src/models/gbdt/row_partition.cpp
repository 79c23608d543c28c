#include "row_partition.hpp"

#include <algorithm>
#include <vector>

#include "finai/core/huge_pages.hpp"
#include "finai/core/parallel.hpp"

namespace finai::gbdt {

namespace {

// Rows per thread below which one thread partitions alone.
constexpr std::size_t kMinRowsPerThread = 32768;

// A buffer of the calling thread, kept from call to call: nodes are partitioned several at once, one
// per thread, and a fresh buffer per node would cost a page fault per 4 KB.
std::vector<std::int32_t>& ThreadBuffer(std::size_t size) {
  thread_local std::vector<std::int32_t> buffer;
  if (buffer.size() < size) AssignWithHugePages(buffer, size, 0);
  return buffer;
}

// One thread: left rows compacted in place, right rows through the buffer. Both destinations are written
// for every row and only the matching counter moves, so there is no branch to mispredict.
std::size_t PartitionSerial(std::int32_t* rows, std::size_t count, const std::uint8_t* codes,
                            const GoesLeftTable& goes_left) {
  std::int32_t* right = ThreadBuffer(count).data();
  std::size_t left_count = 0, right_count = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const std::int32_t r = rows[i];
    const std::uint8_t go = goes_left[codes[r]];
    rows[left_count] = r;
    right[right_count] = r;
    left_count += go;
    right_count += 1 - go;
  }
  std::copy(right, right + right_count, rows + left_count);
  return left_count;
}

// All threads, in two passes over contiguous blocks. First each block writes its left rows upwards from
// the block's start and its right rows downwards from its end, into the buffer (branch-free as above). Then each block copies
// its left rows to where the left rows of the blocks before it end, and its right rows (read backwards,
// so in order again) likewise after all left rows. The result is exactly PartitionSerial's.
std::size_t PartitionParallel(std::int32_t* rows, std::size_t count, const std::uint8_t* codes,
                              const GoesLeftTable& goes_left, const Context& ctx) {
  const auto blocks = static_cast<std::size_t>(ctx.EffectiveThreads());
  const auto bound = [&](std::size_t b) { return count * b / blocks; };
  std::int32_t* buffer = ThreadBuffer(count).data();
  std::vector<std::size_t> lefts(blocks, 0);
  ParallelFor(ctx, 0, static_cast<std::int64_t>(blocks), [&](std::int64_t block) {
    const auto b = static_cast<std::size_t>(block);
    std::int32_t* up = buffer + bound(b);
    std::int32_t* down = buffer + bound(b + 1) - 1;
    for (std::size_t i = bound(b); i < bound(b + 1); ++i) {
      const std::int32_t r = rows[i];
      const std::uint8_t go = goes_left[codes[r]];
      // Both slots lie between the two fronts, which still have room for this row: writing both and
      // moving one front needs no branch.
      *up = r;
      *down = r;
      up += go;
      down -= 1 - go;
    }
    lefts[b] = static_cast<std::size_t>(up - (buffer + bound(b)));
  });
  std::vector<std::size_t> left_at(blocks), right_at(blocks);
  std::size_t total_left = 0;
  for (std::size_t b = 0; b < blocks; ++b) total_left += lefts[b];
  for (std::size_t b = 0, l = 0, r = total_left; b < blocks; ++b) {
    left_at[b] = l;
    right_at[b] = r;
    l += lefts[b];
    r += bound(b + 1) - bound(b) - lefts[b];
  }
  ParallelFor(ctx, 0, static_cast<std::int64_t>(blocks), [&](std::int64_t block) {
    const auto b = static_cast<std::size_t>(block);
    const std::int32_t* start = buffer + bound(b);
    std::copy(start, start + lefts[b], rows + left_at[b]);
    const std::size_t right_count = bound(b + 1) - bound(b) - lefts[b];
    std::reverse_copy(buffer + bound(b + 1) - right_count, buffer + bound(b + 1), rows + right_at[b]);
  });
  return total_left;
}

}  // namespace

std::size_t PartitionRows(std::int32_t* rows, std::size_t count, const std::uint8_t* codes,
                          const GoesLeftTable& goes_left, const Context& ctx) {
  const int threads = static_cast<int>(
      std::clamp<std::size_t>(count / kMinRowsPerThread, 1, static_cast<std::size_t>(ctx.EffectiveThreads())));
  if (threads == 1) return PartitionSerial(rows, count, codes, goes_left);
  Context block_ctx = ctx;
  block_ctx.set_threads(threads);
  return PartitionParallel(rows, count, codes, goes_left, block_ctx);
}

}  // namespace finai::gbdt
