#include "sim/sim_driver.h"

#include "sim/parallel.h"

#include <algorithm>
#include <iterator>

namespace clawsim {

SimDriver::SimDriver(std::shared_ptr<const Plan> plan, std::uint64_t seed) : cluster_(std::move(plan), seed) {}

void SimDriver::advance_to(TimeMs t_ms) { cluster_.run_until(t_ms); }

Answer SimDriver::apply(const Action& action) { return cluster_.apply(action); }

Timeline SimDriver::take_changes() { return cluster_.take_changes(); }

std::vector<RunResult> run_seeds(std::shared_ptr<const Plan> plan, const Scenario& scenario,
                                 const PlanIdentity& identity, int runs, int jobs) {
  std::vector<RunResult> out(static_cast<std::size_t>(std::max(runs, 0)));
  parallel_for(out.size(), jobs, [&](std::size_t i) {
    SimDriver d(plan, i + 1);
    out[i] = run_scenario(scenario, d, identity);
    out[i].seed = i + 1;
  });
  return out;
}

std::vector<RunResult> run_seeds_as_performed(std::shared_ptr<const Plan> plan, const Scenario& scenario,
                                              const Timeline& performed, const PlanIdentity& identity, int runs,
                                              int jobs) {
  std::vector<RunResult> out = run_seeds(plan, as_performed(scenario, landed_instants(performed)), identity, runs, jobs);
  std::vector<RunResult> ended = run_seeds(plan, as_performed(scenario, action_ends(performed)), identity, runs, jobs);
  out.insert(out.end(), std::make_move_iterator(ended.begin()), std::make_move_iterator(ended.end()));
  return out;
}

}  // namespace clawsim
