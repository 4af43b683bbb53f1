#include "scenarios/embedded.h"

#include "model/digest.h"

namespace clawsim {

extern const EmbeddedFile kEmbeddedFiles[];
extern const std::size_t kEmbeddedFilesCount;
extern const EmbeddedFile kSchemaFiles[];
extern const std::size_t kSchemaFilesCount;

namespace {

constexpr std::string_view kDefaultPlanFile = "default-plan";
constexpr std::string_view kPlansDir = "plans/";

struct Catalogue {
  std::vector<EmbeddedFile> scenarios, plans;
};

const Catalogue& catalogue() {
  static const Catalogue c = [] {
    Catalogue out;
    for (std::size_t i = 0; i < kEmbeddedFilesCount; ++i) {
      const EmbeddedFile& f = kEmbeddedFiles[i];
      if (f.name == kDefaultPlanFile) {
        out.plans.insert(out.plans.begin(), EmbeddedFile{"default", f.text});
      } else if (f.name.substr(0, kPlansDir.size()) == kPlansDir) {
        out.plans.push_back(EmbeddedFile{f.name.substr(kPlansDir.size()), f.text});
      } else {
        out.scenarios.push_back(f);
      }
    }
    return out;
  }();
  return c;
}

std::string_view find(const std::vector<EmbeddedFile>& files, std::string_view name) {
  for (const EmbeddedFile& f : files) {
    if (f.name == name) return f.text;
  }
  return {};
}

}  // namespace

std::span<const EmbeddedFile> builtin_scenarios() { return catalogue().scenarios; }
std::span<const EmbeddedFile> builtin_plans() { return catalogue().plans; }
std::span<const EmbeddedFile> builtin_schemas() { return {kSchemaFiles, kSchemaFilesCount}; }

std::string_view default_plan_text() { return find(catalogue().plans, "default"); }
std::string_view builtin_scenario(std::string_view name) { return find(catalogue().scenarios, name); }
std::string_view builtin_plan(std::string_view name) { return find(catalogue().plans, name); }

std::vector<std::string> builtin_plans_with_digest(std::string_view digest) {
  std::vector<std::string> out;
  for (const EmbeddedFile& f : catalogue().plans) {
    if (text_digest(f.text) == digest) out.emplace_back(f.name);
  }
  return out;
}

}  // namespace clawsim
