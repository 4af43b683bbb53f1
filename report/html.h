// The report people read: one self-contained HTML page (no external assets) with an SVG
// timeline, a lane per node (Ready / Unknown / Down, drained), per service (up / down, with the
// reason on hover) and for the leader and the quorum, the faults marked; for a live drill the
// model's predicted window drawn against each observed duration; below, the expectations with
// their verdicts, the seed and the exact command that reproduces the run. Pure formatting.
#pragma once

#include <string>
#include <vector>

#include "model/report.h"
#include "model/runner.h"

namespace clawsim {

struct HtmlReportInput {
  const RunResult* run = nullptr;
  std::string command;                    // the command that reproduces the run
  std::vector<Distribution> prediction;  // a live drill: the model's distribution of each metric
  bool live = false;
};

std::string html_report(const HtmlReportInput& in);

// `scenario --runs N --report DIR`: the runs counted (passed, known failures, failed), a
// histogram per measure over the runs (the median marked), the seeds that failed each with the
// command that replays it, and the timeline of one run: the first that failed, else the first.
struct RunsReportInput {
  const RunsTable* runs = nullptr;  // at least one
  // The run drawn, run again with its timeline: the first that failed, else the first
  // (first_drawn_seed gives its seed).
  const RunResult* drawn = nullptr;
  std::string command;  // replays a run once " --seed N" is appended
};
// The seed html_runs_report draws: the first that failed, else the first.
std::uint64_t first_drawn_seed(const RunsTable& runs);

std::string html_runs_report(const RunsReportInput& in);

}  // namespace clawsim
