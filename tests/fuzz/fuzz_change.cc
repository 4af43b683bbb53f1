// A change file, as `clawsim check-change FILE` reads it: the plan it names, its steps parsed
// against the default plan and applied to the plan one after another (what the replay judges
// after each step), and what was parsed written as JSON, the way the report echoes each
// step's command.
#include <cstddef>
#include <cstdint>

#include "model/change.h"
#include "tests/fuzz/default_plan.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

nlohmann::ordered_json step_json(const clawsim::ChangeStep& s) {
  nlohmann::ordered_json j = {
      {"line", s.line},       {"command", s.text},         {"kind", clawsim::to_string(s.kind)},
      {"on", s.on_node},      {"node", s.node},            {"label_add", s.label_add},
      {"label_rm", s.label_rm}, {"force", s.force},        {"service", s.service},
      {"global", s.global},   {"image", s.image},          {"constraint_add", s.constraint_add},
      {"constraint_rm", s.constraint_rm}, {"env", s.env},  {"join_as", s.join_as},
      {"join_address", s.join_address},   {"ufw", s.ufw_command}, {"daemon", s.daemon_action}};
  if (s.availability) j["availability"] = clawsim::to_string(*s.availability);
  if (s.replicas) j["replicas"] = *s.replicas;
  return j;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace clawsim;
  const std::string file = "fuzz.change";
  const std::string_view text = fuzz::as_text(data, size);
  nlohmann::ordered_json report = nlohmann::ordered_json::object();
  if (const auto bound = change_plan_binding(text)) {
    report["plan"] = {{"ref", bound->ref}, {"line", bound->line}};
  }
  Result<ChangeSet> change = parse_change(text, file, fuzz::default_plan());
  if (!change) {
    fuzz::check_error(change.error(), file);
    return 0;
  }
  Plan plan = fuzz::default_plan();
  report["steps"] = nlohmann::ordered_json::array();
  for (const ChangeStep& s : change.value().steps) {
    apply_to_plan(plan, s);
    report["steps"].push_back(step_json(s));
  }
  fuzz::check_report(report);
  return 0;
}
