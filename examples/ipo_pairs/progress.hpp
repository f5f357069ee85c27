// ipo-pairs: a progress bar (rate, ETA) on stderr, drawn only when stderr is a terminal that
// stdout does not write to, and fitted to the terminal's width.
#pragma once

#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace ipo_pairs {

/// Whether a progress bar may be drawn: stderr is a terminal and stdout is not that same
/// terminal (the bar would mix into the output).
inline bool progress_bar_allowed() {
  if (::isatty(2) == 0) {
    return false;
  }
  struct stat err {
  }, out{};
  if (::isatty(1) != 0 && ::fstat(1, &out) == 0 && ::fstat(2, &err) == 0 &&
      out.st_rdev == err.st_rdev) {
    return false;
  }
  return true;
}

/// The width of the terminal on stderr, 80 when unknown.
inline int terminal_width() {
  winsize size{};
  if (::ioctl(2, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    return size.ws_col;
  }
  return 80;
}

class progress_bar {
public:
  progress_bar(bool quiet, std::string label, std::uint64_t total)
      : enabled_(!quiet && progress_bar_allowed()), label_(std::move(label)), total_(total) {}
  ~progress_bar() { clear(); }

  /// Redraws (at most ten times a second) with `done` bytes of the input consumed.
  void update(std::uint64_t done) {
    if (!enabled_) {
      return;
    }
    auto const now = std::chrono::steady_clock::now();
    if (drawn_ && now - last_ < std::chrono::milliseconds(100)) {
      return;
    }
    last_ = now;
    double const seconds = std::chrono::duration<double>(now - start_).count();
    double const rate = seconds > 0 ? double(done) / seconds : 0;
    char tail[64];
    if (total_ > 0) {
      double const fraction = std::min(1.0, double(done) / double(total_));
      double const eta = rate > 0 ? double(total_ - std::min(total_, done)) / rate : 0;
      std::snprintf(tail, sizeof tail, " %3.0f%% %.1f MB/s ETA %.0fs", fraction * 100, rate / 1e6,
                    eta);
    } else {
      std::snprintf(tail, sizeof tail, " %.1f MB %.1f MB/s", double(done) / 1e6, rate / 1e6);
    }
    int const width = terminal_width() - 1; // the last column would wrap on some terminals
    std::string line = label_;
    int const room = width - static_cast<int>(line.size() + std::string_view(tail).size()) - 3;
    if (total_ > 0 && room >= 5) {
      int const bar = std::min(room, 30);
      int const filled = static_cast<int>(std::min(1.0, double(done) / double(total_)) * bar);
      line += " [" + std::string(static_cast<std::size_t>(filled), '=') +
              std::string(static_cast<std::size_t>(bar - filled), ' ') + "]";
    }
    line += tail;
    if (static_cast<int>(line.size()) > width) {
      line.resize(static_cast<std::size_t>(std::max(width, 0)));
    }
    std::fprintf(stderr, "\r%s\x1b[K", line.c_str());
    std::fflush(stderr);
    drawn_ = true;
  }

  /// Removes the bar (before a message or at the end).
  void clear() {
    if (enabled_ && drawn_) {
      std::fprintf(stderr, "\r\x1b[K");
      std::fflush(stderr);
      drawn_ = false;
    }
  }

private:
  bool enabled_;
  std::string label_;
  std::uint64_t total_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now(), last_{};
};

} // namespace ipo_pairs
