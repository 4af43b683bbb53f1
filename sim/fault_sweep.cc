#include "sim/fault_sweep.h"

#include <algorithm>
#include <set>

#include "sim/sim_cluster.h"

namespace clawsim {

namespace {

constexpr DurationMs kPairGapMs = 10'000;

bool accepted(const std::string& answer) {
  auto ends_with = [&](std::string_view tail) {
    return answer.size() >= tail.size() && answer.compare(answer.size() - tail.size(), tail.size(), tail) == 0;
  };
  return answer == "ok" || ends_with("demoted in the swarm.") ||
         ends_with("promoted to a manager in the swarm.");
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
    if (c.kind == "service") {
      const auto it = service_up.find(c.subject);
      if (it != service_up.end()) it->second = c.detail == "up";
    } else if (c.kind == "node") {
      const auto it = node_ready.find(c.subject);
      if (it != node_ready.end()) it->second = c.detail.rfind("ready", 0) == 0;
    } else if (c.kind == "quorum") {
      quorum = c.detail == "held";
    } else if (c.kind == "leader") {
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
  w.track_leader = w.leader = cluster.leader() >= 0;
  return w;
}

// Downtime, quorum loss and recovery, read off the changes after the inject.
void measure(const Timeline& after, Watch w, TimeMs inject_ms, TimeMs undo_ms, TimeMs end_ms,
             FaultOutcome& out) {
  std::map<std::string, TimeMs> down_since;
  TimeMs quorum_lost_since = w.quorum ? -1 : inject_ms;
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
    if (c.kind == "service" && w.service_up.count(c.subject)) {
      if (!w.service_up[c.subject]) {
        down_since.try_emplace(c.subject, c.t_ms);
      } else if (const auto it = down_since.find(c.subject); it != down_since.end()) {
        out.downtime_ms[c.subject] += c.t_ms - it->second;
        down_since.erase(it);
      }
    } else if (c.kind == "quorum") {
      if (!w.quorum && quorum_lost_since < 0) quorum_lost_since = c.t_ms;
      if (w.quorum && quorum_lost_since >= 0) {
        out.quorum_lost = true;
        out.quorum_lost_ms += c.t_ms - quorum_lost_since;
        quorum_lost_since = -1;
      }
    }
    settle(c.t_ms);
  }
  if (!undone) settle(undo_ms);
  for (const auto& [service, since] : down_since) out.downtime_ms[service] += end_ms - since;
  if (quorum_lost_since >= 0) {
    out.quorum_lost = true;
    out.quorum_lost_ms += end_ms - quorum_lost_since;
  }
  if (good_since >= 0) out.recovery_ms = good_since - undo_ms;
}

// Is `a` a worse run than `b`? Quorum loss first, then total downtime, then recovery.
bool worse(const FaultOutcome& a, const FaultOutcome& b) {
  auto total = [](const FaultOutcome& o) {
    DurationMs sum = 0;
    for (const auto& [name, ms] : o.downtime_ms) sum += ms;
    return sum;
  };
  const DurationMs ra = a.recovery_ms.value_or(-1), rb = b.recovery_ms.value_or(-1);
  if (a.quorum_lost_ms != b.quorum_lost_ms) return a.quorum_lost_ms > b.quorum_lost_ms;
  if (total(a) != total(b)) return total(a) > total(b);
  if ((ra < 0) != (rb < 0)) return ra < 0;
  return ra > rb;
}

void merge(FaultOutcome& into, const FaultOutcome& run) {
  into.quorum_lost = into.quorum_lost || run.quorum_lost;
  into.quorum_lost_ms = std::max(into.quorum_lost_ms, run.quorum_lost_ms);
  for (const auto& [service, ms] : run.downtime_ms) {
    into.downtime_ms[service] = std::max(into.downtime_ms[service], ms);
  }
  for (const std::string& s : run.down_before) {
    if (std::find(into.down_before.begin(), into.down_before.end(), s) == into.down_before.end()) {
      into.down_before.push_back(s);
    }
  }
  for (const std::string& r : run.refused) {
    if (std::find(into.refused.begin(), into.refused.end(), r) == into.refused.end()) {
      into.refused.push_back(r);
    }
  }
  if (!run.recovery_ms || !into.recovery_ms) {
    into.recovery_ms.reset();
  } else {
    into.recovery_ms = std::max(*into.recovery_ms, *run.recovery_ms);
  }
}

}  // namespace

FaultOutcome run_faults(const std::shared_ptr<const Plan>& plan, const std::vector<const Fault*>& faults,
                        std::uint64_t seed, const SweepSettings& settings) {
  FaultOutcome out;
  out.worst_seed = seed;
  for (const Fault* f : faults) {
    out.faults.push_back(f->id);
    for (const std::string& n : f->involves) {
      if (std::find(out.involves.begin(), out.involves.end(), n) == out.involves.end()) {
        out.involves.push_back(n);
      }
    }
  }
  SimCluster cluster(plan, seed);
  cluster.run_until(settings.fault_at_ms);
  (void)cluster.take_changes();
  const Watch before = baseline(cluster, out);
  std::vector<bool> injected;
  TimeMs t = settings.fault_at_ms;
  for (const Fault* f : faults) {
    cluster.run_until(t);
    bool all = true;
    for (const Action& a : f->inject) {
      const std::string answer = cluster.apply(a);
      if (accepted(answer)) continue;
      all = false;
      out.refused.push_back(f->id + ": " + answer);
    }
    injected.push_back(all);
    t += kPairGapMs;
  }
  const TimeMs undo_ms = settings.fault_at_ms + settings.hold_ms;
  cluster.run_until(undo_ms);
  for (std::size_t i = faults.size(); i-- > 0;) {
    if (!injected[i]) continue;
    for (const Action& a : faults[i]->undo) (void)cluster.apply(a);
  }
  const TimeMs end_ms = undo_ms + settings.horizon_ms;
  cluster.run_until(end_ms);
  measure(cluster.take_changes(), before, settings.fault_at_ms, undo_ms, end_ms, out);
  return out;
}

SweepResult sweep_faults(const std::shared_ptr<const Plan>& plan, const SweepSettings& settings) {
  SweepResult result;
  result.depth = settings.depth;
  result.seeds = settings.seeds;
  result.fault_at_ms = settings.fault_at_ms;
  result.hold_ms = settings.hold_ms;
  result.horizon_ms = settings.horizon_ms;
  const std::vector<Fault> faults = single_faults(*plan);
  std::vector<std::vector<const Fault*>> sets;
  for (const Fault& f : faults) sets.push_back({&f});
  if (settings.depth >= 2) {
    for (std::size_t i = 0; i < faults.size(); ++i) {
      for (std::size_t j = i + 1; j < faults.size(); ++j) {
        if (compatible(faults[i], faults[j])) sets.push_back({&faults[i], &faults[j]});
      }
    }
  }
  for (const std::vector<const Fault*>& set : sets) {
    FaultOutcome worst;
    FaultOutcome merged;
    for (std::size_t s = 0; s < settings.seeds.size(); ++s) {
      FaultOutcome run = run_faults(plan, set, settings.seeds[s], settings);
      if (s == 0) {
        merged = run;
        worst = run;
        continue;
      }
      if (worse(run, worst)) worst = run;
      merge(merged, run);
    }
    merged.worst_seed = worst.worst_seed;
    result.outcomes.push_back(std::move(merged));
  }
  return result;
}

}  // namespace clawsim
