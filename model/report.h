// The report of a run, for people (text) and for machines (versioned JSON), and the summary
// of many runs (the distribution of each measured duration). Formatting only: no I/O.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/runner.h"
#include "model/scenario.h"

namespace clawsim {

inline constexpr int kReportSchemaVersion = 1;

nlohmann::ordered_json report_json(const RunResult& result);
std::string report_text(const RunResult& result, const Scenario& scenario, bool verbose);

struct Distribution {
  std::string metric;
  std::size_t samples = 0;  // runs in which the metric was measured
  DurationMs min = 0, median = 0, p90 = 0, p99 = 0, max = 0;
};
// Nearest-rank percentiles over the runs in which each metric appears, sorted by metric name.
std::vector<Distribution> distributions(const std::vector<RunResult>& runs);
std::string distributions_text(const std::vector<RunResult>& runs);
nlohmann::ordered_json distributions_json(const std::vector<RunResult>& runs);

std::string hex64(std::uint64_t value);

}  // namespace clawsim
