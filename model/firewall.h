// A model of one node's `ufw` host firewall, built from the ufw command lines an operator types
// (as the deployment guide does), so the simulator can tell whether a node accepts a new incoming
// TCP connection or UDP datagram from a given IPv4 source. It does no I/O: it models ufw, it never
// runs it. Only IPv4 traffic to the host itself (ufw's INPUT rules and default policy) is judged;
// ufw's fixed before.rules exceptions (loopback, ICMP, DHCP replies, multicast discovery) and
// traffic Docker forwards to containers are out of scope.
//
// What ufw does that the model follows (checked against ufw's src/parser.py, src/common.py,
// src/util.py, src/frontend.py and src/backend_iptables.py):
//  - rules are matched in the order added, first match wins; no match means the default policy;
//  - `reset` deletes the user rules and disables the firewall; default policies are kept;
//  - a rule equal to an existing one is skipped; one differing only in action, log type or
//    comment replaces the existing rule in place ("Rule updated");
//  - a port list or range needs `proto tcp|udp`; protocols are single words (no `tcp/udp`).
// Interactive confirmations (`ufw enable` under ssh, `ufw reset` without --force) are taken as
// answered "y".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/error.h"

namespace clawsim {

enum class Proto { kTcp, kUdp };
// Deny covers ufw's deny and reject: either way the connection is not accepted.
enum class FirewallVerdict { kAllow, kDeny };

struct UfwRule {
  enum class Action { kAllow, kDeny, kReject, kLimit } action = Action::kAllow;
  enum class Direction { kIn, kOut } direction = Direction::kIn;
  std::string from;             // normalized IPv4 address or CIDR network, or "any"
  std::vector<uint16_t> ports;  // sorted, unique, ranges expanded; empty = any port
  std::string port_spec;        // ports as ufw stores them ("111,2049", "6000:6007"); "" = any
  std::optional<Proto> proto;   // nullopt = both
  std::string logtype;          // "", "log" or "log-all"
  std::string comment;          // from `comment TEXT`; "" when none
  std::string text;             // the command as written
};

// The state of one node's ufw after a sequence of commands.
struct Firewall {
  bool enabled = false;
  FirewallVerdict default_incoming = FirewallVerdict::kDeny;   // ufw's own default
  FirewallVerdict default_outgoing = FirewallVerdict::kAllow;  // ufw's own default
  std::vector<UfwRule> rules;  // in insertion order; first match wins (as ufw does)
  // A command line kept with the reason it was not applied.
  struct Rejected {
    std::string text;
    std::string reason;
  };
  // Command lines that ufw would refuse (or the shell could not even run): never applied.
  std::vector<Rejected> rejected;
  // Command lines ufw accepts but this model cannot represent (service names, interfaces,
  // destination addresses, IPv6, `delete`/`insert`/`route`, ...): not applied here although a
  // real node would apply them. Reports should surface these.
  std::vector<Rejected> unmodelled;
  // Command lines that do not change ufw's rules (e.g. `systemctl restart docker`,
  // `ufw-docker install`, `ufw status`, a rule ufw skips as already present), kept for reports.
  std::vector<std::string> ignored;
};

// Applies one command line (a leading `sudo ` is allowed). Returns an InputError only for text
// that is not a command at all (empty, blank or a `#` comment). Otherwise returns true when the
// command was applied to the model, false when it was recorded in `rejected` (ufw refuses it;
// the cluster runs without it), `unmodelled` or `ignored`.
Result<bool> apply_ufw_command(Firewall& fw, std::string_view command);

// A strict dotted quad ("10.0.0.1"), as inet_pton reads one.
bool is_ipv4_address(std::string_view text);

// The first incoming rule matching a new connection/datagram from `source_ip` (an IPv4
// address) to `port`/`proto`, or nullptr when none does and the default policy decides.
// Looks at the rules only: it does not consult `enabled`.
const UfwRule* first_matching_rule(const Firewall& fw, std::string_view source_ip, uint16_t port,
                                   Proto proto);

// Does this node accept a new incoming connection/datagram from `source_ip` to `port`/`proto`?
// Everything is allowed while the firewall is not enabled; `limit` rules count as allow (ufw
// only refuses a source after 6 new connections within 30 seconds, which is not modelled).
FirewallVerdict incoming_verdict(const Firewall& fw, std::string_view source_ip, uint16_t port,
                                 Proto proto);

}  // namespace clawsim
