#include "finai/core/parallel.hpp"

#include <omp.h>

#include <algorithm>
#include <limits>
#include <mutex>

namespace finai {

namespace {
// Keeps the exception of the lowest-indexed failing iteration, so the reported error is deterministic.
class FirstException {
 public:
  void Capture(std::int64_t index) {
    std::lock_guard lock(mutex_);
    if (index < index_) {
      index_ = index;
      error_ = std::current_exception();
    }
  }
  void RethrowIfAny() const {
    if (error_) std::rethrow_exception(error_);
  }

 private:
  std::mutex mutex_;
  std::int64_t index_ = std::numeric_limits<std::int64_t>::max();
  std::exception_ptr error_;
};
}  // namespace

void ParallelFor(const Context& ctx, std::int64_t begin, std::int64_t end,
                 const std::function<void(std::int64_t)>& body) {
  if (end <= begin) return;
  const int threads = static_cast<int>(std::min<std::int64_t>(ctx.EffectiveThreads(), end - begin));
  if (threads == 1) {  // in order: the first iteration to throw is the lowest, as in parallel
    for (std::int64_t i = begin; i < end; ++i) body(i);
    return;
  }
  FirstException first;
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::int64_t i = begin; i < end; ++i) {
    try {
      body(i);
    } catch (...) {
      first.Capture(i);
    }
  }
  first.RethrowIfAny();
}

void ParallelForDynamic(const Context& ctx, std::int64_t begin, std::int64_t end,
                        const std::function<void(std::int64_t)>& body) {
  if (end <= begin) return;
  const int threads = static_cast<int>(std::min<std::int64_t>(ctx.EffectiveThreads(), end - begin));
  if (threads == 1) {
    for (std::int64_t i = begin; i < end; ++i) body(i);
    return;
  }
  FirstException first;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
  for (std::int64_t i = begin; i < end; ++i) {
    try {
      body(i);
    } catch (...) {
      first.Capture(i);
    }
  }
  first.RethrowIfAny();
}

void ParallelForBlocks(const Context& ctx, std::int64_t begin, std::int64_t end,
                       const std::function<void(std::int64_t, std::int64_t, int)>& body) {
  if (end <= begin) return;
  const std::int64_t n = end - begin;
  const int threads = static_cast<int>(std::min<std::int64_t>(ctx.EffectiveThreads(), n));
  if (threads == 1) {  // no parallel region to open (often called from inside one, on one thread)
    body(begin, end, 0);
    return;
  }
  FirstException first;
#pragma omp parallel num_threads(threads)
  {
    const int t = omp_get_thread_num();
    const int team = omp_get_num_threads();
    const std::int64_t lo = begin + n * t / team;
    const std::int64_t hi = begin + n * (t + 1) / team;
    try {
      if (lo < hi) body(lo, hi, t);
    } catch (...) {
      first.Capture(lo);
    }
  }
  first.RethrowIfAny();
}

}  // namespace finai
