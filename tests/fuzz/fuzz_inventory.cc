// An inventory, as `clawsim live ... --inventory FILE` reads it before dialling anything:
// parsed, each built-in scenario's actions asked whether the live driver can perform them
// there, and the nodes written as JSON.
#include <cstddef>
#include <cstdint>

#include "live/inventory.h"
#include "live/live_driver.h"
#include "model/scenario.h"
#include "scenarios/embedded.h"
#include "tests/fuzz/default_plan.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

nlohmann::ordered_json node_json(const clawsim::InventoryNode& n) {
  return {{"name", n.name},
          {"line", n.line},
          {"ssh", {{"host", n.ssh.host}, {"port", n.ssh.port}, {"user", n.ssh.user},
                   {"key", n.ssh.key_path}, {"known_hosts", n.ssh.known_hosts},
                   {"connect_timeout_ms", n.ssh.connect_timeout_ms}}},
          {"commands", {{"docker", n.commands.docker}, {"daemon_stop", n.commands.daemon_stop},
                        {"daemon_start", n.commands.daemon_start}, {"nfs_stop", n.commands.nfs_stop},
                        {"nfs_start", n.commands.nfs_start}, {"power_off", n.commands.power_off},
                        {"power_on", n.commands.power_on}}},
          {"command_timeout_ms", n.command_timeout_ms}};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace clawsim;
  const std::string file = "fuzz-inventory.yaml";
  Result<Inventory> inv = parse_inventory(fuzz::as_text(data, size), file, "/fuzz");
  if (!inv) {
    fuzz::check_error(inv.error(), file);
    return 0;
  }
  nlohmann::ordered_json report = {{"nodes", nlohmann::ordered_json::array()}};
  for (const InventoryNode& n : inv.value().nodes) report["nodes"].push_back(node_json(n));
  static const std::vector<Scenario> scenarios = [] {
    std::vector<Scenario> out;
    for (const EmbeddedFile& f : builtin_scenarios()) {
      Result<Scenario> s = parse_scenario(f.text, std::string(f.name), fuzz::default_plan());
      if (s) out.push_back(std::move(s).value());
    }
    return out;
  }();
  for (const Scenario& s : scenarios) {
    for (const Action& a : s.timeline) report["cannot_perform"].push_back(live_cannot_perform(a, inv.value()));
  }
  fuzz::check_report(report);
  return 0;
}
