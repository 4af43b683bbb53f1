// The live driver's own logic over a fake cluster, a fake clock and a fake journal: that an
// undo is written before its fault runs, that a fault is not run when its undo cannot be
// written, that an outcome that cannot be written stops the drill and the rollback still undoes
// it, that a connection lost during the rollback leaves the undo owed with the command to run
// by hand, that a guard firing between two actions stops the second, and that a heal runs the
// partition's undos. The testbed suite checks the same paths against a real swarm.
#include "live/live_driver.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <mutex>

#include "model/plan_yaml.h"

namespace clawsim {
namespace {

constexpr const char* kDaemonDown =
    "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?";

// What happened, in order: journal appends and commands, one line each.
using Log = std::vector<std::string>;

// Three managers a, b, c; a leads. Daemon stops and starts and `docker node update` change
// what the next observation sees. Commands after `drop_after` commands fail as a dropped
// connection would.
class FakeCluster final : public RemoteCluster {
 public:
  explicit FakeCluster(Log& log) : log_(log) {
    for (const char* name : {"a", "b", "c"}) {
      InventoryNode n;
      n.name = name;
      inventory_.nodes.push_back(n);
      NodeState s;
      s.name = name;
      s.status = "ready";
      s.availability = "active";
      s.role = "manager";
      s.manager_status = s.name == "a" ? "Leader" : "Reachable";
      state_.nodes.push_back(s);
    }
    state_.leader = "a";
    state_.quorum = true;
    daemon_up_.assign(3, true);
  }

  const Inventory& inventory() const override { return inventory_; }
  CommandResult run(int node, const std::string& command) override {
    if (CommandResult dropped; lost(node, dropped)) return dropped;
    log_.push_back("run " + inventory_.nodes[static_cast<std::size_t>(node)].name + ": " + command);
    const NodeCommands& c = inventory_.nodes[static_cast<std::size_t>(node)].commands;
    if (command == c.daemon_stop) daemon_up_[static_cast<std::size_t>(node)] = false;
    if (command == c.daemon_start) daemon_up_[static_cast<std::size_t>(node)] = true;
    CommandResult r;
    r.exit_status = 0;
    return r;
  }
  CommandResult docker(int node, const std::string& args) override {
    if (CommandResult dropped; lost(node, dropped)) return dropped;
    log_.push_back("docker " + inventory_.nodes[static_cast<std::size_t>(node)].name + ": " + args);
    for (NodeState& n : state_.nodes) {
      for (const char* a : {"drain", "active", "pause"}) {
        if (args == std::string("node update --availability ") + a + " '" + n.name + "'") n.availability = a;
      }
    }
    CommandResult r;
    r.exit_status = 0;
    return r;
  }
  CommandResult run_here(int node, const std::string& command) override { return run(node, command); }
  void set_powered_off(int, bool) override {}
  bool powered_off(int) const override { return false; }
  bool observe(ClusterState& state, std::string& error, int) override {
    std::lock_guard<std::mutex> lock(mutex_);
    state = state_;
    int running = 0;
    for (bool up : daemon_up_) running += up ? 1 : 0;
    if (running < 2 || no_leader_) {
      error = "no manager answers";
      return false;
    }
    return true;
  }
  std::vector<ApiAnswer> api_answers(const std::vector<int>& nodes) override {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<ApiAnswer> out;
    for (int n : nodes) {
      const bool up = daemon_up_[static_cast<std::size_t>(n)];
      const std::string& named = named_leader_[static_cast<std::size_t>(n)];
      if (no_leader_) {
        out.push_back({up ? "hangs (no answer within 2 s)" : kDaemonDown, ""});
        continue;
      }
      out.push_back({up ? "ok" : kDaemonDown, !up ? "" : named.empty() ? state_.leader : named});
    }
    return out;
  }
  // From now on no manager answers: the swarm has no leader (true) or has one again (false).
  void set_no_leader(bool none) {
    std::lock_guard<std::mutex> lock(mutex_);
    no_leader_ = none;
  }
  // From now on `node`'s own docker node ls names this leader, whatever the observation says.
  void name_leader(int node, std::string leader) {
    std::lock_guard<std::mutex> lock(mutex_);
    named_leader_[static_cast<std::size_t>(node)] = std::move(leader);
  }
  bool tcp_reachable(int, const std::string&, int) override { return true; }
  void note(const std::string&) override {}

