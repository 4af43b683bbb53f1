// The safety invariants: each one broken on purpose in hand-made states is caught and named;
// the model's legitimate exceptions (a new member, a new group after force-new-cluster, the
// dead-daemon double run) are not; and every built-in scenario on every built-in plan over many
// seeds, and the default plan's fault sweep with pairs, run with no invariant broken.
#include "sim/invariant_checker.h"

#include <gtest/gtest.h>

#include "model/plan_yaml.h"
#include "model/runner.h"
#include "scenarios/embedded.h"
#include "sim/fault_sweep.h"
#include "sim/sim_driver.h"

namespace clawsim {
namespace {

constexpr std::uint64_t kThreeVoters = 0b111;

MemberView member(std::string_view name, RaftRole role, std::uint64_t term,
                  std::uint64_t commit = 1, std::uint64_t last_index = 1) {
  return MemberView{name, true, role, term, commit, last_index, kThreeVoters};
}

// Three managers a, b, c: a leads term 1.
InvariantState steady() {
  InvariantState s;
  s.members = {member("a", RaftRole::kLeader, 1), member("b", RaftRole::kFollower, 1),
               member("c", RaftRole::kFollower, 1)};
  return s;
}

// Checks `first`, then `second`; returns what the second check finds.
std::optional<Violation> after(const InvariantState& first, const InvariantState& second) {
  InvariantChecker checker;
  EXPECT_FALSE(checker.check(first).has_value());
  return checker.check(second);
}

TEST(InvariantChecker, ASteadyClusterHoldsEveryInvariant) {
  EXPECT_FALSE(after(steady(), steady()).has_value());
}

TEST(InvariantChecker, TwoLeadersInOneTerm) {
  InvariantState s = steady();
  s.members[2].role = RaftRole::kLeader;
  InvariantChecker checker;
  const std::optional<Violation> v = checker.check(s);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->invariant, Invariant::kOneLeaderPerTerm);
  EXPECT_EQ(v->detail, "two leaders in term 1: a and c");
}

TEST(InvariantChecker, ASecondLeaderOfATermAfterTheFirstSteppedDown) {
  // a leads term 2 and steps down; c campaigns for term 2 too and wins it: two leaders of a term,
  // never at the same time.
  InvariantState led;
  led.members = {member("a", RaftRole::kLeader, 2), member("b", RaftRole::kFollower, 2),
                 member("c", RaftRole::kFollower, 1)};
  InvariantState campaign = led;
  campaign.members[0].role = RaftRole::kFollower;
  campaign.members[2] = member("c", RaftRole::kCandidate, 2);
  InvariantState won = campaign;
  won.members[2].role = RaftRole::kLeader;
  InvariantChecker checker;
  ASSERT_FALSE(checker.check(led).has_value());
  ASSERT_FALSE(checker.check(campaign).has_value());
  const std::optional<Violation> v = checker.check(won);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->invariant, Invariant::kOneLeaderPerTerm);
  EXPECT_EQ(v->detail, "two leaders in term 2: a and c");
  // Campaigning for term 3 instead, c may win it: an election, not a second leader.
  InvariantChecker fresh;
  campaign.members[2].term = 3;
  won.members[2].term = 3;
  ASSERT_FALSE(fresh.check(led).has_value());
  ASSERT_FALSE(fresh.check(campaign).has_value());
  EXPECT_FALSE(fresh.check(won).has_value());
}

TEST(InvariantChecker, ANewGroupMayRepeatTheOldGroupsTerms) {
  // force-new-cluster on c: it leads a group of one; the old group's terms mean nothing there.
  InvariantState forced = steady();
  forced.raft_group = 1;
  forced.members[0].member = false;
  forced.members[1].member = false;
  forced.members[2] = MemberView{"c", true, RaftRole::kLeader, 1, 1, 2, 0b100};
  EXPECT_FALSE(after(steady(), forced).has_value());
  forced.raft_group = 0;  // the same states in the same group: two leaders of term 1
  forced.members[0].member = true;
  const std::optional<Violation> v = after(steady(), forced);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->invariant, Invariant::kOneLeaderPerTerm);
}

TEST(InvariantChecker, ATermThatGoesBack) {
  InvariantState later = steady();
  later.members[1].term = 5;
  InvariantState back = later;
  back.members[1].term = 4;
  InvariantChecker checker;
  ASSERT_FALSE(checker.check(later).has_value());
  const std::optional<Violation> v = checker.check(back);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->invariant, Invariant::kTermNeverDecreases);
  EXPECT_EQ(v->detail, "b's term went from 5 to 4");
}

