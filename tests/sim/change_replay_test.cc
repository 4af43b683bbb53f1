// check-change's replay: the runbook's HA procedure on the cluster before it, as written and as it
// has to be typed, step by step.
#include "sim/change_replay.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "model/plan_yaml.h"

namespace clawsim {
namespace {

std::string read(const std::string& relative) {
  std::ifstream in(std::string(CLAWSIM_SOURCE_DIR) + "/" + relative);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::shared_ptr<const Plan> before_ha() {
  Result<Plan> p = parse_plan(read("scenarios/plans/before-ha.yaml"), "before-ha.yaml");
  EXPECT_TRUE(p.ok()) << p.error().to_string();
  return std::make_shared<const Plan>(std::move(p).value());
}

ChangeReport replay(const std::string& change_text, std::uint64_t seed = 1) {
  const auto plan = before_ha();
  Result<ChangeSet> change = parse_change(change_text, "c.change", *plan);
  EXPECT_TRUE(change.ok()) << change.error().to_string();
  ReplaySettings s;
  s.seed = seed;
  return replay_change(plan, change.value(), s);
}

TEST(ChangeReplay, RunbookJoinOnExistingWorkersIsRefused) {
  const ChangeReport r = replay(read("scenarios/changes/runbook-ha.change"));
  ASSERT_GE(r.steps.size(), 8U);
  EXPECT_EQ(r.refused_steps(), 4);
  EXPECT_NE(r.steps[1].answer.find("This node is already part of a swarm"), std::string::npos);
  EXPECT_EQ(r.steps.back().quorum.managers, 1);  // nothing was promoted
  EXPECT_NE(r.steps.back().answer.find("attempting to demote the last manager"), std::string::npos);
  EXPECT_FALSE(r.pass());
}

TEST(ChangeReplay, PromoteThenDemoteTheOldLeader) {
  const ChangeReport r = replay(read("scenarios/changes/runbook-ha-promote.change"));
  EXPECT_EQ(r.refused_steps(), 0);
  EXPECT_EQ(r.before_quorum.managers, 1);
  EXPECT_EQ(r.steps[1].quorum.managers, 3);
  EXPECT_EQ(r.steps[1].quorum.margin(), 1);
  const StepReport& demote = r.steps.back();
  EXPECT_EQ(demote.answer, "Manager atlanta demoted in the swarm.");
  EXPECT_EQ(demote.quorum.managers, 2);
  EXPECT_EQ(demote.quorum.margin(), 0);
  EXPECT_NE(demote.quorum.leader, "atlanta");
  EXPECT_EQ(demote.quorum_lost_for_ms, 0);  // leadership is handed over first
  // The captain is pinned to atlanta by node.id and refuses to run on a worker.
  ASSERT_EQ(r.lost_services().size(), 1U);
  EXPECT_EQ(r.lost_services()[0].rfind("captain-captain:", 0), 0U);
  bool unsatisfiable = false;
  for (const Finding& f : demote.new_findings) unsatisfiable |= f.rule == "placement.unsatisfiable";
  EXPECT_TRUE(unsatisfiable);
  EXPECT_FALSE(r.pass());
}

TEST(ChangeReplay, MovingTheCaptainFirstKeepsTheDashboard) {
  const ChangeReport r = replay(
      "docker node promote boston chicago\n"
      "docker service update --constraint-rm 'node.id == atlanta' "
      "--constraint-add 'node.role == manager' captain-captain\n"
      "docker node update --availability drain atlanta\n"
      "docker node demote atlanta\n");
  EXPECT_EQ(r.refused_steps(), 0);
  EXPECT_TRUE(r.lost_services().empty()) << r.lost_services()[0];
  EXPECT_FALSE(r.quorum_ever_lost());
}

TEST(ChangeReplay, DemotionThatWouldLoseTheQuorumIsRefused) {
  const ChangeReport r = replay(
      "docker node promote boston chicago\n"
      "chicago$ ufw --force reset\n"
      "chicago$ ufw default deny incoming\n"
      "chicago$ ufw allow from 192.0.2.10 to any port 9922 proto tcp\n"
      "chicago$ ufw --force enable\n"
      "docker node demote boston\n");
  const StepReport& demote = r.steps.back();
  EXPECT_TRUE(demote.refused);
  EXPECT_NE(demote.answer.find("this would result in a loss of quorum"), std::string::npos)
      << demote.answer;
}

TEST(ChangeReplay, DockerAnswersWhatTheSwarmRefuses) {
  const ChangeReport r = replay(
      "docker service create --name openclaw busybox\n"
      "docker node rm denver\n"
      "denver$ docker node ls\n"
      "boston$ docker swarm leave\n");
  ASSERT_EQ(r.steps.size(), 4U);
  EXPECT_NE(r.steps[0].answer.find("code = AlreadyExists desc = name conflicts with an existing "
                                   "object: service openclaw already exists"),
            std::string::npos)
      << r.steps[0].answer;
  EXPECT_NE(r.steps[1].answer.find("node denver is not down and can't be removed"),
            std::string::npos);
  EXPECT_NE(r.steps[2].answer.find("This node is not a swarm manager."), std::string::npos);
  // boston is a worker before the HA change: it may leave.
  EXPECT_EQ(r.steps[3].answer, "Node left the swarm.");
  EXPECT_EQ(r.refused_steps(), 3);
}

TEST(ChangeReplay, ARemovedNodeIsNoSuchNode) {
  const ChangeReport r = replay(
      "denver$ docker swarm leave\n"
      "docker node rm denver\n"
      "docker node update --label-add x=y denver\n"
      "docker node promote denver\n");
  ASSERT_EQ(r.steps.size(), 4U);
  EXPECT_EQ(r.steps[0].answer, "Node left the swarm.");
  EXPECT_FALSE(r.steps[1].refused) << r.steps[1].answer;  // Down by then: removable
  EXPECT_EQ(r.steps[2].answer, "Error: No such node: denver");
  EXPECT_EQ(r.steps[3].answer, "Error: No such node: denver");
}

TEST(ChangeReplay, SameSeedSameReport) {
  const std::string text = read("scenarios/changes/runbook-ha-promote.change");
  const ChangeReport a = replay(text, 7), b = replay(text, 7);
  ASSERT_EQ(a.steps.size(), b.steps.size());
  for (std::size_t i = 0; i < a.steps.size(); ++i) {
    EXPECT_EQ(a.steps[i].answer, b.steps[i].answer);
    EXPECT_EQ(a.steps[i].down, b.steps[i].down);
    EXPECT_EQ(a.steps[i].quorum.leader, b.steps[i].quorum.leader);
  }
}

}  // namespace
}  // namespace clawsim

namespace clawsim {
namespace {

// `systemctl stop docker` on the trusted node is replayed as the model's daemon stop: the node
// goes Down and its pinned services wait; `start` brings them back.
TEST(ChangeReplay, SystemctlStopsAndStartsTheDaemon) {
  const ChangeReport r = replay("chicago$ sudo systemctl stop docker\nchicago$ sudo systemctl start docker\n");
  ASSERT_EQ(r.steps.size(), 2U);
  EXPECT_EQ(r.steps[0].step.kind, ChangeKind::kDaemon);
  EXPECT_EQ(r.steps[0].answer, "ok");
  bool openclaw_down = false;
  for (const std::string& d : r.steps[0].down) openclaw_down = openclaw_down || d.rfind("openclaw:", 0) == 0;
  EXPECT_TRUE(openclaw_down) << "the gateway is down while its node's daemon is";
  for (const std::string& d : r.steps[1].down) EXPECT_NE(d.rfind("openclaw:", 0), 0U) << d;
}

TEST(ChangeReplay, SystemctlNeedsANodeAndDocker) {
  const auto plan = before_ha();
  const Result<ChangeSet> no_node = parse_change("sudo systemctl restart docker\n", "c.change", *plan);
  ASSERT_FALSE(no_node.ok());
  const Result<ChangeSet> other = parse_change("chicago$ systemctl restart nginx\n", "c.change", *plan);
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.error().message.find("systemctl stop|start|restart docker"), std::string::npos)
      << other.error().message;
  const Result<ChangeSet> all = parse_change("all$ service docker restart\n", "c.change", *plan);
  ASSERT_TRUE(all.ok()) << all.error().to_string();
  EXPECT_EQ(all.value().steps.size(), plan->nodes.size()) << "all$: one step per node";
}

}  // namespace
}  // namespace clawsim

namespace clawsim {
namespace {

TEST(ChangeReplay, EachStepSaysHowLongServicesWereDownWhileItSettled) {
  const ChangeReport r = replay("docker node update --availability drain chicago\ndocker node update --availability active chicago\n");
  ASSERT_EQ(r.steps.size(), 2U);
  ASSERT_TRUE(r.steps[0].downtime_ms.count("openclaw"));
  EXPECT_GT(r.steps[0].downtime_ms.at("openclaw"), 50'000) << "down for most of the step's settle";
  EXPECT_LE(r.steps[0].downtime_ms.at("openclaw"), 60'000);
  ASSERT_TRUE(r.steps[1].downtime_ms.count("openclaw")) << "still down when the drain is undone";
  EXPECT_LT(r.steps[1].downtime_ms.at("openclaw"), 10'000) << "and back within seconds";
}

}  // namespace
}  // namespace clawsim
