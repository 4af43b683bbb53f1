// The simulated swarm: managers running Raft, the leader's dispatcher (heartbeats, UNKNOWN
// after a failover, DOWN after the grace period), orchestrator and scheduler, nodes whose
// host or docker daemon can fail, the network with its partitions and firewalls, the NFS
// export and CapRover's dashboard. A value: copy it to fork a run at any moment. It reads no
// clock, no file and no socket; time moves only through run_until().
//
// Membership operations (sim_membership.cc) follow Docker with these simplifications: a node
// that rejoins after `docker swarm leave` reuses its entry (Docker creates a new node object
// with a new id and leaves the old one Down until `docker node rm`): the entry gets a new
// node.id, loses its node labels and becomes active, and tasks still assigned to the old entry
// are replaced at once; a forced leave keeps the manager in the Raft member list (unreachable),
// and a rejoin as manager takes that member's place instead of adding one; a join that times
// out is not retried in the background.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/cluster_state.h"
#include "model/answer.h"
#include "model/plan.h"
#include "model/scenario.h"
#include "model/timeline.h"
#include "sim/event_queue.h"
#include "sim/invariant_checker.h"
#include "sim/network.h"
#include "sim/raft_member.h"
#include "sim/rng.h"

namespace clawsim {

enum class NodeStatus : std::uint8_t { kReady, kDown, kUnknown };
const char* to_string(NodeStatus status);

enum class TaskPhase : std::uint8_t {
  kPending, kAssigned, kRunning, kShutdown, kRejected, kFailed,
  kOrphaned,  // its node was removed (swarmkit controlapi/node.go orphanNodeTasks)
};
const char* to_string(TaskPhase phase);

struct SimNode {
  bool host_up = true;
  bool daemon_up = true;
  bool manager = false;     // runs a Raft member (a voter once it has joined)
  Role role = Role::kWorker;
  Availability availability = Availability::kActive;
  std::map<std::string, std::string> labels;
  NodeStatus status = NodeStatus::kReady;
  std::uint32_t boot_gen = 0;      // bumped when the daemon stops: stale timers are dropped
  std::uint32_t deadline_gen = 0;  // bumped on every heartbeat the dispatcher accepts
  std::uint32_t session_epoch = 0; // dispatcher epoch the agent is registered with
  std::uint32_t agent_syncs = 0;   // the agent's syncs with the dispatcher (agent_sync())
  TimeMs leaderless_since_ms = -1; // this manager's Raft has known no leader since then
  bool in_swarm = true;         // the daemon is part of the swarm (`docker swarm leave` ends it)
  bool removed = false;         // its node object is deleted (`docker node rm`): counts for nothing
  std::uint32_t rejoins = 0;    // `docker swarm join` after a leave: a new node.id each time
  RaftMember raft;
};

struct SimTask {
  int service = 0;
  int slot = 0;
  int node = -1;
  TaskPhase phase = TaskPhase::kPending;
  bool desired_running = true;
  bool container_running = false;
  bool stop_pending = false;  // a graceful stop is under way
  std::uint32_t start_gen = 0;
  std::uint32_t shut_down_at_sync = 0;  // its node's agent_syncs when it was shut down: the
                                        // agent learns of the shutdown at its next sync
  TimeMs eligible_ms = 0;  // the restart delay: not scheduled before this
  std::string message;
};

class SimCluster {
 public:
  SimCluster(std::shared_ptr<const Plan> plan, std::uint64_t seed);

  TimeMs now() const { return now_ms_; }
  const Plan& plan() const { return *plan_; }
  const std::vector<ServiceSpec>& services() const { return services_; }
  std::uint64_t seed() const { return seed_; }

  // Processes every event up to and including t_ms; the clock ends at t_ms. After each event
  // (and each action or operation) the safety invariants are checked: a broken one throws
  // InvariantViolation, naming the seed, the time and the event.
  void run_until(TimeMs t_ms);
  // Performs a scenario action now: whether it took effect, in Docker's words.
  Answer apply(const Action& action);
  // Resolves a node reference (a name or an @reference) now; -1 when nothing matches.
  int resolve(const std::string& ref) const;

