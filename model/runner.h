// Runs a scenario against any ClusterDriver and judges it: the timeline, each expectation's
// verdict, and the measured durations. Pure apart from what the driver does.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "model/cluster_driver.h"
#include "model/scenario.h"
#include "model/timeline.h"

namespace clawsim {

struct Verdict {
  std::string name;
  bool holds = false;
  bool known_failure = false;  // declared to fail on this plan (XFAIL when it does)
  std::string detail;  // what was seen, e.g. "lost at 41.200s"
  std::string why;     // from the scenario
};

struct RunResult {
  std::string scenario;
  std::uint64_t seed = 0;
  std::string plan_name;
  std::string plan_digest;
  DurationMs duration_ms = 0;
  Timeline timeline;
  std::vector<Verdict> verdicts;
  std::map<std::string, DurationMs> metrics;  // sorted by name
  std::uint64_t fingerprint = 0;              // hash of the timeline
  bool pass() const;  // every expectation holds, or fails as declared
};

// "PASS", "FAIL", "XFAIL" (failed as declared) or "XPASS" (declared to fail, but held).
const char* verdict_label(const Verdict& v);

RunResult run_scenario(const Scenario& scenario, ClusterDriver& driver,
                       const std::string& plan_name);

// Judging, exposed for tests: verdicts and metrics computed from a timeline alone.
//
// `landed` holds, per action of the scenario's timeline, when the driver had done it: at once in
// the model, later on a real cluster, where a command takes time. An expectation's window opens
// as much later as the last action at or before its `after` landed late, and durations are
// measured from when the first action landed. Empty: every action landed on time.
std::vector<Verdict> judge(const Scenario& scenario, const Timeline& timeline,
                           const std::string& plan_name, const std::vector<TimeMs>& landed = {});
std::map<std::string, DurationMs> measure(const Scenario& scenario, const Timeline& timeline,
                                          const std::vector<TimeMs>& landed = {});
std::uint64_t timeline_fingerprint(const Timeline& timeline);

// "12.345s"
std::string format_time(TimeMs t_ms);

}  // namespace clawsim
