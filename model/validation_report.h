// The report of `clawsim validate`: the static findings, the fault sweep and the objectives'
// verdicts, for people (text, most important first), for machines (JSON) and for CI code
// scanning (SARIF 2.1.0). Formatting only: no I/O.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/lint.h"
#include "model/validation.h"

namespace clawsim {

struct ValidationReport {
  std::string plan_name;
  std::string plan_file;    // as given, for locations
  std::string plan_uri;     // SARIF's artifact location: the plan's path in the repository
  std::string plan_digest;
  std::vector<Finding> findings;  // lint_plan's order
  bool swept = false;             // false with --static-only
  SweepResult sweep;
  std::vector<ObjectiveVerdict> objectives;

  int static_errors() const;      // unwaived error findings
  int failed_objectives() const;
  bool pass() const { return static_errors() == 0 && failed_objectives() == 0; }
};

// What the text shows of a sweep; the JSON and SARIF always hold every fault set.
struct SweepView {
  bool verbose = false;  // every pair, not only those with an effect
  int top = 0;           // > 0: the N worst rows, worst first
  std::string only;      // an objective's name or a fault kind: only the rows it concerns
};
// A sweep of more rows than this shows the kDefaultTop worst (worst first) unless --top says.
inline constexpr std::size_t kRowsShownWhole = 40;
inline constexpr int kDefaultTop = 20;

// The fault sets the text shows as rows, in its order (indices into sweep.outcomes).
struct SweepRows {
  std::vector<std::size_t> rows;
  std::size_t candidates = 0;  // rows before --top (or the default top) cut them
  int hidden = 0;              // pairs without an effect left out (no --verbose)
  bool ranked = false;         // worst first
};
SweepRows sweep_rows(const ValidationReport& report, const SweepView& view);

std::string validation_text(const ValidationReport& report, const SweepView& view);
std::string validation_text(const ValidationReport& report, bool verbose);
// "" when `only` is one of `objectives` or a fault kind; else why not, naming what it can be.
std::string sweep_only_problem(const std::string& only, const std::vector<std::string>& objectives);
nlohmann::ordered_json validation_json(const ValidationReport& report);
nlohmann::ordered_json validation_sarif(const ValidationReport& report);

// The rule catalogue, one rule a line: id, severity, explanation.
std::string lint_rules_text();

}  // namespace clawsim
