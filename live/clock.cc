#include "live/clock.h"

#include <chrono>
#include <thread>

namespace clawsim {

namespace {

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

SteadyClock::SteadyClock() : start_ns_(steady_ns()) {}

TimeMs SteadyClock::now_ms() const { return (steady_ns() - start_ns_) / 1'000'000; }

void SteadyClock::sleep_for_ms(DurationMs ms) {
  if (ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

}  // namespace clawsim
