// Whole-run throughput: every built-in scenario over N seeds on the embedded default plan, as
// `clawsim scenario NAME --runs N` would run them, single-threaded. Per scenario it prints
// the runs, the wall time, runs per second and simulated events per second
// (SimCluster::events_processed), and it checks every run's verdict with RunResult::pass():
// the failing seeds are listed with the expectations that failed, and the exit code is 1.
// Any "invariant" change in a timeline (the simulator reporting a bug in itself) is counted
// and fails the sweep too.
//
//   clawsim_sweep_bench [SEEDS [FIRST_SEED]]     defaults: 2000 seeds starting at 1
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "model/plan_yaml.h"
#include "model/runner.h"
#include "model/scenario.h"
#include "scenarios/embedded.h"
#include "sim/sim_driver.h"

namespace {

using namespace clawsim;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kFailuresShown = 5;  // failing seeds detailed per scenario

bool parse_count(const char* text, std::uint64_t& out) {
  char* end = nullptr;
  const unsigned long long v = std::strtoull(text, &end, 10);
  if (end == text || *end != '\0' || text[0] == '-') return false;
  out = v;
  return true;
}

struct Failure {
  std::uint64_t seed = 0;
  std::string what;  // the failing expectations, or the invariant that broke
};

struct Totals {
  std::uint64_t runs = 0;
  std::uint64_t events = 0;
  double seconds = 0;
  std::uint64_t failed_runs = 0;
};

void print_row(const char* name, const Totals& t) {
  const double runs_per_s = t.seconds > 0 ? static_cast<double>(t.runs) / t.seconds : 0;
  const double events_per_s = t.seconds > 0 ? static_cast<double>(t.events) / t.seconds : 0;
  const double events_per_run =
      t.runs > 0 ? static_cast<double>(t.events) / static_cast<double>(t.runs) : 0;
  std::printf("%-22s %7llu %9.3f %10.1f %11.0f %13.3e %7llu\n", name,
              static_cast<unsigned long long>(t.runs), t.seconds, runs_per_s, events_per_run,
              events_per_s, static_cast<unsigned long long>(t.failed_runs));
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t seeds = 2000;
  std::uint64_t first_seed = 1;
  if (argc > 3 || (argc > 1 && !parse_count(argv[1], seeds)) ||
      (argc > 2 && !parse_count(argv[2], first_seed)) || seeds == 0) {
    std::fprintf(stderr, "usage: clawsim_sweep_bench [SEEDS [FIRST_SEED]]  (SEEDS >= 1)\n");
    return 2;
  }

  Result<Plan> parsed = parse_plan(default_plan_text(), "default-plan.yaml (embedded)");
  if (!parsed) {
    std::fprintf(stderr, "clawsim_sweep_bench: %s\n", parsed.error().to_string().c_str());
    return 2;
  }
  const auto plan = std::make_shared<const Plan>(std::move(parsed).value());

  std::printf("plan %s, seeds %llu..%llu, one thread\n\n", plan->name.c_str(),
              static_cast<unsigned long long>(first_seed),
              static_cast<unsigned long long>(first_seed + seeds - 1));
  std::printf("%-22s %7s %9s %10s %11s %13s %7s\n", "scenario", "runs", "wall_s", "runs/s",
              "events/run", "events/s", "failed");

  Totals all;
  std::vector<std::pair<std::string, std::vector<Failure>>> report;
  bool bad_input = false;
  for (const EmbeddedFile& f : builtin_scenarios()) {
    const std::string name(f.name);
    Result<Scenario> s = parse_scenario(f.text, name + ".yaml (built in)", *plan);
    if (!s) {
      std::printf("%-22s does not parse: %s\n", name.c_str(), s.error().to_string().c_str());
      bad_input = true;
      continue;
    }
    const Scenario& scenario = s.value();
    Totals t;
    std::vector<Failure> failures;
    const Clock::time_point start = Clock::now();
    for (std::uint64_t seed = first_seed; seed < first_seed + seeds; ++seed) {
      SimDriver driver(plan, seed);
      const RunResult r = run_scenario(scenario, driver, plan->name);
      t.events += driver.cluster().events_processed();
      ++t.runs;
      std::string what;
      if (!r.pass()) {
        for (const Verdict& v : r.verdicts) {
          if (v.holds || v.known_failure) continue;
          what += std::string(what.empty() ? "" : "; ") + verdict_label(v) + " '" + v.name +
                  "': " + v.detail;
        }
      }
      for (const Change& c : r.timeline) {
        if (c.kind == Aspect::kInvariant) {
          what += std::string(what.empty() ? "" : "; ") + "invariant " + c.subject + ": " +
                  c.detail + " at " + format_time(c.t_ms);
        }
      }
      if (!what.empty()) {
        ++t.failed_runs;
        failures.push_back(Failure{seed, std::move(what)});
      }
    }
    t.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    print_row(name.c_str(), t);
    all.runs += t.runs;
    all.events += t.events;
    all.seconds += t.seconds;
    all.failed_runs += t.failed_runs;
    if (!failures.empty()) report.emplace_back(name, std::move(failures));
  }
  print_row("all", all);

  for (const auto& [name, failures] : report) {
    std::printf("\n%s: %zu failing seed(s)\n", name.c_str(), failures.size());
    for (std::size_t i = 0; i < failures.size() && i < kFailuresShown; ++i) {
      std::printf("  seed %llu: %s\n", static_cast<unsigned long long>(failures[i].seed),
                  failures[i].what.c_str());
    }
    if (failures.size() > kFailuresShown) {
      std::printf("  ... and %zu more\n", failures.size() - kFailuresShown);
    }
  }
  if (bad_input) return 2;
  return all.failed_runs == 0 ? 0 : 1;
}
