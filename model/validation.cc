#include "model/validation.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "model/runner.h"

namespace clawsim {

namespace {

Action action(ActionKind kind, const std::string& node) {
  Action a;
  a.kind = kind;
  a.node = node;
  return a;
}

Fault node_fault(const std::string& kind, const std::string& verb, ActionKind inject,
                 ActionKind undo, const std::string& node) {
  Fault f;
  f.id = verb + " " + node;
  f.kind = kind;
  f.subjects = {node};
  f.involves = {node};
  f.inject = {action(inject, node)};
  f.undo = {action(undo, node)};
  return f;
}

Fault partition_fault(const Plan& plan, std::vector<std::string> a, std::vector<std::string> b) {
  Fault f;
  f.kind = "partition";
  Action split;
  split.kind = ActionKind::kPartition;
  split.groups = {a, b};
  f.id = split.describe();
  f.inject = {split};
  f.undo = {action(ActionKind::kHeal, "")};
  for (const NodeSpec& node : plan.nodes) f.subjects.push_back(node.name);
  if (a.size() <= b.size()) f.involves.insert(f.involves.end(), a.begin(), a.end());
  if (b.size() <= a.size()) f.involves.insert(f.involves.end(), b.begin(), b.end());
  std::sort(f.involves.begin(), f.involves.end());
  return f;
}

// Every split of the nodes into two non-empty groups, the first node always in group one.
std::vector<Fault> every_partition(const Plan& plan) {
  std::vector<Fault> out;
  const std::size_t n = plan.nodes.size();
  for (std::uint32_t mask = 1; mask < (1U << (n - 1)); ++mask) {
    std::vector<std::string> a, b;
    for (std::size_t i = 0; i < n; ++i) {
      // bit i-1 of mask puts node i (i >= 1) on the far side; node 0 stays on the near side
      const bool far = i > 0 && ((mask >> (i - 1)) & 1U);
      (far ? b : a).push_back(plan.nodes[i].name);
    }
    out.push_back(partition_fault(plan, std::move(a), std::move(b)));
  }
  return out;
}

// Past kSweepEveryNodeUpTo nodes, the splits that matter (partitions_swept says which).
std::vector<Fault> partitions_that_matter(const Plan& plan) {
  std::vector<std::string> managers;  // the leader first, then in the plan's order
  for (const NodeSpec& n : plan.nodes) {
    if (n.role == Role::kManager) managers.push_back(n.name);
  }
  std::stable_partition(managers.begin(), managers.end(), [&](const std::string& m) { return m == plan.leader; });
  std::vector<Fault> out;
  std::set<std::string> ids;
  auto add = [&](const std::vector<std::string>& cut_off) {
    std::vector<std::string> rest;
    for (const NodeSpec& n : plan.nodes) {
      if (std::find(cut_off.begin(), cut_off.end(), n.name) == cut_off.end()) rest.push_back(n.name);
    }
    if (cut_off.empty() || rest.empty()) return;
    Fault f = partition_fault(plan, rest, cut_off);
    // named by the side cut off: the other side is every other node, too many to list
    std::string cut;
    for (const std::string& n : cut_off) cut += (cut.empty() ? "" : " ") + n;
    f.id = "partition [" + cut + "] from the other " + std::to_string(rest.size()) + " nodes";
    if (ids.insert(f.id).second) out.push_back(std::move(f));
  };
  // Each manager cut off from every other node.
  for (const std::string& m : managers) add({m});
  // The managers split: the leader and the k managers after it on one side, the others (and
  // every worker) on the other, for each k; the workers go with the larger side of managers,
  // the leader's on a tie.
  for (std::size_t k = 1; k < managers.size(); ++k) {
    std::vector<std::string> leaders_side(managers.begin(), managers.begin() + static_cast<std::ptrdiff_t>(k));
    if (2 * k >= managers.size()) {
      std::vector<std::string> other(managers.begin() + static_cast<std::ptrdiff_t>(k), managers.end());
      add(other);  // the workers stay with the leader's side
    } else {
      add(leaders_side);
    }
  }
  // Each failure domain cut off.
  std::map<std::string, std::vector<std::string>> domains;
  for (const NodeSpec& n : plan.nodes) {
    if (!n.failure_domain.empty()) domains[n.failure_domain].push_back(n.name);
  }
  for (const auto& [domain, nodes] : domains) add(nodes);
  return out;
}

std::vector<Fault> partitions(const Plan& plan) {
  if (plan.nodes.size() < 2) return {};
  return partitions_skipped(plan).empty() ? every_partition(plan) : partitions_that_matter(plan);
}

// Every failure domain of two or more nodes lost at once: its nodes crash together.
std::vector<Fault> domain_outages(const Plan& plan) {
  std::map<std::string, std::vector<std::string>> domains;
  for (const NodeSpec& n : plan.nodes) {
    if (!n.failure_domain.empty()) domains[n.failure_domain].push_back(n.name);
  }
  std::vector<Fault> out;
  for (const auto& [domain, nodes] : domains) {
    if (nodes.size() < 2) continue;
    Fault f;
    f.id = "domain-outage " + domain;
    f.kind = "domain-outage";
    f.subjects = nodes;
    f.involves = nodes;
    for (const std::string& n : nodes) {
      f.inject.push_back(action(ActionKind::kCrashNode, n));
      f.undo.push_back(action(ActionKind::kRestartNode, n));
    }
    out.push_back(std::move(f));
  }
  return out;
}

bool involves_any(const FaultOutcome& o, const std::vector<std::string>& nodes) {
  return std::any_of(o.involves.begin(), o.involves.end(), [&](const std::string& n) {
    return std::find(nodes.begin(), nodes.end(), n) != nodes.end();
  });
}

std::string fault_name(const FaultOutcome& o) {
  std::string out;
  for (const std::string& f : o.faults) out += (out.empty() ? "" : " + ") + f;
  return out;
}

std::string seed_note(const FaultOutcome& o) { return " (seed " + std::to_string(o.seed) + ")"; }

// Did the plan fail the objective before the fault came (nothing the fault did)?
bool broken_before_fault(const Objective& obj, const FaultOutcome& o) {
  if (obj.kind == Objective::Kind::kQuorumHeld) return !o.quorum_before;
  return (obj.kind == Objective::Kind::kMaxDowntime || obj.kind == Objective::Kind::kMinReplicas) &&
         std::find(o.down_before.begin(), o.down_before.end(), obj.service) != o.down_before.end();
}

// Why this outcome breaks the objective, or "" when it does not.
std::string breach(const Objective& obj, const FaultOutcome& o) {
  switch (obj.kind) {
    case Objective::Kind::kQuorumHeld:
      if (!o.quorum_lost) return "";
      return "quorum lost for " + format_time(o.quorum_lost_for_ms) + seed_note(o);
    case Objective::Kind::kMaxDowntime: {
      const auto it = o.downtime_ms.find(obj.service);
      const DurationMs down = it == o.downtime_ms.end() ? 0 : it->second;
      if (down <= obj.limit_ms) return "";
      return obj.service + " down for " + format_time(down) + seed_note(o);
    }
    case Objective::Kind::kMinReplicas: {
      const auto it = o.lowest_replicas_pct.find(obj.service);
      if (it == o.lowest_replicas_pct.end() || it->second + 1e-9 >= obj.min_replicas_pct) return "";
      return obj.service + " down to " + o.lowest_replicas.at(obj.service) + " of its replicas" + seed_note(o);
    }
    case Objective::Kind::kRecoversWithin:
      if (!o.recovery_ms) return "not recovered by the end of the run" + seed_note(o);
      if (*o.recovery_ms <= obj.limit_ms) return "";
      return "recovered " + format_time(*o.recovery_ms) + " after the undo" + seed_note(o);
  }
  return "";
}

}  // namespace

std::string partitions_skipped(const Plan& plan) {
  const std::size_t n = plan.nodes.size();  // 12 nodes: 2^11 - 1 = 2047 splits
  if (n <= kSweepEveryNodeUpTo) return "";
  const std::string splits = n - 1 < 64 ? std::to_string((std::uint64_t{1} << (n - 1)) - 1)
                                         : "2^" + std::to_string(n - 1) + " - 1";
  return "partitions: " + std::to_string(n) + " nodes make " + splits + " two-way splits (every one is swept up to " +
         std::to_string(kSweepEveryNodeUpTo) + " nodes); swept instead: each manager cut off from every other node, " +
         "the managers split (the leader and the next k on one side, for each k; the workers with the larger side) " +
         "and each failure domain cut off";
}

namespace {

// What tells a worker apart from another, or "" when it is its own: named somewhere, or the
// NFS server, or the leader.
std::string worker_signature(const Plan& plan, const NodeSpec& node) {
  if (node.role != Role::kWorker || node.name == plan.leader) return "";
  if (plan.nfs && plan.nfs->server == node.name) return "";
  auto names = [&](const std::string& text) {
    return text.find(node.name) != std::string::npos || text.find(node.id) != std::string::npos ||
           text.find(node.address) != std::string::npos;
  };
  for (const ServiceSpec& s : plan.services) {
    for (const Constraint& c : s.constraints) {
      if (names(c.text)) return "";
    }
  }
  for (const Objective& o : plan.objectives) {
    if (std::find(o.except.begin(), o.except.end(), node.name) != o.except.end()) return "";
  }
  std::string key = std::string(to_string(node.availability)) + "\n" + node.platform_os + "/" +
                    node.platform_arch + "\n" + node.failure_domain + "\n";
  for (const auto& [k, v] : node.labels) key += "l " + k + "=" + v + "\n";
  for (const auto& [k, v] : node.engine_labels) key += "e " + k + "=" + v + "\n";
  for (std::size_t b = 0; b < plan.firewall.size(); ++b) {
    const FirewallStep& step = plan.firewall[b];
    for (const std::string& command : step.commands) {
      if (names(command)) return "";
    }
    if (std::find(step.nodes.begin(), step.nodes.end(), node.name) != step.nodes.end()) {
      key += "f " + std::to_string(b) + "\n";
    }
  }
  return key;
}

}  // namespace

std::vector<AlikeWorkers> alike_workers(const Plan& plan) {
  std::vector<AlikeWorkers> out;
  if (plan.nodes.size() <= kSweepEveryNodeUpTo) return out;
  std::map<std::string, std::size_t> group_of;  // signature -> index in out
  for (const NodeSpec& n : plan.nodes) {
    const std::string key = worker_signature(plan, n);
    if (key.empty()) continue;
    const auto [at, fresh] = group_of.emplace(key, out.size());
    if (fresh) {
      out.push_back(AlikeWorkers{n.name, {}});
    } else {
      out[at->second].others.push_back(n.name);
    }
  }
  out.erase(std::remove_if(out.begin(), out.end(), [](const AlikeWorkers& g) { return g.others.empty(); }),
            out.end());
  return out;
}

std::vector<std::string> alike_workers_notes(const Plan& plan) {
  std::vector<std::string> out;
  for (const AlikeWorkers& g : alike_workers(plan)) {
    out.push_back("alike workers: the crash, daemon stop and drain of " + g.representative + " stand for " +
                  std::to_string(g.others.size()) + " more (" + g.others.front() +
                  (g.others.size() > 1 ? " .. " + g.others.back() : "") +
                  "): same availability, labels, platform, failure domain and firewall blocks, named nowhere");
  }
  return out;
}

const std::vector<std::string>& fault_kinds() {
  static const std::vector<std::string> kinds = {"crash",     "daemon-stop", "demote",       "drain",
                                                 "partition", "nfs-outage",  "domain-outage"};
  return kinds;
}

bool worse_outcome(const FaultOutcome& a, const FaultOutcome& b) {
  auto total = [](const FaultOutcome& o) {
    DurationMs sum = 0;
    for (const auto& [name, ms] : o.downtime_ms) sum += ms;
    return sum;
  };
  const DurationMs ra = a.recovery_ms.value_or(-1), rb = b.recovery_ms.value_or(-1);
  if (a.quorum_lost_for_ms != b.quorum_lost_for_ms) return a.quorum_lost_for_ms > b.quorum_lost_for_ms;
  if (total(a) != total(b)) return total(a) > total(b);
  if ((ra < 0) != (rb < 0)) return ra < 0;
  return ra > rb;
}

std::vector<Fault> single_faults(const Plan& plan) {
  std::set<std::string> stood_for;  // alike workers another one stands for
  for (const AlikeWorkers& g : alike_workers(plan)) stood_for.insert(g.others.begin(), g.others.end());
  auto swept = [&](const NodeSpec& n) { return stood_for.count(n.name) == 0; };
  std::vector<Fault> out;
  for (const NodeSpec& n : plan.nodes) {
    if (!swept(n)) continue;
    out.push_back(node_fault("crash", "crash", ActionKind::kCrashNode, ActionKind::kRestartNode, n.name));
  }
  for (const NodeSpec& n : plan.nodes) {
    if (!swept(n)) continue;
    out.push_back(node_fault("daemon-stop", "stop-daemon", ActionKind::kStopDaemon,
                             ActionKind::kStartDaemon, n.name));
  }
  for (const NodeSpec& n : plan.nodes) {
    if (n.role != Role::kManager) continue;
    out.push_back(node_fault("demote", "demote", ActionKind::kDemote, ActionKind::kPromote, n.name));
  }
  for (const NodeSpec& n : plan.nodes) {
    if (!swept(n)) continue;
    out.push_back(node_fault("drain", "drain", ActionKind::kDrain, ActionKind::kActivate, n.name));
  }
  for (Fault& f : partitions(plan)) out.push_back(std::move(f));
  if (plan.nfs) {
    Fault f;
    f.id = "nfs-outage " + plan.nfs->server;
    f.kind = "nfs-outage";
    f.subjects = {plan.nfs->server};
    f.involves = {plan.nfs->server};
    f.inject = {action(ActionKind::kNfsStop, "")};
    f.undo = {action(ActionKind::kNfsStart, "")};
    out.push_back(std::move(f));
  }
  for (Fault& f : domain_outages(plan)) out.push_back(std::move(f));
  return out;
}

bool compatible(const Fault& a, const Fault& b) {
  if (a.kind == "partition" && b.kind == "partition") return false;
  if (a.kind == "partition" || b.kind == "partition") return true;
  for (const std::string& s : a.subjects) {
    if (std::find(b.subjects.begin(), b.subjects.end(), s) != b.subjects.end()) return false;
  }
  return true;
}

void SweepResult::add_fault_set(std::vector<FaultOutcome> set_runs) {
  std::size_t worst = 0;
  for (std::size_t s = 1; s < set_runs.size(); ++s) {
    if (worse_outcome(set_runs[s], set_runs[worst])) worst = s;
  }
  outcomes.push_back(set_runs.at(worst));  // one seed's numbers, reproducible with it
  runs.push_back(std::move(set_runs));
}

std::vector<Objective> objectives_of(const Plan& plan, bool& implicit) {
  implicit = plan.objectives.empty();
  if (!implicit) return plan.objectives;
  Objective o;
  o.name = "the quorum survives any single fault";
  o.kind = Objective::Kind::kQuorumHeld;
  return {o};
}

std::vector<ObjectiveVerdict> judge_objectives(const Plan& plan, const SweepResult& sweep) {
  bool implicit = false;
  std::vector<ObjectiveVerdict> out;
  for (const Objective& obj : objectives_of(plan, implicit)) {
    ObjectiveVerdict v;
    v.name = obj.name;
    v.implicit = implicit;
    v.line = obj.line;
    int broken_before = 0;  // fault sets whose every run found the plan already failing it
    for (std::size_t i = 0; i < sweep.outcomes.size(); ++i) {
      const FaultOutcome& shown = sweep.outcomes[i];
      if (static_cast<int>(shown.faults.size()) > obj.depth) continue;
      if (involves_any(shown, obj.except)) {
        ++v.excepted;
        continue;
      }
      ++v.judged;
      // Every seed's run is judged; the first that breaks the objective is named.
      const std::vector<FaultOutcome> one = {shown};
      const std::vector<FaultOutcome>& runs = i < sweep.runs.size() ? sweep.runs[i] : one;
      bool before = true;
      std::string why;
      for (const FaultOutcome& run : runs) {
        if (broken_before_fault(obj, run)) continue;
        before = false;
        if (why.empty()) why = breach(obj, run);
      }
      if (before) {
        ++broken_before;
      } else if (!why.empty()) {
        v.failures.push_back(fault_name(shown) + ": " + why);
        v.broken_by.push_back(i);
      }
    }
    if (broken_before > 0) {
      const std::string what = obj.kind == Objective::Kind::kQuorumHeld
                                   ? std::string("the swarm has no quorum")
                                   : obj.service + " is down";
      v.failures.insert(v.failures.begin(), what + " before the fault in " +
                                                std::to_string(broken_before) + " of " +
                                                std::to_string(v.judged) +
                                                " fault outcomes: the plan's own state");
    }
    if (v.judged == 0) v.failures.push_back("no fault outcome to judge it on");
    v.holds = v.failures.empty();
    out.push_back(std::move(v));
  }
  return out;
}

Scenario replay_scenario(const SweepResult& sweep, const FaultOutcome& run, const std::string& plan_label) {
  std::string set;
  for (const std::string& f : run.faults) set += (set.empty() ? "" : " + ") + f;
  Scenario s;
  s.name = "replay: " + set;
  s.description = "validate's fault run '" + set + "' on seed " + std::to_string(run.seed) + " (plan " +
                  plan_label + "): run it with --seed " + std::to_string(run.seed) + " and that plan";
  s.duration_ms = sweep.fault_at_ms + sweep.hold_ms + sweep.horizon_ms;
  s.timeline = run.applied;
  return s;
}

std::string replay_file_name(std::size_t rank, const FaultOutcome& run) {
  std::string slug;
  for (const std::string& f : run.faults) {
    for (const char ch : (slug.empty() ? "" : "+") + f) {
      const auto c = static_cast<unsigned char>(ch);
      const char out = std::isalnum(c) ? static_cast<char>(std::tolower(c)) : '-';
      if (out == '-' && (slug.empty() || slug.back() == '-')) continue;
      slug += out;
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  if (slug.size() > 60) slug.resize(60);
  const std::string number = std::to_string(rank);
  return std::string(number.size() < 2 ? 2 - number.size() : 0, '0') + number + "-" + slug + ".yaml";
}

}  // namespace clawsim
