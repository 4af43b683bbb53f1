#include "sim/fault_sweep.h"

#include <algorithm>
#include <iterator>
#include <set>

#include "model/replica_share.h"
#include "sim/parallel.h"
#include "sim/sim_cluster.h"

namespace clawsim {

namespace {

constexpr DurationMs kPairGapMs = 10'000;

// An operation the API cannot take while a leader is being elected (the second fault of a pair
// often comes then) is typed again each second for up to half a minute, as an operator would.
bool transient(const Answer& answer) {
  return !answer && (answer.message().find("context deadline exceeded") != std::string::npos ||
                     answer.message().find("does not have a leader") != std::string::npos);
}

Answer inject(SimCluster& cluster, const Action& a) {
  constexpr int kRetries = 30;
  Answer answer = cluster.apply(a);
  for (int i = 0; i < kRetries && transient(answer); ++i) {
    cluster.run_until(cluster.now() + kSecondMs);
    answer = cluster.apply(a);
  }
  return answer;
}

// The state of what must come back after the undo, followed change by change.
struct Watch {
  std::map<std::string, bool> service_up;  // services up before the fault
  std::map<std::string, bool> node_ready;  // nodes Ready before the fault
  bool track_quorum = false, quorum = true;
  bool track_leader = false, leader = true;

