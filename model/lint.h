// The static analysis of a plan: a catalogue of rules, each with an id, a severity, a
// one-line explanation and the check that finds where a plan breaks it, with how to fix it.
// Rules are data (lint_rules()) and each can be run on its own; a plan can waive a rule,
// for every subject or one, with a reason. Pure: it reads the plan and nothing else.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/plan.h"

namespace clawsim {

// SARIF's levels: an error fails `clawsim validate`; a warning is a risk to weigh; a note is a
// fact a reader should know (a deliberate single point of failure, a rule not modelled).
enum class Severity { kError, kWarning, kNote };
const char* to_string(Severity severity);

struct Finding {
  std::string rule;      // the rule's id
  Severity severity = Severity::kError;
  std::string subject;   // what it is about (a node, a service, a port), for waivers
  std::string message;   // what is wrong here, concretely
  std::string fix;       // how to fix it
  int line = 0;          // where in the plan (0 = the plan as a whole)
  std::string field;     // the plan's field, e.g. "firewall[1].run[5]"
  bool waived = false;
  std::string waiver_reason;
};

struct LintRule {
  std::string_view id;           // "family.name", e.g. "firewall.swarm-traffic"
  std::string_view family;       // quorum | spof | placement | firewall | security
  Severity severity;
  std::string_view explanation;  // one line: why breaking it matters
  void (*check)(const Plan& plan, std::vector<Finding>& out);
};

// Every rule, in catalogue order (by family).
std::span<const LintRule> lint_rules();
const LintRule* find_lint_rule(std::string_view id);

// Runs one rule; its findings carry the rule's id and severity.
std::vector<Finding> run_lint_rule(const LintRule& rule, const Plan& plan);

// Runs every rule, applies the plan's waivers and orders the findings: errors first, then
// warnings, then notes; within a severity by line, then rule id. A waiver that matches no
// finding is itself a warning ("plan.unused-waiver"): it would hide the next real one.
std::vector<Finding> lint_plan(const Plan& plan);

// The unwaived findings of `now` that `before` does not have. One finding in two plans is the
// same rule about the same subject (its wording may differ, e.g. the count of managers it names).
std::vector<Finding> new_findings(const std::vector<Finding>& now, const std::vector<Finding>& before);

// Waivers naming a rule no catalogue entry has, as findings of the rule "plan.unknown-waiver".
std::vector<Finding> check_waivers(const Plan& plan);

}  // namespace clawsim
