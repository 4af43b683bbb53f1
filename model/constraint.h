// Docker Swarm placement constraints: parses one `docker service create --constraint`
// expression such as "node.labels.openclaw.trusted == true" and decides whether a node
// satisfies it, with the semantics of moby/swarmkit manager/constraint/constraint.go.
// Pure functions over strings: no I/O, no logging, no clock, no global state. Bad input
// comes back as an InputError value; the caller fills in file, line and field.
//
// Swarmkit behaviour reproduced here:
//  - Operators are "==" and "!=". The text is split at its first "==" if it has one,
//    otherwise at its first "!=". Key and value are trimmed of surrounding whitespace.
//  - Key: a letter or '_', then one or more letters, digits, '-', '_' or '.' (so at least
//    two characters). Any such key parses, including keys the matcher does not know.
//  - Value: non-empty; letters, digits, inner whitespace other than '\v', and the symbols
//    : - _ . * ( ) ? + [ ] \ ^ $ | /   No globbing or regex: '*' is just a character.
//  - Matching: key names (node.role, the node.labels. prefix, ...) ignore case; the label
//    name after the prefix is case-sensitive; the value is compared whole, ignoring case.
//  - A missing label, hostname or platform field compares as "": '==' fails, '!=' holds.
//  - A key the matcher does not know matches no node, with '==' and '!=' alike.
// Known differences from swarmkit:
//  - node.ip is not modelled (NodeFacts has no address): it parses, but matches no node.
//  - Text is ASCII. Go's regexp and EqualFold also fold U+017F to 's' and U+212A to 'k',
//    and Go trims Unicode spaces; texts relying on that are rejected here.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "model/error.h"

namespace clawsim {

enum class ConstraintOp { kEq, kNe };

struct Constraint {
  std::string key;  // e.g. "node.labels.openclaw.trusted", as written (trimmed)
  ConstraintOp op = ConstraintOp::kEq;
  std::string value;  // trimmed
  std::string text;   // the original text
};

// What a node offers to the matcher.
struct NodeFacts {
  std::string id, hostname, role;                    // role: "manager" or "worker"
  std::string platform_os, platform_arch;            // e.g. "linux", "x86_64"
  std::map<std::string, std::string> labels;         // node.labels.*
  std::map<std::string, std::string> engine_labels;  // engine.labels.*
};

// "==" or "!=".
std::string_view op_text(ConstraintOp op);

// True when the matcher knows the key (case-insensitively): node.id, node.hostname,
// node.role, node.platform.os, node.platform.arch, node.labels.<k>, engine.labels.<k>.
// A parsed constraint with any other key matches no node.
bool is_supported_key(std::string_view key);

// Parses one `docker service create --constraint` expression. On error returns an
// InputError with empty file/line/field and a message that says what is wrong and what is
// accepted, e.g. "expected '==' or '!=' in 'node.role = manager'".
Result<Constraint> parse_constraint(std::string_view text);

bool constraint_matches(const Constraint& c, const NodeFacts& node);

// True when every constraint matches; an empty list matches every node.
bool all_constraints_match(const std::vector<Constraint>& cs, const NodeFacts& node);

}  // namespace clawsim
