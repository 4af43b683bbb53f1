#include "model/change.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "model/plan_yaml.h"
#include "scenarios/embedded.h"

namespace clawsim {
namespace {

using Labels = std::vector<std::pair<std::string, std::string>>;
using Strings = std::vector<std::string>;

constexpr const char* kNotACommand =
    "not a docker, ufw or `systemctl stop|start|restart docker` command; clawsim cannot judge it: "
    "remove it or comment it out with #";

Plan default_plan() { return parse_plan(default_plan_text(), "default-plan.yaml").value(); }

std::vector<ChangeStep> steps_of(const std::string& text, const Plan& plan = default_plan()) {
  Result<ChangeSet> r = parse_change(text, "c.change", plan);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string());
  return r.ok() ? r.value().steps : std::vector<ChangeStep>{};
}

// The one step `text` parses to.
ChangeStep step_of(const std::string& text) {
  const std::vector<ChangeStep> steps = steps_of(text);
  EXPECT_EQ(steps.size(), 1u) << text;
  return steps.empty() ? ChangeStep{} : steps[0];
}

InputError error_of(const std::string& text, const std::string& file = "c.change") {
  Result<ChangeSet> r = parse_change(text, file, default_plan());
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? InputError{} : r.error();
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// --- the text format ---------------------------------------------------------------------------

TEST(ChangeKind, EveryKindHasAName) {
  EXPECT_STREQ(to_string(ChangeKind::kNodePromote), "promote");
  EXPECT_STREQ(to_string(ChangeKind::kServiceUpdate), "service-update");
  EXPECT_STREQ(to_string(ChangeKind::kForceNewCluster), "force-new-cluster");
  EXPECT_STREQ(to_string(ChangeKind::kUfw), "ufw");
  EXPECT_STREQ(to_string(ChangeKind::kRead), "read");
}

TEST(ChangeText, BlankLinesAndCommentsAreSkippedAndLinesCounted) {
  const std::vector<ChangeStep> steps = steps_of(
      "# maintenance window\n"
      "\n"
      "   # indented comment\n"
      "docker node promote denver   # trailing comment\n"
      "\n"
      "docker node demote atlanta\n");
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].line, 4);
  EXPECT_EQ(steps[0].kind, ChangeKind::kNodePromote);
  EXPECT_EQ(steps[0].node, "denver");
  EXPECT_EQ(steps[0].text, "docker node promote denver");
  EXPECT_EQ(steps[0].on_node, "");
  EXPECT_EQ(steps[1].line, 6);
  EXPECT_EQ(steps[1].kind, ChangeKind::kNodeDemote);
  EXPECT_EQ(steps[1].node, "atlanta");
}

TEST(ChangeText, HashInsideQuotesOrAWordIsNotAComment) {
  const ChangeStep s = step_of("docker node update --label-add 'a=#1' --label-add b=c#d boston #x");
  EXPECT_EQ(s.label_add, (Labels{{"a", "#1"}, {"b", "c#d"}}));
  EXPECT_EQ(s.text, "docker node update --label-add 'a=#1' --label-add b=c#d boston");
}

TEST(ChangeText, ContinuationLinesJoinAndTheStepHasTheFirstLine) {
  const std::vector<ChangeStep> steps = steps_of(
      "docker node ls\n"
      "docker service create \\\n"
      "    --name blog \\\n"
      "    --replicas 2 \\\n"
      "    nginx:1.27\n"
      "docker service update --replicas 3 blog\n");
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[1].line, 2);
  EXPECT_EQ(steps[1].kind, ChangeKind::kServiceCreate);
  EXPECT_EQ(steps[1].text, "docker service create --name blog --replicas 2 nginx:1.27");
  EXPECT_EQ(steps[1].image, "nginx:1.27");
  EXPECT_EQ(steps[2].line, 6);
}

TEST(ChangeText, ContinuationWithoutSpacesJoinsTheWordAsTheShellDoes) {
  const ChangeStep s = step_of("docker node pro\\\nmote boston");
  EXPECT_EQ(s.kind, ChangeKind::kNodePromote);
  EXPECT_EQ(s.text, "docker node promote boston");
}

TEST(ChangeText, BackslashInACommentDoesNotContinue) {
  const std::vector<ChangeStep> steps =
      steps_of("docker node ls # list \\\ndocker node demote boston\n");
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[1].kind, ChangeKind::kNodeDemote);
  EXPECT_EQ(steps[1].line, 2);
}

TEST(ChangeText, CrLfLineEndings) {
  const std::vector<ChangeStep> steps =
      steps_of("docker node promote \\\r\n  denver\r\ndocker node demote boston\r\n");
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].node, "denver");
  EXPECT_EQ(steps[0].text, "docker node promote denver");
  EXPECT_EQ(steps[1].node, "boston");
  EXPECT_EQ(steps[1].line, 3);
}

TEST(ChangeText, SudoIsOptionalAndKeptInTheText) {
  const ChangeStep s = step_of("sudo docker node promote denver");
  EXPECT_EQ(s.kind, ChangeKind::kNodePromote);
  EXPECT_EQ(s.text, "sudo docker node promote denver");
}

TEST(ChangeText, PromptNamesTheNodeAndIsNotInTheText) {
  const ChangeStep s = step_of("chicago$ sudo docker swarm leave");
  EXPECT_EQ(s.kind, ChangeKind::kSwarmLeave);
  EXPECT_EQ(s.on_node, "chicago");
  EXPECT_EQ(s.text, "sudo docker swarm leave");
  EXPECT_EQ(step_of("boston$ docker node ls").on_node, "boston");
}

TEST(ChangeText, NodesMayBeNamedByIdAndStepsHoldTheName) {
  Plan plan = default_plan();
  plan.nodes[1].id = "x8k2m5bostonid";
  const std::vector<ChangeStep> steps =
      steps_of("x8k2m5bostonid$ docker swarm leave\ndocker node demote x8k2m5bostonid\n", plan);
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].on_node, "boston");
  EXPECT_EQ(steps[1].node, "boston");
}

