// clawsim's command line: a thin shell that reads files, parses options, runs the model and
// writes reports. Everything it decides is decided in model/ and sim/.
#include <boost/program_options.hpp>
#include <algorithm>
#include <string_view>
#include <vector>
#include <fstream>
#include <iostream>
#include <cstdlib>
#include <memory>
#include <optional>
#include <random>
#include <sstream>

#include "cli/cli_io.h"
#include "cli/fidelity_commands.h"
#include "cli/gameday_commands.h"
#include "cli/live_commands.h"
#include "live/live_driver.h"
#include "shard/shard.h"
#include "shard/sweep_shard.h"
#include "cli/plan_commands.h"
#include "cli/progress.h"
#include "model/plan_yaml.h"
#include "model/report.h"
#include "model/runner.h"
#include "model/scenario.h"
#include "model/suggest.h"
#include "report/html.h"
#include "report/junit.h"
#include "report/markdown.h"
#include "scenarios/embedded.h"
#include "sim/parallel.h"
#include "sim/rng.h"
#include "sim/sim_driver.h"

namespace po = boost::program_options;
using namespace clawsim;

namespace {

using cli::kExitFail;
using cli::kExitPass;
using cli::kExitUsage;
using cli::kExitInternal;
using cli::LoadedPlan;
using cli::UsageError;
using cli::read_file;
using cli::write_output;
using cli::load_scenario;

const char* const kUsage = R"(usage: clawsim COMMAND [options]

commands:
  scenarios                 list the built-in scenarios (--inventory F: which can run live there)
  plan NAME                 print a built-in plan as YAML (default: the runbook's cluster)
  scenario NAME|FILE.yaml   run a scenario in the simulator and judge its expectations
  validate                  check the plan: static rules, then every single fault in the model
  validate --rules          the rule catalogue
  check-change FILE         replay the commands of a change on the plan, step by step
  live status               the cluster of --inventory as observed, and its differences from the plan
  live apply                converge the cluster to the plan (dry run unless --execute)
  live drill NAME|FILE      run a scenario on the real cluster: preflight, journal, guards, undo
  live measure NAME|FILE    run a drill --trials N times, each trial a line of --output FILE.jsonl
  live recover              undo what an interrupted drill left (--journal FILE)
  fidelity FILE.jsonl       the trials live measure recorded, beside the model's prediction of each
  merge SLICE.json...       join the slices of scenario --runs or validate (--shard K/N) into one report
  schema NAME               print the JSON Schema of a plan, scenario, inventory, gameday, report or change
  report FILE.json          render a saved run report again (--html|--junit|--markdown OUT; "-": stdout)
  gameday run FILE          run a game day's drills (live, or --simulate), record them in its history
  gameday schedule FILE     write its systemd service and timer (--output DIR), print a crontab line
  gameday history FILE      its past runs, the trend of every measure, regressions (exit 1)

options:
  --plan FILE     a plan (YAML or JSON) instead of the default one (default: $CLAWSIM_PLAN)
  --seed N        the run's seed (default: drawn and printed; validate: 1)
  --runs N        repeat over N seeds and print the distribution of each measured duration
  --jobs N        scenario --runs, validate, fidelity: how many runs at once (default: every core);
                  the results are the same bytes whatever N
  --json FILE     write the report as JSON ("-" for standard output)
  -v, --verbose   show every change in the timeline (terms, placements); validate: every pair;
                  live: the audit log also records every observation
  -q, --quiet     only the verdict on standard output; live: the audit log keeps only each
                  fault, each undo and the commands that failed
                  (verdicts are in colour on a terminal, never piped or with NO_COLOR set)
  --depth N       validate: 1 sweeps every single fault, 2 also every pair (default 1)
  --top N         validate: show the N worst fault sets, worst first
  --only WHAT     validate: show one fault kind's rows, or those breaking one objective
  --emit-scenario DIR  validate: write, for each row shown, the scenario that replays its
                  worst seed (clawsim scenario DIR/FILE --plan PLAN --seed S)
  --shard K/N     scenario --runs: run slice K of N of the seeds; validate: sweep slice K of N
                  of the fault sets (write it with --json; clawsim merge joins the slices)
  --seeds N       validate: seeds per fault, from --seed on (default 5); fidelity: the model's
                  runs of each recorded trial (default 500)
  --sarif FILE    validate: write the findings as SARIF 2.1.0 for code scanning
  --static-only   validate: the rules only, no fault sweep
  --then-scenario NAME   check-change: run this scenario on the cluster the change leaves
  --inventory F   live: how to reach the nodes (YAML; default: $CLAWSIM_INVENTORY)
  --journal F     live: the drill's journal (drill: where to write it; recover: what to read)
  --allow WHAT    live drill: accept a predicted blast radius (quorum-loss)
  --log-file F    live drill, apply, recover: the audit log of every remote command (default:
                  beside the journal, created 0600)
  --dry-run       live drill: the preflight, the prediction and the commands that would run,
                  with their undo; no fault injected
  --simulate      gameday run: the drills in the model only
  --now           gameday run: ignore the window and the blackouts
  --report DIR    scenario, validate, live drill, gameday run: write report.json and junit.xml
                  there (scenario and live drill: report.html too; with --runs, histograms)
  --output DIR    gameday schedule: where to write the units; live measure: the recording
                  (JSON Lines) each trial is appended to
  --trials N      live measure: how many times to run the drill
  --drill NAME    gameday history: only this drill
  --execute       live apply: run the commands instead of printing them
  --accept NAME   live apply: go ahead although the plan breaks this validate rule (a rule
                  id) or objective (its name); repeat for each
  -h, --help      this text; COMMAND --help: that command's, with an example
  --version       clawsim's version

exit codes: 0 every expectation holds (validate, check-change: no errors), 1 one fails,
            2 bad input or usage, 3 the only failures are the plan's known ones (XFAIL):
            the cluster is broken as known, nothing else broke; 70 an internal error
)";

std::string env_or(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// --plan, else $CLAWSIM_PLAN, else "" (the embedded default plan).
std::string plan_option(const po::variables_map& vm) {
  return vm.count("plan") ? vm["plan"].as<std::string>() : env_or("CLAWSIM_PLAN");
}

LoadedPlan load_plan(const po::variables_map& vm) {
  return cli::load_plan(plan_option(vm));
}

int exit_code(Outcome outcome) {
  switch (outcome) {
    case Outcome::kPass: return kExitPass;
    case Outcome::kKnownFailure: return cli::kExitKnownFailure;
    case Outcome::kFail: return kExitFail;
  }
  return kExitFail;
}

// --jobs N: how many runs at once; every core by default.
int jobs_option(const po::variables_map& vm) {
  if (!vm.count("jobs")) return default_jobs();
  const int jobs = vm["jobs"].as<int>();
  constexpr int kMaxJobs = 256;
  if (jobs < 1 || jobs > kMaxJobs) throw UsageError{"--jobs must be from 1 to " + std::to_string(kMaxJobs)};
  return jobs;
}

RunResult run_once(const Scenario& scenario, const LoadedPlan& plan, std::uint64_t seed) {
  auto effective = scenario.overrides_settings
                       ? std::make_shared<const Plan>(plan_for(*plan.plan, scenario))
                       : plan.plan;
  SimDriver driver(effective, seed);
  RunResult r = run_scenario(scenario, driver, plan.identity());
  r.seed = seed;
  return r;
}

// With an inventory, each scenario also says whether `live drill` can run it there, and why not.
int cmd_scenarios(const po::variables_map& vm) {
  std::optional<Inventory> inventory;
  if (vm.count("inventory")) {
    const std::string path = vm["inventory"].as<std::string>();
    const auto slash = path.rfind('/');
    Result<Inventory> inv = parse_inventory(read_file(path), path, slash == std::string::npos ? "." : path.substr(0, slash));
    if (!inv) throw UsageError{inv.error().to_string()};
    inventory = std::move(inv).value();
  }
  for (const EmbeddedFile& f : builtin_scenarios()) {
    Result<Plan> plan = parse_plan(default_plan_text(), "default-plan.yaml");
    Result<Scenario> s = parse_scenario(f.text, std::string(f.name) + ".yaml", plan.value());
    std::string line = std::string(f.name);
    line.append(line.size() < 24 ? 24 - line.size() : 1, ' ');
    if (inventory && s) {
      std::string why;
      for (const Action& a : s.value().timeline) {
        if (why.empty()) why = live_cannot_perform(a, *inventory);
        if (!why.empty()) {
          why = a.describe() + ": " + why;
          break;
        }
      }
      line += why.empty() ? "live: yes   " : "live: no    ";
      std::cout << line << (why.empty() ? s.value().description.substr(0, s.value().description.find('.') + 1) : why) << "\n";
      continue;
    }
    std::cout << line << (s ? s.value().description.substr(0, s.value().description.find('.') + 1)
                            : "(does not parse: " + s.error().to_string() + ")")
              << "\n";
  }
  return kExitPass;
}

// The JSON document in `path`; a file that is not JSON is bad input.
nlohmann::ordered_json read_json(const std::string& path) {
  auto j = nlohmann::ordered_json::parse(cli::read_file(path), nullptr, false);
  if (j.is_discarded()) throw UsageError{path + ": not JSON"};
  return j;
}

// --runs' text: each metric's distribution, then the seeds whose run failed.
void print_runs(const RunsTable& results) {
  std::cout << distributions_text(results);
  std::string failing;
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (results.outcome(i) == Outcome::kFail) failing += " " + std::to_string(results.seeds()[i]);
  }
  if (!failing.empty()) std::cout << "\nfailing seeds:" << failing << "\n";
}

int runs_exit_code(const RunsTable& results) {
  const RunCounts counts = count_runs(results);
  return exit_code(counts.failed ? Outcome::kFail : counts.known ? Outcome::kKnownFailure : Outcome::kPass);
}

int cmd_scenario(const std::string& ref, const po::variables_map& vm) {
  const LoadedPlan plan = load_plan(vm);
  const Scenario scenario = load_scenario(ref, *plan.plan);
  std::uint64_t seed = 0;
  if (vm.count("seed")) {
    seed = vm["seed"].as<std::uint64_t>();
  } else {
    seed = std::random_device{}() % 1000000;
    std::cerr << "seed " << seed << " (drawn; pass --seed " << seed << " to repeat this run)\n";
  }
  const int runs = vm["runs"].as<int>();
  constexpr int kMaxRuns = 1'000'000;  // about ten minutes of a two-minute scenario
  if (runs < 1 || runs > kMaxRuns) throw UsageError{"--runs must be from 1 to " + std::to_string(kMaxRuns)};
  if (runs == 1) {
    const RunResult r = run_once(scenario, plan, seed);
    if (vm.count("json")) write_output(vm["json"].as<std::string>(), cli::json_text(report_json(r)));
    if (vm.count("report")) {
      const std::string dir = vm["report"].as<std::string>();
      cli::make_directory(dir);
      write_output(dir + "/report.json", cli::json_text(report_json(r)));
      write_output(dir + "/junit.xml", junit_xml({junit_suite(r)}));
      HtmlReportInput html;
      html.run = &r;
      html.command = "clawsim scenario " + ref + " --seed " + std::to_string(seed) +
                     (plan_option(vm).empty() ? "" : " --plan " + plan_option(vm));
      write_output(dir + "/report.html", html_report(html));
    }
    if (!vm.count("json") || vm["json"].as<std::string>() != "-") {
      std::cout << report_text(r, scenario, vm.count("verbose") > 0);
    }
    return exit_code(r.outcome());
  }
  // --shard K/N: this process runs one contiguous slice of the seeds; clawsim merge joins them.
  std::optional<Shard> shard;
  if (vm.count("shard")) {
    Result<Shard> parsed = parse_shard(vm["shard"].as<std::string>());
    if (!parsed) throw UsageError{parsed.error().field + " " + parsed.error().message};
    shard = parsed.value();
    if (shard->count > runs) throw UsageError{"--shard: more slices than --runs"};
    if (!vm.count("json")) throw UsageError{"--shard writes its slice for clawsim merge: give --json FILE"};
    if (vm.count("report")) throw UsageError{"--shard: the report is drawn from every slice; clawsim merge writes the JSON"};
  }
  const auto [first, last] = shard ? shard_range(*shard, static_cast<std::size_t>(runs))
                                   : std::pair<std::size_t, std::size_t>{0, static_cast<std::size_t>(runs)};
  // What a run keeps for the distribution is its verdicts and measures (RunsTable: a few bytes
  // a run): runs are made a chunk at a time, on every core, and added to it in seed order. A
  // run the report shows is run again.
  RunsTable results;
  {
    constexpr std::size_t kChunk = 4096;
    cli::Progress progress("runs", last - first, vm.count("quiet") == 0);
    std::vector<RunResult> chunk;
    for (std::size_t from = first; from < last; from += kChunk) {
      chunk.assign(std::min(kChunk, last - from), RunResult{});
      parallel_for(
          chunk.size(), jobs_option(vm),
          [&](std::size_t i) {
            chunk[i] = run_once(scenario, plan, seed + static_cast<std::uint64_t>(from + i));
            Timeline().swap(chunk[i].timeline);
          },
          [&](std::size_t done) { progress.update(from - first + done); });
      for (const RunResult& r : chunk) results.add(r);
    }
  }
  const RunsIdentity id{scenario.name, plan.plan->name, plan.digest};
  if (shard) {
    std::cout << "scenario " << scenario.name << ", slice " << shard->index << "/" << shard->count << " of seeds "
              << seed << ".." << seed + static_cast<std::uint64_t>(runs - 1) << "\n";
    print_runs(results);
    write_output(vm["json"].as<std::string>(),
                 cli::json_text(shard_json(results, id, *shard, static_cast<std::size_t>(runs), seed)));
    return runs_exit_code(results);
  }
  std::cout << "scenario " << scenario.name << ", seeds " << seed << ".." << seed + static_cast<std::uint64_t>(runs - 1) << "\n";
  print_runs(results);
  const std::string json = vm.count("json") || vm.count("report") ? cli::json_text(runs_json(results, id)) : "";
  if (vm.count("json")) write_output(vm["json"].as<std::string>(), json);
  if (vm.count("report")) {
    const std::string dir = vm["report"].as<std::string>();
    cli::make_directory(dir);
    write_output(dir + "/report.json", json);
    write_output(dir + "/junit.xml", junit_xml({junit_suite(results)}));
    // The page draws one run's timeline (the first that failed, else the first): run it again.
    const RunResult drawn = run_once(scenario, plan, first_drawn_seed(results));
    RunsReportInput html;
    html.runs = &results;
    html.drawn = &drawn;
    html.command = "clawsim scenario " + ref + (plan_option(vm).empty() ? "" : " --plan " + plan_option(vm));
    write_output(dir + "/report.html", html_runs_report(html));
  }
  return runs_exit_code(results);
}

PlanArgs plan_args(const po::variables_map& vm);

// clawsim merge: the slices of one --runs, written as that --runs would have written them; or
// the slices of one validate, judged and written as that validate would have.
int cmd_merge(const std::vector<std::string>& files, const po::variables_map& vm) {
  std::vector<NamedJson> slices;
  for (const std::string& f : files) slices.push_back({f, read_json(f)});
  if (is_sweep_shard(slices.front().json)) return cmd_merge_validate(slices, plan_args(vm));
  for (const char* option : {"plan", "sarif", "report", "top", "only", "verbose", "emit-scenario"}) {
    if (vm.count(option)) {
      throw UsageError{"merge --" + std::string(option) + " is for the slices of validate; " + files.front() +
                       " is a slice of scenario --runs"};
    }
  }
  Result<MergedRuns> merged = merge_shards(slices);
  if (!merged) throw UsageError{merged.error().to_string()};
  const RunsTable& results = merged.value().runs;
  std::cout << "scenario " << merged.value().id.scenario << ", seeds " << results.seeds().front() << ".."
            << results.seeds().back() << " (" << files.size() << " slices)\n";
  print_runs(results);
  if (vm.count("json")) write_output(vm["json"].as<std::string>(), cli::json_text(runs_json(results, merged.value().id)));
  return runs_exit_code(results);
}

AuditLevel log_level(const po::variables_map& vm) {
  return vm.count("verbose") ? AuditLevel::kVerbose : vm.count("quiet") ? AuditLevel::kQuiet : AuditLevel::kNormal;
}

PlanArgs plan_args(const po::variables_map& vm) {
  PlanArgs a;
  a.plan = plan_option(vm);
  if (vm.count("json")) a.json = vm["json"].as<std::string>();
  if (vm.count("sarif")) a.sarif = vm["sarif"].as<std::string>();
  if (vm.count("depth")) a.depth = vm["depth"].as<int>();
  if (vm.count("seeds")) a.seeds = vm["seeds"].as<int>();
  if (vm.count("top")) {
    a.top = vm["top"].as<int>();
    if (a.top < 1) throw UsageError{"--top must be at least 1"};
  }
  if (vm.count("only")) a.only = vm["only"].as<std::string>();
  if (vm.count("emit-scenario")) a.emit_scenario = vm["emit-scenario"].as<std::string>();
  if (vm.count("shard")) a.shard = vm["shard"].as<std::string>();
  if (vm.count("seed")) a.seed = vm["seed"].as<std::uint64_t>();
  if (vm.count("report")) a.report = vm["report"].as<std::string>();
  if (vm.count("then-scenario")) a.then_scenario = vm["then-scenario"].as<std::string>();
  a.static_only = vm.count("static-only") > 0;
  a.list_rules = vm.count("rules") > 0;
  a.jobs = jobs_option(vm);
  if (vm.count("jobs") && (a.static_only || a.list_rules)) {
    throw UsageError{"validate --jobs runs the fault sweep's runs at once; " +
                     std::string(a.static_only ? "--static-only" : "--rules") + " runs none"};
  }
  a.verbose = vm.count("verbose") > 0;
  a.quiet = vm.count("quiet") > 0;
  return a;
}

// The options each command reads. An option a command does not read is an error, not a
// silent no-op: `scenario --sarif F` would otherwise exit 0 and write nothing.
struct CommandOptions {
  std::string_view command;
  std::vector<std::string_view> options;
};

const std::vector<CommandOptions>& command_options() {
  static const std::vector<CommandOptions> table = {
      {"scenarios", {"inventory"}},
      {"plan", {}},
      {"scenario", {"plan", "seed", "runs", "jobs", "json", "verbose", "quiet", "report", "shard"}},
      {"merge", {"json", "quiet", "plan", "sarif", "report", "top", "only", "verbose", "emit-scenario"}},
      {"validate", {"plan", "seed", "jobs", "json", "verbose", "quiet", "depth", "seeds", "top", "only", "emit-scenario", "sarif", "static-only",
                    "rules", "report", "shard"}},
      {"check-change", {"plan", "seed", "json", "verbose", "quiet", "then-scenario"}},
      {"live status", {"inventory", "plan"}},
      {"live apply", {"inventory", "plan", "execute", "accept", "journal", "log-file", "verbose", "quiet"}},
      {"live drill", {"inventory", "plan", "journal", "allow", "accept", "json", "dry-run", "log-file", "verbose", "quiet", "report"}},
      {"live measure", {"inventory", "plan", "journal", "allow", "accept", "log-file", "verbose", "quiet", "trials", "output"}},
      {"live recover", {"inventory", "journal", "log-file", "verbose", "quiet"}},
      {"fidelity", {"plan", "seeds", "jobs", "json", "quiet", "fit"}},
      {"gameday run", {"simulate", "now", "report", "verbose", "quiet"}},
      {"report", {"html", "junit", "markdown"}},
      {"schema", {}},
      {"gameday schedule", {"output"}},
      {"gameday history", {"drill", "json"}},
  };
  return table;
}

void check_options(const po::variables_map& vm, const std::string& command) {
  const auto entry = std::find_if(command_options().begin(), command_options().end(),
                                  [&](const CommandOptions& c) { return c.command == command; });
  if (entry == command_options().end()) return;  // an unknown command is reported as such
  for (const auto& [name, value] : vm) {
    if (name == "args" || name == "help" || value.defaulted()) continue;
    if (std::find(entry->options.begin(), entry->options.end(), name) == entry->options.end()) {
      std::string accepted;
      for (std::string_view o : entry->options) accepted += std::string(accepted.empty() ? "" : ", ") + "--" + std::string(o);
      throw UsageError{command + " does not use --" + name + " (it takes " +
                       (accepted.empty() ? std::string("no options") : accepted) + ")"};
    }
  }
  if (command == "validate" && vm.count("static-only")) {
    for (const char* sweep_only : {"depth", "seeds", "top", "only", "emit-scenario"}) {
      if (vm.count(sweep_only)) {
        throw UsageError{"validate --static-only sweeps no faults: --" + std::string(sweep_only) + " does not apply"};
      }
    }
  }
  const auto given = std::count_if(vm.begin(), vm.end(), [](const auto& o) {
    return o.first != "args" && o.first != "help" && !o.second.defaulted();
  });
  if (command == "validate" && vm.count("rules") && given > 1) {
    throw UsageError{"validate --rules lists the rule catalogue and takes no other option"};
  }
  if (vm.count("verbose") && vm.count("quiet")) throw UsageError{"--verbose and --quiet: one or the other"};
  if (vm.count("quiet") && vm.count("json") && vm["json"].as<std::string>() == "-") {
    throw UsageError{"--quiet with --json -: the JSON is all the output there is"};
  }
  if (command == "scenario" && vm.count("verbose") && vm["runs"].as<int>() > 1) {
    throw UsageError{"scenario --verbose shows one run's timeline; --runs prints distributions"};
  }
  if (command == "scenario" && vm.count("jobs") && vm["runs"].as<int>() == 1) {
    throw UsageError{"scenario --jobs runs several of --runs N at once; one run has nothing to share"};
  }
}

// Each command's own usage, with an example: `clawsim COMMAND --help`, or the command alone.
std::string_view command_help(std::string_view topic) {
  static const std::vector<std::pair<std::string_view, std::string_view>> kHelp = {
      {"scenario", R"(usage: clawsim scenario NAME|FILE.yaml [--plan FILE] [--seed N] [--runs N] [--json FILE] [--verbose]
                        [--report DIR] [--jobs N] [--shard K/N]

Runs a scenario in the model and judges its expectations. NAME is a built-in scenario
(clawsim scenarios lists them); FILE a scenario of your own. With --runs N, over N seeds:
the distribution of each measured duration, and the seeds that failed. --report DIR writes
report.json, junit.xml and report.html (one run: its timeline; --runs: a histogram per
measure, the failing seeds and one run's timeline). --shard K/N runs slice K of N of the
--runs seeds and writes it with --json; clawsim merge joins the slices.

  clawsim scenario leader-crash --seed 7
  clawsim scenario leader-crash --runs 1000 --plan my-plan.yaml --report out/
  clawsim scenario leader-crash --runs 1000000 --seed 1 --shard 3/8 --json slice-3.json

exit: 0 every expectation holds, 1 one fails, 2 bad input, 3 only the plan's known failures
)"},
      {"merge", R"(usage: clawsim merge SLICE.json... [--json FILE]
       clawsim merge SLICE.json... [--plan FILE] [--json FILE] [--sarif FILE] [--report DIR]
                     [--top N] [--only WHAT] [--verbose] [--emit-scenario DIR]

Joins the slices of one scenario --runs (each written with --shard K/N --json), given in any
order, into the text and the JSON that one process running every seed would have written.
Every slice must be there, once, from the same scenario, plan, --runs and --seed.

The slices of one validate (validate --shard K/N --json) are joined into the sweep one
process would have run; the objectives are judged on it and everything validate writes is
written from it, byte for byte. --plan names the plan the slices swept (its digest must match;
default: the embedded plan); the views and outputs are validate's. A slice does not keep the
runs' timelines: --emit-scenario runs each row shown again on its seed.

  clawsim merge slice-*.json --json runs.json
  clawsim merge sweep-*.json --plan my-plan.yaml --json validate.json --top 10

exit: as scenario --runs: 0 every run passed, 1 one failed, 2 bad input, 3 only known failures;
      validate's slices: as validate, 0 pass, 1 fail, 2 bad input
)"},
      {"plan", R"(usage: clawsim plan NAME

Prints a built-in plan as YAML: default (the runbook's cluster), corrected-firewall,
recommended, before-ha.

  clawsim plan default > my-plan.yaml
)"},
      {"scenarios", R"(usage: clawsim scenarios

Lists the built-in scenarios, one line each.
)"},
      {"validate", R"(usage: clawsim validate [--plan FILE] [--depth 1|2] [--seeds N] [--seed N] [--jobs N]
                        [--top N] [--only OBJECTIVE|KIND] [--emit-scenario DIR] [--json FILE]
                        [--sarif FILE] [--report DIR] [--verbose] [--shard K/N] | --static-only | --rules

Checks a plan: the static rules, then every single fault (--depth 2: every pair) in the model,
judged against the plan's objectives. The sweep's text starts with a summary (fault sets by
kind, how many break each objective), then a row per fault set with its worst seed; past 40
rows only the 20 worst. --top N: the N worst rows, worst first. --only: the rows of one fault
kind (crash, daemon-stop, demote, drain, partition, nfs-outage, domain-outage) or the fault
sets that break one objective. The JSON and SARIF always hold every fault set.
--emit-scenario DIR writes, for each row shown, a scenario that replays the row's worst seed:
`clawsim scenario DIR/FILE --plan PLAN --seed S` is that run, timeline and all.
--shard K/N sweeps slice K of N of the fault sets (singles, then pairs, dealt round: sets K,
K+N, K+2N...) and writes it with --json, exiting 0 once written: clawsim merge joins the slices, judges the objectives and
writes the report (give --top, --only, --sarif, --report and --emit-scenario to it).

  clawsim validate --plan my-plan.yaml --sarif validate.sarif
  clawsim validate --depth 2 --top 10 --only 'the quorum survives any single fault'
  clawsim validate --top 3 --emit-scenario worst/
  clawsim validate --plan big.yaml --shard 2/8 --json sweep-2.json

exit: 0 no errors and every objective holds, 1 otherwise, 2 bad input
)"},
      {"check-change", R"(usage: clawsim check-change CHANGE [--plan FILE] [--seed N] [--json FILE] [--then-scenario NAME]

Replays the commands of a change (docker node|service|swarm, ufw; or YAML) on the plan, step by
step, with Docker's answers, the quorum margin and what is down after each.

  clawsim check-change scenarios/changes/runbook-ha-promote.change --plan scenarios/plans/before-ha.yaml

exit: 0 the change passes, 1 it does not, 2 bad input
)"},
      {"live", R"(usage: clawsim live status|apply|drill|measure|recover --inventory FILE [options]

  clawsim live status  --inventory inv.yaml [--plan FILE]
  clawsim live apply   --inventory inv.yaml [--plan FILE] [--execute] [--accept NAME]... [--journal FILE]
  clawsim live drill   NAME|FILE --inventory inv.yaml [--plan FILE] [--allow quorum-loss]
                       [--accept RULE]... [--journal FILE] [--json FILE]
  clawsim live measure NAME|FILE --trials N --output FILE.jsonl --inventory inv.yaml [--plan FILE]
  clawsim live recover --journal FILE --inventory inv.yaml
)"},
      {"live measure", R"(usage: clawsim live measure NAME|FILE --trials N --output FILE.jsonl --inventory FILE
                            [--plan FILE] [--allow quorum-loss] [--accept RULE]... [--journal FILE]

Runs a drill N times, each trial with every safety of live drill, and waits until the cluster
has a leader and every node is Ready before each. Each trial is appended to FILE.jsonl as it
ends: the plan and the scenario, the cluster as observed before the fault, the Docker and
clawsim versions, and every measured duration with the interval its observations allow.
`clawsim fidelity FILE.jsonl` sets them beside the model. --journal J: trial K's is J.K.

  clawsim live measure tests/live/drills/leader-partition.yaml --trials 10 \
      --output leader-partition.jsonl --inventory inv.yaml

exit: 0 every trial passed, 1 one did not (the others are recorded; a trial that was aborted
or could not be undone ends the measurement), 2 bad input
)"},
      {"fidelity", R"(usage: clawsim fidelity FILE.jsonl [--plan FILE] [--seeds N] [--jobs N] [--json FILE] [--fit]

Predicts each trial that clawsim live measure recorded again, over N seeds (default 500) from
the cluster the trial met, and prints per drill and measure: the model's min, median and max
and its 5th-95th percentile band (over every trial's runs), the observed values, how many lie
inside their trial's window and band, and the two-sample Kolmogorov-Smirnov D between the
observed values and the model's. --plan FILE predicts with that plan instead of the recorded
one (a changed raft or world setting, say).

--fit, when observations lie outside: predicts again with one plan parameter changed at a time
(raft election and heartbeat ticks and transport backoff, dispatcher heartbeat period and grace
multipliers, world link latency, container start, agent reconnect, promote join, API fast
fail), each over a few values, and proposes the one that brings the most observations inside
(between equals, the most inside the 5-95% bands, then the closest distributions by
Kolmogorov-Smirnov D) as the plan's override; it lists what stays outside,
which no single parameter explains. The verdict and the exit status are the plan's as given.

  clawsim fidelity tests/fidelity/leader-partition.jsonl

exit: 0 every observation lies within its trial's window, 1 one does not, 2 bad input
)"},
      {"live apply", R"(usage: clawsim live apply --inventory FILE [--plan FILE] [--execute] [--accept NAME]... [--journal FILE]

Converges the cluster to the plan. The plan is judged as validate judges it and the steps are
replayed in the model on the cluster as observed; the dry run shows each step's prediction.
--execute runs them one at a time, each undo journaled first, and undoes everything when the
cluster leaves the prediction. --accept NAME goes ahead despite that validate error (a rule id)
or failed objective (its name).

  clawsim live apply --inventory inv.yaml --plan my-plan.yaml
)"},
      {"live drill", R"(usage: clawsim live drill NAME|FILE --inventory FILE [--plan FILE] [--allow quorum-loss]
                          [--accept RULE]... [--journal FILE] [--json FILE]

Runs a scenario on the real cluster: preflight, lock, journal, guards, undo, verify; the
observed durations beside the model's prediction from the cluster as observed.

  clawsim live drill tests/live/drills/leader-demotion.yaml --inventory inv.yaml
)"},
      {"schema", R"(usage: clawsim schema plan|scenario|inventory|gameday|report|change

Prints the JSON Schema of that file, for an editor (yaml-language-server) or a CI check.

  clawsim schema plan > plan.schema.json
)"},
      {"report", R"(usage: clawsim report FILE.json [--html OUT] [--junit OUT] [--markdown OUT]

Renders a saved run report (scenario --json, --report) again; "-" writes to standard output.

  clawsim report out/report.json --markdown -
)"},
      {"gameday", R"(usage: clawsim gameday run|schedule|history FILE [options]

  clawsim gameday run FILE [--simulate] [--now] [--report DIR]
  clawsim gameday schedule FILE --output DIR
  clawsim gameday history FILE [--drill NAME] [--json FILE]

  clawsim gameday run scenarios/gamedays/monthly-failover.yaml --simulate --now
)"},
  };
  for (const auto& [name, text] : kHelp) {
    if (name == topic) return text;
  }
  const auto space = topic.find(' ');
  if (space != std::string_view::npos) return command_help(topic.substr(0, space));
  return {};
}

int run(int argc, char** argv) {
  po::options_description opts;
  opts.add_options()("help,h", "")("version", "")("plan", po::value<std::string>(), "")(
      "seed", po::value<std::uint64_t>(), "")("runs", po::value<int>()->default_value(1), "")("jobs", po::value<int>(), "")(
      "json", po::value<std::string>(), "")("verbose,v", "")("quiet,q", "")(
      "inventory", po::value<std::string>(), "")("execute", "")("journal", po::value<std::string>(), "")(
      "allow", po::value<std::vector<std::string>>()->composing(), "")(
      "accept", po::value<std::vector<std::string>>()->composing(), "")(
      "depth", po::value<int>(), "")("seeds", po::value<int>(), "")("top", po::value<int>(), "")(
      "only", po::value<std::string>(), "")("emit-scenario", po::value<std::string>(), "")(
      "sarif", po::value<std::string>(), "")("static-only", "")("rules", "")(
      "then-scenario", po::value<std::string>(), "")("simulate", "")("fit", "")("shard", po::value<std::string>(), "")("now", "")("dry-run", "")("html", po::value<std::string>(), "")(
      "junit", po::value<std::string>(), "")("markdown", po::value<std::string>(), "")("log-file", po::value<std::string>(), "")(
      "report", po::value<std::string>(), "")("output", po::value<std::string>(), "")(
      "drill", po::value<std::string>(), "")("trials", po::value<int>(), "")(
      "args", po::value<std::vector<std::string>>()->default_value({}, ""), "");
  po::positional_options_description pos;
  pos.add("args", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(opts).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError{e.what()};
  }
  const auto& args = vm["args"].as<std::vector<std::string>>();
  if (vm.count("version")) {
    std::cout << "clawsim " << CLAWSIM_VERSION << "\n";
    return kExitPass;
  }
  const std::string topic = args.empty() ? ""
                            : (args[0] == "live" || args[0] == "gameday") && args.size() > 1 ? args[0] + " " + args[1]
                                                                                              : args[0];
  if (vm.count("help") || args.empty()) {
    const std::string_view help = command_help(topic);
    std::cout << (help.empty() ? std::string_view(kUsage) : help);
    return args.empty() && !vm.count("help") ? kExitUsage : kExitPass;
  }
  const std::string& command = args[0];
  // A command without its argument: that command's usage, not "unknown command".
  if ((command == "scenario" || command == "plan" || command == "check-change" || command == "live" ||
       command == "gameday" || command == "schema" || command == "report") && args.size() == 1) {
    std::cerr << command_help(command);
    return kExitUsage;
  }
  const bool has_sub = (command == "live" || command == "gameday") && args.size() > 1;
  check_options(vm, has_sub ? command + " " + args[1] : command);
  std::optional<cli::StdoutLines> quiet, colour;  // colour after quiet: it colours what quiet keeps
  if (vm.count("quiet")) quiet.emplace([](const std::string& line) { return cli::is_verdict_line(line) ? line : ""; });
  if (cli::colour_wanted()) colour.emplace(cli::coloured);
  if (command == "scenarios" && args.size() == 1) return cmd_scenarios(vm);
  if (command == "plan" && args.size() == 2) {
    const std::string_view text = builtin_plan(args[1]);
    if (text.empty()) {
      std::vector<std::string> names;
      for (const EmbeddedFile& f : builtin_plans()) names.emplace_back(f.name);
      std::string list;
      for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
      throw UsageError{"no built-in plan '" + args[1] + "'" + did_you_mean(args[1], names) + "; the built-in plans: " + list};
    }
    std::cout << text;
    return kExitPass;
  }
  if (command == "scenario" && args.size() == 2) return cmd_scenario(args[1], vm);
  if (command == "merge") {
    if (args.size() < 2) throw UsageError{"merge needs the slices: clawsim merge SLICE.json... [--json FILE]"};
    return cmd_merge(std::vector<std::string>(args.begin() + 1, args.end()), vm);
  }
  if (command == "validate" && args.size() == 1) return cmd_validate(plan_args(vm));
  if (command == "check-change" && args.size() != 2) {
    throw UsageError{"check-change needs one change file: clawsim check-change FILE [--plan PLAN]"};
  }
  if (command == "check-change") {
    PlanArgs a = plan_args(vm);
    a.change = args[1];
    return cmd_check_change(a);
  }
  if (command == "live") {
    LiveArgs live;
    live.args.assign(args.begin() + 1, args.end());
    live.inventory = vm.count("inventory") ? vm["inventory"].as<std::string>() : env_or("CLAWSIM_INVENTORY");
    live.plan = plan_option(vm);
    if (vm.count("journal")) live.journal = vm["journal"].as<std::string>();
    if (vm.count("allow")) live.allow = vm["allow"].as<std::vector<std::string>>();
    if (vm.count("accept")) live.accept = vm["accept"].as<std::vector<std::string>>();
    if (vm.count("json")) live.json = vm["json"].as<std::string>();
    live.execute = vm.count("execute") > 0;
    live.dry_run = vm.count("dry-run") > 0;
    live.log_level = log_level(vm);
    if (vm.count("log-file")) live.log_file = vm["log-file"].as<std::string>();
    if (vm.count("report")) live.report = vm["report"].as<std::string>();
    if (vm.count("trials")) live.trials = vm["trials"].as<int>();
    if (vm.count("output")) live.out = vm["output"].as<std::string>();
    return run_live(live);
  }
  if (command == "fidelity") {
    if (args.size() != 2) throw UsageError{"fidelity needs one recording: clawsim fidelity FILE.jsonl [--plan FILE]"};
    FidelityArgs f;
    f.recording = args[1];
    if (vm.count("plan")) f.plan = vm["plan"].as<std::string>();
    if (vm.count("seeds")) f.seeds = vm["seeds"].as<int>();
    if (vm.count("json")) f.json = vm["json"].as<std::string>();
    f.fit = vm.count("fit") > 0;
    f.jobs = jobs_option(vm);
    return cmd_fidelity(f);
  }
  if (command == "schema" && args.size() == 2) {
    std::vector<std::string> names;
    for (const EmbeddedFile& f : builtin_schemas()) {
      if (f.name == args[1]) {
        std::cout << f.text;
        return kExitPass;
      }
      names.emplace_back(f.name);
    }
    std::string list;
    for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
    throw UsageError{"no schema '" + args[1] + "'" + did_you_mean(args[1], names) + "; the schemas: " + list};
  }
  if (command == "report" && args.size() == 2) {
    const std::string file = args[1];
    const nlohmann::ordered_json j = read_json(file);
    const Result<RunResult> run = run_from_json(j, file);
    if (!run) throw UsageError{run.error().to_string()};
    const std::vector<Distribution> prediction =
        j.contains("prediction") ? distributions_from_json(j["prediction"]) : std::vector<Distribution>{};
    int written = 0;
    if (vm.count("html")) {
      HtmlReportInput html;
      html.run = &run.value();
      html.prediction = prediction;
      html.live = run.value().seed == 0 && !prediction.empty();
      html.command = "clawsim report " + file + " --html " + vm["html"].as<std::string>();
      write_output(vm["html"].as<std::string>(), html_report(html));
      ++written;
    }
    if (vm.count("junit")) {
      write_output(vm["junit"].as<std::string>(), junit_xml({junit_suite(run.value())}));
      ++written;
    }
    if (vm.count("markdown")) {
      write_output(vm["markdown"].as<std::string>(), markdown_report(run.value(), prediction));
      ++written;
    }
    if (written == 0) throw UsageError{"clawsim report FILE.json needs --html OUT, --junit OUT or --markdown OUT"};
    return kExitPass;
  }
  if (command == "gameday") {
    GameDayArgs g;
    g.args.assign(args.begin() + 1, args.end());
    g.argv0 = argv[0];
    g.simulate = vm.count("simulate") > 0;
    g.now = vm.count("now") > 0;
    g.log_level = log_level(vm);
    if (vm.count("json")) g.json = vm["json"].as<std::string>();
    if (vm.count("report")) g.report = vm["report"].as<std::string>();
    if (vm.count("output")) g.output = vm["output"].as<std::string>();
    if (vm.count("drill")) g.drill = vm["drill"].as<std::string>();
    return cmd_gameday(g);
  }
  throw UsageError{"unknown command '" + command + "' (or wrong arguments); see clawsim --help"};
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const UsageError& e) {
    std::cerr << "clawsim: " << InputError::printable(e.message) << "\n";
    return kExitUsage;
  } catch (const std::exception& e) {  // a bug: say so plainly rather than abort
    std::cerr << "clawsim: internal error: " << InputError::printable(e.what())
              << " (please report it with the command and its input)\n";
    return kExitInternal;
  }
}