  ClusterState observe() const;
  Timeline take_changes();
  std::uint64_t fingerprint() const { return fingerprint_; }
  std::uint64_t events_processed() const { return events_processed_; }

  // The leader every running manager would follow: the highest-term running leader; -1 if none.
  int leader() const { return leader_; }
  // A majority of the managers is up and connected (a leader is or can be elected).
  bool has_quorum() const { return quorum_; }
  // A leader that can commit: the API takes writes, the orchestrator and scheduler work.
  bool control_plane_up() const { return control_plane_; }
  const std::vector<SimNode>& nodes() const { return nodes_; }
  const std::vector<SimTask>& tasks() const { return tasks_; }
  bool service_up(int service) const { return service_up_[static_cast<std::size_t>(service)]; }
  bool nfs_reachable_from(int node) const;
  // What a manager API call made on `node` gets now: "ok" or Docker's error. A read (`docker
  // node ls`) is served from the leader's store, even by a leader that lost its quorum but has
  // not stepped down yet; a write must commit through Raft.
  std::string api_answer(int node, bool write) const;
  // The answer `docker node ls` on `node` gets as a poll sees it: api_answer once it has held
  // for a poll period (record_api_answers); "" for a node that never was a manager.
  const std::string& api_seen(int node) const { return api_seen_[static_cast<std::size_t>(node)]; }
  bool some_api_answers() const;

  // Runtime operations an operator types (sim_membership.cc). Each returns Docker's output where
  // it prints a sentence (swarm leave/join), "ok" where it prints only an id or a name
  // (service create/rm, node rm) or for an applied ufw command, else the refusal; and records
  // what changed. `node` is where the command is typed (ufw, swarm leave/join) or what it is
  // about (node rm); `via` the manager the command goes to.
  Answer apply_ufw(int node, std::string_view ufw_command);
  const Firewall& firewall(int node) const { return network_.firewall(node); }
  Answer create_service(ServiceSpec spec, int via);        // docker service create
  Answer remove_service(const std::string& name, int via);  // docker service rm
  Answer leave(int node, bool force);                       // docker swarm leave
  Answer join(int node, bool as_manager);                   // docker swarm join
  Answer remove_node(int node, bool force, int via);        // docker node rm
  bool in_swarm(int node) const { return nodes_[static_cast<std::size_t>(node)].in_swarm; }
  bool removed(int node) const { return nodes_[static_cast<std::size_t>(node)].removed; }
  bool service_removed(int service) const {
    return service_removed_[static_cast<std::size_t>(service)] != 0;
  }
  // A service that exists now (not removed), by exact name; -1 if none.
  int service_index(std::string_view name) const;
  // The node's current node.id: the plan's, or a new one after each rejoin.
  std::string node_id(int node) const;

 private:
  // engine
  void push(const Event& e) { queue_.push(e); }
  void dispatch(const Event& e);
  void after_event();
  void record_api_answers();
  // Throws InvariantViolation if the state breaks an invariant; `event` is what was processed,
  // else `action` says what happened.
  // A Raft event changes its member's state only: that member alone is checked after it.
  void check_invariants(const Event* event, std::string_view action);
  MemberView member_view(int node) const;
  const InvariantState& full_invariant_state();
  std::string describe(const Event& e) const;
  void record(Aspect kind, std::string subject, std::string detail);
  void record_initial_state();
  std::string p_name(int node) const;
  DurationMs tick_ms() const { return plan_->raft.tick_ms; }