TEST(ChangeText, BarePromptNamesNoNode) {
  const ChangeStep s = step_of("$ docker node promote denver");
  EXPECT_EQ(s.on_node, "");
  EXPECT_EQ(s.text, "docker node promote denver");
}

TEST(ChangeText, QuotesAndBackslashEscapes) {
  const ChangeStep s = step_of(
      "docker node update --label-add note=\"say \\\"hi\\\" $X\" --label-add 'x=it'\"'\"'s' "
      "--label-add y=a\\ b --label-add \"z=\" boston");
  EXPECT_EQ(s.label_add,
            (Labels{{"note", "say \"hi\" $X"}, {"x", "it's"}, {"y", "a b"}, {"z", ""}}));
  EXPECT_EQ(s.node, "boston");
}

TEST(ChangeText, OptionsTakeTheirValueAfterEqualsOrAsTheNextWord) {
  const ChangeStep n = step_of("docker node update --availability=drain --label-rm=old denver");
  EXPECT_EQ(n.availability, Availability::kDrain);
  EXPECT_EQ(n.label_rm, Strings{"old"});
  const ChangeStep s = step_of(
      "docker service update --replicas=3 --constraint-add=node.role==manager "
      "--constraint-rm \"node.labels.openclaw.trusted == true\" --force=true openclaw");
  EXPECT_EQ(s.replicas, 3);
  EXPECT_EQ(s.constraint_add, Strings{"node.role==manager"});
  EXPECT_EQ(s.constraint_rm, Strings{"node.labels.openclaw.trusted == true"});
  EXPECT_TRUE(s.force);
  EXPECT_FALSE(step_of("docker service update --force=false openclaw").force);
}

TEST(ChangeText, ShortOptions) {
  EXPECT_TRUE(step_of("docker node rm -f denver").force);
  EXPECT_TRUE(step_of("boston$ docker swarm leave -f").force);
  const ChangeStep s = step_of("docker service create -dq --name blog -e A=1 -eB=2 -e=C nginx");
  EXPECT_EQ(s.env, (Labels{{"A", "1"}, {"B", "2"}, {"C", ""}}));
  EXPECT_TRUE(step_of("docker service update -d --force openclaw").force);
}

TEST(ChangeText, PlaceholdersAreWords) {
  const ChangeStep s =
      step_of("boston$ docker swarm join --token <MANAGER_TOKEN> <LEADER_IP>:2377");
  EXPECT_EQ(s.join_as, "manager");
  EXPECT_EQ(s.join_address, "<LEADER_IP>:2377");
}

// --- docker node -------------------------------------------------------------------------------

TEST(ChangeNode, PromoteAndDemoteSeveralNodesGiveOneStepEach) {
  const std::vector<ChangeStep> steps = steps_of("docker node promote denver boston\n");
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].node, "denver");
  EXPECT_EQ(steps[1].node, "boston");
  for (const ChangeStep& s : steps) {
    EXPECT_EQ(s.kind, ChangeKind::kNodePromote);
    EXPECT_EQ(s.line, 1);
    EXPECT_EQ(s.text, "docker node promote denver boston");
  }
  EXPECT_EQ(steps_of("docker node demote atlanta chicago").size(), 2u);
}

TEST(ChangeNode, UpdateAvailabilityAndLabels) {
  const ChangeStep s = step_of(
      "docker node update --availability pause --label-add openclaw.trusted=true "
      "--label-add zone --label-rm old --label-rm stale chicago");
  EXPECT_EQ(s.kind, ChangeKind::kNodeUpdate);
  EXPECT_EQ(s.node, "chicago");
  EXPECT_EQ(s.availability, Availability::kPause);
  EXPECT_EQ(s.label_add, (Labels{{"openclaw.trusted", "true"}, {"zone", ""}}));
  EXPECT_EQ(s.label_rm, (Strings{"old", "stale"}));
  EXPECT_EQ(step_of("docker node update --availability active denver").availability,
            Availability::kActive);
}

TEST(ChangeNode, UpdateRoleIsAPromoteOrDemote) {
  const ChangeStep demote = step_of("docker node update --role worker boston");
  EXPECT_EQ(demote.kind, ChangeKind::kNodeDemote);
  EXPECT_EQ(demote.node, "boston");
  const std::vector<ChangeStep> both =
      steps_of("docker node update --availability drain --role manager denver");
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[0].kind, ChangeKind::kNodeUpdate);
  EXPECT_EQ(both[0].availability, Availability::kDrain);
  EXPECT_EQ(both[1].kind, ChangeKind::kNodePromote);
  EXPECT_EQ(both[1].node, "denver");
}

TEST(ChangeNode, RmWithAndWithoutForce) {
  const std::vector<ChangeStep> steps =
      steps_of("docker node rm --force denver boston\ndocker node remove chicago");
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[0].kind, ChangeKind::kNodeRm);
  EXPECT_TRUE(steps[0].force);
  EXPECT_EQ(steps[1].node, "boston");
  EXPECT_TRUE(steps[1].force);
  EXPECT_FALSE(steps[2].force);
  EXPECT_EQ(steps[2].node, "chicago");
}

TEST(ChangeNode, ReadsAreKeptAndChangeNothing) {
  const std::vector<ChangeStep> steps = steps_of(
      "docker node ls\n"
      "docker node ls --filter role=manager\n"
      "docker node inspect self --pretty\n"
      "docker node ps boston\n"
      "docker service ls\n"
      "docker service ps openclaw --no-trunc\n"
      "docker service inspect --pretty openclaw\n"
      "docker service logs -f srv-captain--captain-captain\n"
      "docker swarm join-token -q worker\n"
      "denver$ sudo ufw status verbose\n");
  ASSERT_EQ(steps.size(), 10u);
  for (const ChangeStep& s : steps) EXPECT_EQ(s.kind, ChangeKind::kRead) << s.text;
  EXPECT_EQ(steps[9].on_node, "denver");
}

