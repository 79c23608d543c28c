// Context: what every train / predict / explain / load call needs besides its data: threads, seed,
// logging, progress reporting and cancellation. Passed explicitly (no globals) so that two models can be
// trained side by side with different settings, and so that a run can be reproduced from its context.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace finai {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3, kSilent = 4 };

LogLevel ParseLogLevel(std::string_view name);  // "debug", "info", "warning", "error", "silent"

using LogSink = std::function<void(LogLevel, std::string_view message)>;

// Receives progress of long work. Implementations must be cheap to call from one thread at a time;
// parallel code reports from the thread that owns the loop, not from workers.
class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  virtual void Begin(std::string_view label, std::int64_t total) = 0;
  virtual void Update(std::int64_t done, std::string_view note) = 0;
  virtual void End() = 0;
};

// Shared flag a caller sets to ask running work to stop at its next check point.
class CancellationToken {
 public:
  void Cancel() { cancelled_.store(true, std::memory_order_relaxed); }
  bool IsCancelled() const { return cancelled_.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> cancelled_{false};
};

class Context {
 public:
  Context();

  // Threads to use; 0 means all the machine's cores. Results never depend on this number.
  int threads() const { return threads_; }
  Context& set_threads(int threads);
  // The number of threads parallel work will actually use (threads() resolved against the machine).
  int EffectiveThreads() const;

  std::uint64_t seed() const { return seed_; }
  Context& set_seed(std::uint64_t seed) { seed_ = seed; return *this; }

  LogLevel log_level() const { return log_level_; }
  Context& set_log_level(LogLevel level) { log_level_ = level; return *this; }
  Context& set_log_sink(LogSink sink) { log_sink_ = std::move(sink); return *this; }
  void Log(LogLevel level, std::string_view message) const;

  // Progress reporting; a null sink (the default) reports nothing.
  Context& set_progress_sink(std::shared_ptr<ProgressSink> sink) { progress_ = std::move(sink); return *this; }
  ProgressSink* progress() const { return progress_.get(); }
  const std::shared_ptr<ProgressSink>& progress_sink() const { return progress_; }

  Context& set_cancellation(std::shared_ptr<CancellationToken> token) { cancel_ = std::move(token); return *this; }
  bool IsCancelled() const { return cancel_ && cancel_->IsCancelled(); }
  // Throws Cancelled when the caller asked to stop; long loops call it between units of work.
  void ThrowIfCancelled() const;

 private:
  int threads_ = 0;
  std::uint64_t seed_ = 0;
  LogLevel log_level_ = LogLevel::kWarning;
  LogSink log_sink_;
  std::shared_ptr<ProgressSink> progress_;
  std::shared_ptr<CancellationToken> cancel_;
};

}  // namespace finai
