// The built-in scenarios and plans, compiled in from scenarios/*.yaml and scenarios/plans/*.yaml
// so that `clawsim scenario quorum-loss` works with no files at all.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace clawsim {

struct EmbeddedFile {
  std::string_view name;  // file name without .yaml
  std::string_view text;
};

std::span<const EmbeddedFile> builtin_scenarios();  // scenarios/*.yaml but the default plan
// The built-in plans: "default" (scenarios/default-plan.yaml, the runbook's cluster) and each
// of scenarios/plans/*.yaml by its name ("corrected-firewall", "recommended", ...).
std::span<const EmbeddedFile> builtin_plans();
std::string_view default_plan_text();
// The text of a built-in scenario or plan, or an empty view.
std::string_view builtin_scenario(std::string_view name);
std::string_view builtin_plan(std::string_view name);
// The JSON Schemas of clawsim's files, by name: plan, scenario, inventory, gameday, report.
std::span<const EmbeddedFile> builtin_schemas();

// The names of the built-in plans whose text has this digest (text_digest): a plan file that is
// a byte-for-byte copy of one is that plan.
std::vector<std::string> builtin_plans_with_digest(std::string_view digest);

}  // namespace clawsim
