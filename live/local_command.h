// Commands that run on this machine, not on a node: power control of the hosts (a cloud CLI,
// ipmitool, the testbed's power-off), which must work while the node itself is down. The
// command runs through /bin/sh in a process group of its own, bounded in time (the whole group
// is killed when it runs over) and in output.
#pragma once

#include <cstddef>
#include <string>

#include "live/ssh.h"
#include "model/time.h"

namespace clawsim {

CommandResult run_here(const std::string& command, DurationMs timeout_ms,
                       std::size_t max_output = 1 << 20);

}  // namespace clawsim
