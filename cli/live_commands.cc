#include "cli/live_commands.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/cli_io.h"
#include "cli/live_common.h"
#include "cli/progress.h"
#include "fidelity/recording.h"
#include "gameday/trend.h"
#include "report/html.h"
#include "report/junit.h"
#include "live/drill_lock.h"
#include "live/live_driver.h"
#include "model/lint.h"
#include "model/observed_plan.h"
#include "model/plan_diff.h"
#include "model/plan_yaml.h"
#include "model/report.h"
#include "model/runner.h"
#include "model/shell_quote.h"
#include "scenarios/embedded.h"
#include "sim/apply_check.h"
#include "sim/parallel.h"
#include "sim/sim_driver.h"

namespace clawsim {

namespace live_cli {

std::atomic<bool> g_stop{false};

void on_signal(int) { g_stop.store(true); }

namespace {

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

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// The path as another shell, in another directory, would name it.
std::string absolute_path(const std::string& path) {
  std::error_code ec;
  const std::filesystem::path p = std::filesystem::absolute(path, ec);
  return ec ? path : p.lexically_normal().string();
}

}  // namespace

Inventory load_inventory(const LiveArgs& a) {
  if (a.inventory.empty()) throw Failure{2, "live commands need --inventory FILE"};
  Result<Inventory> inv = parse_inventory(read_text(a.inventory), a.inventory, dir_of(a.inventory));
  if (!inv) throw Failure{2, inv.error().to_string()};
  return std::move(inv).value();
}

cli::LoadedPlan load_plan(const LiveArgs& a) { return cli::load_plan(a.plan); }

std::string joined(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const std::string& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
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

// As a shell word: plain when it is safe, otherwise in single quotes.
std::string shell_quoted(const std::string& s) { return shell_word(s); }

}  // namespace live_cli

namespace {

using namespace live_cli;

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


// The model's prediction for the scenario on this plan, over many seeds.
std::vector<RunResult> predict(const Plan& plan, const Scenario& s) {
  return run_seeds(std::make_shared<const Plan>(plan_for(plan, s)), s, plan.name, kPredictionRuns, default_jobs());
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


// What the journal still owes after a rollback that could not finish, each undo with where it
// runs, and the command that finishes the job once the nodes answer. False: nothing is owed.
bool print_owed(const LiveCluster& cluster, const std::string& journal_path, const std::string& inventory_path) {
  std::vector<JournalEntry> entries;
  std::string error;
  if (!read_journal(journal_path, entries, error)) {
    std::cout << "WARNING: " << error << "\n";
    return true;
  }
  const std::vector<JournalEntry> owed = outstanding_undos(entries);
  if (owed.empty()) return false;
  std::cout << "\nWARNING: not everything could be undone; still owed, newest first:\n";
  for (const JournalEntry& e : owed) {
    std::cout << "  " << manual_step(cluster.inventory(), e) << "    (" << e.action << ")\n";
  }
  std::cout << "once the nodes answer: clawsim live recover --journal " << shell_quoted(journal_path)
            << " --inventory " << shell_quoted(inventory_path) << "\n";
  return true;
}

// What was observed, with the interval the observations allow on a real cluster.
std::string observed_text(const MeasureRecord& m) {
  return format_measured(m.observed_ms, m.observed_low_ms.value_or(m.observed_ms), m.observed_high_ms.value_or(m.observed_ms));
}

// The observed durations beside the model's range. Each observed change is known to lie
// between the start of the last call that saw the state before it and the end of the first call
// that saw it: a measure is within when the values this allows meet the model's window.
std::string compare_metrics(const std::vector<MeasureRecord>& measures, std::size_t runs, bool& outside) {
  std::string out = "prediction (" + std::to_string(runs) +
                    " simulated runs: as scheduled, and each action where its commands began and where they ended) vs observed (in brackets: the least and greatest value the "
                    "observations allow, each change lying between two calls)\n";
  for (const MeasureRecord& m : measures) {
    if (!m.predicted_min_ms) {
      out += "  " + m.metric + ": observed " + observed_text(m) + ": not predicted\n";
      continue;
    }
    outside = outside || !m.inside;
    out += "  " + m.metric + ": observed " + observed_text(m) + ", predicted " + format_time(*m.predicted_min_ms) +
           ".." + format_time(*m.predicted_max_ms) + " (median " + format_time(*m.predicted_median_ms) +
           "): " + (m.inside ? "within" : "OUTSIDE") + "\n";
  }
  return out;
}

// One drill, start to end; `record` gets its verdict and every measure beside the prediction.
// With `trace`, also what `live measure` records of it (fidelity/recording.h).
int drill(const LiveArgs& a, const std::string& ref, DrillRecord& record, Trial* trace = nullptr) {
  LiveCluster cluster(load_inventory(a));
  const cli::LoadedPlan loaded = load_plan(a);
  const Plan& plan = *loaded.plan;
  const cli::ScenarioSource source = cli::scenario_source(ref);
  const Scenario scenario = cli::scenario_from_text(source, plan);
  if (trace) {
    trace->plan_file = loaded.file;
    trace->plan_text = loaded.text;
    trace->plan_digest = loaded.digest;
    trace->scenario_file = source.file;
    trace->scenario_text = source.text;
  }
  record.drill = scenario.name;
  const std::string journal_path =
      a.journal.empty() ? "clawsim-drill-" + scenario.name + "-" + std::to_string(std::time(nullptr)) + ".journal"
                        : a.journal;
  // Every remote command, from the preflight on, to the audit log beside the journal.
  std::string audit_error;
  const std::unique_ptr<AuditLog> audit =
      a.dry_run && a.log_file.empty() ? nullptr
                                      : AuditLog::open(a.log_file.empty() ? journal_path + ".audit.log" : a.log_file,
                                                       a.log_level, audit_error);
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
  if (trace) {
    trace->before = before;
    trace->firewalls = firewalls;
    trace->docker_version = record.docker_version;
  }
  std::vector<std::string> matters;
  // The observed plan keeps the plan's waivers: what it waives is waived in both.
  for (const Finding& f : new_findings(lint_plan(as_observed.plan), lint_plan(plan))) {
    if (f.severity == Severity::kError && !accepted(a, f.rule)) matters.push_back(f.rule + ": " + f.message);
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
  // quorum_lost_for_ms is measured in a run that lost the quorum after a fault, whichever fault
  for (const RunResult& r : predicted) quorum_losses += r.metrics.count("quorum_lost_for_ms") ? 1 : 0;
  if (quorum_losses > 0 && !allowed(a, "quorum-loss")) {
    throw Failure{1, "preflight: the model predicts quorum loss in " + std::to_string(quorum_losses) +
                         " of " + std::to_string(predicted.size()) +
                         " runs of this drill; refusing (pass --allow quorum-loss to run it anyway)"};
  }
  if (a.dry_run) {
    const CommandResult held = cluster.run(0, drill_lock_query());
    const bool lock_free = !held.ok();
    std::cout << "\ndry run: preflight passed (connected, host keys verified, cluster healthy, the model's "
                 "prediction within what is allowed); the drill lock on "
              << cluster.inventory().nodes[0].name << " is "
              << (lock_free ? std::string("free") : "HELD by another drill: " + first_line(held.out))
              << "\n\nthe model's prediction over " << predicted.size() << " runs\n"
              << distributions_text(predicted) << "\nwhat would run (references resolved now), each undo journaled first\n";
    Journal unused;
    SteadyClock clock;
    LiveDriver driver(cluster, plan, unused, LiveGuards{}, scenario.observe_interval_ms, clock);
    for (const Action& act : scenario.timeline) {
      std::cout << "  at " << format_time(act.at_ms) << "  " << act.describe() << "\n";
      for (const std::string& line : driver.dry_run(act)) std::cout << "        " << line << "\n";
    }
    std::cout << "no fault was injected\n";
    record.verdict = "dry-run";
    return lock_free ? 0 : 1;
  }
  // 2. journal and lock
  Journal journal;
  if (!journal.open(journal_path, error)) throw Failure{2, error};
  std::cout << "journal " << journal_path << " (clawsim live recover --journal " << journal_path << ")\n";
  if (audit) std::cout << "audit log " << audit->path() << "\n";
  const DrillLock lock = drill_lock(absolute_path(journal_path), static_cast<long>(getpid()), cli::this_host(), cli::utc_now());
  JournalEntry lock_entry{0, JournalStatus::kPlanned, "drill lock", 0, lock.take, 0, lock.release};
  if (!journal.append(lock_entry, error)) throw Failure{2, error};
  const CommandResult locked = cluster.run(0, lock.take);
  if (!locked.ok()) {
    lock_entry.status = JournalStatus::kResolved;  // we do not hold it: nothing to undo
    (void)journal.append(lock_entry, error);
    const CommandResult held = cluster.run(0, drill_lock_query());
    throw Failure{1, drill_lock_refusal(cluster.inventory().nodes[0].name, held.ok() ? first_line(held.out) : "",
                                        locked.describe())};
  }
  // 3. run
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  LiveGuards guards{allowed(a, "quorum-loss"), scenario.duration_ms + 120'000, &g_stop};
  SteadyClock clock;
  LiveDriver driver(cluster, plan, journal, guards, scenario.observe_interval_ms, clock);
  RunResult observed;
  {
    cli::Progress progress("s of the drill", static_cast<std::size_t>(scenario.duration_ms / 1000),
                           a.log_level != AuditLevel::kQuiet);
    driver.set_on_sample([&](TimeMs t) { progress.update(static_cast<std::size_t>(std::max<TimeMs>(t, 0) / 1000)); });
    observed = run_scenario(scenario, driver, loaded.identity());
    driver.set_on_sample(nullptr);
  }
  observed.seed = 0;
  if (trace) trace->observed = observed;
  // 4. undo and verify (no waiting for a cluster whose undos failed: it is not coming back)
  std::vector<std::string> log;
  const bool undone = driver.rollback(log);
  for (const std::string& line : log) std::cout << line << "\n";
  bool restored = false;
  ClusterState after;
  for (int i = 0; i < (undone ? 90 : 1) && !restored; ++i) {
    if (cluster.observe(after, error) && !after.leader.empty() && shape(after) == shape(before)) restored = true;
    if (!restored && undone) sleep(2);
  }
  if (cluster.run(0, lock_entry.undo).ok()) {
    lock_entry.status = JournalStatus::kUndone;
    (void)journal.append(lock_entry, error);
  }
  const bool owed = print_owed(cluster, journal_path, a.inventory);
  restored = restored && !owed;  // the nodes' shape may be back while a fault is still in place
  if (trace) trace->restored = restored && undone;
  // 5. report
  std::cout << report_text(observed, scenario, false);
  bool outside = false;
  // Beside the model's runs of the drill as scheduled (the preflight's) and as it was performed:
  // each action took effect while its commands ran, so the model also runs it with the actions
  // where their commands began and where they ended. The window covers all three.
  std::vector<RunResult> as_run = run_seeds_as_performed(std::make_shared<const Plan>(plan_for(as_observed.plan, scenario)),
                                                         scenario, observed.timeline, as_observed.plan.name,
                                                         kPredictionRuns, default_jobs());
  as_run.insert(as_run.begin(), predicted.begin(), predicted.end());
  record.measures = compare_with_prediction(observed, distributions(as_run));
  std::cout << "\n" << compare_metrics(record.measures, as_run.size(), outside);
  if (driver.aborted()) std::cout << "\nABORTED: " << driver.abort_reason() << "\n";
  std::cout << (restored ? "cluster restored to its pre-drill state\n"
                         : "WARNING: the cluster is not back to its pre-drill state\n");
  if (!a.report.empty()) {
    cli::make_directory(a.report);
    auto j = report_json(observed);
    j["prediction"] = distributions_json(as_run);
    cli::write_output(a.report + "/report.json", cli::json_text(j));
    cli::write_output(a.report + "/junit.xml", junit_xml({junit_suite(observed)}));
    HtmlReportInput html;
    html.run = &observed;
    html.command = "clawsim live drill " + ref + " --inventory " + a.inventory + (a.plan.empty() ? "" : " --plan " + a.plan);
    html.prediction = distributions(as_run);
    html.live = true;
    cli::write_output(a.report + "/report.html", html_report(html));
  }
  if (!a.json.empty()) {
    auto j = report_json(observed);
    j["aborted"] = driver.aborted() ? driver.abort_reason() : "";
    j["restored"] = restored;
    j["prediction"] = distributions_json(as_run);
    cli::write_output(a.json, cli::json_text(j));
  }
  record.verdict = driver.aborted() ? "aborted" : to_string(observed.outcome());
  if (!undone || !restored || owed) record.verdict = "fail";
  record.detail = driver.aborted() ? driver.abort_reason()
                  : !restored      ? "the cluster is not back to its pre-drill state"
                                   : verdict_text(observed);
  if (outside && !driver.aborted()) {
    record.verdict = "fail";
    for (const MeasureRecord& m : record.measures) {
      if (!m.inside) record.detail += "; outside the model's window: " + m.metric;
    }
  }
  if (observed.outcome() == Outcome::kFail || driver.aborted() || !undone || !restored || owed || outside) return 1;
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

// How long a manager promoted again by a trial's undo is given before the next trial.
constexpr unsigned kPromotedSettleS = 90;

// Waits, up to 3 minutes, until the cluster has a leader and every node is Ready.
bool wait_healthy(const LiveArgs& a, std::string& why) {
  LiveCluster cluster(load_inventory(a));
  for (int i = 0; i < 60; ++i) {
    ClusterState s;
    std::string error;
    if (!cluster.observe(s, error)) {
      why = error;
    } else if (healthy(s, why)) {
      return true;
    }
    sleep(3);
  }
  return false;
}

// `live measure DRILL --trials N --output FILE.jsonl`: the drill N times, each with every safety of
// `live drill`, the cluster healthy again before each. One line per trial, appended as soon as
// the trial ends, so a measurement cut short keeps what it measured; trials are numbered on
// from the lines already in the file.
int cmd_measure(const LiveArgs& a) {
  if (a.args.size() != 2 || a.out.empty() || a.trials < 1) {
    throw Failure{2, "usage: clawsim live measure DRILL --trials N --output FILE.jsonl --inventory FILE"};
  }
  int first = 1;
  if (std::ifstream existing(a.out); existing) {
    for (std::string line; std::getline(existing, line);) first += line.empty() ? 0 : 1;
  }
  std::ofstream out(a.out, std::ios::app);
  if (!out) throw Failure{2, a.out + ": cannot write: " + std::strerror(errno)};
  int failed = 0;
  for (int k = 0; k < a.trials; ++k) {
    const int number = first + k;
    std::string why;
    // The first trial's preflight judges the cluster as a drill's does; later ones wait for the
    // cluster to settle after the trial before.
    if (k > 0 && !wait_healthy(a, why)) {
      throw Failure{1, "trial " + std::to_string(number) + ": the cluster did not become healthy: " + why};
    }
    LiveArgs trial_args = a;
    if (!a.journal.empty()) trial_args.journal = a.journal + "." + std::to_string(number);
    std::cout << "trial " << number << " (" << k + 1 << " of " << a.trials << ")\n" << std::flush;
    Trial trial;
    trial.trial = number;
    trial.started_at = cli::utc_now();
    trial.clawsim_version = CLAWSIM_VERSION;
    DrillRecord record;
    const int code = drill(trial_args, a.args[1], record, &trial);
    trial.verdict = record.verdict;
    out << trial_json(trial).dump() << "\n" << std::flush;
    if (!out) throw Failure{2, a.out + ": write failed"};
    std::cout << "trial " << number << ": " << record.verdict << (record.detail.empty() ? "" : " (" + record.detail + ")") << "\n";
    if (code != 0) ++failed;
    if (record.verdict == "aborted" || !trial.restored) {
      throw Failure{1, "trial " + std::to_string(number) + " was " +
                           (trial.restored ? "aborted" : "not undone to the cluster of before") +
                           ": no more trials (" + record.detail + ")"};
    }
    // A demotion's undo promotes the manager again: a Raft member that has just joined cannot
    // lead until it has applied its own addition (on the testbed, a hand-over to a manager
    // promoted 12 s earlier failed, "not promotable", and it could not campaign 37 s after
    // joining; 55 s after, it did). The next trial waits for it.
    const bool promoted = std::any_of(trial.observed.timeline.begin(), trial.observed.timeline.end(), [](const Change& c) {
      return c.kind == Aspect::kAction && c.subject.starts_with("demote ");
    });
    if (promoted && k + 1 < a.trials) {
      std::cout << "waiting " << kPromotedSettleS << " s: the manager promoted again must be able to lead\n" << std::flush;
      sleep(kPromotedSettleS);
    }
  }
  std::cout << a.trials << " trials recorded in " << a.out << "; " << failed << " failed\n";
  return failed == 0 ? 0 : 1;
}

int cmd_recover(const LiveArgs& a) {
  if (a.journal.empty()) throw Failure{2, "usage: clawsim live recover --journal FILE --inventory FILE"};
  LiveCluster cluster(load_inventory(a));
  std::vector<std::string> log;
  std::string error;
  // The same audit log as the drill or the apply whose journal this is, unless --log-file.
  const std::unique_ptr<AuditLog> audit =
      AuditLog::open(a.log_file.empty() ? a.journal + ".audit.log" : a.log_file, a.log_level, error);
  if (!audit) throw Failure{2, error};
  cluster.set_audit(audit.get());
  audit->note("recover from " + a.journal);
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
    if (a.args.empty()) throw Failure{2, "usage: clawsim live status|apply|drill|measure|recover --inventory FILE ..."};
    const std::string& what = a.args[0];
    if (what == "status" && a.args.size() == 1) return cmd_status(a);
    if (what == "drill") return cmd_drill(a);
    if (what == "measure") return cmd_measure(a);
    if (what == "apply" && a.args.size() == 1) return cmd_apply(a);
    if (what == "recover" && a.args.size() == 1) return cmd_recover(a);
    throw Failure{2, "unknown live command '" + what + "'; expected status, apply, drill, measure or recover"};
  } catch (const Failure& f) {
    std::cerr << "clawsim: " << f.message << "\n";
    return f.code;
  }
}

}  // namespace clawsim
