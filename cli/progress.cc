#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace clawsim::cli {

Progress::Progress(std::string what, std::size_t total, bool enabled)
    : what_(std::move(what)),
      total_(total),
      on_(enabled && total > 1 && ::isatty(STDERR_FILENO)),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

Progress::~Progress() {
  if (drawn_) std::cerr << "\r\033[K" << std::flush;  // erase the line: the result follows
}

void Progress::update(std::size_t done) {
  if (!on_) return;
  const auto now = std::chrono::steady_clock::now();
  if (done < total_ && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  draw(done);
}

void Progress::draw(std::size_t done) {
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
  char line[160];
  if (rate > 0 && done < total_) {
    std::snprintf(line, sizeof line, "\r\033[K%zu/%zu %s, %.0f/s, %.0f s left", done, total_, what_.c_str(), rate,
                  static_cast<double>(total_ - done) / rate);
  } else {
    std::snprintf(line, sizeof line, "\r\033[K%zu/%zu %s", done, total_, what_.c_str());
  }
  std::cerr << line << std::flush;
  drawn_ = true;
}

}  // namespace clawsim::cli
