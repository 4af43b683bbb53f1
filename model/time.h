// Simulated and observed time: integer milliseconds since the start of a run.
// The model never reads a clock; live mode converts its clock into this unit at the edge.
#pragma once

#include <cstdint>

namespace clawsim {

using TimeMs = std::int64_t;
using DurationMs = std::int64_t;

inline constexpr DurationMs kSecondMs = 1000;
inline constexpr DurationMs kMinuteMs = 60 * kSecondMs;

}  // namespace clawsim
