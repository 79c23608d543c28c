#include "finai/core/context.hpp"

#include <omp.h>

#include <algorithm>
#include <cstdio>
#include <fmt/format.h>
#include <string>

#include "finai/core/error.hpp"

namespace finai {

namespace {
void DefaultLogSink(LogLevel level, std::string_view message) {
  static constexpr const char* kNames[] = {"debug", "info", "warning", "error"};
  std::fprintf(stderr, "finai %s: %.*s\n", kNames[static_cast<int>(level)], static_cast<int>(message.size()),
               message.data());
}
}  // namespace

LogLevel ParseLogLevel(std::string_view name) {
  if (name == "debug") return LogLevel::kDebug;
  if (name == "info") return LogLevel::kInfo;
  if (name == "warning") return LogLevel::kWarning;
  if (name == "error") return LogLevel::kError;
  if (name == "silent") return LogLevel::kSilent;
  throw InvalidArgument("unknown log level",
                        {.field = "log-level", .field_kind = "option", .value = std::string(name),
                         .expected = "one of debug, info, warning, error, silent"});
}

Context::Context() : log_sink_(DefaultLogSink) {}

Context& Context::set_threads(int threads) {
  if (threads < 0) {
    throw InvalidArgument("thread count must not be negative",
                          {.field = "threads", .field_kind = "option", .value = std::to_string(threads), .expected = "0 (all cores) or more"});
  }
  threads_ = threads;
  return *this;
}

int Context::EffectiveThreads() const {
  return threads_ > 0 ? threads_ : std::max(1, omp_get_num_procs());
}

void Context::Log(LogLevel level, std::string_view message) const {
  if (level < log_level_ || level == LogLevel::kSilent || !log_sink_) return;
  log_sink_(level, message);
}

void Context::ThrowIfCancelled() const {
  if (IsCancelled()) throw Cancelled("the work was cancelled");
}

}  // namespace finai
