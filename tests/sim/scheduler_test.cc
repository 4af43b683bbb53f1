#include "sim/scheduler.h"

#include <gtest/gtest.h>

namespace clawsim {
namespace {

ServiceSpec pinned() {
  ServiceSpec s;
  s.name = "openclaw";
  s.constraints.push_back(parse_constraint("node.labels.openclaw.trusted == true").value());
  return s;
}

SchedulingCandidate node(std::string name, bool ready, bool trusted) {
  SchedulingCandidate c;
  c.ready = ready;
  c.facts.hostname = std::move(name);
  c.facts.id = c.facts.hostname;
  c.facts.role = "manager";
  if (trusted) c.facts.labels["openclaw.trusted"] = "true";
  return c;
}

// Observed on a real swarm (DESIGN.md §6): draining the only trusted node of four.
// Message format: swarmkit manager/scheduler/pipeline.go Explain, filter.go.
TEST(Scheduler, DrainedTrustedNodeGivesDockersReason) {
  const auto d = place_task(pinned(), {node("atlanta", true, false), node("boston", true, false),
                                       node("chicago", false, true), node("denver", true, false)});
  EXPECT_EQ(d.node, -1);
  EXPECT_EQ(d.reason,
            "no suitable node (scheduling constraints not satisfied on 3 nodes; 1 node not "
            "available for new tasks)");
}

// Observed on a real swarm: the trusted label removed.
TEST(Scheduler, NoNodeMeetsTheConstraint) {
  const auto d = place_task(pinned(), {node("a", true, false), node("b", true, false),
                                       node("c", true, false), node("d", true, false)});
  EXPECT_EQ(d.reason, "no suitable node (scheduling constraints not satisfied on 4 nodes)");
}

TEST(Scheduler, ReadyFilterComesFirstAndCountsAreSortedDescending) {
  const auto d = place_task(pinned(), {node("a", false, false), node("b", false, false),
                                       node("c", false, true), node("d", true, false)});
  EXPECT_EQ(d.reason,
            "no suitable node (3 nodes not available for new tasks; scheduling constraints not "
            "satisfied on 1 node)");
}

TEST(Scheduler, SpreadsByServiceTasksThenTotalThenName) {
  ServiceSpec any;
  any.name = "web";
  auto a = node("a", true, false);
  auto b = node("b", true, false);
  auto c = node("c", true, false);
  a.service_tasks = 1;
  b.total_tasks = 3;
  c.total_tasks = 1;
  EXPECT_EQ(place_task(any, {a, b, c}).node, 2);
  c.total_tasks = 3;
  EXPECT_EQ(place_task(any, {a, b, c}).node, 1) << "ties go to the first by name";
}

}  // namespace
}  // namespace clawsim
