// The built-in scenarios and the default plan, compiled in from scenarios/*.yaml so that
// `clawsim scenario quorum-loss` works with no files at all.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace clawsim {

struct EmbeddedFile {
  std::string_view name;  // file name without .yaml
  std::string_view text;
};

std::span<const EmbeddedFile> builtin_scenarios();  // every file but the default plan, by name
std::string_view default_plan_text();
// The text of a built-in scenario, or an empty view.
std::string_view builtin_scenario(std::string_view name);

}  // namespace clawsim
