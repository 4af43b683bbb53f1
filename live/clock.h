// The time a live drill runs on: milliseconds since the drill's start, and waiting. The real
// one reads the monotonic clock and sleeps; a test's clock jumps to the end of each wait, so
// a two-minute drill over a fake cluster runs in no time.
#pragma once

#include <cstdint>

#include "model/time.h"

namespace clawsim {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimeMs now_ms() const = 0;
  virtual void sleep_for_ms(DurationMs ms) = 0;
};

// The monotonic clock, counted from the moment this object is made.
class SteadyClock final : public Clock {
 public:
  SteadyClock();
  TimeMs now_ms() const override;
  void sleep_for_ms(DurationMs ms) override;

 private:
  std::int64_t start_ns_;
};

}  // namespace clawsim
