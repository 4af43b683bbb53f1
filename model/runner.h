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
  bool known_failure = false;  // declared to fail on this plan's content (XFAIL when it does)
  std::string detail;  // what was seen, e.g. "lost at 41.200s"
  std::string why;     // from the scenario
};

// The plan a run is judged on: its name, the digest of its text (model/digest.h), and the
// built-in plans it is a byte-for-byte copy of. A known failure applies to a plan by content:
// an edited plan, whatever its name, is judged on its own.
struct PlanIdentity {
  PlanIdentity(std::string plan_name, std::string text_digest = "",  // NOLINT: a name alone is a plan of unknown text
               std::vector<std::string> builtin_names = {})
      : name(std::move(plan_name)), digest(std::move(text_digest)), builtin(std::move(builtin_names)) {}
  std::string name;
  std::string digest;                // "" when the text is not known (nothing is a known failure)
  std::vector<std::string> builtin;  // e.g. {"default"}
  // Is an expectation declared to fail on `plans` (built-in plan names or digests) known to
  // fail on this plan?
  bool named_by(const std::vector<std::string>& plans) const;
};

// A run's outcome: every expectation holds; or some fail, each as the plan is known to (its
// defects are known, the cluster is still broken); or one fails that nobody declared.
enum class Outcome { kPass, kKnownFailure, kFail };
const char* to_string(Outcome outcome);  // "pass", "known_failure", "fail"

struct MetricBounds {
  DurationMs low = 0, high = 0;
};

struct RunResult {
  std::string scenario;
  std::string description;  // the scenario's, for reports
  std::uint64_t seed = 0;
  std::string plan_name;
  std::string plan_digest;
  DurationMs duration_ms = 0;
  Timeline timeline;
  std::vector<Verdict> verdicts;
  std::map<std::string, DurationMs> metrics;  // sorted by name
  // Where the timeline's instants are uncertain (a real cluster, observed by calls that take
  // time): each metric's least and greatest value that the observations allow. Empty in the
  // model, whose metrics are exact.
  std::map<std::string, MetricBounds> bounds;
  std::uint64_t fingerprint = 0;              // hash of the timeline
  Outcome outcome() const;
  bool pass() const { return outcome() == Outcome::kPass; }  // every expectation holds
  // The expectations that failed as declared (XFAIL), by name.
  std::vector<std::string> known_failures() const;
};

// "PASS", "FAIL", "XFAIL" (failed as declared) or "XPASS" (declared to fail, but held).
const char* verdict_label(const Verdict& v);

RunResult run_scenario(const Scenario& scenario, ClusterDriver& driver, const PlanIdentity& plan);

// Judging, exposed for tests: verdicts and metrics computed from a timeline alone.
//
// `landed` holds, per action of the scenario's timeline, when the driver had done it: at once in
// the model, later on a real cluster, where a command takes time. An expectation's window opens
// as much later as the last action at or before its `after` landed late, and durations are
// measured from when the first action landed. Empty: every action landed on time.
std::vector<Verdict> judge(const Scenario& scenario, const Timeline& timeline,
                           const PlanIdentity& plan, const std::vector<TimeMs>& landed = {});
// `bound` places each change within its uncertainty (Change::uncertain_ms): kPoint at t_ms,
// where it was seen; kLow so that every measured period is as short as the observations allow
// (it starts as late and ends as early as it can), kHigh as long. replica_downtime_ms.* is
// always measured at t_ms.
enum class Bound { kPoint, kLow, kHigh };
std::map<std::string, DurationMs> measure(const Scenario& scenario, const Timeline& timeline,
                                          const std::vector<TimeMs>& landed = {}, Bound bound = Bound::kPoint);
// `r`'s metrics measured from its timeline and, where the timeline's instants are uncertain,
// their bounds (each metric at Bound::kLow and kHigh).
void measure_into(RunResult& r, const Scenario& scenario, const std::vector<TimeMs>& landed);
// When a recorded run's actions took place: the instants its action changes say their commands
// began (t_ms - uncertain_ms), in order.
std::vector<TimeMs> landed_instants(const Timeline& timeline);
// ... and when their commands ended (t_ms). An action took effect somewhere in between: a
// daemon stop at once, a daemon start or a power-on near the end.
std::vector<TimeMs> action_ends(const Timeline& timeline);
// The scenario as a real run performed it: each action at the given instant (a command takes
// time, and a sample in progress delays the next action), so the model's prediction of that run
// has its faults where the cluster had them. Unchanged unless every action landed.
Scenario as_performed(Scenario scenario, const std::vector<TimeMs>& landed);
std::uint64_t timeline_fingerprint(const Timeline& timeline);

// "12.345s"
std::string format_time(TimeMs t_ms);
// A measured value and the interval its observations allow: "12.345s (11.100s..12.345s)", or
// the value alone where the interval is that value.
std::string format_measured(DurationMs value, DurationMs low, DurationMs high);

}  // namespace clawsim
