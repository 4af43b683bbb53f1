// Tests for the placement-constraint language. Tests that encode swarmkit behaviour name the
// moby/swarmkit file they come from: manager/constraint/constraint.go (the parser and
// matcher), manager/constraint/constraint_test.go and manager/scheduler/constraint_test.go.
#include "model/constraint.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace clawsim {
namespace {

Constraint parse_ok(std::string_view text) {
  Result<Constraint> result = parse_constraint(text);
  EXPECT_TRUE(result.ok()) << "'" << text << "': " << (result.ok() ? "" : result.error().message);
  return result.ok() ? result.value() : Constraint{};
}

std::string parse_error_message(std::string_view text) {
  Result<Constraint> result = parse_constraint(text);
  EXPECT_FALSE(result.ok()) << "'" << text << "' parsed but should not";
  return result.ok() ? std::string() : result.error().message;
}

bool matches(std::string_view text, const NodeFacts& node) {
  return constraint_matches(parse_ok(text), node);
}

NodeFacts worker_node() {
  NodeFacts node;
  node.id = "nodeid-1";
  node.hostname = "node-1";
  node.role = "worker";
  node.platform_os = "linux";
  node.platform_arch = "x86_64";
  return node;
}

const std::string kValueRule =
    "a value may hold letters, digits, spaces and : - _ . * ( ) ? + [ ] \\ ^ $ | /";
const std::string kKeyRule =
    "a key is a letter or '_' followed by one or more letters, digits, '-', '_' or '.'";

// ---------------------------------------------------------------- parsing: valid forms

TEST(ParseConstraint, ParsesEquality) {
  Constraint c = parse_ok("node.role==manager");
  EXPECT_EQ(c.key, "node.role");
  EXPECT_EQ(c.op, ConstraintOp::kEq);
  EXPECT_EQ(c.value, "manager");
  EXPECT_EQ(c.text, "node.role==manager");
}

TEST(ParseConstraint, ParsesInequality) {
  Constraint c = parse_ok("node.labels.openclaw.trusted!=false");
  EXPECT_EQ(c.key, "node.labels.openclaw.trusted");
  EXPECT_EQ(c.op, ConstraintOp::kNe);
  EXPECT_EQ(c.value, "false");
}

// manager/constraint/constraint_test.go: leading and trailing white space are ignored.
TEST(ParseConstraint, TrimsWhitespaceAroundKeyAndValueButKeepsText) {
  Constraint c = parse_ok(" node == node1");
  EXPECT_EQ(c.key, "node");
  EXPECT_EQ(c.value, "node1");

  Constraint d = parse_ok("\t node.labels.zone  !=  eu-west \r\n");
  EXPECT_EQ(d.key, "node.labels.zone");
  EXPECT_EQ(d.op, ConstraintOp::kNe);
  EXPECT_EQ(d.value, "eu-west");
  EXPECT_EQ(d.text, "\t node.labels.zone  !=  eu-west \r\n");
}

// manager/constraint/constraint_test.go: "Allow CAPS in key"; the key is kept as written.
TEST(ParseConstraint, KeepsKeyCaseAsWritten) { EXPECT_EQ(parse_ok("NoDe==node1").key, "NoDe"); }

// manager/constraint/constraint_test.go: "Allow dot in key", "Allow leading underscore".
TEST(ParseConstraint, AcceptsDotsAndLeadingUnderscoreInKey) {
  EXPECT_EQ(parse_ok("no.de==node1").key, "no.de");
  Constraint c = parse_ok("_node==_node1");
  EXPECT_EQ(c.key, "_node");
  EXPECT_EQ(c.value, "_node1");
  EXPECT_EQ(parse_ok("node.labels.a-b_c.9==x").key, "node.labels.a-b_c.9");
}

// manager/constraint/constraint_test.go: "Allow special characters in exp", kept literally.
TEST(ParseConstraint, AcceptsSpecialCharactersInValue) {
  EXPECT_EQ(parse_ok("node==[a-b]+c*(n|b)/").value, "[a-b]+c*(n|b)/");
}

// manager/constraint/constraint.go valuePattern: every allowed symbol, plus `\s` inside.
TEST(ParseConstraint, AcceptsEveryValueSymbol) {
  EXPECT_EQ(parse_ok("node.id==a:-_.*()?+[]\\^$|/Z9").value, "a:-_.*()?+[]\\^$|/Z9");
  EXPECT_EQ(parse_ok("node.id==a\tb").value, "a\tb");
}

// manager/constraint/constraint_test.go: "Allow space in Exp"; inner spaces are kept.
TEST(ParseConstraint, KeepsInnerSpacesOfValue) {
  EXPECT_EQ(parse_ok("node==node 1").value, "node 1");
  EXPECT_EQ(parse_ok("engine.labels.os != Ubuntu  14.04 ").value, "Ubuntu  14.04");
}

// --------------------------------------------------------------- parsing: invalid forms

// manager/constraint/constraint_test.go: empty string and a lone space are errors.
TEST(ParseConstraint, RejectsEmptyText) {
  const std::string expected = "empty constraint; expected '<key>==<value>' or '<key>!=<value>'";
  EXPECT_EQ(parse_error_message(""), expected);
  EXPECT_EQ(parse_error_message(" "), expected);
  EXPECT_EQ(parse_error_message("\t\n"), expected);
}

// manager/constraint/constraint_test.go: "no operator", "incorrect operator".
TEST(ParseConstraint, RejectsMissingOperator) {
  EXPECT_EQ(parse_error_message("nodeabc"), "expected '==' or '!=' in 'nodeabc'");
  EXPECT_EQ(parse_error_message("node ~ abc"), "expected '==' or '!=' in 'node ~ abc'");
  EXPECT_EQ(parse_error_message("node.role = manager"),
            "expected '==' or '!=' in 'node.role = manager'");
  EXPECT_EQ(parse_error_message("node.role <> manager"),
            "expected '==' or '!=' in 'node.role <> manager'");
}

// manager/constraint/constraint_test.go: "key cannot be empty".
TEST(ParseConstraint, RejectsMissingKey) {
  EXPECT_EQ(parse_error_message("==node1"), "missing key before '==' in '==node1'");
  EXPECT_EQ(parse_error_message("  != node1"), "missing key before '!=' in '  != node1'");
}

// manager/constraint/constraint_test.go: "Cannot use the leading digit for key".
TEST(ParseConstraint, RejectsKeyStartingWithDigit) {
  EXPECT_EQ(parse_error_message("1node==a2"), "invalid key '1node' in '1node==a2': " + kKeyRule);
  EXPECT_EQ(parse_error_message(".node==a"), "invalid key '.node' in '.node==a': " + kKeyRule);
}

// manager/constraint/constraint_test.go: key cannot contain white space in the middle.
TEST(ParseConstraint, RejectsSpaceInsideKey) {
  EXPECT_EQ(parse_error_message("no de== node1"),
            "invalid key 'no de' in 'no de== node1': " + kKeyRule);
}

// manager/constraint/constraint_test.go: "Cannot use * in key", "Cannot use $ in key".
TEST(ParseConstraint, RejectsSymbolsInKey) {
  EXPECT_EQ(parse_error_message("no*de==node1"),
            "invalid key 'no*de' in 'no*de==node1': " + kKeyRule);
  EXPECT_EQ(parse_error_message("no$de==node1"),
            "invalid key 'no$de' in 'no$de==node1': " + kKeyRule);
  EXPECT_EQ(parse_error_message("node.labels.com/x==1"),
            "invalid key 'node.labels.com/x' in 'node.labels.com/x==1': " + kKeyRule);
}

// manager/constraint/constraint.go alphaNumeric `^(?i)[a-z_][a-z0-9\-_.]+$`: the `+` after the
// first character makes a one-character key invalid.
TEST(ParseConstraint, RejectsOneCharacterKey) {
  EXPECT_EQ(parse_error_message("a==b"), "invalid key 'a' in 'a==b': " + kKeyRule);
  EXPECT_EQ(parse_error_message("_ != b"), "invalid key '_' in '_ != b': " + kKeyRule);
}

// manager/constraint/constraint_test.go: "value cannot be empty", "... an empty space".
TEST(ParseConstraint, RejectsMissingValue) {
  EXPECT_EQ(parse_error_message("node=="), "missing value after '==' in 'node=='");
  EXPECT_EQ(parse_error_message("node== "), "missing value after '==' in 'node== '");
  EXPECT_EQ(parse_error_message("node.role !=\t"), "missing value after '!=' in 'node.role !=\t'");
}

// manager/constraint/constraint.go valuePattern: no ',', '=', '!', '<', '>', '~' in a value.
TEST(ParseConstraint, RejectsDisallowedCharacterInValue) {
  EXPECT_EQ(parse_error_message("node.labels.a==x,y"),
            "invalid character ',' in value 'x,y' of 'node.labels.a==x,y'; " + kValueRule);
  EXPECT_EQ(parse_error_message("node.role===manager"),
            "invalid character '=' in value '=manager' of 'node.role===manager'; " + kValueRule);
  EXPECT_EQ(parse_error_message("node.id!=a!=b"),
            "invalid character '!' in value 'a!=b' of 'node.id!=a!=b'; " + kValueRule);
  EXPECT_EQ(parse_error_message("engine.labels.mem==>5"),
            "invalid character '>' in value '>5' of 'engine.labels.mem==>5'; " + kValueRule);
}

// manager/constraint/constraint.go: Go's `\s` is [\t\n\f\r ], so an inner '\v' is rejected
// even though strings.TrimSpace strips one at either end. Non-ASCII bytes never match.
TEST(ParseConstraint, RejectsVerticalTabAndNonAsciiInValue) {
  EXPECT_EQ(parse_error_message("node.id==a\vb"),
            "invalid character byte 0x0b in value 'a\vb' of 'node.id==a\vb'; " + kValueRule);
  EXPECT_EQ(parse_ok("node.id==ab\v").value, "ab");
  EXPECT_EQ(parse_error_message("node.hostname==caf\xc3\xa9"),
            "invalid character byte 0xc3 in value 'caf\xc3\xa9' of 'node.hostname==caf\xc3\xa9'; " +
                kValueRule);
}

// manager/constraint/constraint.go Parse: "==" is looked for before "!=", at its first
// occurrence anywhere in the text, so a '!=' that comes first ends up inside the key.
TEST(ParseConstraint, SplitsAtFirstDoubleEqualsBeforeLookingForNotEquals) {
  EXPECT_EQ(parse_error_message("node.role!=a==b"),
            "invalid key 'node.role!=a' in 'node.role!=a==b': " + kKeyRule);
  EXPECT_EQ(parse_error_message("node.role!==manager"),
            "invalid key 'node.role!' in 'node.role!==manager': " + kKeyRule);
}

// manager/constraint/constraint.go Parse: any well-formed key parses; the matcher decides.
TEST(ParseConstraint, AcceptsKeysTheMatcherDoesNotKnow) {
  EXPECT_EQ(parse_ok("node.abc.bcd == high").key, "node.abc.bcd");
  EXPECT_EQ(parse_ok("node.ip == 10.0.0.1").key, "node.ip");
  EXPECT_EQ(parse_ok("node.labels. == x").key, "node.labels.");
}

TEST(ParseConstraint, ErrorLeavesLocationForTheCaller) {
  Result<Constraint> result = parse_constraint("node.role = manager");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().file, "");
  EXPECT_EQ(result.error().line, 0);
  EXPECT_EQ(result.error().field, "");
}

