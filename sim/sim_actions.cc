// Scenario actions on the simulated swarm. Faults (crash, daemon stop, partition, port block,
// NFS stop) act on the world directly; operations (demote, drain, label, service update) go
// through a manager's API and get Docker's answers, refusals included.
#include <bit>

#include "model/quorum.h"
#include "sim/sim_cluster.h"

namespace clawsim {

namespace {

constexpr std::uint64_t bit(int i) { return std::uint64_t{1} << i; }

const char* const kNotAManager =
    "Error response from daemon: This node is not a swarm manager. Worker nodes can't be used to "
    "view or modify cluster state. Please run this command on a manager node or promote the "
    "current node to a manager.";
// moby daemon/cluster/cluster.go errNoManager, for a node that is in no swarm at all.
const char* const kNotInSwarm =
    "Error response from daemon: This node is not a swarm manager. Use \"docker swarm init\" or "
    "\"docker swarm join\" to connect this node to swarm and try again.";
const char* const kDaemonDown =
    "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon "
    "running?";
const char* const kNoLeader =
    "Error response from daemon: rpc error: code = Unknown desc = The swarm does not have a "
    "leader. It's possible that too few managers are online. Make sure more than half of the "
    "managers are online.";
const char* const kDeadline =
    "Error response from daemon: rpc error: code = Unknown desc = context deadline exceeded";

}  // namespace

bool accepted_answer(std::string_view answer) {
  const auto ends_with = [&](std::string_view tail) {
    return answer.size() >= tail.size() && answer.substr(answer.size() - tail.size()) == tail;
  };
  return answer == "ok" || answer == "Node left the swarm." || ends_with("demoted in the swarm.") ||
         ends_with("promoted to a manager in the swarm.") ||
         ends_with("joined a swarm as a manager.") || ends_with("joined a swarm as a worker.");
}

int SimCluster::resolve(const std::string& ref) const {
  const int n = static_cast<int>(nodes_.size());
  auto crashed = [&](int i) {
    for (int c : crashed_by_scenario_) {
      if (c == i) return true;
    }
    return false;
  };
  if (ref == "@leader") return leader_;
  if (ref == "@follower") {
    for (int i = 0; i < n; ++i) {
      const SimNode& m = nodes_[static_cast<std::size_t>(i)];
      if (m.manager && m.in_swarm && i != leader_ && !crashed(i)) return i;
    }
    return -1;
  }
  if (ref == "@worker") {
    for (int i = 0; i < n; ++i) {
      const SimNode& w = nodes_[static_cast<std::size_t>(i)];
      if (w.role == Role::kWorker && !w.removed && !crashed(i)) return i;
    }
    return -1;
  }
  if (ref == "@crashed") return crashed_by_scenario_.empty() ? -1 : crashed_by_scenario_.back();
  if (ref == "@nfs-server") return plan_->nfs ? plan_->node_index(plan_->nfs->server) : -1;
  if (ref == "@dashboard") {
    const int s = service_index(plan_->dashboard_service);
    for (const SimTask& t : tasks_) {
      if (t.service == s && t.desired_running && t.node >= 0) return t.node;
    }
    return -1;
  }
  return plan_->node_index(ref);
}

std::string SimCluster::api_answer(int node, bool write) const {
  const SimNode& n = nodes_[static_cast<std::size_t>(node)];
  if (!n.host_up || !n.daemon_up) return kDaemonDown;
  if (!n.in_swarm) return kNotInSwarm;
  if (!n.manager) return kNotAManager;
  const int lead = n.raft.lead();
  if (lead == RaftMember::kNone) {
    const DurationMs fast_fail_ms = plan_->world.api_no_leader_fast_fail_ticks * tick_ms();
    if (n.leaderless_since_ms >= 0 && now_ms_ - n.leaderless_since_ms >= fast_fail_ms) {
      return kNoLeader;
    }
    return kDeadline;
  }
  const bool lead_answers =
      raft_running(lead) && nodes_[static_cast<std::size_t>(lead)].raft.role() == RaftRole::kLeader &&
      network_.can_send(node, lead, Traffic::kSwarm);
  if (!lead_answers) return kDeadline;
  if (write && !(lead == leader_ && leader_can_commit())) return kDeadline;
  return "ok";
}

std::string SimCluster::api_gate(int via) const {
  if (via < 0) return "no manager to send the command to";
  return api_answer(via, true);
}

// swarmkit raft.go CanRemoveMember: after removing `node`, the members this leader can reach
// (itself included) must still be a majority of the remaining members.
bool SimCluster::can_remove_member(int node) const {
  if (leader_ < 0) return false;
  const std::uint64_t members = nodes_[static_cast<std::size_t>(leader_)].raft.voters();
  int reachable = 0;
  for (int i = 0; i < static_cast<int>(nodes_.size()); ++i) {
    if (!((members >> i) & 1U) || i == node) continue;
    if (i == leader_ || (raft_running(i) && network_.can_talk(leader_, i, Traffic::kSwarm))) {
      ++reachable;
    }
  }
  const int quorum = (std::popcount(members) - 1) / 2 + 1;
  return reachable >= quorum;
}

std::string SimCluster::apply(const Action& a) {
  int via = a.via.empty() ? leader_ : resolve(a.via);
  if (via < 0) {  // no leader: the operator types the command on some running manager
    for (int i = 0; i < static_cast<int>(nodes_.size()) && via < 0; ++i) {
      if (raft_running(i)) via = i;
    }
  }
  const int node = a.node.empty() ? -1 : resolve(a.node);
  const bool needs_node = a.kind != ActionKind::kPartition && a.kind != ActionKind::kHeal &&
                          a.kind != ActionKind::kNfsStop && a.kind != ActionKind::kNfsStart &&
                          a.kind != ActionKind::kServiceUpdate;
  if (needs_node && node < 0) return "no node matches '" + a.node + "' now";
  const bool node_api = a.kind == ActionKind::kDemote || a.kind == ActionKind::kPromote ||
                        a.kind == ActionKind::kDrain || a.kind == ActionKind::kPause ||
                        a.kind == ActionKind::kActivate || a.kind == ActionKind::kLabelAdd ||
                        a.kind == ActionKind::kLabelRm;
  if (node_api && removed(node)) {  // its node object is gone (`docker node rm`)
    const std::string answer = "Error: No such node: " + a.node;
    record("action", a.describe(), answer);
    return answer;
  }
  std::string result;
  switch (a.kind) {
    case ActionKind::kCrashNode: result = act_crash(node); break;
    case ActionKind::kRestartNode: result = act_restart(node); break;
    case ActionKind::kStopDaemon: result = act_stop_daemon(node); break;
    case ActionKind::kStartDaemon: result = act_start_daemon(node); break;
    case ActionKind::kDemote: result = act_demote(node, via); break;
    case ActionKind::kPromote: result = act_promote(node, via); break;
    case ActionKind::kDrain: result = act_availability(node, Availability::kDrain, via); break;
    case ActionKind::kPause: result = act_availability(node, Availability::kPause, via); break;
    case ActionKind::kActivate: result = act_availability(node, Availability::kActive, via); break;
    case ActionKind::kLabelAdd:
    case ActionKind::kLabelRm: result = act_label(a, node, via); break;
    case ActionKind::kPartition:
    case ActionKind::kHeal: result = act_partition(a); break;
    case ActionKind::kBlockPort: result = act_port(a, node, true); break;
    case ActionKind::kUnblockPort: result = act_port(a, node, false); break;
    case ActionKind::kNfsStop: result = act_nfs(false); break;
    case ActionKind::kNfsStart: result = act_nfs(true); break;
    case ActionKind::kServiceUpdate: result = act_service_update(a, via); break;
    case ActionKind::kForceNewCluster: result = act_force_new_cluster(node); break;
    case ActionKind::kDegrade:
    case ActionKind::kRestore: result = act_degrade(a, node); break;
  }
  std::string subject = a.describe();
  if (node >= 0 && !a.node.empty() && a.node[0] == '@') {
    subject += " (" + plan_->nodes[static_cast<std::size_t>(node)].name + ")";
  }
  record("action", subject, result);
  raft_changed_ = true;
  availability_dirty_ = true;
  after_event();
  check_invariants(nullptr, "the action " + subject);
  return result;
}

std::string SimCluster::act_crash(int node) {
  SimNode& n = nodes_[static_cast<std::size_t>(node)];
  if (!n.host_up) return "already down";
  n.host_up = false;
  n.daemon_up = false;
  ++n.boot_gen;
  for (SimTask& t : tasks_) {
    if (t.node == node) t.container_running = false;
  }
  crashed_by_scenario_.push_back(node);
  record("host", plan_->nodes[static_cast<std::size_t>(node)].name, "down");
  return "ok";
}

std::string SimCluster::act_restart(int node) {
  SimNode& n = nodes_[static_cast<std::size_t>(node)];
  if (n.host_up) return "already up";
  n.host_up = true;  // the daemon starts at boot and records the node as up
  n.daemon_up = false;
  return act_start_daemon(node);
}

std::string SimCluster::act_stop_daemon(int node) {
  SimNode& n = nodes_[static_cast<std::size_t>(node)];
  if (!n.host_up || !n.daemon_up) return "daemon not running";
  n.daemon_up = false;
  ++n.boot_gen;  // containers keep running: killing dockerd does not kill them
  crashed_by_scenario_.push_back(node);
  record("host", plan_->nodes[static_cast<std::size_t>(node)].name, "daemon-stopped");
  return "ok";
}

std::string SimCluster::act_start_daemon(int node) {
  SimNode& n = nodes_[static_cast<std::size_t>(node)];
  if (!n.host_up) return "host is down";
  if (n.daemon_up) return "daemon already running";
  n.daemon_up = true;
  ++n.boot_gen;
  std::erase(crashed_by_scenario_, node);
  record("host", plan_->nodes[static_cast<std::size_t>(node)].name, "up");
  // Without live-restore, a starting dockerd kills the containers that outlived it (exit 137);
  // the agent then reports their tasks failed and the orchestrator restarts them.
  for (int t = 0; t < static_cast<int>(tasks_.size()); ++t) {
    SimTask& task = tasks_[static_cast<std::size_t>(t)];
    if (task.node != node || !task.container_running) continue;
    task.container_running = false;
    task.stop_pending = false;
    if (!task.desired_running) {
      task.phase = TaskPhase::kFailed;
      task.message = "task: non-zero exit (137)";
    }
    record_task(t);
  }
  if (n.manager) start_manager(node, true);
  schedule_heartbeat(node, plan_->world.agent_reconnect_ms);
  return "ok";
}

std::string SimCluster::act_demote(int node, int via) {
  const std::string gate = api_gate(via);
  if (gate != "ok") return gate;
  SimNode& n = nodes_[static_cast<std::size_t>(node)];
  const std::string& name = plan_->nodes[static_cast<std::size_t>(node)].name;
  if (n.role != Role::kManager) return "Node " + name + " is already a worker.";
  int managers = 0;
  for (const SimNode& m : nodes_) managers += m.role == Role::kManager && !m.removed ? 1 : 0;
  if (managers == 1) {
    return "Error response from daemon: rpc error: code = FailedPrecondition desc = attempting "
           "to demote the last manager of the swarm";
  }
  if (n.manager && !can_remove_member(node)) {
    return "Error response from daemon: rpc error: code = FailedPrecondition desc = can't "
           "remove member from the raft: this would result in a loss of quorum";
  }
  n.role = Role::kWorker;
  record("role", name, "worker");
  pending_demotion_ = node;
  if (node == leader_) {  // swarmkit hands leadership over before removing the leader
    int target = -1;
    for (int i = 0; i < static_cast<int>(nodes_.size()) && target < 0; ++i) {
      if (i != node && raft_running(i) && network_.can_talk(node, i, Traffic::kSwarm)) target = i;
    }
    n.raft.transfer_leadership(target);
    flush_outbox(node);
  } else {
    finish_demotion();
  }
  return "Manager " + name + " demoted in the swarm.";
}

void SimCluster::finish_demotion() {
  const int node = pending_demotion_;
  if (node < 0 || leader_ == node || leader_ < 0) return;
  pending_demotion_ = -1;
  const std::uint64_t v = voters() & ~bit(node);
  set_voters_everywhere(v);
  nodes_[static_cast<std::size_t>(node)].manager = false;
  record("manager", plan_->nodes[static_cast<std::size_t>(node)].name, "removed from raft");
  raft_changed_ = true;
}

std::string SimCluster::act_promote(int node, int via) {
  const std::string gate = api_gate(via);
  if (gate != "ok") return gate;
  SimNode& n = nodes_[static_cast<std::size_t>(node)];
  const std::string& name = plan_->nodes[static_cast<std::size_t>(node)].name;
  if (n.role == Role::kManager) return "Node " + name + " is already a manager.";
  n.role = Role::kManager;
  record("role", name, "manager");
  Event join{};
  join.t_ms = now_ms_ + plan_->world.promote_join_ms;
  join.kind = EventKind::kPromoteDone;
  join.node = node;
  push(join);
  return "Node " + name + " promoted to a manager in the swarm.";
}

std::string SimCluster::act_availability(int node, Availability availability, int via) {
  const std::string gate = api_gate(via);
  if (gate != "ok") return gate;
  SimNode& n = nodes_[static_cast<std::size_t>(node)];
  if (n.availability != availability) {
    n.availability = availability;
    record("availability", plan_->nodes[static_cast<std::size_t>(node)].name,
           to_string(availability));
  }
  request_reconcile(now_ms_);
  return "ok";
}

std::string SimCluster::act_label(const Action& a, int node, int via) {
  const std::string gate = api_gate(via);
  if (gate != "ok") return gate;
  SimNode& n = nodes_[static_cast<std::size_t>(node)];
  const std::string& name = plan_->nodes[static_cast<std::size_t>(node)].name;
  if (a.kind == ActionKind::kLabelAdd) {
    n.labels[a.label_key] = a.label_value;
    record("label", name, a.label_key + "=" + a.label_value + " added");
  } else {
    if (n.labels.erase(a.label_key) == 0) {
      return "Error response from daemon: rpc error: code = InvalidArgument desc = key " +
             a.label_key + " doesn't exist in node's labels";
    }
    record("label", name, a.label_key + " removed");
  }
  request_reconcile(now_ms_);
  return "ok";
}

std::string SimCluster::act_partition(const Action& a) {
  if (a.kind == ActionKind::kHeal) {
    network_.heal();
    record("network", "cluster", "healed");
  } else {
    std::vector<int> groups(nodes_.size(), 0);
    for (std::size_t g = 0; g < a.groups.size(); ++g) {
      for (const std::string& ref : a.groups[g]) {
        const int i = resolve(ref);
        if (i < 0) return "no node matches '" + ref + "' now";
        groups[static_cast<std::size_t>(i)] = static_cast<int>(g) + 1;
      }
    }
    network_.set_partition(std::move(groups));
    record("network", "cluster", a.describe());
  }
  request_reconcile(now_ms_);
  return "ok";
}

std::string SimCluster::act_port(const Action& a, int node, bool block) {
  const PortBlock b{node, a.port, a.proto == "udp" ? Proto::kUdp : Proto::kTcp};
  if (block) {
    network_.block(b);
  } else {
    network_.unblock(b);
  }
  record("network", plan_->nodes[static_cast<std::size_t>(node)].name,
         std::string(block ? "blocks " : "unblocks ") + std::to_string(a.port) + "/" + a.proto);
  return "ok";
}

std::string SimCluster::act_nfs(bool running) {
  if (!plan_->nfs) return "the plan has no NFS export";
  if (nfs_running_ == running) return running ? "already running" : "already stopped";
  nfs_running_ = running;
  record("nfs", "nfs", running ? "server started" : "server stopped");
  return "ok";
}

std::string SimCluster::act_service_update(const Action& a, int via) {
  const std::string gate = api_gate(via);
  if (gate != "ok") return gate;
  const int s = service_index(a.service);
  if (s < 0) return "Error: No such service: " + a.service;
  ServiceSpec& spec = services_[static_cast<std::size_t>(s)];
  bool respawn = a.force;  // --force (or a new --image) replaces every task
  for (const std::string& text : a.constraint_rm) {
    std::erase_if(spec.constraints, [&](const Constraint& c) { return c.text == text; });
    respawn = true;
  }
  for (const std::string& text : a.constraint_add) {
    Result<Constraint> c = parse_constraint(text);
    if (!c) return "invalid constraint: " + c.error().message;
    spec.constraints.push_back(std::move(c).value());
    respawn = true;
  }
  if (a.replicas) spec.replicas = *a.replicas;
  if (respawn) {  // a rolling update, stop-first: each task is replaced under the new spec
    // Only the tasks there were before the update: their replacements are appended.
    const int before = static_cast<int>(tasks_.size());
    for (int t = 0; t < before; ++t) {
      const SimTask& task = tasks_[static_cast<std::size_t>(t)];
      if (task.service != s || !task.desired_running) continue;
      shut_down(t, TaskPhase::kShutdown, "updated");
      replace_task(t, 0);
    }
  }
  request_reconcile(now_ms_);
  return "ok";
}

std::string SimCluster::act_degrade(const Action& a, int node) {
  const bool restore = a.kind == ActionKind::kRestore;
  network_.degrade(node, restore ? 0 : a.latency_ms, restore ? 0 : a.loss_pct);
  record("network", plan_->nodes[static_cast<std::size_t>(node)].name,
         restore ? "restored" : a.describe().substr(a.describe().find(' ') + 1));
  return "ok";
}

std::string SimCluster::act_force_new_cluster(int node) {
  SimNode& n = nodes_[static_cast<std::size_t>(node)];
  if (!n.host_up || !n.daemon_up) return kDaemonDown;
  if (!n.manager) return kNotAManager;
  for (int i = 0; i < static_cast<int>(nodes_.size()); ++i) {
    SimNode& other = nodes_[static_cast<std::size_t>(i)];
    if (i == node || !other.manager) continue;
    other.manager = false;  // no longer members of the new cluster's Raft group
    other.role = Role::kWorker;
    record("role", plan_->nodes[static_cast<std::size_t>(i)].name, "worker (left the raft)");
  }
  n.raft.force_new_cluster();
  ++raft_group_;
  flush_outbox(node);
  return "ok";
}

}  // namespace clawsim