TEST(InvariantChecker, ACommitIndexThatGoesBack) {
  InvariantState ahead = steady();
  ahead.members[2] = member("c", RaftRole::kFollower, 1, 7, 9);
  InvariantState back = ahead;
  back.members[2].commit = 6;
  const std::optional<Violation> v = after(ahead, back);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->invariant, Invariant::kCommitNeverDecreases);
  EXPECT_EQ(v->detail, "c's commit index went from 7 to 6");
}

TEST(InvariantChecker, ACommitBeyondTheLog) {
  InvariantState s = steady();
  s.members[1] = member("b", RaftRole::kFollower, 1, 4, 3);
  InvariantChecker checker;
  const std::optional<Violation> v = checker.check(s);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->invariant, Invariant::kCommitWithinLog);
  EXPECT_EQ(v->detail, "b has commit index 4 beyond its last index 3");
}

TEST(InvariantChecker, RoleChangesAlongRaftsEdgesOnly) {
  struct Case {
    RaftRole from;
    std::uint64_t from_term;
    RaftRole to;
    std::uint64_t to_term;
    bool allowed;
  };
  const Case cases[] = {
      {RaftRole::kFollower, 1, RaftRole::kCandidate, 2, true},
      {RaftRole::kCandidate, 2, RaftRole::kLeader, 2, true},
      {RaftRole::kCandidate, 2, RaftRole::kFollower, 3, true},
      {RaftRole::kCandidate, 2, RaftRole::kCandidate, 3, true},  // a new campaign
      {RaftRole::kLeader, 2, RaftRole::kFollower, 2, true},      // CheckQuorum step-down
      {RaftRole::kLeader, 2, RaftRole::kFollower, 4, true},      // a newer term
      {RaftRole::kFollower, 1, RaftRole::kLeader, 2, false},     // no election in between
      {RaftRole::kLeader, 2, RaftRole::kCandidate, 3, false},    // etcd panics on this one
      {RaftRole::kLeader, 2, RaftRole::kLeader, 3, false},       // a leader's term is fixed
  };
  for (const Case& c : cases) {
    InvariantState before;
    before.members = {member("b", c.from, c.from_term)};
    InvariantState now;
    now.members = {member("b", c.to, c.to_term)};
    const std::optional<Violation> v = after(before, now);
    const std::string edge = std::string(to_string(c.from)) + " -> " + to_string(c.to);
    if (c.allowed) {
      EXPECT_FALSE(v.has_value()) << edge << ": " << v->detail;
    } else {
      ASSERT_TRUE(v.has_value()) << edge;
      EXPECT_EQ(v->invariant, Invariant::kRoleTransition) << edge;
      EXPECT_NE(v->detail.find("b went from"), std::string::npos) << v->detail;
    }
  }
}

TEST(InvariantChecker, TheOnlyVoterWinsItsCampaignInOneStep) {
  InvariantState before;
  before.members = {MemberView{"a", true, RaftRole::kFollower, 3, 1, 1, 0b1}};
  InvariantState now = before;
  now.members[0].role = RaftRole::kLeader;
  now.members[0].term = 4;
  EXPECT_FALSE(after(before, now).has_value());
}

TEST(InvariantChecker, ANewMemberStartsItsOwnHistory) {
  // b was demoted (no longer a member), then promoted: a fresh Raft member at term 0.
  InvariantState demoted = steady();
  demoted.members[1] = member("b", RaftRole::kFollower, 9, 8, 8);
  demoted.members[1].member = false;
  InvariantState promoted = steady();
  promoted.members[1] = member("b", RaftRole::kFollower, 0, 0, 0);
  InvariantChecker checker;
  ASSERT_FALSE(checker.check(steady()).has_value());
  ASSERT_FALSE(checker.check(demoted).has_value());
  EXPECT_FALSE(checker.check(promoted).has_value());
}

TaskView task(std::string_view node, bool desired, bool running) {
  TaskView t;
  t.service = 0;
  t.slot = 1;
  t.service_name = "openclaw";
  t.node_name = node;
  t.desired_running = desired;
  t.container_running = running;
  return t;
}

InvariantState with_tasks(std::vector<TaskView> tasks) {
  InvariantState s = steady();
  s.tasks = std::move(tasks);
  return s;
}

TEST(InvariantChecker, TwoTasksDesiredForOneSlot) {
  InvariantChecker checker;
  const std::optional<Violation> v =
      checker.check(with_tasks({task("a", true, true), task("", true, false)}));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->invariant, Invariant::kOneTaskPerSlot);
  EXPECT_EQ(v->detail, "openclaw slot 1 has two tasks desired running, on a and no node");
}

