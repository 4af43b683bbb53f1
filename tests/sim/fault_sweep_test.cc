// The fault sweep of `clawsim validate` on the runbook's cluster and on the same cluster with its
// firewall corrected: what each single fault does, against what the model's scenarios show.
#include "sim/fault_sweep.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "model/plan_yaml.h"
#include "scenarios/embedded.h"

namespace clawsim {
namespace {

std::shared_ptr<const Plan> load(const std::string& text, const std::string& file) {
  Result<Plan> p = parse_plan(text, file);
  EXPECT_TRUE(p.ok()) << p.error().to_string();
  return std::make_shared<const Plan>(std::move(p).value());
}

std::shared_ptr<const Plan> default_plan() {
  return load(std::string(default_plan_text()), "default-plan.yaml");
}

std::shared_ptr<const Plan> plan_file(const std::string& name) {
  const std::string path = std::string(CLAWSIM_SOURCE_DIR) + "/scenarios/plans/" + name;
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return load(text.str(), path);
}

std::shared_ptr<const Plan> corrected_plan() { return plan_file("corrected-firewall.yaml"); }

const FaultOutcome& find(const SweepResult& r, const std::string& id) {
  for (const FaultOutcome& o : r.outcomes) {
    if (o.faults.size() == 1 && o.faults[0] == id) return o;
  }
  ADD_FAILURE() << "no outcome for " << id;
  static const FaultOutcome none;
  return none;
}

SweepSettings three_seeds() {
  SweepSettings s;
  s.seeds = {1, 2, 3};
  return s;
}

TEST(FaultSweep, RunbookFirewallMakesEveryOtherManagerCritical) {
  const SweepResult r = sweep_faults(default_plan(), three_seeds());
  EXPECT_EQ(r.outcomes.size(), 23U);
  // atlanta is already cut off by the firewall: losing boston or chicago loses the quorum.
  EXPECT_TRUE(find(r, "crash boston").quorum_lost);
  EXPECT_TRUE(find(r, "crash chicago").quorum_lost);
  EXPECT_FALSE(find(r, "crash denver").quorum_lost);
  // The dashboard is down from the start: the NFS export is firewalled off.
  EXPECT_EQ(find(r, "crash denver").down_before, std::vector<std::string>{"captain-captain"});
  // Demoting boston: Docker refuses, it would lose the quorum (atlanta is unreachable).
  const FaultOutcome& demote = find(r, "demote boston");
  ASSERT_EQ(demote.refused.size(), 1U);
  EXPECT_NE(demote.refused[0].find("this would result in a loss of quorum"), std::string::npos)
      << demote.refused[0];
  EXPECT_FALSE(demote.quorum_lost);
}

TEST(FaultSweep, CorrectedFirewallSurvivesEverySingleFaultWithQuorum) {
  const SweepResult r = sweep_faults(corrected_plan(), three_seeds());
  for (const FaultOutcome& o : r.outcomes) {
    EXPECT_FALSE(o.quorum_lost) << o.faults[0];
    EXPECT_TRUE(o.down_before.empty()) << o.faults[0];
  }
  // The trusted node's crash takes the pinned services down for about as long as it is held.
  const FaultOutcome& chicago = find(r, "crash chicago");
  EXPECT_GE(chicago.downtime_ms.at("openclaw"), 55'000);
  EXPECT_TRUE(chicago.recovery_ms.has_value());
  // The dashboard, pinned by node.id, waits for atlanta.
  EXPECT_GE(find(r, "crash atlanta").downtime_ms.at("captain-captain"), 55'000);
  // A worker's drain touches none of the services.
  for (const auto& [service, ms] : find(r, "drain denver").downtime_ms) EXPECT_EQ(ms, 0) << service;
}

TEST(FaultSweep, ObjectivesOnBothPlans) {
  const auto judge = [](const std::shared_ptr<const Plan>& plan) {
    return judge_objectives(*plan, sweep_faults(plan, three_seeds()));
  };
  const std::vector<ObjectiveVerdict> runbook = judge(default_plan());
  ASSERT_EQ(runbook.size(), 3U);
  EXPECT_FALSE(runbook[0].holds);  // quorum
  EXPECT_FALSE(runbook[1].holds);  // dashboard: down before any fault
  EXPECT_TRUE(runbook[2].holds);   // openclaw outside chicago's faults
  const std::vector<ObjectiveVerdict> corrected = judge(corrected_plan());
  EXPECT_TRUE(corrected[0].holds);
  EXPECT_FALSE(corrected[1].holds);  // still pinned to atlanta
  EXPECT_TRUE(corrected[2].holds);
}

// The captain pinned by node.id waits for atlanta as long as the crash holds; allowed on any
// manager (its data on NFS), it moves once atlanta is Down.
TEST(FaultSweep, UnpinnedCaptainFailsOverThePinnedOneWaits) {
  const SweepSettings s = three_seeds();
  const DurationMs pinned =
      find(sweep_faults(corrected_plan(), s), "crash atlanta").downtime_ms.at("captain-captain");
  const DurationMs unpinned = find(sweep_faults(plan_file("recommended.yaml"), s), "crash atlanta")
                                  .downtime_ms.at("captain-captain");
  EXPECT_GE(pinned, s.hold_ms - 5'000);
  EXPECT_GT(unpinned, 30'000);  // atlanta must first be marked Down (the UNKNOWN path)
  EXPECT_LT(unpinned, 90'000);
}

// Two of the three managers in one rack: the rack's loss is one fault, and it costs the quorum.
TEST(FaultSweep, ARackHoldingTwoManagersTakesTheQuorumWithIt) {
  Plan plan = *corrected_plan();
  plan.nodes[0].failure_domain = "rack1";  // atlanta
  plan.nodes[1].failure_domain = "rack1";  // boston
  plan.nodes[2].failure_domain = "rack2";  // chicago
  plan.nodes[3].failure_domain = "rack2";  // denver
  const SweepResult r = sweep_faults(std::make_shared<const Plan>(plan), three_seeds());
  EXPECT_TRUE(find(r, "domain-outage rack1").quorum_lost);
  EXPECT_FALSE(find(r, "domain-outage rack2").quorum_lost);
  EXPECT_TRUE(find(r, "domain-outage rack1").recovery_ms.has_value());
}

// A row of the table is one seed's run: rerunning that seed gives the same numbers.
TEST(FaultSweep, EachRowIsReproducibleFromItsSeed) {
  const auto plan = corrected_plan();
  const SweepResult r = sweep_faults(plan, three_seeds());
  const std::vector<Fault> faults = single_faults(*plan);
  for (std::size_t i = 0; i < faults.size(); ++i) {
    const FaultOutcome again = run_faults(plan, {&faults[i]}, r.outcomes[i].seed, three_seeds());
    EXPECT_EQ(again.downtime_ms, r.outcomes[i].downtime_ms) << faults[i].id;
    EXPECT_EQ(again.recovery_ms, r.outcomes[i].recovery_ms) << faults[i].id;
    EXPECT_EQ(r.runs[i].size(), 3U);
  }
}

// Without a quorum before any fault, the faults are not blamed for its loss.
TEST(FaultSweep, APlanWithoutQuorumIsItsOwnFailure) {
  Plan plan = *corrected_plan();
  for (FirewallStep& step : plan.firewall) {
    std::erase_if(step.commands, [](const std::string& c) { return c.find("10.0.0.") != std::string::npos; });
    step.command_lines.resize(step.commands.size());
  }
  plan.firewalls = build_firewalls(plan);
  const auto p = std::make_shared<const Plan>(plan);
  const SweepResult r = sweep_faults(p, three_seeds());
  for (const FaultOutcome& o : r.outcomes) {
    EXPECT_FALSE(o.quorum_before) << o.faults[0];
    EXPECT_FALSE(o.quorum_lost) << o.faults[0];
  }
  const ObjectiveVerdict v = judge_objectives(*p, r)[0];
  EXPECT_FALSE(v.holds);
  ASSERT_EQ(v.failures.size(), 1U);
  EXPECT_EQ(v.failures[0].rfind("the swarm has no quorum before the fault in 23 of 23", 0), 0U)
      << v.failures[0];
}

// The second fault of a pair often comes while a leader is being elected: it is typed again
// until the API takes it.
TEST(FaultSweep, ThePairsSecondFaultWaitsForTheApi) {
  SweepSettings s;
  s.seeds = {1, 2, 3};
  s.depth = 2;
  const SweepResult r = sweep_faults(plan_file("recommended.yaml"), s);
  for (const FaultOutcome& o : r.outcomes) {
    if (o.faults.size() != 2 || o.faults[0] != "crash atlanta") continue;
    for (const std::string& refusal : o.refused) {
      EXPECT_EQ(refusal.find("context deadline exceeded"), std::string::npos) << refusal;
    }
  }
}

TEST(FaultSweep, PairsAtDepthTwo) {
  SweepSettings s;
  s.seeds = {1};
  s.depth = 2;
  const SweepResult r = sweep_faults(corrected_plan(), s);
  int pairs = 0;
  bool two_managers_lose_quorum = false;
  for (const FaultOutcome& o : r.outcomes) {
    if (o.faults.size() != 2) continue;
    ++pairs;
    if (o.faults[0] == "crash atlanta" && o.faults[1] == "crash boston") {
      two_managers_lose_quorum = o.quorum_lost;
    }
  }
  EXPECT_GT(pairs, 150);
  EXPECT_TRUE(two_managers_lose_quorum);
}

TEST(FaultSweep, SameSeedsSameOutcomes) {
  const SweepResult a = sweep_faults(default_plan(), three_seeds());
  const SweepResult b = sweep_faults(default_plan(), three_seeds());
  ASSERT_EQ(a.outcomes.size(), b.outcomes.size());
  for (std::size_t i = 0; i < a.outcomes.size(); ++i) {
    EXPECT_EQ(a.outcomes[i].downtime_ms, b.outcomes[i].downtime_ms);
    EXPECT_EQ(a.outcomes[i].quorum_lost_ms, b.outcomes[i].quorum_lost_ms);
    EXPECT_EQ(a.outcomes[i].recovery_ms, b.outcomes[i].recovery_ms);
    EXPECT_EQ(a.outcomes[i].seed, b.outcomes[i].seed);
  }
}

}  // namespace
}  // namespace clawsim
