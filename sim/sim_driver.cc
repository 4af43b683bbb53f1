#include "sim/sim_driver.h"

namespace clawsim {

SimDriver::SimDriver(std::shared_ptr<const Plan> plan, std::uint64_t seed) : cluster_(std::move(plan), seed) {}

void SimDriver::advance_to(TimeMs t_ms) { cluster_.run_until(t_ms); }

Answer SimDriver::apply(const Action& action) { return cluster_.apply(action); }

Timeline SimDriver::take_changes() { return cluster_.take_changes(); }

}  // namespace clawsim
