#include "model/firewall.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

namespace clawsim {
namespace {

constexpr FirewallVerdict kAllow = FirewallVerdict::kAllow;
constexpr FirewallVerdict kDeny = FirewallVerdict::kDeny;

// Applies each line, failing the test on an InputError.
Firewall run(std::initializer_list<const char*> lines) {
  Firewall fw;
  for (const char* line : lines) {
    const Result<bool> r = apply_ufw_command(fw, line);
    EXPECT_TRUE(r.ok()) << line << ": " << (r.ok() ? "" : r.error().to_string());
  }
  return fw;
}

// The single rejection reason after running `line` on a fresh firewall.
std::string rejection(const char* line) {
  const Firewall fw = run({line});
  EXPECT_TRUE(fw.rules.empty()) << line;
  EXPECT_EQ(fw.rejected.size(), 1u) << line;
  return fw.rejected.empty() ? "" : fw.rejected[0].reason;
}

std::string unmodelled(const char* line) {
  const Firewall fw = run({line});
  EXPECT_TRUE(fw.rules.empty()) << line;
  EXPECT_TRUE(fw.rejected.empty()) << line;
  EXPECT_EQ(fw.unmodelled.size(), 1u) << line;
  return fw.unmodelled.empty() ? "" : fw.unmodelled[0].reason;
}

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0;
}

// --- simple form -------------------------------------------------------------------------------

TEST(FirewallSimpleForm, PortWithoutProtocolCoversBoth) {
  const Firewall fw = run({"sudo ufw allow 22"});
  ASSERT_EQ(fw.rules.size(), 1u);
  const UfwRule& r = fw.rules[0];
  EXPECT_EQ(r.action, UfwRule::Action::kAllow);
  EXPECT_EQ(r.direction, UfwRule::Direction::kIn);
  EXPECT_EQ(r.from, "any");
  EXPECT_EQ(r.ports, std::vector<uint16_t>{22});
  EXPECT_EQ(r.port_spec, "22");
  EXPECT_FALSE(r.proto.has_value());
  EXPECT_EQ(r.text, "sudo ufw allow 22");
}

TEST(FirewallSimpleForm, LimitWithProtocol) {
  const Firewall fw = run({"sudo ufw limit 9922/tcp"});
  ASSERT_EQ(fw.rules.size(), 1u);
  EXPECT_EQ(fw.rules[0].action, UfwRule::Action::kLimit);
  EXPECT_EQ(fw.rules[0].proto, Proto::kTcp);
  EXPECT_EQ(fw.rules[0].ports, std::vector<uint16_t>{9922});
}

TEST(FirewallSimpleForm, DenyAndRejectActions) {
  const Firewall fw = run({"ufw deny 53/udp", "ufw reject 23"});
  ASSERT_EQ(fw.rules.size(), 2u);
  EXPECT_EQ(fw.rules[0].action, UfwRule::Action::kDeny);
  EXPECT_EQ(fw.rules[0].proto, Proto::kUdp);
  EXPECT_EQ(fw.rules[1].action, UfwRule::Action::kReject);
}

TEST(FirewallSimpleForm, RangeAndListWithProtocol) {
  const Firewall fw = run({"ufw allow 6000:6003/tcp", "ufw allow 443,80/udp"});
  ASSERT_EQ(fw.rules.size(), 2u);
  EXPECT_EQ(fw.rules[0].ports, (std::vector<uint16_t>{6000, 6001, 6002, 6003}));
  EXPECT_EQ(fw.rules[0].port_spec, "6000:6003");
  EXPECT_EQ(fw.rules[1].ports, (std::vector<uint16_t>{80, 443}));
  EXPECT_EQ(fw.rules[1].port_spec, "80,443");
}

TEST(FirewallSimpleForm, DirectionLogAndComment) {
  const Firewall fw = run({"ufw allow in log 22/tcp comment 'ssh access'", "ufw allow out 53"});
  ASSERT_EQ(fw.rules.size(), 2u);
  EXPECT_EQ(fw.rules[0].direction, UfwRule::Direction::kIn);
  EXPECT_EQ(fw.rules[0].logtype, "log");
  EXPECT_EQ(fw.rules[0].comment, "ssh access");
  EXPECT_EQ(fw.rules[1].direction, UfwRule::Direction::kOut);
}

// --- full form ---------------------------------------------------------------------------------

TEST(FirewallFullForm, SourcePortListAndProtocol) {
  const Firewall fw = run({"sudo ufw allow from 10.0.0.2 to any port 2377,7946 proto tcp"});
  ASSERT_EQ(fw.rules.size(), 1u);
  const UfwRule& r = fw.rules[0];
  EXPECT_EQ(r.from, "10.0.0.2");
  EXPECT_EQ(r.ports, (std::vector<uint16_t>{2377, 7946}));
  EXPECT_EQ(r.port_spec, "2377,7946");
  EXPECT_EQ(r.proto, Proto::kTcp);
}

TEST(FirewallFullForm, SourceOnlyMeansAnyPortAnyProtocol) {
  const Firewall fw = run({"ufw allow from 10.0.0.0/24"});
  ASSERT_EQ(fw.rules.size(), 1u);
  EXPECT_EQ(fw.rules[0].from, "10.0.0.0/24");
  EXPECT_TRUE(fw.rules[0].ports.empty());
  EXPECT_FALSE(fw.rules[0].proto.has_value());
}

TEST(FirewallFullForm, ClausesInAnyOrder) {
  const Firewall fw =
      run({"ufw deny proto udp to any port 4789 from 192.0.2.7", "ufw allow to any port 80",
           "ufw allow proto tcp from any port 1:2 to any"});
  // The third names a source port: valid for ufw, not modelled.
  ASSERT_EQ(fw.rules.size(), 2u);
  EXPECT_EQ(fw.rules[0].from, "192.0.2.7");
  EXPECT_EQ(fw.rules[0].proto, Proto::kUdp);
  EXPECT_EQ(fw.rules[0].ports, std::vector<uint16_t>{4789});
  EXPECT_EQ(fw.rules[1].from, "any");
  EXPECT_EQ(fw.unmodelled.size(), 1u);
}

TEST(FirewallFullForm, SourcesAreNormalizedAsUfwStoresThem) {
  const Firewall fw =
      run({"ufw allow from 10.0.0.1/32 to any port 1", "ufw allow from 10.0.0.77/24 to any port 2",
           "ufw allow from 10.1.2.3/255.255.0.0 to any port 3",
           "ufw allow from 0.0.0.0/0 to any port 4"});
  ASSERT_EQ(fw.rules.size(), 4u);
  EXPECT_EQ(fw.rules[0].from, "10.0.0.1");
  EXPECT_EQ(fw.rules[1].from, "10.0.0.0/24");
  EXPECT_EQ(fw.rules[2].from, "10.1.0.0/16");
  EXPECT_EQ(fw.rules[3].from, "any");
}

// --- what ufw refuses --------------------------------------------------------------------------

TEST(FirewallRejected, TcpSlashUdpIsNotAProtocol) {
  EXPECT_EQ(
      rejection("sudo ufw allow from 10.0.0.1 to any port 2049,111 proto tcp/udp"),
      "ufw refuses this rule: unknown protocol 'tcp/udp' (use a rule per protocol: proto tcp, "
      "proto udp)");
  EXPECT_EQ(
      rejection("ufw allow 22/tcp/udp"),
      "ufw refuses this rule: bad port '22/tcp/udp' (use a rule per protocol: 22/tcp, 22/udp)");
  EXPECT_EQ(rejection("ufw allow from 10.0.0.1 proto sctp"),
            "ufw refuses this rule: unknown protocol 'sctp'");
}

TEST(FirewallRejected, MultiplePortsNeedTcpOrUdp) {
  const std::string why =
      "ufw refuses this rule: a port list or range needs 'proto tcp' or 'proto udp' (ufw refuses "
      "multiple ports for both protocols at once)";
  EXPECT_EQ(rejection("ufw allow 2049,111"), why);
  EXPECT_EQ(rejection("ufw allow 6000:6007"), why);
  EXPECT_EQ(rejection("ufw allow from 10.0.0.1 to any port 2049,111"), why);
  EXPECT_EQ(rejection("ufw allow from 10.0.0.1 to any port 6000:6007 proto any"), why);
}

TEST(FirewallRejected, BadPorts) {
  const std::string help =
      " (ports are 1-65535, a range A:B needs A < B, at most 15 ports with a range counting as "
      "two)";
  EXPECT_EQ(rejection("ufw allow 0/tcp"), "ufw refuses this rule: bad port '0'" + help);
  EXPECT_EQ(rejection("ufw allow 65536"), "ufw refuses this rule: bad port '65536'" + help);
  EXPECT_EQ(rejection("ufw allow 7000:6000/tcp"),
            "ufw refuses this rule: bad port '7000:6000'" + help);
  EXPECT_EQ(rejection("ufw allow 1,,2/tcp"), "ufw refuses this rule: bad port '1,,2'" + help);
  EXPECT_EQ(rejection("ufw allow 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16/tcp"),
            "ufw refuses this rule: bad port '1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16'" + help);
  EXPECT_EQ(rejection("ufw allow 6000-6007/tcp"),
            "ufw refuses this rule: '6000-6007' is not a port (a range is written 6000:6007)");
  EXPECT_EQ(rejection("ufw allow to any port 80,http proto tcp"),
            "ufw refuses this rule: port list '80,http' must be numeric");
  EXPECT_EQ(rejection("ufw allow 22/esp"), "ufw refuses this rule: protocol 'esp' takes no port");
}

TEST(FirewallRejected, FifteenPortsAreTheLimit) {
  const Firewall fw = run({"ufw allow 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15/tcp"});
  EXPECT_EQ(fw.rules.size(), 1u);
}

TEST(FirewallRejected, Syntax) {
  EXPECT_EQ(rejection("ufw allow from 10.0.0.300"),
            "ufw refuses this rule: bad source address '10.0.0.300'");
  EXPECT_EQ(rejection("ufw allow from 10.0.0.1 to nowhere"),
            "ufw refuses this rule: bad destination address 'nowhere'");
  EXPECT_EQ(rejection("ufw allow port 22"), "ufw refuses this rule: needs a 'from' or 'to' clause");
  EXPECT_EQ(rejection("ufw allow proto tcp port 22 from 10.0.0.1"),
            "ufw refuses this rule: 'port' must follow 'from ADDRESS' or 'to ADDRESS'");
  EXPECT_TRUE(starts_with(rejection("ufw allow from 10.0.0.1 to any port"),
                          "ufw refuses this rule: wrong number of arguments"));
  EXPECT_EQ(
      rejection("ufw allow from 10.0.0.1 to any towards 22"),
      "ufw refuses this rule: unexpected word 'towards' (expected from, to, port, proto or app)");
  EXPECT_EQ(rejection("ufw allow from 10.0.0.1 from 10.0.0.2"),
            "ufw refuses this rule: a clause is repeated");
  EXPECT_TRUE(
      starts_with(rejection("sudo ufw allow"), "ufw refuses this rule: nothing after the action"));
  EXPECT_EQ(rejection("ufw allow in"), "ufw refuses this rule: invalid interface clause");
  EXPECT_EQ(rejection("ufw allow 22/tcp log"),
            "ufw refuses this rule: 'log' and 'log-all' belong right after the action (or after "
            "'in on IFACE')");
  EXPECT_EQ(rejection("ufw allow 22/tcp comment"), "ufw refuses this rule: 'comment' needs a text");
}

TEST(FirewallRejected, Commands) {
  EXPECT_EQ(rejection("sudo ufw frobnicate"),
            "ufw refuses this command: unknown command 'frobnicate'");
  EXPECT_EQ(rejection("sudo ufw enable now"),
            "ufw refuses this command: 'enable' takes no arguments");
  EXPECT_EQ(rejection("sudo ufw default deny sideways"),
            "ufw refuses this command: expected 'default allow|deny|reject "
            "[incoming|outgoing|routed]'");
  EXPECT_EQ(rejection("sudo ufw default"),
            "ufw refuses this command: expected 'default allow|deny|reject "
            "[incoming|outgoing|routed]'");
  EXPECT_EQ(rejection("sudo ufw"), "ufw refuses this command: no command");
  EXPECT_EQ(rejection("sudo"), "not a command: 'sudo' with nothing to run");
  EXPECT_EQ(rejection("sudo ufw allow 'unterminated"),
            "the shell cannot run this line: unbalanced quote");
}

TEST(FirewallRejected, IsRecordedVerbatimAndNeverApplied) {
  const Firewall fw = run({"  sudo ufw allow 2049,111  ", "sudo ufw enable"});
  ASSERT_EQ(fw.rejected.size(), 1u);
  EXPECT_EQ(fw.rejected[0].text, "sudo ufw allow 2049,111");
  EXPECT_TRUE(fw.rules.empty());
  EXPECT_EQ(incoming_verdict(fw, "10.0.0.1", 2049, Proto::kTcp), kDeny);
}

TEST(FirewallRejected, RefusalWinsOverAnUnmodelledPart) {
  const Firewall fw = run({"ufw allow in on eth0 to any port 2049,111"});
  EXPECT_EQ(fw.rejected.size(), 1u);
  EXPECT_TRUE(fw.unmodelled.empty());
}

// --- valid for ufw, not modelled ---------------------------------------------------------------

TEST(FirewallUnmodelled, KeptWithTheReason) {
  EXPECT_TRUE(
      starts_with(unmodelled("ufw allow ssh"), "valid for ufw, not modelled: named port 'ssh'"));
  EXPECT_EQ(unmodelled("ufw allow in on eth0 to any port 22 proto tcp"),
            "valid for ufw, not modelled: interface clause 'in on eth0'");
  EXPECT_TRUE(starts_with(unmodelled("ufw allow from 10.0.0.1 to 10.0.0.5 port 22"),
                          "valid for ufw, not modelled: destination address '10.0.0.5'"));
  EXPECT_EQ(unmodelled("ufw allow from 2001:db8::1"),
            "valid for ufw, not modelled: IPv6 source '2001:db8::1' (only IPv4 is modelled)");
  EXPECT_EQ(unmodelled("ufw allow proto esp from 10.0.0.1"),
            "valid for ufw, not modelled: protocol 'esp' (only tcp and udp are modelled)");
  EXPECT_EQ(unmodelled("ufw delete allow 22"), "valid for ufw, not modelled: 'delete' of rules");
  EXPECT_EQ(unmodelled("sudo -E ufw allow 22"), "valid for ufw, not modelled: sudo options");
  EXPECT_TRUE(starts_with(unmodelled("sudo ufw allow 22 && sudo ufw enable"),
                          "valid for ufw, not modelled: several shell commands on one line"));
}

// --- ignored and not commands ------------------------------------------------------------------

TEST(FirewallIgnored, CommandsThatDoNotChangeRules) {
  Firewall fw;
  for (const char* line :
       {"sudo systemctl restart docker", "sudo ufw-docker install", "sudo ufw status verbose",
        "sudo ufw reload", "sudo ufw --dry-run allow 22", "sudo ufw default allow routed",
        "sudo ufw logging on"}) {
    const Result<bool> r = apply_ufw_command(fw, line);
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r.value()) << line;
  }
  EXPECT_EQ(fw.ignored.size(), 7u);
  EXPECT_TRUE(fw.rules.empty());
  EXPECT_TRUE(fw.rejected.empty());
  EXPECT_FALSE(fw.enabled);
}