TEST(InvariantChecker, TheDeadDaemonDoubleRunIsTheModelsOwn) {
  TaskView old = task("a", false, true);  // desired shut down; its dockerd is dead
  old.daemon_up = false;
  InvariantChecker checker;
  EXPECT_FALSE(checker.check(with_tasks({old, task("b", true, true)})).has_value());
  TaskView stopping = task("a", false, true);  // its graceful stop is under way
  stopping.stop_pending = true;
  EXPECT_FALSE(checker.check(with_tasks({stopping, task("b", true, true)})).has_value());
  TaskView unheard = task("a", false, true);  // its agent has not synced since the shutdown
  unheard.agent_synced = false;
  EXPECT_FALSE(checker.check(with_tasks({unheard, task("b", true, true)})).has_value());
}

TEST(InvariantChecker, ASlotRunningTwiceWithoutAReason) {
  // The old copy's daemon is up, its agent has synced since, and no stop is under way.
  InvariantChecker checker;
  const std::optional<Violation> v =
      checker.check(with_tasks({task("a", false, true), task("b", true, true)}));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->invariant, Invariant::kOneTaskPerSlot);
  EXPECT_EQ(v->detail, "openclaw slot 1 runs on a and b and the model gives no reason for either");
}

TEST(InvariantChecker, DifferentSlotsAndServicesMayRunAnywhere) {
  TaskView second = task("a", true, true);
  second.slot = 2;
  TaskView other = task("a", true, true);
  other.service = 1;
  other.service_name = "docker-proxy";
  InvariantChecker checker;
  EXPECT_FALSE(checker.check(with_tasks({task("a", true, true), second, other})).has_value());
}

TEST(InvariantChecker, AContainerOnAHostThatIsDown) {
  TaskView t = task("a", true, true);
  t.host_up = false;
  InvariantChecker checker;
  const std::optional<Violation> v = checker.check(with_tasks({t}));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->invariant, Invariant::kNoContainerOnDownHost);
  EXPECT_EQ(v->detail, "openclaw slot 1 runs on a, whose host is down");
}

TEST(InvariantViolation, NamesTheSeedTheTimeAndTheEvent) {
  const InvariantViolation e(
      Violation{Invariant::kOneLeaderPerTerm, "two leaders in term 3: a and c"}, 42, 61'250,
      "raft vote response from a to c (term 3)");
  EXPECT_STREQ(e.what(),
               "invariant broken (one leader per term): two leaders in term 3: a and c; seed 42, "
               "at 61250 ms, after raft vote response from a to c (term 3)");
  EXPECT_EQ(e.seed(), 42U);
  EXPECT_EQ(e.t_ms(), 61'250);
  EXPECT_EQ(e.violation().invariant, Invariant::kOneLeaderPerTerm);
}

// The property: the model never breaks an invariant, whatever the scenario, plan and seed.
// Verdicts are the business of scenarios_test; here only that each run gets to its end.
TEST(InvariantProperty, EveryBuiltInScenarioOnEveryBuiltInPlanOver200Seeds) {
  std::vector<std::shared_ptr<const Plan>> plans = {
      std::make_shared<const Plan>(parse_plan(default_plan_text(), "default-plan.yaml").value())};
  for (const EmbeddedFile& f : builtin_plans()) {
    plans.push_back(std::make_shared<const Plan>(parse_plan(f.text, std::string(f.name)).value()));
  }
  std::uint64_t runs = 0;
  for (const std::shared_ptr<const Plan>& plan : plans) {
    for (const EmbeddedFile& f : builtin_scenarios()) {
      const Scenario s = parse_scenario(f.text, std::string(f.name), *plan).value();
      for (std::uint64_t seed = 1; seed <= 200; ++seed) {
        try {
          SimDriver driver(plan, seed);
          (void)run_scenario(s, driver, PlanIdentity(plan->name));
          ++runs;
        } catch (const InvariantViolation& e) {
          FAIL() << "scenario " << f.name << " on plan " << plan->name << ": " << e.what();
        }
      }
    }
  }
  EXPECT_EQ(runs, plans.size() * builtin_scenarios().size() * 200);
}

TEST(InvariantProperty, TheDefaultPlansSweepWithPairs) {
  const auto plan =
      std::make_shared<const Plan>(parse_plan(default_plan_text(), "default-plan.yaml").value());
  SweepSettings settings;
  settings.depth = 2;
  settings.seeds = {1, 2, 3};
  try {
    const SweepResult r = sweep_faults(plan, settings);
    EXPECT_GT(r.runs.size(), single_faults(*plan).size()) << "pairs were swept";
  } catch (const InvariantViolation& e) {
    FAIL() << e.what();
  }
}

}  // namespace
}  // namespace clawsim
