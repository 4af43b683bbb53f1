// A recording of `clawsim live measure`: one trial of a drill on a real cluster a line (JSON
// Lines), with everything the model needs to predict that trial again: the plan's and the
// scenario's texts and the cluster as observed before the fault (nodes, leader, services,
// firewalls), beside what the trial measured (every metric, with the interval its observations
// allow, and the timeline). Pure: text in, text out.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/cluster_state.h"
#include "model/error.h"
#include "model/observed_plan.h"
#include "model/runner.h"

namespace clawsim {

inline constexpr int kRecordingSchemaVersion = 1;

struct Trial {
  int trial = 0;                 // 1-based, within its `live measure`
  std::string started_at;        // ISO 8601, UTC
  std::string clawsim_version;
  std::string docker_version;    // as the cluster's first node reports it
  std::string plan_file, plan_text, plan_digest;
  std::string scenario_file, scenario_text;
  ClusterState before;                      // the preflight's observation
  std::vector<ObservedFirewall> firewalls;  // as read on the nodes
  std::string verdict;                      // the drill's: pass | fail | aborted | ...
  bool restored = true;                     // its faults undone, the cluster back as before
  RunResult observed;                       // its timeline, metrics and their bounds
};

nlohmann::ordered_json trial_json(const Trial& trial);
// The cluster a trial met (its observation before the fault, its firewalls): trials that met
// the same cluster with the same plan and scenario have the same prediction.
nlohmann::ordered_json met_json(const Trial& trial);
// One line of a recording; `file` and `line` name it in errors.
Result<Trial> trial_from_json(const nlohmann::ordered_json& j, const std::string& file, int line);
// Every line of a recording (blank lines skipped).
Result<std::vector<Trial>> read_recording(std::string_view text, const std::string& file);

}  // namespace clawsim