  // From now on every command fails as a broken SSH connection does.
  void drop_connections() { dropped_ = true; }

 private:
  bool lost(int node, CommandResult& r) const {
    if (!dropped_) return false;
    r.error = inventory_.nodes[static_cast<std::size_t>(node)].name + ": connection lost (Socket disconnected)";
    return true;
  }

  Log& log_;
  Inventory inventory_;
  ClusterState state_;
  std::vector<bool> daemon_up_;
  std::vector<std::string> named_leader_ = std::vector<std::string>(3);
  bool no_leader_ = false;
  bool dropped_ = false;
  std::mutex mutex_;
};

// Keeps what is appended; the appends numbered in `fail` are refused, as by a full disk.
class FakeJournal final : public JournalSink {
 public:
  explicit FakeJournal(Log& log) : log_(log) {}
  bool append(const JournalEntry& e, std::string& error) override {
    ++appends_;
    if (std::find(fail.begin(), fail.end(), appends_) != fail.end()) {
      error = "journal: No space left on device";
      return false;
    }
    entries.push_back(e);
    log_.push_back(std::string("journal ") + to_string(e.status) + " " + std::to_string(e.id) + ": " + e.action);
    return true;
  }
  std::vector<int> fail;
  std::vector<JournalEntry> entries;

 private:
  Log& log_;
  int appends_ = 0;
};

// Time moves only when the driver waits.
class FakeClock final : public Clock {
 public:
  TimeMs now_ms() const override { return now_ms_; }
  void sleep_for_ms(DurationMs ms) override { now_ms_ += ms; }

