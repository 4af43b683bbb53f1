// The plan scenario and change files are checked against in the fuzz targets: the embedded
// default plan, parsed once.
#pragma once

#include <cstdlib>

#include "model/plan_yaml.h"
#include "scenarios/embedded.h"

namespace clawsim::fuzz {

inline const Plan& default_plan() {
  static const Plan plan = [] {
    Result<Plan> parsed = parse_plan(default_plan_text(), "default-plan.yaml");
    if (!parsed) std::abort();
    return std::move(parsed).value();
  }();
  return plan;
}

}  // namespace clawsim::fuzz
