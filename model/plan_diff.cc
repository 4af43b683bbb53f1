#include "model/plan_diff.h"

#include <algorithm>

namespace clawsim {

namespace {

std::string join(std::vector<std::string> items) {
  std::sort(items.begin(), items.end());
  std::string out;
  for (const std::string& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

// Docker normalizes constraint text ("a==b" and "a == b" are one rule): compare without spaces.
std::string squeeze(std::string s) {
  s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
  return s;
}

void diff_node(const NodeSpec& spec, const NodeState& seen, std::vector<PlanDifference>& out) {
  const std::string subject = "node " + spec.name;
  if (to_string(spec.role) != seen.role) {
    out.push_back({subject, "role", to_string(spec.role), seen.role});
  }
  if (to_string(spec.availability) != seen.availability) {
    out.push_back({subject, "availability", to_string(spec.availability), seen.availability});
  }
  for (const auto& [k, v] : spec.labels) {
    const auto it = seen.labels.find(k);
    if (it == seen.labels.end() || it->second != v) {
      out.push_back({subject, "label " + k, v, it == seen.labels.end() ? "" : it->second});
    }
  }
  for (const auto& [k, v] : seen.labels) {
    if (!spec.labels.count(k)) out.push_back({subject, "label " + k, "", v});
  }
}

void diff_service(const ServiceSpec& spec, const ServiceState& seen, std::vector<PlanDifference>& out) {
  const std::string subject = "service " + spec.name;
  std::vector<std::string> planned, observed;
  for (const Constraint& c : spec.constraints) planned.push_back(squeeze(c.text));
  for (const std::string& c : seen.constraints) observed.push_back(squeeze(c));
  if (join(planned) != join(observed)) {
    out.push_back({subject, "constraints", join(planned), join(observed)});
  }
  const int replicas = spec.global ? -1 : spec.replicas;
  if (replicas != seen.replicas) {
    auto text = [](int r) { return r < 0 ? std::string("global") : std::to_string(r); };
    out.push_back({subject, "replicas", text(replicas), text(seen.replicas)});
  }
}

}  // namespace

std::vector<PlanDifference> diff_plan(const Plan& plan, const ClusterState& observed) {
  std::vector<PlanDifference> out;
  for (const NodeSpec& spec : plan.nodes) {
    const auto it = std::find_if(observed.nodes.begin(), observed.nodes.end(),
                                 [&](const NodeState& n) { return n.name == spec.name; });
    if (it == observed.nodes.end()) {
      out.push_back({"node " + spec.name, "presence", "in the swarm", ""});
    } else {
      diff_node(spec, *it, out);
    }
  }
  for (const NodeState& n : observed.nodes) {
    if (plan.node_index(n.name) < 0) out.push_back({"node " + n.name, "presence", "", "in the swarm"});
  }
  for (const ServiceSpec& spec : plan.services) {
    const auto it = std::find_if(observed.services.begin(), observed.services.end(),
                                 [&](const ServiceState& s) { return s.name == spec.name; });
    if (it == observed.services.end()) {
      out.push_back({"service " + spec.name, "presence", "created", ""});
    } else {
      diff_service(spec, *it, out);
    }
  }
  for (const ServiceState& s : observed.services) {
    if (plan.service_index(s.name) < 0) out.push_back({"service " + s.name, "presence", "", "created"});
  }
  return out;
}

std::string describe(const PlanDifference& d) {
  auto shown = [](const std::string& v) { return v.empty() ? std::string("(none)") : v; };
  return d.subject + ": " + d.field + ": plan " + shown(d.planned) + ", cluster " + shown(d.observed);
}

}  // namespace clawsim
