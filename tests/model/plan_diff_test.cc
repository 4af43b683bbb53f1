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

}  // namespace
}  // namespace clawsim
