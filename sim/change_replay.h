// The engine of `clawsim check-change`: an operator's commands replayed one by one on the
// simulated swarm, each getting Docker's (or ufw's) answer, then the cluster left to settle;
// after every step the quorum margin, what is down and why, and which rules of `validate` the
// plan, as changed so far, now breaks. Pure and deterministic for a (plan, change, seed).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "model/change.h"
#include "model/cluster_state.h"
#include "model/lint.h"

namespace clawsim {

struct QuorumMargin {
  int managers = 0;   // nodes with the manager role
  int majority = 0;   // of the Raft members
  int healthy = 0;    // members that run and reach the leader (Leader or Reachable)
  std::string leader;  // "" = none
  int margin() const { return healthy - majority; }  // < 0: no quorum
};

// The margin as `docker node ls` shows it: managers, those Leader or Reachable, the majority.
QuorumMargin quorum_margin(const ClusterState& state);
// "3 managers (leader atlanta), 3 healthy, a quorum is 2: margin 1"
std::string describe(const QuorumMargin& q);

struct StepReport {
  ChangeStep step;
  std::string answer;  // what the operator sees: Docker's or ufw's words, "ok" when silent
  bool refused = false;
  DurationMs quorum_lost_for_ms = 0;       // time without a quorum while the step settled
  QuorumMargin quorum;                 // once settled
  std::vector<std::string> down;       // "openclaw: pending: no suitable node (...)"
  std::map<std::string, DurationMs> downtime_ms;  // services down at some point while it settled
  std::vector<Finding> new_findings;   // rules broken now that were not before this step
  std::vector<Finding> cleared;        // rules broken before this step and no longer
};

struct ChangeReport {
  std::string change_file;
  std::uint64_t seed = 1;
  DurationMs settle_ms = 0;
  QuorumMargin before_quorum;
  std::vector<std::string> before_down;
  std::vector<Finding> before_findings;  // lint_plan of the plan before the change
  std::vector<StepReport> steps;
  std::vector<Finding> after_findings;
  Plan end_plan;  // the plan as the change leaves it (the leader: the simulated one)

  int refused_steps() const;
  bool quorum_ever_lost() const;
  // Services up before the change and down at its end.
  std::vector<std::string> lost_services() const;
  // Services up before and after the change, but down after some step of it: "openclaw
  // (steps 1-2)". Not a failure: a change may plan for it, but a reader must see it.
  std::vector<std::string> down_on_the_way() const;
  int new_errors() const;  // unwaived error findings at the end that were not there before
  bool pass() const;
};

struct ReplaySettings {
  std::uint64_t seed = 1;
  DurationMs warmup_ms = 60'000;  // the cluster settles first (elections, UNKNOWN nodes)
  DurationMs settle_ms = 60'000;  // after each step, before the next
};

ChangeReport replay_change(const std::shared_ptr<const Plan>& plan, const ChangeSet& change,
                           const ReplaySettings& settings);

}  // namespace clawsim
