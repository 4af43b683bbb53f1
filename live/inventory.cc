#include "live/inventory.h"

#include <algorithm>

#include "model/firewall.h"
#include "model/yaml_fields.h"

namespace clawsim {

namespace {

std::string resolve(const std::string& path, const std::string& base_dir) {
  if (path.empty() || path[0] == '/' || base_dir.empty()) return path;
  return base_dir + "/" + path;
}

// A host is an IPv4 address or a DNS name (RFC 1123): labels of letters, digits and inner
// hyphens, at most 63 each, 253 in all, the last not all digits (10.0.0.999 is no name).
bool is_host(std::string_view host) {
  if (is_ipv4_address(host)) return true;
  if (host.empty() || host.size() > 253) return false;
  std::size_t start = 0;
  bool last_all_digits = false;
  while (start <= host.size()) {
    const std::size_t end = std::min(host.find('.', start), host.size());
    const std::string_view label = host.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    last_all_digits = true;
    for (const char c : label) {
      const bool digit = c >= '0' && c <= '9';
      if (!digit && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && c != '-') return false;
      last_all_digits = last_all_digits && digit;
    }
    start = end + 1;
  }
  return !last_all_digits;
}

// A command's bound: positive, and at most a day (a drill that waits longer has hung).
DurationMs command_timeout(const Field& f) {
  const DurationMs ms = f.as_duration_ms();
  if (ms <= 0 || ms > kMaxCommandTimeoutMs) f.fail("must be more than 0 and at most 24h");
  return ms;
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
  if (f.child("command_timeout").present()) d.command_timeout_ms = command_timeout(f.child("command_timeout"));
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
    if (!is_host(n.ssh.host)) {
      f.child("host").fail("'" + n.ssh.host + "' is not an IPv4 address or a host name (e.g. 10.0.0.1, node1.example.org)");
    }
    n.ssh.port = f.child("port").present() ? static_cast<int>(f.child("port").as_int(1, 65535)) : d.port;
    n.ssh.user = f.child("user").present() ? f.child("user").as_string() : d.user;
    n.ssh.key_path = f.child("key").present() ? resolve(f.child("key").as_string(), base_dir) : d.key;
    if (n.ssh.key_path.empty()) f.fail("no SSH key: set `key` here or in defaults");
    n.ssh.known_hosts = known_hosts;
    n.command_timeout_ms = d.command_timeout_ms;
    if (f.child("command_timeout").present()) n.command_timeout_ms = command_timeout(f.child("command_timeout"));
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
