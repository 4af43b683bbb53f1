// A scenario as YAML that parse_scenario reads back into the same scenario: its name,
// description, duration, observation interval and timeline. Settings overrides and
// expectations are not written. Formatting only: no I/O.
#pragma once

#include <string>

#include "model/scenario.h"

namespace clawsim {

std::string scenario_yaml(const Scenario& scenario);

}  // namespace clawsim
