// The runtime operations a change file is replayed with: ufw commands on a node, `docker
// service create|rm`, `docker swarm leave|join` and `docker node rm`. Each test names where
// the behaviour or the message comes from.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "model/plan_yaml.h"
#include "scenarios/embedded.h"
#include "sim/sim_cluster.h"

namespace clawsim {
namespace {

std::shared_ptr<const Plan> default_plan() {
  Result<Plan> p = parse_plan(default_plan_text(), "default-plan.yaml");
  EXPECT_TRUE(p.ok()) << p.error().to_string();
  return std::make_shared<const Plan>(std::move(p).value());
}

// The runbook's cluster with its firewall corrected: atlanta, boston, chicago managers (chicago
// trusted), denver the worker and NFS server.
std::shared_ptr<const Plan> corrected_plan() {
  const std::string path =
      std::string(CLAWSIM_SOURCE_DIR) + "/scenarios/plans/corrected-firewall.yaml";
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  Result<Plan> p = parse_plan(text.str(), path);
  EXPECT_TRUE(p.ok()) << p.error().to_string();
  return std::make_shared<const Plan>(std::move(p).value());
}

// A converged cluster on the corrected plan, 30 s into the run.
SimCluster settled(std::uint64_t seed = 7) {
  SimCluster c(corrected_plan(), seed);
  c.run_until(30'000);
  EXPECT_EQ(c.leader(), c.plan().node_index("atlanta"));
  return c;
}

int idx(const SimCluster& c, const std::string& name) { return c.plan().node_index(name); }

const SimNode& node(const SimCluster& c, const std::string& name) {
  return c.nodes()[static_cast<std::size_t>(idx(c, name))];
}

const NodeState* observed(const ClusterState& s, const std::string& name) {
  for (const NodeState& n : s.nodes) {
    if (n.name == name) return &n;
  }
  return nullptr;
}

const ServiceState* observed_service(const ClusterState& s, const std::string& name) {
  for (const ServiceState& v : s.services) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

Answer apply(SimCluster& c, ActionKind kind, const std::string& node) {
  Action a;
  a.kind = kind;
  a.node = node;
  return c.apply(a);
}

ServiceSpec service(const std::string& name, int replicas, const std::string& constraint = "") {
  ServiceSpec s;
  s.name = name;
  s.image = name + ":1";
  s.replicas = replicas;
  if (!constraint.empty()) s.constraints.push_back(parse_constraint(constraint).value());
  return s;
}

// Tasks of a service that should run, and how many of them have a running container.
std::vector<const SimTask*> live_tasks(const SimCluster& c, const std::string& name) {
  std::vector<const SimTask*> out;
  const int s = c.service_index(name);
  for (const SimTask& t : c.tasks()) {
    if (t.service == s && t.desired_running) out.push_back(&t);
  }
  return out;
}

int running(const SimCluster& c, const std::string& name) {
  int n = 0;
  for (const SimTask* t : live_tasks(c, name)) n += t->container_running ? 1 : 0;
  return n;
}

bool has_change(const Timeline& t, Aspect kind, const std::string& subject,
                const std::string& detail) {
  for (const Change& ch : t) {
    if (ch.kind == kind && ch.subject == subject && ch.detail == detail) return true;
  }
  return false;
}

// The first time `name` reads `want` at or after now, stepping 10 ms; -1 if not before `until`.
TimeMs when_status(SimCluster& c, const std::string& name, NodeStatus want, TimeMs until) {
  while (c.now() < until) {
    if (node(c, name).status == want) return c.now();
    c.run_until(c.now() + 10);
  }
  return -1;
}

const std::string kManagerLeave =
    "Error response from daemon: You are attempting to leave the swarm on a node that is "
    "participating as a manager. ";
const std::string kManagerLeaveEnd =
    "The only way to restore a swarm that has lost consensus is to reinitialize it with "
    "`--force-new-cluster`. Use `--force` to suppress this message.";

// ---------------------------------------------------------------------------------------------
// ufw at run time

// `ufw --force reset` disables ufw; `ufw --force enable` then applies the default deny incoming
// with no rules: boston admits nothing, so the leader's Raft messages to it are dropped (its own
// to the leader still pass). The leader keeps its quorum with chicago; boston loses its leader
// and cannot take writes; its agent's heartbeats still reach the leader, so it stays Ready.
TEST(SimMembership, UfwResetAndEnableOnAFollowerCutsItsRaft) {
  SimCluster c = settled();
  const int boston = idx(c, "boston");
  c.take_changes();
  EXPECT_EQ(c.apply_ufw(boston, "sudo ufw --force reset"), Answer::ok());
  EXPECT_FALSE(c.firewall(boston).enabled);
  EXPECT_TRUE(c.firewall(boston).rules.empty());
  EXPECT_EQ(c.apply_ufw(boston, "sudo ufw --force enable"), Answer::ok());
  EXPECT_TRUE(c.firewall(boston).enabled);
  EXPECT_EQ(observed(c.observe(), "boston")->manager_status, "Unreachable") << "at once";
  const Timeline t = c.take_changes();
  EXPECT_TRUE(has_change(t, Aspect::kNetwork, "boston", "sudo ufw --force enable"));

  c.run_until(c.now() + 40'000);
  EXPECT_EQ(c.leader(), idx(c, "atlanta"));
  EXPECT_TRUE(c.has_quorum());
  EXPECT_TRUE(c.control_plane_up());
  EXPECT_EQ(node(c, "boston").raft.lead(), RaftMember::kNone);
  EXPECT_NE(c.api_answer(boston, true), "ok");
  EXPECT_EQ(c.api_answer(idx(c, "chicago"), true), "ok");
  EXPECT_EQ(node(c, "boston").status, NodeStatus::kReady);

  EXPECT_EQ(c.apply_ufw(boston, "sudo ufw disable"), Answer::ok());  // boston comes back
  c.run_until(c.now() + 60'000);
  const std::string status = observed(c.observe(), "boston")->manager_status;
  EXPECT_TRUE(status == "Reachable" || status == "Leader") << status;
  EXPECT_TRUE(c.control_plane_up());
}

// ufw appends a rule after the existing ones and the first match wins: a deny of 2377/tcp after
// the allows from each node changes nothing for them.
TEST(SimMembership, UfwDenyAppendedAfterTheAllowsChangesNothingForThem) {
  SimCluster c = settled();
  const int boston = idx(c, "boston");
  const std::size_t rules = c.firewall(boston).rules.size();
  EXPECT_EQ(c.apply_ufw(boston, "sudo ufw deny 2377/tcp"), Answer::ok());
  EXPECT_EQ(c.firewall(boston).rules.size(), rules + 1);
  c.run_until(c.now() + 30'000);
  EXPECT_EQ(observed(c.observe(), "boston")->manager_status, "Reachable");
  EXPECT_EQ(node(c, "boston").raft.lead(), idx(c, "atlanta"));
}

// The runbook's `proto tcp/udp`: ufw refuses it (its parser takes one protocol); nothing changes
// and no network change is recorded.
TEST(SimMembership, UfwCommandUfwRefusesReturnsTheRefusalAndChangesNothing) {
  SimCluster c = settled();
  const int denver = idx(c, "denver");
  const Firewall before = c.firewall(denver);
  c.take_changes();
  const Answer answer =
      c.apply_ufw(denver, "sudo ufw allow from 10.0.0.1 to any port 2049,111 proto tcp/udp");
  EXPECT_FALSE(answer);
  EXPECT_EQ(answer.message().rfind("ufw refuses", 0), 0U) << answer;
  const Firewall& after = c.firewall(denver);
  EXPECT_EQ(after.rules.size(), before.rules.size());
  EXPECT_EQ(after.enabled, before.enabled);
  EXPECT_EQ(after.rejected.size(), before.rejected.size() + 1);
  for (const Change& ch : c.take_changes()) EXPECT_NE(ch.kind, Aspect::kNetwork) << ch.detail;
  EXPECT_TRUE(c.nfs_reachable_from(idx(c, "atlanta")));
}

// ---------------------------------------------------------------------------------------------
// docker service create / rm

// swarmkit scheduler: no node has the label, so the task stays pending with the filter's count.
TEST(SimMembership, CreatedServiceWithAnUnsatisfiableConstraintStaysPending) {
  SimCluster c = settled();
  EXPECT_EQ(c.create_service(service("batch", 1, "node.labels.gpu == true"), c.leader()), Answer::ok());
  c.run_until(c.now() + 10'000);
  const auto tasks = live_tasks(c, "batch");
  ASSERT_EQ(tasks.size(), 1U);
  EXPECT_EQ(tasks[0]->phase, TaskPhase::kPending);
  EXPECT_EQ(tasks[0]->message,
            "no suitable node (scheduling constraints not satisfied on 4 nodes)");
  const ClusterState st = c.observe();
  const ServiceState* s = observed_service(st, "batch");
  ASSERT_NE(s, nullptr);
  EXPECT_FALSE(s->up);

  EXPECT_EQ(c.create_service(service("web", 4), c.leader()), Answer::ok());
  c.run_until(c.now() + 5'000);
  EXPECT_EQ(running(c, "web"), 4);
  EXPECT_TRUE(c.service_up(c.service_index("web")));
}

// swarmkit controlapi/service.go CreateService: store.ErrNameConflict, names compared
// lower-cased by the store's name index.
TEST(SimMembership, CreateServiceRefusesADuplicateNameAndNeedsAManager) {
  SimCluster c = settled();
  EXPECT_EQ(c.create_service(service("Openclaw", 1), c.leader()),
            Answer::refused("Error response from daemon: rpc error: code = AlreadyExists desc = name conflicts "
            "with an existing object: service Openclaw already exists"));
  EXPECT_EQ(c.create_service(service("web", 1), idx(c, "denver")),
            Answer::refused("Error response from daemon: This node is not a swarm manager. Worker nodes can't be "
            "used to view or modify cluster state. Please run this command on a manager node or "
            "promote the current node to a manager."));
  EXPECT_LT(c.service_index("web"), 0);
}

TEST(SimMembership, RemovedServiceStopsItsTasksAndLeavesTheObservation) {
  SimCluster c = settled();
  ASSERT_EQ(running(c, "openclaw-egress"), 1);
  const int s = c.service_index("openclaw-egress");
  EXPECT_EQ(c.remove_service("openclaw-egress", c.leader()), Answer::ok());
  EXPECT_TRUE(c.service_removed(s));
  c.run_until(c.now() + 3'000);
  std::size_t tasks = 0;
  for (const SimTask& t : c.tasks()) {
    if (t.service != s) continue;
    ++tasks;
    EXPECT_FALSE(t.desired_running);
    EXPECT_FALSE(t.container_running);
  }
  const ClusterState st = c.observe();
  EXPECT_EQ(observed_service(st, "openclaw-egress"), nullptr);
  for (const TaskState& t : st.tasks) EXPECT_NE(t.service, "openclaw-egress");
  const ServiceState* gateway = observed_service(st, "openclaw");  // depends on the egress
  ASSERT_NE(gateway, nullptr);
  EXPECT_FALSE(gateway->up);
  EXPECT_EQ(gateway->reason, "depends on openclaw-egress, which is down");

  c.run_until(c.now() + 30'000);  // no new task for it
  std::size_t later = 0;
  for (const SimTask& t : c.tasks()) later += t.service == s ? 1 : 0;
  EXPECT_EQ(later, tasks);
  // Docker 20.10's client (moby client/errors.go objectNotFoundError).
  EXPECT_EQ(c.remove_service("openclaw-egress", c.leader()),
            Answer::refused("Error: No such service: openclaw-egress"));
  EXPECT_EQ(c.create_service(service("openclaw-egress", 1, "node.labels.openclaw.trusted == true"),
                             c.leader()), Answer::ok());
  c.run_until(c.now() + 5'000);
  EXPECT_TRUE(c.service_up(c.service_index("openclaw")));
}

// ---------------------------------------------------------------------------------------------
// docker swarm leave / join

// moby daemon/cluster/swarm.go Leave with managerStats: 3 managers reachable (3-2 <= 0 is
// false) gives the short text; with chicago down, 2 reachable and 1 unreachable (0 <= 1) adds
// what is left.
TEST(SimMembership, ManagerLeaveWithoutForceIsRefusedWithDockersText) {
  SimCluster c = settled();
  EXPECT_EQ(c.leave(idx(c, "boston"), false), Answer::refused(kManagerLeave + kManagerLeaveEnd));
  EXPECT_EQ(apply(c, ActionKind::kCrashNode, "chicago"), Answer::ok());
  c.run_until(c.now() + 1'000);
  EXPECT_EQ(c.leave(idx(c, "boston"), false),
            Answer::refused(kManagerLeave +
                "Removing this node leaves 1 managers out of 3. Without a Raft quorum your swarm "
                "will be inaccessible. " +
                kManagerLeaveEnd));
  EXPECT_TRUE(c.in_swarm(idx(c, "boston")));
}

// swarmkit dispatcher: the agent is gone, so the leader marks the node Down 3 heartbeat
// periods (4.5-5.5 s) after its last heartbeat, which came at most a period before the leave:
// 9-16.5 s after it; its tasks are replaced after the restart delay (5 s).
TEST(SimMembership, WorkerLeaveIsDownAfterTheGraceAndItsTasksMove) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    SimCluster c = settled(seed);
    ASSERT_EQ(c.create_service(service("web", 4), c.leader()), Answer::ok());
    c.run_until(c.now() + 5'000);
    ASSERT_EQ(running(c, "web"), 4);
    const int denver = idx(c, "denver");
    c.take_changes();
    const TimeMs left = c.now();
    EXPECT_EQ(c.leave(denver, false), Answer::ok("Node left the swarm."));
    EXPECT_FALSE(c.in_swarm(denver));
    EXPECT_EQ(running(c, "web"), 3) << "its containers are removed at once";
    EXPECT_TRUE(node(c, "denver").daemon_up);
    const TimeMs down = when_status(c, "denver", NodeStatus::kDown, left + 30'000);
    ASSERT_GE(down, 0);
    EXPECT_GE(down - left, 9'000);
    EXPECT_LE(down - left, 16'500);
    EXPECT_TRUE(has_change(c.take_changes(), Aspect::kNode, "denver", "down (heartbeat failure)"));
    c.run_until(down + 7'000);
    EXPECT_EQ(running(c, "web"), 4);
    for (const SimTask* t : live_tasks(c, "web")) EXPECT_NE(t->node, denver);
    EXPECT_EQ(c.leave(denver, false),
              Answer::refused("Error response from daemon: This node is not part of a swarm"));
    EXPECT_EQ(c.api_answer(denver, false),
              "Error response from daemon: This node is not a swarm manager. Use \"docker swarm "
              "init\" or \"docker swarm join\" to connect this node to swarm and try again.");
  }
}

// A forced leave does not reconfigure the swarm (docs, swarm leave): boston stays a member,
// unreachable, so losing chicago as well loses the quorum (1 of 3), and `node rm` refuses it
// until it is demoted.
TEST(SimMembership, ForcedManagerLeaveKeepsAnUnreachableMember) {
  SimCluster c = settled();
  const int boston = idx(c, "boston");
  EXPECT_EQ(c.leave(boston, true), Answer::ok("Node left the swarm."));
  c.run_until(c.now() + 20'000);
  EXPECT_EQ(c.leader(), idx(c, "atlanta"));
  EXPECT_TRUE(c.has_quorum());
  EXPECT_EQ(observed(c.observe(), "boston")->manager_status, "Unreachable");
  EXPECT_EQ(c.remove_node(boston, true, c.leader()),
            Answer::refused("Error response from daemon: rpc error: code = FailedPrecondition desc = node boston "
            "is a cluster manager and is a member of the raft cluster. It must be demoted to "
            "worker before removal"));

  SimCluster lost = c;  // a copy forks the run
  EXPECT_EQ(apply(lost, ActionKind::kCrashNode, "chicago"), Answer::ok());
  lost.run_until(lost.now() + 20'000);
  EXPECT_FALSE(lost.has_quorum());

  EXPECT_EQ(apply(c, ActionKind::kDemote, "boston"), Answer::ok("Manager boston demoted in the swarm."));
  c.run_until(c.now() + 20'000);
  EXPECT_EQ(node(c, "boston").status, NodeStatus::kDown);
  EXPECT_EQ(c.remove_node(boston, false, c.leader()), Answer::ok());
  EXPECT_EQ(apply(c, ActionKind::kCrashNode, "chicago"), Answer::ok());
  c.run_until(c.now() + 20'000);
  EXPECT_FALSE(c.has_quorum()) << "two members left, one down: no majority";
}

// moby daemon/cluster/errors.go errSwarmExists.
TEST(SimMembership, JoinOfAMemberIsRefused) {
  SimCluster c = settled();
  EXPECT_EQ(c.join(idx(c, "denver"), false),
            Answer::refused("Error response from daemon: This node is already part of a swarm. Use \"docker "
            "swarm leave\" to leave this swarm and join another one."));
}

// A rejoined node is a new node object: Ready at once, without the labels of the old one, and
// it gets tasks as usual (nothing moves back by itself).
TEST(SimMembership, LeaveThenJoinAsWorkerIsReadyAgain) {
  SimCluster c = settled();
  const int denver = idx(c, "denver");
  Action label;
  label.kind = ActionKind::kLabelAdd;
  label.node = "denver";
  label.label_key = "zone";
  label.label_value = "b";
  ASSERT_EQ(c.apply(label), Answer::ok());
  ASSERT_EQ(c.leave(denver, false), Answer::ok("Node left the swarm."));
  c.run_until(c.now() + 30'000);
  ASSERT_EQ(node(c, "denver").status, NodeStatus::kDown);
  EXPECT_EQ(c.join(denver, false), Answer::ok("This node joined a swarm as a worker."));
  EXPECT_TRUE(c.in_swarm(denver));
  EXPECT_EQ(node(c, "denver").status, NodeStatus::kReady);
  EXPECT_TRUE(node(c, "denver").labels.empty());
  EXPECT_NE(c.node_id(denver), "denver");
  c.run_until(c.now() + 40'000);
  EXPECT_EQ(node(c, "denver").status, NodeStatus::kReady) << "its heartbeats are accepted";
  ASSERT_EQ(c.create_service(service("web", 4), c.leader()), Answer::ok());
  c.run_until(c.now() + 5'000);
  EXPECT_EQ(running(c, "web"), 4);
  bool on_denver = false;
  for (const SimTask* t : live_tasks(c, "web")) on_denver = on_denver || t->node == denver;
  EXPECT_TRUE(on_denver);
}

// Joining as a manager adds a Raft member: with boston gone for good (forced leave, demoted,
// removed), denver's joining makes three voters again, so chicago's crash keeps the quorum.
TEST(SimMembership, JoinAsManagerAddsARaftMember) {
  SimCluster c = settled();
  ASSERT_EQ(c.leave(idx(c, "boston"), true), Answer::ok("Node left the swarm."));
  ASSERT_EQ(apply(c, ActionKind::kDemote, "boston"), Answer::ok("Manager boston demoted in the swarm."));
  const int denver = idx(c, "denver");
  ASSERT_EQ(c.leave(denver, false), Answer::ok("Node left the swarm."));
  EXPECT_EQ(c.join(denver, true), Answer::ok("This node joined a swarm as a manager."));
  EXPECT_EQ(node(c, "denver").role, Role::kManager);
  c.run_until(c.now() + 20'000);
  EXPECT_EQ(observed(c.observe(), "denver")->manager_status, "Reachable");
  EXPECT_EQ(apply(c, ActionKind::kCrashNode, "chicago"), Answer::ok());
  c.run_until(c.now() + 20'000);
  EXPECT_TRUE(c.has_quorum());
  EXPECT_TRUE(c.control_plane_up());
}

// Without a leader that can commit, the join cannot complete (moby daemon/cluster/swarm.go
// Join gives up after swarmConnectTimeout).
TEST(SimMembership, JoinWithoutQuorumTimesOut) {
  SimCluster c = settled();
  const int denver = idx(c, "denver");
  ASSERT_EQ(c.leave(denver, false), Answer::ok("Node left the swarm."));
  ASSERT_EQ(apply(c, ActionKind::kCrashNode, "atlanta"), Answer::ok());
  ASSERT_EQ(apply(c, ActionKind::kCrashNode, "boston"), Answer::ok());
  c.run_until(c.now() + 30'000);
  EXPECT_EQ(c.join(denver, false),
            Answer::refused("Error response from daemon: Timeout was reached before node joined. The attempt to "
            "join the swarm will continue in the background. Use the \"docker info\" command to "
            "see the current swarm status of your node."));
  EXPECT_FALSE(c.in_swarm(denver));
}

// ---------------------------------------------------------------------------------------------
// docker node rm (swarmkit controlapi/node.go RemoveNode)

TEST(SimMembership, NodeRmRefusesAReadyNodeAndAManager) {
  SimCluster c = settled();
  const std::string refused =
      "Error response from daemon: rpc error: code = FailedPrecondition desc = node ";
  EXPECT_EQ(c.remove_node(idx(c, "denver"), false, c.leader()),
            Answer::refused(refused + "denver is not down and can't be removed"));
  EXPECT_EQ(c.remove_node(idx(c, "boston"), false, c.leader()),
            Answer::refused(refused + "boston is a cluster manager and is a member of the raft cluster. It must "
                      "be demoted to worker before removal"));
  const Answer on_worker = c.remove_node(idx(c, "denver"), false, idx(c, "denver"));
  EXPECT_FALSE(on_worker);
  EXPECT_EQ(on_worker.message().rfind("Error response from daemon: This node is not a swarm manager.", 0), 0U);
  EXPECT_EQ(c.observe().nodes.size(), 4U);
}

// A removed node leaves `docker node ls` and counts for nothing, the scheduler's explanations
// included.
TEST(SimMembership, NodeRmOfADownWorkerRemovesIt) {
  SimCluster c = settled();
  const int denver = idx(c, "denver");
  ASSERT_EQ(c.leave(denver, false), Answer::ok("Node left the swarm."));
  c.run_until(c.now() + 30'000);
  ASSERT_EQ(node(c, "denver").status, NodeStatus::kDown);
  EXPECT_EQ(c.remove_node(denver, false, c.leader()), Answer::ok());
  EXPECT_TRUE(c.removed(denver));
  const ClusterState st = c.observe();
  EXPECT_EQ(st.nodes.size(), 3U);
  EXPECT_EQ(observed(st, "denver"), nullptr);
  EXPECT_EQ(c.remove_node(denver, false, c.leader()), Answer::refused("Error: No such node: denver"));
  ASSERT_EQ(c.create_service(service("batch", 1, "node.labels.gpu == true"), c.leader()), Answer::ok());
  c.run_until(c.now() + 2'000);
  EXPECT_EQ(live_tasks(c, "batch")[0]->message,
            "no suitable node (scheduling constraints not satisfied on 3 nodes)");
  EXPECT_TRUE(c.service_up(c.service_index("captain-captain")));
}

// `node rm --force` of a Ready worker: its tasks are Orphaned and replaced elsewhere.
TEST(SimMembership, ForcedNodeRmOrphansTheTasksOfAReadyWorker) {
  SimCluster c = settled();
  ASSERT_EQ(c.create_service(service("web", 4), c.leader()), Answer::ok());
  c.run_until(c.now() + 5'000);
  const int denver = idx(c, "denver");
  EXPECT_EQ(c.remove_node(denver, true, c.leader()), Answer::ok());
  bool orphaned = false;
  for (const SimTask& t : c.tasks()) {
    if (t.node == denver && t.phase == TaskPhase::kOrphaned) {
      orphaned = true;
      EXPECT_EQ(t.message, "Task belonged to a node that has been deleted");
    }
  }
  EXPECT_TRUE(orphaned);
  c.run_until(c.now() + 7'000);
  int elsewhere = 0;
  for (const SimTask* t : live_tasks(c, "web")) {
    elsewhere += t->node != denver && t->container_running ? 1 : 0;
  }
  EXPECT_EQ(elsewhere, 4);
  const Answer again = c.join(denver, false);
  EXPECT_FALSE(again) << "it must leave first";
  EXPECT_EQ(again.message().rfind("Error response from daemon: This node is already", 0), 0U) << again;
}

// The default plan (the runbook as written) takes the operations too, and a run that used them
// stays deterministic.
TEST(SimMembership, OperationsAreDeterministic) {
  auto run = [] {
    SimCluster c(default_plan(), 3);
    c.run_until(20'000);
    c.create_service(service("web", 2), c.leader());
    c.apply_ufw(c.plan().node_index("denver"), "sudo ufw --force reset");
    c.leave(c.plan().node_index("denver"), false);
    c.run_until(60'000);
    c.join(c.plan().node_index("denver"), false);
    c.run_until(90'000);
    return c.fingerprint();
  };
  EXPECT_EQ(run(), run());
}

// 64 managers and two workers: the Raft group is full. A demoted manager keeps its slot and
// comes back; a 65th member is refused, with the reason, and the group goes on as it was.
// Nodes n0..n(count-1), managers from `first` to `last`, the first of them the leader.
std::shared_ptr<const Plan> numbered(int count, int first, int last) {
  Plan p;
  p.name = "numbered";
  for (int i = 0; i < count; ++i) {
    NodeSpec n;
    n.name = n.id = "n" + std::to_string(i);
    n.address = "10.0." + std::to_string(i / 200) + "." + std::to_string(i % 200 + 1);
    n.role = i >= first && i <= last ? Role::kManager : Role::kWorker;
    p.nodes.push_back(n);
  }
  p.leader = "n" + std::to_string(first);
  return std::make_shared<const Plan>(std::move(p));
}

TEST(RaftSlots, A65thMemberIsRefusedAndTheGroupGoesOn) {
  SimCluster c(numbered(66, 0, 63), 3);
  c.run_until(30'000);
  ASSERT_EQ(c.leader(), 0);
  EXPECT_TRUE(apply(c, ActionKind::kDemote, "n63"));
  c.run_until(60'000);
  EXPECT_TRUE(apply(c, ActionKind::kPromote, "n63")) << "its slot is still its own";
  c.run_until(120'000);
  EXPECT_TRUE(c.nodes()[63].manager);
  const Answer refused = apply(c, ActionKind::kPromote, "n64");
  EXPECT_FALSE(refused);
  EXPECT_EQ(refused.text(), "the model's Raft group has had 64 members in this run, its most (a limit of clawsim, not of Docker)");
  c.run_until(150'000);
  EXPECT_FALSE(c.nodes()[64].manager);
  EXPECT_EQ(c.leader(), 0);
  // Each second: a tick on each of the 64 members, an append from the leader to each other
  // member and its answer.
  EXPECT_GT(c.events_processed(), 150u * (64 + 2 * 63));
}

// More workers than one 64-bit word: reachability and a leader crash across all of them.
TEST(RaftSlots, ManagersAfterManyWorkersElectALeader) {
  SimCluster c(numbered(200, 197, 199), 5);  // the managers are the last three nodes
  c.run_until(30'000);
  ASSERT_EQ(c.leader(), 197);
  EXPECT_TRUE(apply(c, ActionKind::kCrashNode, "n197"));
  c.run_until(90'000);
  EXPECT_TRUE(c.leader() == 198 || c.leader() == 199) << "leader " << c.leader();
  EXPECT_EQ(c.nodes()[150].status, NodeStatus::kReady);
}

}  // namespace
}  // namespace clawsim
