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

// The cluster of the plan as Docker holds it: nodes have IDs of their own, and `node.id`
// constraints hold those IDs.
ClusterState as_deployed(const Plan& p) {
  ClusterState s = as_planned(p);
  for (NodeState& n : s.nodes) {
    n.id = "id" + std::to_string(n.name.size()) + n.name.substr(0, 3) + "x9";
    n.status = "ready";
    n.manager_status = n.role == "manager" ? "Reachable" : "";
  }
  for (ServiceState& sv : s.services) {
    const ServiceSpec& spec = p.services[static_cast<std::size_t>(p.service_index(sv.name))];
    sv.constraints.clear();
    for (const Constraint& c : spec.constraints) {
      std::string why;
      sv.constraints.push_back(constraint_for_cluster(c, p, s, why));
      EXPECT_EQ(why, "");
    }
  }
  return s;
}

TEST(PlanDiff, NodeIdConstraintsAreTranslatedBothWays) {
  const Plan p = parse_plan(default_plan_text(), "p").value();
  const ClusterState s = as_deployed(p);
  ASSERT_EQ(p.services[0].name, "captain-captain");
  EXPECT_EQ(s.services[0].constraints, std::vector<std::string>{"node.id==id7atlx9"});
  EXPECT_EQ(constraint_for_plan("node.id == id7atlx9", p, s), "node.id==atlanta");
  EXPECT_EQ(constraint_for_plan("NODE.ID==ID7ATLX9", p, s), "NODE.ID==atlanta") << "IDs ignore case";
  EXPECT_EQ(constraint_for_plan("node.id==atlanta", p, s), "node.id==atlanta (no node has this ID)");
  EXPECT_EQ(constraint_for_plan("node.role == manager", p, s), "node.role==manager");
  EXPECT_TRUE(diff_plan(p, s).empty()) << "the plan's node name and the cluster's ID are one node";
  EXPECT_TRUE(converge(p, s).steps.empty());
}

TEST(PlanDiff, AConstraintHoldingANodeNameIsADifferenceAndConvergeWritesTheId) {
  // What took the dashboard down: `node.id == atlanta` written to Docker literally.
  const Plan p = parse_plan(default_plan_text(), "p").value();
  ClusterState s = as_deployed(p);
  s.services[0].constraints = {"node.id == atlanta"};
  const auto d = diff_plan(p, s);
  ASSERT_EQ(d.size(), 1U);
  EXPECT_EQ(describe(d[0]), "service captain-captain: constraints: plan node.id==atlanta, "
                            "cluster node.id==atlanta (no node has this ID)");
  const ConvergePlan todo = converge(p, s);
  ASSERT_EQ(todo.steps.size(), 1U);
  EXPECT_EQ(todo.steps[0].docker_args,
            "service update --detach --constraint-rm 'node.id == atlanta' --constraint-add "
            "'node.id==id7atlx9' 'captain-captain'");
  EXPECT_EQ(todo.steps[0].undo_args,
            "service update --detach --constraint-rm 'node.id==id7atlx9' --constraint-add "
            "'node.id == atlanta' 'captain-captain'");
}

TEST(PlanDiff, ConvergeRefusesToPinToANodeTheClusterLacks) {
  const Plan p = parse_plan(default_plan_text(), "p").value();
  ClusterState s = as_deployed(p);
  s.services[0].constraints = {"node.role == manager"};
  s.nodes.erase(s.nodes.begin());  // atlanta is not in the cluster
  const ConvergePlan todo = converge(p, s);
  for (const ConvergeStep& step : todo.steps) {
    EXPECT_EQ(step.docker_args.find("captain-captain"), std::string::npos) << step.docker_args;
  }
  ASSERT_FALSE(todo.refused.empty());
  EXPECT_NE(todo.refused.back().find("names node atlanta, which is not in the cluster"), std::string::npos)
      << todo.refused.back();
}

TEST(PlanDiff, EveryStepHasItsUndo) {
  const Plan p = parse_plan(default_plan_text(), "p").value();
  ClusterState s = as_deployed(p);
  s.nodes[1].role = "worker";
  s.nodes[1].manager_status = "";
  s.nodes[2].labels["openclaw.trusted"] = "false";
  s.nodes[3].availability = "drain";
  s.services[2].replicas = 3;
  const ConvergePlan todo = converge(p, s);
  ASSERT_EQ(todo.steps.size(), 4U);
  EXPECT_EQ(todo.steps[0].undo_args, "node demote 'boston'");
  EXPECT_TRUE(todo.steps[0].manager_change);
  EXPECT_EQ(todo.steps[1].undo_args, "node update --label-add 'openclaw.trusted=false' 'chicago'");
  EXPECT_EQ(todo.steps[2].undo_args, "node update --availability drain 'denver'");
  EXPECT_EQ(todo.steps[3].undo_args, "service scale --detach 'openclaw-egress=3'");
  EXPECT_NE(todo.order.find("promotions first"), std::string::npos);
}

}  // namespace
}  // namespace clawsim
