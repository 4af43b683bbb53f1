// Reading a plan from YAML or JSON text (JSON is read as the YAML subset it is), with
// file:line:field errors, and the semantic checks that make a plan simulable.
#pragma once

#include <string>
#include <string_view>

#include "model/error.h"
#include "model/plan.h"

namespace clawsim {

Result<Plan> parse_plan(std::string_view text, const std::string& file);

class Field;
// Applies the raft, dispatcher and world sections found under `f` (all optional) over the
// settings given, with the same checks as in a plan. Throws what Field::fail throws.
void parse_settings(const Field& f, RaftSettings& raft, DispatcherSettings& dispatcher,
                    WorldSettings& world);

}  // namespace clawsim