TEST(FirewallIgnored, EmptyTextIsAnInputError) {
  Firewall fw;
  for (const char* line : {"", "   ", "# open the swarm ports"}) {
    const Result<bool> r = apply_ufw_command(fw, line);
    ASSERT_FALSE(r.ok()) << line;
    EXPECT_EQ(r.error().line, 0);
  }
  EXPECT_TRUE(fw.ignored.empty());
  EXPECT_TRUE(fw.rejected.empty());
}

TEST(FirewallIgnored, FullPathToUfwIsUfw) {
  const Firewall fw = run({"sudo /usr/sbin/ufw allow 22/tcp"});
  EXPECT_EQ(fw.rules.size(), 1u);
}

// --- reset, enable, default --------------------------------------------------------------------

TEST(FirewallState, ApplyReturnsTrueWhenApplied) {
  Firewall fw;
  EXPECT_TRUE(apply_ufw_command(fw, "sudo ufw allow 22/tcp").value());
  EXPECT_TRUE(apply_ufw_command(fw, "sudo ufw --force enable").value());
  EXPECT_FALSE(apply_ufw_command(fw, "sudo ufw allow 2049,111").value());
}

TEST(FirewallState, StartsDisabledDenyingIncoming) {
  const Firewall fw;
  EXPECT_FALSE(fw.enabled);
  EXPECT_EQ(fw.default_incoming, kDeny);
  EXPECT_EQ(fw.default_outgoing, kAllow);
}