// ------------------------------------------------------------------- matching by key kind

// manager/scheduler/constraint_test.go TestNodeID: full-text match, not longer, not shorter.
TEST(ConstraintMatches, NodeIdIsWholeValue) {
  NodeFacts node = worker_node();
  EXPECT_TRUE(matches("node.id == nodeid-1", node));
  EXPECT_FALSE(matches("node.id == nodeid-1-extra", node));
  EXPECT_FALSE(matches("node.id == nodeid-", node));
  EXPECT_TRUE(matches("node.id != nodeid-2", node));
}

// manager/scheduler/constraint_test.go TestNodeHostname: no hostname passes '!=', values
// compare case-insensitively.
TEST(ConstraintMatches, NodeHostname) {
  NodeFacts node = worker_node();
  node.hostname = "";
  EXPECT_TRUE(matches("node.hostname != node-1", node));
  EXPECT_FALSE(matches("node.hostname == node-1", node));
  node.hostname = "node-2";
  EXPECT_TRUE(matches("node.hostname != node-1", node));
  node.hostname = "node-1";
  EXPECT_FALSE(matches("node.hostname != node-1", node));
  node.hostname = "NODe-1";
  EXPECT_FALSE(matches("node.hostname != node-1", node));
  EXPECT_TRUE(matches("node.hostname == node-1", node));
}

