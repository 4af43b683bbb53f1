#include "model/plan_diff.h"

#include <gtest/gtest.h>

#include "model/plan_yaml.h"
#include "scenarios/embedded.h"

namespace clawsim {
namespace {

ClusterState as_planned(const Plan& p) {
  ClusterState s;
  for (const NodeSpec& n : p.nodes) {
    NodeState ns;
    ns.name = n.name;
    ns.role = to_string(n.role);
    ns.availability = to_string(n.availability);
    ns.labels = n.labels;
    s.nodes.push_back(ns);
  }
  for (const ServiceSpec& sv : p.services) {
    ServiceState ss;
    ss.name = sv.name;
    ss.replicas = sv.global ? -1 : sv.replicas;
    for (const Constraint& c : sv.constraints) ss.constraints.push_back(c.text);
    s.services.push_back(ss);
  }
  return s;
}

TEST(PlanDiff, NoDifferenceWhenTheClusterIsThePlan) {
  const Plan p = parse_plan(default_plan_text(), "p").value();
  EXPECT_TRUE(diff_plan(p, as_planned(p)).empty());
}

TEST(PlanDiff, FindsEveryKindOfDifference) {
  const Plan p = parse_plan(default_plan_text(), "p").value();
  ClusterState s = as_planned(p);
  s.nodes[2].labels.erase("openclaw.trusted");      // chicago lost its label
  s.nodes[1].role = "worker";                         // boston demoted
  s.nodes[3].availability = "drain";                  // denver drained
  s.services[1].constraints = {"node.labels.openclaw.trusted==true"};  // same rule, other spacing
  s.services[2].replicas = 2;
  s.services.push_back(ServiceState{"stray", true, "", {}, 1});
  const auto d = diff_plan(p, s);
  std::vector<std::string> text;
  for (const auto& x : d) text.push_back(describe(x));
  ASSERT_EQ(d.size(), 5U) << ::testing::PrintToString(text);
  EXPECT_EQ(text[0], "node boston: role: plan manager, cluster worker");
  EXPECT_EQ(text[1], "node chicago: label openclaw.trusted: plan true, cluster (none)");
  EXPECT_EQ(text[2], "node denver: availability: plan active, cluster drain");
  EXPECT_EQ(text[3], "service openclaw-egress: replicas: plan 1, cluster 2");
  EXPECT_EQ(text[4], "service stray: presence: plan (none), cluster created");
}

TEST(PlanDiff, ConvergeOrdersStepsSafely) {
  const Plan p = parse_plan(default_plan_text(), "p").value();
  ClusterState s = as_planned(p);
  for (NodeState& n : s.nodes) {
    n.status = "ready";
    n.manager_status = n.role == "manager" ? "Reachable" : "";
  }
  s.nodes[3].role = "manager";  // denver should be a worker
  s.nodes[3].manager_status = "Reachable";
  s.nodes[2].labels.clear();    // chicago lost its label
  s.nodes[1].role = "worker";   // boston should be a manager
  s.nodes[1].manager_status = "";
  const ConvergePlan plan = converge(p, s);
  ASSERT_EQ(plan.steps.size(), 3U);
  EXPECT_EQ(plan.steps[0].docker_args, "node promote 'boston'");
  EXPECT_EQ(plan.steps[1].docker_args, "node update --label-add 'openclaw.trusted=true' 'chicago'");
  EXPECT_EQ(plan.steps[2].docker_args, "node demote 'denver'") << "demotions last";
  EXPECT_TRUE(plan.refused.empty());
  s = as_planned(p);
  for (NodeState& n : s.nodes) {
    n.status = "ready";
    n.manager_status = n.role == "manager" ? "Reachable" : "";
  }
  EXPECT_TRUE(converge(p, s).steps.empty()) << "nothing to do the second time";
}

TEST(PlanDiff, ConvergeRefusesADemotionThatLosesQuorum) {
  const Plan p = parse_plan(default_plan_text(), "p").value();
  ClusterState s = as_planned(p);
  s.nodes[3].role = "manager";  // denver: a fourth manager the plan does not want
  s.nodes[3].status = "ready";
  s.nodes[3].manager_status = "Reachable";
  s.nodes[0].status = "down";   // atlanta and boston are down
  s.nodes[0].manager_status = "Unreachable";
  s.nodes[1].status = "down";
  s.nodes[1].manager_status = "Unreachable";
  s.nodes[2].status = "ready";
  s.nodes[2].manager_status = "Leader";
  const ConvergePlan plan = converge(p, s);
  EXPECT_TRUE(plan.steps.empty());
  ASSERT_EQ(plan.refused.size(), 1U);
  EXPECT_NE(plan.refused[0].find("would lose the quorum"), std::string::npos) << plan.refused[0];
}

}  // namespace
}  // namespace clawsim
