#include "model/observed_plan.h"

#include <algorithm>
#include <sstream>

namespace clawsim {

namespace {

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

Availability availability_of(const std::string& text, Availability fallback) {
  if (text == "active") return Availability::kActive;
  if (text == "pause") return Availability::kPause;
  if (text == "drain") return Availability::kDrain;
  return fallback;
}

}  // namespace

ObservedPlan plan_as_observed(const Plan& plan, const ClusterState& observed,
                              const std::vector<ObservedFirewall>& firewalls) {
  ObservedPlan out{plan, {}};
  Plan& p = out.plan;
  for (NodeSpec& spec : p.nodes) {
    const auto seen = std::find_if(observed.nodes.begin(), observed.nodes.end(),
                                   [&](const NodeState& n) { return n.name == spec.name; });
    if (seen == observed.nodes.end()) {
      out.notes.push_back("node " + spec.name + " is in the plan but not in the cluster: modelled as the plan has it");
      continue;
    }
    if (!seen->id.empty()) spec.id = seen->id;
    spec.role = seen->role == "manager" ? Role::kManager : Role::kWorker;
    spec.availability = availability_of(seen->availability, spec.availability);
    spec.labels = seen->labels;
  }
  for (const NodeState& n : observed.nodes) {
    if (plan.node_index(n.name) < 0) {
      out.notes.push_back("node " + n.name + " is in the cluster but not in the plan: not modelled (the plan has no address for it)");
    }
  }
  if (p.node_index(observed.leader) >= 0) p.leader = observed.leader;
  for (ServiceSpec& spec : p.services) {
    const auto seen = std::find_if(observed.services.begin(), observed.services.end(),
                                   [&](const ServiceState& s) { return s.name == spec.name; });
    if (seen == observed.services.end()) {
      out.notes.push_back("service " + spec.name + " is in the plan but not in the cluster: modelled as the plan has it");
      continue;
    }
    std::vector<Constraint> constraints;
    for (const std::string& text : seen->constraints) {
      Result<Constraint> c = parse_constraint(text);
      if (!c) {
        out.notes.push_back("service " + spec.name + ": constraint '" + text + "' is not understood: " +
                            c.error().message + "; the plan's constraints are modelled instead");
        constraints = spec.constraints;
        break;
      }
      constraints.push_back(std::move(c).value());
    }
    spec.constraints = std::move(constraints);
    spec.global = seen->replicas < 0;
    if (!spec.global) spec.replicas = seen->replicas;
  }
  if (!firewalls.empty()) {
    p.firewall.clear();
    int without = 0, inactive = 0, active = 0;
    for (const ObservedFirewall& fw : firewalls) {
      if (p.node_index(fw.node) < 0) continue;
      without += fw.present ? 0 : 1;
      inactive += fw.present && !fw.active ? 1 : 0;
      active += fw.active ? 1 : 0;
      FirewallStep step;
      step.nodes = {fw.node};
      step.commands = fw.commands;
      step.command_lines.assign(fw.commands.size(), 0);
      p.firewall.push_back(std::move(step));
    }
    out.notes.push_back("firewall as read on the nodes: ufw active on " + std::to_string(active) +
                        ", inactive on " + std::to_string(inactive) + ", not installed on " +
                        std::to_string(without) + " (the plan's ufw commands are not used)");
    p.firewalls = build_firewalls(p);
  }
  return out;
}

bool parse_ufw_observation(std::string_view text, ObservedFirewall& out, std::string& error) {
  out.present = false;
  out.active = false;
  out.commands.clear();
  std::istringstream in{std::string(text)};
  std::string line;
  bool status_seen = false, in_added = false;
  std::vector<std::string> defaults, rules;
  while (std::getline(in, line)) {
    const std::string t = trim(line);
    if (t == "@@no-ufw") return true;
    if (t == "@@added") {
      in_added = true;
      continue;
    }
    if (in_added) {
      if (t.rfind("ufw ", 0) == 0) rules.push_back(t);
      continue;
    }
    if (t.rfind("Status: ", 0) == 0) {
      status_seen = true;
      out.present = true;
      out.active = t == "Status: active";
    } else if (t.rfind("Default: ", 0) == 0) {
      // "Default: deny (incoming), allow (outgoing), disabled (routed)"
      std::istringstream parts(t.substr(9));
      std::string part;
      while (std::getline(parts, part, ',')) {
        const std::string p = trim(part);
        const auto open = p.find(" (");
        if (open == std::string::npos || p.back() != ')') continue;
        const std::string policy = p.substr(0, open);
        const std::string direction = p.substr(open + 2, p.size() - open - 3);
        if ((direction == "incoming" || direction == "outgoing") &&
            (policy == "allow" || policy == "deny" || policy == "reject")) {
          defaults.push_back("ufw default " + policy + " " + direction);
        }
      }
    }
  }
  if (!status_seen) {
    error = "ufw status: no 'Status:' line in: " + trim(text.substr(0, 120));
    return false;
  }
  out.commands = defaults;
  out.commands.insert(out.commands.end(), rules.begin(), rules.end());
  if (out.active) out.commands.push_back("ufw --force enable");
  return true;
}

}  // namespace clawsim