TEST(FirewallState, DisabledAllowsEverything) {
  Firewall fw = run({"ufw default deny incoming", "ufw deny from 10.0.0.9"});
  EXPECT_EQ(incoming_verdict(fw, "10.0.0.9", 22, Proto::kTcp), kAllow);
  ASSERT_TRUE(apply_ufw_command(fw, "sudo ufw enable").ok());
  EXPECT_EQ(incoming_verdict(fw, "10.0.0.9", 22, Proto::kTcp), kDeny);
  ASSERT_TRUE(apply_ufw_command(fw, "sudo ufw disable").ok());
  EXPECT_FALSE(fw.enabled);
  EXPECT_EQ(incoming_verdict(fw, "10.0.0.9", 22, Proto::kTcp), kAllow);
}

TEST(FirewallState, ForceEnable) {
  EXPECT_TRUE(run({"sudo ufw --force enable"}).enabled);
  EXPECT_TRUE(run({"sudo ufw -f enable"}).enabled);
}

TEST(FirewallState, ResetDeletesRulesAndDisablesButKeepsDefaults) {
  const Firewall fw = run(
      {"ufw default allow incoming", "ufw deny 22/tcp", "ufw --force enable", "ufw --force reset"});
  EXPECT_TRUE(fw.rules.empty());
  EXPECT_FALSE(fw.enabled);
  EXPECT_EQ(fw.default_incoming, kAllow);
}

