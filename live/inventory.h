// The inventory of a real cluster: how to reach each node over SSH and how to run the few
// things that differ between installations (stopping the docker daemon, the NFS server).
// Parsed from YAML with file:line:field errors; no I/O here.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "live/ssh.h"
#include "model/error.h"

namespace clawsim {

struct NodeCommands {
  std::string docker = "docker";
  std::string daemon_stop = "systemctl stop docker";
  std::string daemon_start = "systemctl start docker";
  std::string nfs_stop = "systemctl stop nfs-kernel-server";
  std::string nfs_start = "systemctl start nfs-kernel-server";
  // Power control, run on this machine (not over SSH: the node is down): a cloud CLI,
  // ipmitool. Empty: the node cannot be crashed live (crash-node, restart-node).
  std::string power_off;
  std::string power_on;
};

// The longest a node's command may take (command_timeout).
inline constexpr DurationMs kMaxCommandTimeoutMs = 24 * 3'600'000LL;

struct InventoryNode {
  std::string name;
  SshTarget ssh;
  NodeCommands commands;
  DurationMs command_timeout_ms = 30000;
  int line = 0;
};

struct Inventory {
  std::string file;
  std::vector<InventoryNode> nodes;
  int node_index(std::string_view name) const;
};

// Relative paths (key, known_hosts) are taken relative to `base_dir`.
Result<Inventory> parse_inventory(std::string_view text, const std::string& file,
                                  const std::string& base_dir);

}  // namespace clawsim