  // Raft plumbing (sim_cluster.cc)
  void start_manager(int node, bool fresh);
  void on_raft_tick(const Event& e);
  void on_raft_deliver(const Event& e);
  void flush_outbox(int node);
  bool raft_running(int node) const;
  void update_leadership();
  bool leader_can_commit() const;
  bool quorum_available() const;
  std::uint64_t voters() const;
  void set_voters_everywhere(std::uint64_t voters);
  // The Raft group names its members by slot (at most kMaxManagers), the rest of the model by
  // node index: a node takes a slot when it first joins the group (the plan's managers at the
  // start, in node order) and keeps it for the run.
  int take_member_slot(int node);  // its slot, taken if it had none; -1 when all are taken
  // Refused when `node` has no slot and every slot is taken: the Raft group is full.
  Answer member_slot_gate(int node) const;
  // The Raft transport (swarmkit manager/state/raft/transport): every manager keeps a gRPC
  // connection to each other member, and a message goes out only while it is connected. A
  // daemon that dies resets its peers' connections to it at once (its kernel closes the
  // sockets); each peer then redials on gRPC's backoff (a first retry after 1 s, then x1.6
  // with +/-20% jitter, at most raft.transport_backoff_max) and drops every message meant for
  // it until a dial finds it listening: a restarted manager hears from the leader, and its API
  // answers, up to one backoff after it is back. A restarted daemon dials everyone afresh,
  // backing off from those still down. A host that loses power resets nothing (no RST reaches
  // its peers), nor does a partition: their connections are taken to carry messages again as
  // soon as the host or the path is back (TCP retransmission timing is not modelled).
  struct PeerConn {
    bool down = false;
    std::uint8_t retries = 0;  // failed dials since it went down: gRPC's backoff index
    std::uint16_t chain = 0;   // bumped when it goes down: redials of an earlier outage drop
  };
  std::vector<PeerConn> conns_;  // [sender's slot * kMaxManagers + receiver's slot]
  PeerConn& conn(int from, int to) {
    return conns_[static_cast<std::size_t>(slot_of_node_[static_cast<std::size_t>(from)]) * kMaxManagers +
                  static_cast<std::size_t>(slot_of_node_[static_cast<std::size_t>(to)])];
  }
  // `from`'s Raft messages reach `to` now: the network passes them and the connection is up.
  bool raft_link(int from, int to) const;
  bool raft_links(int a, int b) const { return raft_link(a, b) && raft_link(b, a); }
  void reset_conns_to(int node);    // its daemon died: every peer starts redialling it
  void reset_conns_from(int node);  // its daemon started: new connections, redialling the down
  void redial(int from, int to, DurationMs delay_ms);
  void on_redial(const Event& e);
  std::uint64_t member_bit(int node) const { return std::uint64_t{1} << slot_of_node_[static_cast<std::size_t>(node)]; }
  int member_node(int slot) const { return node_of_slot_[static_cast<std::size_t>(slot)]; }

  // dispatcher and agents (control_plane.cc)
  void on_leader_change();
  void schedule_heartbeat(int node, DurationMs delay_ms);
  void on_agent_heartbeat(const Event& e);
  void on_node_deadline(const Event& e);
  bool agent_connected(int node) const;
  void set_status(int node, NodeStatus status, const std::string& why);
  // The dispatcher's Down after a missed heartbeat deadline, committed.
  void mark_down(int node, bool was_unknown);
  // A node's Down the dispatcher wrote while its leader could not commit (its quorum lost): the
  // write is an entry in that leader's log, uncommitted. It commits if that member leads again
  // (its longer log wins the election), and is lost if another does.
  struct PendingDown {
    int node = -1;
    int proposer = -1;
    std::uint64_t index = 0, term = 0;
    bool was_unknown = false;
  };
  void settle_pending_downs();
  DurationMs choose_period();
  void agent_sync(int node);

  // orchestrator and scheduler (control_plane.cc)
  void request_reconcile(TimeMs at_ms);
  void reconcile();
  void replace_task(int task, DurationMs delay_ms);
  void shut_down(int task, TaskPhase phase, const std::string& message);
  void fill_slots();
  void schedule_pending();
  void start_container(int task);
  void on_container_start(const Event& e);
  void on_container_stop(const Event& e);
  void record_task(int task);
  NodeFacts facts(int node) const;

  // actions (sim_actions.cc)
  Answer act(const Action& a, int node, int via);
  Answer act_crash(int node);
  Answer act_restart(int node);
  Answer act_stop_daemon(int node);
  Answer act_start_daemon(int node);
  Answer act_demote(int node, int via);
  Answer act_promote(int node, int via);
  Answer act_availability(int node, Availability availability, int via);
  Answer act_label(const Action& a, int node, int via);
  Answer act_partition(const Action& a);
  Answer act_port(const Action& a, int node, bool block);
  Answer act_nfs(bool running);
  Answer act_service_update(const Action& a, int via);
  Answer act_force_new_cluster(int node);
  Answer act_degrade(const Action& a, int node);
  bool lost(int from, int to);  // draws whether a packet between them is dropped
  Answer api_gate(int via) const;
  bool can_remove_member(int node) const;
  void finish_demotion();

