#include "cli/live_commands.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "live/live_driver.h"
#include "model/plan_diff.h"
#include "model/plan_yaml.h"
#include "model/report.h"
#include "model/runner.h"
#include "scenarios/embedded.h"
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

Plan load_plan(const LiveArgs& a) {
  const std::string text = a.plan.empty() ? std::string(default_plan_text()) : read_text(a.plan);
  Result<Plan> p = parse_plan(text, a.plan.empty() ? "default-plan.yaml (embedded)" : a.plan);
  if (!p) throw Failure{2, p.error().to_string()};
  return std::move(p).value();
}

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
  const Plan plan = load_plan(a);
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
  for (const std::string& x : a.allow) {
    if (x == what) return true;
  }
  return false;
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

std::string compare_metrics(const RunResult& observed, const std::vector<RunResult>& predicted,
                            DurationMs tolerance_ms, bool& outside) {
  std::string out = "prediction (" + std::to_string(predicted.size()) +
                    " simulated runs) vs observed (tolerance " + format_time(tolerance_ms) +
                    ": the longest gap between two observations)\n";
  const auto dists = distributions(predicted);
  for (const auto& [name, value] : observed.metrics) {
    const auto d = std::find_if(dists.begin(), dists.end(), [&](const Distribution& x) { return x.metric == name; });
    std::string verdict = "not predicted";
    if (d != dists.end()) {
      // An observed duration is only known to the resolution of the sampling.
      const bool in = value >= d->min - tolerance_ms && value <= d->max + tolerance_ms;
      verdict = in ? "within" : "OUTSIDE";
      outside = outside || !in;
      out += "  " + name + ": observed " + format_time(value) + ", predicted " + format_time(d->min) +
             ".." + format_time(d->max) + " (median " + format_time(d->median) + "): " + verdict + "\n";
    } else {
      out += "  " + name + ": observed " + format_time(value) + ": " + verdict + "\n";
    }
  }
  return out;
}

int cmd_drill(const LiveArgs& a) {
  if (a.args.size() != 2) throw Failure{2, "usage: clawsim live drill SCENARIO --inventory FILE"};
  LiveCluster cluster(load_inventory(a));
  const Plan plan = load_plan(a);
  std::string text(builtin_scenario(a.args[1]));
  const std::string file = text.empty() ? a.args[1] : a.args[1] + ".yaml (built in)";
  if (text.empty()) text = read_text(a.args[1]);
  Result<Scenario> parsed = parse_scenario(text, file, plan);
  if (!parsed) throw Failure{2, parsed.error().to_string()};
  const Scenario scenario = std::move(parsed).value();
  ClusterState before;
  std::string error;
  // 1. preflight: every action must be one we can perform and undo; the cluster healthy
  for (const Action& act : scenario.timeline) {
    const std::string why = live_cannot_perform(act, cluster.inventory());
    if (!why.empty()) throw Failure{2, scenario.file + ":" + std::to_string(act.line) + ": " + act.describe() + ": " + why};
  }
  if (!cluster.observe(before, error)) throw Failure{1, "preflight: " + error};
  std::string why;
  if (!healthy(before, why)) throw Failure{1, "preflight: the cluster is not healthy: " + why};
  for (const PlanDifference& d : diff_plan(plan, before)) std::cout << "note: " << describe(d) << "\n";
  Plan as_observed = plan;  // the model starts from the cluster as it is: its leader now
  if (plan.node_index(before.leader) >= 0) as_observed.leader = before.leader;
  const std::vector<RunResult> predicted = predict(as_observed, scenario);
  int quorum_losses = 0;
  for (const RunResult& r : predicted) quorum_losses += r.metrics.count("quorum_lost_ms") ? 1 : 0;
  if (quorum_losses > 0 && !allowed(a, "quorum-loss")) {
    throw Failure{1, "preflight: the model predicts quorum loss in " + std::to_string(quorum_losses) +
                         " of " + std::to_string(predicted.size()) +
                         " runs of this drill; refusing (pass --allow quorum-loss to run it anyway)"};
  }
  // 2. journal and lock
  const std::string journal_path =
      a.journal.empty() ? "clawsim-drill-" + scenario.name + "-" + std::to_string(std::time(nullptr)) + ".journal"
                        : a.journal;
  Journal journal;
  if (!journal.open(journal_path, error)) throw Failure{2, error};
  std::cout << "journal " << journal_path << " (clawsim live recover --journal " << journal_path << ")\n";
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
  RunResult observed = run_scenario(scenario, driver, plan.name);
  observed.seed = 0;
  observed.plan_digest = "live";
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
  std::cout << "\n" << compare_metrics(observed, predicted, driver.max_sample_gap_ms() + 1000, outside);
  if (driver.aborted()) std::cout << "\nABORTED: " << driver.abort_reason() << "\n";
  std::cout << (restored ? "cluster restored to its pre-drill state\n"
                         : "WARNING: the cluster is not back to its pre-drill state\n");
  if (!a.json.empty()) {
    auto j = report_json(observed);
    j["aborted"] = driver.aborted() ? driver.abort_reason() : "";
    j["restored"] = restored;
    j["prediction"] = distributions_json(predicted);
    std::ofstream(a.json) << j.dump(2) << "\n";
  }
  return observed.pass() && !driver.aborted() && undone && restored && !outside ? 0 : 1;
}

int cmd_apply(const LiveArgs& a) {
  LiveCluster cluster(load_inventory(a));
  const Plan plan = load_plan(a);
  ClusterState s;
  std::string error;
  if (!cluster.observe(s, error)) throw Failure{2, error};
  const ConvergePlan todo = converge(plan, s);
  for (const std::string& r : todo.refused) std::cout << "not applied: " << r << "\n";
  if (todo.steps.empty()) {
    std::cout << "the cluster matches plan " << plan.name << ": nothing to do\n";
    return todo.refused.empty() ? 0 : 1;
  }
  const int via = s.leader.empty() ? -1 : cluster.inventory().node_index(s.leader);
  if (via < 0) throw Failure{1, "no leader to apply the plan through"};
  for (const ConvergeStep& step : todo.steps) {
    std::cout << (a.execute ? "" : "would run: ") << "docker " << step.docker_args << "   # " << step.why << "\n";
    if (!a.execute) continue;
    const CommandResult r = cluster.docker(via, step.docker_args);
    if (!r.ok()) {
      std::cout << "failed: " << r.describe() << "; stopping here\n";
      return 1;
    }
  }
  if (!a.execute) std::cout << "dry run: pass --execute to apply\n";
  return todo.refused.empty() ? 0 : 1;
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

int run_live(const LiveArgs& a) {
  try {
    if (a.args.empty()) throw Failure{2, "usage: clawsim live status|drill|recover ..."};
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
