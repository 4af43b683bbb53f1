// Where an observed cluster differs from its plan: nodes, roles, availability, labels,
// services' constraints and replica counts. Pure; used by `live status` and `live apply`.
#pragma once

#include <string>
#include <vector>

#include "model/cluster_state.h"
#include "model/plan.h"

namespace clawsim {

struct PlanDifference {
  std::string subject;   // "node boston", "service openclaw"
  std::string field;     // "role", "availability", "label openclaw.trusted", "constraints", ...
  std::string planned;   // "" when the plan does not have it
  std::string observed;  // "" when the cluster does not have it
};

std::vector<PlanDifference> diff_plan(const Plan& plan, const ClusterState& observed);
std::string describe(const PlanDifference& d);

// One step of converging a cluster to its plan: `docker` arguments, run through a manager.
struct ConvergeStep {
  std::string docker_args;  // e.g. "node update --label-add 'k=v' 'chicago'"
  std::string why;          // the difference it closes
};

struct ConvergePlan {
  std::vector<ConvergeStep> steps;  // in a safe order: promotions first, demotions last
  std::vector<std::string> refused;    // differences not closed, and why (e.g. quorum)
};

// The steps that make `observed` match `plan` for roles, availability, labels, constraints and
// replicas. A demotion is only planned when the managers still reachable after it are a
// majority of those left (swarmkit's CanRemoveMember); nodes and services that exist on one
// side only are reported, not created or removed.
ConvergePlan converge(const Plan& plan, const ClusterState& observed);

}  // namespace clawsim
