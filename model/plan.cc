#include "model/plan.h"

#include <algorithm>

namespace clawsim {

const char* to_string(Role role) { return role == Role::kManager ? "manager" : "worker"; }

const char* to_string(Availability availability) {
  switch (availability) {
    case Availability::kActive: return "active";
    case Availability::kPause: return "pause";
    case Availability::kDrain: return "drain";
  }
  return "?";
}

int Plan::node_index(std::string_view wanted) const {
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].name == wanted) return static_cast<int>(i);
  }
  return -1;
}

int Plan::service_index(std::string_view wanted) const {
  for (std::size_t i = 0; i < services.size(); ++i) {
    if (services[i].name == wanted) return static_cast<int>(i);
  }
  return -1;
}

int Plan::manager_count() const {
  int n = 0;
  for (const NodeSpec& node : nodes) n += node.role == Role::kManager ? 1 : 0;
  return n;
}

NodeFacts node_facts(const NodeSpec& node) {
  NodeFacts f;
  f.id = node.id;
  f.hostname = node.name;
  f.role = to_string(node.role);
  f.platform_os = node.platform_os;
  f.platform_arch = node.platform_arch;
  f.labels = node.labels;
  f.engine_labels = node.engine_labels;
  return f;
}

std::vector<Firewall> build_firewalls(const Plan& plan) {
  std::vector<Firewall> out(plan.nodes.size());
  for (const FirewallStep& step : plan.firewall) {
    for (const std::string& name : step.nodes) {
      Firewall& fw = out[static_cast<std::size_t>(plan.node_index(name))];
      for (const std::string& command : step.commands) (void)apply_ufw_command(fw, command);
    }
  }
  return out;
}

std::string docker_label_problem(std::string_view key, std::string_view value) {
  auto control = [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; };
  if (key.empty()) return "a label needs a key";
  for (char c : key) {
    if (control(c) || c == ' ' || c == '=') {
      return "label key '" + std::string(key) + "': no whitespace, '=' or control character";
    }
  }
  if (std::any_of(value.begin(), value.end(), control)) {
    return "label " + std::string(key) + ": a control character in its value";
  }
  return "";
}

}  // namespace clawsim
