// Placement as swarmkit's scheduler does it (manager/scheduler/filter.go, pipeline.go): a
// pipeline of filters run in order; a node counts against the first filter it fails; when no
// node passes, the task stays pending with "no suitable node (...)" built from each filter's
// explanation, largest count first. Among the nodes that pass, the one running the fewest
// tasks of the service wins, then the fewest tasks overall, then the first by name.
#pragma once

#include <string>
#include <vector>

#include "model/constraint.h"
#include "model/plan.h"

namespace clawsim {

struct SchedulingCandidate {
  bool ready = false;  // status READY and availability active
  NodeFacts facts;
  int service_tasks = 0;
  int total_tasks = 0;
};

struct PlacementDecision {
  int node = -1;       // index into the candidates, -1 when none fits
  std::string reason;  // "no suitable node (...)" when node == -1
};

PlacementDecision place_task(const ServiceSpec& service,
                             const std::vector<SchedulingCandidate>& candidates);

}  // namespace clawsim
