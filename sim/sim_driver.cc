#include "sim/sim_driver.h"

#include <algorithm>

namespace clawsim {

SimDriver::SimDriver(std::shared_ptr<const Plan> plan, std::uint64_t seed,
                     DurationMs observe_interval_ms)
    : cluster_(std::move(plan), seed), observe_interval_ms_(observe_interval_ms) {
  api_seen_.assign(cluster_.nodes().size(), "");
  sample();
}

void SimDriver::advance_to(TimeMs t_ms) {
  while (next_sample_ms_ <= t_ms) {
    cluster_.run_until(next_sample_ms_);
    sample();
  }
  cluster_.run_until(t_ms);
}

void SimDriver::sample() {
  Timeline changes = cluster_.take_changes();
  pending_.insert(pending_.end(), changes.begin(), changes.end());
  for (int i = 0; i < static_cast<int>(cluster_.nodes().size()); ++i) {
    const SimNode& n = cluster_.nodes()[static_cast<std::size_t>(i)];
    if (!n.manager && api_seen_[static_cast<std::size_t>(i)].empty()) continue;
    std::string answer = cluster_.api_answer(i, false);
    if (answer != api_seen_[static_cast<std::size_t>(i)]) {
      api_seen_[static_cast<std::size_t>(i)] = answer;
      pending_.push_back(Change{cluster_.now(), Aspect::kApi,
                                cluster_.plan().nodes[static_cast<std::size_t>(i)].name, answer});
    }
  }
  next_sample_ms_ = cluster_.now() + observe_interval_ms_;
}

Answer SimDriver::apply(const Action& action) {
  Timeline before = cluster_.take_changes();
  pending_.insert(pending_.end(), before.begin(), before.end());
  return cluster_.apply(action);
}

Timeline SimDriver::take_changes() {
  Timeline changes = cluster_.take_changes();
  pending_.insert(pending_.end(), changes.begin(), changes.end());
  Timeline out;
  out.swap(pending_);
  return out;
}

}  // namespace clawsim
