// The simulated swarm behind the ClusterDriver interface: its changes, each at its instant
// (among them what `docker node ls` gets on each manager, SimCluster::record_api_answers).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "model/cluster_driver.h"
#include "model/runner.h"
#include "model/scenario.h"
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

// How many runs of the model stand behind a live drill's prediction. The window is the range of
// the runs, so it must reach the tails: over 200 or 500 runs it missed a real node Down after a
// 27.3 s election and a 31.8 s grace (58.8-60.6 s); 1,000 reach 61.0 s.
inline constexpr int kPredictionRuns = 1000;

// The scenario on this plan over seeds 1..runs, each run's seed set, on up to `jobs` threads:
// the same runs whatever `jobs`. `plan` is already the scenario's (plan_for).
std::vector<RunResult> run_seeds(std::shared_ptr<const Plan> plan, const Scenario& scenario,
                                 const PlanIdentity& identity, int runs, int jobs);
// The scenario as a real run performed it (`performed`: that run's timeline): each action took
// effect while its commands ran, so run_seeds twice, with the actions where their commands
// began and where they ended. A live drill and fidelity judge against these beside the runs
// as scheduled.
std::vector<RunResult> run_seeds_as_performed(std::shared_ptr<const Plan> plan, const Scenario& scenario,
                                              const Timeline& performed, const PlanIdentity& identity, int runs,
                                              int jobs);

}  // namespace clawsim
