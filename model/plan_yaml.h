// Reading a plan from YAML or JSON text (JSON is read as the YAML subset it is), with
// file:line:field errors, and the semantic checks that make a plan simulable.
#pragma once

#include <string>
#include <string_view>

#include "model/error.h"
#include "model/plan.h"

namespace clawsim {

Result<Plan> parse_plan(std::string_view text, const std::string& file);

}  // namespace clawsim
