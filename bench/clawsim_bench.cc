// Micro-benchmarks of clawsim's engine, from the smallest part to a whole scenario run:
//
//   BM_EventQueueHold/N       one pop + one push on a queue of N events (the "hold" model)
//   BM_EventQueueFillDrain/N  push N events, then pop them all
//   BM_RaftHeartbeatRound     3 RaftMembers driven by hand: one tick each + every message
//   BM_RaftElection           3 RaftMembers driven by hand: cut the leader off, tick until
//                             the other two elect a new one, heal (elections per second)
//   BM_SimClusterConstruct/P  constructing a SimCluster (t=0, converged), P as below
//   BM_SimClusterHour/P       SimCluster::run_until(1 h), no faults; P=0 default plan,
//                             P=1 scenarios/plans/corrected-firewall.yaml
//   BM_SimDriverHour/P        the same through SimDriver, sampling the managers' API each 1 s
//   BM_ForkCopy/M             copy a SimCluster warmed up for M simulated minutes
//   BM_ForkResimulate/M       construct a SimCluster and simulate the same M minutes again
//   BM_ParseDefaultPlan       parse_plan on the embedded default plan
//   BM_ParseScenario          parse_scenario on leader-crash against the default plan
//   BM_ScenarioRun/NAME       one whole built-in scenario via run_scenario (SimDriver
//                             construction included), default plan, seed 1
//   BM_ScaleScenario/N        a leader crash and restart on a generated plan of N nodes (3
//                             managers at 4 nodes, else 7) and 20 services of N tasks each
//   BM_ScaleSweep/N           validate's single-fault sweep of that plan, one seed, one thread
//
// Every run is deterministic: the same seed gives the same events, so the per-iteration
// event counts reported as counters are exact, not sampled. allocs/* counters count calls of
// the global operator new, which this binary replaces. Wall-clock time is measured by
// Google Benchmark only; nothing here feeds a clock into the model.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <malloc.h>
#include <fstream>
#include <memory>
#include <new>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "model/lint.h"
#include "model/plan_yaml.h"
#include "model/runner.h"
#include "model/scenario.h"
#include "scenarios/embedded.h"
#include "sim/event_queue.h"
#include "sim/fault_sweep.h"
#include "sim/raft_member.h"
#include "sim/rng.h"
#include "sim/sim_cluster.h"
#include "sim/sim_driver.h"

// Heap allocations, counted to check DESIGN's "the event loop allocates nothing per event".
// The replaced global operator new/delete below count and forward to malloc/free (through
// functions GCC does not inline, so that -Wmismatched-new-delete does not pair them up).
namespace {
std::atomic<std::uint64_t> g_allocations{0};

[[gnu::noinline]] void* acquire(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
[[gnu::noinline]] void release(void* p) noexcept { std::free(p); }
}  // namespace

void* operator new(std::size_t size) { return acquire(size); }
void* operator new[](std::size_t size) { return acquire(size); }
void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t) noexcept { release(p); }

namespace {

using namespace clawsim;

constexpr std::uint64_t kSeed = 1;
constexpr TimeMs kHourMs = 60 * kMinuteMs;

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "clawsim_bench: %s\n", message.c_str());
  std::exit(2);
}

std::shared_ptr<const Plan> load_plan(std::string_view text, const std::string& file) {
  Result<Plan> plan = parse_plan(text, file);
  if (!plan) die(plan.error().to_string());
  return std::make_shared<const Plan>(std::move(plan).value());
}

const std::shared_ptr<const Plan>& default_plan() {
  static const std::shared_ptr<const Plan> plan =
      load_plan(default_plan_text(), "default-plan.yaml (embedded)");
  return plan;
}

const std::shared_ptr<const Plan>& corrected_plan() {
  static const std::shared_ptr<const Plan> plan = [] {
    const std::string file = CLAWSIM_SOURCE_DIR "/scenarios/plans/corrected-firewall.yaml";
    std::ifstream in(file, std::ios::binary);
    if (!in) die(file + ": cannot read the file");
    std::ostringstream text;
    text << in.rdbuf();
    return load_plan(text.str(), file);
  }();
  return plan;
}

