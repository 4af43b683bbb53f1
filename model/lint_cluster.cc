// Lint checks of the cluster's shape: the quorum, single points of failure and placement.
#include <algorithm>
#include <cctype>
#include <map>

#include "model/lint_checks.h"
#include "model/quorum.h"

namespace clawsim::lint {

namespace {

std::string count_text(int n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::vector<int> managers(const Plan& plan) {
  std::vector<int> out;
  for (std::size_t i = 0; i < plan.nodes.size(); ++i) {
    if (plan.nodes[i].role == Role::kManager) out.push_back(static_cast<int>(i));
  }
  return out;
}

bool needs(const ServiceSpec& s, Dependency d) {
  return std::find(s.needs.begin(), s.needs.end(), d) != s.needs.end();
}

// Can a task on `a` reach one on `b` over the overlay (VXLAN, 4789/udp both ways)?
bool overlay_link(const Plan& plan, int a, int b) {
  if (a == b) return true;
  const auto ua = static_cast<std::size_t>(a);
  const auto ub = static_cast<std::size_t>(b);
  const Firewall none;
  const Firewall& fa = plan.firewalls.size() > ua ? plan.firewalls[ua] : none;
  const Firewall& fb = plan.firewalls.size() > ub ? plan.firewalls[ub] : none;
  return incoming_verdict(fb, plan.nodes[ua].address, 4789, Proto::kUdp) == FirewallVerdict::kAllow &&
         incoming_verdict(fa, plan.nodes[ub].address, 4789, Proto::kUdp) == FirewallVerdict::kAllow;
}

// Does this constraint pin its service to one node by id or name (`node.id == X`)? Key names
// ignore case, as swarmkit's do.
bool pins_to_a_node(const Constraint& c) {
  std::string key = c.key;
  std::transform(key.begin(), key.end(), key.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return c.op == ConstraintOp::kEq && (key == "node.id" || key == "node.hostname");
}

// Is the service pinned to one node by name or id (what spof.dashboard-pinned reports)?
bool pinned_by_node(const ServiceSpec& s) {
  return std::any_of(s.constraints.begin(), s.constraints.end(), pins_to_a_node);
}

}  // namespace

std::vector<int> eligible_nodes(const Plan& plan, const ServiceSpec& service) {
  std::vector<int> out;
  for (std::size_t i = 0; i < plan.nodes.size(); ++i) {
    const NodeSpec& n = plan.nodes[i];
    if (n.availability != Availability::kActive) continue;
    if (service.manager_only && n.role != Role::kManager) continue;
    if (all_constraints_match(service.constraints, node_facts(n))) out.push_back(static_cast<int>(i));
  }
  return out;
}

std::string service_field(const Plan& plan, const ServiceSpec& service) {
  return "services[" + std::to_string(plan.service_index(service.name)) + "]";
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
    out += names[i];
  }
  return out;
}

std::string node_names(const Plan& plan, const std::vector<int>& nodes) {
  std::vector<std::string> names;
  for (int i : nodes) names.push_back(plan.nodes[static_cast<std::size_t>(i)].name);
  return join_names(names);
}

Finding finding(std::string subject, std::string message, std::string fix, int line,
                std::string field) {
  Finding f;
  f.subject = std::move(subject);
  f.message = std::move(message);
  f.fix = std::move(fix);
  f.line = line;
  f.field = std::move(field);
  return f;
}

void check_manager_count(const Plan& plan, std::vector<Finding>& out) {
  const int n = plan.manager_count();
  if (n >= 3) return;
  out.push_back(finding("managers",
                        count_text(n, "manager", "managers") + ": the swarm needs " +
                            std::to_string(majority(n)) + " for a quorum and tolerates no loss",
                        "run three (or five) managers: `docker node promote` two workers", plan.nodes_line,
                        "nodes"));
}

void check_even_managers(const Plan& plan, std::vector<Finding>& out) {
  const int n = plan.manager_count();
  if (n < 2 || n % 2 != 0) return;
  out.push_back(finding("managers",
                        std::to_string(n) + " managers need " + std::to_string(majority(n)) +
                            " for a quorum and tolerate " + std::to_string(tolerated_failures(n)) +
                            " loss(es), as " + std::to_string(n - 1) + " would",
                        "run an odd number of managers: promote one more node or demote one", plan.nodes_line,
                        "nodes"));
}

void check_too_many_managers(const Plan& plan, std::vector<Finding>& out) {
  const int n = plan.manager_count();
  if (n <= 7) return;
  out.push_back(finding("managers", std::to_string(n) + " managers: every write waits for " +
                                        std::to_string(majority(n)) + " of them",
                        "keep seven managers at most; demote the rest to workers", plan.nodes_line,
                        "nodes"));
}

void check_failure_domains(const Plan& plan, std::vector<Finding>& out) {
  const std::vector<int> ms = managers(plan);
  std::map<std::string, std::vector<int>> by_domain;
  for (int m : ms) {
    const std::string& d = plan.nodes[static_cast<std::size_t>(m)].failure_domain;
    if (!d.empty()) by_domain[d].push_back(m);
  }
  const int tolerated = tolerated_failures(static_cast<int>(ms.size()));
  for (const auto& [domain, members] : by_domain) {
    if (static_cast<int>(members.size()) <= tolerated) continue;
    const NodeSpec& first = plan.nodes[static_cast<std::size_t>(members.front())];
    out.push_back(finding(domain,
                          "failure domain '" + domain + "' holds " +
                              count_text(static_cast<int>(members.size()), "manager", "managers") +
                              " (" + node_names(plan, members) + ") of " +
                              std::to_string(ms.size()) + "; the swarm tolerates losing " +
                              std::to_string(tolerated) + ": losing '" + domain +
                              "' loses the quorum",
                          "spread the managers so that no domain holds more than " +
                              std::to_string(tolerated),
                          first.line,
                          "nodes[" + std::to_string(members.front()) + "].failure_domain"));
  }
}

void check_dashboard_pinned(const Plan& plan, std::vector<Finding>& out) {
  const int s = plan.service_index(plan.dashboard_service);
  if (s < 0) return;
  const ServiceSpec& dash = plan.services[static_cast<std::size_t>(s)];
  for (std::size_t c = 0; c < dash.constraints.size(); ++c) {
    const Constraint& k = dash.constraints[c];
    if (!pins_to_a_node(k)) continue;
    const std::string nfs_note =
        plan.nfs ? " Its data on the NFS export does not change that: nothing moves the service."
                 : "";
    out.push_back(finding(
        dash.name,
        dash.name + " is pinned by '" + k.text + "': when that node fails the dashboard waits "
            "for it, pending." + nfs_note,
        "with the data on NFS, move it by hand after a failure (`docker service update "
        "--constraint-rm '" + k.text + "' --constraint-add 'node.role == manager' " + dash.name +
            "`), or waive this rule and accept the downtime",
        dash.line, service_field(plan, dash) + ".constraints[" + std::to_string(c) + "]"));
  }
}

void check_nfs_server(const Plan& plan, std::vector<Finding>& out) {
  if (!plan.nfs) return;
  std::vector<std::string> dependents;
  for (const ServiceSpec& s : plan.services) {
    if (needs(s, Dependency::kNfs)) dependents.push_back(s.name);
  }
  if (dependents.empty()) return;
  out.push_back(finding(plan.nfs->server,
                        plan.nfs->server + " alone serves " + plan.nfs->path + ": while it is down " +
                            join_names(dependents) + " cannot read " +
                            (dependents.size() == 1 ? "its" : "their") + " data (a hard mount blocks)",
                        "accept it (a note), or serve the export from a highly available NFS",
                        plan.nfs->line, "nfs.server"));
}

void check_nfs_server_manager(const Plan& plan, std::vector<Finding>& out) {
  if (!plan.nfs) return;
  const int server = plan.node_index(plan.nfs->server);
  if (server < 0 || plan.nodes[static_cast<std::size_t>(server)].role != Role::kManager) return;
  out.push_back(finding(plan.nfs->server,
                        plan.nfs->server + " is a manager and the NFS server: its loss costs a "
                            "Raft member and the export together",
                        "serve the export from a worker or from outside the swarm", plan.nfs->line,
                        "nfs.server"));
}

void check_unsatisfiable(const Plan& plan, std::vector<Finding>& out) {
  for (const ServiceSpec& s : plan.services) {
    if (!eligible_nodes(plan, s).empty() || (!s.global && s.replicas == 0)) continue;
    std::string why = s.manager_only ? " (it must run on a manager)" : "";
    out.push_back(finding(s.name, "no active node meets the constraints of " + s.name + why +
                                      ": its tasks stay pending with \"no suitable node\"",
                          "label a node to match, or correct the constraint", s.line,
                          service_field(plan, s) + ".constraints"));
  }
}

void check_single_node(const Plan& plan, std::vector<Finding>& out) {
  for (const ServiceSpec& s : plan.services) {
    if (s.constraints.empty()) continue;
    if (s.name == plan.dashboard_service && pinned_by_node(s)) continue;  // said already
    const std::vector<int> nodes = eligible_nodes(plan, s);
    if (nodes.size() != 1) continue;
    const std::string& node = plan.nodes[static_cast<std::size_t>(nodes[0])].name;
    out.push_back(finding(s.name,
                          s.name + " can only run on " + node + ": it is down while " + node +
                              " is, and nothing else may take it",
                          "intended for a pinned service; otherwise let a second node match", s.line,
                          service_field(plan, s) + ".constraints"));
  }
}

void check_nfs_client_missing(const Plan& plan, std::vector<Finding>& out) {
  if (!plan.nfs) return;
  for (const ServiceSpec& s : plan.services) {
    if (!needs(s, Dependency::kNfs)) continue;
    std::vector<int> missing;
    for (int n : eligible_nodes(plan, s)) {
      const std::string& name = plan.nodes[static_cast<std::size_t>(n)].name;
      if (name == plan.nfs->server) continue;  // the export is local there
      if (std::find(plan.nfs->clients.begin(), plan.nfs->clients.end(), name) ==
          plan.nfs->clients.end()) {
        missing.push_back(n);
      }
    }
    if (missing.empty()) continue;
    out.push_back(finding(s.name,
                          s.name + " needs " + plan.nfs->path + " but may be placed on " +
                              node_names(plan, missing) + ", which " +
                              (missing.size() == 1 ? "does" : "do") + " not mount it",
                          "mount the export there too, or constrain " + s.name +
                              " to the nodes that mount it",
                          s.line, service_field(plan, s)));
  }
}

void check_dependency_unreachable(const Plan& plan, std::vector<Finding>& out) {
  for (const ServiceSpec& s : plan.services) {
    const std::vector<int> mine = eligible_nodes(plan, s);
    for (const std::string& dep : s.depends_on) {
      const ServiceSpec& d = plan.services[static_cast<std::size_t>(plan.service_index(dep))];
      const std::vector<int> theirs = eligible_nodes(plan, d);
      if (mine.empty() || theirs.empty()) continue;  // placement.unsatisfiable says so
      bool reachable = false;
      for (int a : mine) {
        for (int b : theirs) reachable = reachable || overlay_link(plan, a, b);
      }
      if (reachable) continue;
      out.push_back(finding(s.name,
                            s.name + " (on " + node_names(plan, mine) + ") depends on " + dep +
                                " (on " + node_names(plan, theirs) +
                                "), and no such pair of nodes exchanges overlay traffic (4789/udp)",
                            "admit 4789/udp between those nodes, or let both run on one node",
                            s.line, service_field(plan, s) + ".depends_on"));
    }
  }
}

}  // namespace clawsim::lint
