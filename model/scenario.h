// A scenario is data: a timeline of actions at offsets, expectations over what the cluster
// does, and the run's length. The same scenario drives the simulator and a live cluster.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/error.h"
#include "model/plan.h"
#include "model/time.h"

namespace clawsim {

enum class ActionKind {
  kCrashNode, kRestartNode, kStopDaemon, kStartDaemon, kDemote, kPromote, kDrain, kPause,
  kActivate, kLabelAdd, kLabelRm, kPartition, kHeal, kBlockPort, kUnblockPort, kNfsStop,
  kNfsStart, kServiceUpdate, kForceNewCluster, kDegrade, kRestore,
};

const char* to_string(ActionKind kind);
bool parse_action_kind(std::string_view text, ActionKind& out);

// A node reference in a scenario: a node's name, or a role resolved when the action runs.
//   @leader    the current leader      @follower   a manager that is not the leader (by name)
//   @worker    a worker (by name)      @nfs-server the NFS server
//   @dashboard the node running the dashboard
//   @crashed   the node the scenario most recently crashed or stopped, still down
// Several actions may use the same reference; each resolves it at its own time, except that
// `@follower` skips nodes an earlier action of the scenario already took down.
struct Action {
  TimeMs at_ms = 0;
  ActionKind kind = ActionKind::kCrashNode;
  std::string node;                         // a name or an @reference
  std::string via;                          // manager that receives an API command ("" = leader)
  std::string label_key, label_value;       // label-add / label-rm
  std::vector<std::vector<std::string>> groups;  // partition: groups of nodes (refs allowed)
  int port = 0;                             // block-port / unblock-port
  DurationMs latency_ms = 0;                // degrade: added to every packet to or from the node
  int loss_pct = 0;                         // degrade: share of those packets dropped
  std::string proto = "tcp";
  std::string service;                      // service-update
  std::vector<std::string> constraint_add, constraint_rm;
  std::optional<int> replicas;
  bool force = false;                       // service-update: replace the tasks even if unchanged
  int line = 0;

  std::string describe() const;  // "crash-node @leader", "partition [atlanta] [boston chicago]"
};

enum class ExpectMode { kBecomes, kStays, kAvailableAtLeast, kReplicasAtLeast };

// What a drill asserts, judged on the timeline of the run.
//   check:    quorum | leader | node | service | dashboard | task | api | action | placement
//   subject:  the node, service or action the check is about (none for quorum, leader)
//   becomes:  the state is reached at some moment in [after, after + within]
//   stays:    the state holds at every moment of [after, until]
//   available_pct_at_least: a service is up for at least this share of [after, until]
//   replicas_pct_at_least: at every moment of [after, until], at least this share of the
//            service's replicas serve (one replica: it is up throughout)
struct Expectation {
  std::string name;
  std::string check;
  std::string subject;
  ExpectMode mode = ExpectMode::kBecomes;
  std::string state;
  bool contains = false;  // match the state as a substring (task messages, API errors)
  TimeMs after_ms = 0;
  std::optional<DurationMs> within_ms;
  std::optional<TimeMs> until_ms;
  double min_percent = 0;
  std::string why;  // the reason, in particular where the runbook's cluster fails the check
  // Known failures: on these plans, the check is expected to fail, for `why`. Each is a
  // built-in plan's name ("default", "corrected-firewall", ...: see scenarios/embedded.h) or a
  // plan's digest (16 hex digits, as reports print it), so a known failure belongs to a plan's
  // content: an edited copy is judged on its own. It is reported as XFAIL, and a run whose only
  // failures are known ones is a known failure, not a pass.
  std::vector<std::string> xfail_plans;
  int xfail_line = 0;
  std::string xfail_field;  // "expect[2].fails_on_plan", for messages
  int line = 0;
};

// The longest scenario: a 1000 h run takes about 2 s to simulate.
inline constexpr DurationMs kMaxScenarioDurationMs = 1000LL * 3'600'000;
// The most observations of one run: the longest scenario at the default interval (1 s). Each
// costs the simulator a look at every node, whatever the interval.
inline constexpr long long kMaxObservations = kMaxScenarioDurationMs / kSecondMs;

struct Scenario {
  std::string name;
  // Settings the scenario runs with instead of the plan's (its `plan:` section): a drill may
  // rehearse, say, a longer election timeout. Empty when it keeps the plan's.
  bool overrides_settings = false;
  RaftSettings raft;
  DispatcherSettings dispatcher;
  WorldSettings world;
  std::string description;
  std::string file;
  DurationMs duration_ms = 120 * kSecondMs;
  DurationMs observe_interval_ms = kSecondMs;
  std::vector<Action> timeline;  // sorted by at_ms, stable
  std::vector<Expectation> expectations;
};

// Parses a scenario and checks its node and service names against the plan it will run on.
Result<Scenario> parse_scenario(std::string_view text, const std::string& file, const Plan& plan);

// The plan a scenario runs on: `plan` with the scenario's setting overrides, if any.
Plan plan_for(const Plan& plan, const Scenario& scenario);

}  // namespace clawsim
