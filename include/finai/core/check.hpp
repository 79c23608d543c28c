// Invariant checks. A failed check is a bug in finai, reported as InternalError with the source location;
// it never aborts the process, so a bad request cannot take down a scoring server.
#pragma once

#include <string>

#include "finai/core/error.hpp"

namespace finai::detail {
[[noreturn]] void ThrowCheckFailure(const char* condition, const char* file, int line, const std::string& message);
}  // namespace finai::detail

#define FINAI_CHECK(condition, ...)                                                                   \
  do {                                                                                               \
    if (!(condition)) [[unlikely]] {                                                                 \
      ::finai::detail::ThrowCheckFailure(#condition, __FILE__, __LINE__, std::string{__VA_ARGS__}); \
    }                                                                                                \
  } while (false)