TEST(FirewallState, DefaultPolicies) {
  Firewall fw = run({"ufw --force enable", "ufw default allow incoming"});
  EXPECT_EQ(incoming_verdict(fw, "10.0.0.1", 80, Proto::kTcp), kAllow);
  ASSERT_TRUE(apply_ufw_command(fw, "ufw default deny").ok());  // no direction: incoming
  EXPECT_EQ(fw.default_incoming, kDeny);
  ASSERT_TRUE(apply_ufw_command(fw, "ufw default allow input").ok());
  EXPECT_EQ(fw.default_incoming, kAllow);
  ASSERT_TRUE(apply_ufw_command(fw, "ufw default reject incoming").ok());
  EXPECT_EQ(fw.default_incoming, kDeny);
  ASSERT_TRUE(apply_ufw_command(fw, "ufw default deny outgoing").ok());
  EXPECT_EQ(fw.default_outgoing, kDeny);
  EXPECT_EQ(fw.default_incoming, kDeny);
}

// --- matching ----------------------------------------------------------------------------------

TEST(FirewallMatch, FirstMatchWins) {
  const Firewall deny_first = run({"ufw --force enable", "ufw default allow incoming",
                                   "ufw deny from 10.0.0.5", "ufw allow 22/tcp"});
  EXPECT_EQ(incoming_verdict(deny_first, "10.0.0.5", 22, Proto::kTcp), kDeny);
  EXPECT_EQ(incoming_verdict(deny_first, "10.0.0.6", 22, Proto::kTcp), kAllow);
  EXPECT_EQ(first_matching_rule(deny_first, "10.0.0.5", 22, Proto::kTcp), &deny_first.rules[0]);

  const Firewall allow_first =
      run({"ufw --force enable", "ufw allow 22/tcp", "ufw deny from 10.0.0.5"});
  EXPECT_EQ(incoming_verdict(allow_first, "10.0.0.5", 22, Proto::kTcp), kAllow);
  EXPECT_EQ(incoming_verdict(allow_first, "10.0.0.5", 80, Proto::kTcp), kDeny);
  EXPECT_EQ(first_matching_rule(allow_first, "10.0.0.5", 22, Proto::kTcp), &allow_first.rules[0]);
}