// manager/scheduler/constraint_test.go TestNodeRole; constraint.go compares the role with
// EqualFold (swarmkit's own role string is upper case, "WORKER").
TEST(ConstraintMatches, NodeRole) {
  NodeFacts node = worker_node();
  EXPECT_TRUE(matches("node.role == worker", node));
  EXPECT_FALSE(matches("node.role == manager", node));
  EXPECT_FALSE(matches("node.role == worker-manager", node));
  EXPECT_TRUE(matches("node.role != manager", node));
  EXPECT_TRUE(matches("node.role == WORKER", node));
  node.role = "manager";
  EXPECT_TRUE(matches("node.role == Manager", node));
}

// manager/scheduler/constraint_test.go TestNodePlatform: no platform fails '=='.
TEST(ConstraintMatches, NodePlatform) {
  NodeFacts node = worker_node();
  node.platform_os = "";
  node.platform_arch = "";
  EXPECT_FALSE(matches("node.platform.os == linux", node));
  EXPECT_TRUE(matches("node.platform.os != linux", node));

  node.platform_os = "linux";
  node.platform_arch = "x86_64";
  EXPECT_TRUE(matches("node.platform.os == linux", node));
  EXPECT_FALSE(matches("node.platform.arch == amd64", node));
  EXPECT_TRUE(matches("node.platform.arch != amd64", node));
  EXPECT_TRUE(matches("node.platform.arch == X86_64", node));

  node.platform_os = "windows";
  EXPECT_FALSE(matches("node.platform.os == linux", node));
}