  // membership (sim_membership.cc)
  bool recompute_service_order();  // false when the services' dependencies form a cycle
  std::string manager_leave_refusal(int node) const;
  void stop_swarm_containers(int node);
  void orphan_tasks(int node);
  void rejoin_entry(int node, bool as_manager);
  void join_raft(int node);
  void after_operation(std::string_view what);

  // availability (sim_observe.cc)
  void recompute_availability();

  std::shared_ptr<const Plan> plan_;
  std::vector<ServiceSpec> services_;  // the plan's, as service updates change them
  std::uint64_t seed_;
  Rng raft_rng_;        // seeds of Raft members
  Rng dispatcher_rng_;  // heartbeat periods
  Rng phase_rng_;       // clock phases of nodes
  Rng loss_rng_;        // packets dropped on degraded links
  Rng transport_rng_;   // the jitter of the Raft transport's redials

  TimeMs now_ms_ = 0;
  EventQueue queue_;
  Network network_;
  std::vector<SimNode> nodes_;
  std::vector<SimTask> tasks_;
  // Per node, the tasks ever assigned to it, in index order (a task's node never changes): an
  // agent's sync looks at its own tasks, not at every task of the swarm.
  std::vector<std::vector<int>> tasks_of_node_;
  void assign_task(int task, int node);
  // Per service, its tasks in index order (a task's service never changes): the passes over a
  // service's tasks do not walk every task of the swarm.
  std::vector<std::vector<int>> tasks_of_service_;
  int add_task(const SimTask& task);  // its index
  const std::vector<int>& tasks_of_service(int service) const;
  std::vector<char> service_up_;
  std::vector<std::string> service_reason_;  // the last recorded "up" / "down: why"
  std::vector<std::string> service_replicas_;  // the last recorded "serving/desired"
  std::vector<int> service_order_;
  std::vector<char> service_removed_;  // `docker service rm`: kept for stable indices

  std::vector<int> slot_of_node_;  // -1: never a member of the Raft group
  std::vector<int> node_of_slot_;
  std::vector<int> member_nodes_;  // the nodes with a slot, in node order (loops over members)
  int leader_ = -1;
  std::uint64_t leader_term_ = 0;
  std::uint64_t max_term_ = 0;
  bool quorum_ = false;
  bool control_plane_ = false;
  std::uint32_t dispatcher_epoch_ = 0;
  bool raft_changed_ = false;
  bool availability_dirty_ = true;
  bool api_dirty_ = false;              // a manager's API answer may have changed
  std::vector<std::string> api_seen_;   // per node: its API's answer as last recorded ("" never)
  std::vector<PendingDown> pending_downs_;
  std::vector<int> api_watch_;          // the nodes whose answer is followed: every manager, ever
  std::vector<TimeMs> api_settle_ms_;   // per node: when an answer that is no longer "ok" counts (-1 none)
  bool reconcile_queued_ = false;
  bool nfs_running_ = true;
  bool nfs_up_ = false;
  bool nfs_recorded_ = false;
  int pending_demotion_ = -1;
  std::vector<int> crashed_by_scenario_;

  std::uint32_t raft_group_ = 0;  // bumped by force-new-cluster
  InvariantChecker checker_;
  InvariantState invariant_state_;  // kept between events so that filling it does not allocate
  std::vector<std::uint32_t> live_tasks_;  // tasks desired running or running, as last checked
  std::size_t tasks_seen_ = 0;             // tasks_ before this index are in live_tasks_ or dead
  std::uint64_t task_records_ = 0;          // record_task() calls: task states changed
  std::uint64_t task_records_checked_ = 0;  // ... as of the last check of the tasks
  std::size_t tasks_checked_ = 0;           // tasks_.size() as of the last check of the tasks

  Timeline changes_;
  std::uint64_t fingerprint_ = 0xcbf29ce484222325ULL;
  std::uint64_t events_processed_ = 0;
};

}  // namespace clawsim
