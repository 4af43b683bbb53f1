// The lint rules, one at a time: each fires on the plan that breaks it, says where, and stays
// quiet on a plan that keeps it. The default plan (the runbook's cluster) gets exactly the
// problems it has.
#include "model/lint.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "model/plan_yaml.h"
#include "scenarios/embedded.h"

namespace clawsim {
namespace {

Plan parse(const std::string& text) {
  Result<Plan> p = parse_plan(text, "test.yaml");
  if (!p) ADD_FAILURE() << p.error().to_string();
  return p ? p.value() : Plan{};
}

Plan default_plan() { return parse(std::string(default_plan_text())); }

std::vector<Finding> run(const char* rule, const Plan& plan) {
  const LintRule* r = find_lint_rule(rule);
  EXPECT_NE(r, nullptr) << rule;
  return r ? run_lint_rule(*r, plan) : std::vector<Finding>{};
}

// A healthy three-manager swarm with its firewall right; tests break one thing at a time.
std::string healthy(const std::string& extra_services = "", const std::string& firewall = "") {
  std::string fw = firewall;
  if (fw.empty()) {
    fw = "firewall:\n  - on: all\n    run:\n"
         "      - ufw default deny incoming\n"
         "      - ufw allow from 192.0.2.10 to any port 22 proto tcp\n";
    for (int i = 1; i <= 4; ++i) {
      const std::string a = "10.0.0." + std::to_string(i);
      fw += "      - ufw allow from " + a + " to any port 2377,7946 proto tcp\n";
      fw += "      - ufw allow from " + a + " to any port 7946,4789 proto udp\n";
    }
    fw += "      - ufw --force enable\n";
  }
  return "name: healthy\nadmin_address: 192.0.2.10\n"
         "nodes:\n"
         "  - {name: a, address: 10.0.0.1, role: manager}\n"
         "  - {name: b, address: 10.0.0.2, role: manager}\n"
         "  - {name: c, address: 10.0.0.3, role: manager, labels: {trusted: 'true'}}\n"
         "  - {name: d, address: 10.0.0.4, role: worker}\n"
         "services:\n"
         "  - {name: web, image: 'nginx:1.27', replicas: 2}\n" +
         extra_services + fw;
}

TEST(LintCatalogue, RuleIdsAreUniqueAndNamedByFamily) {
  std::set<std::string_view> ids;
  for (const LintRule& r : lint_rules()) {
    EXPECT_TRUE(ids.insert(r.id).second) << r.id;
    EXPECT_EQ(r.id.substr(0, r.id.find('.')), r.family) << r.id;
    EXPECT_FALSE(r.explanation.empty()) << r.id;
  }
  EXPECT_GE(ids.size(), 25U);
}

TEST(LintCatalogue, HealthyPlanHasNoFindingAboveANote) {
  for (const Finding& f : lint_plan(parse(healthy()))) {
    EXPECT_EQ(f.severity, Severity::kNote) << f.rule << ": " << f.message;
  }
}

TEST(LintQuorum, ManagerCounts) {
  Plan p = parse(healthy());
  EXPECT_TRUE(run("quorum.no-fault-tolerance", p).empty());
  EXPECT_TRUE(run("quorum.even-managers", p).empty());
  p.nodes[2].role = Role::kWorker;  // two managers: even and no tolerance
  EXPECT_EQ(run("quorum.no-fault-tolerance", p).size(), 1U);
  const auto even = run("quorum.even-managers", p);
  ASSERT_EQ(even.size(), 1U);
  EXPECT_NE(even[0].message.find("2 managers need 2 for a quorum and tolerate 0"), std::string::npos)
      << even[0].message;
}

TEST(LintQuorum, FailureDomainHoldingTwoOfThreeManagers) {
  Plan p = parse(healthy());
  p.nodes[0].failure_domain = "rack1";
  p.nodes[1].failure_domain = "rack1";
  p.nodes[2].failure_domain = "rack2";
  const auto found = run("quorum.shared-failure-domain", p);
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].subject, "rack1");
  p.nodes[1].failure_domain = "rack3";
  EXPECT_TRUE(run("quorum.shared-failure-domain", p).empty());
}

