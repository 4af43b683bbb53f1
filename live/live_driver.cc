#include "live/live_driver.h"

#include <algorithm>
#include <optional>
#include <thread>

#include "model/constraint.h"
#include "model/service_graph.h"
#include "model/shell_quote.h"

namespace clawsim {

namespace {

std::string q(const std::string& s) { return shell_quote(s); }

const TaskState* current_task(const ClusterState& s, const std::string& service) {
  const TaskState* found = nullptr;
  for (const TaskState& t : s.tasks) {
    if (t.service == service && t.desired == "running") found = &t;
  }
  return found;
}

const TaskState* running_task(const ClusterState& s, const std::string& service) {
  for (const TaskState& t : s.tasks) {
    if (t.service == service && t.state == "running") return &t;
  }
  return nullptr;
}

std::string task_detail(const TaskState& t) {
  std::string d = "slot " + std::to_string(t.slot) + ": " + t.state;
  if (!t.node.empty()) d += " on " + t.node;
  if (!t.message.empty()) d += ": " + t.message;
  return d;
}

// Deletes an iptables rule when it is there: an undo whose fault never ran (clawsim killed in
// between) or was undone already succeeds and changes nothing; iptables' own failures (exit 2
// and above, not "no such rule") still fail it.
std::string iptables_delete(const std::string& rule) {
  return "{ iptables -C " + rule + " 2>/dev/null; c=$?; if [ $c -eq 0 ]; then iptables -D " + rule +
         "; elif [ $c -ne 1 ]; then iptables -C " + rule + "; fi; }";
}

}  // namespace

Timeline changes_between(const ClusterState* prev, const ClusterState& cur, TimeMs t) {
  Timeline out;
  auto changed = [&](const std::string& a, const std::string& b) { return !prev || a != b; };
  const std::string leader = cur.leader.empty() ? "none" : cur.leader;
  const std::string prev_leader = prev ? (prev->leader.empty() ? "none" : prev->leader) : "";
  if (changed(prev_leader, leader)) out.push_back({t, Aspect::kLeader, "cluster", leader});
  const std::string quorum = cur.quorum ? "held" : "lost";
  if (!prev || prev->quorum != cur.quorum) out.push_back({t, Aspect::kQuorum, "cluster", quorum});
  for (const NodeState& n : cur.nodes) {
    const NodeState* p = nullptr;
    if (prev) {
      for (const NodeState& m : prev->nodes) p = m.name == n.name ? &m : p;
    }
    if (!p || p->status != n.status) out.push_back({t, Aspect::kNode, n.name, n.status});
    if (p && p->availability != n.availability) out.push_back({t, Aspect::kAvailability, n.name, n.availability});
    if (p && p->role != n.role) out.push_back({t, Aspect::kRole, n.name, n.role});
  }
  for (const ServiceState& s : cur.services) {
    const TaskState* task = current_task(cur, s.name);
    const TaskState* before = prev ? current_task(*prev, s.name) : nullptr;
    const std::string detail = task ? task_detail(*task) : "no task";
    const std::string before_detail = before ? task_detail(*before) : "no task";
    if (!prev || before_detail != detail) out.push_back({t, Aspect::kTask, s.name, detail});  // "no task" once
    const ServiceState* ps = nullptr;
    if (prev) {
      for (const ServiceState& x : prev->services) ps = x.name == s.name ? &x : ps;
    }
    const std::string sd = s.up ? "up" : "down: " + s.reason;
    if (!ps || (ps->up ? "up" : "down: " + ps->reason) != sd) out.push_back({t, Aspect::kService, s.name, sd});
    // As the model records them: for a replicated service of more than one replica.
    auto count = [](const ServiceState& x) {
      return x.replicas > 1 && x.serving >= 0 ? std::to_string(x.serving) + "/" + std::to_string(x.replicas) : "";
    };
    if (!count(s).empty() && (!ps || count(*ps) != count(s))) out.push_back({t, Aspect::kReplicas, s.name, count(s)});
  }
  return out;
}

LiveDriver::LiveDriver(RemoteCluster& cluster, const Plan& plan, JournalSink& journal, LiveGuards guards,
                       DurationMs observe_interval_ms, Clock& clock)
    : cluster_(cluster),
      plan_(plan),
      journal_(journal),
      guards_(guards),
      observe_interval_ms_(observe_interval_ms),
      clock_(clock),
      start_ms_(clock.now_ms()),
      api_seen_(cluster.inventory().nodes.size()) {
  sample();
}

TimeMs LiveDriver::now() const { return clock_.now_ms() - start_ms_; }

void LiveDriver::advance_to(TimeMs t_ms) {
  while (!aborted() && now() < t_ms) {
    const TimeMs next = std::min(t_ms, now() + observe_interval_ms_);
    while (now() < next) {
      if (guards_.stop && guards_.stop->load()) {
        abort("interrupted (SIGINT/SIGTERM)");
        return;
      }
      clock_.sleep_for_ms(std::min<TimeMs>(100, next - now()));
    }
    sample();
  }
}

void LiveDriver::sample() {
  const TimeMs began = now();
  ClusterState s;
  std::string error;
  const int hint = last_.leader.empty() ? -1 : cluster_.inventory().node_index(last_.leader);
  // The cluster view (through one manager) and every node's own answer, at the same time.
  std::vector<int> all(api_seen_.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int>(i);
  std::vector<ApiAnswer> answers;
  std::thread asking([&] { answers = cluster_.api_answers(all); });
  const bool observed = cluster_.observe(s, error, hint);
  asking.join();
  if (!observed) {
    s = last_;  // what we last knew of nodes and tasks; no manager answers now
    s.leader.clear();
  }
  s.t_ms = now();
  // What this sample sees changed after the start of the last call that saw it as before: the
  // nodes' own answers (and the leader they name) are asked every time; the rest of the
  // cluster's view only when a manager answered.
  const DurationMs api_uncertain = have_last_ ? s.t_ms - last_began_ : 0;
  const DurationMs state_uncertain = have_last_ ? s.t_ms - last_observed_began_ : 0;
  // Every node's own API answer, in parallel: a manager whose daemon answers at all is a
  // running member; a node whose daemon does not answer breaks the services that need it.
  int managers = 0, running = 0;
  std::map<std::string, NodeView> view;
  std::map<std::string, int> named_leader;  // how many managers name each leader
  for (int i = 0; i < static_cast<int>(api_seen_.size()); ++i) {
    const std::string& name = cluster_.inventory().nodes[static_cast<std::size_t>(i)].name;
    const std::string& answer = answers[static_cast<std::size_t>(i)].answer;
    const bool down = answer.find("Cannot connect to the Docker daemon") != std::string::npos ||
                      answer.find(name + " (") == 0 || answer.find(name + ":") == 0;
    view[name] = NodeView{answer, !cluster_.powered_off(i), !down, -1};
    const auto seen = std::find_if(s.nodes.begin(), s.nodes.end(),
                                   [&](const NodeState& n) { return n.name == name; });
    if (seen != s.nodes.end()) seen->daemon_up = !down;
    if (seen == s.nodes.end() || seen->role != "manager") continue;
    ++managers;
    running += down ? 0 : 1;
    if (answer == "ok" && !answers[static_cast<std::size_t>(i)].leader.empty()) {
      ++named_leader[answers[static_cast<std::size_t>(i)].leader];
    }
    if (answer != api_seen_[static_cast<std::size_t>(i)]) {
      api_seen_[static_cast<std::size_t>(i)] = answer;
      changes_.push_back({s.t_ms, Aspect::kApi, name, answer, api_uncertain});
    }
  }
  // Two managers may each call another the leader: an old leader cut off from the others goes on
  // answering as one until CheckQuorum steps it down, while they have elected a new one. As in
  // the model (the leader of the highest term), the leader is the one most managers name; on a
  // tie, the one the observation names.
  for (const auto& [name, votes] : named_leader) {
    const auto current = named_leader.find(s.leader);
    if (votes > (current == named_leader.end() ? 0 : current->second)) s.leader = name;
  }
  // As in the model: quorum is a majority of the managers running, whether or not an
  // election is under way (partitions between running managers are not seen this way).
  s.quorum = managers > 0 && running >= managers / 2 + 1;
  probe_nfs(s, view);
  apply_dependencies(s, view);
  Timeline c = changes_between(have_last_ ? &last_ : nullptr, s, s.t_ms);
  // The leader and the quorum are read every time, from every manager's own answer as well as
  // the observation: a sample in which no manager names a leader has seen none.
  for (Change& x : c) {
    x.uncertain_ms = x.kind == Aspect::kLeader || x.kind == Aspect::kQuorum ? api_uncertain : state_uncertain;
  }
  changes_.insert(changes_.end(), c.begin(), c.end());
  last_began_ = began;
  if (observed || !have_last_) last_observed_began_ = began;
  last_ = std::move(s);
  have_last_ = true;
  check_guards();
  if (on_sample_) on_sample_(last_.t_ms);
}

// As in the model: a service is down while what it needs is (the swarm's API, the docker
// daemon of the node it runs on) and while a service it depends on is, in dependency order.
// For each node running a task of a service that needs NFS: can it reach the export now?
void LiveDriver::probe_nfs(const ClusterState& s, std::map<std::string, NodeView>& view) {
  if (!plan_.nfs) return;
  const int server = plan_.node_index(plan_.nfs->server);
  for (const ServiceSpec& spec : plan_.services) {
    if (std::find(spec.needs.begin(), spec.needs.end(), Dependency::kNfs) == spec.needs.end()) continue;
    const TaskState* task = running_task(s, spec.name);
    const int node = task ? cluster_.inventory().node_index(task->node) : -1;
    if (node < 0 || view[task->node].nfs_reachable >= 0) continue;
    view[task->node].nfs_reachable =
        cluster_.tcp_reachable(node, plan_.nodes[static_cast<std::size_t>(server)].address, 2049) ? 1 : 0;
  }
}

void LiveDriver::apply_dependencies(ClusterState& s, const std::map<std::string, NodeView>& view) const {
  for (int p : dependency_order(plan_.services).order) {
    const ServiceSpec& spec = plan_.services[static_cast<std::size_t>(p)];
    const auto sv = std::find_if(s.services.begin(), s.services.end(),
                                 [&](const ServiceState& x) { return x.name == spec.name; });
    if (sv == s.services.end()) continue;
    if (!sv->up) {
      sv->serving = 0;
      continue;
    }
    auto needs = [&](Dependency d) { return std::find(spec.needs.begin(), spec.needs.end(), d) != spec.needs.end(); };
    // A running task on a host that is up, if there is one: a replica elsewhere still serves.
    const TaskState* task = running_task(s, spec.name);
    int on_live_hosts = 0;
    for (const TaskState& t : s.tasks) {
      const auto at = view.find(t.node);
      if (t.service != spec.name || t.state != "running" || at == view.end() || !at->second.host_up) continue;
      if (needs(Dependency::kDockerDaemon) && !at->second.daemon_up) continue;
      if (on_live_hosts++ == 0) task = &t;
    }
    const auto node = task ? std::find_if(s.nodes.begin(), s.nodes.end(),
                                          [&](const NodeState& n) { return n.name == task->node; })
                           : s.nodes.end();
    const auto v = task ? view.find(task->node) : view.end();
    if (needs(Dependency::kQuorum) && (s.leader.empty() || (v != view.end() && v->second.api != "ok"))) {
      sv->up = false;  // the service uses the API of its own node
      sv->reason = s.leader.empty() ? "the swarm has no leader"
                                    : "the API on " + task->node + " answers: " + v->second.api;
    } else if (v != view.end() && !v->second.host_up) {
      // The managers still list its task as running until the node is marked Down; its
      // containers died with the power, as in the model.
      sv->up = false;
      sv->reason = task->node + " is powered off";
    } else if (spec.manager_only && node != s.nodes.end() && node->role != "manager") {
      sv->up = false;
      sv->reason = "runs on " + node->name + ", which is not a manager";
    } else if (needs(Dependency::kDockerDaemon) && v != view.end() && !v->second.daemon_up) {
      sv->up = false;
      sv->reason = "docker daemon stopped on " + task->node;
    } else if (needs(Dependency::kNfs) && v != view.end() && v->second.nfs_reachable == 0) {
      sv->up = false;
      sv->reason = "NFS export unreachable from " + task->node;
    }
    for (const std::string& dep : spec.depends_on) {
      const auto d = std::find_if(s.services.begin(), s.services.end(),
                                  [&](const ServiceState& x) { return x.name == dep; });
      if (sv->up && d != s.services.end() && !d->up) {
        sv->up = false;
        sv->reason = "depends on " + dep + ", which is down";
      }
    }
    sv->serving = sv->up ? std::min(on_live_hosts, std::max(sv->replicas, 0)) : 0;
  }
}

void LiveDriver::check_guards() {
  if (aborted()) return;
  if (guards_.time_limit_ms > 0 && now() > guards_.time_limit_ms) {
    abort("time limit of " + std::to_string(guards_.time_limit_ms) + " ms exceeded");
    return;
  }
  if (!guards_.allow_quorum_loss && !last_.quorum) {
    abort("the swarm lost its quorum, which this drill did not allow (--allow quorum-loss)");
    return;
  }
  for (const TaskState& t : last_.tasks) {
    if (t.state != "running" || t.node.empty()) continue;
    const int s = plan_.service_index(t.service);
    const auto n = std::find_if(last_.nodes.begin(), last_.nodes.end(),
                                [&](const NodeState& x) { return x.name == t.node; });
    if (s < 0 || n == last_.nodes.end()) continue;
    // The safe envelope is the plan: a label the drill moved does not make a node trusted.
    const int p = plan_.node_index(n->name);
    NodeFacts f;
    f.hostname = n->name;
    f.role = n->role;
    if (p >= 0) f.labels = plan_.nodes[static_cast<std::size_t>(p)].labels;
    for (const Constraint& c : plan_.services[static_cast<std::size_t>(s)].constraints) {
      if (c.key.rfind("node.labels.", 0) == 0 && !constraint_matches(c, f)) {
        abort("guard: " + t.service + " runs on " + t.node + ", which does not meet '" + c.text +
              "' in the plan");
        return;
      }
    }
  }
}

void LiveDriver::abort(const std::string& reason) {
  if (!aborted()) {
    abort_reason_ = reason;
    changes_.push_back({now(), Aspect::kAction, "abort", reason});
  }
}

Timeline LiveDriver::take_changes() {
  Timeline out;
  out.swap(changes_);
  return out;
}

int LiveDriver::resolve(const std::string& ref) const {
  const Inventory& inv = cluster_.inventory();
  auto faulted = [&](int i) { return std::find(stopped_.begin(), stopped_.end(), i) != stopped_.end(); };
  auto role_of = [&](const std::string& name) {
    for (const NodeState& n : last_.nodes) {
      if (n.name == name) return n.role;
    }
    return std::string();
  };
  if (ref == "@leader") return last_.leader.empty() ? -1 : inv.node_index(last_.leader);
  if (ref == "@crashed") return stopped_.empty() ? -1 : stopped_.back();
  if (ref == "@nfs-server") return plan_.nfs ? inv.node_index(plan_.nfs->server) : -1;
  if (ref == "@follower" || ref == "@worker") {
    for (int i = 0; i < static_cast<int>(inv.nodes.size()); ++i) {
      const std::string& name = inv.nodes[static_cast<std::size_t>(i)].name;
      const bool manager = role_of(name) == "manager";
      if (faulted(i) || name == last_.leader) continue;
      if ((ref == "@follower") == manager) return i;
    }
    return -1;
  }
  if (ref == "@dashboard") {
    const TaskState* t = current_task(last_, plan_.dashboard_service);
    return t ? inv.node_index(t->node) : -1;
  }
  return inv.node_index(ref);
}

int LiveDriver::manager_for_api() const {
  const Inventory& inv = cluster_.inventory();
  if (!last_.leader.empty()) return inv.node_index(last_.leader);
  for (const NodeState& n : last_.nodes) {
    if (n.role == "manager" && n.status == "ready") return inv.node_index(n.name);
  }
  return -1;
}

std::string LiveDriver::cannot_perform(const Action& a) const {
  return live_cannot_perform(a, cluster_.inventory());
}

std::string live_cannot_perform(const Action& a, const Inventory& inventory) {
  switch (a.kind) {
    case ActionKind::kCrashNode:
    case ActionKind::kRestartNode:
      for (const InventoryNode& n : inventory.nodes) {
        const bool named = !a.node.empty() && a.node[0] != '@';
        if ((!named || n.name == a.node) && n.commands.power_off.empty()) {
          return std::string(to_string(a.kind)) + " needs power control: " + n.name +
                 " has no power_off/power_on commands in the inventory" +
                 (named ? "" : " (" + a.node + " may name any node)");
        }
      }
      break;
    case ActionKind::kForceNewCluster:
      return "force-new-cluster cannot be undone; it is not run live";
    case ActionKind::kDegrade:
    case ActionKind::kRestore:
      return "degrade/restore need tc netem on the nodes; not supported live yet";
    default:
      break;
  }
  for (const std::string& ref : {a.node, a.via}) {
    if (!ref.empty() && ref[0] != '@' && inventory.node_index(ref) < 0) {
      return "node '" + ref + "' is not in the inventory";
    }
  }
  return "";
}

std::string LiveDriver::iptables_partition(int node, const std::vector<int>& others, bool add) const {
  std::string cmd;
  for (int o : others) {
    const int p = plan_.node_index(cluster_.inventory().nodes[static_cast<std::size_t>(o)].name);
    if (p < 0) continue;
    const std::string& addr = plan_.nodes[static_cast<std::size_t>(p)].address;
    const std::string in = "INPUT -s " + addr + " -m comment --comment clawsim -j DROP";
    const std::string out = "OUTPUT -d " + addr + " -m comment --comment clawsim -j DROP";
    cmd += (cmd.empty() ? "" : " && ") +
           (add ? "iptables -I " + in + " && iptables -I " + out : iptables_delete(in) + " && " + iptables_delete(out));
  }
  (void)node;
  return cmd;
}

std::vector<LiveDriver::Step> LiveDriver::steps_for(const Action& a, std::string& why_not) const {
  why_not = cannot_perform(a);
  if (!why_not.empty()) return {};
  const Inventory& inv = cluster_.inventory();
  const int node = a.node.empty() ? -1 : resolve(a.node);
  const std::string name = node >= 0 ? inv.nodes[static_cast<std::size_t>(node)].name : "";
  if (!a.node.empty() && node < 0) {
    why_not = "no node matches '" + a.node + "' now";
    return {};
  }
  const NodeState* seen = nullptr;
  for (const NodeState& n : last_.nodes) seen = n.name == name ? &n : seen;
  const NodeCommands* cmds = node >= 0 ? &inv.nodes[static_cast<std::size_t>(node)].commands : nullptr;
  switch (a.kind) {
    case ActionKind::kCrashNode: return {{node, cmds->power_off, node, cmds->power_on, true}};
    case ActionKind::kRestartNode: return {{node, cmds->power_on, -1, "", true}};
    case ActionKind::kStopDaemon: return {{node, cmds->daemon_stop, node, cmds->daemon_start}};
    case ActionKind::kStartDaemon: return {{node, cmds->daemon_start, -1, ""}};
    case ActionKind::kDemote: return {{-1, "node demote " + q(name), -1, "node promote " + q(name)}};
    case ActionKind::kPromote: return {{-1, "node promote " + q(name), -1, "node demote " + q(name)}};
    case ActionKind::kDrain:
    case ActionKind::kPause:
    case ActionKind::kActivate: {
      const std::string want = a.kind == ActionKind::kDrain ? "drain" : a.kind == ActionKind::kPause ? "pause" : "active";
      const std::string before = seen ? seen->availability : "active";
      return {{-1, "node update --availability " + want + " " + q(name), -1,
               before == want ? "" : "node update --availability " + before + " " + q(name)}};
    }
    case ActionKind::kLabelAdd: {
      std::string undo = "node update --label-rm " + q(a.label_key) + " " + q(name);
      if (seen && seen->labels.count(a.label_key)) {
        undo = "node update --label-add " + q(a.label_key + "=" + seen->labels.at(a.label_key)) + " " + q(name);
      }
      return {{-1, "node update --label-add " + q(a.label_key + "=" + a.label_value) + " " + q(name), -1, undo}};
    }
    case ActionKind::kLabelRm: {
      const std::string value = seen && seen->labels.count(a.label_key) ? seen->labels.at(a.label_key) : "";
      return {{-1, "node update --label-rm " + q(a.label_key) + " " + q(name), -1,
               "node update --label-add " + q(a.label_key + "=" + value) + " " + q(name)}};
    }
    case ActionKind::kPartition: {
      std::vector<int> group(inv.nodes.size(), 0);
      for (std::size_t g = 0; g < a.groups.size(); ++g) {
        for (const std::string& ref : a.groups[g]) {
          const int i = resolve(ref);
          if (i < 0) {
            why_not = "no node matches '" + ref + "' now";
            return {};
          }
          group[static_cast<std::size_t>(i)] = static_cast<int>(g) + 1;
        }
      }
      std::vector<Step> steps;
      for (int i = 0; i < static_cast<int>(inv.nodes.size()); ++i) {
        std::vector<int> others;
        for (int j = 0; j < static_cast<int>(inv.nodes.size()); ++j) {
          if (group[static_cast<std::size_t>(j)] != group[static_cast<std::size_t>(i)]) others.push_back(j);
        }
        if (!others.empty()) {
          steps.push_back({i, iptables_partition(i, others, true), i, iptables_partition(i, others, false)});
        }
      }
      return steps;
    }
    case ActionKind::kBlockPort:
    case ActionKind::kUnblockPort: {
      const std::string rule = "INPUT -p " + a.proto + " --dport " + std::to_string(a.port) +
                               " -m comment --comment clawsim -j DROP";
      if (a.kind == ActionKind::kUnblockPort) return {{node, iptables_delete(rule), -1, ""}};
      return {{node, "iptables -I " + rule, node, iptables_delete(rule)}};
    }
    case ActionKind::kNfsStop:
    case ActionKind::kNfsStart: {
      const int server = resolve("@nfs-server");
      if (server < 0) {
        why_not = "the NFS server is not in the inventory";
        return {};
      }
      const NodeCommands& c = inv.nodes[static_cast<std::size_t>(server)].commands;
      if (a.kind == ActionKind::kNfsStart) return {{server, c.nfs_start, -1, ""}};
      return {{server, c.nfs_stop, server, c.nfs_start}};
    }
    case ActionKind::kServiceUpdate: {
      std::string cmd = "service update --detach", undo = "service update --detach";
      for (const std::string& c : a.constraint_add) {
        cmd += " --constraint-add " + q(c);
        undo += " --constraint-rm " + q(c);
      }
      for (const std::string& c : a.constraint_rm) {
        cmd += " --constraint-rm " + q(c);
        undo += " --constraint-add " + q(c);
      }
      if (a.replicas) {
        int before = -1;
        for (const ServiceState& s : last_.services) before = s.name == a.service ? s.replicas : before;
        cmd += " --replicas " + std::to_string(*a.replicas);
        if (before >= 0) undo += " --replicas " + std::to_string(before);
      }
      return {{-1, cmd + " " + q(a.service), -1, undo + " " + q(a.service)}};
    }
    case ActionKind::kHeal: {
      std::vector<Step> steps;
      for (const JournalEntry& e : outstanding_) {
        if (e.action.rfind("partition", 0) == 0) steps.push_back({e.undo_node, e.undo, -1, ""});
      }
      return steps;
    }
    default:
      why_not = std::string(to_string(a.kind)) + " is not supported live";
      return {};
  }
}

std::vector<std::string> LiveDriver::dry_run(const Action& action) const {
  std::string why_not;
  const std::vector<Step> steps = steps_for(action, why_not);
  if (!why_not.empty()) return {"cannot: " + why_not};
  const Inventory& inv = cluster_.inventory();
  auto where = [&](int node, bool here) {
    if (node < 0) return std::string("docker, via the leader");
    const std::string& name = inv.nodes[static_cast<std::size_t>(node)].name;
    return here ? "here, for " + name : "on " + name;
  };
  std::vector<std::string> out;
  for (const Step& s : steps) {
    out.push_back(where(s.node, s.here) + ": " + s.command +
                  (s.undo.empty() ? "" : "; undo " + where(s.undo_node, s.here) + ": " + s.undo));
  }
  return out;
}

// Whether the step's command worked (its exit status), with Docker's own words for a
// demote/promote, or why it failed.
Answer LiveDriver::run_step(const Step& step) {
  const Inventory& inv = cluster_.inventory();
  // A transport error names the node already; an exit status does not.
  auto said = [&](int node, const CommandResult& r) {
    return r.error.empty() ? inv.nodes[static_cast<std::size_t>(node)].name + ": " + r.describe() : r.error;
  };
  // No answer at all (no connection, timed out) is not a refusal: the drill cannot see what the
  // command did.
  auto failed = [&](int node, const CommandResult& r) {
    return !r.error.empty() || r.timed_out ? Answer::no_answer(said(node, r)) : Answer::refused(said(node, r));
  };
  if (step.here) {  // power control: on this machine, whose answer is always had
    const NodeCommands& c = inv.nodes[static_cast<std::size_t>(step.node)].commands;
    const CommandResult r = cluster_.run_here(step.node, step.command);
    // Off once power_off worked; on again once power_on ran, whatever it answered (a node
    // half booted is better dialled than assumed dead).
    if (step.command == c.power_off && r.ok()) cluster_.set_powered_off(step.node, true);
    if (step.command == c.power_on) cluster_.set_powered_off(step.node, false);
    return r.ok() ? Answer::ok() : Answer::refused(said(step.node, r));
  }
  if (step.node >= 0) {
    const bool off = cluster_.powered_off(step.node);  // "powered off" is the drill's own doing
    const CommandResult r = cluster_.run(step.node, step.command);
    if (r.ok()) return Answer::ok();
    return off ? Answer::refused(said(step.node, r)) : failed(step.node, r);
  }
  const int via = manager_for_api();
  if (via < 0) return Answer::refused("no manager to send the command to");
  const CommandResult r = cluster_.docker(via, step.command);
  if (!r.ok()) return r.error.empty() && !r.timed_out ? Answer::refused(r.describe()) : Answer::no_answer(r.describe());
  std::string out = r.out;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  const bool says = step.command.rfind("node demote", 0) == 0 || step.command.rfind("node promote", 0) == 0;
  return says && !out.empty() ? Answer::ok(out) : Answer::ok();
}

Answer LiveDriver::apply(const Action& a) {
  if (aborted()) return Answer::refused("skipped: the drill was aborted");
  const TimeMs began = now();
  const int node = a.node.empty() ? -1 : resolve(a.node);
  std::string why_not;
  const std::vector<Step> steps = steps_for(a, why_not);
  Answer result = why_not.empty() ? Answer::ok() : Answer::refused(why_not);
  std::string error;
  for (const Step& step : steps) {
    if (!why_not.empty()) break;
    // A step whose command is the undo of an outstanding fault heals it: no new undo.
    const auto found = std::find_if(outstanding_.begin(), outstanding_.end(), [&](const JournalEntry& e) {
      return e.undo == step.command && (e.undo_node == step.node || e.undo_node < 0 || step.node < 0);
    });
    const std::optional<JournalEntry> heals =
        found == outstanding_.end() ? std::nullopt : std::optional<JournalEntry>(*found);
    JournalEntry entry{next_id_++,     JournalStatus::kPlanned, a.describe(), step.node, step.command,
                       step.undo_node, heals ? "" : step.undo,  step.here};
    if (!journal_.append(entry, error)) {  // no undo written: the fault is not injected
      abort("the journal cannot record the undo of " + a.describe() + ", so it was not run: " + error);
      return Answer::refused(error);
    }
    cluster_.note("fault " + a.describe() + ": " + step.command +
                  (entry.undo.empty() ? "" : " (undo journaled: " + entry.undo + ")"));
    const Answer r = run_step(step);
    const bool ok = r.is_ok();
    entry.status = ok ? JournalStatus::kDone : JournalStatus::kFailed;
    if (!entry.undo.empty()) outstanding_.push_back(entry);
    // The undo is durable already ("planned"); an outcome that cannot be written stops the
    // drill, and the rollback (or `live recover`) runs that undo.
    if (!journal_.append(entry, error)) {
      abort("the journal cannot record the outcome of " + a.describe() + ": " + error);
      return Answer::refused(error);
    }
    if (heals && ok) {
      JournalEntry resolved = *heals;
      resolved.status = JournalStatus::kResolved;
      if (!journal_.append(resolved, error)) {
        abort("the journal cannot record that " + a.describe() + " healed an earlier fault: " + error);
        return Answer::refused(error);
      }
      outstanding_.erase(std::find_if(outstanding_.begin(), outstanding_.end(),
                                      [&](const JournalEntry& e) { return e.id == resolved.id; }));
    }
    if (!r || !r.message().empty()) result = r;
    // A command that did not run or did not finish leaves the drill blind to what the cluster
    // is: stop here, and let the rollback undo what was done (or say what is still owed).
    if (r.unanswered()) {
      abort(a.describe() + ": " + r.text());
      break;
    }
  }
  const std::string& who = node >= 0 ? cluster_.inventory().nodes[static_cast<std::size_t>(node)].name : "";
  // The model's words for the host: down (crashed), daemon-stopped, up.
  const bool stops = a.kind == ActionKind::kStopDaemon || a.kind == ActionKind::kCrashNode;
  const bool starts = a.kind == ActionKind::kStartDaemon || a.kind == ActionKind::kRestartNode;
  // The action took place while its commands ran: between `began` and now.
  const DurationMs took = now() - began;
  if (stops && node >= 0) {
    changes_.push_back({now(), Aspect::kHost, who, a.kind == ActionKind::kCrashNode ? "down" : "daemon-stopped", took});
    if (result) stopped_.push_back(node);
  }
  if (starts && node >= 0) {
    changes_.push_back({now(), Aspect::kHost, who, "up", took});
    std::erase(stopped_, node);
  }
  std::string subject = a.describe();
  if (node >= 0 && !a.node.empty() && a.node[0] == '@') {
    subject += " (" + cluster_.inventory().nodes[static_cast<std::size_t>(node)].name + ")";
  }
  changes_.push_back({now(), Aspect::kAction, subject, result.text(), took});
  // What follows is judged from the first observation made after the action: one made before
  // it may already be out of date.
  if (!aborted()) sample();
  return result;
}

std::string manual_step(const Inventory& inventory, const JournalEntry& e) {
  if (e.undo_node < 0) return "on any manager: docker " + e.undo;
  const std::string& name = inventory.nodes[static_cast<std::size_t>(e.undo_node)].name;
  return (e.here ? "on this machine, for " + name : "on " + name) + ": " + e.undo;
}

bool LiveDriver::rollback(std::vector<std::string>& log) {
  bool all = true;
  std::string error;
  while (!outstanding_.empty()) {
    JournalEntry e = outstanding_.back();
    outstanding_.pop_back();
    cluster_.note("undo " + e.action + ": " + e.undo);
    const Answer r = run_step(Step{e.undo_node, e.undo, -1, "", e.here});
    log.push_back("undo " + e.action + ": " + e.undo + ": " + r.text());
    if (!r) {
      all = false;
      log.push_back("  still owed; `clawsim live recover` runs it again, or by hand " +
                    manual_step(cluster_.inventory(), e));
      continue;
    }
    e.status = JournalStatus::kUndone;
    if (!journal_.append(e, error)) {
      log.push_back("WARNING: the journal cannot record this undo (" + error +
                    "); `live recover` would run it again");
    }
  }
  return all;
}

bool recover_from_journal(RemoteCluster& cluster, const std::string& journal_path,
                          std::vector<std::string>& log, std::string& error) {
  std::vector<JournalEntry> entries;
  if (!read_journal(journal_path, entries, error)) return false;
  Journal journal;
  if (!journal.open(journal_path, error)) return false;
  bool all = true;
  for (JournalEntry e : outstanding_undos(entries)) {
    cluster.note("recover: undo " + e.action + ": " + e.undo);
    CommandResult r;
    if (e.here) {
      r = cluster.run_here(e.undo_node, e.undo);
    } else if (e.undo_node >= 0) {
      r = cluster.run(e.undo_node, e.undo);
    } else {  // a docker command: the first manager that takes it
      for (int i = 0; i < static_cast<int>(cluster.inventory().nodes.size()); ++i) {
        r = cluster.docker(i, e.undo);
        if (r.ok()) break;
      }
    }
    log.push_back("undo " + e.action + ": " + e.undo + ": " + (r.ok() ? "ok" : r.describe()));
    if (!r.ok()) {
      all = false;
      log.push_back("  still owed; run it by hand " + manual_step(cluster.inventory(), e));
      continue;
    }
    e.status = JournalStatus::kUndone;
    std::string unrecorded;
    if (!journal.append(e, unrecorded)) {
      log.push_back("WARNING: the journal cannot record this undo (" + unrecorded +
                    "); the next recover runs it again");
    }
  }
  return all;
}

}  // namespace clawsim
