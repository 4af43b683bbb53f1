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

}  // namespace clawsim
