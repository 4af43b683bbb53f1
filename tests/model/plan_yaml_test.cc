#include "model/plan_yaml.h"

#include <gtest/gtest.h>

#include "scenarios/embedded.h"

namespace clawsim {
namespace {

constexpr const char* kSmall = R"(name: small
nodes:
  - name: a
    address: 10.0.0.1
    role: manager
  - name: b
    address: 10.0.0.2
    role: worker
    labels: {zone: east}
services:
  - name: web
    image: nginx:1.25
    constraints: ["node.labels.zone == east"]
)";

InputError error_of(const std::string& text) {
  Result<Plan> r = parse_plan(text, "plan.yaml");
  EXPECT_FALSE(r.ok()) << "expected an error";
  return r.ok() ? InputError{} : r.error();
}

TEST(PlanYaml, DefaultPlanIsTheRunbooksCluster) {
  Result<Plan> r = parse_plan(default_plan_text(), "default-plan.yaml");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  const Plan& p = r.value();
  EXPECT_EQ(p.nodes.size(), 4U);
  EXPECT_EQ(p.manager_count(), 3);
  EXPECT_EQ(p.leader, "atlanta");
  ASSERT_TRUE(p.nfs.has_value());
  EXPECT_EQ(p.nfs->path, "/captain/data");
  EXPECT_EQ(p.nfs->export_options, "*(rw,sync,no_subtree_check,no_root_squash)");
  const ServiceSpec& proxy = p.services[static_cast<std::size_t>(p.service_index("docker-proxy"))];
  EXPECT_EQ(proxy.env.size(), 7U);
  EXPECT_EQ(proxy.env.count("POST"), 0U) << "the runbook does not enable POST";
  const ServiceSpec& gw = p.services[static_cast<std::size_t>(p.service_index("openclaw"))];
  EXPECT_EQ(gw.env.at("DOCKER_HOST"), "tcp://srv-captain--docker-proxy:2375");
  EXPECT_EQ(gw.constraints.at(0).text, "node.labels.openclaw.trusted == true");
  // swarmkit defaults
  EXPECT_EQ(p.raft.tick_ms, 1000);
  EXPECT_EQ(p.raft.election_tick, 10);
  EXPECT_EQ(p.raft.heartbeat_tick, 1);
  EXPECT_EQ(p.raft.transport_backoff_max_ms, 8000) << "transport.go: grpc.WithBackoffMaxDelay(8 * time.Second)";
  EXPECT_EQ(p.dispatcher.heartbeat_period_ms, 5000);
}

TEST(PlanYaml, RunbookFirewallAsWrittenCutsOffNode1AndNfs) {
  const Plan p = parse_plan(default_plan_text(), "default-plan.yaml").value();
  const std::vector<Firewall> fws = build_firewalls(p);
  const Firewall& boston = fws[static_cast<std::size_t>(p.node_index("boston"))];
  EXPECT_TRUE(boston.enabled);
  EXPECT_EQ(incoming_verdict(boston, "10.0.0.1", 2377, Proto::kTcp), FirewallVerdict::kDeny)
      << "the loop over NODE2..NODE4 never admits NODE1";
  EXPECT_EQ(incoming_verdict(boston, "10.0.0.3", 2377, Proto::kTcp), FirewallVerdict::kAllow);
  const Firewall& denver = fws[static_cast<std::size_t>(p.node_index("denver"))];
  EXPECT_EQ(incoming_verdict(denver, "10.0.0.2", 2049, Proto::kTcp), FirewallVerdict::kDeny);
}

TEST(PlanYaml, SmallPlanWithDefaults) {
  Result<Plan> r = parse_plan(kSmall, "plan.yaml");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r.value().leader, "a") << "the first manager leads when none is named";
  EXPECT_EQ(r.value().nodes[0].id, "a") << "node.id defaults to the name";
  EXPECT_EQ(r.value().services[0].replicas, 1);
}

TEST(PlanYaml, JsonIsAccepted) {
  const char* json = R"({"name": "j", "nodes": [{"name": "a", "address": "10.0.0.1",
    "role": "manager"}], "raft": {"election_tick": 5}})";
  Result<Plan> r = parse_plan(json, "plan.json");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r.value().raft.election_tick, 5);
}

