// The faults a plan is swept with, and objectives judged on outcomes given by hand.
#include "model/validation.h"

#include <gtest/gtest.h>

#include "model/plan_yaml.h"
#include "scenarios/embedded.h"

namespace clawsim {
namespace {

Plan default_plan() {
  Result<Plan> p = parse_plan(default_plan_text(), "default-plan.yaml");
  EXPECT_TRUE(p);
  return p.value();
}

TEST(SingleFaults, EveryKindForTheRunbooksCluster) {
  const std::vector<Fault> faults = single_faults(default_plan());
  std::map<std::string, int> kinds;
  for (const Fault& f : faults) ++kinds[f.kind];
  EXPECT_EQ(kinds["crash"], 4);
  EXPECT_EQ(kinds["daemon-stop"], 4);
  EXPECT_EQ(kinds["demote"], 3);        // managers only
  EXPECT_EQ(kinds["drain"], 4);
  EXPECT_EQ(kinds["partition"], 7);     // 2^(4-1) - 1 two-way splits
  EXPECT_EQ(kinds["nfs-outage"], 1);
  EXPECT_EQ(faults.front().id, "crash atlanta");
  EXPECT_EQ(faults.front().undo.at(0).kind, ActionKind::kRestartNode);
  EXPECT_EQ(kinds.count("domain-outage"), 0U);  // the plan declares no failure domains
}

TEST(SingleFaults, AFailureDomainIsLostAtOnce) {
  Plan plan = default_plan();
  plan.nodes[0].failure_domain = "rack1";
  plan.nodes[3].failure_domain = "rack1";
  plan.nodes[1].failure_domain = "rack2";  // alone in its domain: no fault of its own
  const std::vector<Fault> faults = single_faults(plan);
  const Fault& last = faults.back();
  EXPECT_EQ(last.id, "domain-outage rack1");
  EXPECT_EQ(last.involves, (std::vector<std::string>{"atlanta", "denver"}));
  ASSERT_EQ(last.inject.size(), 2U);
  EXPECT_EQ(last.inject[1].kind, ActionKind::kCrashNode);
  EXPECT_EQ(last.inject[1].node, "denver");
  EXPECT_EQ(faults.size(), 24U);
}

TEST(SingleFaults, PartitionInvolvesItsSmallerSide) {
  for (const Fault& f : single_faults(default_plan())) {
    if (f.id == "partition [atlanta boston chicago] [denver]") {
      EXPECT_EQ(f.involves, std::vector<std::string>{"denver"});
    }
    if (f.id == "partition [atlanta chicago] [boston denver]") {
      EXPECT_EQ(f.involves.size(), 4U);  // a tie: both sides
    }
  }
}

TEST(SingleFaults, PairsNeverShareANodeOrTwoPartitions) {
  const std::vector<Fault> faults = single_faults(default_plan());
  const Fault* crash_a = &faults[0];
  const Fault* stop_a = &faults[4];
  const Fault* crash_b = &faults[1];
  EXPECT_FALSE(compatible(*crash_a, *stop_a));
  EXPECT_TRUE(compatible(*crash_a, *crash_b));
  const Fault* p1 = nullptr;
  const Fault* p2 = nullptr;
  for (const Fault& f : faults) {
    if (f.kind != "partition") continue;
    (p1 ? p2 : p1) = &f;
  }
  ASSERT_TRUE(p1 && p2);
  EXPECT_FALSE(compatible(*p1, *p2));
  EXPECT_TRUE(compatible(*p1, *crash_a));
}

FaultOutcome outcome(std::vector<std::string> faults, std::vector<std::string> involves) {
  FaultOutcome o;
  o.faults = std::move(faults);
  o.involves = std::move(involves);
  o.recovery_ms = 0;
  return o;
}

TEST(Objectives, QuorumDowntimeAndRecoveryWithExceptions) {
  Plan plan = default_plan();
  SweepResult sweep;
  sweep.outcomes.push_back(outcome({"crash boston"}, {"boston"}));
  sweep.outcomes.back().quorum_lost = true;
  sweep.outcomes.back().quorum_lost_for_ms = 72'000;
  sweep.outcomes.push_back(outcome({"crash chicago"}, {"chicago"}));
  sweep.outcomes.back().downtime_ms["openclaw"] = 60'000;
  sweep.outcomes.push_back(outcome({"crash atlanta", "crash denver"}, {"atlanta", "denver"}));
  sweep.outcomes.back().quorum_lost = true;
  sweep.outcomes.back().recovery_ms.reset();
  const std::vector<ObjectiveVerdict> v = judge_objectives(plan, sweep);
  ASSERT_EQ(v.size(), 3U);
  EXPECT_FALSE(v[0].holds);  // quorum, single faults only: the pair is not judged
  EXPECT_EQ(v[0].judged, 2);
  ASSERT_EQ(v[0].failures.size(), 1U);
  EXPECT_EQ(v[0].failures[0], "crash boston: quorum lost for 72.000s (seed 0)");
  EXPECT_TRUE(v[2].holds);   // openclaw: chicago's own fault is excepted
  EXPECT_EQ(v[2].excepted, 1);
  plan.objectives[2].except.clear();
  EXPECT_FALSE(judge_objectives(plan, sweep)[2].holds);
  Objective recovery;
  recovery.name = "back within a minute, pairs too";
  recovery.kind = Objective::Kind::kRecoversWithin;
  recovery.limit_ms = 60'000;
  recovery.depth = 2;
  plan.objectives = {recovery};
  const ObjectiveVerdict r = judge_objectives(plan, sweep)[0];
  EXPECT_FALSE(r.holds);
  EXPECT_EQ(r.judged, 3);
  EXPECT_EQ(r.failures[0], "crash atlanta + crash denver: not recovered by the end of the run (seed 0)");
}

TEST(Objectives, DownBeforeTheFaultFailsADowntimeObjective) {
  const Plan plan = default_plan();
  SweepResult sweep;
  sweep.outcomes.push_back(outcome({"crash boston"}, {"boston"}));
  sweep.outcomes.back().down_before = {"captain-captain"};
  const std::vector<ObjectiveVerdict> v = judge_objectives(plan, sweep);
  EXPECT_FALSE(v[1].holds);
  EXPECT_EQ(v[1].failures[0],
            "captain-captain is down before the fault in 1 of 1 fault outcomes: the plan's own state");
}

TEST(Objectives, OneJudgedOnNothingFails) {
  Plan plan = default_plan();
  plan.objectives.resize(1);
  plan.objectives[0].except = {"atlanta", "boston", "chicago", "denver"};
  SweepResult sweep;
  sweep.outcomes.push_back(outcome({"crash boston"}, {"boston"}));
  const ObjectiveVerdict v = judge_objectives(plan, sweep)[0];
  EXPECT_FALSE(v.holds);
  EXPECT_EQ(v.failures, std::vector<std::string>{"no fault outcome to judge it on"});
}

TEST(Objectives, APlanWithoutObjectivesIsJudgedOnTheQuorum) {
  Plan plan = default_plan();
  plan.objectives.clear();
  bool implicit = false;
  const std::vector<Objective> o = objectives_of(plan, implicit);
  EXPECT_TRUE(implicit);
  ASSERT_EQ(o.size(), 1U);
  EXPECT_EQ(o[0].kind, Objective::Kind::kQuorumHeld);
}

// The default plan with its objectives replaced by `objectives`.
std::string with_objectives(const std::string& objectives) {
  std::string text(default_plan_text());
  const std::size_t from = text.find("objectives:");
  const std::size_t to = text.find("\nservices:");
  return text.substr(0, from) + objectives + text.substr(to);
}

TEST(Objectives, ParseErrorsNameTheField) {
  Result<Plan> p = parse_plan(
      with_objectives("objectives:\n  - {name: x, service: nope, max_downtime: 10s}\n"), "p.yaml");
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().to_string().find("objectives[0].service: unknown service 'nope'"),
            std::string::npos)
      << p.error().to_string();
  EXPECT_FALSE(parse_plan(
      with_objectives("objectives:\n  - {name: x, quorum: held, recovers_within: 10s}\n"), "p.yaml"));
  EXPECT_FALSE(parse_plan(
      with_objectives("objectives:\n  - {name: x, quorum: held, except: [nowhere]}\n"), "p.yaml"));
  EXPECT_TRUE(parse_plan(
      with_objectives("objectives:\n  - {name: x, recovers_within: 2m, faults: pairs}\n"), "p.yaml"));
}

}  // namespace
}  // namespace clawsim
