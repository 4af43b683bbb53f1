#include "sim/parallel.h"

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace clawsim {

int default_jobs() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
  return static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
}

void parallel_for(std::size_t n, int jobs, const std::function<void(std::size_t)>& run,
                  const std::function<void(std::size_t)>& on_done) {
  std::atomic<std::size_t> next{0};
  std::mutex mutex;  // guards done, failed_at, failure and on_done
  std::size_t done = 0;
  std::size_t failed_at = n;
  std::exception_ptr failure;
  auto work = [&] {
    for (std::size_t i = next++; i < n; i = next++) {
      std::exception_ptr thrown;
      try {
        run(i);
      } catch (...) {
        thrown = std::current_exception();
      }
      const std::lock_guard<std::mutex> lock(mutex);
      if (thrown && i < failed_at) {
        failed_at = i;
        failure = thrown;
      }
      ++done;
      if (on_done) on_done(done);
    }
  };
  const std::size_t threads = std::min<std::size_t>(n, static_cast<std::size_t>(std::max(1, jobs)));
  std::vector<std::thread> helpers;
  for (std::size_t t = 1; t < threads; ++t) helpers.emplace_back(work);
  work();
  for (std::thread& t : helpers) t.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace clawsim
