// The dynamic half of `clawsim validate`: every single fault of a plan (and, at depth 2, every
// compatible pair) injected into the simulated swarm, held, undone, and the cluster watched
// until it settles, over a few seeds. Pure and deterministic: same plan, settings and seeds,
// same outcomes.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "model/validation.h"

namespace clawsim {

struct SweepSettings {
  int depth = 1;                       // 1: single faults; 2: also every pair
  std::vector<std::uint64_t> seeds = {1, 2, 3, 4, 5};
  DurationMs fault_at_ms = 60'000;     // the first fault, once the cluster has settled; a
                                       // pair's second comes 10 s later
  DurationMs hold_ms = 120'000;        // faults are undone this long after the first: long
                                       // enough for a failover to show (a Down leader takes ~45 s)
  DurationMs horizon_ms = 180'000;     // then the run goes on this long
  int jobs = 1;                        // runs at once; the result is the same whatever the number
  // One slice of the sweep (--shard), the rest left to other processes: of the whole sweep's
  // fault sets (singles, then pairs), those whose position i has i % slices == slice. Dealt
  // round, not cut in ranges: the kinds of fault come in runs and differ in cost. Default: all.
  std::size_t slice = 0;
  std::size_t slices = 1;
  // Called after each run (fault set and seed) with how many are done of how many: for a
  // progress display, one call at a time whatever `jobs`. Optional; the sweep does no I/O.
  std::function<void(std::size_t done, std::size_t total)> on_run;
};

SweepResult sweep_faults(const std::shared_ptr<const Plan>& plan, const SweepSettings& settings);

// What a sweep would cost, known before it starts. A run's events grow with the nodes (agent
// heartbeats) and, three times as fast, with the managers (Raft's appends, their answers and
// ticks), so its work is counted in node-runs with a manager counting as three nodes.
struct SweepSize {
  std::size_t fault_sets = 0;  // single faults, and at depth 2 the compatible pairs
  std::size_t swept_sets = 0;  // of them, those in the settings' slice (all, unsharded)
  std::size_t runs = 0;        // swept sets x seeds
  std::uint64_t work = 0;      // runs x (nodes + 2 x managers)
};
SweepSize sweep_size(const Plan& plan, const SweepSettings& settings);

// Bounds on a sweep, checked before anything runs: about two minutes on two cores (a 250-node
// plan's 3,785 runs are about 1,000,000 node-runs, 69 s; a 64-manager plan's 1,280 runs about
// 245,000; the default plan's 100-odd runs at depth 1, about 1,000).
inline constexpr std::size_t kMaxSweepRuns = 50'000;
inline constexpr std::uint64_t kMaxSweepWork = 2'000'000;
// "" when the sweep fits the bounds; else what it would take, the bound, and how to narrow it.
std::string sweep_too_large(const Plan& plan, const SweepSettings& settings);

// One fault (or pair) on one seed, exposed for tests.
FaultOutcome run_faults(const std::shared_ptr<const Plan>& plan, const std::vector<const Fault*>& faults,
                        std::uint64_t seed, const SweepSettings& settings);

}  // namespace clawsim