TEST(FirewallMatch, NoRuleMeansDefaultPolicy) {
  const Firewall fw = run({"ufw --force enable", "ufw allow 22/tcp"});
  EXPECT_EQ(first_matching_rule(fw, "10.0.0.1", 23, Proto::kTcp), nullptr);
  EXPECT_EQ(incoming_verdict(fw, "10.0.0.1", 23, Proto::kTcp), kDeny);
}

TEST(FirewallMatch, ProtocolAndPortRange) {
  const Firewall fw = run({"ufw --force enable", "ufw allow 53/udp", "ufw allow 6000:6007/tcp"});
  EXPECT_EQ(incoming_verdict(fw, "10.0.0.1", 53, Proto::kUdp), kAllow);
  EXPECT_EQ(incoming_verdict(fw, "10.0.0.1", 53, Proto::kTcp), kDeny);
  EXPECT_EQ(incoming_verdict(fw, "10.0.0.1", 6000, Proto::kTcp), kAllow);
  EXPECT_EQ(incoming_verdict(fw, "10.0.0.1", 6007, Proto::kTcp), kAllow);
  EXPECT_EQ(incoming_verdict(fw, "10.0.0.1", 6008, Proto::kTcp), kDeny);
  EXPECT_EQ(incoming_verdict(fw, "10.0.0.1", 6003, Proto::kUdp), kDeny);
}

