// Runtime operations an operator types, so that a change file can be checked step by step
// before anyone types it: a ufw command on a node, `docker service create|rm`, `docker swarm
// leave|join` and `docker node rm`, with Docker's answers and refusals (each names its source).
#include <algorithm>
#include <cctype>
#include <utility>

#include "model/service_graph.h"
#include "sim/sim_cluster.h"

namespace clawsim {

namespace {


// moby client/errors.go ErrorConnectionFailed (the docker CLI cannot reach its daemon).
const char* const kDaemonDown =
    "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon "
    "running?";
// moby daemon/cluster/errors.go errNoSwarm (returned by Cluster.Leave).
const char* const kNoSwarm = "Error response from daemon: This node is not part of a swarm";
// moby daemon/cluster/errors.go errSwarmExists (returned by Cluster.Join).
const char* const kSwarmExists =
    "Error response from daemon: This node is already part of a swarm. Use \"docker swarm "
    "leave\" to leave this swarm and join another one.";
// moby daemon/cluster/errors.go errSwarmJoinTimeoutReached: Cluster.Join (swarm.go) gives up
// after swarmConnectTimeout when the node does not become ready, e.g. no leader can commit.
const char* const kJoinTimeout =
    "Error response from daemon: Timeout was reached before node joined. The attempt to join "
    "the swarm will continue in the background. Use the \"docker info\" command to see the "
    "current swarm status of your node.";

// swarmkit's store indexes names lower-cased (manager/state/store/memory.go byName).
bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

int SimCluster::service_index(std::string_view name) const {
  for (std::size_t s = 0; s < services_.size(); ++s) {
    if (!service_removed_[s] && services_[s].name == name) return static_cast<int>(s);
  }
  return -1;
}

std::string SimCluster::node_id(int node) const {
  const std::string& id = plan_->nodes[static_cast<std::size_t>(node)].id;
  const std::uint32_t rejoins = nodes_[static_cast<std::size_t>(node)].rejoins;
  return rejoins == 0 ? id : id + "~" + std::to_string(rejoins);  // a made-up new id
}

void SimCluster::after_operation(std::string_view what) {
  raft_changed_ = true;
  availability_dirty_ = true;
  after_event();
  check_invariants(nullptr, what);
}

// Removed services keep their index but leave the dependency graph: a service depending on
// one finds no such service and counts it as down.
bool SimCluster::recompute_service_order() {
  std::vector<ServiceSpec> graph = services_;
  for (std::size_t s = 0; s < graph.size(); ++s) {
    if (!service_removed_[s]) continue;
    graph[s].name.clear();
    graph[s].depends_on.clear();
  }
  ServiceOrder order = dependency_order(graph);
  if (!order.cycle.empty()) return false;
  service_order_ = std::move(order.order);
  return true;
}

// A ufw command line typed on `node`, applied at once: later messages see the new rules.
Answer SimCluster::apply_ufw(int node, std::string_view ufw_command) {
  if (!nodes_[static_cast<std::size_t>(node)].host_up) return Answer::refused("host is down");
  Firewall fw = network_.firewall(node);
  const std::size_t rejected = fw.rejected.size();
  const std::size_t unmodelled = fw.unmodelled.size();
  const Result<bool> applied = apply_ufw_command(fw, ufw_command);
  if (!applied) return Answer::refused(applied.error().message);
  // ok also for a line ufw accepts without a change (kept in `ignored`)
  Answer answer = Answer::ok();
  if (fw.rejected.size() > rejected) {
    answer = Answer::refused(fw.rejected.back().reason);  // "ufw refuses this rule: ..."
  } else if (fw.unmodelled.size() > unmodelled) {
    answer = Answer::refused(fw.unmodelled.back().reason);  // "valid for ufw, not modelled: ..."
  }
  const bool changed = applied.value();
  network_.set_firewall(node, std::move(fw));  // keeps the refused lines, as the plan's do
  if (!changed) return answer;
  std::string text = trimmed(ufw_command);
  if (!text.starts_with("ufw") && !text.starts_with("sudo")) text = "ufw " + text;
  record(Aspect::kNetwork, p_name(node), text);
  request_reconcile(now_ms_);
  after_operation(ufw_command);
  return answer;
}

Answer SimCluster::create_service(ServiceSpec spec, int via) {
  if (Answer gate = api_gate(via); !gate) return gate;
  for (std::size_t s = 0; s < services_.size(); ++s) {
    if (service_removed_[s] || !same_name(services_[s].name, spec.name)) continue;
    // swarmkit manager/controlapi/service.go CreateService on store.ErrNameConflict
    // ("name conflicts with an existing object", manager/state/store/memory.go).
    return Answer::refused("Error response from daemon: rpc error: code = AlreadyExists desc = name conflicts "
           "with an existing object: service " + spec.name + " already exists");
  }
  for (const std::string& dep : spec.depends_on) {  // clawsim's own field, unknown to Docker
    if (service_index(dep) < 0) {
      return Answer::refused("clawsim: service " + spec.name + " depends on " + dep + ", which does not exist");
    }
  }
  const std::string name = spec.name;
  services_.push_back(std::move(spec));
  service_removed_.push_back(0);
  service_up_.push_back(0);
  service_reason_.emplace_back();
  service_replicas_.emplace_back();
  if (!recompute_service_order()) {
    services_.pop_back();
    service_removed_.pop_back();
    service_up_.pop_back();
    service_reason_.pop_back();
    service_replicas_.pop_back();
    return Answer::refused("clawsim: service " + name + " would close a dependency cycle");
  }
  const ServiceSpec& created = services_.back();
  record(Aspect::kServiceSpec, name,
         created.global ? "created (global)"
                        : "created (" + std::to_string(created.replicas) + " replicas)");
  request_reconcile(now_ms_);  // the orchestrator creates its tasks, the scheduler places them
  after_operation("docker service create");
  return Answer::ok();
}

Answer SimCluster::remove_service(const std::string& name, int via) {
  if (Answer gate = api_gate(via); !gate) return gate;
  const int s = service_index(name);
  // Docker 20.10's client turns the 404 into "Error: No such service: NAME" (moby
  // client/errors.go objectNotFoundError via wrapResponseError in client/service_remove.go);
  // clients from 23.0 on print the daemon's "service NAME not found" (daemon/cluster/helpers.go).
  if (s < 0) return Answer::refused("Error: No such service: " + name);
  service_removed_[static_cast<std::size_t>(s)] = 1;
  for (int t = 0; t < static_cast<int>(tasks_.size()); ++t) {
    const SimTask& task = tasks_[static_cast<std::size_t>(t)];
    if (task.service == s && task.desired_running) shut_down(t, TaskPhase::kShutdown, "");
  }
  service_up_[static_cast<std::size_t>(s)] = 0;
  service_reason_[static_cast<std::size_t>(s)] = "down: service removed";
  record(Aspect::kService, name, "down: service removed");  // its last availability record
  record(Aspect::kServiceSpec, name, "removed");
  recompute_service_order();  // cannot fail: removing a service removes edges only
  after_operation("docker service rm " + name);
  return Answer::ok();
}

void SimCluster::stop_swarm_containers(int node) {
  for (int t = 0; t < static_cast<int>(tasks_.size()); ++t) {
    SimTask& task = tasks_[static_cast<std::size_t>(t)];
    if (task.node != node || !task.container_running) continue;
    task.container_running = false;
    task.stop_pending = false;
    record_task(t);
  }
}

// moby daemon/cluster/swarm.go Leave: the refusal for a manager without --force, with the
// counts managerStats takes from `docker node ls` (managers Reachable, Leader included, and
// Unreachable); removingManagerCausesLossOfQuorum is reachable-2 <= unreachable and
// isLastManager reachable == 1 && unreachable == 0 (daemon/cluster/utils.go).
std::string SimCluster::manager_leave_refusal(int node) const {
  std::string msg =
      "Error response from daemon: You are attempting to leave the swarm on a node that is "
      "participating as a manager. ";
  if (api_answer(node, false) == "ok") {  // ListNodes answered (it needs a leader)
    int reachable = 0;
    int unreachable = 0;
    bool active = false;
    for (int i = 0; i < static_cast<int>(nodes_.size()); ++i) {
      if (!nodes_[static_cast<std::size_t>(i)].manager) continue;
      const bool up = i == leader_ || (leader_ >= 0 && raft_running(i) &&
                                       network_.can_talk(leader_, i, Traffic::kSwarm));
      (up ? reachable : unreachable) += 1;
      active = active || (up && i == node);
    }
    if (active && reachable - 2 <= unreachable) {
      if (reachable == 1 && unreachable == 0) {
        return msg + "Removing the last manager erases all current state of the swarm. Use "
                     "`--force` to ignore this message. ";  // the trailing space is Docker's
      }
      msg += "Removing this node leaves " + std::to_string(reachable - 1) + " managers out of " +
             std::to_string(reachable + unreachable) +
             ". Without a Raft quorum your swarm will be inaccessible. ";
    }
  }
  // (Docker's "Doing so may lose the consensus of your cluster." is for a manager that is not
  // running yet; a manager here runs as soon as its daemon does.)
  return msg + "The only way to restore a swarm that has lost consensus is to reinitialize it "
               "with `--force-new-cluster`. Use `--force` to suppress this message.";
}

// `docker swarm leave [--force]` typed on `node`. Its agent stops (the leader marks it Down
// after the heartbeat grace, "heartbeat failure"), its swarm containers are removed, its
// daemon keeps running. A forced leave of a manager stops its Raft member but does not remove
// it from the member list (the docs: "this does not reconfigure the swarm"): it counts as an
// unreachable member until it is demoted.
Answer SimCluster::leave(int node, bool force) {
  SimNode& n = nodes_[static_cast<std::size_t>(node)];
  if (!n.host_up || !n.daemon_up) return Answer::refused(kDaemonDown);
  if (!n.in_swarm) return Answer::refused(kNoSwarm);
  if (n.manager && !force) return Answer::refused(manager_leave_refusal(node));
  n.in_swarm = false;
  ++n.boot_gen;  // its agent's heartbeats and its manager's ticks stop
  stop_swarm_containers(node);
  record(Aspect::kMembership, p_name(node),
         n.manager ? "left the swarm (forced; still a raft member)" : "left the swarm");
  after_operation(std::string(force ? "docker swarm leave --force" : "docker swarm leave") +
                  " on " + p_name(node));
  return Answer::ok("Node left the swarm.");  // docker/cli cli/command/swarm/leave.go
}

// The node's entry after a rejoin: see the header for how this differs from Docker's new node.
void SimCluster::rejoin_entry(int node, bool as_manager) {
  SimNode& n = nodes_[static_cast<std::size_t>(node)];
  const std::string name = p_name(node);
  for (int t = 0; t < static_cast<int>(tasks_.size()); ++t) {  // the old entry's tasks
    const SimTask& task = tasks_[static_cast<std::size_t>(t)];
    if (task.node != node || !task.desired_running) continue;
    shut_down(t, task.phase, "node is down");
    replace_task(t, services_[static_cast<std::size_t>(task.service)].restart.delay_ms);
  }
  n.in_swarm = true;
  n.removed = false;
  ++n.rejoins;
  for (const auto& [key, value] : n.labels) record(Aspect::kLabel, name, key + " removed");
  n.labels.clear();
  if (n.availability != Availability::kActive) record(Aspect::kAvailability, name, "active");
  n.availability = Availability::kActive;
  const Role role = as_manager ? Role::kManager : Role::kWorker;
  if (n.role != role) record(Aspect::kRole, name, to_string(role));
  n.role = role;
  if (!as_manager) n.manager = false;  // a stale member stays in the member list, unreachable
  ++n.boot_gen;
  ++n.deadline_gen;
  n.session_epoch = dispatcher_epoch_;
  const DurationMs period = choose_period();
  Event deadline{};
  deadline.t_ms = now_ms_ + period * plan_->dispatcher.grace_multiplier;
  deadline.kind = EventKind::kNodeDeadline;
  deadline.node = node;
  deadline.gen = n.deadline_gen;
  push(deadline);
  schedule_heartbeat(node, period);
  set_status(node, NodeStatus::kReady, "");
}

// A manager joins the Raft group as a promoted node does once it has joined (kPromoteDone).
void SimCluster::join_raft(int node) {
  SimNode& n = nodes_[static_cast<std::size_t>(node)];
  const RaftConfig config{plan_->raft.election_tick, plan_->raft.heartbeat_tick,
                          plan_->raft.check_quorum};
  if (take_member_slot(node) < 0) return;  // join() checked member_slot_gate
  const std::uint64_t v = voters() | member_bit(node);
  n.raft = RaftMember(slot_of_node_[static_cast<std::size_t>(node)], v, config, raft_rng_.next());
  n.manager = true;
  set_voters_everywhere(v);
  start_manager(node, false);
  record(Aspect::kManager, p_name(node), "joined the raft");
  raft_changed_ = true;
}

// `docker swarm join [manager token]` typed on `node`: it needs a leader that can commit the
// new node (and, for a manager, the new member) and that it can talk to.
Answer SimCluster::join(int node, bool as_manager) {
  const SimNode& n = nodes_[static_cast<std::size_t>(node)];
  if (!n.host_up || !n.daemon_up) return Answer::refused(kDaemonDown);
  if (n.in_swarm) return Answer::refused(kSwarmExists);
  if (as_manager) {
    if (Answer gate = member_slot_gate(node); !gate) return gate;
  }
  if (!leader_can_commit() || !network_.can_talk(node, leader_, Traffic::kSwarm)) {
    return Answer::refused(kJoinTimeout);
  }
  rejoin_entry(node, as_manager);
  if (as_manager) join_raft(node);
  record(Aspect::kMembership, p_name(node), as_manager ? "joined as manager" : "joined as worker");
  request_reconcile(now_ms_);
  after_operation(std::string(as_manager ? "docker swarm join (manager)" : "docker swarm join") +
                  " on " + p_name(node));
  // docker/cli cli/command/swarm/join.go
  return Answer::ok(as_manager ? "This node joined a swarm as a manager."
                                : "This node joined a swarm as a worker.");
}

// swarmkit manager/controlapi/node.go orphanNodeTasks: every task of the node not yet in a
// terminal state becomes Orphaned; the orchestrator replaces those that should run.
void SimCluster::orphan_tasks(int node) {
  const std::string message = "Task belonged to a node that has been deleted";
  for (int t = 0; t < static_cast<int>(tasks_.size()); ++t) {
    SimTask& task = tasks_[static_cast<std::size_t>(t)];
    if (task.node != node) continue;
    if (task.desired_running) {
      shut_down(t, TaskPhase::kOrphaned, message);
      replace_task(t, services_[static_cast<std::size_t>(task.service)].restart.delay_ms);
    } else if (task.phase == TaskPhase::kPending || task.phase == TaskPhase::kAssigned ||
               task.phase == TaskPhase::kRunning) {
      task.phase = TaskPhase::kOrphaned;
      task.message = message;
      record_task(t);
    }
  }
}

// `docker node rm [--force] NODE` through manager `via` (swarmkit controlapi/node.go
// RemoveNode; the CLI passes the node's id, which the messages name).
Answer SimCluster::remove_node(int node, bool force, int via) {
  if (Answer gate = api_gate(via); !gate) return gate;
  SimNode& n = nodes_[static_cast<std::size_t>(node)];
  const std::string name = p_name(node);
  // Docker 20.10's client: moby client/node_remove.go wrapResponseError -> objectNotFoundError.
  if (n.removed) return Answer::refused("Error: No such node: " + name);
  const std::string prefix =
      "Error response from daemon: rpc error: code = FailedPrecondition desc = node ";
  if (n.role == Role::kManager && n.manager) {
    return Answer::refused(prefix + node_id(node) +
           " is a cluster manager and is a member of the raft cluster. It must be demoted to "
           "worker before removal");
  }
  if (!force && n.status == NodeStatus::kReady) {  // only READY is refused: Unknown is not
    return Answer::refused(prefix + node_id(node) + " is not down and can't be removed");
  }
  n.removed = true;
  orphan_tasks(node);
  record(Aspect::kMembership, name, "removed from the swarm");
  request_reconcile(now_ms_);
  after_operation("docker node rm " + p_name(node));
  return Answer::ok();  // the CLI prints the node as given (docker/cli cli/command/node/remove.go)
}

}  // namespace clawsim