TEST(PlanYaml, UnknownFieldNamesFileLineAndField) {
  std::string text = kSmall;
  text += "    replica: 3\n";
  const InputError e = error_of(text);
  EXPECT_EQ(e.file, "plan.yaml");
  EXPECT_EQ(e.line, 14);
  EXPECT_EQ(e.field, "services[0].replica");
  EXPECT_NE(e.message.find("unknown field 'replica'"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("replicas"), std::string::npos) << "lists what is accepted";
}

TEST(PlanYaml, ZeroManagersIsRefused) {
  const InputError e = error_of("nodes:\n  - {name: a, address: 10.0.0.1, role: worker}\n");
  EXPECT_EQ(e.field, "nodes");
  EXPECT_NE(e.message.find("at least one manager"), std::string::npos);
}

TEST(PlanYaml, HeartbeatNotShorterThanElectionIsRefused) {
  std::string text = kSmall;
  text += "raft:\n  heartbeat_tick: 10\n  election_tick: 10\n";
  const InputError e = error_of(text);
  EXPECT_EQ(e.field, "raft.heartbeat_tick");
  EXPECT_EQ(e.line, 15);
  EXPECT_NE(e.message.find("must be smaller than election_tick"), std::string::npos);
}

// gRPC's first redial comes after its 1 s base delay whatever the maximum: a smaller one
// would describe no gRPC client.
TEST(PlanYaml, TransportBackoffBelowGrpcsBaseDelayIsRefused) {
  std::string text = kSmall;
  text += "raft:\n  transport_backoff_max: 500ms\n";
  const InputError e = error_of(text);
  EXPECT_EQ(e.field, "raft.transport_backoff_max");
  EXPECT_EQ(e.line, 15);
  EXPECT_NE(e.message.find("must be at least 1s"), std::string::npos) << e.message;
}

TEST(PlanYaml, ConstraintThatDoesNotParse) {
  std::string text = kSmall;
  text.replace(text.find("node.labels.zone == east"), 24, "node.labels.zone = east");
  const InputError e = error_of(text);
  EXPECT_EQ(e.field, "services[0].constraints[0]");
  EXPECT_EQ(e.line, 13);
  EXPECT_NE(e.message.find("'==' or '!='"), std::string::npos) << e.message;
}

TEST(PlanYaml, UnknownNodesAndServicesAreNamed) {
  std::string nfs = kSmall;
  nfs += "nfs: {server: c, clients: [a]}\n";
  EXPECT_NE(error_of(nfs).message.find("unknown node 'c'"), std::string::npos);

  std::string dep = kSmall;
  dep += "    depends_on: [db]\n";
  const InputError e = error_of(dep);
  EXPECT_EQ(e.field, "services[0].depends_on[0]");
  EXPECT_NE(e.message.find("unknown service 'db'"), std::string::npos);

  std::string leader = kSmall;
  leader += "leader: b\n";
  EXPECT_NE(error_of(leader).message.find("'b' is not a manager"), std::string::npos);
}

TEST(PlanYaml, DependencyCycleIsRefused) {
  std::string text = kSmall;
  text += "    depends_on: [api]\n  - name: api\n    image: api:1\n    depends_on: [web]\n";
  const InputError e = error_of(text);
  EXPECT_NE(e.message.find("dependency cycle between services: web, api"), std::string::npos)
      << e.message;
}

TEST(PlanYaml, DuplicatesAndBadValues) {
  EXPECT_NE(error_of("nodes:\n  - {name: a, address: 10.0.0.1, role: manager}\n"
                     "  - {name: a, address: 10.0.0.2, role: worker}\n")
                .message.find("duplicate node name 'a'"),
            std::string::npos);
  const InputError role = error_of("nodes:\n  - {name: a, address: 10.0.0.1, role: boss}\n");
  EXPECT_EQ(role.field, "nodes[0].role");
  EXPECT_NE(role.message.find("expected manager or worker"), std::string::npos);
  std::string tick = kSmall;
  tick += "raft: {tick: soon}\n";
  EXPECT_NE(error_of(tick).message.find("expected a duration"), std::string::npos);
}

TEST(PlanYaml, MalformedYamlHasALine) {
  const InputError e = error_of("nodes:\n  - name: a\n   address: [\n");
  EXPECT_EQ(e.file, "plan.yaml");
  EXPECT_GT(e.line, 0);
}

TEST(PlanYaml, EmptyAndWrongShapes) {
  EXPECT_NE(error_of("").message.find("empty"), std::string::npos);
  EXPECT_NE(error_of("nodes: 3\n").message.find("expected a list"), std::string::npos);
  EXPECT_NE(error_of("- a\n- b\n").message.find("expected a mapping"), std::string::npos);
}

TEST(PlanYaml, RejectedUfwCommandsAreKeptNotFatal) {
  std::string text = kSmall;
  text += "firewall:\n  - on: all\n    run: [\"sudo ufw allow from 10.0.0.9 to any port 1,2 proto tcp/udp\", \"sudo ufw --force enable\"]\n";
  Result<Plan> r = parse_plan(text, "plan.yaml");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  const auto fws = build_firewalls(r.value());
  EXPECT_TRUE(fws[0].enabled);
  EXPECT_EQ(fws[0].rejected.size(), 1U);
}

TEST(PlanYaml, FirewallOnUnknownNode) {
  std::string text = kSmall;
  text += "firewall:\n  - on: [zz]\n    run: [\"ufw enable\"]\n";
  const InputError e = error_of(text);
  EXPECT_EQ(e.field, "firewall[0].on");
  EXPECT_NE(e.message.find("unknown node 'zz'"), std::string::npos);
}

}  // namespace
}  // namespace clawsim