// manager/scheduler/constraint_test.go TestNodeLabel: an engine label is not a node label.
TEST(ConstraintMatches, NodeLabel) {
  NodeFacts node = worker_node();
  EXPECT_FALSE(matches("node.labels.security == high", node));
  node.engine_labels["security"] = "high";
  EXPECT_FALSE(matches("node.labels.security == high", node));
  node.labels["security"] = "high";
  EXPECT_TRUE(matches("node.labels.security == high", node));
  EXPECT_TRUE(matches("node.labels.openclaw.trusted != true", node));
  node.labels["openclaw.trusted"] = "true";
  EXPECT_TRUE(matches("node.labels.openclaw.trusted == true", node));
}

// manager/scheduler/constraint_test.go TestEngineLabel: a node label is not an engine label;
// other labels do not interfere.
TEST(ConstraintMatches, EngineLabel) {
  NodeFacts node = worker_node();
  EXPECT_TRUE(matches("engine.labels.disk != ssd", node));
  node.labels["disk"] = "ssd";
  EXPECT_TRUE(matches("engine.labels.disk != ssd", node));
  node.engine_labels["disk"] = "ssd";
  EXPECT_FALSE(matches("engine.labels.disk != ssd", node));
  EXPECT_TRUE(matches("engine.labels.disk == ssd", node));
  node.engine_labels["memory"] = "large";
  EXPECT_FALSE(matches("engine.labels.disk != ssd", node));
}

