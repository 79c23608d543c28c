// Stable partition of a node's rows by the side of a split each row's bin code sends it to. The rows of a
// node stay in increasing order on both sides, so the result depends only on the split, never on the
// threads, and later passes over a child's rows read the matrix forwards.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "finai/core/context.hpp"

namespace finai::gbdt {

// goes_left[code] is 1 when a row with that code of the split feature goes left. A table rather than a
// branch: the direction of a row is as good as random, so a branch would be mispredicted half the time.
using GoesLeftTable = std::array<std::uint8_t, 256>;

// Rearranges rows[0, count) so that the rows going left come first, each side in its original order;
// returns how many go left. `codes` is the split feature's column. Runs on ctx's threads.
std::size_t PartitionRows(std::int32_t* rows, std::size_t count, const std::uint8_t* codes,
                          const GoesLeftTable& goes_left, const Context& ctx);

}  // namespace finai::gbdt
