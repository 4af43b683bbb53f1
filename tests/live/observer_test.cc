// Parsing Docker's output into the model's ClusterState. The inputs are the formats of the
// docker 20.10 CLI (`--format '{{json .}}'` of node ls and service ps).
#include "live/observer.h"

#include <gtest/gtest.h>

#include "live/live_driver.h"

namespace clawsim {
namespace {

constexpr const char* kNodeLs =
    R"({"Availability":"Active","EngineVersion":"20.10.24+dfsg1","Hostname":"atlanta","ID":"p1","ManagerStatus":"Leader","Self":true,"Status":"Ready","TLSStatus":"Ready"}
{"Availability":"Drain","EngineVersion":"20.10.24+dfsg1","Hostname":"chicago","ID":"p3","ManagerStatus":"Reachable","Self":false,"Status":"Ready","TLSStatus":"Ready"}
{"Availability":"Active","EngineVersion":"20.10.24+dfsg1","Hostname":"denver","ID":"p4","ManagerStatus":"","Self":false,"Status":"Down","TLSStatus":"Ready"}
)";

constexpr const char* kServicePs =
    R"({"CurrentState":"Pending 3 seconds ago","DesiredState":"Running","Error":"\"no suitable node (scheduling constraints not satisfied on 3 nodes; 1 node not available for new tasks)\"","ID":"t2","Image":"img-captain--openclaw:latest","Name":"openclaw.1","Node":"","Ports":""}
{"CurrentState":"Shutdown 3 seconds ago","DesiredState":"Shutdown","Error":"","ID":"t1","Image":"img-captain--openclaw:latest","Name":"openclaw.1","Node":"chicago","Ports":""}
{"CurrentState":"Running 2 minutes ago","DesiredState":"Running","Error":"","ID":"t3","Image":"caprover/caprover:latest","Name":"captain-captain.1","Node":"atlanta","Ports":""}
)";

TEST(Observer, NodeLs) {
  std::vector<NodeState> nodes;
  std::string error;
  ASSERT_TRUE(parse_node_ls(kNodeLs, nodes, error)) << error;
  ASSERT_EQ(nodes.size(), 3U);
  EXPECT_EQ(nodes[0].name, "atlanta");
  EXPECT_EQ(nodes[0].id, "p1");
  EXPECT_EQ(nodes[0].status, "ready");
  EXPECT_EQ(nodes[0].manager_status, "Leader");
  EXPECT_EQ(nodes[1].availability, "drain");
  EXPECT_EQ(nodes[2].role, "worker");
  EXPECT_EQ(nodes[2].status, "down");
}

TEST(Observer, NodeLabelsAndRoles) {
  std::vector<NodeState> nodes;
  std::string error;
  ASSERT_TRUE(parse_node_ls(kNodeLs, nodes, error));
  ASSERT_TRUE(parse_node_labels("chicago|manager|{\"openclaw.trusted\":\"true\"}\natlanta|manager|{}\n",
                                nodes, error))
      << error;
  EXPECT_EQ(nodes[1].labels.at("openclaw.trusted"), "true");
  EXPECT_TRUE(nodes[0].labels.empty());
  EXPECT_FALSE(parse_node_labels("garbage\n", nodes, error));
  EXPECT_NE(error.find("unexpected line"), std::string::npos);
}

TEST(Observer, ServicePsAndAvailability) {
  ClusterState s;
  std::string error;
  ASSERT_TRUE(parse_service_ps(kServicePs, s.tasks, error)) << error;
  ASSERT_EQ(s.tasks.size(), 3U);
  EXPECT_EQ(s.tasks[0].service, "openclaw");
  EXPECT_EQ(s.tasks[0].slot, 1);
  EXPECT_EQ(s.tasks[0].state, "pending");
  EXPECT_EQ(s.tasks[0].message,
            "no suitable node (scheduling constraints not satisfied on 3 nodes; 1 node not "
            "available for new tasks)")
      << "the quotes Docker puts around the error are removed";
  ASSERT_TRUE(parse_service_specs(
      "openclaw|[\"node.labels.openclaw.trusted==true\"]|1\ncaptain-captain|null|1\n", s.services, error));
  derive_service_availability(s);
  EXPECT_FALSE(s.services[0].up);
  EXPECT_NE(s.services[0].reason.find("no suitable node"), std::string::npos);
  EXPECT_TRUE(s.services[1].up);
  EXPECT_EQ(s.services[0].constraints.at(0), "node.labels.openclaw.trusted==true");
}

TEST(Observer, NotJsonIsAnError) {
  std::vector<NodeState> nodes;
  std::string error;
  EXPECT_FALSE(parse_node_ls("Error response from daemon: rpc error\n", nodes, error));
  EXPECT_NE(error.find("not JSON"), std::string::npos);
}

