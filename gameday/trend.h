// The trend of a game day's measures over its runs, and the regressions a person must hear
// about. Pure.
//
// A measure regresses when it lies outside the model's predicted window, or when it is worse
// (longer: every measure is a duration) than the median of the same drill's previous runs (up to
// kTrendRuns) by more than kRegressionMargin and by at least kRegressionFloorMs, once there are
// at least kBaselineRuns of them: one or two earlier runs are a trial or two of a distribution
// the model says is wide (an election takes 8-28 s), not a baseline. Only runs the
// model predicted alike count as "before": a run whose window does not overlap this one's met
// another cluster (a drill on "@leader" that crashed another node, say), and comparing with it
// would call the model's own prediction a regression.
#pragma once

#include <string>
#include <vector>

#include "gameday/records.h"
#include "model/report.h"
#include "model/runner.h"

namespace clawsim {

inline constexpr std::size_t kTrendRuns = 5;
inline constexpr double kRegressionMargin = 0.25;
inline constexpr DurationMs kRegressionFloorMs = 2000;
inline constexpr std::size_t kBaselineRuns = 3;

struct Trend {
  std::string drill, metric;
  DurationMs latest_ms = 0;
  std::vector<DurationMs> previous_ms;  // the runs before, oldest first (at most kTrendRuns)
  std::optional<DurationMs> previous_median_ms;
  std::optional<DurationMs> predicted_min_ms, predicted_max_ms;
  bool inside = true;
  std::string regression;  // "" or why it is one
};

// Each measured duration of `observed` beside the model's distribution of it: inside when the
// values the observations allow (RunResult::bounds; the value itself in the model) meet the
// model's window [min, max].
std::vector<MeasureRecord> compare_with_prediction(const RunResult& observed,
                                                   const std::vector<Distribution>& predicted);

// The trend of every measure of the latest run's drills (`runs` oldest first), in drill then
// metric order.
std::vector<Trend> trends(const std::vector<RunRecord>& runs, const std::string& only_drill = "");

}  // namespace clawsim
