// The simulated swarm behind the ClusterDriver interface: its changes, each at its instant
// (among them what `docker node ls` gets on each manager, SimCluster::record_api_answers).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "model/cluster_driver.h"
#include "sim/sim_cluster.h"

namespace clawsim {

class SimDriver final : public ClusterDriver {
 public:
  SimDriver(std::shared_ptr<const Plan> plan, std::uint64_t seed);

  TimeMs now() const override { return cluster_.now(); }
  void advance_to(TimeMs t_ms) override;
  std::string cannot_perform(const Action&) const override { return ""; }
  Answer apply(const Action& action) override;
  ClusterState observe() const override { return cluster_.observe(); }
  Timeline take_changes() override;

  const SimCluster& cluster() const { return cluster_; }

 private:
  SimCluster cluster_;
};

}  // namespace clawsim