// --- docker service ----------------------------------------------------------------------------

TEST(ChangeService, CreateReadsItsOptionsAndIgnoresTheListedOnes) {
  const ChangeStep s = step_of(
      "docker service create --name blog --replicas 2 --constraint 'node.role == manager' "
      "--constraint node.labels.zone!=dmz -e A=1 --env B --mount type=bind,src=/a,dst=/b "
      "--network captain-overlay-network -p 80:80 --publish=443:443 --label x=y --detach "
      "--with-registry-auth nginx:1.27 nginx -g 'daemon off;'");
  EXPECT_EQ(s.kind, ChangeKind::kServiceCreate);
  EXPECT_EQ(s.service, "blog");
  EXPECT_EQ(s.replicas, 2);
  EXPECT_FALSE(s.global);
  EXPECT_EQ(s.constraint_add, (Strings{"node.role == manager", "node.labels.zone!=dmz"}));
  EXPECT_EQ(s.env, (Labels{{"A", "1"}, {"B", ""}}));
  EXPECT_EQ(s.image, "nginx:1.27");
}

TEST(ChangeService, CreateGlobal) {
  const ChangeStep s = step_of("docker service create --mode global --name agent alpine");
  EXPECT_TRUE(s.global);
  EXPECT_FALSE(s.replicas.has_value());
}

TEST(ChangeService, CreatedServicesAreKnownAfterwardsByEitherName) {
  const std::vector<ChangeStep> steps = steps_of(
      "docker service create --name srv-captain--blog nginx\n"
      "docker service update --replicas 3 blog\n"
      "docker service update --image nginx:2 srv-captain--blog\n"
      "docker service scale blog=0\n");
  ASSERT_EQ(steps.size(), 4u);
  EXPECT_EQ(steps[0].service, "blog");
  EXPECT_EQ(steps[1].service, "blog");
  EXPECT_EQ(steps[1].replicas, 3);
  EXPECT_EQ(steps[2].service, "blog");
  EXPECT_EQ(steps[2].image, "nginx:2");
  EXPECT_EQ(steps[3].replicas, 0);
}

TEST(ChangeService, UpdateFields) {
  const ChangeStep s = step_of(
      "docker service update --constraint-rm 'node.id == atlanta' "
      "--constraint-add 'node.role == manager' --replicas 1 --image caprover/caprover:1.12 "
      "--force srv-captain--captain-captain");
  EXPECT_EQ(s.kind, ChangeKind::kServiceUpdate);
  EXPECT_EQ(s.service, "captain-captain");
  EXPECT_EQ(s.constraint_rm, Strings{"node.id == atlanta"});
  EXPECT_EQ(s.constraint_add, Strings{"node.role == manager"});
  EXPECT_EQ(s.replicas, 1);
  EXPECT_EQ(s.image, "caprover/caprover:1.12");
  EXPECT_TRUE(s.force);
}

TEST(ChangeService, CaptainCaptainIsThePlanNameAsIs) {
  EXPECT_EQ(step_of("docker service update --force captain-captain").service, "captain-captain");
}

TEST(ChangeService, ConstraintRmTakesTheTextAsWritten) {
  // Not a constraint parse_constraint accepts, but removing it is still what was typed.
  EXPECT_EQ(step_of("docker service update --constraint-rm 'whatever' openclaw").constraint_rm,
            Strings{"whatever"});
}

TEST(ChangeService, ScaleSeveralPairsGivesOneUpdateEach) {
  const std::vector<ChangeStep> steps =
      steps_of("docker service scale openclaw=2 srv-captain--docker-proxy=0 captain-captain=1 -d");
  ASSERT_EQ(steps.size(), 3u);
  const Strings names{"openclaw", "docker-proxy", "captain-captain"};
  const std::vector<int> replicas{2, 0, 1};
  for (std::size_t i = 0; i < steps.size(); ++i) {
    EXPECT_EQ(steps[i].kind, ChangeKind::kServiceUpdate);
    EXPECT_EQ(steps[i].service, names[i]);
    EXPECT_EQ(steps[i].replicas, replicas[i]);
    EXPECT_EQ(steps[i].line, 1);
  }
}

TEST(ChangeService, RmSeveral) {
  const std::vector<ChangeStep> steps =
      steps_of("docker service rm otel-collector srv-captain--openclaw");
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].kind, ChangeKind::kServiceRm);
  EXPECT_EQ(steps[0].service, "otel-collector");
  EXPECT_EQ(steps[1].service, "openclaw");
}

TEST(ChangeService, RemovedServiceIsUnknownAfterwards) {
  const InputError e = error_of(
      "docker service rm otel-collector\n"
      "# later\n"
      "docker service update --replicas 2 srv-captain--otel-collector\n");
  EXPECT_EQ(e.line, 3);
  EXPECT_EQ(e.field, "docker service update");
  EXPECT_TRUE(has(e.message, "unknown service 'srv-captain--otel-collector'")) << e.message;
  EXPECT_TRUE(has(e.message, "removed on line 1")) << e.message;
}

TEST(ChangeService, RemovedThenCreatedAgainIsKnown) {
  EXPECT_EQ(steps_of("docker service rm openclaw\n"
                     "docker service create --name openclaw img-captain--openclaw:2\n"
                     "docker service scale openclaw=1\n")
                .size(),
            3u);
}

// --- docker swarm ------------------------------------------------------------------------------

TEST(ChangeSwarm, ForceNewClusterOnTheNodeItIsTypedOn) {
  const ChangeStep s = step_of(
      "chicago$ docker swarm init --force-new-cluster --advertise-addr 10.0.0.3 "
      "--listen-addr=0.0.0.0:2377");
  EXPECT_EQ(s.kind, ChangeKind::kForceNewCluster);
  EXPECT_EQ(s.on_node, "chicago");
}

