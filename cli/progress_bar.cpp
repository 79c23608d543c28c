#include "progress_bar.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace finai::cli {

bool StderrIsTerminal() { return ::isatty(STDERR_FILENO) == 1; }

void TerminalProgressBar::Begin(std::string_view label, std::int64_t total) {
  label_ = label;
  total_ = total;
  done_ = 0;
  note_.clear();
  active_ = true;
  start_ = last_draw_ = std::chrono::steady_clock::now();
}

void TerminalProgressBar::Update(std::int64_t done, std::string_view note) {
  done_ = done;
  note_ = note;
  // Redraw at most ten times a second: drawing is for people, not a cost to pay per unit of work.
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ > std::chrono::milliseconds(100)) {
    last_draw_ = now;
    Draw(false);
  }
}

void TerminalProgressBar::End() {
  if (!active_) return;
  // Only leave a line behind when the work was long enough for a bar to have been drawn.
  if (std::chrono::steady_clock::now() - start_ > std::chrono::milliseconds(100)) {
    done_ = total_ > 0 ? total_ : done_;
    Draw(true);
  }
  active_ = false;
}

void TerminalProgressBar::Draw(bool final_draw) {
  constexpr int kWidth = 30;
  const double fraction = total_ > 0 ? std::min(1.0, static_cast<double>(done_) / static_cast<double>(total_)) : 0.0;
  const int filled = static_cast<int>(fraction * kWidth);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::fprintf(stderr, "\r%s [%s%s] %3.0f%% %.1fs %s\x1b[K%s", label_.c_str(), std::string(filled, '#').c_str(),
               std::string(kWidth - filled, ' ').c_str(), fraction * 100, seconds, note_.c_str(),
               final_draw ? "\n" : "");
  std::fflush(stderr);
}

}  // namespace finai::cli
