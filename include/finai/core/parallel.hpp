// Exception-safe parallel loops over OpenMP. An exception thrown by any iteration is carried out of the
// parallel region and rethrown on the calling thread (an exception escaping an OpenMP region would
// terminate the process). When several iterations throw, the one with the lowest index wins, so the
// error a user sees does not depend on the thread count.
#pragma once

#include <cstdint>
#include <exception>
#include <functional>

#include "finai/core/context.hpp"

namespace finai {

// Runs body(i) for i in [begin, end) on ctx.EffectiveThreads() threads with a static schedule.
void ParallelFor(const Context& ctx, std::int64_t begin, std::int64_t end,
                 const std::function<void(std::int64_t)>& body);

// As ParallelFor, but iterations are handed out one at a time to whichever thread is free: for a few
// tasks of very different sizes. Results must not depend on which thread runs an iteration.
void ParallelForDynamic(const Context& ctx, std::int64_t begin, std::int64_t end,
                        const std::function<void(std::int64_t)>& body);

// Runs body(block_begin, block_end, thread_index) over contiguous blocks of [begin, end), one per
// thread at most: the cheapest form for loops whose body is tiny. Block boundaries depend only on the
// thread count, never on timing.
void ParallelForBlocks(const Context& ctx, std::int64_t begin, std::int64_t end,
                       const std::function<void(std::int64_t, std::int64_t, int)>& body);

}  // namespace finai
