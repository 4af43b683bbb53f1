#include "cli/live_commands.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <csignal>
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/cli_io.h"
#include "gameday/trend.h"
#include "report/html.h"
#include "report/junit.h"
#include "live/live_driver.h"
#include "model/lint.h"
#include "model/observed_plan.h"
#include "model/plan_diff.h"
#include "model/plan_yaml.h"
#include "model/report.h"
#include "model/runner.h"
#include "scenarios/embedded.h"
#include "sim/apply_check.h"
#include "sim/sim_driver.h"

namespace clawsim {

namespace {

constexpr int kPredictionRuns = 200;
std::atomic<bool> g_stop{false};

void on_signal(int) { g_stop.store(true); }

struct Failure {
  int code;
  std::string message;
};

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Failure{2, path + ": cannot read the file"};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string dir_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

Inventory load_inventory(const LiveArgs& a) {
  if (a.inventory.empty()) throw Failure{2, "live commands need --inventory FILE"};
  Result<Inventory> inv = parse_inventory(read_text(a.inventory), a.inventory, dir_of(a.inventory));
  if (!inv) throw Failure{2, inv.error().to_string()};
  return std::move(inv).value();
}

cli::LoadedPlan load_plan(const LiveArgs& a) { return cli::load_plan(a.plan); }

void print_state(const ClusterState& s) {
  std::cout << "leader " << (s.leader.empty() ? "(none)" : s.leader) << "\n\nnodes\n";
  for (const NodeState& n : s.nodes) {
    std::string labels;
    for (const auto& [k, v] : n.labels) labels += (labels.empty() ? "" : ",") + k + "=" + v;
    std::cout << "  " << n.name << "  " << n.status << "  " << n.availability << "  "
              << (n.manager_status.empty() ? n.role : n.manager_status) << "  " << labels << "\n";
  }
  std::cout << "\nservices\n";
  for (const ServiceState& sv : s.services) {
    std::cout << "  " << sv.name << "  " << (sv.up ? "up" : "down: " + sv.reason) << "\n";
  }
}

int cmd_status(const LiveArgs& a) {
  LiveCluster cluster(load_inventory(a));
  const Plan plan = *load_plan(a).plan;
  ClusterState s;
  std::string error;
  if (!cluster.observe(s, error)) throw Failure{2, error};
  bool unreachable = false;
  for (int i = 0; i < static_cast<int>(cluster.inventory().nodes.size()); ++i) {
    const CommandResult r = cluster.run(i, "true", 10'000);
    if (!r.ok()) {
      std::cout << "unreachable: " << r.describe() << "\n";
      unreachable = true;
    }
  }
  print_state(s);
  const auto diffs = diff_plan(plan, s);
  std::cout << "\ndifferences from plan " << plan.name << ": " << (diffs.empty() ? "none" : "") << "\n";
  for (const PlanDifference& d : diffs) std::cout << "  " << describe(d) << "\n";
  // The plan wants every service up: one that is down is not the plan, whatever its spec says.
  bool down = false;
  for (const ServiceState& sv : s.services) {
    if (sv.up || plan.service_index(sv.name) < 0) continue;
    if (!down) std::cout << "\nservices of the plan that are down\n";
    std::cout << "  " << sv.name << ": " << sv.reason << "\n";
    down = true;
  }
  return diffs.empty() && !unreachable && !down ? 0 : 1;
}

bool allowed(const LiveArgs& a, const std::string& what) {
  return std::find(a.allow.begin(), a.allow.end(), what) != a.allow.end();
}

bool accepted(const LiveArgs& a, const std::string& rule) {
  return std::find(a.accept.begin(), a.accept.end(), rule) != a.accept.end();
}

std::string joined(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const std::string& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

// Unwaived errors of `observed` that `plan` does not have (the same rule about the same subject).
std::vector<Finding> new_errors(const Plan& plan, const Plan& observed) {
  const std::vector<Finding> had = lint_plan(plan);
  std::vector<Finding> out;
  for (const Finding& f : lint_plan(observed)) {
    if (f.waived || f.severity != Severity::kError) continue;
    const bool old = std::any_of(had.begin(), had.end(), [&](const Finding& h) {
      return h.rule == f.rule && h.subject == f.subject && !h.waived;
    });
    if (!old) out.push_back(f);
  }
  return out;
}

// The model's prediction for the scenario on this plan, over many seeds.
std::vector<RunResult> predict(const Plan& plan, const Scenario& s) {
  auto shared = std::make_shared<const Plan>(plan_for(plan, s));
  std::vector<RunResult> runs;
  for (int seed = 1; seed <= kPredictionRuns; ++seed) {
    SimDriver d(shared, static_cast<std::uint64_t>(seed), s.observe_interval_ms);
    runs.push_back(run_scenario(s, d, plan.name));
  }
  return runs;
}

bool healthy(const ClusterState& s, std::string& why) {
  if (s.leader.empty()) {
    why = "no leader";
    return false;
  }
  for (const NodeState& n : s.nodes) {
    if (n.status != "ready") {
      why = n.name + " is " + n.status;
      return false;
    }
  }
  return true;
}

// The shape of the cluster a drill must leave as it found it.
std::string shape(const ClusterState& s) {
  std::string out;
  for (const NodeState& n : s.nodes) {
    out += n.name + ":" + n.status + ":" + n.availability + ":" + n.role + ":";
    for (const auto& [k, v] : n.labels) out += k + "=" + v + ",";
    out += ";";
  }
  return out;
}

// The observed durations beside the model's range. An observed duration is known to the
// resolution of the sampling: each period it adds up is uncertain by one gap between two
// observations, so a sum of k periods is compared with k gaps of tolerance.
std::string compare_metrics(const std::vector<MeasureRecord>& measures, std::size_t runs, DurationMs gap_ms,
                            bool& outside) {
  std::string out = "prediction (" + std::to_string(runs) + " simulated runs) vs observed (tolerance " +
                    format_time(gap_ms) + " per period measured: the longest gap between two observations)\n";
  for (const MeasureRecord& m : measures) {
    if (!m.predicted_min_ms) {
      out += "  " + m.metric + ": observed " + format_time(m.observed_ms) + ": not predicted\n";
      continue;
    }
    outside = outside || !m.inside;
    out += "  " + m.metric + ": observed " + format_time(m.observed_ms) + ", predicted " +
           format_time(*m.predicted_min_ms) + ".." + format_time(*m.predicted_max_ms) + " (median " +
           format_time(*m.predicted_median_ms) + "): " + (m.inside ? "within" : "OUTSIDE") + "\n";
  }
  return out;
}

// One drill, start to end; `record` gets its verdict and every measure beside the prediction.
int drill(const LiveArgs& a, const std::string& ref, DrillRecord& record) {
  LiveCluster cluster(load_inventory(a));
  const cli::LoadedPlan loaded = load_plan(a);
  const Plan& plan = *loaded.plan;
  const Scenario scenario = cli::load_scenario(ref, plan);
  record.drill = scenario.name;
  const std::string journal_path =
      a.journal.empty() ? "clawsim-drill-" + scenario.name + "-" + std::to_string(std::time(nullptr)) + ".journal"
                        : a.journal;
  // Every remote command, from the preflight on, to the audit log beside the journal.
  std::string audit_error;
  const std::unique_ptr<AuditLog> audit =
      a.dry_run && a.log_file.empty() ? nullptr
                                      : AuditLog::open(a.log_file.empty() ? journal_path + ".audit.log" : a.log_file,
                                                       a.verbose, audit_error);
  if (!audit && !audit_error.empty()) throw Failure{2, audit_error};
  cluster.set_audit(audit.get());
  if (audit) audit->note("drill " + scenario.name + " on plan " + plan.name + " (" + loaded.digest + ")");
  ClusterState before;
  std::string error;
  // 1. preflight: every action must be one we can perform and undo; the cluster healthy
  for (const Action& act : scenario.timeline) {
    const std::string why = live_cannot_perform(act, cluster.inventory());
    if (!why.empty()) throw Failure{2, scenario.file + ":" + std::to_string(act.line) + ": " + act.describe() + ": " + why};
  }
  if (!cluster.observe(before, error)) throw Failure{2, "preflight: cannot observe the cluster: " + error};
  std::string why;
  if (!healthy(before, why)) throw Failure{1, "preflight: the cluster is not healthy: " + why};
  if (const CommandResult v = cluster.docker(0, "version --format '{{.Server.Version}}'"); v.ok()) {
    record.docker_version = v.out.substr(0, v.out.find('\n'));
  }
  for (const PlanDifference& d : diff_plan(plan, before)) std::cout << "note: " << describe(d) << "\n";
  // The model starts from the cluster as it is, not as the plan wishes it. Where the two differ
  // in a way the model's rules call an error, the drill would rehearse another cluster: refuse.
  std::vector<ObservedFirewall> firewalls;
  if (!cluster.observe_firewalls(firewalls, error)) throw Failure{2, "preflight: " + error};
  const ObservedPlan as_observed = plan_as_observed(plan, before, firewalls);
  std::vector<std::string> matters;
  for (const Finding& f : new_errors(plan, as_observed.plan)) {
    if (!accepted(a, f.rule)) matters.push_back(f.rule + ": " + f.message);
  }
  if (!matters.empty()) {
    throw Failure{1, "preflight: the cluster differs from plan " + plan.name +
                         " in a way the model says matters:\n  " + joined(matters, "\n  ") +
                         "\nconverge it first (clawsim live apply), or pass --accept RULE for each"};
  }
  std::cout << "the model predicts from the cluster as observed:\n";
  for (const std::string& n : as_observed.notes) std::cout << "  " << n << "\n";
  const std::vector<RunResult> predicted = predict(as_observed.plan, scenario);
  int quorum_losses = 0;
  for (const RunResult& r : predicted) quorum_losses += r.metrics.count("quorum_lost_ms") ? 1 : 0;
  if (quorum_losses > 0 && !allowed(a, "quorum-loss")) {
    throw Failure{1, "preflight: the model predicts quorum loss in " + std::to_string(quorum_losses) +
                         " of " + std::to_string(predicted.size()) +
                         " runs of this drill; refusing (pass --allow quorum-loss to run it anyway)"};
  }
  if (a.dry_run) {
    const CommandResult lock_free = cluster.run(0, "test ! -e /tmp/clawsim-drill.lock");
    std::cout << "\ndry run: preflight passed (connected, host keys verified, cluster healthy, the model's "
                 "prediction within what is allowed); the drill lock on "
              << cluster.inventory().nodes[0].name << " is " << (lock_free.ok() ? "free" : "HELD by another drill")
              << "\n\nthe model's prediction over " << predicted.size() << " runs\n"
              << distributions_text(predicted) << "\nwhat would run (references resolved now), each undo journaled first\n";
    Journal unused;
    LiveDriver driver(cluster, plan, unused, LiveGuards{}, scenario.observe_interval_ms);
    for (const Action& act : scenario.timeline) {
      std::cout << "  at " << format_time(act.at_ms) << "  " << act.describe() << "\n";
      for (const std::string& line : driver.dry_run(act)) std::cout << "        " << line << "\n";
    }
    std::cout << "no fault was injected\n";
    record.verdict = "dry-run";
    return lock_free.ok() ? 0 : 1;
  }
  // 2. journal and lock
  Journal journal;
  if (!journal.open(journal_path, error)) throw Failure{2, error};
  std::cout << "journal " << journal_path << " (clawsim live recover --journal " << journal_path << ")\n";
  if (audit) std::cout << "audit log " << audit->path() << "\n";
  const std::string lock = "mkdir /tmp/clawsim-drill.lock";
  JournalEntry lock_entry{0, "planned", "drill lock", 0, lock, 0, "rmdir /tmp/clawsim-drill.lock"};
  if (!journal.append(lock_entry, error)) throw Failure{2, error};
  const CommandResult locked = cluster.run(0, lock);
  if (!locked.ok()) {
    lock_entry.status = "resolved";  // we do not hold it: nothing to undo
    (void)journal.append(lock_entry, error);
    throw Failure{1, "another drill holds the lock on " + cluster.inventory().nodes[0].name + " (" + locked.describe() + ")"};
  }
  // 3. run
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  LiveGuards guards{allowed(a, "quorum-loss"), scenario.duration_ms + 120'000, &g_stop};
  LiveDriver driver(cluster, plan, journal, guards, scenario.observe_interval_ms);
  RunResult observed = run_scenario(scenario, driver, loaded.identity());
  observed.seed = 0;
  // 4. undo and verify
  std::vector<std::string> log;
  const bool undone = driver.rollback(log);
  for (const std::string& line : log) std::cout << line << "\n";
  bool restored = false;
  ClusterState after;
  for (int i = 0; i < 90 && !restored; ++i) {
    if (cluster.observe(after, error) && !after.leader.empty() && shape(after) == shape(before)) restored = true;
    if (!restored) sleep(2);
  }
  (void)cluster.run(0, "rmdir /tmp/clawsim-drill.lock");
  lock_entry.status = "undone";
  (void)journal.append(lock_entry, error);
  // 5. report
  std::cout << report_text(observed, scenario, false);
  bool outside = false;
  const DurationMs gap = driver.max_sample_gap_ms() + 1000;
  record.measures = compare_with_prediction(observed, distributions(predicted), gap);
  std::cout << "\n" << compare_metrics(record.measures, predicted.size(), gap, outside);
  if (driver.aborted()) std::cout << "\nABORTED: " << driver.abort_reason() << "\n";
  std::cout << (restored ? "cluster restored to its pre-drill state\n"
                         : "WARNING: the cluster is not back to its pre-drill state\n");
  if (!a.report.empty()) {
    cli::make_directory(a.report);
    auto j = report_json(observed);
    j["prediction"] = distributions_json(predicted);
    cli::write_output(a.report + "/report.json", cli::json_text(j));
    cli::write_output(a.report + "/junit.xml", junit_xml({junit_suite(observed)}));
    HtmlReportInput html;
    html.run = &observed;
    html.command = "clawsim live drill " + ref + " --inventory " + a.inventory + (a.plan.empty() ? "" : " --plan " + a.plan);
    html.prediction = distributions(predicted);
    html.tolerance_ms = gap;
    html.live = true;
    cli::write_output(a.report + "/report.html", html_report(html));
  }
  if (!a.json.empty()) {
    auto j = report_json(observed);
    j["aborted"] = driver.aborted() ? driver.abort_reason() : "";
    j["restored"] = restored;
    j["prediction"] = distributions_json(predicted);
    cli::write_output(a.json, cli::json_text(j));
  }
  record.verdict = driver.aborted() ? "aborted" : to_string(observed.outcome());
  if (!undone || !restored) record.verdict = "fail";
  record.detail = driver.aborted() ? driver.abort_reason()
                  : !restored      ? "the cluster is not back to its pre-drill state"
                                   : verdict_text(observed);
  if (outside && !driver.aborted()) {
    record.verdict = "fail";
    for (const MeasureRecord& m : record.measures) {
      if (!m.inside) record.detail += "; outside the model's window: " + m.metric;
    }
  }
  if (observed.outcome() == Outcome::kFail || driver.aborted() || !undone || !restored || outside) return 1;
  return observed.outcome() == Outcome::kKnownFailure ? cli::kExitKnownFailure : 0;
}

int cmd_drill(const LiveArgs& a) {
  if (a.args.size() != 2) throw Failure{2, "usage: clawsim live drill SCENARIO --inventory FILE"};
  DrillRecord record;
  try {
    return drill(a, a.args[1], record);
  } catch (const Failure& f) {
    // --json always writes its file: a refused drill says why in it.
    if (!a.json.empty()) {
      nlohmann::ordered_json j = {{"schema_version", kReportSchemaVersion}, {"scenario", a.args[1]},
                                  {"verdict", "refused"}, {"error", f.message}, {"exit_code", f.code}};
      cli::write_output(a.json, cli::json_text(j));
    }
    throw;
  }
}

// As a shell word: plain when it is safe, otherwise in single quotes.
std::string shell_quoted(const std::string& s) {
  const bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '-' || c == '_' || c == '/' || c == ':';
  });
  if (plain) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

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
    if (r.quorum_lost_ms > 0) std::cout << "        quorum lost for " << format_time(r.quorum_lost_ms) << "\n";
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
    CommandResult r;
    for (int n = 0; n < static_cast<int>(cluster.inventory().nodes.size()); ++n) {
      r = cluster.docker(n, it->undo);
      if (r.ok()) break;
    }
    std::cout << "undo " << it->action << ": docker " << it->undo << ": " << (r.ok() ? "ok" : r.describe()) << "\n";
    if (r.ok()) {
      it->status = "undone";
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

int cmd_apply(const LiveArgs& a) {
  LiveCluster cluster(load_inventory(a));
  const Plan plan = *load_plan(a).plan;
  // 1. the plan itself, judged as `validate` judges it
  const PlanGate gate = gate_plan(std::make_shared<const Plan>(plan), a.accept);
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
      AuditLog::open(a.log_file.empty() ? journal_path + ".audit.log" : a.log_file, a.verbose, error);
  if (!audit) throw Failure{2, error};
  cluster.set_audit(audit.get());
  audit->note("apply plan " + plan.name);
  std::cout << "audit log " << audit->path() << "\n";
  std::vector<JournalEntry> done;
  ClusterState before = s;
  for (std::size_t i = 0; i < p.todo.steps.size(); ++i) {
    const ConvergeStep& step = p.todo.steps[i];
    JournalEntry entry{static_cast<int>(i + 1), "planned", "apply step " + std::to_string(i + 1) + ": " + step.why,
                       -1, step.docker_args, -1, step.undo_args};
    if (!journal.append(entry, error)) throw Failure{2, error};
    const int via = before.leader.empty() ? -1 : cluster.inventory().node_index(before.leader);
    const CommandResult r = via < 0 ? CommandResult{} : cluster.docker(via, step.docker_args);
    std::cout << "step " << i + 1 << "  docker " << step.docker_args << "\n";
    if (!r.ok()) {
      entry.status = "failed";
      (void)journal.append(entry, error);
      std::cout << "        Docker: " << (via < 0 ? "no leader to send it to" : r.describe())
                << "\n        the model predicted: " << p.replay.steps[i].answer << "\nstopping; undoing what was done\n";
      undo_steps(cluster, journal, done);
      wait_restored(cluster, s);
      return 1;
    }
    entry.status = "done";
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
    e.status = "resolved";  // applied for good: nothing left to undo
    (void)journal.append(e, error);
  }
  std::cout << "applied: the cluster matches plan " << plan.name << "\n";
  return p.todo.refused.empty() ? 0 : 1;
}

int cmd_recover(const LiveArgs& a) {
  if (a.journal.empty()) throw Failure{2, "usage: clawsim live recover --journal FILE --inventory FILE"};
  LiveCluster cluster(load_inventory(a));
  std::vector<std::string> log;
  std::string error;
  const bool ok = recover_from_journal(cluster, a.journal, log, error);
  for (const std::string& line : log) std::cout << line << "\n";
  if (!error.empty()) throw Failure{2, error};
  std::cout << (log.empty() ? "nothing to undo\n" : ok ? "recovered\n" : "some undos failed\n");
  return ok ? 0 : 1;
}

}  // namespace

int run_live_drill(const LiveArgs& a, const std::string& ref, DrillRecord& record) {
  record.drill = ref;
  try {
    return drill(a, ref, record);
  } catch (const Failure& f) {
    record.verdict = "refused";
    record.detail = f.message;
    std::cerr << "clawsim: " << f.message << "\n";
    return f.code;
  } catch (const cli::UsageError& e) {
    record.verdict = "refused";
    record.detail = e.message;
    std::cerr << "clawsim: " << e.message << "\n";
    return cli::kExitUsage;
  }
}

int run_live(const LiveArgs& a) {
  try {
    if (a.args.empty()) throw Failure{2, "usage: clawsim live status|apply|drill|recover --inventory FILE ..."};
    const std::string& what = a.args[0];
    if (what == "status" && a.args.size() == 1) return cmd_status(a);
    if (what == "drill") return cmd_drill(a);
    if (what == "apply" && a.args.size() == 1) return cmd_apply(a);
    if (what == "recover" && a.args.size() == 1) return cmd_recover(a);
    throw Failure{2, "unknown live command '" + what + "'; expected status, apply, drill or recover"};
  } catch (const Failure& f) {
    std::cerr << "clawsim: " << f.message << "\n";
    return f.code;
  }
}

}  // namespace clawsim