 private:
  TimeMs now_ms_ = 0;
};

Plan three_managers() {
  Result<Plan> p = parse_plan(R"(name: three
leader: a
nodes:
  - {name: a, address: 10.0.0.1, role: manager}
  - {name: b, address: 10.0.0.2, role: manager}
  - {name: c, address: 10.0.0.3, role: manager}
)",
                              "three.yaml");
  EXPECT_TRUE(p) << p.error().message;
  return std::move(p).value();
}

Action action(ActionKind kind, const std::string& node) {
  Action a;
  a.kind = kind;
  a.node = node;
  return a;
}

struct Drill {
  Log log;
  FakeCluster cluster{log};
  FakeJournal journal{log};
  FakeClock clock;
  Plan plan = three_managers();
  LiveDriver driver{cluster, plan, journal, LiveGuards{}, 1000, clock};
};

TEST(LiveDriver, WritesTheUndoBeforeTheFaultAndRecordsEachStep) {
  Drill d;
  EXPECT_EQ(d.driver.apply(action(ActionKind::kStopDaemon, "b")), Answer::ok());
  std::vector<std::string> undo_log;
  EXPECT_TRUE(d.driver.rollback(undo_log));
  const Log want{"journal planned 1: stop-daemon b", "run b: systemctl stop docker", "journal done 1: stop-daemon b",
                 "run b: systemctl start docker", "journal undone 1: stop-daemon b"};
  EXPECT_EQ(d.log, want);
}

// An old leader cut off from the others answers as the leader until CheckQuorum steps it down,
// while they have elected another: the leader is the one most managers name (the model's is the
// highest term's), not the one the manager asked first names.
TEST(LiveDriver, TheLeaderIsTheOneMostManagersName) {
  Drill d;
  d.driver.take_changes();
  d.cluster.name_leader(1, "b");
  d.driver.advance_to(1000);
  for (const Change& c : d.driver.take_changes()) EXPECT_NE(c.kind, Aspect::kLeader) << "a and c name a: " << c.detail;
  d.cluster.name_leader(2, "b");
  d.driver.advance_to(2000);
  std::vector<std::string> leaders;
  for (const Change& c : d.driver.take_changes()) {
    if (c.kind == Aspect::kLeader) leaders.push_back(c.detail);
  }
  EXPECT_EQ(leaders, std::vector<std::string>{"b"}) << "b and c name b; a, asked first, names itself";
}

// A sample in which no manager answers has seen no leader: the leader's changes are known to
// the samples around them, however long the rest of the cluster's view has been stale.
TEST(LiveDriver, TheLeadersChangesAreKnownToTheSamplesAroundThem) {
  Drill d;
  d.driver.take_changes();
  d.cluster.set_no_leader(true);
  d.driver.advance_to(5'000);
  d.cluster.set_no_leader(false);
  d.cluster.name_leader(1, "b");
  d.cluster.name_leader(2, "b");
  d.driver.advance_to(6'000);
  std::vector<std::pair<std::string, DurationMs>> leaders;
  for (const Change& c : d.driver.take_changes()) {
    if (c.kind == Aspect::kLeader) leaders.emplace_back(c.detail, c.uncertain_ms);
  }
  const std::vector<std::pair<std::string, DurationMs>> want = {{"none", 1'000}, {"b", 1'000}};
  EXPECT_EQ(leaders, want) << "one sample apart, not back to the last full observation";
}

TEST(LiveDriver, AFaultWhoseUndoCannotBeWrittenIsNotInjected) {
  Drill d;
  d.journal.fail = {1};
  const Answer a = d.driver.apply(action(ActionKind::kStopDaemon, "b"));
  EXPECT_FALSE(a);
  EXPECT_TRUE(d.driver.aborted());
  EXPECT_NE(d.driver.abort_reason().find("was not run"), std::string::npos) << d.driver.abort_reason();
  EXPECT_TRUE(d.log.empty()) << d.log.front();  // no command reached the cluster
  std::vector<std::string> undo_log;
  EXPECT_TRUE(d.driver.rollback(undo_log));
  EXPECT_TRUE(undo_log.empty());
}

TEST(LiveDriver, AnOutcomeThatCannotBeWrittenStopsTheDrillAndTheRollbackUndoesTheFault) {
  Drill d;
  d.journal.fail = {2};  // "planned" is written, "done" is not
  EXPECT_FALSE(d.driver.apply(action(ActionKind::kStopDaemon, "b")));
  EXPECT_TRUE(d.driver.aborted());
  EXPECT_NE(d.driver.abort_reason().find("cannot record the outcome"), std::string::npos);
  // The next action of the drill is not run.
  EXPECT_FALSE(d.driver.apply(action(ActionKind::kDrain, "c")));
  std::vector<std::string> undo_log;
  EXPECT_TRUE(d.driver.rollback(undo_log));
  const Log want{"journal planned 1: stop-daemon b", "run b: systemctl stop docker", "run b: systemctl start docker",
                 "journal undone 1: stop-daemon b"};
  EXPECT_EQ(d.log, want);
}

TEST(LiveDriver, AConnectionLostDuringTheRollbackLeavesEachUndoOwedWithTheCommandToRunByHand) {
  Drill d;
  ASSERT_TRUE(d.driver.apply(action(ActionKind::kStopDaemon, "b")));
  ASSERT_TRUE(d.driver.apply(action(ActionKind::kDrain, "c")));
  d.cluster.drop_connections();
  std::vector<std::string> undo_log;
  EXPECT_FALSE(d.driver.rollback(undo_log));
  const std::vector<std::string> want{
      "undo drain c: node update --availability active 'c': a: connection lost (Socket disconnected)",
      "  still owed; `clawsim live recover` runs it again, or by hand on any manager: docker node update "
      "--availability active 'c'",
      "undo stop-daemon b: systemctl start docker: b: connection lost (Socket disconnected)",
      "  still owed; `clawsim live recover` runs it again, or by hand on b: systemctl start docker"};
  EXPECT_EQ(undo_log, want);
  // Nothing is recorded as undone: `live recover` finds both, newest first.
  const std::vector<JournalEntry> owed = outstanding_undos(d.journal.entries);
  ASSERT_EQ(owed.size(), 2U);
  EXPECT_EQ(owed[0].action, "drain c");
  EXPECT_EQ(owed[1].action, "stop-daemon b");
}

TEST(LiveDriver, AStepThatGetsNoAnswerStopsTheDrillAndItsUndoIsStillOwed) {
  Drill d;
  d.cluster.drop_connections();
  const Answer lost = d.driver.apply(action(ActionKind::kStopDaemon, "b"));
  EXPECT_FALSE(lost);
  EXPECT_TRUE(lost.unanswered());
  ASSERT_TRUE(d.driver.aborted());
  EXPECT_EQ(d.driver.abort_reason(), "stop-daemon b: b: connection lost (Socket disconnected)");
  // Whether it ran is not known: the undo is owed, and the journal says the step failed.
  ASSERT_EQ(d.journal.entries.size(), 2U);
  EXPECT_EQ(d.journal.entries[1].status, JournalStatus::kFailed);
  EXPECT_EQ(outstanding_undos(d.journal.entries).size(), 1U);
}

TEST(LiveDriver, AGuardFiringBetweenTwoActionsStopsTheSecond) {
  Drill d;
  ASSERT_TRUE(d.driver.apply(action(ActionKind::kStopDaemon, "b")));
  EXPECT_FALSE(d.driver.aborted());  // two of three managers run: the quorum holds
  ASSERT_TRUE(d.driver.apply(action(ActionKind::kStopDaemon, "c")));
  ASSERT_TRUE(d.driver.aborted());  // the observation after it: one of three
  EXPECT_NE(d.driver.abort_reason().find("lost its quorum"), std::string::npos) << d.driver.abort_reason();
  const Answer skipped = d.driver.apply(action(ActionKind::kDrain, "a"));
  EXPECT_FALSE(skipped);
  EXPECT_EQ(skipped.text(), "skipped: the drill was aborted");
  EXPECT_EQ(std::count_if(d.log.begin(), d.log.end(), [](const std::string& l) { return l.find("drain") != std::string::npos; }), 0);
  std::vector<std::string> undo_log;
  EXPECT_TRUE(d.driver.rollback(undo_log));
  ASSERT_EQ(undo_log.size(), 2U);  // newest first
  EXPECT_EQ(undo_log[0], "undo stop-daemon c: systemctl start docker: ok");
  EXPECT_EQ(undo_log[1], "undo stop-daemon b: systemctl start docker: ok");
}

TEST(LiveDriver, AHealRunsThePartitionsUndosAndLeavesNothingOwed) {
  Drill d;
  Action cut;
  cut.kind = ActionKind::kPartition;
  cut.groups = {{"a"}, {"b", "c"}};
  ASSERT_TRUE(d.driver.apply(cut));
  Action heal;
  heal.kind = ActionKind::kHeal;
  ASSERT_TRUE(d.driver.apply(heal));
  int resolved = 0, removed = 0;
  for (const JournalEntry& e : d.journal.entries) resolved += e.status == JournalStatus::kResolved ? 1 : 0;
  for (const std::string& l : d.log) removed += l.find("iptables -D INPUT") != std::string::npos ? 1 : 0;
  EXPECT_EQ(resolved, 3);  // a cut from b and c; b and c each cut from a
  EXPECT_EQ(removed, 3);
  EXPECT_TRUE(outstanding_undos(d.journal.entries).empty());
  std::vector<std::string> undo_log;
  EXPECT_TRUE(d.driver.rollback(undo_log));
  EXPECT_TRUE(undo_log.empty());
}

TEST(LiveDriver, TheTimeLimitAndAStopRequestEndTheWaitBetweenActions) {
  Log log;
  FakeCluster cluster(log);
  FakeJournal journal(log);
  FakeClock clock;
  const Plan plan = three_managers();
  std::atomic<bool> stop{false};
  LiveDriver limited(cluster, plan, journal, LiveGuards{false, 30'000, &stop}, 1000, clock);
  limited.advance_to(60'000);
  EXPECT_TRUE(limited.aborted());
  EXPECT_EQ(limited.abort_reason(), "time limit of 30000 ms exceeded");
  EXPECT_LE(limited.now(), 31'000);  // it stopped waiting at the limit

  LiveDriver interrupted(cluster, plan, journal, LiveGuards{false, 0, &stop}, 1000, clock);
  stop = true;
  interrupted.advance_to(interrupted.now() + 10'000);
  EXPECT_EQ(interrupted.abort_reason(), "interrupted (SIGINT/SIGTERM)");
}

}  // namespace
}  // namespace clawsim
