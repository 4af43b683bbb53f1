#include "model/scenario.h"

#include <gtest/gtest.h>

#include "model/plan_yaml.h"
#include "scenarios/embedded.h"

namespace clawsim {
namespace {

Plan default_plan() { return parse_plan(default_plan_text(), "default-plan.yaml").value(); }

InputError error_of(const std::string& text) {
  Result<Scenario> r = parse_scenario(text, "s.yaml", default_plan());
  EXPECT_FALSE(r.ok());
  return r.ok() ? InputError{} : r.error();
}

TEST(Scenario, EveryBuiltInParsesAgainstTheDefaultPlan) {
  const Plan plan = default_plan();
  const char* required[] = {"quorum-loss",        "leader-crash",        "leader-demotion",
                            "follower-crash",     "worker-crash",        "trusted-node-drain",
                            "trusted-node-loss",  "nfs-outage",          "leader-partition",
                            "rolling-maintenance", "dashboard-node-loss"};
  for (const char* name : required) {
    EXPECT_FALSE(builtin_scenario(name).empty()) << name << " is missing";
  }
  for (const EmbeddedFile& f : builtin_scenarios()) {
    Result<Scenario> s = parse_scenario(f.text, std::string(f.name), plan);
    ASSERT_TRUE(s.ok()) << s.error().to_string();
    EXPECT_EQ(s.value().name, f.name) << "a built-in scenario is named after its file";
    EXPECT_FALSE(s.value().expectations.empty()) << f.name;
    EXPECT_FALSE(s.value().description.empty()) << f.name;
    for (const Expectation& e : s.value().expectations) {
      for (const std::string& p : e.xfail_plans) {
        EXPECT_FALSE(builtin_plan(p).empty()) << f.name << ": a known failure on '" << p << "', no such built-in plan";
      }
    }
  }
}

TEST(Scenario, TimelineIsSortedStably) {
  Result<Scenario> s = parse_scenario(R"(name: t
timeline:
  - {at: 20s, do: heal}
  - {at: 10s, do: crash-node, node: boston}
  - {at: 10s, do: crash-node, node: atlanta}
expect:
  - {check: quorum, becomes: lost}
)", "t.yaml", default_plan());
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  ASSERT_EQ(s.value().timeline.size(), 3U);
  EXPECT_EQ(s.value().timeline[0].node, "boston");
  EXPECT_EQ(s.value().timeline[1].node, "atlanta");
  EXPECT_EQ(s.value().timeline[2].kind, ActionKind::kHeal);
}

TEST(Scenario, UnknownActionListsTheVerbs) {
  const InputError e = error_of("name: x\ntimeline:\n  - {at: 1s, do: explode, node: boston}\n");
  EXPECT_EQ(e.line, 3);
  EXPECT_EQ(e.field, "timeline[0].do");
  EXPECT_NE(e.message.find("unknown action 'explode'"), std::string::npos);
  EXPECT_NE(e.message.find("crash-node"), std::string::npos);
}

TEST(Scenario, UnknownNodeAndReference) {
  EXPECT_NE(error_of("name: x\ntimeline:\n  - {at: 1s, do: crash-node, node: paris}\n")
                .message.find("unknown node 'paris'"),
            std::string::npos);
  EXPECT_NE(error_of("name: x\ntimeline:\n  - {at: 1s, do: crash-node, node: '@boss'}\n")
                .message.find("unknown node reference '@boss'"),
            std::string::npos);
  EXPECT_NE(error_of("name: x\ntimeline:\n  - {at: 1s, do: partition, groups: [[atlanta, rome]]}\n")
                .message.find("unknown node 'rome'"),
            std::string::npos);
}

TEST(Scenario, ActionArguments) {
  EXPECT_NE(error_of("name: x\ntimeline:\n  - {at: 1s, do: label-add, node: boston, label: k}\n")
                .message.find("expected key=value"),
            std::string::npos);
  EXPECT_NE(error_of("name: x\ntimeline:\n  - {at: 1s, do: label-add, node: boston, label: 'my key=v'}\n")
                .message.find("no whitespace, '=' or control character"),
            std::string::npos);
  EXPECT_NE(error_of("name: x\ntimeline:\n  - {at: 1s, do: label-add, node: boston, label: \"k=a\\tb\"}\n")
                .message.find("a control character in its value"),
            std::string::npos);
  EXPECT_NE(error_of("name: x\ntimeline:\n  - {at: 1s, do: block-port, node: boston, port: 0}\n")
                .message.find("between 1 and 65535"),
            std::string::npos);
  EXPECT_NE(error_of("name: x\ntimeline:\n  - {at: 1s, do: service-update, service: web}\n")
                .message.find("unknown service 'web'"),
            std::string::npos);
  EXPECT_NE(error_of("name: x\ntimeline:\n  - {at: 1s, do: service-update, service: openclaw, "
                     "constraint_add: ['node.role = manager']}\n")
                .message.find("'==' or '!='"),
            std::string::npos);
  EXPECT_NE(error_of("name: x\nduration: 10s\ntimeline:\n  - {at: 11s, do: heal}\n")
                .message.find("after the end of the run"),
            std::string::npos);
}

TEST(Scenario, Expectations) {
  EXPECT_NE(error_of("name: x\nexpect:\n  - {check: service, becomes: up}\n")
                .message.find("needs a subject"),
            std::string::npos);
  EXPECT_NE(error_of("name: x\nexpect:\n  - {check: service, subject: web, becomes: up}\n")
                .message.find("unknown service 'web'"),
            std::string::npos);
  EXPECT_NE(error_of("name: x\nexpect:\n  - {check: vibes, becomes: good}\n")
                .message.find("unknown check 'vibes'"),
            std::string::npos);
  EXPECT_NE(error_of("name: x\nexpect:\n  - {check: quorum, becomes: held, stays: held}\n")
                .message.find("exactly one of"),
            std::string::npos);
  EXPECT_NE(error_of("name: x\nexpect:\n  - {check: quorum, becomes: held, fails_on_plan: p}\n")
                .message.find("needs a `why`"),
            std::string::npos);
  Result<Scenario> s = parse_scenario(
      "name: x\nexpect:\n  - {check: dashboard, available_pct_at_least: 90}\n", "x.yaml",
      default_plan());
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s.value().expectations[0].subject, "captain-captain");
}

TEST(Scenario, PlanSettingOverrides) {
  const Plan plan = default_plan();
  Result<Scenario> s = parse_scenario(
      "name: slow\nplan:\n  raft: {election_tick: 20}\n  dispatcher: {heartbeat_period: 10s}\n",
      "slow.yaml", plan);
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  const Plan effective = plan_for(plan, s.value());
  EXPECT_EQ(effective.raft.election_tick, 20);
  EXPECT_EQ(effective.raft.heartbeat_tick, 1) << "what is not overridden is the plan's";
  EXPECT_EQ(effective.dispatcher.heartbeat_period_ms, 10'000);
  EXPECT_EQ(plan_for(plan, parse_scenario("name: same\n", "s", plan).value()).raft.election_tick,
            10);
  const InputError e = error_of("name: x\nplan:\n  raft: {heartbeat_tick: 30}\n");
  EXPECT_EQ(e.field, "plan.raft.heartbeat_tick");
  EXPECT_EQ(e.line, 3);
  EXPECT_NE(error_of("name: x\nplan:\n  nodes: []\n").message.find("unknown field 'nodes'"),
            std::string::npos)
      << "a scenario overrides settings, not the cluster";
}

TEST(Scenario, DescribeNamesTheAction) {
  Action a;
  a.kind = ActionKind::kPartition;
  a.groups = {{"atlanta"}, {"boston", "chicago"}};
  EXPECT_EQ(a.describe(), "partition [atlanta] [boston chicago]");
  Action b;
  b.kind = ActionKind::kBlockPort;
  b.node = "boston";
  b.port = 2377;
  EXPECT_EQ(b.describe(), "block-port boston 2377/tcp");
}

}  // namespace
}  // namespace clawsim

