#include "sim/change_replay.h"

#include <algorithm>
#include <map>

#include "model/quorum.h"
#include "sim/sim_cluster.h"

namespace clawsim {

namespace {

QuorumMargin margin_of(const SimCluster& cluster) { return quorum_margin(cluster.observe()); }

}  // namespace

QuorumMargin quorum_margin(const ClusterState& state) {
  QuorumMargin q;
  int members = 0;
  for (const NodeState& n : state.nodes) {
    if (n.role != "manager") continue;
    ++q.managers;
    ++members;
    if (n.manager_status == "Leader" || n.manager_status == "Reachable") ++q.healthy;
    if (n.manager_status == "Leader") q.leader = n.name;
  }
  q.majority = majority(members);
  return q;
}

namespace {

std::vector<std::string> down_services(const SimCluster& cluster) {
  std::vector<std::string> out;
  for (const ServiceState& s : cluster.observe().services) {
    if (!s.up) out.push_back(s.name + ": " + s.reason);
  }
  return out;
}

std::string name_of(const std::string& down) { return down.substr(0, down.find(':')); }

Action action_for(const ChangeStep& s, ActionKind kind) {
  Action a;
  a.kind = kind;
  a.node = s.node;
  a.via = s.on_node;
  a.service = s.service;
  a.constraint_add = s.constraint_add;
  a.constraint_rm = s.constraint_rm;
  a.replicas = s.replicas;
  return a;
}

// `docker node update` with several flags is one API call: the first refusal is the answer.
Answer node_update(SimCluster& cluster, const ChangeStep& s) {
  std::vector<Action> actions;
  if (s.availability) {
    const ActionKind k = *s.availability == Availability::kDrain   ? ActionKind::kDrain
                         : *s.availability == Availability::kPause ? ActionKind::kPause
                                                                    : ActionKind::kActivate;
    actions.push_back(action_for(s, k));
  }
  for (const auto& [key, value] : s.label_add) {
    Action a = action_for(s, ActionKind::kLabelAdd);
    a.label_key = key;
    a.label_value = value;
    actions.push_back(a);
  }
  for (const std::string& key : s.label_rm) {
    Action a = action_for(s, ActionKind::kLabelRm);
    a.label_key = key;
    actions.push_back(a);
  }
  Answer answer = Answer::ok();
  for (const Action& a : actions) {
    answer = cluster.apply(a);
    if (!answer) break;
  }
  return answer;
}

ServiceSpec spec_for(const ChangeStep& s) {
  ServiceSpec spec;
  spec.name = s.service;
  spec.image = s.image;
  spec.global = s.global;
  if (s.replicas) spec.replicas = *s.replicas;
  for (const std::string& text : s.constraint_add) {
    Result<Constraint> c = parse_constraint(text);
    if (c) spec.constraints.push_back(std::move(c).value());
  }
  return spec;
}

// The node a command is typed on: its prompt's, else the leader, else a running manager (the
// operator types on some manager); -1 when there is none.
int via_of(const SimCluster& cluster, const ChangeStep& s) {
  if (!s.on_node.empty()) return cluster.plan().node_index(s.on_node);
  if (cluster.leader() >= 0) return cluster.leader();
  for (std::size_t i = 0; i < cluster.nodes().size(); ++i) {
    const SimNode& n = cluster.nodes()[i];
    if (n.manager && n.host_up && n.daemon_up) return static_cast<int>(i);
  }
  return -1;
}

// Performs one step on the simulated swarm; returns what the operator would read.
Answer perform(SimCluster& cluster, const ChangeStep& s) {
  const Plan& plan = cluster.plan();
  const int node = plan.node_index(s.node.empty() ? s.on_node : s.node);
  switch (s.kind) {
    case ChangeKind::kNodePromote: return cluster.apply(action_for(s, ActionKind::kPromote));
    case ChangeKind::kNodeDemote: return cluster.apply(action_for(s, ActionKind::kDemote));
    case ChangeKind::kNodeUpdate: return node_update(cluster, s);
    case ChangeKind::kNodeRm: return cluster.remove_node(node, s.force, via_of(cluster, s));
    case ChangeKind::kServiceCreate: return cluster.create_service(spec_for(s), via_of(cluster, s));
    case ChangeKind::kServiceUpdate: {
      Action a = action_for(s, ActionKind::kServiceUpdate);
      a.force = s.force || !s.image.empty();
      return cluster.apply(a);
    }
    case ChangeKind::kServiceRm: return cluster.remove_service(s.service, via_of(cluster, s));
    case ChangeKind::kForceNewCluster: {
      Action a = action_for(s, ActionKind::kForceNewCluster);
      a.node = s.on_node;
      return cluster.apply(a);
    }
    case ChangeKind::kSwarmJoin: return cluster.join(node, s.join_as == "manager");
    case ChangeKind::kSwarmLeave: return cluster.leave(node, s.force);
    case ChangeKind::kUfw: return cluster.apply_ufw(node, s.ufw_command);
    case ChangeKind::kDaemon: {  // systemctl is silent; a restart is a stop, then a start
      Action a;
      a.node = s.on_node;
      if (s.daemon_action != "start") {
        a.kind = ActionKind::kStopDaemon;
        if (Answer r = cluster.apply(a); !r) return r;
      }
      if (s.daemon_action != "stop") {
        a.kind = ActionKind::kStartDaemon;
        return cluster.apply(a);
      }
      return Answer::ok();
    }
    case ChangeKind::kRead:  // a docker read needs a manager; `ufw status` answers anywhere
      if (!s.ufw_command.empty()) return Answer::ok();
      if (const int via = via_of(cluster, s); via >= 0) {
        const std::string answer = cluster.api_answer(via, false);
        return answer == "ok" ? Answer::ok() : Answer::refused(answer);
      }
      return Answer::refused("no manager to send the command to");
  }
  return Answer::ok();
}

DurationMs quorum_lost_during(const Timeline& changes, bool held_at_start, TimeMs from, TimeMs to) {
  DurationMs lost = 0;
  TimeMs since = held_at_start ? -1 : from;
  for (const Change& c : changes) {
    if (c.kind != Aspect::kQuorum) continue;
    if (c.detail == "lost" && since < 0) since = c.t_ms;
    if (c.detail == "held" && since >= 0) {
      lost += c.t_ms - since;
      since = -1;
    }
  }
  if (since >= 0) lost += to - since;
  return lost;
}

// How long each service was down while a step settled: those down at its start count from
// `from`; only services that were down at some point appear.
std::map<std::string, DurationMs> downtime_during(const Timeline& changes, const std::vector<std::string>& down_at_start,
                                                  TimeMs from, TimeMs to) {
  std::map<std::string, TimeMs> since;
  for (const std::string& d : down_at_start) since[name_of(d)] = from;
  std::map<std::string, DurationMs> out;
  for (const Change& c : changes) {
    if (c.kind != Aspect::kService) continue;
    const bool up = c.detail.rfind("up", 0) == 0;
    const auto it = since.find(c.subject);
    if (!up && it == since.end()) {
      since[c.subject] = c.t_ms;
    } else if (up && it != since.end()) {
      out[c.subject] += c.t_ms - it->second;
      since.erase(it);
    }
  }
  for (const auto& [service, t] : since) out[service] += to - t;
  std::erase_if(out, [](const auto& entry) { return entry.second == 0; });  // flipped at one instant
  return out;
}

}  // namespace

int ChangeReport::refused_steps() const {
  return static_cast<int>(std::count_if(steps.begin(), steps.end(),
                                        [](const StepReport& s) { return s.refused; }));
}

bool ChangeReport::quorum_ever_lost() const {
  return std::any_of(steps.begin(), steps.end(), [](const StepReport& s) {
    return s.quorum_lost_for_ms > 0 || s.quorum.margin() < 0;
  });
}

std::vector<std::string> ChangeReport::lost_services() const {
  std::vector<std::string> out;
  if (steps.empty()) return out;
  for (const std::string& d : steps.back().down) {
    const std::string name = name_of(d);
    const bool was_down = std::any_of(before_down.begin(), before_down.end(),
                                      [&](const std::string& b) { return name_of(b) == name; });
    if (!was_down) out.push_back(d);
  }
  return out;
}

std::vector<std::string> ChangeReport::down_on_the_way() const {
  std::vector<std::string> out;
  if (steps.empty()) return out;
  auto down_in = [](const std::vector<std::string>& list, const std::string& name) {
    return std::any_of(list.begin(), list.end(),
                       [&](const std::string& d) { return name_of(d) == name; });
  };
  std::vector<std::string> names;  // in the order they first go down
  for (const StepReport& s : steps) {
    for (const std::string& d : s.down) {
      const std::string name = name_of(d);
      if (!down_in(before_down, name) && !down_in(steps.back().down, name) &&
          std::find(names.begin(), names.end(), name) == names.end()) {
        names.push_back(name);
      }
    }
  }
  for (const std::string& name : names) {
    std::size_t first = steps.size(), last = 0;
    for (std::size_t i = 0; i < steps.size(); ++i) {
      if (!down_in(steps[i].down, name)) continue;
      first = std::min(first, i);
      last = i;
    }
    out.push_back(name + " (step" + (first == last ? " " + std::to_string(first + 1)
                                                   : "s " + std::to_string(first + 1) + "-" +
                                                         std::to_string(last + 1)) +
                  ")");
  }
  return out;
}

std::string describe(const QuorumMargin& q) {
  std::string out = std::to_string(q.managers) + (q.managers == 1 ? " manager" : " managers") +
                    " (leader " + (q.leader.empty() ? "none" : q.leader) + "), " +
                    std::to_string(q.healthy) + " healthy, a quorum is " +
                    std::to_string(q.majority) + ": ";
  if (q.margin() < 0) return out + "NO QUORUM";
  if (q.margin() == 0) return out + "margin 0, one more manager lost costs the quorum";
  return out + "margin " + std::to_string(q.margin());
}

int ChangeReport::new_errors() const {
  int n = 0;
  for (const Finding& f : new_findings(after_findings, before_findings)) n += f.severity == Severity::kError;
  return n;
}

bool ChangeReport::pass() const {
  return refused_steps() == 0 && !quorum_ever_lost() && lost_services().empty() && new_errors() == 0;
}

ChangeReport replay_change(const std::shared_ptr<const Plan>& plan, const ChangeSet& change,
                           const ReplaySettings& settings) {
  ChangeReport report;
  report.change_file = change.file;
  report.seed = settings.seed;
  report.settle_ms = settings.settle_ms;
  SimCluster cluster(plan, settings.seed);
  cluster.run_until(settings.warmup_ms);
  (void)cluster.take_changes();
  report.before_quorum = margin_of(cluster);
  report.before_down = down_services(cluster);
  Plan state = *plan;
  report.before_findings = lint_plan(state);
  std::vector<Finding> findings = report.before_findings;
  TimeMs t = settings.warmup_ms;
  for (const ChangeStep& step : change.steps) {
    StepReport r;
    r.step = step;
    const bool quorum_before = cluster.has_quorum();
    const std::vector<std::string> down_before = down_services(cluster);
    const Answer answer = perform(cluster, step);
    r.answer = answer.text();
    r.refused = !answer;
    if (!r.refused || step.kind == ChangeKind::kUfw) apply_to_plan(state, step);
    cluster.run_until(t + settings.settle_ms);
    const Timeline changes = cluster.take_changes();
    r.quorum_lost_for_ms = quorum_lost_during(changes, quorum_before, t, t + settings.settle_ms);
    r.downtime_ms = downtime_during(changes, down_before, t, t + settings.settle_ms);
    t += settings.settle_ms;
    r.quorum = margin_of(cluster);
    r.down = down_services(cluster);
    std::vector<Finding> now = lint_plan(state);
    r.new_findings = new_findings(now, findings);
    r.cleared = new_findings(findings, now);
    findings = std::move(now);
    report.steps.push_back(std::move(r));
  }
  report.after_findings = findings;
  const int leader = cluster.leader();
  if (leader >= 0) state.leader = plan->nodes[static_cast<std::size_t>(leader)].name;
  report.end_plan = std::move(state);
  return report;
}

}  // namespace clawsim
