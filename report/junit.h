// JUnit XML, so CI systems show drills and objectives as tests: one <testsuite> per run, one
// <testcase> per expectation, objective or drill. A failure is <failure>; a known failure of
// the plan (XFAIL) is <skipped> with its reason, as pytest reports xfail. Pure formatting.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gameday/records.h"
#include "model/runner.h"
#include "model/runs_table.h"
#include "model/validation.h"

namespace clawsim {

struct JUnitCase {
  std::string classname, name;
  double seconds = 0;
  std::optional<std::string> failure;  // message
  std::optional<std::string> skipped;  // message
  std::string output;                  // <system-out>
};

struct JUnitSuite {
  std::string name;
  std::vector<JUnitCase> cases;
};

std::string junit_xml(const std::vector<JUnitSuite>& suites);

// A scenario run: a case per expectation.
JUnitSuite junit_suite(const RunResult& run);
// `scenario --runs`: a case per expectation over all the runs; it fails when any run failed it
// (the seeds named), and is skipped when it failed only as the plan is known to.
JUnitSuite junit_suite(const RunsTable& runs);
// Validate's objectives: a case per objective.
JUnitSuite junit_suite(const std::string& plan_name, const std::vector<ObjectiveVerdict>& objectives);
// A game day: a case per drill.
JUnitSuite junit_suite(const RunRecord& run);

}  // namespace clawsim
