// Docker's output as live mode reads it from a manager (observer.cc) and a node's ufw as
// `live plan` reads it (observed_plan.cc). The first byte picks the parser ('0' the whole
// observation script's output, its sections in turn; '1' node ls, '2' service ps, '3' service
// inspect, '4' ufw; any other byte as its distance from '0', modulo 5), the rest is the output.
// What was parsed then goes where `live status` and `live diff` take it: the services'
// availability, the differences from the default plan, the converging steps and the plan as
// observed, all written as JSON.
#include <cstddef>
#include <cstdint>

#include "live/observer.h"
#include "model/observed_plan.h"
#include "model/plan_diff.h"
#include "tests/fuzz/default_plan.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using clawsim::ClusterState;

nlohmann::ordered_json state_json(const ClusterState& s) {
  nlohmann::ordered_json j = {{"nodes", nlohmann::ordered_json::array()},
                              {"tasks", nlohmann::ordered_json::array()},
                              {"services", nlohmann::ordered_json::array()}};
  for (const clawsim::NodeState& n : s.nodes) {
    j["nodes"].push_back({{"name", n.name}, {"id", n.id}, {"status", n.status},
                          {"availability", n.availability}, {"manager_status", n.manager_status},
                          {"role", n.role}, {"labels", n.labels}});
  }
  for (const clawsim::TaskState& t : s.tasks) {
    j["tasks"].push_back({{"service", t.service}, {"slot", t.slot}, {"node", t.node},
                          {"state", t.state}, {"desired", t.desired}, {"message", t.message},
                          {"running", t.container_running}});
  }
  for (const clawsim::ServiceState& v : s.services) {
    j["services"].push_back({{"name", v.name}, {"up", v.up}, {"reason", v.reason},
                             {"constraints", v.constraints}, {"replicas", v.replicas},
                             {"serving", v.serving}});
  }
  return j;
}

// Where `live status` and `live diff` take an observation.
nlohmann::ordered_json judged_json(ClusterState& s, const std::vector<clawsim::ObservedFirewall>& fw) {
  using namespace clawsim;
  const Plan& plan = fuzz::default_plan();
  derive_service_availability(s);
  nlohmann::ordered_json j = {{"state", state_json(s)}};
  for (const PlanDifference& d : diff_plan(plan, s)) j["differences"].push_back(describe(d));
  const ConvergePlan steps = converge(plan, s);
  for (const ConvergeStep& c : steps.steps) j["converge"].push_back({c.docker_args, c.undo_args, c.why});
  j["refused"] = steps.refused;
  const ObservedPlan observed = plan_as_observed(plan, s, fw);
  j["notes"] = observed.notes;
  for (const ServiceState& v : s.services) {
    for (const std::string& c : v.constraints) j["as_plan"].push_back(constraint_for_plan(c, plan, s));
  }
  return j;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace clawsim;
  if (size == 0) return 0;
  const std::string_view output = fuzz::as_text(data + 1, size - 1);
  ClusterState state;
  std::vector<ObservedFirewall> firewalls;
  std::string error;
  bool ok = false;
  switch (static_cast<std::uint8_t>(data[0] - '0') % 5) {
    case 0: ok = parse_observation(output, state, error); break;
    case 1: ok = parse_node_ls(output, state.nodes, error); break;
    case 2: ok = parse_service_ps(output, state.tasks, error); break;
    case 3: ok = parse_service_specs(output, state.services, error); break;
    default:
      firewalls.push_back({"atlanta", false, false, {}});
      ok = parse_ufw_observation(output, firewalls.back(), error);
      break;
  }
  if (!ok) {
    if (error.empty()) fuzz::fail("rejected without a reason", output);
    return 0;
  }
  fuzz::check_report(judged_json(state, firewalls));
  return 0;
}