TEST(FirewallMatch, CidrSourceMatchesAddressesInside) {
  const Firewall fw =
      run({"ufw --force enable", "ufw allow from 10.0.0.0/24 to any port 2377 proto tcp",
           "ufw allow from 172.16.0.0/12"});
  EXPECT_EQ(incoming_verdict(fw, "10.0.0.0", 2377, Proto::kTcp), kAllow);
  EXPECT_EQ(incoming_verdict(fw, "10.0.0.200", 2377, Proto::kTcp), kAllow);
  EXPECT_EQ(incoming_verdict(fw, "10.0.1.1", 2377, Proto::kTcp), kDeny);
  EXPECT_EQ(incoming_verdict(fw, "172.31.255.255", 9, Proto::kUdp), kAllow);
  EXPECT_EQ(incoming_verdict(fw, "172.32.0.1", 9, Proto::kUdp), kDeny);
}

TEST(FirewallMatch, LimitAllowsRejectDenies) {
  const Firewall fw = run({"ufw --force enable", "ufw default allow incoming", "ufw limit 22/tcp",
                           "ufw reject 23/tcp"});
  EXPECT_EQ(incoming_verdict(fw, "198.51.100.1", 22, Proto::kTcp), kAllow);
  EXPECT_EQ(incoming_verdict(fw, "198.51.100.1", 23, Proto::kTcp), kDeny);
}

TEST(FirewallMatch, OutgoingRulesDoNotJudgeIncoming) {
  const Firewall fw = run({"ufw --force enable", "ufw allow out 53"});
  EXPECT_EQ(first_matching_rule(fw, "10.0.0.1", 53, Proto::kUdp), nullptr);
  EXPECT_EQ(incoming_verdict(fw, "10.0.0.1", 53, Proto::kUdp), kDeny);
}

// --- duplicates and updates --------------------------------------------------------------------

TEST(FirewallDuplicates, IdenticalRuleIsSkipped) {
  Firewall fw;
  EXPECT_TRUE(apply_ufw_command(fw, "sudo ufw allow 22/tcp").value());
  EXPECT_FALSE(apply_ufw_command(fw, "sudo ufw allow 22/tcp").value());
  EXPECT_EQ(fw.rules.size(), 1u);
  EXPECT_EQ(fw.ignored, std::vector<std::string>{"sudo ufw allow 22/tcp"});
}

TEST(FirewallDuplicates, EquivalentSpellingsAreTheSameRule) {
  const Firewall fw =
      run({"ufw allow from 10.0.0.2 to any port 7946,2377 proto tcp",
           "ufw allow from 10.0.0.2/32 to any port 2377,7946 proto tcp", "ufw allow 22",
           "ufw allow to any port 22", "ufw allow proto tcp from 10.0.0.9/24 to any port 5",
           "ufw allow from 10.0.0.0/24 to any port 5 proto tcp"});
  EXPECT_EQ(fw.rules.size(), 3u);
  EXPECT_EQ(fw.ignored.size(), 3u);
}

TEST(FirewallDuplicates, DifferentActionUpdatesInPlace) {
  const Firewall fw =
      run({"ufw --force enable", "ufw allow 22/tcp", "ufw allow 80/tcp", "ufw deny 22/tcp"});
  ASSERT_EQ(fw.rules.size(), 2u);
  EXPECT_EQ(fw.rules[0].action, UfwRule::Action::kDeny);
  EXPECT_EQ(fw.rules[0].text, "ufw deny 22/tcp");
  EXPECT_EQ(fw.rules[1].port_spec, "80");
  EXPECT_EQ(incoming_verdict(fw, "10.0.0.1", 22, Proto::kTcp), kDeny);
}

