// Progress of long work on standard error, for a person at a terminal: "412/1000 runs, 206/s,
// 3 s left", redrawn at most ten times a second and erased when the work is done. Silent when
// standard error is not a terminal, or with --quiet: logs and CI output stay clean.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace clawsim::cli {

class Progress {
 public:
  // `what` names the units ("runs", "fault runs"); `enabled` false: silent whatever stderr is.
  Progress(std::string what, std::size_t total, bool enabled = true);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void update(std::size_t done);

 private:
  void draw(std::size_t done);
  std::string what_;
  std::size_t total_;
  bool on_ = false;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace clawsim::cli
