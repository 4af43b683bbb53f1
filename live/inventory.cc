#include "live/inventory.h"

#include "model/yaml_fields.h"

namespace clawsim {

namespace {

std::string resolve(const std::string& path, const std::string& base_dir) {
  if (path.empty() || path[0] == '/' || base_dir.empty()) return path;
  return base_dir + "/" + path;
}

struct Defaults {
  std::string user = "root";
  int port = 22;
  std::string key;
  DurationMs command_timeout_ms = 30000;
};

void read_defaults(const Field& f, Defaults& d, const std::string& base_dir) {
  if (!f.present()) return;
  f.only_keys({"user", "port", "key", "command_timeout"});
  if (f.child("user").present()) d.user = f.child("user").as_string();
  if (f.child("port").present()) d.port = static_cast<int>(f.child("port").as_int(1, 65535));
  if (f.child("key").present()) d.key = resolve(f.child("key").as_string(), base_dir);
  if (f.child("command_timeout").present()) {
    d.command_timeout_ms = f.child("command_timeout").as_duration_ms();
    if (d.command_timeout_ms <= 0) f.child("command_timeout").fail("must be positive");
  }
}

void read_commands(const Field& f, NodeCommands& c) {
  if (!f.present()) return;
  f.only_keys({"docker", "daemon_stop", "daemon_start", "nfs_stop", "nfs_start", "power_off", "power_on"});
  if (f.child("docker").present()) c.docker = f.child("docker").as_string();
  if (f.child("daemon_stop").present()) c.daemon_stop = f.child("daemon_stop").as_string();
  if (f.child("daemon_start").present()) c.daemon_start = f.child("daemon_start").as_string();
  if (f.child("nfs_stop").present()) c.nfs_stop = f.child("nfs_stop").as_string();
  if (f.child("nfs_start").present()) c.nfs_start = f.child("nfs_start").as_string();
  if (f.child("power_off").present()) c.power_off = f.child("power_off").as_string();
  if (f.child("power_on").present()) c.power_on = f.child("power_on").as_string();
  if (c.power_off.empty() != c.power_on.empty()) {
    f.child(c.power_off.empty() ? "power_off" : "power_on")
        .fail("power_off and power_on come together: a node powered off must be powered on again");
  }
}

Inventory read(const Field& root, const std::string& file, const std::string& base_dir) {
  root.only_keys({"known_hosts", "defaults", "nodes"});
  Inventory inv;
  inv.file = file;
  const std::string known_hosts = resolve(root.child("known_hosts").as_string(), base_dir);
  Defaults d;
  read_defaults(root.child("defaults"), d, base_dir);
  const Field nodes = root.child("nodes");
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const Field f = nodes.item(i);
    f.only_keys({"name", "host", "port", "user", "key", "commands", "command_timeout"});
    InventoryNode n;
    n.line = f.line();
    n.name = f.child("name").as_string();
    if (inv.node_index(n.name) >= 0) f.child("name").fail("duplicate node '" + n.name + "'");
    n.ssh.name = n.name;
    n.ssh.host = f.child("host").as_string();
    n.ssh.port = f.child("port").present() ? static_cast<int>(f.child("port").as_int(1, 65535)) : d.port;
    n.ssh.user = f.child("user").present() ? f.child("user").as_string() : d.user;
    n.ssh.key_path = f.child("key").present() ? resolve(f.child("key").as_string(), base_dir) : d.key;
    if (n.ssh.key_path.empty()) f.fail("no SSH key: set `key` here or in defaults");
    n.ssh.known_hosts = known_hosts;
    n.command_timeout_ms = d.command_timeout_ms;
    if (f.child("command_timeout").present()) n.command_timeout_ms = f.child("command_timeout").as_duration_ms();
    read_commands(f.child("commands"), n.commands);
    inv.nodes.push_back(std::move(n));
  }
  if (inv.nodes.empty()) nodes.fail("an inventory needs at least one node");
  return inv;
}

}  // namespace

int Inventory::node_index(std::string_view name) const {
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

Result<Inventory> parse_inventory(std::string_view text, const std::string& file,
                                  const std::string& base_dir) {
  return parse_document<Inventory>(text, file, "inventory",
                                   [&](const Field& root) { return read(root, file, base_dir); });
}

}  // namespace clawsim
