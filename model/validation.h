// Plan validation, the dynamic half: the faults a plan is swept with, what each did to the
// modelled cluster, and the plan's objectives judged on those outcomes. The sweep itself runs in
// sim/fault_sweep.h; this is its data and the pure judgement of it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/plan.h"
#include "model/scenario.h"

namespace clawsim {

// One fault: the actions that inject it and those that undo it.
struct Fault {
  std::string id;                     // "crash atlanta", "partition [atlanta] [boston chicago denver]"
  std::string kind;  // one of fault_kinds()
  std::vector<std::string> subjects;  // nodes it acts on (partition: every node)
  std::vector<std::string> involves;  // nodes it takes away: those an objective's `except` names
  std::vector<Action> inject;  // in order
  std::vector<Action> undo;    // in order (a domain's nodes come back as they went down)
};

// The kinds of fault a sweep injects, in its order.
const std::vector<std::string>& fault_kinds();

// Every single fault of a plan, in a fixed order: each node crashed, its daemon stopped,
// each manager demoted, each node drained, each split of the nodes into two groups, the NFS
// server stopped, and each failure domain of two or more nodes lost at once.
std::vector<Fault> single_faults(const Plan& plan);

// Can these two faults be held at once? Not on the same node, not two partitions.
bool compatible(const Fault& a, const Fault& b);

// What one fault (or pair) did in one run.
struct FaultOutcome {
  std::vector<std::string> faults;     // ids, one or two
  std::vector<std::string> kinds;      // each fault's kind, parallel to `faults`
  std::vector<std::string> involves;   // union of the faults' `involves`
  std::vector<std::string> refused;    // Docker's refusals of an inject ("demote boston: ...")
  bool quorum_lost = false;
  DurationMs quorum_lost_for_ms = 0;       // time without a quorum after the inject (worst seed)
  std::map<std::string, DurationMs> downtime_ms;  // services up before the fault: time down
  // Per service: the lowest share of its replicas serving from the inject to the end ("1/3").
  std::map<std::string, double> lowest_replicas_pct;
  std::map<std::string, std::string> lowest_replicas;
  std::vector<std::string> down_before;  // services already down when the fault came
  std::optional<DurationMs> recovery_ms;  // from the undo until all is as before; none: never
  bool quorum_before = true;           // the plan had a quorum when the fault came
  std::uint64_t seed = 0;        // the run's seed
  // What the run did to the cluster, in order, each action's at_ms the moment it was applied
  // (an inject Docker refused for a moment is retried): the timeline that replays the run.
  std::vector<Action> applied;
};

// Is `a` a worse run than `b`? The longer quorum loss first, then the more downtime in all,
// then no recovery, then the longer recovery. How a fault's seeds and a report's rows are ranked.
bool worse_outcome(const FaultOutcome& a, const FaultOutcome& b);

struct SweepResult {
  int depth = 1;
  std::vector<std::uint64_t> seeds;
  DurationMs fault_at_ms = 0;   // when the (first) fault is injected
  DurationMs hold_ms = 0;       // how long faults are held before the undo
  DurationMs horizon_ms = 0;    // how long the run goes on after the undo
  std::vector<FaultOutcome> outcomes;  // the worst seed's run of each fault set: singles
                                       // first, then pairs, in fault order
  std::vector<std::vector<FaultOutcome>> runs;  // every seed's run, parallel to `outcomes`
  std::vector<std::string> notes;  // what was not swept, and why

  // Adds one fault set's runs (one per seed, in seed order): its outcome is the worst of them.
  void add_fault_set(std::vector<FaultOutcome> set_runs);
};

// A sweep split in `slices` (validate --shard) deals its fault sets round: slice s (from 0)
// takes positions s, s + slices, s + 2 slices... How many of `total` that is.
inline std::size_t fault_sets_in_slice(std::size_t total, std::size_t slice, std::size_t slices) {
  return slice < total ? (total - slice + slices - 1) / slices : 0;
}

// Which partitions a sweep leaves out, and which it sweeps instead ("" when it sweeps every
// two-way split): past a dozen nodes, every split would be thousands of runs, so the sweep
// cuts off each manager, splits the managers, and cuts off each failure domain.
std::string partitions_skipped(const Plan& plan);

// Past this many nodes, a sweep neither splits the nodes every way (only the splits that matter:
// partitions_skipped) nor faults alike workers one by one.
inline constexpr std::size_t kSweepEveryNodeUpTo = 12;

// Workers alike in everything the model tells nodes apart by (availability, labels, platform,
// failure domain, which firewall blocks run on them), named by no constraint, objective or
// firewall command, and neither the NFS server nor the leader: their crash, daemon stop and
// drain do the same, so past kSweepEveryNodeUpTo nodes the first of them stands for the others.
struct AlikeWorkers {
  std::string representative;
  std::vector<std::string> others;
};
std::vector<AlikeWorkers> alike_workers(const Plan& plan);
// What the sweep leaves out because of them, one line per group ("" when nothing).
std::vector<std::string> alike_workers_notes(const Plan& plan);

struct ObjectiveVerdict {
  std::string name;
  bool implicit = false;  // the default objective of a plan that declares none
  bool holds = true;
  int judged = 0;         // fault outcomes it was judged on
  int excepted = 0;       // outcomes left out by `except`
  std::vector<std::string> failures;  // "crash boston: quorum lost for 1m12s (seed 3)"
  std::vector<std::size_t> broken_by;  // the sweep's outcomes (indices) that break it
  int line = 0;
};

// The objectives a sweep is judged on: the plan's, or, when it declares none, the one every
// swarm of three or more managers is built for: the quorum survives any single fault.
std::vector<Objective> objectives_of(const Plan& plan, bool& implicit);

std::vector<ObjectiveVerdict> judge_objectives(const Plan& plan, const SweepResult& sweep);

// The scenario that replays one of the sweep's runs: its actions at the instants the sweep
// applied them, for as long as the sweep watched. `clawsim scenario` on it with the run's
// seed (and the same plan) is that run.
Scenario replay_scenario(const SweepResult& sweep, const FaultOutcome& run, const std::string& plan_label);
// A file name for it: "03-crash-atlanta.yaml" (rank from 1, the fault set's ids in lowercase
// letters, digits and dashes, at most 60 characters).
std::string replay_file_name(std::size_t rank, const FaultOutcome& run);

}  // namespace clawsim
