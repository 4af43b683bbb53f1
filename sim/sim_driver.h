// The simulated swarm behind the ClusterDriver interface. Besides the cluster's own changes
// it samples, at the scenario's observe interval, what a manager API call would get on each
// manager, as an operator polling `docker node ls` would see it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "model/cluster_driver.h"
#include "sim/sim_cluster.h"

namespace clawsim {

class SimDriver final : public ClusterDriver {
 public:
  SimDriver(std::shared_ptr<const Plan> plan, std::uint64_t seed, DurationMs observe_interval_ms);

  TimeMs now() const override { return cluster_.now(); }
  void advance_to(TimeMs t_ms) override;
  std::string cannot_perform(const Action&) const override { return ""; }
  Answer apply(const Action& action) override;
  ClusterState observe() const override { return cluster_.observe(); }
  Timeline take_changes() override;

  const SimCluster& cluster() const { return cluster_; }

 private:
  void sample();

  SimCluster cluster_;
  DurationMs observe_interval_ms_;
  TimeMs next_sample_ms_ = 0;
  std::vector<std::string> api_seen_;
  Timeline pending_;
};

}  // namespace clawsim
