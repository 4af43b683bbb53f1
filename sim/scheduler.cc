#include "sim/scheduler.h"

#include <algorithm>
#include <array>

namespace clawsim {

namespace {

enum Filter { kReady, kConstraints, kFilterCount };

// swarmkit filter.go Explain(): "1 node not available for new tasks",
// "scheduling constraints not satisfied on 3 nodes".
std::string explain(Filter filter, int nodes) {
  const std::string n = std::to_string(nodes) + (nodes == 1 ? " node" : " nodes");
  switch (filter) {
    case kReady: return n + " not available for new tasks";
    case kConstraints: return "scheduling constraints not satisfied on " + n;
    case kFilterCount: break;
  }
  return "";
}

}  // namespace

PlacementDecision place_task(const ServiceSpec& service,
                             const std::vector<SchedulingCandidate>& candidates) {
  std::array<int, kFilterCount> failed{};
  PlacementDecision best;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const SchedulingCandidate& c = candidates[i];
    if (!c.ready) {
      ++failed[kReady];
      continue;
    }
    if (!all_constraints_match(service.constraints, c.facts)) {
      ++failed[kConstraints];
      continue;
    }
    if (best.node < 0) {
      best.node = static_cast<int>(i);
      continue;
    }
    const SchedulingCandidate& b = candidates[static_cast<std::size_t>(best.node)];
    if (c.service_tasks < b.service_tasks ||
        (c.service_tasks == b.service_tasks && c.total_tasks < b.total_tasks)) {
      best.node = static_cast<int>(i);
    }
  }
  if (best.node >= 0) return best;
  std::vector<std::pair<int, Filter>> parts;
  for (int f = 0; f < kFilterCount; ++f) {
    if (failed[static_cast<std::size_t>(f)] > 0) parts.emplace_back(failed[static_cast<std::size_t>(f)], static_cast<Filter>(f));
  }
  std::stable_sort(parts.begin(), parts.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::string reason = "no suitable node (";
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) reason += "; ";
    reason += explain(parts[i].second, parts[i].first);
  }
  best.reason = reason + ")";
  return best;
}

}  // namespace clawsim
