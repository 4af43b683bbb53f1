#include "scenarios/embedded.h"

#include <vector>

namespace clawsim {

extern const EmbeddedFile kEmbeddedFiles[];
extern const std::size_t kEmbeddedFileCount;

namespace {

constexpr std::string_view kDefaultPlanName = "default-plan";

const std::vector<EmbeddedFile>& scenario_files() {
  static const std::vector<EmbeddedFile> files = [] {
    std::vector<EmbeddedFile> out;
    for (std::size_t i = 0; i < kEmbeddedFileCount; ++i) {
      if (kEmbeddedFiles[i].name != kDefaultPlanName) out.push_back(kEmbeddedFiles[i]);
    }
    return out;
  }();
  return files;
}

}  // namespace

std::span<const EmbeddedFile> builtin_scenarios() { return scenario_files(); }

std::string_view default_plan_text() {
  for (std::size_t i = 0; i < kEmbeddedFileCount; ++i) {
    if (kEmbeddedFiles[i].name == kDefaultPlanName) return kEmbeddedFiles[i].text;
  }
  return {};
}

std::string_view builtin_scenario(std::string_view name) {
  for (const EmbeddedFile& f : scenario_files()) {
    if (f.name == name) return f.text;
  }
  return {};
}

}  // namespace clawsim
