// The leader's control plane: the dispatcher (agents' heartbeats, UNKNOWN nodes after a
// failover, DOWN after the grace period), the orchestrator (replace tasks of down, drained or
// no-longer-eligible nodes; keep the replica count) and the scheduler. Nothing here changes
// the store without a leader that can commit: without quorum, running tasks keep running and
// nothing is rescheduled.
#include <algorithm>

#include "sim/scheduler.h"
#include "sim/sim_cluster.h"

namespace clawsim {

const char* to_string(TaskPhase phase) {
  switch (phase) {
    case TaskPhase::kPending: return "pending";
    case TaskPhase::kAssigned: return "assigned";
    case TaskPhase::kRunning: return "running";
    case TaskPhase::kShutdown: return "shutdown";
    case TaskPhase::kRejected: return "rejected";
    case TaskPhase::kFailed: return "failed";
    case TaskPhase::kOrphaned: return "orphaned";
  }
  return "?";
}

// swarmkit dispatcher: each heartbeat gets a period drawn uniformly from period ± epsilon.
DurationMs SimCluster::choose_period() {
  const DispatcherSettings& d = plan_->dispatcher;
  return dispatcher_rng_.between(d.heartbeat_period_ms - d.heartbeat_epsilon_ms,
                                 d.heartbeat_period_ms + d.heartbeat_epsilon_ms);
}

void SimCluster::schedule_heartbeat(int node, DurationMs delay_ms) {
  Event e{};
  e.t_ms = now_ms_ + delay_ms;
  e.kind = EventKind::kAgentHeartbeat;
  e.node = node;
  e.gen = nodes_[static_cast<std::size_t>(node)].boot_gen;
  push(e);
}

bool SimCluster::agent_connected(int node) const {
  const SimNode& n = nodes_[static_cast<std::size_t>(node)];
  return n.host_up && n.daemon_up && n.in_swarm && !n.removed && leader_ >= 0 &&
         n.session_epoch == dispatcher_epoch_ &&
         network_.can_send(node, leader_, Traffic::kSwarm);
}

// A new leader starts a new dispatcher: every node that is not DOWN becomes UNKNOWN and gets
// period x unknown_grace_multiplier to show up (swarmkit dispatcher markNodesUnknown).
void SimCluster::on_leader_change() {
  ++dispatcher_epoch_;
  const DispatcherSettings& d = plan_->dispatcher;
  for (int i = 0; i < static_cast<int>(nodes_.size()); ++i) {
    SimNode& n = nodes_[static_cast<std::size_t>(i)];
    if (n.status == NodeStatus::kDown || n.removed) continue;
    set_status(i, NodeStatus::kUnknown, "Node moved to \"unknown\" state due to leadership change in cluster");
    ++n.deadline_gen;
    Event deadline{};
    deadline.t_ms = now_ms_ + choose_period() * d.unknown_grace_multiplier;
    deadline.kind = EventKind::kNodeDeadline;
    deadline.node = i;
    deadline.gen = n.deadline_gen;
    push(deadline);
    if (n.host_up && n.daemon_up && n.in_swarm) {
      schedule_heartbeat(i, plan_->world.agent_reconnect_ms);
    }
  }
  request_reconcile(now_ms_);
}

void SimCluster::on_agent_heartbeat(const Event& e) {
  SimNode& n = nodes_[static_cast<std::size_t>(e.node)];
  if (e.gen != n.boot_gen || !n.host_up || !n.daemon_up || !n.in_swarm || n.removed) return;
  const bool reaches_leader =
      leader_ >= 0 && network_.can_send(e.node, leader_, Traffic::kSwarm) &&
      raft_running(leader_) && !lost(e.node, leader_);
  if (!reaches_leader) {  // the agent keeps trying other managers
    schedule_heartbeat(e.node, plan_->world.agent_reconnect_ms);
    return;
  }
  const DurationMs period = choose_period();
  ++n.deadline_gen;
  Event deadline{};
  deadline.t_ms = now_ms_ + period * plan_->dispatcher.grace_multiplier;
  deadline.kind = EventKind::kNodeDeadline;
  deadline.node = e.node;
  deadline.gen = n.deadline_gen;
  push(deadline);
  const bool registering = n.session_epoch != dispatcher_epoch_;
  n.session_epoch = dispatcher_epoch_;
  if (n.status != NodeStatus::kReady && leader_can_commit()) {
    set_status(e.node, NodeStatus::kReady, "");
  }
  if (registering || n.status == NodeStatus::kReady) agent_sync(e.node);
  schedule_heartbeat(e.node, period);
}

void SimCluster::on_node_deadline(const Event& e) {
  SimNode& n = nodes_[static_cast<std::size_t>(e.node)];
  if (e.gen != n.deadline_gen || leader_ < 0 || n.status == NodeStatus::kDown || n.removed) return;
  const bool was_unknown = n.status == NodeStatus::kUnknown;
  if (!leader_can_commit()) {
    // The write goes into the leader's log and waits there for a majority (settle_pending_downs).
    RaftMember& r = nodes_[static_cast<std::size_t>(leader_)].raft;
    if (r.role() != RaftRole::kLeader) return;
    const std::uint64_t index = r.propose();
    flush_outbox(leader_);
    raft_changed_ = true;
    pending_downs_.push_back(PendingDown{e.node, leader_, index, r.term(), was_unknown});
    return;
  }
  mark_down(e.node, was_unknown);
}

void SimCluster::mark_down(int node, bool was_unknown) {
  set_status(node, NodeStatus::kDown,
             was_unknown ? "heartbeat failure for node in \"unknown\" state" : "heartbeat failure");
  request_reconcile(now_ms_);
}

// A pending Down commits once its proposer leads with a commit index past it (the same term
// regaining its quorum, or a later term's empty entry), and is lost once another member leads
// in a later term: that leader's log replaces the proposer's.
void SimCluster::settle_pending_downs() {
  if (pending_downs_.empty() || leader_ < 0) return;
  std::erase_if(pending_downs_, [&](const PendingDown& p) {
    const RaftMember& r = nodes_[static_cast<std::size_t>(leader_)].raft;
    if (leader_ != p.proposer) return r.term() > p.term;
    if (r.commit() < p.index) return false;
    SimNode& n = nodes_[static_cast<std::size_t>(p.node)];
    if (n.status != NodeStatus::kDown && !n.removed) mark_down(p.node, p.was_unknown);
    return true;
  });
}

void SimCluster::set_status(int node, NodeStatus status, const std::string& why) {
  SimNode& n = nodes_[static_cast<std::size_t>(node)];
  if (n.status == status) return;
  n.status = status;
  std::string detail = to_string(status);
  if (!why.empty()) detail += " (" + why + ")";
  record(Aspect::kNode, plan_->nodes[static_cast<std::size_t>(node)].name, detail);
  availability_dirty_ = true;
  if (status == NodeStatus::kReady) request_reconcile(now_ms_);  // pending tasks may fit now
}

int SimCluster::add_task(const SimTask& task) {
  const int index = static_cast<int>(tasks_.size());
  tasks_.push_back(task);
  const auto s = static_cast<std::size_t>(task.service);
  if (s >= tasks_of_service_.size()) tasks_of_service_.resize(s + 1);
  tasks_of_service_[s].push_back(index);
  return index;
}

const std::vector<int>& SimCluster::tasks_of_service(int service) const {
  static const std::vector<int> kNone;
  const auto s = static_cast<std::size_t>(service);
  return s < tasks_of_service_.size() ? tasks_of_service_[s] : kNone;
}

void SimCluster::assign_task(int task, int node) {
  tasks_[static_cast<std::size_t>(task)].node = node;
  std::vector<int>& mine = tasks_of_node_[static_cast<std::size_t>(node)];
  mine.insert(std::upper_bound(mine.begin(), mine.end(), task), task);
}

// The agent reconciles its node with its assignments: starts assigned containers, and stops
// containers whose tasks should no longer run (a daemon that comes back kills them: 137).
void SimCluster::agent_sync(int node) {
  ++nodes_[static_cast<std::size_t>(node)].agent_syncs;
  const std::vector<int>& mine = tasks_of_node_[static_cast<std::size_t>(node)];
  for (std::size_t k = 0; k < mine.size(); ++k) {  // nothing here assigns a task to a node
    const int t = mine[k];
    SimTask& task = tasks_[static_cast<std::size_t>(t)];
    if (task.desired_running && task.phase == TaskPhase::kAssigned) start_container(t);
    if (!task.desired_running && task.container_running && !task.stop_pending) {
      task.stop_pending = true;
      Event kill{};
      kill.t_ms = now_ms_ + 1;
      kill.kind = EventKind::kContainerStop;
      kill.task = t;
      kill.gen = 1;  // killed, not stopped gracefully
      push(kill);
    }
    if (task.desired_running && task.phase == TaskPhase::kRunning && !task.container_running &&
        leader_can_commit()) {
      // The container died with its host: the task fails and the slot restarts after the delay.
      shut_down(t, TaskPhase::kFailed, "task: non-zero exit (137)");
      replace_task(t, services_[static_cast<std::size_t>(task.service)].restart.delay_ms);
    }
  }
}

void SimCluster::request_reconcile(TimeMs at_ms) {
  if (reconcile_queued_ && at_ms <= now_ms_) return;
  Event e{};
  e.t_ms = std::max(at_ms, now_ms_);
  e.kind = EventKind::kReconcile;
  if (at_ms <= now_ms_) reconcile_queued_ = true;
  push(e);
}

NodeFacts SimCluster::facts(int node) const {
  const SimNode& n = nodes_[static_cast<std::size_t>(node)];
  NodeFacts f = node_facts(plan_->nodes[static_cast<std::size_t>(node)]);
  f.id = node_id(node);  // as it is now: roles, labels and a rejoin change these
  f.role = to_string(n.role);
  f.labels = n.labels;
  return f;
}

void SimCluster::shut_down(int task, TaskPhase phase, const std::string& message) {
  SimTask& t = tasks_[static_cast<std::size_t>(task)];
  t.desired_running = false;
  if (t.node >= 0) t.shut_down_at_sync = nodes_[static_cast<std::size_t>(t.node)].agent_syncs;
  if (phase != TaskPhase::kShutdown || !t.container_running) t.phase = phase;
  t.message = message;
  if (t.container_running && !t.stop_pending && agent_connected(t.node)) {
    t.stop_pending = true;
    const ServiceSpec& s = services_[static_cast<std::size_t>(t.service)];
    Event stop{};
    stop.t_ms = now_ms_ + std::min<DurationMs>(s.stop_grace_ms, 1000);
    stop.kind = EventKind::kContainerStop;
    stop.task = task;
    push(stop);
  }
  record_task(task);
}

void SimCluster::replace_task(int task, DurationMs delay_ms) {
  SimTask fresh;
  fresh.service = tasks_[static_cast<std::size_t>(task)].service;
  fresh.slot = tasks_[static_cast<std::size_t>(task)].slot;
  fresh.eligible_ms = now_ms_ + delay_ms;
  add_task(fresh);
  if (delay_ms > 0) request_reconcile(fresh.eligible_ms);
}

void SimCluster::reconcile() {
  if (!leader_can_commit()) return;
  for (int t = 0; t < static_cast<int>(tasks_.size()); ++t) {
    SimTask& task = tasks_[static_cast<std::size_t>(t)];
    if (!task.desired_running || task.node < 0) continue;
    const SimNode& n = nodes_[static_cast<std::size_t>(task.node)];
    const ServiceSpec& s = services_[static_cast<std::size_t>(task.service)];
    if (n.status == NodeStatus::kDown) {
      shut_down(t, tasks_[static_cast<std::size_t>(t)].phase, "node is down");
      replace_task(t, s.restart.delay_ms);
    } else if (n.availability == Availability::kDrain) {
      shut_down(t, TaskPhase::kShutdown, "node is being drained");
      replace_task(t, 0);
    } else if (!all_constraints_match(s.constraints, facts(task.node))) {
      shut_down(t, TaskPhase::kRejected, "assigned node no longer meets constraints");
      replace_task(t, 0);
    }
  }
  fill_slots();
  schedule_pending();
}

void SimCluster::fill_slots() {
  for (int s = 0; s < static_cast<int>(services_.size()); ++s) {
    const ServiceSpec& spec = services_[static_cast<std::size_t>(s)];
    if (spec.global || service_removed(s)) continue;  // global services: one task per node, below
    std::vector<char> live(static_cast<std::size_t>(spec.replicas) + 1, 0);
    for (const int t : tasks_of_service(s)) {
      SimTask& task = tasks_[static_cast<std::size_t>(t)];
      if (!task.desired_running) continue;
      if (task.slot > spec.replicas) {
        shut_down(t, TaskPhase::kShutdown, "scaled down");
      } else {
        live[static_cast<std::size_t>(task.slot)] = 1;
      }
    }
    for (int slot = 1; slot <= spec.replicas; ++slot) {
      if (live[static_cast<std::size_t>(slot)]) continue;
      SimTask fresh;
      fresh.service = s;
      fresh.slot = slot;
      fresh.eligible_ms = now_ms_;
      add_task(fresh);
    }
  }
  for (int s = 0; s < static_cast<int>(services_.size()); ++s) {
    const ServiceSpec& spec = services_[static_cast<std::size_t>(s)];
    if (!spec.global || service_removed(s)) continue;
    for (int node = 0; node < static_cast<int>(nodes_.size()); ++node) {
      const SimNode& n = nodes_[static_cast<std::size_t>(node)];
      const bool eligible = !n.removed && n.status != NodeStatus::kDown &&
                            n.availability != Availability::kDrain &&
                            all_constraints_match(spec.constraints, facts(node));
      bool has = false;
      for (const int t : tasks_of_service(s)) {
        const SimTask& task = tasks_[static_cast<std::size_t>(t)];
        has = has || (task.desired_running && task.slot == node + 1);
      }
      if (eligible && !has) {
        SimTask fresh;
        fresh.service = s;
        fresh.slot = node + 1;  // a global task's "slot" is its node
        fresh.phase = TaskPhase::kAssigned;
        fresh.eligible_ms = now_ms_;
        const int t = add_task(fresh);
        assign_task(t, node);
        record_task(t);
        if (agent_connected(node)) start_container(t);
      }
    }
  }
}

void SimCluster::schedule_pending() {
  // The nodes in the store: a removed node is not a candidate and counts in no explanation.
  std::vector<int> node_of;
  std::vector<int> candidate_of(nodes_.size(), -1);
  for (int node = 0; node < static_cast<int>(nodes_.size()); ++node) {
    if (nodes_[static_cast<std::size_t>(node)].removed) continue;
    candidate_of[static_cast<std::size_t>(node)] = static_cast<int>(node_of.size());
    node_of.push_back(node);
  }
  std::vector<SchedulingCandidate> candidates(node_of.size());
  for (std::size_t c = 0; c < node_of.size(); ++c) {
    const SimNode& n = nodes_[static_cast<std::size_t>(node_of[c])];
    candidates[c].ready = n.status == NodeStatus::kReady && n.availability == Availability::kActive;
    candidates[c].facts = facts(node_of[c]);
  }
  auto candidate = [&](int node) -> SchedulingCandidate* {
    const int c = node < 0 ? -1 : candidate_of[static_cast<std::size_t>(node)];
    return c < 0 ? nullptr : &candidates[static_cast<std::size_t>(c)];
  };
  for (const SimTask& task : tasks_) {
    SchedulingCandidate* c = candidate(task.node);
    if (c != nullptr && task.desired_running) ++c->total_tasks;
  }
  for (int t = 0; t < static_cast<int>(tasks_.size()); ++t) {
    SimTask& task = tasks_[static_cast<std::size_t>(t)];
    if (!task.desired_running || task.phase != TaskPhase::kPending) continue;
    if (task.eligible_ms > now_ms_) {
      if (task.message.empty()) {
        task.message = "restart delay";
        record_task(t);
      }
      continue;
    }
    const ServiceSpec& spec = services_[static_cast<std::size_t>(task.service)];
    for (auto& c : candidates) c.service_tasks = 0;
    for (const int o : tasks_of_service(task.service)) {
      const SimTask& other = tasks_[static_cast<std::size_t>(o)];
      SchedulingCandidate* c = candidate(other.node);
      if (c != nullptr && other.desired_running) ++c->service_tasks;
    }
    const PlacementDecision d = place_task(spec, candidates);
    if (d.node < 0) {
      if (task.message != d.reason) {
        task.message = d.reason;
        record_task(t);
      }
      continue;
    }
    const int node = node_of[static_cast<std::size_t>(d.node)];
    assign_task(t, node);
    task.phase = TaskPhase::kAssigned;
    task.message.clear();
    ++candidates[static_cast<std::size_t>(d.node)].total_tasks;
    const std::string& node_name = plan_->nodes[static_cast<std::size_t>(node)].name;
    record(Aspect::kPlacement, spec.name, "slot " + std::to_string(task.slot) + " -> " + node_name);
    if (!all_constraints_match(spec.constraints, facts(node))) {
      record(Aspect::kInvariant, spec.name, "placed on " + node_name + " against its constraints");
    }
    record_task(t);
    if (agent_connected(node)) start_container(t);
  }
}

void SimCluster::start_container(int task) {
  SimTask& t = tasks_[static_cast<std::size_t>(task)];
  ++t.start_gen;
  Event start{};
  start.t_ms = now_ms_ + plan_->world.container_start_ms;
  start.kind = EventKind::kContainerStart;
  start.task = task;
  start.gen = t.start_gen;
  push(start);
}

void SimCluster::on_container_start(const Event& e) {
  SimTask& t = tasks_[static_cast<std::size_t>(e.task)];
  if (e.gen != t.start_gen || !t.desired_running || t.phase != TaskPhase::kAssigned) return;
  const SimNode& n = nodes_[static_cast<std::size_t>(t.node)];
  if (!n.host_up || !n.daemon_up || !n.in_swarm) return;
  t.phase = TaskPhase::kRunning;
  t.container_running = true;
  record_task(e.task);
  availability_dirty_ = true;
}

void SimCluster::on_container_stop(const Event& e) {
  SimTask& t = tasks_[static_cast<std::size_t>(e.task)];
  if (!t.container_running || t.desired_running) return;
  t.stop_pending = false;
  const SimNode& n = nodes_[static_cast<std::size_t>(t.node)];
  if (!n.host_up || !n.daemon_up) return;  // the daemon kills it when it is back
  t.container_running = false;
  if (e.gen == 1) {
    t.phase = TaskPhase::kFailed;
    t.message = "task: non-zero exit (137)";
  } else if (t.phase == TaskPhase::kRunning || t.phase == TaskPhase::kAssigned) {
    t.phase = TaskPhase::kShutdown;
  }
  record_task(e.task);
  availability_dirty_ = true;
}

void SimCluster::record_task(int task) {
  const SimTask& t = tasks_[static_cast<std::size_t>(task)];
  std::string detail = "slot " + std::to_string(t.slot) + ": " + to_string(t.phase);
  if (t.node >= 0) detail += " on " + plan_->nodes[static_cast<std::size_t>(t.node)].name;
  if (!t.desired_running) detail += t.container_running ? " (desired shutdown, container still running)" : " (desired shutdown)";
  if (!t.message.empty()) detail += ": " + t.message;
  record(Aspect::kTask, services_[static_cast<std::size_t>(t.service)].name, detail);
  ++task_records_;
  availability_dirty_ = true;
}

}  // namespace clawsim
