#include "model/plan_diff.h"

#include <algorithm>
#include <cctype>

#include "model/shell_quote.h"

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

bool is_node_id_key(std::string_view key) {
  constexpr std::string_view kKey = "node.id";
  return key.size() == kKey.size() &&
         std::equal(key.begin(), key.end(), kKey.begin(),
                    [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
}

// swarmkit compares constraint values ignoring case; node IDs are such values.
bool same_id(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

void diff_service(const Plan& plan, const ClusterState& cluster, const ServiceSpec& spec,
                  const ServiceState& seen, std::vector<PlanDifference>& out) {
  const std::string subject = "service " + spec.name;
  // Compared as Docker holds them (node IDs), shown as the plan writes them (node names).
  std::vector<std::string> planned, observed, planned_shown, observed_shown;
  for (const Constraint& c : spec.constraints) {
    std::string why;
    const std::string in_cluster = constraint_for_cluster(c, plan, cluster, why);
    planned.push_back(squeeze(in_cluster.empty() ? c.text : in_cluster));
    planned_shown.push_back(squeeze(c.text));
  }
  for (const std::string& c : seen.constraints) {
    observed.push_back(squeeze(c));
    observed_shown.push_back(constraint_for_plan(c, plan, cluster));
  }
  if (join(planned) != join(observed)) {
    out.push_back({subject, "constraints", join(planned_shown), join(observed_shown)});
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
      diff_service(plan, observed, spec, *it, out);
    }
  }
  for (const ServiceState& s : observed.services) {
    if (plan.service_index(s.name) < 0) out.push_back({"service " + s.name, "presence", "", "created"});
  }
  return out;
}

namespace {

std::string quoted(const std::string& s) { return shell_quote(s); }

const NodeState* observed_node(const ClusterState& s, const std::string& name) {
  for (const NodeState& n : s.nodes) {
    if (n.name == name) return &n;
  }
  return nullptr;
}

bool reachable_manager(const NodeState& n) {
  return n.role == "manager" && n.status == "ready" &&
         (n.manager_status == "Leader" || n.manager_status == "Reachable" || n.manager_status.empty());
}

}  // namespace

ConvergePlan converge(const Plan& plan, const ClusterState& observed) {
  ConvergePlan out;
  std::vector<ConvergeStep> promotes, nodes, services, demotes;
  int managers = 0, reachable = 0;
  for (const NodeState& n : observed.nodes) {
    managers += n.role == "manager" ? 1 : 0;
    reachable += reachable_manager(n) ? 1 : 0;
  }
  for (const PlanDifference& d : diff_plan(plan, observed)) {
    const std::string what = describe(d);
    const bool is_node = d.subject.rfind("node ", 0) == 0;
    const std::string name = d.subject.substr(is_node ? 5 : 8);
    if (d.field == "presence") {
      out.refused.push_back(what + ": clawsim does not add or remove " + (is_node ? "nodes" : "services"));
    } else if (d.field == "role" && d.planned == "manager") {
      promotes.push_back({"node promote " + quoted(name), what, "node demote " + quoted(name), true, d});
    } else if (d.field == "role") {
      const NodeState* n = observed_node(observed, name);
      const int left = reachable - (n && reachable_manager(*n) ? 1 : 0);
      if (managers <= 1) {
        out.refused.push_back(what + ": it is the last manager");
      } else if (left < (managers - 1) / 2 + 1) {
        out.refused.push_back(what + ": demoting it now would lose the quorum (" +
                              std::to_string(left) + " reachable managers would remain of " +
                              std::to_string(managers - 1) + ")");
      } else {
        demotes.push_back({"node demote " + quoted(name), what, "node promote " + quoted(name), true, d});
        --managers;
        reachable = left;
      }
    } else if (d.field == "availability") {
      nodes.push_back({"node update --availability " + d.planned + " " + quoted(name), what,
                       "node update --availability " + d.observed + " " + quoted(name), false, d});
    } else if (d.field.rfind("label ", 0) == 0) {
      const std::string key = d.field.substr(6);
      auto set = [&](const std::string& value) {
        return value.empty() ? "node update --label-rm " + quoted(key) + " " + quoted(name)
                             : "node update --label-add " + quoted(key + "=" + value) + " " + quoted(name);
      };
      nodes.push_back({set(d.planned), what, set(d.observed), false, d});
    } else if (d.field == "constraints") {
      const ServiceState* seen = nullptr;
      for (const ServiceState& sv : observed.services) seen = sv.name == name ? &sv : seen;
      const ServiceSpec& spec = plan.services[static_cast<std::size_t>(plan.service_index(name))];
      std::vector<std::string> wanted, refusals;
      for (const Constraint& c : spec.constraints) {
        std::string why;
        wanted.push_back(constraint_for_cluster(c, plan, observed, why));
        if (!why.empty()) refusals.push_back(why);
      }
      if (!refusals.empty()) {
        out.refused.push_back(what + ": " + join(refusals));
        continue;
      }
      const std::vector<std::string> had = seen ? seen->constraints : std::vector<std::string>{};
      auto update = [&](const std::vector<std::string>& from, const std::vector<std::string>& to) {
        std::string args = "service update --detach";
        for (const std::string& c : from) args += " --constraint-rm " + quoted(c);
        for (const std::string& c : to) args += " --constraint-add " + quoted(c);
        return args + " " + quoted(name);
      };
      services.push_back({update(had, wanted), what, update(wanted, had), false, d});
    } else if (d.field == "replicas" && d.planned != "global" && d.observed != "global") {
      services.push_back({"service scale --detach " + quoted(name + "=" + d.planned), what,
                          "service scale --detach " + quoted(name + "=" + d.observed), false, d});
    } else {
      out.refused.push_back(what + ": changing a service's mode needs re-creating it");
    }
  }
  for (auto* group : {&promotes, &nodes, &services, &demotes}) {
    out.steps.insert(out.steps.end(), group->begin(), group->end());
  }
  if (!promotes.empty() || !demotes.empty()) {
    out.order = "promotions first, so the Raft group grows before it shrinks and every demotion "
                "leaves a majority; labels and availability next, so services have their nodes "
                "before their constraints move; demotions last, one at a time";
  } else if (!services.empty() && !nodes.empty()) {
    out.order = "nodes' labels and availability first, so services have their nodes before "
                "their constraints move";
  }
  return out;
}

std::string constraint_for_cluster(const Constraint& c, const Plan& plan,
                                   const ClusterState& observed, std::string& why) {
  if (!is_node_id_key(c.key)) return c.text;
  const auto spec = std::find_if(plan.nodes.begin(), plan.nodes.end(),
                                 [&](const NodeSpec& n) { return same_id(n.id, c.value); });
  if (spec == plan.nodes.end()) return c.text;  // not a plan node: taken as a Docker ID
  const NodeState* node = nullptr;
  for (const NodeState& n : observed.nodes) node = n.name == spec->name ? &n : node;
  if (!node) {
    why = "'" + c.text + "' names node " + spec->name + ", which is not in the cluster";
    return "";
  }
  if (node->id.empty()) {
    why = "'" + c.text + "': the cluster's ID of " + spec->name + " is not known";
    return "";
  }
  return c.key + std::string(op_text(c.op)) + node->id;
}

std::string constraint_for_plan(const std::string& text, const Plan& plan,
                                const ClusterState& observed) {
  const Result<Constraint> c = parse_constraint(text);
  if (!c || !is_node_id_key(c.value().key)) return squeeze(text);
  const std::string& id = c.value().value;
  for (const NodeState& n : observed.nodes) {
    if (n.id.empty() || !same_id(n.id, id)) continue;
    const int i = plan.node_index(n.name);
    const std::string name = i >= 0 ? plan.nodes[static_cast<std::size_t>(i)].id : n.name;
    return c.value().key + std::string(op_text(c.value().op)) + name;
  }
  return squeeze(text) + " (no node has this ID)";
}

std::string describe(const PlanDifference& d) {
  auto shown = [](const std::string& v) { return v.empty() ? std::string("(none)") : v; };
  return d.subject + ": " + d.field + ": plan " + shown(d.planned) + ", cluster " + shown(d.observed);
}

}  // namespace clawsim