namespace clawsim {
namespace {

TEST(Scenario, EveryExpectedStateIsChecked) {
  const InputError holds = error_of("name: x\nexpect:\n  - {check: quorum, stays: holds}\n");
  EXPECT_EQ(holds.line, 3);
  EXPECT_EQ(holds.field, "expect[0].stays");
  EXPECT_EQ(holds.message, "'holds' is not a state of check 'quorum'; expected held, lost");
  EXPECT_EQ(error_of("name: x\nexpect:\n  - {check: node, subject: boston, becomes: Down}\n").message,
            "'Down' is not a state of check 'node'; expected ready, down, unknown");
  EXPECT_EQ(error_of("name: x\nexpect:\n  - {check: service, subject: openclaw, becomes: running}\n").message,
            "'running' is not a state of check 'service'; expected up, down");
  EXPECT_NE(error_of("name: x\nexpect:\n  - {check: leader, becomes: paris}\n")
                .message.find("expected none, new, atlanta, boston, chicago, denver"),
            std::string::npos);
  EXPECT_EQ(error_of("name: x\nexpect:\n  - {check: placement, becomes: respected}\n").field, "expect[0].becomes");
  EXPECT_EQ(error_of("name: x\nexpect:\n  - {check: quorum, becomes: held, contains: true}\n").field,
            "expect[0].contains");
  EXPECT_EQ(error_of("name: x\nexpect:\n  - {check: api, subject: chicago, becomes: ''}\n").message,
            "the state is empty");
}

TEST(Scenario, KnownFailuresNameABuiltInPlanOrADigest) {
  EXPECT_EQ(error_of("name: x\nexpect:\n  - {check: quorum, stays: held, why: w, fails_on_plan: [My Plan]}\n").message,
            "'My Plan' is neither a built-in plan's name nor a plan's digest (16 hex digits, as reports print it)");
}

}  // namespace
}  // namespace clawsim

