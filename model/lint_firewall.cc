// Lint checks of the firewall: replays each node's ufw commands in the plan's order, keeping
// where every rule came from, and judges the result against the traffic the swarm, NFS and SSH
// need.
#include <algorithm>
#include <map>
#include <set>

#include "model/lint_checks.h"

namespace clawsim::lint {

namespace {

struct CommandAt {
  std::string text;
  int line = 0;
  std::string field;  // "firewall[1].run[5]"
};

struct Refusal {
  CommandAt command;
  std::string reason;
};

struct Wipe {
  CommandAt rule;   // the rule that was deleted
  CommandAt reset;  // the reset that deleted it
};

// What happened on one node, command by command.
struct NodeTrace {
  Firewall fw;
  std::map<std::string, CommandAt> rule_origin;  // rule text -> the command that added it
  std::vector<Refusal> refused;
  std::vector<Refusal> unmodelled;
  std::vector<Wipe> wiped;
  CommandAt enabled_by;  // the last `ufw enable` that took effect (line 0 if none)
};

std::vector<NodeTrace> replay(const Plan& plan) {
  std::vector<NodeTrace> traces(plan.nodes.size());
  for (std::size_t s = 0; s < plan.firewall.size(); ++s) {
    const FirewallStep& step = plan.firewall[s];
    for (const std::string& name : step.nodes) {
      NodeTrace& t = traces[static_cast<std::size_t>(plan.node_index(name))];
      for (std::size_t c = 0; c < step.commands.size(); ++c) {
        const CommandAt at{step.commands[c],
                           c < step.command_lines.size() ? step.command_lines[c] : step.line,
                           "firewall[" + std::to_string(s) + "].run[" + std::to_string(c) + "]"};
        const std::vector<UfwRule> before = t.fw.rules;
        const std::size_t refused = t.fw.rejected.size();
        const std::size_t unmodelled = t.fw.unmodelled.size();
        const bool was_enabled = t.fw.enabled;
        (void)apply_ufw_command(t.fw, at.text);
        if (t.fw.rejected.size() > refused) t.refused.push_back({at, t.fw.rejected.back().reason});
        if (t.fw.unmodelled.size() > unmodelled) {
          t.unmodelled.push_back({at, t.fw.unmodelled.back().reason});
        }
        if (t.fw.rules.empty() && !before.empty()) {
          for (const UfwRule& r : before) t.wiped.push_back({t.rule_origin[r.text], at});
          t.rule_origin.clear();
        }
        for (const UfwRule& r : t.fw.rules) t.rule_origin.try_emplace(r.text, at);
        if (t.fw.enabled && !was_enabled) t.enabled_by = at;
      }
    }
  }
  return traces;
}

// The nodes named, grouped by what happened to them: one finding per command, not per node.
template <class Item, class Key>
std::map<Key, std::pair<Item, std::vector<int>>> group(const std::vector<NodeTrace>& traces,
                                                      std::vector<Item> NodeTrace::*items,
                                                      Key (*key)(const Item&)) {
  std::map<Key, std::pair<Item, std::vector<int>>> out;
  for (std::size_t n = 0; n < traces.size(); ++n) {
    for (const Item& item : traces[n].*items) {
      auto [it, fresh] = out.try_emplace(key(item), item, std::vector<int>{});
      (void)fresh;
      it->second.second.push_back(static_cast<int>(n));
    }
  }
  return out;
}

std::pair<int, std::string> refusal_key(const Refusal& r) { return {r.command.line, r.command.text}; }
std::pair<int, int> wipe_key(const Wipe& w) { return {w.rule.line, w.reset.line}; }

struct Need {
  int port;
  Proto proto;
  const char* what;
};

std::string port_text(const Need& n) {
  return std::to_string(n.port) + (n.proto == Proto::kTcp ? "/tcp" : "/udp");
}

bool admits(const NodeTrace& to, const std::string& from_address, int port, Proto proto) {
  return incoming_verdict(to.fw, from_address, static_cast<uint16_t>(port), proto) ==
         FirewallVerdict::kAllow;
}

bool is_any_source(const UfwRule& r) { return r.from == "any"; }

bool covers_port(const UfwRule& r, int port) {
  return r.ports.empty() ||
         std::find(r.ports.begin(), r.ports.end(), static_cast<uint16_t>(port)) != r.ports.end();
}

}  // namespace

void check_rule_refused(const Plan& plan, std::vector<Finding>& out) {
  const std::vector<NodeTrace> traces = replay(plan);
  for (const auto& [key, entry] : group(traces, &NodeTrace::refused, refusal_key)) {
    const auto& [r, nodes] = entry;
    out.push_back(finding(r.command.text,
                          "`" + r.command.text + "` is refused on " + node_names(plan, nodes) + ": " +
                              r.reason,
                          "write it as ufw accepts it, e.g. one rule per protocol with `proto tcp` "
                          "and `proto udp`",
                          r.command.line, r.command.field));
  }
}

void check_rule_wiped(const Plan& plan, std::vector<Finding>& out) {
  const std::vector<NodeTrace> traces = replay(plan);
  for (const auto& [key, entry] : group(traces, &NodeTrace::wiped, wipe_key)) {
    const auto& [w, nodes] = entry;
    out.push_back(finding(w.rule.text,
                          "`" + w.rule.text + "` (line " + std::to_string(w.rule.line) +
                              ") is deleted on " + node_names(plan, nodes) + " by `" + w.reset.text +
                              "` (line " + std::to_string(w.reset.line) + ")",
                          "add the rule after the reset", w.rule.line, w.rule.field));
  }
}

void check_swarm_traffic(const Plan& plan, std::vector<Finding>& out) {
  const std::vector<NodeTrace> traces = replay(plan);
  const std::array<Need, 4> all_nodes = {Need{2377, Proto::kTcp, "Raft and the dispatcher"},
                                         Need{7946, Proto::kTcp, "gossip"},
                                         Need{7946, Proto::kUdp, "gossip"},
                                         Need{4789, Proto::kUdp, "the overlay network"}};
  for (std::size_t from = 0; from < plan.nodes.size(); ++from) {
    const NodeSpec& src = plan.nodes[from];
    // destination -> the ports it refuses from `src`
    std::map<std::vector<std::string>, std::vector<int>> refused;
    int line = 0;
    std::string field;
    for (std::size_t to = 0; to < plan.nodes.size(); ++to) {
      if (to == from) continue;
      std::vector<std::string> ports;
      for (const Need& need : all_nodes) {
        // 2377 is served by managers only: workers need not admit it.
        if (need.port == 2377 && plan.nodes[to].role != Role::kManager) continue;
        if (!admits(traces[to], src.address, need.port, need.proto)) ports.push_back(port_text(need));
      }
      if (ports.empty()) continue;
      refused[ports].push_back(static_cast<int>(to));
      if (line == 0) {
        line = traces[to].enabled_by.line;
        field = traces[to].enabled_by.field;
      }
    }
    if (refused.empty()) continue;
    std::string where;
    for (const auto& [ports, nodes] : refused) {
      std::string list;
      for (const std::string& p : ports) list += (list.empty() ? "" : ", ") + p;
      where += (where.empty() ? "" : "; ") + node_names(plan, nodes) + " refuse" +
               (nodes.size() == 1 ? "s " : " ") + list;
    }
    const std::string effect =
        src.role == Role::kManager
            ? ": its Raft messages and heartbeats are dropped, the others elect a leader without "
              "it and mark it Down, and one more manager loss then costs the quorum"
            : ": its agent cannot reach the managers, so it is marked Down and gets no tasks";
    out.push_back(finding(src.name, src.name + " (" + src.address + ") is not admitted: " + where +
                                        effect,
                          "admit " + src.address +
                              " on every node: `ufw allow from " + src.address +
                              " to any port 2377,7946 proto tcp` and `ufw allow from " +
                              src.address + " to any port 7946,4789 proto udp`",
                          line, field));
  }
}

void check_nfs_traffic(const Plan& plan, std::vector<Finding>& out) {
  if (!plan.nfs) return;
  const std::vector<NodeTrace> traces = replay(plan);
  const int server = plan.node_index(plan.nfs->server);
  const NodeTrace& t = traces[static_cast<std::size_t>(server)];
  std::vector<std::string> refused;
  std::vector<std::string> addresses;
  for (const std::string& client : plan.nfs->clients) {
    const NodeSpec& c = plan.nodes[static_cast<std::size_t>(plan.node_index(client))];
    if (client == plan.nfs->server || admits(t, c.address, 2049, Proto::kTcp)) continue;
    refused.push_back(client);
    addresses.push_back(c.address);
  }
  if (refused.empty()) return;
  std::string fix;
  for (const std::string& a : addresses) {
    fix += (fix.empty() ? "" : "; ") + std::string("`ufw allow from ") + a +
           " to any port 2049 proto tcp`";
  }
  out.push_back(finding(plan.nfs->server,
                        plan.nfs->server + " refuses 2049/tcp from " + join_names(refused) +
                            ": their mounts of " + plan.nfs->path +
                            " hang, and what keeps its data there is down",
                        "on " + plan.nfs->server + ", after any `ufw reset`: " + fix,
                        t.enabled_by.line != 0 ? t.enabled_by.line : plan.nfs->line,
                        t.enabled_by.line != 0 ? t.enabled_by.field : "nfs"));
}

void check_ssh_lockout(const Plan& plan, std::vector<Finding>& out) {
  const std::vector<NodeTrace> traces = replay(plan);
  for (const SshAccess::Client& client : plan.ssh.clients) {
    std::vector<int> locked;
    for (std::size_t n = 0; n < plan.nodes.size(); ++n) {
      if (!admits(traces[n], client.address, plan.ssh.port, Proto::kTcp)) {
        locked.push_back(static_cast<int>(n));
      }
    }
    if (locked.empty()) continue;
    const NodeTrace& t = traces[static_cast<std::size_t>(locked.front())];
    out.push_back(finding(client.name,
                          node_names(plan, locked) + " refuse" + (locked.size() == 1 ? "s" : "") +
                              " SSH (" + std::to_string(plan.ssh.port) + "/tcp) from " +
                              client.name + " (" + client.address + ")",
                          "`ufw allow from " + client.address + " to any port " +
                              std::to_string(plan.ssh.port) + " proto tcp` before `ufw enable`",
                          t.enabled_by.line, t.enabled_by.field));
  }
}

void check_ssh_open(const Plan& plan, std::vector<Finding>& out) {
  const std::vector<NodeTrace> traces = replay(plan);
  std::map<std::pair<int, std::string>, std::pair<CommandAt, std::vector<int>>> open;
  for (std::size_t n = 0; n < traces.size(); ++n) {
    for (const UfwRule& r : traces[n].fw.rules) {
      if (r.direction != UfwRule::Direction::kIn || !is_any_source(r)) continue;
      if (r.action != UfwRule::Action::kAllow && r.action != UfwRule::Action::kLimit) continue;
      if (!covers_port(r, plan.ssh.port) || r.proto == Proto::kUdp) continue;
      const CommandAt& at = traces[n].rule_origin.at(r.text);
      open.try_emplace({at.line, at.text}, at, std::vector<int>{});
      open[{at.line, at.text}].second.push_back(static_cast<int>(n));
    }
  }
  for (const auto& [key, entry] : open) {
    const CommandAt& at = entry.first;  // not a structured binding: the lambda captures it
    const std::vector<int>& nodes = entry.second;
    const bool limit = std::any_of(traces[static_cast<std::size_t>(nodes.front())].fw.rules.begin(),
                                   traces[static_cast<std::size_t>(nodes.front())].fw.rules.end(),
                                   [&](const UfwRule& r) {
                                     return r.text == at.text && r.action == UfwRule::Action::kLimit;
                                   });
    out.push_back(finding(std::to_string(plan.ssh.port),
                          "`" + at.text + "` admits SSH (" + std::to_string(plan.ssh.port) +
                              "/tcp) from any address on " + node_names(plan, nodes) +
                              (limit ? " (rate-limited to 6 new connections in 30 s per address)"
                                     : "") +
                              (plan.ssh.clients.empty()
                                   ? std::string()
                                   : ", so a rule admitting only " + plan.ssh.clients.front().name +
                                         " restricts nothing"),
                          "drop it, or rate-limit the admin's address only: `ufw limit from <ADMIN_IP> "
                          "to any port " + std::to_string(plan.ssh.port) + " proto tcp`",
                          at.line, at.field));
  }
}

void check_not_enabled(const Plan& plan, std::vector<Finding>& out) {
  if (plan.firewall.empty()) return;  // the plan says nothing of a firewall
  const std::vector<NodeTrace> traces = replay(plan);
  for (std::size_t n = 0; n < traces.size(); ++n) {
    if (traces[n].fw.enabled) continue;
    const std::string& name = plan.nodes[n].name;
    out.push_back(finding(name,
                          "ufw is not enabled on " + name +
                              " at the end of the plan's firewall steps: every port is open there",
                          "end the steps with `ufw --force enable` on " + name,
                          plan.firewall[0].line, "firewall"));
  }
}

void check_docker_restart(const Plan& plan, std::vector<Finding>& out) {
  std::set<std::string> managers;
  for (const NodeSpec& n : plan.nodes) {
    if (n.role == Role::kManager) managers.insert(n.name);
  }
  for (std::size_t s = 0; s < plan.firewall.size(); ++s) {
    const FirewallStep& step = plan.firewall[s];
    const std::set<std::string> on(step.nodes.begin(), step.nodes.end());
    if (!std::includes(on.begin(), on.end(), managers.begin(), managers.end())) continue;
    for (std::size_t c = 0; c < step.commands.size(); ++c) {
      const std::string& text = step.commands[c];
      const bool restart = (text.find("systemctl restart docker") != std::string::npos) ||
                           (text.find("service docker restart") != std::string::npos);
      if (!restart) continue;
      out.push_back(finding(text,
                            "`" + text + "` is in one step for every manager: typed on all of "
                                "them at once, the managers lose their leader together, and each "
                                "restarted daemon kills its containers unless live-restore is on",
                            "restart one node at a time, waiting for `docker node ls` to show it "
                            "Ready (and Reachable) before the next",
                            c < step.command_lines.size() ? step.command_lines[c] : step.line,
                            "firewall[" + std::to_string(s) + "].run[" + std::to_string(c) + "]"));
    }
  }
}

void check_unmodelled(const Plan& plan, std::vector<Finding>& out) {
  const std::vector<NodeTrace> traces = replay(plan);
  for (const auto& [key, entry] : group(traces, &NodeTrace::unmodelled, refusal_key)) {
    const auto& [r, nodes] = entry;
    out.push_back(finding(r.command.text,
                          "`" + r.command.text + "` on " + node_names(plan, nodes) + ": " + r.reason,
                          "check its effect by hand (`ufw status numbered`)", r.command.line,
                          r.command.field));
  }
}

}  // namespace clawsim::lint