TEST(LintPlacement, UnsatisfiableAndSingleNode) {
  const Plan p = parse(healthy(
      "  - {name: ghost, image: 'x:1', constraints: ['node.labels.gpu == true']}\n"
      "  - {name: pinned, image: 'x:1', constraints: ['node.labels.trusted == true']}\n"
      "  - {name: boss, image: 'x:1', manager_only: true, constraints: ['node.role == worker']}\n"));
  std::set<std::string> unsat;
  for (const Finding& f : run("placement.unsatisfiable", p)) unsat.insert(f.subject);
  EXPECT_EQ(unsat, (std::set<std::string>{"ghost", "boss"}));
  const auto single = run("placement.single-node", p);
  ASSERT_EQ(single.size(), 1U);
  EXPECT_EQ(single[0].subject, "pinned");
  EXPECT_NE(single[0].message.find("can only run on c"), std::string::npos);
  EXPECT_EQ(single[0].field, "services[2].constraints");
}

TEST(LintPlacement, DependencyAcrossABlockedOverlay) {
  // api only on d, db only on c; c does not admit 4789/udp from d.
  std::string fw = "firewall:\n  - on: all\n    run:\n      - ufw default deny incoming\n"
                   "      - ufw allow from 192.0.2.10 to any port 22 proto tcp\n"
                   "      - ufw allow from 10.0.0.0/24 to any port 2377,7946 proto tcp\n"
                   "      - ufw allow from 10.0.0.0/24 to any port 7946 proto udp\n"
                   "      - ufw --force enable\n";
  const Plan p = parse(healthy(
      "  - {name: db, image: 'pg:16', constraints: ['node.hostname == c']}\n"
      "  - {name: api, image: 'api:1', constraints: ['node.hostname == d'], depends_on: [db]}\n",
      fw));
  const auto found = run("placement.dependency-unreachable", p);
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].subject, "api");
  EXPECT_TRUE(run("placement.dependency-unreachable", parse(healthy(
      "  - {name: db, image: 'pg:16', constraints: ['node.hostname == c']}\n"
      "  - {name: api, image: 'api:1', constraints: ['node.hostname == d'], depends_on: [db]}\n")))
                  .empty());
}

TEST(LintFirewall, RunbookLoopLeavesOutAtlanta) {
  const auto found = run("firewall.swarm-traffic", default_plan());
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].subject, "atlanta");
  EXPECT_NE(found[0].message.find("boston and chicago refuse 2377/tcp, 7946/tcp, 7946/udp, 4789/udp"),
            std::string::npos)
      << found[0].message;
  EXPECT_NE(found[0].message.find("denver refuses 7946/tcp, 7946/udp, 4789/udp"), std::string::npos)
      << found[0].message;
  EXPECT_GT(found[0].line, 0);
}

TEST(LintFirewall, RefusedNfsRulesAndTheBlockedExport) {
  const Plan p = default_plan();
  const auto refused = run("firewall.rule-refused", p);
  ASSERT_EQ(refused.size(), 3U);  // one per manager address, each on denver
  for (const Finding& f : refused) {
    EXPECT_NE(f.message.find("proto tcp/udp"), std::string::npos) << f.message;
    EXPECT_NE(f.message.find("refused on denver"), std::string::npos) << f.message;
    EXPECT_EQ(f.field.rfind("firewall[0].run[", 0), 0U) << f.field;
  }
  const auto nfs = run("firewall.nfs-traffic", p);
  ASSERT_EQ(nfs.size(), 1U);
  EXPECT_NE(nfs[0].message.find("denver refuses 2049/tcp from atlanta, boston and chicago"),
            std::string::npos)
      << nfs[0].message;
}

TEST(LintFirewall, WipedByALaterReset) {
  const std::string fw = "firewall:\n  - on: [d]\n    run:\n"
                         "      - ufw allow from 10.0.0.1 to any port 2049 proto tcp\n"
                         "  - on: all\n    run:\n      - ufw --force reset\n"
                         "      - ufw allow from 192.0.2.10 to any port 22 proto tcp\n"
                         "      - ufw --force enable\n";
  const auto found = run("firewall.rule-wiped", parse(healthy("", fw)));
  ASSERT_EQ(found.size(), 1U);
  EXPECT_NE(found[0].message.find("deleted on d by `ufw --force reset`"), std::string::npos)
      << found[0].message;
}