namespace clawsim {
namespace {

TEST(ScenarioHostile, ADurationHasALimit) {
  EXPECT_EQ(error_of("name: x\nduration: 999999999h\n").field, "duration");
  EXPECT_EQ(error_of("name: x\nduration: 9223372036854775807ms\n").field, "duration");
  EXPECT_EQ(error_of("name: x\nduration: \"\\r\\n\"\n").to_string(),
            "s.yaml:2: duration: expected a duration such as 500ms, 30s, 2m or a number of milliseconds, got '\\r\\n'");
}

}  // namespace
}  // namespace clawsim

namespace clawsim {
namespace {

TEST(ScenarioHostile, PartitionGroupsDoNotOverlap) {
  const InputError e = error_of("name: x\ntimeline:\n  - {at: 1s, do: partition, groups: [[atlanta, boston], [boston, chicago]]}\n");
  EXPECT_EQ(e.field, "timeline[0].groups[1]");
  EXPECT_EQ(e.message, "'boston' is in groups 0 and 1: a partition's groups do not overlap (a node is on one side)");
}

}  // namespace
}  // namespace clawsim

namespace clawsim {
namespace {

// A YAML syntax error says where and what is wrong in plain words, yaml-cpp's own words kept.
TEST(Scenario, YamlSyntaxErrorsInPlainWords) {
  const InputError unclosed = error_of("name: x\ntimeline:\n  - {at: 1s, do: crash-node, node: atlanta\nexpect: []\n");
  EXPECT_EQ(unclosed.line, 4);
  EXPECT_NE(unclosed.message.find("a { map } is not closed: a '}' is missing"), std::string::npos) << unclosed.message;
  EXPECT_NE(unclosed.message.find("(YAML: end of map flow not found)"), std::string::npos);
  const InputError tab = error_of("name: x\n\tduration: 1s\n");
  EXPECT_EQ(tab.line, 2);
  EXPECT_NE(tab.message.find("column 1: a tab in the indentation"), std::string::npos) << tab.message;
  const InputError indented = error_of("name: x\n  description: y\ntimeline: []\n");
  EXPECT_NE(indented.message.find("indented deeper than the one above"), std::string::npos) << indented.message;
}

}  // namespace
}  // namespace clawsim