TEST(ChangeSwarm, JoinWithLiteralTokens) {
  const std::vector<ChangeStep> steps = steps_of(
      "boston$ docker swarm join --token <MANAGER_TOKEN> 10.0.0.1\n"
      "denver$ docker swarm join --token=$WORKER_TOKEN 10.0.0.1:2377\n"
      "chicago$ docker swarm join --token SWMTKN-manager-xyz [fd00::1]:4000\n");
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[0].kind, ChangeKind::kSwarmJoin);
  EXPECT_EQ(steps[0].on_node, "boston");
  EXPECT_EQ(steps[0].join_as, "manager");
  EXPECT_EQ(steps[0].join_address, "10.0.0.1:2377");
  EXPECT_EQ(steps[1].join_as, "worker");
  EXPECT_EQ(steps[1].join_address, "10.0.0.1:2377");
  EXPECT_EQ(steps[2].join_as, "manager");
  EXPECT_EQ(steps[2].join_address, "[fd00::1]:4000");
}

TEST(ChangeSwarm, JoinTokenPlaceholderRefersToTheLastJoinTokenCommand) {
  const std::vector<ChangeStep> steps = steps_of(
      "atlanta$ docker swarm join-token manager\n"
      "boston$ docker swarm join --token <TOKEN> 10.0.0.1:2377\n"
      "atlanta$ docker swarm join-token -q worker\n"
      "denver$ docker swarm join --token SWMTKN-1-abc 10.0.0.1:2377\n");
  ASSERT_EQ(steps.size(), 4u);
  EXPECT_EQ(steps[0].kind, ChangeKind::kRead);
  EXPECT_EQ(steps[1].join_as, "manager");
  EXPECT_EQ(steps[3].join_as, "worker");
}

TEST(ChangeSwarm, JoinWithoutAKnownTokenKindIsAnError) {
  const InputError e = error_of("\nboston$ docker swarm join --token <TOKEN> 10.0.0.1:2377\n");
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.field, "docker swarm join --token");
  EXPECT_TRUE(has(e.message, "join-token manager|worker")) << e.message;
}

TEST(ChangeSwarm, JoinWithABadPortOrNoTokenIsAnError) {
  EXPECT_EQ(error_of("boston$ docker swarm join --token <WORKER_TOKEN> 10.0.0.1:99999").field,
            "docker swarm join");
  EXPECT_EQ(error_of("boston$ docker swarm join --token <WORKER_TOKEN> 10.0.0.1:").field,
            "docker swarm join");
  EXPECT_EQ(error_of("boston$ docker swarm join 10.0.0.1").field, "docker swarm join --token");
}

TEST(ChangeSwarm, LeaveWithAndWithoutForce) {
  EXPECT_FALSE(step_of("denver$ docker swarm leave").force);
  const ChangeStep s = step_of("denver$ docker swarm leave --force");
  EXPECT_EQ(s.kind, ChangeKind::kSwarmLeave);
  EXPECT_TRUE(s.force);
  EXPECT_EQ(s.on_node, "denver");
}

TEST(ChangeSwarm, PlainInitIsAnErrorTheSwarmExists) {
  const InputError e = error_of("atlanta$ docker swarm init --advertise-addr 10.0.0.1");
  EXPECT_EQ(e.field, "docker swarm init");
  EXPECT_TRUE(has(e.message, "already exists")) << e.message;
  EXPECT_TRUE(has(e.message, "--force-new-cluster")) << e.message;
}

TEST(ChangeSwarm, SwarmCommandsNeedTheNodeTheyAreTypedOn) {
  for (const char* line : {"docker swarm join --token <MANAGER_TOKEN> 10.0.0.1",
                           "docker swarm leave", "sudo docker swarm init --force-new-cluster"}) {
    const InputError e = error_of(line);
    EXPECT_EQ(e.line, 1) << line;
    EXPECT_TRUE(has(e.message, "needs the node it is typed on")) << e.message;
    EXPECT_TRUE(has(e.message, "NODE$ docker swarm")) << e.message;
  }
}

// --- ufw ---------------------------------------------------------------------------------------

TEST(ChangeUfw, UfwOnANode) {
  const ChangeStep s = step_of(
      "denver$ sudo ufw allow from 10.0.0.1 to any port 2049 proto tcp  # NFS from atlanta");
  EXPECT_EQ(s.kind, ChangeKind::kUfw);
  EXPECT_EQ(s.on_node, "denver");
  EXPECT_EQ(s.text, "sudo ufw allow from 10.0.0.1 to any port 2049 proto tcp");
  EXPECT_EQ(s.ufw_command, "ufw allow from 10.0.0.1 to any port 2049 proto tcp");
}

TEST(ChangeUfw, ARuleUfwRefusesIsStillAValidThingToType) {
  // The runbook's NFS rule: ufw refuses `proto tcp/udp`; the analysis reports that, not the parse.
  const ChangeStep s =
      step_of("denver$ sudo ufw allow from 10.0.0.1 to any port 2049,111 proto tcp/udp");
  EXPECT_EQ(s.kind, ChangeKind::kUfw);
  EXPECT_EQ(s.ufw_command, "ufw allow from 10.0.0.1 to any port 2049,111 proto tcp/udp");
}

TEST(ChangeUfw, AllPromptGivesOneStepPerPlanNode) {
  const std::vector<ChangeStep> steps =
      steps_of("\nall$ sudo ufw allow from 10.0.0.1 to any port 2377 proto tcp\n");
  ASSERT_EQ(steps.size(), 4u);
  const Strings nodes{"atlanta", "boston", "chicago", "denver"};
  for (std::size_t i = 0; i < steps.size(); ++i) {
    EXPECT_EQ(steps[i].kind, ChangeKind::kUfw);
    EXPECT_EQ(steps[i].on_node, nodes[i]);
    EXPECT_EQ(steps[i].line, 2);
    EXPECT_EQ(steps[i].text, "sudo ufw allow from 10.0.0.1 to any port 2377 proto tcp");
    EXPECT_EQ(steps[i].ufw_command, "ufw allow from 10.0.0.1 to any port 2377 proto tcp");
  }
}

