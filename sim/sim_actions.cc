// Scenario actions on the simulated swarm. Faults (crash, daemon stop, partition, port block,
// NFS stop) act on the world directly; operations (demote, drain, label, service update) go
// through a manager's API and get Docker's answers, refusals included.
#include <bit>

#include "model/quorum.h"
#include "sim/sim_cluster.h"

namespace clawsim {

namespace {


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
  const int lead_slot = n.raft.lead();
  if (lead_slot == RaftMember::kNone) {
    const DurationMs fast_fail_ms = plan_->world.api_no_leader_fast_fail_ticks * tick_ms();
    if (n.leaderless_since_ms >= 0 && now_ms_ - n.leaderless_since_ms >= fast_fail_ms) {
      return kNoLeader;
    }
    return kDeadline;
  }
  const int lead = member_node(lead_slot);
  const bool lead_answers =
      raft_running(lead) && nodes_[static_cast<std::size_t>(lead)].raft.role() == RaftRole::kLeader &&
      raft_link(node, lead);
  if (!lead_answers) return kDeadline;
  if (write && !(lead == leader_ && leader_can_commit())) return kDeadline;
  return "ok";
}

Answer SimCluster::api_gate(int via) const {
  if (via < 0) return Answer::refused("no manager to send the command to");
  const std::string answer = api_answer(via, true);
  return answer == "ok" ? Answer::ok() : Answer::refused(answer);
}

// swarmkit raft.go CanRemoveMember: after removing `node`, the members this leader can reach
// (itself included) must still be a majority of the remaining members.
bool SimCluster::can_remove_member(int node) const {
  if (leader_ < 0) return false;
  const std::uint64_t members = nodes_[static_cast<std::size_t>(leader_)].raft.voters();
  int reachable = 0;
  for (const int i : member_nodes_) {
    if (!(members & member_bit(i)) || i == node) continue;
    if (i == leader_ || (raft_running(i) && raft_links(leader_, i))) {
      ++reachable;
    }
  }
  const int quorum = (std::popcount(members) - 1) / 2 + 1;
  return reachable >= quorum;
}

Answer SimCluster::apply(const Action& a) {
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
  if (needs_node && node < 0) return Answer::refused("no node matches '" + a.node + "' now");
  const bool node_api = a.kind == ActionKind::kDemote || a.kind == ActionKind::kPromote ||
                        a.kind == ActionKind::kDrain || a.kind == ActionKind::kPause ||
                        a.kind == ActionKind::kActivate || a.kind == ActionKind::kLabelAdd ||
                        a.kind == ActionKind::kLabelRm;
  if (node_api && removed(node)) {  // its node object is gone (`docker node rm`)
    const std::string answer = "Error: No such node: " + a.node;
    record(Aspect::kAction, a.describe(), answer);
    return Answer::refused(answer);
  }
  const Answer result = act(a, node, via);
  std::string subject = a.describe();
  if (node >= 0 && !a.node.empty() && a.node[0] == '@') {
    subject += " (" + plan_->nodes[static_cast<std::size_t>(node)].name + ")";
  }
  record(Aspect::kAction, subject, result.text());
  raft_changed_ = true;
  availability_dirty_ = true;
  after_event();
  check_invariants(nullptr, "the action " + subject);
  return result;
}

Answer SimCluster::act(const Action& a, int node, int via) {
  switch (a.kind) {
    case ActionKind::kCrashNode: return act_crash(node);
    case ActionKind::kRestartNode: return act_restart(node);
    case ActionKind::kStopDaemon: return act_stop_daemon(node);
    case ActionKind::kStartDaemon: return act_start_daemon(node);
    case ActionKind::kDemote: return act_demote(node, via);
    case ActionKind::kPromote: return act_promote(node, via);
    case ActionKind::kDrain: return act_availability(node, Availability::kDrain, via);
    case ActionKind::kPause: return act_availability(node, Availability::kPause, via);
    case ActionKind::kActivate: return act_availability(node, Availability::kActive, via);
    case ActionKind::kLabelAdd:
    case ActionKind::kLabelRm: return act_label(a, node, via);
    case ActionKind::kPartition:
    case ActionKind::kHeal: return act_partition(a);
    case ActionKind::kBlockPort: return act_port(a, node, true);
    case ActionKind::kUnblockPort: return act_port(a, node, false);
    case ActionKind::kNfsStop: return act_nfs(false);
    case ActionKind::kNfsStart: return act_nfs(true);
    case ActionKind::kServiceUpdate: return act_service_update(a, via);
    case ActionKind::kForceNewCluster: return act_force_new_cluster(node);
    case ActionKind::kDegrade:
    case ActionKind::kRestore: return act_degrade(a, node);
  }
  return Answer::refused("unknown action");  // not reached: every kind is handled above
}

Answer SimCluster::act_crash(int node) {
  SimNode& n = nodes_[static_cast<std::size_t>(node)];
  if (!n.host_up) return Answer::refused("already down");
  n.host_up = false;
  n.daemon_up = false;
  ++n.boot_gen;
  for (SimTask& t : tasks_) {
    if (t.node == node) t.container_running = false;
  }
  crashed_by_scenario_.push_back(node);
  record(Aspect::kHost, plan_->nodes[static_cast<std::size_t>(node)].name, "down");
  return Answer::ok();
}

Answer SimCluster::act_restart(int node) {
  SimNode& n = nodes_[static_cast<std::size_t>(node)];
  if (n.host_up) return Answer::refused("already up");
  n.host_up = true;  // the daemon starts at boot and records the node as up
  n.daemon_up = false;
  return act_start_daemon(node);
}

Answer SimCluster::act_stop_daemon(int node) {
  SimNode& n = nodes_[static_cast<std::size_t>(node)];
  if (!n.host_up || !n.daemon_up) return Answer::refused("daemon not running");
  n.daemon_up = false;
  ++n.boot_gen;  // containers keep running: killing dockerd does not kill them
  if (n.manager) reset_conns_to(node);
  crashed_by_scenario_.push_back(node);
  record(Aspect::kHost, plan_->nodes[static_cast<std::size_t>(node)].name, "daemon-stopped");
  return Answer::ok();
}

Answer SimCluster::act_start_daemon(int node) {
  SimNode& n = nodes_[static_cast<std::size_t>(node)];
  if (!n.host_up) return Answer::refused("host is down");
  if (n.daemon_up) return Answer::refused("daemon already running");
  n.daemon_up = true;
  ++n.boot_gen;
  std::erase(crashed_by_scenario_, node);
  record(Aspect::kHost, plan_->nodes[static_cast<std::size_t>(node)].name, "up");
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
  if (n.manager) {
    reset_conns_from(node);
    start_manager(node, true);
  }
  schedule_heartbeat(node, plan_->world.agent_reconnect_ms);
  return Answer::ok();
}

Answer SimCluster::act_demote(int node, int via) {
  if (Answer gate = api_gate(via); !gate) return gate;
  SimNode& n = nodes_[static_cast<std::size_t>(node)];
  const std::string& name = plan_->nodes[static_cast<std::size_t>(node)].name;
  // Docker exits 0 here, but nothing changed: as a fault, it did not take effect.
  if (n.role != Role::kManager) return Answer::refused("Node " + name + " is already a worker.");
  int managers = 0;
  for (const SimNode& m : nodes_) managers += m.role == Role::kManager && !m.removed ? 1 : 0;
  if (managers == 1) {
    return Answer::refused("Error response from daemon: rpc error: code = FailedPrecondition desc = attempting "
           "to demote the last manager of the swarm");
  }
  if (n.manager && !can_remove_member(node)) {
    return Answer::refused("Error response from daemon: rpc error: code = FailedPrecondition desc = can't "
           "remove member from the raft: this would result in a loss of quorum");
  }
  n.role = Role::kWorker;
  record(Aspect::kRole, name, "worker");
  pending_demotion_ = node;
  if (node == leader_) {  // swarmkit hands leadership over before removing the leader
    int target = RaftMember::kNone;
    for (const int i : member_nodes_) {
      if (i != node && raft_running(i) && network_.can_talk(node, i, Traffic::kSwarm)) {
        target = slot_of_node_[static_cast<std::size_t>(i)];
        break;
      }
    }
    n.raft.transfer_leadership(target);
    flush_outbox(node);
  } else {
    finish_demotion();
  }
  return Answer::ok("Manager " + name + " demoted in the swarm.");
}

void SimCluster::finish_demotion() {
  const int node = pending_demotion_;
  if (node < 0 || leader_ == node || leader_ < 0) return;
  pending_demotion_ = -1;
  const std::uint64_t v = voters() & ~member_bit(node);
  set_voters_everywhere(v);
  nodes_[static_cast<std::size_t>(node)].manager = false;
  record(Aspect::kManager, plan_->nodes[static_cast<std::size_t>(node)].name, "removed from raft");
  raft_changed_ = true;
}

Answer SimCluster::act_promote(int node, int via) {
  if (Answer gate = api_gate(via); !gate) return gate;
  SimNode& n = nodes_[static_cast<std::size_t>(node)];
  const std::string& name = plan_->nodes[static_cast<std::size_t>(node)].name;
  if (n.role == Role::kManager) return Answer::refused("Node " + name + " is already a manager.");
  if (Answer gate = member_slot_gate(node); !gate) return gate;
  n.role = Role::kManager;
  record(Aspect::kRole, name, "manager");
  Event join{};
  join.t_ms = now_ms_ + plan_->world.promote_join_ms;
  join.kind = EventKind::kPromoteDone;
  join.node = node;
  push(join);
  return Answer::ok("Node " + name + " promoted to a manager in the swarm.");
}

Answer SimCluster::act_availability(int node, Availability availability, int via) {
  if (Answer gate = api_gate(via); !gate) return gate;
  SimNode& n = nodes_[static_cast<std::size_t>(node)];
  if (n.availability != availability) {
    n.availability = availability;
    record(Aspect::kAvailability, plan_->nodes[static_cast<std::size_t>(node)].name,
           to_string(availability));
  }
  request_reconcile(now_ms_);
  return Answer::ok();
}

Answer SimCluster::act_label(const Action& a, int node, int via) {
  if (Answer gate = api_gate(via); !gate) return gate;
  SimNode& n = nodes_[static_cast<std::size_t>(node)];
  const std::string& name = plan_->nodes[static_cast<std::size_t>(node)].name;
  if (a.kind == ActionKind::kLabelAdd) {
    n.labels[a.label_key] = a.label_value;
    record(Aspect::kLabel, name, a.label_key + "=" + a.label_value + " added");
  } else {
    if (n.labels.erase(a.label_key) == 0) {
      return Answer::refused("Error response from daemon: rpc error: code = InvalidArgument desc = key " +
             a.label_key + " doesn't exist in node's labels");
    }
    record(Aspect::kLabel, name, a.label_key + " removed");
  }
  request_reconcile(now_ms_);
  return Answer::ok();
}

Answer SimCluster::act_partition(const Action& a) {
  if (a.kind == ActionKind::kHeal) {
    network_.heal();
    record(Aspect::kNetwork, "cluster", "healed");
  } else {
    std::vector<int> groups(nodes_.size(), 0);
    for (std::size_t g = 0; g < a.groups.size(); ++g) {
      for (const std::string& ref : a.groups[g]) {
        const int i = resolve(ref);
        if (i < 0) return Answer::refused("no node matches '" + ref + "' now");
        groups[static_cast<std::size_t>(i)] = static_cast<int>(g) + 1;
      }
    }
    network_.set_partition(std::move(groups));
    record(Aspect::kNetwork, "cluster", a.describe());
  }
  request_reconcile(now_ms_);
  return Answer::ok();
}

Answer SimCluster::act_port(const Action& a, int node, bool block) {
  const PortBlock b{node, a.port, a.proto == "udp" ? Proto::kUdp : Proto::kTcp};
  if (block) {
    network_.block(b);
  } else {
    network_.unblock(b);
  }
  record(Aspect::kNetwork, plan_->nodes[static_cast<std::size_t>(node)].name,
         std::string(block ? "blocks " : "unblocks ") + std::to_string(a.port) + "/" + a.proto);
  return Answer::ok();
}

Answer SimCluster::act_nfs(bool running) {
  if (!plan_->nfs) return Answer::refused("the plan has no NFS export");
  if (nfs_running_ == running) return Answer::refused(running ? "already running" : "already stopped");
  nfs_running_ = running;
  record(Aspect::kNfs, "nfs", running ? "server started" : "server stopped");
  return Answer::ok();
}

Answer SimCluster::act_service_update(const Action& a, int via) {
  if (Answer gate = api_gate(via); !gate) return gate;
  const int s = service_index(a.service);
  if (s < 0) return Answer::refused("Error: No such service: " + a.service);
  ServiceSpec& spec = services_[static_cast<std::size_t>(s)];
  bool respawn = a.force;  // --force (or a new --image) replaces every task
  for (const std::string& text : a.constraint_rm) {
    std::erase_if(spec.constraints, [&](const Constraint& c) { return c.text == text; });
    respawn = true;
  }
  for (const std::string& text : a.constraint_add) {
    Result<Constraint> c = parse_constraint(text);
    if (!c) return Answer::refused("invalid constraint: " + c.error().message);
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
  return Answer::ok();
}

Answer SimCluster::act_degrade(const Action& a, int node) {
  const bool restore = a.kind == ActionKind::kRestore;
  network_.degrade(node, restore ? 0 : a.latency_ms, restore ? 0 : a.loss_pct);
  record(Aspect::kNetwork, plan_->nodes[static_cast<std::size_t>(node)].name,
         restore ? "restored" : a.describe().substr(a.describe().find(' ') + 1));
  return Answer::ok();
}

Answer SimCluster::act_force_new_cluster(int node) {
  SimNode& n = nodes_[static_cast<std::size_t>(node)];
  if (!n.host_up || !n.daemon_up) return Answer::refused(kDaemonDown);
  if (!n.manager) return Answer::refused(kNotAManager);
  for (int i = 0; i < static_cast<int>(nodes_.size()); ++i) {
    SimNode& other = nodes_[static_cast<std::size_t>(i)];
    if (i == node || !other.manager) continue;
    other.manager = false;  // no longer members of the new cluster's Raft group
    other.role = Role::kWorker;
    record(Aspect::kRole, plan_->nodes[static_cast<std::size_t>(i)].name, "worker (left the raft)");
  }
  n.raft.force_new_cluster();
  ++raft_group_;
  flush_outbox(node);
  return Answer::ok();
}

}  // namespace clawsim