TEST(Observer, ChangesBetweenObservations) {
  ClusterState a;
  a.leader = "atlanta";
  a.quorum = true;
  a.nodes = {NodeState{"atlanta", "ready", "active", "Leader", "manager", true, true, {}, "p1"},
             NodeState{"denver", "ready", "active", "", "worker", true, true, {}, "p4"}};
  const Timeline first = changes_between(nullptr, a, 0);
  EXPECT_EQ(first.size(), 4U) << "leader, quorum and both nodes";
  ClusterState b = a;
  b.nodes[1].status = "down";
  b.leader.clear();
  b.quorum = false;
  const Timeline next = changes_between(&a, b, 5000);
  ASSERT_EQ(next.size(), 3U);
  EXPECT_EQ(next[0].kind, Aspect::kLeader);
  EXPECT_EQ(next[0].detail, "none");
  EXPECT_EQ(next[2].subject, "denver");
  EXPECT_EQ(next[2].detail, "down");
  EXPECT_TRUE(changes_between(&b, b, 6000).empty());
}

// A service of several replicas: how many serve is a change of its own, in the model's words.
TEST(Observer, ReplicaCountsAsTheModelRecordsThem) {
  ClusterState a;
  a.services = {ServiceState{"web", true, "", {}, 3, 3}, ServiceState{"db", true, "", {}, 1, 1}};
  const Timeline first = changes_between(nullptr, a, 0);
  std::vector<std::string> counts;
  for (const Change& c : first) {
    if (c.kind == Aspect::kReplicas) counts.push_back(c.subject + " " + c.detail);
  }
  EXPECT_EQ(counts, std::vector<std::string>{"web 3/3"}) << "no count for a service of one replica";
  ClusterState b = a;
  b.services[0].serving = 1;
  const Timeline next = changes_between(&a, b, 5000);
  ASSERT_EQ(next.size(), 1U) << "still up: only the count changed";
  EXPECT_EQ(next[0].kind, Aspect::kReplicas);
  EXPECT_EQ(next[0].detail, "1/3");
}

// Found by fuzz_docker_output: a slot of more digits than an int holds threw out of the parser.
TEST(Observer, ASlotBeyondAnIntIsNoSlot) {
  std::vector<TaskState> tasks;
  std::string error;
  ASSERT_TRUE(parse_service_ps(R"({"Name":"web.99999999999999999999","CurrentState":"Running now"})"
                               "\n"
                               R"({"Name":"web.-3","CurrentState":"Running now"})"
                               "\n"
                               R"({"Name":"web.12","CurrentState":"Running now"})",
                               tasks, error))
      << error;
  ASSERT_EQ(tasks.size(), 3U);
  EXPECT_EQ(tasks[0].service, "web");
  EXPECT_EQ(tasks[0].slot, 0);
  EXPECT_EQ(tasks[1].slot, 0);
  EXPECT_EQ(tasks[2].slot, 12);
}

TEST(Observer, TheWholeObservationSectionBySection) {
  const std::string output = std::string(kNodeLs) + "@@inspect\nchicago|manager|{\"openclaw.trusted\":\"true\"}\n" +
                             "@@services\nopenclaw|[\"node.labels.openclaw.trusted==true\"]|1\n@@tasks\n" +
                             kServicePs;
  ClusterState s;
  std::string error;
  ASSERT_TRUE(observation_complete(output));
  ASSERT_TRUE(parse_observation(output, s, error)) << error;
  EXPECT_EQ(s.leader, "atlanta");
  EXPECT_TRUE(s.quorum);
  ASSERT_EQ(s.nodes.size(), 3U);
  EXPECT_EQ(s.nodes[1].labels.at("openclaw.trusted"), "true");
  ASSERT_EQ(s.services.size(), 1U);
  EXPECT_EQ(s.services[0].constraints, std::vector<std::string>{"node.labels.openclaw.trusted==true"});
  EXPECT_FALSE(s.services[0].up);  // its only task is pending
  EXPECT_EQ(s.tasks.size(), 3U);
}

TEST(Observer, SectionsOutOfOrderAreAnIncompleteOutput) {
  ClusterState s;
  std::string error;
  EXPECT_FALSE(observation_complete("@@tasks\n@@services\n@@inspect\n"));
  EXPECT_FALSE(parse_observation("@@tasks\n@@services\n@@inspect\n", s, error));
  EXPECT_NE(error.find("incomplete output"), std::string::npos);
  EXPECT_FALSE(observation_complete("@@inspect\n@@services\n"));
  EXPECT_TRUE(observation_complete("@@inspect\n@@services\n@@tasks\n"));
  EXPECT_TRUE(parse_observation("@@inspect\n@@services\n@@tasks\n", s, error)) << error;
  EXPECT_FALSE(s.quorum);
}

}  // namespace
}  // namespace clawsim
