// The one interface a scenario runs against: the simulated swarm implements it, and so does a
// real cluster reached over SSH. A driver that cannot perform an action says so when asked,
// before the run starts, never by skipping it.
#pragma once

#include <string>

#include "model/cluster_state.h"
#include "model/answer.h"
#include "model/scenario.h"
#include "model/timeline.h"

namespace clawsim {

class ClusterDriver {
 public:
  virtual ~ClusterDriver() = default;

  virtual TimeMs now() const = 0;
  // Lets the cluster run until `t_ms` (simulated: process events; live: wait and sample).
  virtual void advance_to(TimeMs t_ms) = 0;
  // "" when the driver can perform this kind of action, otherwise why not.
  virtual std::string cannot_perform(const Action& action) const = 0;
  // Performs the action now: whether it took effect, with Docker's words (or its refusal).
  virtual Answer apply(const Action& action) = 0;
  virtual ClusterState observe() const = 0;
  // The changes recorded since the last call, in order.
  virtual Timeline take_changes() = 0;
};

}  // namespace clawsim