TEST(LintFirewall, SshLockoutAndSshOpenToAll) {
  const Plan p = default_plan();
  EXPECT_TRUE(run("firewall.ssh-lockout", p).empty());  // 9922 from the admin is allowed
  const auto open = run("firewall.ssh-open", p);
  ASSERT_EQ(open.size(), 1U);
  EXPECT_NE(open[0].message.find("`sudo ufw limit 9922/tcp` admits SSH (9922/tcp) from any address"),
            std::string::npos)
      << open[0].message;
  Plan locked = p;
  locked.ssh.port = 22;  // sshd on 22: the firewall only admits 9922
  const auto lock = run("firewall.ssh-lockout", locked);
  ASSERT_EQ(lock.size(), 1U);
  EXPECT_NE(lock[0].message.find("refuse SSH (22/tcp) from admin (192.0.2.10)"), std::string::npos)
      << lock[0].message;
}

TEST(LintFirewall, NotEnabledAndRestartOfEveryManager) {
  const std::string fw = "firewall:\n  - on: all\n    run:\n      - ufw default deny incoming\n"
                         "      - systemctl restart docker\n";
  const Plan p = parse(healthy("", fw));
  EXPECT_EQ(run("firewall.not-enabled", p).size(), 4U);  // one per node, each waivable
  EXPECT_EQ(run("firewall.docker-restart-all-managers", p).size(), 1U);
  EXPECT_EQ(run("firewall.docker-restart-all-managers", default_plan()).size(), 1U);
  EXPECT_TRUE(run("firewall.not-enabled", parse(healthy())).empty());
}

TEST(LintSecurity, RunbookProxyRefusesWhatTheSandboxNeeds) {
  const auto missing = run("security.proxy-missing-permission", default_plan());
  ASSERT_EQ(missing.size(), 1U);
  EXPECT_EQ(missing[0].subject, "docker-proxy:POST");
  EXPECT_NE(missing[0].message.find("sandbox mode 'all'"), std::string::npos);
  EXPECT_TRUE(run("security.proxy-excess-permission", default_plan()).empty());
  EXPECT_TRUE(run("security.proxy-root-equivalent", default_plan()).empty());
}

TEST(LintSecurity, ProxyWithPostIsRootAndExtraSectionsAreExcess) {
  Plan p = default_plan();
  ServiceSpec& proxy = p.services[static_cast<std::size_t>(p.service_index("docker-proxy"))];
  proxy.env["POST"] = "1";
  proxy.env["VOLUMES"] = "1";
  proxy.env["EXEC"] = "true";  // haproxy's bool: not an integer, so off
  EXPECT_EQ(run("security.proxy-root-equivalent", p).size(), 1U);
  const auto excess = run("security.proxy-excess-permission", p);
  ASSERT_EQ(excess.size(), 1U);
  EXPECT_EQ(excess[0].subject, "docker-proxy:VOLUMES");
  const auto missing = run("security.proxy-missing-permission", p);
  ASSERT_EQ(missing.size(), 1U);
  EXPECT_EQ(missing[0].subject, "docker-proxy:EXEC");
}

TEST(LintSecurity, GatewayHardening) {
  Plan p = default_plan();
  EXPECT_TRUE(run("security.gateway-sandbox-off", p).empty());
  EXPECT_TRUE(run("security.gateway-hardening", p).empty());
  ServiceSpec& gw = p.services[static_cast<std::size_t>(p.service_index("openclaw"))];
  gw.settings["agents.defaults.sandbox.docker.network"] = "bridge";
  gw.settings.erase("agents.defaults.sandbox.docker.capDrop");
  EXPECT_EQ(run("security.gateway-hardening", p).size(), 2U);
  gw.settings["agents.defaults.sandbox.mode"] = "off";
  EXPECT_EQ(run("security.gateway-sandbox-off", p).size(), 1U);
  gw.env["DOCKER_HOST"] = "unix:///var/run/docker.sock";
  EXPECT_EQ(run("security.proxy-bypassed", p).size(), 1U);
}

TEST(LintSecurity, NfsExportImagesAndPersistence) {
  const Plan p = default_plan();
  EXPECT_EQ(run("security.nfs-export-any-host", p).size(), 1U);
  EXPECT_EQ(run("security.nfs-no-root-squash", p).size(), 1U);
  std::set<std::string> unpinned;
  for (const Finding& f : run("security.unpinned-image", p)) unpinned.insert(f.subject);
  // img-captain--openclaw is CapRover's own build, numbered by CapRover: not judged.
  EXPECT_EQ(unpinned, (std::set<std::string>{"docker-proxy", "openclaw-egress", "otel-collector"}));
  const auto persist = run("security.settings-not-persistent", p);
  ASSERT_EQ(persist.size(), 1U);
  EXPECT_EQ(persist[0].subject, "openclaw");
}