TEST(FirewallDuplicates, DifferentCommentUpdatesInPlace) {
  const Firewall fw = run({"ufw allow 22/tcp comment 'a'", "ufw allow 22/tcp comment \"b\""});
  ASSERT_EQ(fw.rules.size(), 1u);
  EXPECT_EQ(fw.rules[0].comment, "b");
}

TEST(FirewallDuplicates, DifferentProtocolIsAnotherRule) {
  const Firewall fw = run({"ufw allow 22/tcp", "ufw allow 22/udp", "ufw allow 22"});
  EXPECT_EQ(fw.rules.size(), 3u);
}

// --- the deployment guide ----------------------------------------------------------------------

Firewall run_deployment_guide() {
  return run({
      "sudo ufw allow from 10.0.0.1 to any port 2049,111 proto tcp/udp",
      "sudo ufw --force reset",
      "sudo ufw default deny incoming",
      "sudo ufw default allow outgoing",
      "sudo ufw allow from 192.0.2.10 to any port 9922 proto tcp",
      "sudo ufw limit 9922/tcp",
      "sudo ufw allow from 10.0.0.2 to any port 2377,7946 proto tcp",
      "sudo ufw allow from 10.0.0.2 to any port 7946,4789 proto udp",
      "sudo ufw-docker install",
      "sudo systemctl restart docker",
      "sudo ufw --force enable",
  });
}

TEST(FirewallDeploymentGuide, EndsEnabledAndDenyingIncoming) {
  const Firewall fw = run_deployment_guide();
  EXPECT_TRUE(fw.enabled);
  EXPECT_EQ(fw.default_incoming, kDeny);
  EXPECT_EQ(fw.default_outgoing, kAllow);
  EXPECT_EQ(fw.rules.size(), 4u);
  ASSERT_EQ(fw.rejected.size(), 1u);
  EXPECT_EQ(fw.rejected[0].text, "sudo ufw allow from 10.0.0.1 to any port 2049,111 proto tcp/udp");
  EXPECT_EQ(fw.ignored,
            (std::vector<std::string>{"sudo ufw-docker install", "sudo systemctl restart docker"}));
  EXPECT_TRUE(fw.unmodelled.empty());
}

TEST(FirewallDeploymentGuide, Verdicts) {
  const Firewall fw = run_deployment_guide();
  EXPECT_EQ(incoming_verdict(fw, "192.0.2.10", 9922, Proto::kTcp), kAllow);
  EXPECT_EQ(incoming_verdict(fw, "10.0.0.2", 2377, Proto::kTcp), kAllow);
  EXPECT_EQ(incoming_verdict(fw, "10.0.0.1", 2377, Proto::kTcp), kDeny);
  EXPECT_EQ(incoming_verdict(fw, "10.0.0.1", 2049, Proto::kTcp), kDeny);
  EXPECT_EQ(incoming_verdict(fw, "10.0.0.2", 2049, Proto::kTcp), kDeny);
  EXPECT_EQ(incoming_verdict(fw, "10.0.0.1", 111, Proto::kUdp), kDeny);
  EXPECT_EQ(incoming_verdict(fw, "10.0.0.2", 7946, Proto::kUdp), kAllow);
  EXPECT_EQ(incoming_verdict(fw, "10.0.0.2", 4789, Proto::kUdp), kAllow);
  EXPECT_EQ(incoming_verdict(fw, "10.0.0.2", 4789, Proto::kTcp), kDeny);
  EXPECT_EQ(incoming_verdict(fw, "10.0.0.2", 2377, Proto::kUdp), kDeny);
}

TEST(FirewallDeploymentGuide, LimitRuleOpensTheAdminPortToEverySource) {
  // `ufw limit 9922/tcp` has no source, so after the admin-only rule it admits anyone
  // (rate limited): the admin-only rule does not restrict 9922.
  const Firewall fw = run_deployment_guide();
  EXPECT_EQ(incoming_verdict(fw, "203.0.113.99", 9922, Proto::kTcp), kAllow);
  EXPECT_EQ(first_matching_rule(fw, "203.0.113.99", 9922, Proto::kTcp), &fw.rules[1]);
  EXPECT_EQ(first_matching_rule(fw, "192.0.2.10", 9922, Proto::kTcp), &fw.rules[0]);
}

}  // namespace
}  // namespace clawsim