  bool all_good() const {
    for (const auto& [name, up] : service_up) {
      if (!up) return false;
    }
    for (const auto& [name, ready] : node_ready) {
      if (!ready) return false;
    }
    return (!track_quorum || quorum) && (!track_leader || leader);
  }
  void apply(const Change& c) {
    if (c.kind == Aspect::kService) {
      const auto it = service_up.find(c.subject);
      if (it != service_up.end()) it->second = c.detail == "up";
    } else if (c.kind == Aspect::kNode) {
      const auto it = node_ready.find(c.subject);
      if (it != node_ready.end()) it->second = c.detail.rfind("ready", 0) == 0;
    } else if (c.kind == Aspect::kQuorum) {
      quorum = c.detail == "held";
    } else if (c.kind == Aspect::kLeader) {
      leader = c.detail.rfind("none", 0) != 0;
    }
  }
};

Watch baseline(const SimCluster& cluster, FaultOutcome& out) {
  Watch w;
  const ClusterState state = cluster.observe();
  for (const ServiceState& s : state.services) {
    if (s.up) {
      w.service_up[s.name] = true;
    } else {
      out.down_before.push_back(s.name);
    }
  }
  for (const NodeState& n : state.nodes) {
    if (n.status == "ready") w.node_ready[n.name] = true;
  }
  w.track_quorum = w.quorum = cluster.has_quorum();
  out.quorum_before = w.quorum;  // without one, a quorum loss is the plan's, not the fault's
  w.track_leader = w.leader = cluster.leader() >= 0;
  return w;
}

// Downtime, quorum loss and recovery, read off the changes after the inject.
void measure(const Timeline& after, Watch w, TimeMs undo_ms, TimeMs end_ms,
             FaultOutcome& out) {
  std::map<std::string, TimeMs> down_since;
  TimeMs quorum_lost_since = -1;
  TimeMs good_since = -1;  // everything has been as before since then; -1: not (yet)
  auto settle = [&](TimeMs t) {
    if (t < undo_ms) return;
    if (!w.all_good()) {
      good_since = -1;
    } else if (good_since < 0) {
      good_since = std::max(t, undo_ms);
    }
  };
  bool undone = false;
  for (const Change& c : after) {
    if (!undone && c.t_ms >= undo_ms) {
      settle(undo_ms);
      undone = true;
    }
    w.apply(c);
    if (c.kind == Aspect::kService && w.service_up.count(c.subject)) {
      if (!w.service_up[c.subject]) {
        down_since.try_emplace(c.subject, c.t_ms);
      } else if (const auto it = down_since.find(c.subject); it != down_since.end()) {
        out.downtime_ms[c.subject] += c.t_ms - it->second;
        down_since.erase(it);
      }
    } else if (c.kind == Aspect::kQuorum && w.track_quorum) {
      if (!w.quorum && quorum_lost_since < 0) quorum_lost_since = c.t_ms;
      if (w.quorum && quorum_lost_since >= 0) {
        out.quorum_lost = true;
        out.quorum_lost_for_ms += c.t_ms - quorum_lost_since;
        quorum_lost_since = -1;
      }
    }
    settle(c.t_ms);
  }
  if (!undone) settle(undo_ms);
  for (const auto& [service, since] : down_since) out.downtime_ms[service] += end_ms - since;
  if (quorum_lost_since >= 0) {
    out.quorum_lost = true;
    out.quorum_lost_for_ms += end_ms - quorum_lost_since;
  }
  if (good_since >= 0) out.recovery_ms = good_since - undo_ms;
}

// One fault set on one seed: inject, hold, undo, and watch the cluster settle.
FaultOutcome run_fault_set(const std::shared_ptr<const Plan>& plan,
                           const std::vector<const Fault*>& faults, std::uint64_t seed,
                           const SweepSettings& settings) {
  FaultOutcome out;
  out.seed = seed;
  for (const Fault* f : faults) {
    out.faults.push_back(f->id);
    out.kinds.push_back(f->kind);
    for (const std::string& n : f->involves) {
      if (std::find(out.involves.begin(), out.involves.end(), n) == out.involves.end()) {
        out.involves.push_back(n);
      }
    }
  }
  SimCluster cluster(plan, seed);
  cluster.run_until(settings.fault_at_ms);
  Timeline history = cluster.take_changes();  // what each service's replicas were at the fault
  const Watch before = baseline(cluster, out);
  std::vector<std::vector<bool>> injected;  // per fault, per inject action
  TimeMs t = settings.fault_at_ms;
  for (const Fault* f : faults) {
    cluster.run_until(t);
    injected.emplace_back();
    for (const Action& a : f->inject) {
      const Answer answer = inject(cluster, a);
      out.applied.push_back(a);
      out.applied.back().at_ms = cluster.now();
      injected.back().push_back(answer.is_ok());
      if (!answer) out.refused.push_back(f->id + ": " + answer.text());
    }
    t = std::max(t, cluster.now()) + kPairGapMs;
  }
  const TimeMs undo_ms = settings.fault_at_ms + settings.hold_ms;
  cluster.run_until(undo_ms);
  for (std::size_t i = faults.size(); i-- > 0;) {
    const Fault& f = *faults[i];
    const std::vector<bool>& done = injected[i];
    const bool any = std::find(done.begin(), done.end(), true) != done.end();
    for (std::size_t u = 0; u < f.undo.size(); ++u) {
      // An undo paired with an inject action (a domain's nodes) runs only if that one ran.
      const bool paired = f.undo.size() == f.inject.size();
      if (!(paired ? done[u] : any)) continue;
      (void)cluster.apply(f.undo[u]);
      out.applied.push_back(f.undo[u]);
      out.applied.back().at_ms = undo_ms;
    }
  }
  const TimeMs end_ms = undo_ms + settings.horizon_ms;
  cluster.run_until(end_ms);
  const Timeline after = cluster.take_changes();
  measure(after, before, undo_ms, end_ms, out);
  history.insert(history.end(), after.begin(), after.end());
  for (const auto& [service, up] : before.service_up) {
    const ReplicaShare share = replica_share(history, service, settings.fault_at_ms, end_ms);
    if (share.lowest_at_ms < 0) continue;
    out.lowest_replicas_pct[service] = share.lowest_pct;
    out.lowest_replicas[service] = share.lowest;
  }
  return out;
}

// Every single fault, then (depth 2) every compatible pair.
std::vector<std::vector<const Fault*>> fault_sets(const std::vector<Fault>& faults, int depth) {
  std::vector<std::vector<const Fault*>> sets;
  for (const Fault& f : faults) sets.push_back({&f});
  if (depth >= 2) {
    for (std::size_t i = 0; i < faults.size(); ++i) {
      for (std::size_t j = i + 1; j < faults.size(); ++j) {
        if (compatible(faults[i], faults[j])) sets.push_back({&faults[i], &faults[j]});
      }
    }
  }
  return sets;
}

}  // namespace

SweepSize sweep_size(const Plan& plan, const SweepSettings& settings) {
  const std::vector<Fault> faults = single_faults(plan);
  SweepSize size;
  size.fault_sets = faults.size();
  if (settings.depth >= 2) {
    for (std::size_t i = 0; i < faults.size(); ++i) {
      for (std::size_t j = i + 1; j < faults.size(); ++j) {
        if (compatible(faults[i], faults[j])) ++size.fault_sets;
      }
    }
  }
  std::uint64_t managers = 0;
  for (const NodeSpec& n : plan.nodes) managers += n.role == Role::kManager ? 1 : 0;
  size.swept_sets = fault_sets_in_slice(size.fault_sets, settings.slice, settings.slices);
  size.runs = size.swept_sets * settings.seeds.size();
  size.work = size.runs * (plan.nodes.size() + 2 * managers);
  return size;
}

std::string sweep_too_large(const Plan& plan, const SweepSettings& settings) {
  const SweepSize size = sweep_size(plan, settings);
  if (size.runs <= kMaxSweepRuns && size.work <= kMaxSweepWork) return "";
  const std::size_t seeds = settings.seeds.size();
  const std::uint64_t work_per_seed = size.work / std::max<std::uint64_t>(seeds, 1);
  const std::uint64_t seeds_that_fit =
      std::min<std::uint64_t>(work_per_seed == 0 ? 0 : kMaxSweepWork / work_per_seed,
                              size.swept_sets == 0 ? 0 : kMaxSweepRuns / size.swept_sets);
  const bool sliced = size.swept_sets < size.fault_sets;
  std::string out = "the fault sweep is too large: " + std::to_string(size.swept_sets) +
                    " fault sets" + (settings.depth >= 2 ? " (pairs included)" : "") +
                    (sliced ? " (this slice's, of " + std::to_string(size.fault_sets) + ")" : "") + " x " +
                    std::to_string(seeds) + (seeds == 1 ? " seed = " : " seeds = ") +
                    std::to_string(size.runs) + " runs of " + std::to_string(plan.nodes.size()) +
                    " nodes, " + std::to_string(size.work) + " node-runs (a manager counts 3); " +
                    "the limit is " + std::to_string(kMaxSweepRuns) + " runs and " +
                    std::to_string(kMaxSweepWork) + " node-runs. Narrow it: ";
  if (seeds_that_fit >= 1) out += "--seeds " + std::to_string(seeds_that_fit) + " fits; ";
  const auto pairs_objective = std::find_if(plan.objectives.begin(), plan.objectives.end(),
                                            [](const Objective& o) { return o.depth >= 2; });
  if (pairs_objective != plan.objectives.end()) {
    out += "the objective '" + pairs_objective->name + "' (line " +
           std::to_string(pairs_objective->line) +
           ") asks for pairs (faults: pairs): without it the sweep takes single faults only; ";
  } else if (settings.depth >= 2) {
    out += "--depth 1 sweeps single faults only; ";
  }
  return out + "--shard K/N sweeps one slice of N on each of N machines (clawsim merge joins them); " +
         "--static-only checks the rules without a sweep";
}

FaultOutcome run_faults(const std::shared_ptr<const Plan>& plan, const std::vector<const Fault*>& faults,
                        std::uint64_t seed, const SweepSettings& settings) {
  try {
    return run_fault_set(plan, faults, seed, settings);
  } catch (const InvariantViolation& v) {  // say which of the sweep's runs broke it
    std::string set;
    for (const Fault* f : faults) set += (set.empty() ? "" : " + ") + f->id;
    throw InvariantViolation(v.violation(), v.seed(), v.t_ms(),
                             v.event() + " in the fault run '" + set + "'");
  }
}

SweepResult sweep_faults(const std::shared_ptr<const Plan>& plan, const SweepSettings& settings) {
  SweepResult result;
  result.depth = settings.depth;
  result.seeds = settings.seeds;
  result.fault_at_ms = settings.fault_at_ms;
  result.hold_ms = settings.hold_ms;
  result.horizon_ms = settings.horizon_ms;
  const std::vector<Fault> faults = single_faults(*plan);
  if (const std::string skipped = partitions_skipped(*plan); !skipped.empty()) {
    result.notes.push_back(skipped);
  }
  for (std::string& note : alike_workers_notes(*plan)) result.notes.push_back(std::move(note));
  std::vector<std::vector<const Fault*>> sets;
  {
    std::vector<std::vector<const Fault*>> all = fault_sets(faults, settings.depth);
    for (std::size_t i = settings.slice; i < all.size(); i += std::max<std::size_t>(settings.slices, 1)) {
      sets.push_back(std::move(all[i]));
    }
  }
  // Run i is fault set i / seeds on seed i % seeds, each into its own slot, read in order.
  const std::size_t seeds = settings.seeds.size();
  const std::size_t total = sets.size() * seeds;
  std::vector<FaultOutcome> slots(total);
  parallel_for(
      total, settings.jobs,
      [&](std::size_t i) { slots[i] = run_faults(plan, sets[i / seeds], settings.seeds[i % seeds], settings); },
      [&](std::size_t done) {
        if (settings.on_run) settings.on_run(done, total);
      });
  for (std::size_t set = 0; set < sets.size(); ++set) {
    result.add_fault_set({std::make_move_iterator(slots.begin() + static_cast<std::ptrdiff_t>(set * seeds)),
                          std::make_move_iterator(slots.begin() + static_cast<std::ptrdiff_t>((set + 1) * seeds))});
  }
  return result;
}

}  // namespace clawsim