TEST(LintSpof, DashboardPinnedByNodeId) {
  const auto found = run("spof.dashboard-pinned", default_plan());
  ASSERT_EQ(found.size(), 1U);
  EXPECT_NE(found[0].message.find("'node.id == atlanta'"), std::string::npos);
  EXPECT_TRUE(run("spof.dashboard-pinned", parse(healthy())).empty());
}

TEST(LintWaivers, WaiveOneSubjectOrAWholeRule) {
  std::string text(default_plan_text());
  text += "waivers:\n"
          "  - {rule: security.unpinned-image, subject: otel-collector, reason: pinned by digest in CI}\n"
          "  - {rule: placement.single-node, reason: pinned to the trusted node by design}\n";
  const std::vector<Finding> all = lint_plan(parse(text));
  int waived = 0;
  for (const Finding& f : all) {
    if (f.rule == "placement.single-node") {
      EXPECT_TRUE(f.waived);
    }
    if (f.rule == "security.unpinned-image") {
      EXPECT_EQ(f.waived, f.subject == "otel-collector");
    }
    waived += f.waived ? 1 : 0;
  }
  EXPECT_EQ(waived, 5);  // four pinned services and one image (the captain: spof.dashboard-pinned)
}

TEST(LintWaivers, UnknownRuleIsAnError) {
  std::string text(default_plan_text());
  text += "waivers:\n  - {rule: firewall.no-such-rule, reason: typo}\n";
  const auto found = check_waivers(parse(text));
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].severity, Severity::kError);
  EXPECT_EQ(found[0].field, "waivers[0].rule");
}

TEST(LintWaivers, AWaiverThatMatchesNothingIsAWarning) {
  std::string text(default_plan_text());
  text += "waivers:\n  - {rule: security.unpinned-image, subject: nginx, reason: old}\n";
  int unused = 0;
  for (const Finding& f : lint_plan(parse(text))) {
    if (f.rule != "plan.unused-waiver") continue;
    ++unused;
    EXPECT_EQ(f.severity, Severity::kWarning);
    EXPECT_EQ(f.field, "waivers[0]");
  }
  EXPECT_EQ(unused, 1);
}

TEST(LintWaivers, AWaiverNeedsAReason) {
  std::string text(default_plan_text());
  text += "waivers:\n  - {rule: placement.single-node, reason: ''}\n";
  Result<Plan> p = parse_plan(text, "p.yaml");
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().to_string().find("waivers[0].reason: a waiver needs its reason"),
            std::string::npos)
      << p.error().to_string();
}

// The runbook's cluster: the problems it really has, and no alarm about what it does right.
TEST(LintDefaultPlan, FindsTheRunbooksProblems) {
  std::set<std::string> errors, warnings;
  for (const Finding& f : lint_plan(default_plan())) {
    if (f.severity == Severity::kError) errors.insert(f.rule);
    if (f.severity == Severity::kWarning) warnings.insert(f.rule);
  }
  EXPECT_EQ(errors, (std::set<std::string>{"firewall.swarm-traffic", "firewall.rule-refused",
                                           "firewall.nfs-traffic",
                                           "security.proxy-missing-permission"}));
  EXPECT_EQ(warnings,
            (std::set<std::string>{"firewall.ssh-open", "firewall.docker-restart-all-managers",
                                   "spof.dashboard-pinned", "security.nfs-export-any-host",
                                   "security.nfs-no-root-squash", "security.unpinned-image",
                                   "security.settings-not-persistent"}));
}

TEST(LintDefaultPlan, RecommendedPlanKeepsEveryRuleOrWaivesIt) {
  std::ifstream in(std::string(CLAWSIM_SOURCE_DIR) + "/scenarios/plans/recommended.yaml");
  std::stringstream text;
  text << in.rdbuf();
  for (const Finding& f : lint_plan(parse(text.str()))) {
    if (f.waived) continue;
    EXPECT_EQ(f.severity, Severity::kNote) << f.rule << ": " << f.message;
  }
}

TEST(LintDefaultPlan, CorrectedFirewallClearsTheFirewallErrors) {
  std::ifstream in(std::string(CLAWSIM_SOURCE_DIR) + "/scenarios/plans/corrected-firewall.yaml");
  std::stringstream text;
  text << in.rdbuf();
  for (const Finding& f : lint_plan(parse(text.str()))) {
    EXPECT_NE(f.rule.rfind("firewall.", 0), 0U) << f.rule << ": " << f.message;
  }
}

}  // namespace
}  // namespace clawsim