// ------------------------------------------------------------------------ missing labels

// manager/constraint/constraint.go NodeMatches: a missing label is read as "", and a value is
// never empty, so '==' fails and '!=' holds.
TEST(ConstraintMatches, MissingLabelFailsEqualsAndPassesNotEquals) {
  NodeFacts node = worker_node();
  EXPECT_FALSE(matches("node.labels.zone == eu", node));
  EXPECT_TRUE(matches("node.labels.zone != eu", node));
  EXPECT_FALSE(matches("engine.labels.zone == eu", node));
  EXPECT_TRUE(matches("engine.labels.zone != eu", node));
}

// manager/constraint/constraint.go NodeMatches: Labels[label] gives "" for both a missing
// label and one set to "", so they behave the same.
TEST(ConstraintMatches, EmptyLabelValueBehavesLikeMissingLabel) {
  NodeFacts node = worker_node();
  node.labels["zone"] = "";
  node.engine_labels["zone"] = "";
  EXPECT_FALSE(matches("node.labels.zone == eu", node));
  EXPECT_TRUE(matches("node.labels.zone != eu", node));
  EXPECT_FALSE(matches("engine.labels.zone == eu", node));
  EXPECT_TRUE(matches("engine.labels.zone != eu", node));
}

// ---------------------------------------------------------------------------- case rules

// manager/constraint/constraint.go NodeMatches: keys are compared with strings.EqualFold.
TEST(ConstraintMatches, KeyNamesIgnoreCase) {
  NodeFacts node = worker_node();
  EXPECT_TRUE(matches("NODE.ROLE == worker", node));
  EXPECT_TRUE(matches("Node.Hostname == node-1", node));
  EXPECT_TRUE(matches("node.Platform.OS == linux", node));
  EXPECT_TRUE(matches("Node.Id == nodeid-1", node));
}

// manager/constraint/constraint.go NodeMatches: the label prefix ignores case, but "label
// itself is case sensitive".
TEST(ConstraintMatches, LabelPrefixIgnoresCaseButLabelNameDoesNot) {
  NodeFacts node = worker_node();
  node.labels["zone"] = "eu";
  node.engine_labels["Disk"] = "ssd";
  EXPECT_TRUE(matches("NODE.LABELS.zone == eu", node));
  EXPECT_FALSE(matches("node.labels.Zone == eu", node));
  EXPECT_TRUE(matches("node.labels.Zone != eu", node));
  EXPECT_TRUE(matches("Engine.Labels.Disk == ssd", node));
  EXPECT_FALSE(matches("engine.labels.disk == ssd", node));
}

// manager/constraint/constraint.go Match: values compare with strings.EqualFold, including
// label values (manager/scheduler/constraint_test.go TestMultipleConstraints, "Ubuntu 14.04").
TEST(ConstraintMatches, ValuesIgnoreCase) {
  NodeFacts node = worker_node();
  node.labels["tier"] = "Gold";
  node.engine_labels["operatingsystem"] = "ubuntu 14.04";
  EXPECT_TRUE(matches("node.labels.tier == gOLD", node));
  EXPECT_FALSE(matches("engine.labels.operatingsystem != Ubuntu 14.04", node));
}

// manager/constraint/constraint_test.go TestMatch: whole-string, case-insensitive, literal
// comparison; '*' and '$' are not patterns.
TEST(ConstraintMatches, ValueIsLiteralNotPattern) {
  NodeFacts node = worker_node();
  node.hostname = "foo";
  EXPECT_FALSE(matches("node.hostname == f*o", node));
  node.hostname = "F*o";
  EXPECT_TRUE(matches("node.hostname == f*o", node));
  node.hostname = "fa-$o";
  EXPECT_FALSE(matches("node.hostname == f.-$o", node));
  node.hostname = "f.-$o";
  EXPECT_TRUE(matches("node.hostname == f.-$o", node));
  node.hostname = "fooExtra";
  EXPECT_TRUE(matches("node.hostname != foo", node));
}