TEST(ChangeUfw, QuotedCommentIsKeptInTheUfwCommand) {
  EXPECT_EQ(step_of("atlanta$ ufw allow 22/tcp comment 'admin # ssh'").ufw_command,
            "ufw allow 22/tcp comment 'admin # ssh'");
}

TEST(ChangeUfw, UfwWithoutANodeIsAnError) {
  const InputError e = error_of("docker node ls\nsudo ufw allow 22/tcp\n");
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.field, "ufw");
  EXPECT_TRUE(has(e.message, "NODE$ ufw ...")) << e.message;
  EXPECT_TRUE(has(e.message, "atlanta, boston, chicago, denver")) << e.message;
}

TEST(ChangeUfw, AllPromptIsForUfwOnly) {
  const InputError e = error_of("all$ docker swarm leave");
  EXPECT_EQ(e.field, "prompt");
  EXPECT_TRUE(has(e.message, "ufw")) << e.message;
}

// --- errors ------------------------------------------------------------------------------------

TEST(ChangeErrors, UnknownNodeNamesFileLineFieldAndTheNodes) {
  const InputError e = error_of(
      "# HA test\n"
      "docker node promote denver\n"
      "\n"
      "docker node ls\n"
      "docker service scale captain-captain=0\n"
      "docker node update --label-add a=b chicago\n"
      "docker node demote bostn\n",
      "ha.change");
  EXPECT_EQ(
      e.to_string(),
      "ha.change:7: docker node demote: unknown node 'bostn' (did you mean 'boston'?) (nodes: "
      "atlanta, boston, chicago, denver)");
}

TEST(ChangeErrors, UnknownNodeInThePrompt) {
  const InputError e = error_of("docker node ls\nbostn$ docker swarm leave\n");
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.field, "prompt");
  EXPECT_TRUE(has(e.message, "unknown node 'bostn'")) << e.message;
}

TEST(ChangeErrors, UnknownService) {
  const InputError e = error_of("docker service update --force srv-captain--nope");
  EXPECT_EQ(e.field, "docker service update");
  EXPECT_TRUE(has(e.message, "unknown service 'srv-captain--nope'")) << e.message;
  EXPECT_TRUE(has(e.message, "captain-captain, docker-proxy")) << e.message;
  EXPECT_EQ(error_of("docker service scale nope=1").field, "docker service scale");
  EXPECT_EQ(error_of("docker service rm openclaw openclaw").field, "docker service rm");
}

TEST(ChangeErrors, UnknownOptionsListTheAcceptedOnes) {
  const InputError e = error_of("docker node ls\n\ndocker node update --colour red boston\n");
  EXPECT_EQ(e.line, 3);
  EXPECT_EQ(e.field, "docker node update");
  EXPECT_TRUE(has(e.message, "unknown option '--colour'")) << e.message;
  EXPECT_TRUE(has(e.message, "--availability, --label-add, --label-rm, --role")) << e.message;
  EXPECT_TRUE(has(error_of("docker node rm -x denver").message, "unknown option '-x'"));
  EXPECT_TRUE(has(error_of("docker node promote --force denver").message, "takes no options"));
  EXPECT_EQ(error_of("docker service create --name x --placement-pref spread=a nginx").field,
            "docker service create");
  EXPECT_EQ(error_of("atlanta$ docker swarm join-token --rotate worker").field,
            "docker swarm join-token");
}

TEST(ChangeErrors, BadOptionValuesNameTheOption) {
  InputError e = error_of("docker service update openclaw --replicas");
  EXPECT_EQ(e.field, "docker service update --replicas");
  EXPECT_TRUE(has(e.message, "missing value")) << e.message;
  e = error_of("docker service update --replicas many openclaw");
  EXPECT_EQ(e.field, "docker service update --replicas");
  EXPECT_TRUE(has(e.message, "got 'many'")) << e.message;
  EXPECT_EQ(error_of("docker service scale openclaw=-1").field, "docker service scale");
  EXPECT_EQ(error_of("docker service scale openclaw").field, "docker service scale");
  e = error_of("docker node update --availability off boston");
  EXPECT_EQ(e.field, "docker node update --availability");
  EXPECT_TRUE(has(e.message, "active, pause or drain")) << e.message;
  EXPECT_EQ(error_of("docker node update --label-rm a=b boston").field,
            "docker node update --label-rm");
  EXPECT_EQ(error_of("docker node update --label-add =b boston").field,
            "docker node update --label-add");
  EXPECT_EQ(error_of("docker node update --role boss boston").field, "docker node update --role");
  EXPECT_EQ(error_of("docker node rm --force=maybe denver").field, "docker node rm --force");
  EXPECT_EQ(error_of("docker service create --mode job --name x nginx").field,
            "docker service create --mode");
}

TEST(ChangeErrors, ConstraintsMustParse) {
  InputError e = error_of("docker service update --constraint-add 'node.role = manager' openclaw");
  EXPECT_EQ(e.field, "docker service update --constraint-add");
  EXPECT_TRUE(has(e.message, "expected '==' or '!='")) << e.message;
  e = error_of("docker service create --name x --constraint 'node.role = manager' nginx");
  EXPECT_EQ(e.field, "docker service create --constraint");
}