// Arg 0: the embedded default plan (the runbook's cluster, firewall mistakes included);
// arg 1: the same cluster with its firewall corrected.
const std::shared_ptr<const Plan>& plan_arg(const benchmark::State& state) {
  return state.range(0) == 0 ? default_plan() : corrected_plan();
}

double as_double(std::uint64_t v) { return static_cast<double>(v); }

// ---------------------------------------------------------------------------------------
// EventQueue

Event random_event(Rng& rng, TimeMs base) {
  Event e{};
  e.t_ms = base + static_cast<TimeMs>(rng.below(1000));
  e.kind = EventKind::kRaftDeliver;
  e.node = static_cast<std::int32_t>(rng.below(4));
  return e;
}

// The classic "hold" benchmark of a priority queue: the queue stays at N events; each
// iteration pops the earliest and pushes one at a random later time, as the engine does.
void BM_EventQueueHold(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Rng rng(kSeed);
  EventQueue q;
  q.reserve(n + 1);
  for (std::size_t i = 0; i < n; ++i) q.push(random_event(rng, 0));
  for (auto _ : state) {
    Event e = q.pop();
    e.t_ms += 1 + static_cast<TimeMs>(rng.below(1000));
    q.push(e);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["sizeof(Event)"] = static_cast<double>(sizeof(Event));
}
BENCHMARK(BM_EventQueueHold)->Arg(16)->Arg(64)->Arg(1024)->Arg(65536);

void BM_EventQueueFillDrain(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Rng rng(kSeed);
  EventQueue q;
  q.reserve(n);
  std::vector<Event> events;
  for (std::size_t i = 0; i < n; ++i) events.push_back(random_event(rng, 0));
  TimeMs base = 0;  // time only moves forward: each fill comes after the last drain
  for (auto _ : state) {
    for (Event e : events) {
      e.t_ms += base;
      q.push(e);
    }
    while (!q.empty()) benchmark::DoNotOptimize(q.pop());
    base += 1000;
  }
  // One item = one push and its pop.
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_EventQueueFillDrain)->Arg(16)->Arg(1024)->Arg(65536);

// ---------------------------------------------------------------------------------------
// RaftMember, driven by hand: no event queue, no network model, no latency. Every message a
// tick produces is delivered at once, and so on until no member has anything to send.

class HandGroup {
 public:
  static constexpr int kSize = 3;
  static constexpr int kNobody = -1;

  HandGroup(std::uint64_t seed, bool bootstrapped) {
    const RaftConfig config{10, 1, true};  // swarmkit's: election_tick 10, heartbeat_tick 1
    const std::uint64_t voters = (std::uint64_t{1} << kSize) - 1;
    for (int i = 0; i < kSize; ++i) {
      RaftMember& m = members_[static_cast<std::size_t>(i)];
      m = RaftMember(i, voters, config, derive_seed(seed, static_cast<std::uint64_t>(i)));
      if (bootstrapped) m.bootstrap(1, 0, 1);
    }
    pending_.reserve(64);
  }

  // Every member ticks once (an isolated one too: it is running, only cut off), then every
  // message is delivered until the group is quiet.
  void tick_all() {
    for (RaftMember& m : members_) m.tick();
    deliver();
    ++ticks_;
    note_leader();
  }

  // The member with the highest term that believes it leads; kNobody if none.
  int leader() const {
    int best = kNobody;
    for (int i = 0; i < kSize; ++i) {
      const RaftMember& m = members_[static_cast<std::size_t>(i)];
      if (m.role() != RaftRole::kLeader) continue;
      if (best == kNobody || m.term() > members_[static_cast<std::size_t>(best)].term()) best = i;
    }
    return best;
  }

  void isolate(int member) { isolated_ = member; }
  void heal() { isolated_ = kNobody; }

  std::uint64_t ticks() const { return ticks_; }
  std::uint64_t delivered() const { return delivered_; }
  std::uint64_t elections() const { return elections_; }

 private:
  void deliver() {
    for (;;) {
      pending_.clear();
      for (RaftMember& m : members_) {
        if (m.id() != isolated_) {
          for (const RaftMsg& msg : m.outbox()) {
            if (msg.to != isolated_) pending_.push_back(msg);
          }
        }
        m.clear_outbox();
      }
      if (pending_.empty()) return;
      for (const RaftMsg& msg : pending_) {
        members_[msg.to].step(msg);
        ++delivered_;
      }
    }
  }

  // An election is won when a member leads a term higher than any led before.
  void note_leader() {
    const int l = leader();
    if (l == kNobody) return;
    const std::uint64_t term = members_[static_cast<std::size_t>(l)].term();
    if (term > led_term_) {
      led_term_ = term;
      ++elections_;
    }
  }

  std::array<RaftMember, kSize> members_;
  std::vector<RaftMsg> pending_;
  int isolated_ = kNobody;
  std::uint64_t led_term_ = 0;
  std::uint64_t ticks_ = 0;
  std::uint64_t delivered_ = 0;
  std::uint64_t elections_ = 0;
};

// A stable leader: each iteration is one Raft tick of the group, i.e. the leader's heartbeat
// to both followers and their two responses (4 messages).
void BM_RaftHeartbeatRound(benchmark::State& state) {
  HandGroup group(kSeed, true);
  for (auto _ : state) group.tick_all();
  if (group.elections() != 1) state.SkipWithError("a bootstrapped group held an election");
  state.SetItemsProcessed(static_cast<std::int64_t>(group.delivered()));
  state.counters["msgs/tick"] = as_double(group.delivered()) / as_double(group.ticks());
}
BENCHMARK(BM_RaftHeartbeatRound);

// Each iteration: the leader is cut off; the other two members time out (10..19 ticks), one
// campaigns and wins; then the group is healed. The healed old leader may disrupt the new
// one (no pre-vote, as in swarmkit), which costs more elections; those are counted too.
void BM_RaftElection(benchmark::State& state) {
  HandGroup group(kSeed, false);
  constexpr std::uint64_t kTickBudget = 1000;  // a bug guard, never reached in practice
  for (auto _ : state) {
    const std::uint64_t start = group.ticks();
    while (group.leader() == HandGroup::kNobody) {
      group.tick_all();
      if (group.ticks() - start > kTickBudget) break;
    }
    group.isolate(group.leader());
    const std::uint64_t before = group.elections();
    while (group.elections() == before) {
      group.tick_all();
      if (group.ticks() - start > kTickBudget) break;
    }
    group.heal();
    if (group.ticks() - start > kTickBudget) {
      state.SkipWithError("no leader within 1000 ticks");
      break;
    }
  }
  state.counters["elections/s"] =
      benchmark::Counter(as_double(group.elections()), benchmark::Counter::kIsRate);
  state.counters["ticks/election"] = as_double(group.ticks()) / as_double(group.elections());
  state.counters["msgs/election"] = as_double(group.delivered()) / as_double(group.elections());
  state.SetItemsProcessed(static_cast<std::int64_t>(group.delivered()));
}
BENCHMARK(BM_RaftElection);

// ---------------------------------------------------------------------------------------
// SimCluster: the engine with everything in it

// Construction alone: the converged cluster at t=0 (Raft bootstrapped, firewalls built from
// the plan's ufw commands, every task placed and running). Paid once per run.
void BM_SimClusterConstruct(benchmark::State& state) {
  const std::shared_ptr<const Plan>& plan = plan_arg(state);
  const std::uint64_t allocations_before = g_allocations;
  for (auto _ : state) {
    SimCluster c(plan, kSeed);
    benchmark::DoNotOptimize(c);
  }
  state.SetLabel(plan->name);
  state.counters["allocs/construct"] =
      as_double(g_allocations - allocations_before) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_SimClusterConstruct)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// One simulated hour with no faults; construction is not timed. items = events dispatched.
void BM_SimClusterHour(benchmark::State& state) {
  const std::shared_ptr<const Plan>& plan = plan_arg(state);
  std::optional<SimCluster> cluster;
  std::uint64_t events = 0;
  std::uint64_t allocations = 0;
  std::size_t changes = 0;
  for (auto _ : state) {
    state.PauseTiming();
    cluster.emplace(plan, kSeed);
    state.ResumeTiming();
    const std::uint64_t allocations_before = g_allocations;
    cluster->run_until(kHourMs);
    allocations += g_allocations - allocations_before;
    events += cluster->events_processed();
    state.PauseTiming();
    changes = cluster->take_changes().size();
    state.ResumeTiming();
  }
  state.SetLabel(plan->name);
  state.SetItemsProcessed(static_cast<std::int64_t>(events));
  state.counters["events/run"] = as_double(events) / static_cast<double>(state.iterations());
  state.counters["changes/run"] = static_cast<double>(changes);
  state.counters["allocs/event"] = as_double(allocations) / as_double(events);
}
BENCHMARK(BM_SimClusterHour)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// The same hour through SimDriver, which samples every manager's API answer once a second
// (as run_scenario does); construction is timed here since it is part of a driver's run.
void BM_SimDriverHour(benchmark::State& state) {
  const std::shared_ptr<const Plan>& plan = plan_arg(state);
  std::uint64_t events = 0;
  for (auto _ : state) {
    SimDriver driver(plan, kSeed);
    driver.advance_to(kHourMs);
    benchmark::DoNotOptimize(driver.take_changes());
    events += driver.cluster().events_processed();
  }
  state.SetLabel(plan->name);
  state.SetItemsProcessed(static_cast<std::int64_t>(events));
}
BENCHMARK(BM_SimDriverHour)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// Forking: a SimCluster is a value, so a run can be branched by copying it. Compare copying
// a warmed-up cluster with constructing one and simulating the warm-up again.
SimCluster warmed_cluster(TimeMs warm_ms) {
  SimCluster c(default_plan(), kSeed);
  c.run_until(warm_ms);
  (void)c.take_changes();  // as SimDriver does each sample: the timeline does not pile up
  return c;
}

void BM_ForkCopy(benchmark::State& state) {
  const TimeMs warm_ms = state.range(0) * kMinuteMs;
  const SimCluster base = warmed_cluster(warm_ms);
  {
    // The fork must be indistinguishable from a run that never forked.
    SimCluster fork = base;
    SimCluster straight(default_plan(), kSeed);
    straight.run_until(warm_ms);
    fork.run_until(warm_ms + 10 * kMinuteMs);
    straight.run_until(warm_ms + 10 * kMinuteMs);
    if (fork.fingerprint() != straight.fingerprint() ||
        fork.events_processed() != straight.events_processed()) {
      state.SkipWithError("a forked run differs from the straight run");
      return;
    }
  }
  const std::uint64_t allocations_before = g_allocations;
  for (auto _ : state) {
    SimCluster fork = base;
    benchmark::DoNotOptimize(fork);
  }
  state.counters["allocs/fork"] =
      as_double(g_allocations - allocations_before) / static_cast<double>(state.iterations());
  state.counters["warm_events"] = as_double(base.events_processed());
  state.counters["sizeof(SimCluster)"] = static_cast<double>(sizeof(SimCluster));
  state.counters["sizeof(SimNode)"] = static_cast<double>(sizeof(SimNode));
}
BENCHMARK(BM_ForkCopy)->Arg(1)->Arg(10)->Arg(60);

void BM_ForkResimulate(benchmark::State& state) {
  const TimeMs warm_ms = state.range(0) * kMinuteMs;
  for (auto _ : state) {
    SimCluster c = warmed_cluster(warm_ms);
    benchmark::DoNotOptimize(c);
  }
}
BENCHMARK(BM_ForkResimulate)->Arg(1)->Arg(10)->Arg(60);

// ---------------------------------------------------------------------------------------
// Parsing

void BM_ParseDefaultPlan(benchmark::State& state) {
  const std::string_view text = default_plan_text();
  const std::string file = "default-plan.yaml";
  for (auto _ : state) {
    Result<Plan> plan = parse_plan(text, file);
    if (!plan) {
      state.SkipWithError("the default plan does not parse");
      break;
    }
    benchmark::DoNotOptimize(plan);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_ParseDefaultPlan);

void BM_ParseScenario(benchmark::State& state) {
  const std::string_view text = builtin_scenario("leader-crash");
  const std::string file = "leader-crash.yaml";
  const Plan& plan = *default_plan();
  for (auto _ : state) {
    Result<Scenario> s = parse_scenario(text, file, plan);
    if (!s) {
      state.SkipWithError("leader-crash does not parse");
      break;
    }
    benchmark::DoNotOptimize(s);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_ParseScenario);

// ---------------------------------------------------------------------------------------
// Whole scenario runs, as `clawsim scenario NAME --seed 1` does them minus the report.

void BM_ScenarioRun(benchmark::State& state, std::string_view name) {
  const std::shared_ptr<const Plan>& plan = default_plan();
  const std::string_view text = builtin_scenario(name);
  if (text.empty()) {
    state.SkipWithError("no such built-in scenario");
    return;
  }
  Result<Scenario> parsed = parse_scenario(text, std::string(name) + ".yaml", *plan);
  if (!parsed) {
    state.SkipWithError("the scenario does not parse");
    return;
  }
  const Scenario& scenario = parsed.value();
  std::uint64_t events = 0;
  bool pass = true;
  const std::uint64_t allocations_before = g_allocations;
  for (auto _ : state) {
    SimDriver driver(plan, kSeed);
    RunResult r = run_scenario(scenario, driver, plan->name);
    pass = pass && r.pass();
    events += driver.cluster().events_processed();
    benchmark::DoNotOptimize(r);
  }
  if (!pass) state.SkipWithError("the scenario's verdict is FAIL");
  state.SetItemsProcessed(static_cast<std::int64_t>(events));
  state.counters["events/run"] = as_double(events) / static_cast<double>(state.iterations());
  state.counters["sim_s/run"] = static_cast<double>(scenario.duration_ms) / 1000.0;
  state.counters["allocs/run"] =
      as_double(g_allocations - allocations_before) / static_cast<double>(state.iterations());
}

// `clawsim validate`'s dynamic layer: every single fault of the plan over one seed (Arg 1), and
// every pair too (Arg 2). Arg 0 of the plan index picks the runbook's plan, 1 the corrected one.
void BM_FaultSweep(benchmark::State& state) {
  SweepSettings settings;
  settings.depth = static_cast<int>(state.range(1));
  settings.seeds = {1};
  std::size_t runs = 0;
  for (auto _ : state) {
    const SweepResult r = sweep_faults(plan_arg(state), settings);
    runs += r.outcomes.size();
    benchmark::DoNotOptimize(r.outcomes.data());
  }
  state.counters["fault_runs/s"] =
      benchmark::Counter(static_cast<double>(runs), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FaultSweep)->Args({0, 1})->Args({1, 1})->Args({1, 2})->Unit(benchmark::kMillisecond);

// ---------------------------------------------------------------------------------------
// Scale: generated plans of N nodes (issue 13's 4, 64, 250 and 1,000), as
// tests/e2e/cli_test.cmake generates them: managers first, then workers; 20 services of N
// tasks each, no constraints.

std::shared_ptr<const Plan> scale_plan(std::int64_t nodes) {
  const std::int64_t managers = nodes <= 4 ? 3 : 7;
  std::string text = "name: scale-" + std::to_string(nodes) + "\nnodes:\n";
  for (std::int64_t i = 1; i <= nodes; ++i) {
    text += "  - {name: n" + std::to_string(i) + ", address: 10.1." + std::to_string(i / 250) + "." +
            std::to_string(i % 250 + 1) + ", role: " + (i <= managers ? "manager" : "worker") + "}\n";
  }
  text += "services:\n";
  for (int s = 1; s <= 20; ++s) {
    text += "  - {name: svc" + std::to_string(s) + ", image: app:1, replicas: " + std::to_string(nodes) + "}\n";
  }
  return load_plan(text, "scale-" + std::to_string(nodes) + ".yaml");
}

constexpr const char* kScaleLeaderCrash = R"(name: scale-leader-crash
duration: 150s
timeline:
  - {at: 60s, do: crash-node, node: "@leader"}
  - {at: 120s, do: restart-node, node: "@crashed"}
expect:
  - {name: a new leader, check: leader, becomes: new, after: 60s, within: 30s}
)";

// The heap in use (glibc's count), in MB: what a run's state holds while it is alive.
double heap_mb() { return static_cast<double>(mallinfo2().uordblks) / (1024.0 * 1024.0); }

void BM_ScaleScenario(benchmark::State& state) {
  const std::shared_ptr<const Plan> plan = scale_plan(state.range(0));
  Result<Scenario> parsed = parse_scenario(kScaleLeaderCrash, "scale-leader-crash.yaml", *plan);
  if (!parsed) die(parsed.error().to_string());
  const Scenario& scenario = parsed.value();
  std::uint64_t events = 0;
  bool pass = true;
  double heap = 0;
  const double heap_before = heap_mb();
  for (auto _ : state) {
    SimDriver driver(plan, kSeed);
    RunResult r = run_scenario(scenario, driver, plan->name);
    pass = pass && r.pass();
    events += driver.cluster().events_processed();
    heap = std::max(heap, heap_mb() - heap_before);
    benchmark::DoNotOptimize(r);
  }
  if (!pass) state.SkipWithError("the scenario's verdict is FAIL");
  state.SetItemsProcessed(static_cast<std::int64_t>(events));
  state.counters["tasks"] = static_cast<double>(20 * state.range(0));
  state.counters["events/run"] = as_double(events) / static_cast<double>(state.iterations());
  state.counters["heap_MB"] = heap;
}
BENCHMARK(BM_ScaleScenario)->Arg(4)->Arg(64)->Arg(250)->Arg(1000)->Unit(benchmark::kMillisecond);

void BM_ScaleSweep(benchmark::State& state) {
  const std::shared_ptr<const Plan> plan = scale_plan(state.range(0));
  SweepSettings settings;
  settings.seeds = {1};
  std::size_t runs = 0;
  double heap = 0;
  const double heap_before = heap_mb();
  for (auto _ : state) {
    const SweepResult r = sweep_faults(plan, settings);
    runs += r.outcomes.size();
    heap = std::max(heap, heap_mb() - heap_before);
    benchmark::DoNotOptimize(r.outcomes.data());
  }
  state.counters["fault_sets"] = static_cast<double>(runs) / static_cast<double>(state.iterations());
  state.counters["heap_MB"] = heap;
}
BENCHMARK(BM_ScaleSweep)->Arg(4)->Arg(64)->Arg(250)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ScaleSweep)->Arg(1000)->Iterations(1)->Unit(benchmark::kMillisecond);

// The static rules of `clawsim validate` on the runbook's plan.
void BM_LintPlan(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(lint_plan(*plan_arg(state)).size());
}
BENCHMARK(BM_LintPlan)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// The built-in scenarios by name. They cannot be listed from builtin_scenarios() here:
// benchmarks register during static initialization, and the embedded files are initialized
// dynamically (see README.md), so they may still be empty then. clawsim_sweep_bench runs
// every built-in scenario whatever its name.
constexpr std::string_view kScenarioNames[] = {
    "dashboard-node-loss", "follower-crash",    "leader-crash", "leader-demotion",
    "leader-partition",    "nfs-outage",        "quorum-loss",  "rolling-maintenance",
    "trusted-node-drain",  "trusted-node-loss", "worker-crash",
};

[[maybe_unused]] const bool kScenariosRegistered = [] {
  for (const std::string_view name : kScenarioNames) {
    const std::string bench_name = "BM_ScenarioRun/" + std::string(name);
    benchmark::RegisterBenchmark(bench_name.c_str(), BM_ScenarioRun, name)
        ->Unit(benchmark::kMicrosecond);
  }
  return true;
}();

}  // namespace