namespace clawsim {
namespace {

// Hostile inputs that once crashed, hung or spoke without a line (each fed exactly).
TEST(PlanYamlHostile, APlanWithoutNodesNamesTheField) {
  const InputError e = error_of("name: p\n");
  EXPECT_EQ(e.field, "nodes");
  EXPECT_EQ(e.message, "missing: expected a list");
  EXPECT_EQ(e.line, 1);
}

TEST(PlanYamlHostile, AnAddressMustBeIPv4) {
  const InputError e = error_of("nodes: [{name: a, address: x, role: manager}]\nfirewall:\n  - {on: [a], run: [\"ufw --force enable\"]}\n");
  EXPECT_EQ(e.field, "nodes[0].address");
  EXPECT_EQ(e.line, 1);
  EXPECT_EQ(error_of("admin_address: x\nnodes: [{name: a, address: 10.0.0.1, role: manager}]\n").field,
            "admin_address");
}

TEST(PlanYamlHostile, TextThatIsNotUtf8IsBadInput) {
  const InputError raw = error_of(std::string("name: ") + '\xC1' + "\nnodes: [{name: a, address: 10.0.0.1, role: manager}]\n");
  EXPECT_EQ(raw.field, "name");
  EXPECT_EQ(raw.message, "the value is not valid UTF-8 text");
}

TEST(PlanYamlHostile, ErrorsAreOneLineOfValidText) {
  const InputError e{"f.yaml", 2, "duration", std::string("got '\r\n") + '\0' + '\xC1' + "'"};
  EXPECT_EQ(e.to_string(), "f.yaml:2: duration: got '\\r\\n\\x00\\xc1'");
  EXPECT_TRUE(InputError::valid_utf8("Zürich ✓"));
  EXPECT_FALSE(InputError::valid_utf8("\xC0\xAF"));  // an overlong '/'
  EXPECT_FALSE(InputError::valid_utf8("\xED\xA0\x80"));  // a surrogate
}

}  // namespace
}  // namespace clawsim

namespace clawsim {
namespace {

// Names reach docker commands: a plan holds only names Docker accepts (as the testbed's swarm
// answered: a dot or a leading hyphen in a service name is refused, an underscore is not).
TEST(PlanYaml, NamesDockerAccepts) {
  const auto plan = [](const std::string& node, const std::string& service) {
    return "nodes: [{name: '" + node + "', address: 10.0.0.1, role: manager}]\nservices: [{name: '" + service +
           "', image: 'nginx:1.27'}]\n";
  };
  EXPECT_TRUE(parse_plan(plan("node-1.example.com", "web_app-2"), "p.yaml").ok());
  const InputError dot = error_of(plan("a", "web.app"));
  EXPECT_EQ(dot.field, "services[0].name");
  EXPECT_NE(dot.message.find("not a name Docker accepts for a service"), std::string::npos) << dot.message;
  EXPECT_EQ(error_of(plan("a", "-web")).field, "services[0].name");
  EXPECT_EQ(error_of(plan("a", std::string(64, 'w'))).field, "services[0].name");
  EXPECT_TRUE(parse_plan(plan("a", std::string(63, 'w')), "p.yaml").ok());
  const InputError node = error_of(plan("a_b", "web"));
  EXPECT_EQ(node.field, "nodes[0].name");
  EXPECT_NE(node.message.find("is not a hostname"), std::string::npos) << node.message;
  EXPECT_EQ(error_of(plan("a;rm -rf /", "web")).field, "nodes[0].name");
}

TEST(PlanYaml, LabelsAreWhatDockerTakesAndACommandCanHold) {
  const auto plan = [](const std::string& labels) {
    return "nodes: [{name: a, address: 10.0.0.1, role: manager, labels: " + labels + "}]\n";
  };
  EXPECT_TRUE(parse_plan(plan("{openclaw.trusted: 'true', zone: 'eu west|1'}"), "p.yaml").ok());
  const InputError space = error_of(plan("{'my key': x}"));
  EXPECT_EQ(space.field, "nodes[0].labels.my key");
  EXPECT_NE(space.message.find("no whitespace, '=' or control character"), std::string::npos) << space.message;
  EXPECT_EQ(error_of(plan("{'k=v': x}")).field, "nodes[0].labels.k=v");
  const InputError newline = error_of(plan("{zone: \"eu\\nwest\"}"));
  EXPECT_EQ(newline.field, "nodes[0].labels.zone");
  EXPECT_NE(newline.message.find("a control character in its value"), std::string::npos) << newline.message;
}

}  // namespace
}  // namespace clawsim
