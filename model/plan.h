// The plan: the desired cluster, as data. Nodes, Raft and dispatcher settings (swarmkit's
// defaults), the NFS export, services with their constraints and dependencies, each node's
// firewall and CapRover's captain. Pure data plus lookups; parsing lives in plan_yaml.cc.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/constraint.h"
#include "model/firewall.h"
#include "model/time.h"

namespace clawsim {

enum class Role { kManager, kWorker };
enum class Availability { kActive, kPause, kDrain };

const char* to_string(Role role);
const char* to_string(Availability availability);

struct NodeSpec {
  std::string name;     // hostname
  std::string id;       // node.id; defaults to the name
  std::string address;  // IPv4 address the node advertises
  Role role = Role::kWorker;
  Availability availability = Availability::kActive;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> engine_labels;
  std::string platform_os = "linux";
  std::string platform_arch = "x86_64";
  std::string failure_domain;  // rack, zone or host machine it shares with others; "" = unknown
  int line = 0;  // where it was declared, for messages
};

// swarmkit manager/state/raft/raft.go: 1 s tick, HeartbeatTick 1, ElectionTick 10,
// CheckQuorum on; etcd-raft's PreVote is left off by swarmkit. Its transport
// (raft/transport/transport.go) dials peers with grpc.WithBackoffMaxDelay(8 * time.Second).
struct RaftSettings {
  DurationMs tick_ms = 1000;
  int heartbeat_tick = 1;
  int election_tick = 10;
  bool check_quorum = true;
  bool pre_vote = false;
  DurationMs transport_backoff_max_ms = 8000;  // longest wait between two dials of a lost peer
};

// swarmkit manager/dispatcher/dispatcher.go: period 5 s, epsilon 0.5 s, grace x3;
// nodes left over from a previous leader are UNKNOWN with grace x6.
struct DispatcherSettings {
  DurationMs heartbeat_period_ms = 5000;
  DurationMs heartbeat_epsilon_ms = 500;
  int grace_multiplier = 3;
  int unknown_grace_multiplier = 6;
};

// Settings of the simulated world that Docker does not own.
struct WorldSettings {
  DurationMs link_latency_ms = 1;            // one-way, between any two nodes
  DurationMs container_start_ms = 1000;      // assigned -> running
  DurationMs agent_reconnect_ms = 1000;      // agent finds the new leader after a failover
  DurationMs promote_join_ms = 5000;         // a promoted node's manager joins the Raft group
  DurationMs api_deadline_ms = 20000;        // a manager API call that hangs fails after this
  int api_no_leader_fast_fail_ticks = 10;    // leaderless this long: calls fail at once
};

enum class Dependency { kNfs, kQuorum, kDockerDaemon };

struct RestartPolicy {
  enum class Condition { kAny, kOnFailure, kNone } condition = Condition::kAny;
  DurationMs delay_ms = 5000;
  int max_attempts = 0;  // 0 = unlimited
};

struct ServiceSpec {
  std::string name;
  std::string image;
  bool global = false;
  int replicas = 1;
  std::vector<Constraint> constraints;
  std::map<std::string, std::string> env;
  std::vector<std::string> depends_on;  // other services
  std::vector<Dependency> needs;        // nfs, quorum, docker-daemon (of its own node)
  bool manager_only = false;            // refuses to run on a worker (CapRover's captain)
  RestartPolicy restart;
  DurationMs stop_grace_ms = 10000;
  std::map<std::string, std::string> settings;  // application settings (e.g. openclaw hardening)
  std::vector<std::string> volumes;             // "source:target[:ro]", as `docker service create --mount`
  int line = 0;
};

struct NfsSpec {
  std::string server;  // node name
  std::string path = "/captain/data";
  std::string export_options;  // as in /etc/exports
  std::vector<std::string> clients;  // node names that mount it
  std::string mount_options = "defaults";
  int line = 0;
};

struct FirewallStep {
  std::vector<std::string> nodes;  // node names this block runs on
  std::vector<std::string> commands;
  std::vector<int> command_lines;  // where each command is written
  int line = 0;
};

// Who must still reach the nodes over SSH once the firewall is up: the admin and clawsim.
struct SshAccess {
  int port = 22;
  struct Client {
    std::string name;     // "admin", "clawsim", ...
    std::string address;  // IPv4 address the client connects from
  };
  std::vector<Client> clients;  // by name
  int line = 0;
};

// A rule of `clawsim validate` the plan accepts breaking, with the reason.
struct Waiver {
  std::string rule;     // a rule id, e.g. "placement.single-node"
  std::string subject;  // "" = every finding of the rule; else the node, service or port named
  std::string reason;
  int line = 0;
};

// What the plan promises under faults, judged by `clawsim validate` over every fault of the
// given depth (1: each single fault, 2: also every pair). Faults that involve an `except`
// node (act on it, or cut it off on the smaller side of a partition) are not judged.
struct Objective {
  enum class Kind { kQuorumHeld, kMaxDowntime, kMinReplicas, kRecoversWithin };
  std::string name;
  Kind kind = Kind::kQuorumHeld;
  std::string service;  // kMaxDowntime, kMinReplicas: the service judged
  DurationMs limit_ms = 0;  // kMaxDowntime, kRecoversWithin
  int min_replicas_pct = 0;  // kMinReplicas: at every moment after the fault, this share serves
  int depth = 1;
  std::vector<std::string> except;  // node names
  int line = 0;
};

// The most nodes a plan may have: a bound on the work of one run, not a limit of the model.
inline constexpr std::size_t kMaxNodes = 5000;
// The most managers a plan may have, and the most nodes that are ever members of its Raft
// group in one run (promotions included). The simulator's vote sets are 64-bit masks, its
// messages name members in a byte: sim/raft_member.h asserts that this fits both. Docker
// advises at most 7 managers.
inline constexpr std::size_t kMaxManagers = 64;

struct Plan {
  std::string name = "plan";
  std::string description;
  std::string admin_address;
  std::vector<NodeSpec> nodes;
  int nodes_line = 0;  // where `nodes:` is written, for findings about the whole set
  RaftSettings raft;
  DispatcherSettings dispatcher;
  WorldSettings world;
  std::optional<NfsSpec> nfs;
  std::vector<ServiceSpec> services;
  std::vector<FirewallStep> firewall;  // run in order; the result is each node's Firewall
  std::string leader;                  // the node that leads at the start (the install leader)
  std::string dashboard_service = "captain-captain";
  SshAccess ssh;
  std::vector<Waiver> waivers;
  std::vector<Objective> objectives;
  // Derived: each node's firewall after the ufw commands above (indexed like nodes).
  std::vector<Firewall> firewalls;

  int node_index(std::string_view name) const;     // -1 if absent
  int service_index(std::string_view name) const;  // -1 if absent
  int manager_count() const;
};

// What the placement filters see of a node as the plan declares it.
NodeFacts node_facts(const NodeSpec& node);

// Each node's firewall after the plan's ufw commands, indexed like plan.nodes.
std::vector<Firewall> build_firewalls(const Plan& plan);

// "" when Docker takes this node label, else why not. Docker asks little of a label (a key, no
// space around it); clawsim also refuses what would break a command or an observation's line:
// whitespace, '=' or a control character in the key, a control character in the value.
std::string docker_label_problem(std::string_view key, std::string_view value);

}  // namespace clawsim
