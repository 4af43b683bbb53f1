// The plan as a change leaves it, step by step: what `clawsim validate`'s rules judge after each
// accepted step of `clawsim check-change`.
#include <algorithm>

#include "model/change.h"

namespace clawsim {

namespace {

NodeSpec* node_of(Plan& plan, const std::string& name) {
  const int i = plan.node_index(name);
  return i < 0 ? nullptr : &plan.nodes[static_cast<std::size_t>(i)];
}

ServiceSpec* service_of(Plan& plan, const std::string& name) {
  const int i = plan.service_index(name);
  return i < 0 ? nullptr : &plan.services[static_cast<std::size_t>(i)];
}

void add_constraints(ServiceSpec& s, const std::vector<std::string>& texts) {
  for (const std::string& text : texts) {
    Result<Constraint> c = parse_constraint(text);
    if (c) s.constraints.push_back(std::move(c).value());
  }
}

void update_service(Plan& plan, const ChangeStep& step) {
  ServiceSpec* s = service_of(plan, step.service);
  if (s == nullptr) return;
  for (const std::string& text : step.constraint_rm) {
    std::erase_if(s->constraints, [&](const Constraint& c) { return c.text == text; });
  }
  add_constraints(*s, step.constraint_add);
  if (step.replicas) s->replicas = *step.replicas;
  if (!step.image.empty()) s->image = step.image;
}

void create_service(Plan& plan, const ChangeStep& step) {
  ServiceSpec s;
  s.name = step.service;
  s.image = step.image;
  s.global = step.global;
  if (step.replicas) s.replicas = *step.replicas;
  add_constraints(s, step.constraint_add);
  plan.services.push_back(std::move(s));
}

void remove_service(Plan& plan, const std::string& name) {
  std::erase_if(plan.services, [&](const ServiceSpec& s) { return s.name == name; });
  for (ServiceSpec& s : plan.services) std::erase(s.depends_on, name);
}

void keep_a_leader(Plan& plan) {
  const NodeSpec* leader = node_of(plan, plan.leader);
  if (leader != nullptr && leader->role == Role::kManager) return;
  for (const NodeSpec& n : plan.nodes) {
    if (n.role == Role::kManager) {
      plan.leader = n.name;
      return;
    }
  }
}

}  // namespace

void apply_to_plan(Plan& plan, const ChangeStep& step) {
  NodeSpec* node = node_of(plan, step.node.empty() ? step.on_node : step.node);
  switch (step.kind) {
    case ChangeKind::kNodePromote:
      if (node) node->role = Role::kManager;
      break;
    case ChangeKind::kNodeDemote:
      if (node) node->role = Role::kWorker;
      break;
    case ChangeKind::kNodeUpdate:
      if (!node) break;
      if (step.availability) node->availability = *step.availability;
      for (const auto& [k, v] : step.label_add) node->labels[k] = v;
      for (const std::string& k : step.label_rm) node->labels.erase(k);
      break;
    case ChangeKind::kServiceCreate: create_service(plan, step); break;
    case ChangeKind::kServiceUpdate: update_service(plan, step); break;
    case ChangeKind::kServiceRm: remove_service(plan, step.service); break;
    case ChangeKind::kForceNewCluster:
      for (NodeSpec& n : plan.nodes) {
        if (n.name != step.on_node) n.role = Role::kWorker;
      }
      plan.leader = step.on_node;
      break;
    case ChangeKind::kSwarmJoin:
      if (node) node->role = step.join_as == "manager" ? Role::kManager : Role::kWorker;
      break;
    case ChangeKind::kUfw: {
      FirewallStep fw;
      fw.nodes = {step.on_node};
      fw.commands = {step.ufw_command};
      fw.command_lines = {step.line};
      fw.line = step.line;
      plan.firewall.push_back(std::move(fw));
      break;
    }
    case ChangeKind::kDaemon:     // the daemon comes back as it was: nothing in the plan changes
    case ChangeKind::kNodeRm:     // the node object goes; the machine and its firewall stay
    case ChangeKind::kSwarmLeave:  // the node's entry stays (Down) until `docker node rm`
    case ChangeKind::kRead:
      break;
  }
  keep_a_leader(plan);
  plan.firewalls = build_firewalls(plan);
}

}  // namespace clawsim