// ------------------------------------------------------------------------- unknown keys

// manager/scheduler/constraint_test.go TestWrongSyntax and constraint.go NodeMatches
// ("key doesn't match predefined syntax"): an unknown key fails for '==' and '!=' alike.
TEST(ConstraintMatches, UnknownKeyMatchesNoNode) {
  NodeFacts node = worker_node();
  EXPECT_FALSE(matches("node.abc.bcd == high", node));
  EXPECT_FALSE(matches("node.abc.bcd != high", node));
  EXPECT_FALSE(matches("node.name == node-1", node));
}

// manager/constraint/constraint.go NodeMatches: the label cases need len(key) > len(prefix),
// so a bare prefix is an unknown key.
TEST(ConstraintMatches, BareLabelPrefixIsUnknownKey) {
  NodeFacts node = worker_node();
  node.labels[""] = "x";
  EXPECT_FALSE(matches("node.labels. == x", node));
  EXPECT_FALSE(matches("node.labels. != x", node));
  EXPECT_FALSE(matches("engine.labels. != x", node));
}

// Known difference: swarmkit matches node.ip against the node's address; NodeFacts has none,
// so here node.ip is treated as an unknown key.
TEST(ConstraintMatches, NodeIpIsNotModelled) {
  NodeFacts node = worker_node();
  EXPECT_FALSE(matches("node.ip == 10.0.0.1", node));
  EXPECT_FALSE(matches("node.ip != 10.0.0.1", node));
}

// ---------------------------------------------------------------------- several at once

TEST(AllConstraintsMatch, EmptyListMatchesEveryNode) {
  EXPECT_TRUE(all_constraints_match({}, worker_node()));
}

// manager/scheduler/constraint_test.go TestMultipleConstraints: every constraint must hold.
TEST(AllConstraintsMatch, RequiresEveryConstraint) {
  NodeFacts node = worker_node();
  node.hostname = "";
  std::vector<Constraint> cs = {parse_ok("node.hostname == node-1"),
                                parse_ok("engine.labels.operatingsystem != Ubuntu 14.04")};
  EXPECT_FALSE(all_constraints_match(cs, node));
  node.hostname = "node-1";
  EXPECT_TRUE(all_constraints_match(cs, node));
  node.engine_labels["operatingsystem"] = "ubuntu 14.04";
  EXPECT_FALSE(all_constraints_match(cs, node));
  node.engine_labels["operatingsystem"] = "ubuntu 15.04";
  EXPECT_TRUE(all_constraints_match(cs, node));

  cs.push_back(parse_ok("node.labels.security == high"));
  EXPECT_FALSE(all_constraints_match(cs, node));
  node.labels["security"] = "low";
  EXPECT_FALSE(all_constraints_match(cs, node));
  node.labels["security"] = "high";
  EXPECT_TRUE(all_constraints_match(cs, node));
  node.engine_labels["memory"] = "large";
  EXPECT_TRUE(all_constraints_match(cs, node));
}

// ------------------------------------------------------------------------------ helpers

TEST(ConstraintHelpers, OpText) {
  EXPECT_EQ(op_text(ConstraintOp::kEq), "==");
  EXPECT_EQ(op_text(ConstraintOp::kNe), "!=");
}

TEST(ConstraintHelpers, IsSupportedKey) {
  for (std::string_view key : {"node.id", "node.hostname", "node.role", "node.platform.os",
                               "node.platform.arch", "node.labels.zone", "ENGINE.LABELS.disk"}) {
    EXPECT_TRUE(is_supported_key(key)) << key;
  }
  for (std::string_view key : {"node.ip", "node.labels.", "engine.labels.", "node.name", ""}) {
    EXPECT_FALSE(is_supported_key(key)) << key;
  }
}

}  // namespace
}  // namespace clawsim
