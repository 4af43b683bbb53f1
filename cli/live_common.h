// What `clawsim live ...`'s commands share: the failure that ends one with an exit code, the
// signal flag, loading the inventory and the plan, and a few formatting helpers.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "cli/cli_io.h"
#include "cli/live_commands.h"
#include "live/inventory.h"
#include "live/observer.h"
#include "model/cluster_state.h"

namespace clawsim::live_cli {

// Ends a live command: "clawsim: MESSAGE" and this exit code.
struct Failure {
  int code;
  std::string message;
};

extern std::atomic<bool> g_stop;  // set by SIGINT/SIGTERM
void on_signal(int);

Inventory load_inventory(const LiveArgs& a);
cli::LoadedPlan load_plan(const LiveArgs& a);
std::string joined(const std::vector<std::string>& items, const char* sep);
// The shape of the cluster a drill must leave as it found it.
std::string shape(const ClusterState& s);
// As a shell word: plain when it is safe, otherwise in single quotes.
std::string shell_quoted(const std::string& s);

int cmd_apply(const LiveArgs& a);

}  // namespace clawsim::live_cli
