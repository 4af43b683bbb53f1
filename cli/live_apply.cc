// `clawsim live apply`: converge a cluster to a plan, with the model as the gate (see README,
// "live apply: the model is the gate").
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <ctime>
#include <iostream>
#include <memory>

#include "cli/live_common.h"
#include "live/live_driver.h"
#include "model/plan_diff.h"
#include "model/report.h"
#include "sim/apply_check.h"
#include "sim/parallel.h"

namespace clawsim::live_cli {

namespace {


void print_gate(const PlanGate& g, const std::string& plan_name) {
  std::cout << "validate plan " << plan_name << ": " << g.errors.size() << " error(s), " << g.warnings
            << " warning(s), " << g.failed.size() << " failed objective(s)\n";
  for (const std::string& b : g.blocking) std::cout << "  blocks --execute  " << b << "\n";
  for (const std::string& b : g.accepted) std::cout << "  accepted          " << b << "\n";
  for (const std::string& u : g.unused_accepts) {
    std::cout << "  note: --accept " << u << " matches no error or failed objective of this plan\n";
  }
}

// What the model predicts each step does, beside the step.
void print_prediction(const ApplyPrediction& p) {
  std::cout << "\nthe model starts from the cluster as observed:\n";
  for (const std::string& n : p.start.notes) std::cout << "  " << n << "\n";
  std::cout << "  before: " << describe(p.replay.before_quorum) << "\n";
  for (const std::string& d : p.replay.before_down) std::cout << "  down: " << d << "\n";
  if (!p.todo.order.empty()) std::cout << "order: " << p.todo.order << "\n";
  for (std::size_t i = 0; i < p.todo.steps.size(); ++i) {
    const ConvergeStep& step = p.todo.steps[i];
    const StepReport& r = p.replay.steps[i];
    std::cout << "\nstep " << i + 1 << "  docker " << step.docker_args << "\n"
              << "        closes: " << step.why << "\n"
              << "        model: " << (r.refused ? "REFUSED: " : "") << r.answer << "\n"
              << "        then: " << describe(r.quorum) << "\n";
    if (r.quorum_lost_for_ms > 0) std::cout << "        quorum lost for " << format_time(r.quorum_lost_for_ms) << "\n";
    for (const std::string& d : r.down) std::cout << "        down: " << d << "\n";
    for (const Finding& f : r.new_findings) {
      std::cout << "        now " << to_string(f.severity) << " " << f.rule << ": " << f.message << "\n";
    }
    std::cout << "        undo: docker " << step.undo_args << "\n";
  }
}

// "" when a task of the service runs on a node that meets its constraints as the cluster now has
// them; otherwise what is seen instead. Until an update has replaced the old task, the old one
// still serves, so "up" alone does not say the step took effect.
std::string not_running_as_specified(const ClusterState& now, const ServiceState& sv) {
  std::vector<Constraint> constraints;
  for (const std::string& text : sv.constraints) {
    Result<Constraint> c = parse_constraint(text);
    // What the observation does not show (platform, engine labels) is not judged.
    const bool observed = c && c.value().key.find("platform") == std::string::npos &&
                          c.value().key.rfind("engine.", 0) != 0;
    if (observed) constraints.push_back(std::move(c).value());
  }
  std::string last;
  for (const TaskState& t : now.tasks) {
    if (t.service != sv.name) continue;
    if (!t.message.empty() && last.empty()) last = t.state + " \"" + t.message + "\"";
    if (t.state != "running" || t.desired != "running") continue;
    for (const NodeState& n : now.nodes) {
      if (n.name != t.node) continue;
      NodeFacts facts;
      facts.id = n.id;
      facts.hostname = n.name;
      facts.role = n.role;
      facts.labels = n.labels;
      if (all_constraints_match(constraints, facts)) return "";
    }
  }
  return sv.name + ": no task running where its constraints place it" + (last.empty() ? "" : " (latest: " + last + ")");
}

// Does the cluster show what the model predicted after step `i`? "" when it does, else what differs.
std::string differs_from_prediction(const Plan& plan, const ApplyPrediction& p, std::size_t i,
                                    const ClusterState& now) {
  const ConvergeStep& step = p.todo.steps[i];
  const StepReport& predicted = p.replay.steps[i];
  if (now.leader.empty() && !predicted.quorum.leader.empty()) return "no leader";
  for (const PlanDifference& d : diff_plan(plan, now)) {
    if (d.subject == step.closes.subject && d.field == step.closes.field) return "not yet: " + describe(d);
  }
  if (step.manager_change && step.closes.planned == "manager") {
    const std::string node = step.closes.subject.substr(5);
    for (const NodeState& n : now.nodes) {
      if (n.name == node && n.manager_status != "Leader" && n.manager_status != "Reachable") {
        return node + " is a manager but not yet Reachable (" + n.manager_status + ")";
      }
    }
  }
  const QuorumMargin q = quorum_margin(now);
  if (q.margin() < predicted.quorum.margin()) {
    return "quorum margin " + std::to_string(q.margin()) + ", the model predicted " +
           std::to_string(predicted.quorum.margin());
  }
  for (const ServiceState& sv : now.services) {
    if (plan.service_index(sv.name) < 0) continue;
    bool predicted_down = false;
    for (const std::string& d : predicted.down) predicted_down = predicted_down || d.rfind(sv.name + ":", 0) == 0;
    if (predicted_down) continue;
    if (const std::string why = not_running_as_specified(now, sv); !why.empty()) {
      return why + "; the model has it up";
    }
  }
  return "";
}

// Undoes the steps done so far, newest first, through the journal.
bool undo_steps(LiveCluster& cluster, Journal& journal, std::vector<JournalEntry>& done) {
  bool all = true;
  std::string error;
  for (auto it = done.rbegin(); it != done.rend(); ++it) {
    cluster.note("undo " + it->action + ": docker " + it->undo);
    CommandResult r;
    for (int n = 0; n < static_cast<int>(cluster.inventory().nodes.size()); ++n) {
      r = cluster.docker(n, it->undo);
      if (r.ok()) break;
    }
    std::cout << "undo " << it->action << ": docker " << it->undo << ": " << (r.ok() ? "ok" : r.describe()) << "\n";
    if (r.ok()) {
      it->status = JournalStatus::kUndone;
      (void)journal.append(*it, error);
    } else {
      all = false;
    }
  }
  done.clear();
  return all;
}

constexpr int kStepWaitSeconds = 120;  // a promotion can take 30-40 s to become Reachable

// What an apply changes, and what must be back after its undo: roles, availability, labels,
// the services' specs, and every service that was up running again.
std::string apply_shape(const ClusterState& s) {
  // Not the nodes' status: a node may turn Ready or Unknown on its own while apply runs.
  std::string out;
  for (const NodeState& n : s.nodes) {
    out += n.name + ":" + n.availability + ":" + n.role + ":";
    for (const auto& [k, v] : n.labels) out += k + "=" + v + ",";
    out += ";";
  }
  for (const ServiceState& sv : s.services) {
    std::vector<std::string> cs = sv.constraints;
    for (std::string& c : cs) c.erase(std::remove(c.begin(), c.end(), ' '), c.end());
    std::sort(cs.begin(), cs.end());
    out += sv.name + ":" + std::to_string(sv.replicas) + ":" + joined(cs, ",") + ";";
  }
  return out;
}

// After an undo: waits until the cluster is as it was before the apply.
void wait_restored(LiveCluster& cluster, const ClusterState& before) {
  std::string error, missing = "not observed";
  for (int t = 0; t < kStepWaitSeconds / 2 && !missing.empty(); ++t) {
    if (t > 0) sleep(2);
    ClusterState now;
    if (!cluster.observe(now, error)) {
      missing = error;
      continue;
    }
    const std::string was = apply_shape(before), is = apply_shape(now);
    if (was != is) {
      // Say where: the first part (a node's or a service's) that differs.
      std::size_t at = 0;
      while (at < was.size() && at < is.size() && was[at] == is[at]) ++at;
      const std::size_t start = was.rfind(';', at == 0 ? 0 : at - 1);
      const std::size_t from = start == std::string::npos ? 0 : start + 1;
      missing = "was '" + was.substr(from, was.find(';', from) - from) + "', is '" +
                is.substr(from, is.find(';', from) - from) + "'";
    } else {
      missing.clear();
    }
    for (const ServiceState& b : before.services) {
      for (const ServiceState& n : now.services) {
        if (missing.empty() && b.up && n.name == b.name && !n.up) missing = n.name + " is not back up";
      }
    }
  }
  std::cout << (missing.empty() ? "cluster restored to its state before the apply\n"
                                : "WARNING: the cluster is not back to its state before the apply: " + missing + "\n");
}

}  // namespace

int cmd_apply(const LiveArgs& a) {
  LiveCluster cluster(load_inventory(a));
  const Plan plan = *load_plan(a).plan;
  // 1. the plan itself, judged as `validate` judges it
  const PlanGate gate = gate_plan(std::make_shared<const Plan>(plan), a.accept, default_jobs());
  print_gate(gate, plan.name);
  // 2. the converging steps, replayed in the model from the cluster as it is
  ClusterState s;
  std::vector<ObservedFirewall> firewalls;
  std::string error;
  if (!cluster.observe(s, error)) throw Failure{2, error};
  if (!cluster.observe_firewalls(firewalls, error)) throw Failure{2, error};
  const ApplyPrediction p = predict_apply(plan, s, firewalls, error);
  if (!error.empty()) throw Failure{2, error};
  for (const std::string& r : p.todo.refused) std::cout << "not applied: " << r << "\n";
  if (p.todo.steps.empty()) {
    std::cout << "the cluster matches plan " << plan.name << ": nothing to do\n";
    return p.todo.refused.empty() ? 0 : 1;
  }
  if (p.replay.steps.size() != p.todo.steps.size()) throw Failure{2, "the converging steps and their replay differ in number"};
  print_prediction(p);
  const std::string refusal = p.refusal();
  std::vector<std::string> why_not;
  if (!gate.pass()) {
    std::vector<std::string> names;
    auto add = [&](const std::string& n) {
      if (std::find(a.accept.begin(), a.accept.end(), n) == a.accept.end() &&
          std::find(names.begin(), names.end(), n) == names.end()) {
        names.push_back(n);
      }
    };
    for (const Finding& f : gate.errors) add(f.rule);
    for (const ObjectiveVerdict& v : gate.failed) add(v.name);
    for (std::string& n : names) n = shell_quoted(n);
    why_not.push_back("the plan fails validate (waive each in the plan, or pass --accept " +
                      joined(names, " --accept ") + ")");
  }
  if (!refusal.empty()) why_not.push_back(refusal);
  std::cout << "\nverdict: " << (why_not.empty() ? "the model predicts every step is accepted, the quorum kept "
                                                   "and nothing left down"
                                                 : "REFUSED: " + joined(why_not, "; "))
            << "\n";
  if (!a.execute) {
    std::cout << "dry run: pass --execute to apply\n";
    return why_not.empty() && p.todo.refused.empty() ? 0 : 1;
  }
  if (!why_not.empty()) return 1;
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  // 3. one step at a time, each journaled with its undo, observed against the prediction
  const std::string journal_path =
      a.journal.empty() ? "clawsim-apply-" + plan.name + "-" + std::to_string(std::time(nullptr)) + ".journal" : a.journal;
  Journal journal;
  if (!journal.open(journal_path, error)) throw Failure{2, error};
  std::cout << "\njournal " << journal_path << " (clawsim live recover --journal " << journal_path << ")\n";
  const std::unique_ptr<AuditLog> audit =
      AuditLog::open(a.log_file.empty() ? journal_path + ".audit.log" : a.log_file, a.log_level, error);
  if (!audit) throw Failure{2, error};
  cluster.set_audit(audit.get());
  audit->note("apply plan " + plan.name);
  std::cout << "audit log " << audit->path() << "\n";
  std::vector<JournalEntry> done;
  ClusterState before = s;
  for (std::size_t i = 0; i < p.todo.steps.size(); ++i) {
    const ConvergeStep& step = p.todo.steps[i];
    JournalEntry entry{static_cast<int>(i + 1), JournalStatus::kPlanned, "apply step " + std::to_string(i + 1) + ": " + step.why,
                       -1, step.docker_args, -1, step.undo_args};
    if (!journal.append(entry, error)) throw Failure{2, error};
    cluster.note(entry.action + ": docker " + step.docker_args + " (undo journaled: docker " + step.undo_args + ")");
    const int via = before.leader.empty() ? -1 : cluster.inventory().node_index(before.leader);
    const CommandResult r = via < 0 ? CommandResult{} : cluster.docker(via, step.docker_args);
    std::cout << "step " << i + 1 << "  docker " << step.docker_args << "\n";
    if (!r.ok()) {
      entry.status = JournalStatus::kFailed;
      (void)journal.append(entry, error);
      std::cout << "        Docker: " << (via < 0 ? "no leader to send it to" : r.describe())
                << "\n        the model predicted: " << p.replay.steps[i].answer << "\nstopping; undoing what was done\n";
      undo_steps(cluster, journal, done);
      wait_restored(cluster, s);
      return 1;
    }
    entry.status = JournalStatus::kDone;
    done.push_back(entry);
    if (!journal.append(entry, error)) {
      std::cout << "        the journal cannot record this step (" << error << "); stopping; undoing what was done\n";
      undo_steps(cluster, journal, done);
      wait_restored(cluster, s);
      return 1;
    }
    std::string differs = "not observed";
    ClusterState now;
    for (int t = 0; t < kStepWaitSeconds / 2 && !differs.empty(); ++t) {
      if (t > 0) sleep(2);
      if (g_stop.load()) break;
      differs = cluster.observe(now, error) ? differs_from_prediction(plan, p, i, now) : error;
    }
    if (!differs.empty()) {
      std::cout << "        observed: " << differs << " (after " << kStepWaitSeconds
                << " s); the model predicted: " << describe(p.replay.steps[i].quorum)
                << "\nstopping; undoing what was done\n";
      undo_steps(cluster, journal, done);
      wait_restored(cluster, s);
      return 1;
    }
    std::cout << "        observed: as predicted; " << describe(quorum_margin(now)) << "\n";
    before = now;
  }
  for (JournalEntry& e : done) {
    e.status = JournalStatus::kResolved;  // applied for good: nothing left to undo
    (void)journal.append(e, error);
  }
  std::cout << "applied: the cluster matches plan " << plan.name << "\n";
  return p.todo.refused.empty() ? 0 : 1;
}

}  // namespace clawsim::live_cli
