// What a game-day run leaves behind, as plain data: the run, each drill's verdict and each
// measured duration beside the model's prediction. history/ stores it; trend.h judges it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/time.h"

namespace clawsim {

struct MeasureRecord {
  std::string metric;
  DurationMs observed_ms = 0;
  std::optional<DurationMs> predicted_min_ms, predicted_median_ms, predicted_max_ms;
  bool inside = true;  // what was observed meets the model's window
  // On a real cluster: the least and greatest value the observations allow (the changes were
  // seen by calls that take time); observed_ms lies between them. Unset in the model.
  std::optional<DurationMs> observed_low_ms = {}, observed_high_ms = {};
};

struct DrillRecord {
  std::string drill;
  std::string verdict;  // pass | known_failure | fail | aborted | refused
  std::string detail;
  std::vector<MeasureRecord> measures;
  std::string docker_version = {};  // live: the cluster's, as the drill's first node reports it
};

struct RunRecord {
  std::int64_t id = 0;
  std::string gameday;
  std::string started_at, ended_at;  // ISO 8601, UTC
  std::string mode;                  // live | simulate
  std::string clawsim_version, plan_digest, docker_version;
  std::string outcome;  // pass | fail | running (never finished: the process died)
  std::vector<DrillRecord> drills;
};

}  // namespace clawsim