TEST(ChangeErrors, ServiceCreateMistakes) {
  EXPECT_EQ(error_of("docker service create nginx").field, "docker service create --name");
  EXPECT_EQ(error_of("docker service create --name x").field, "docker service create");
  // A name in use is Docker's to refuse (AlreadyExists), not a mistake of the change file.
  EXPECT_EQ(step_of("docker service create --name openclaw nginx").kind, ChangeKind::kServiceCreate);
  InputError e = error_of("docker service create --mode global --replicas 2 --name x nginx");
  EXPECT_EQ(e.field, "docker service create --replicas");
  EXPECT_EQ(error_of("docker service create --name 'my blog' nginx").field,
            "docker service create --name");
}

TEST(ChangeErrors, WrongNumberOfArguments) {
  InputError e = error_of("docker node promote");
  EXPECT_EQ(e.field, "docker node promote");
  EXPECT_TRUE(has(e.message, "missing argument: expected docker node promote NODE")) << e.message;
  e = error_of("docker node update --availability drain boston chicago");
  EXPECT_TRUE(has(e.message, "unexpected argument 'chicago'")) << e.message;
  EXPECT_EQ(error_of("docker service update").field, "docker service update");
  EXPECT_EQ(error_of("denver$ docker swarm leave now").field, "docker swarm leave");
}

TEST(ChangeErrors, UnknownDockerCommands) {
  InputError e = error_of("docker node frobnicate boston");
  EXPECT_EQ(e.field, "docker node frobnicate");
  EXPECT_TRUE(has(e.message, "unknown command 'frobnicate'")) << e.message;
  EXPECT_TRUE(has(e.message, "promote, demote, update, rm")) << e.message;
  EXPECT_EQ(error_of("docker service rollback openclaw").field, "docker service rollback");
  EXPECT_EQ(error_of("docker swarm unlock").field, "docker swarm unlock");
  EXPECT_EQ(error_of("docker node").field, "docker node");
  EXPECT_EQ(error_of("docker run -d nginx").field, "docker run");
  EXPECT_EQ(error_of("docker").field, "docker");
  EXPECT_EQ(error_of("docker -H tcp://x node ls").field, "docker");
}

TEST(ChangeErrors, OtherProgramsAreNotSkipped) {
  const InputError e = error_of(
      "docker service scale captain-captain=0\n"
      "sudo rsync -av /var/lib/docker/volumes/captain--captain-data/_data/ /captain/data/\n");
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.field, "rsync");
  EXPECT_EQ(e.message, kNotACommand);
  EXPECT_EQ(error_of("sudo systemctl restart docker").field, "systemctl") << "typed on which node?";
  EXPECT_EQ(error_of("curl -fsSL https://example.com").field, "curl");
  EXPECT_EQ(error_of("sudo ufw-docker install").field, "ufw-docker");
  EXPECT_EQ(error_of("ADMIN_IP=\"192.0.2.10\"").field, "ADMIN_IP=192.0.2.10");
}

TEST(ChangeErrors, ShellSyntaxIsNotRun) {
  InputError e = error_of("docker node ls | grep Leader");
  EXPECT_EQ(e.field, "docker");
  EXPECT_TRUE(has(e.message, "shell operator '|'")) << e.message;
  EXPECT_TRUE(has(error_of("docker node promote boston && docker node ls").message, "'&'"));
  EXPECT_TRUE(has(error_of("docker node promote boston; docker node ls").message, "';'"));
  EXPECT_TRUE(has(error_of("boston$ docker swarm join --token $(cat t) 10.0.0.1").message, "$("));
  EXPECT_TRUE(has(error_of("sudo -u root docker node ls").message, "sudo options"));
  EXPECT_EQ(error_of("boston$ sudo").field, "sudo");
  EXPECT_EQ(error_of("boston$").field, "prompt");
}

TEST(ChangeErrors, UnterminatedQuoteNamesItsLine) {
  const InputError e = error_of("docker node ls\ndocker node update --label-add 'a=b boston\n");
  EXPECT_EQ(e.line, 2);
  EXPECT_TRUE(has(e.message, "unterminated ' quote")) << e.message;
}

TEST(ChangeErrors, EmptyChangeIsAnError) {
  EXPECT_TRUE(has(error_of("# nothing yet\n\n").message, "no commands"));
  EXPECT_TRUE(has(error_of("").message, "no commands"));
}

TEST(ChangeErrors, TheRunbooksHaStepsParse) {
  const std::vector<ChangeStep> steps = steps_of(
      "atlanta$ docker swarm join-token manager\n"
      "boston$ docker swarm join --token <TOKEN> 10.0.0.1:2377\n"
      "chicago$ docker swarm join --token <TOKEN> 10.0.0.1:2377\n"
      "docker node ls\n"
      "docker service scale captain-captain=0\n"
      "# sudo rsync -av /var/lib/docker/volumes/captain--captain-data/_data/ /captain/data/\n"
      "denver$ sudo ufw allow from 10.0.0.1 to any port 2049,111 proto tcp/udp\n"
      "docker node demote atlanta\n"
      "docker node update --label-add openclaw.trusted=true chicago\n");
  ASSERT_EQ(steps.size(), 8u);
  EXPECT_EQ(steps[1].join_as, "manager");
  EXPECT_EQ(steps[2].on_node, "chicago");
  EXPECT_EQ(steps[5].line, 7);
}

// --- YAML --------------------------------------------------------------------------------------

TEST(ChangeYaml, StringItemsAreCommandLinesWithTheItemsLine) {
  const std::vector<ChangeStep> steps = steps_of(
      "# a change as YAML\n"
      "- docker node promote denver\n"
      "- \"boston$ docker swarm leave --force\"\n"
      "\n"
      "- denver$ sudo ufw allow 2049/tcp  # NFS\n");
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[0].line, 2);
  EXPECT_EQ(steps[0].kind, ChangeKind::kNodePromote);
  EXPECT_EQ(steps[1].line, 3);
  EXPECT_EQ(steps[1].on_node, "boston");
  EXPECT_TRUE(steps[1].force);
  EXPECT_EQ(steps[2].line, 5);
  EXPECT_EQ(steps[2].ufw_command, "ufw allow 2049/tcp");
}

