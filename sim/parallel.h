// Independent runs on several threads, with results that do not depend on how many: each run
// is a pure function of its index (its seed, its fault), writes only its own slot, and the
// caller reads the slots in index order. No run shares mutable state with another.
#pragma once

#include <cstddef>
#include <functional>

namespace clawsim {

// The number of threads `--jobs 0` means: every core this process may use (at least 1).
int default_jobs();

// Calls run(i) for every i in [0, n), each exactly once, on at most `jobs` threads (the calling
// thread among them). After each run, on_done(count of runs finished) is called, one call at a
// time. If runs throw, every other run still finishes and the exception of the lowest index is
// rethrown: the same failure whatever the number of threads.
void parallel_for(std::size_t n, int jobs, const std::function<void(std::size_t)>& run,
                  const std::function<void(std::size_t done)>& on_done = {});

}  // namespace clawsim
