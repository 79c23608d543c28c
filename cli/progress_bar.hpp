// A progress bar on stderr for interactive use; silent when stderr is not a terminal (logs, CI, pipes).
#pragma once

#include <chrono>
#include <string>

#include "finai/core/context.hpp"

namespace finai::cli {

class TerminalProgressBar final : public ProgressSink {
 public:
  void Begin(std::string_view label, std::int64_t total) override;
  void Update(std::int64_t done, std::string_view note) override;
  void End() override;

 private:
  void Draw(bool final_draw);
  std::string label_;
  std::int64_t total_ = 0;
  std::int64_t done_ = 0;
  std::string note_;
  bool active_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

// True when stderr is a terminal (and so a progress bar would be seen, not logged).
bool StderrIsTerminal();

}  // namespace finai::cli