// One vocabulary: a change's YAML ops are a scenario's verbs, with its fields.
TEST(ChangeYaml, TheScenariosVerbs) {
  const std::vector<ChangeStep> steps = steps_of(
      "- {op: drain, node: chicago}\n"
      "- {op: pause, node: chicago}\n"
      "- {op: activate, node: chicago}\n"
      "- {op: label-add, node: chicago, label: zone=b}\n"
      "- {op: label-rm, node: chicago, label: zone}\n");
  ASSERT_EQ(steps.size(), 5u);
  EXPECT_EQ(steps[0].availability, Availability::kDrain);
  EXPECT_EQ(steps[1].availability, Availability::kPause);
  EXPECT_EQ(steps[2].availability, Availability::kActive);
  EXPECT_EQ(steps[3].label_add, (Labels{{"zone", "b"}}));
  EXPECT_EQ(steps[4].label_rm, Strings{"zone"});
  EXPECT_EQ(steps[3].text, "docker node update --label-add zone=b chicago");
  const InputError old = error_of("- {op: node-promote, node: boston}\n");
  EXPECT_EQ(old.field, "[0].op");
  EXPECT_TRUE(has(old.message, "op 'node-promote' is now 'promote', as in scenarios")) << old.message;
}

TEST(ChangeYaml, NodeOps) {
  const std::vector<ChangeStep> steps = steps_of(
      "- {op: promote, node: [denver, boston]}\n"
      "- {op: demote, node: atlanta, on: boston}\n"
      "- op: node-update\n"
      "  node: chicago\n"
      "  availability: drain\n"
      "  label_add: {openclaw.trusted: \"true\", zone: \"\"}\n"
      "  label_rm: [old]\n"
      "- {op: node-rm, node: denver, force: true}\n");
  ASSERT_EQ(steps.size(), 5u);
  EXPECT_EQ(steps[0].text, "docker node promote denver boston");
  EXPECT_EQ(steps[1].node, "boston");
  EXPECT_EQ(steps[2].kind, ChangeKind::kNodeDemote);
  EXPECT_EQ(steps[2].on_node, "boston");
  EXPECT_EQ(steps[2].line, 2);
  const ChangeStep& u = steps[3];
  EXPECT_EQ(u.line, 3);
  EXPECT_EQ(u.kind, ChangeKind::kNodeUpdate);
  EXPECT_EQ(u.availability, Availability::kDrain);
  EXPECT_EQ(u.label_add, (Labels{{"openclaw.trusted", "true"}, {"zone", ""}}));
  EXPECT_EQ(u.label_rm, Strings{"old"});
  EXPECT_EQ(u.text,
            "docker node update --availability drain --label-add openclaw.trusted=true "
            "--label-add zone --label-rm old chicago");
  EXPECT_EQ(steps[4].kind, ChangeKind::kNodeRm);
  EXPECT_TRUE(steps[4].force);
  EXPECT_EQ(steps[4].text, "docker node rm --force denver");
}

TEST(ChangeYaml, ServiceOps) {
  const std::vector<ChangeStep> steps = steps_of(
      "- op: service-create\n"
      "  service: blog\n"
      "  image: nginx:1.27\n"
      "  replicas: 2\n"
      "  constraints: [\"node.role == manager\"]\n"
      "  env: {A: \"1\"}\n"
      "- {op: service-update, service: srv-captain--blog, constraint_add: [\"node.role != "
      "worker\"],\n"
      "   constraint_rm: [\"node.role == manager\"], replicas: 3, image: nginx:2, force: yes}\n"
      "- {op: service-scale, service: openclaw, replicas: 0}\n"
      "- {op: service-rm, service: [blog, otel-collector]}\n"
      "- {op: service-create, service: agent, image: alpine, mode: global}\n");
  ASSERT_EQ(steps.size(), 6u);
  const ChangeStep& c = steps[0];
  EXPECT_EQ(c.kind, ChangeKind::kServiceCreate);
  EXPECT_EQ(c.service, "blog");
  EXPECT_EQ(c.image, "nginx:1.27");
  EXPECT_EQ(c.replicas, 2);
  EXPECT_EQ(c.constraint_add, Strings{"node.role == manager"});
  EXPECT_EQ(c.env, (Labels{{"A", "1"}}));
  EXPECT_EQ(c.text,
            "docker service create --name blog --replicas 2 --constraint 'node.role == manager' "
            "--env A=1 nginx:1.27");
  const ChangeStep& u = steps[1];
  EXPECT_EQ(u.line, 7);
  EXPECT_EQ(u.service, "blog");
  EXPECT_EQ(u.constraint_add, Strings{"node.role != worker"});
  EXPECT_EQ(u.constraint_rm, Strings{"node.role == manager"});
  EXPECT_EQ(u.replicas, 3);
  EXPECT_EQ(u.image, "nginx:2");
  EXPECT_TRUE(u.force);
  EXPECT_EQ(steps[2].kind, ChangeKind::kServiceUpdate);
  EXPECT_EQ(steps[2].replicas, 0);
  EXPECT_EQ(steps[2].text, "docker service scale openclaw=0");
  EXPECT_EQ(steps[3].kind, ChangeKind::kServiceRm);
  EXPECT_EQ(steps[4].service, "otel-collector");
  EXPECT_EQ(steps[3].text, "docker service rm blog otel-collector");
  EXPECT_TRUE(steps[5].global);
}

