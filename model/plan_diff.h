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

// A plan names its nodes; Docker's `node.id` constraints hold node IDs. These translate a
// constraint between the two through the observed cluster: a plan node's `id` (by default its
// name) stands for the ID of the cluster's node of the same name. Other constraints, and
// `node.id` values that name no node of the plan, pass unchanged.
//
// The constraint as Docker must be given it. When the plan's node is not in the cluster, or its
// ID is not known, returns "" and says why in `why`.
std::string constraint_for_cluster(const Constraint& c, const Plan& plan,
                                   const ClusterState& observed, std::string& why);
// An observed constraint as the plan would write it. A `node.id` no node of the cluster has is
// kept as it is, followed by " (no node has this ID)": such a constraint matches nothing.
std::string constraint_for_plan(const std::string& text, const Plan& plan,
                                const ClusterState& observed);

// One step of converging a cluster to its plan: `docker` arguments, run through a manager.
struct ConvergeStep {
  std::string docker_args;  // e.g. "node update --label-add 'k=v' 'chicago'"
  std::string why;          // the difference it closes
  std::string undo_args;    // the `docker` arguments that put back what it changes
  bool manager_change = false;  // a promotion or demotion: changes the Raft group
  PlanDifference closes;        // the difference it closes
};

struct ConvergePlan {
  std::vector<ConvergeStep> steps;  // in a safe order: promotions first, demotions last
  std::vector<std::string> refused;    // differences not closed, and why (e.g. quorum)
  std::string order;                   // why the steps come in this order ("" for none)
};

// The steps that make `observed` match `plan` for roles, availability, labels, constraints and
// replicas. Node names in `node.id` constraints are written as the cluster's node IDs. A
// demotion is only planned when the managers still reachable after it are a majority of those
// left (swarmkit's CanRemoveMember); nodes and services that exist on one side only are
// reported, not created or removed.
ConvergePlan converge(const Plan& plan, const ClusterState& observed);

}  // namespace clawsim
