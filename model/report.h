// The report of a run, for people (text) and for machines (versioned JSON), and the summary
// of many runs (the distribution of each measured duration). Formatting only: no I/O.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/error.h"
#include "model/runner.h"
#include "model/runs_table.h"
#include "model/scenario.h"

namespace clawsim {

// 2: `verdict` is pass, known_failure or fail (a run whose only failures are known ones was
// "pass" in 1); the summary of many runs counts known_failures and failed apart.
inline constexpr int kReportSchemaVersion = 3;

nlohmann::ordered_json report_json(const RunResult& result);
std::string report_text(const RunResult& result, const Scenario& scenario, bool verbose);
// "PASS", "FAIL" or "KNOWN FAILURE (2 expectations fail as this plan is known to: ...)".
std::string verdict_text(const RunResult& result);

// How many runs passed, failed only as the plan is known to, or failed.
struct RunCounts {
  std::size_t passed = 0, known = 0, failed = 0;
  std::map<std::string, std::size_t> known_by_expectation;  // XFAIL'd expectation -> runs
  std::map<std::string, std::size_t> failed_by_expectation;  // did not hold (known or not) -> runs
};
RunCounts count_runs(const RunsTable& runs);
RunCounts count_runs(const std::vector<RunResult>& runs);

struct Distribution {
  std::string metric;
  std::size_t samples = 0;  // runs in which the metric was measured
  DurationMs min = 0, median = 0, p90 = 0, p99 = 0, max = 0;
};
// Equal-width bins from the least value to the greatest; one bin when they are equal.
struct Histogram {
  DurationMs min = 0, max = 0;
  std::vector<std::size_t> counts;
  DurationMs from(std::size_t bin) const;  // where bin b starts
  DurationMs to(std::size_t bin) const;    // ... and ends (the last ends at max)
};
Histogram histogram(const std::vector<DurationMs>& values, int bins = 20);

// Nearest-rank percentiles over the runs in which each metric appears, sorted by metric name.
// Each has the same result from a RunsTable as from the runs it was filled with.
std::vector<Distribution> distributions(const RunsTable& runs);
std::vector<Distribution> distributions(const std::vector<RunResult>& runs);
std::string distributions_text(const RunsTable& runs);
std::string distributions_text(const std::vector<RunResult>& runs);
nlohmann::ordered_json distributions_json(const RunsTable& runs);
nlohmann::ordered_json distributions_json(const std::vector<RunResult>& runs);

std::string hex64(std::uint64_t value);

// A saved report read back, to render it again (`clawsim report`): errors name the field.
Result<RunResult> run_from_json(const nlohmann::ordered_json& j, const std::string& file);
// The "prediction" of a live drill's report (distributions_json's form), read back.
std::vector<Distribution> distributions_from_json(const nlohmann::ordered_json& j);

}  // namespace clawsim