TEST(ChangeYaml, SwarmAndUfwOps) {
  const std::vector<ChangeStep> steps = steps_of(
      "- {op: force-new-cluster, on: chicago}\n"
      "- {op: swarm-join, on: boston, token: manager, address: 10.0.0.3}\n"
      "- {op: swarm-leave, on: denver, force: true}\n"
      "- {op: ufw, on: denver, command: \"sudo ufw allow from 10.0.0.1 to any port 2049 proto "
      "tcp\"}\n"
      "- {op: ufw, on: all, command: ufw status}\n");
  ASSERT_EQ(steps.size(), 8u);
  EXPECT_EQ(steps[0].kind, ChangeKind::kForceNewCluster);
  EXPECT_EQ(steps[0].on_node, "chicago");
  EXPECT_EQ(steps[0].text, "docker swarm init --force-new-cluster");
  EXPECT_EQ(steps[1].join_as, "manager");
  EXPECT_EQ(steps[1].join_address, "10.0.0.3:2377");
  EXPECT_EQ(steps[1].text, "docker swarm join --token <MANAGER_TOKEN> 10.0.0.3");
  EXPECT_TRUE(steps[2].force);
  EXPECT_EQ(steps[2].text, "docker swarm leave --force");
  EXPECT_EQ(steps[3].kind, ChangeKind::kUfw);
  EXPECT_EQ(steps[3].on_node, "denver");
  EXPECT_EQ(steps[3].ufw_command, "ufw allow from 10.0.0.1 to any port 2049 proto tcp");
  for (std::size_t i = 4; i < 8; ++i) EXPECT_EQ(steps[i].kind, ChangeKind::kRead);
  EXPECT_EQ(steps[7].on_node, "denver");
}

TEST(ChangeYaml, ErrorsNameTheField) {
  InputError e = error_of("- docker node ls\n- {op: promote, node: boston, replicas: 2}\n");
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.field, "[1].replicas");
  EXPECT_TRUE(has(e.message, "unknown field 'replicas'; expected one of: op, on, node"))
      << e.message;

  e = error_of("- docker node ls\n- op: demote\n  node: bostn\n");
  EXPECT_EQ(e.line, 3);
  EXPECT_EQ(e.field, "[1].node");
  EXPECT_TRUE(has(e.message, "unknown node 'bostn'")) << e.message;

  e = error_of("- {op: node-explode, node: boston}\n");
  EXPECT_EQ(e.field, "[0].op");
  EXPECT_TRUE(has(e.message, "unknown op 'node-explode'; expected one of: promote, demote, drain"))
      << e.message;

  e = error_of("- op: node-update\n  node: boston\n  availability: off\n");
  EXPECT_EQ(e.line, 3);
  EXPECT_EQ(e.field, "[0].availability");
  EXPECT_EQ(error_of("- {op: service-scale, service: openclaw, replicas: lots}").field,
            "[0].replicas");
  EXPECT_EQ(error_of("- {op: service-scale, service: openclaw}").field, "[0].replicas");
  EXPECT_EQ(error_of("- {op: service-update, service: nope}").field, "[0].service");
  EXPECT_EQ(
      error_of("- {op: service-update, service: openclaw, constraint_add: [\"a = b\"]}").field,
      "[0].constraint_add");
  EXPECT_EQ(error_of("- {op: service-create, service: 'my blog', image: x}").field, "[0].service");
  EXPECT_EQ(error_of("- {op: service-create, service: blog}").field, "[0].image");
  EXPECT_EQ(error_of("- {op: promote}").field, "[0].node");
  EXPECT_EQ(error_of("- {op: swarm-join, on: boston, token: admin, address: 10.0.0.1}").field,
            "[0].token");
}

TEST(ChangeYaml, NodeCommandsNeedOn) {
  InputError e = error_of("- {op: ufw, command: ufw allow 22/tcp}\n");
  EXPECT_EQ(e.field, "[0].on");
  EXPECT_TRUE(has(e.message, "on: NODE")) << e.message;
  EXPECT_EQ(error_of("- {op: swarm-leave}").field, "[0].on");
  EXPECT_EQ(error_of("- {op: swarm-join, token: worker, address: 10.0.0.1}").field, "[0].on");
  EXPECT_EQ(error_of("- {op: force-new-cluster, on: all}").field, "[0].on");
  EXPECT_EQ(error_of("- {op: ufw, on: denver, command: systemctl restart docker}").field,
            "[0].command");
  EXPECT_EQ(error_of("- {op: swarm-leave, on: bostn}").field, "[0].on");
}

TEST(ChangeYaml, StringItemErrorsHaveTheItemsLine) {
  const InputError e = error_of("- docker node ls\n\n- docker node demote bostn\n");
  EXPECT_EQ(e.line, 3);
  EXPECT_EQ(e.field, "docker node demote");
  EXPECT_EQ(error_of("- docker node ls\n- rsync -av a b\n").line, 2);
}

TEST(ChangeYaml, SyntaxErrorHasItsLine) {
  const InputError e = error_of("- docker node ls\n- {op: promote, node: [boston\n");
  EXPECT_EQ(e.file, "c.change");
  EXPECT_GE(e.line, 2);
  EXPECT_EQ(error_of("- docker node ls\n- [1, 2]\n").field, "[1]");
}

TEST(ChangePlanBinding, AShellCommentNamesThePlan) {
  EXPECT_FALSE(change_plan_binding("# promote boston\ndocker node promote boston\n"));
  const auto b = change_plan_binding("# the runbook's HA step\n  #  clawsim-plan:  before-ha \r\ndocker node ls\n");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->ref, "before-ha");
  EXPECT_EQ(b->line, 2);
  const auto first = change_plan_binding("# clawsim-plan: plans/a.yaml\n# clawsim-plan: default\n");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->ref, "plans/a.yaml") << "the first line counts";
  const auto empty = change_plan_binding("- docker node ls\n# clawsim-plan:\n");
  ASSERT_TRUE(empty) << "YAML changes take the same comment";
  EXPECT_EQ(empty->ref, "");
  EXPECT_FALSE(change_plan_binding("docker node ls # clawsim-plan: default\n")) << "only a comment line";
}

}  // namespace
}  // namespace clawsim
