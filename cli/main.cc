// clawsim's command line: a thin shell that reads files, parses options, runs the model and
// writes reports. Everything it decides is decided in model/ and sim/.
#include <boost/program_options.hpp>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <sstream>

#include "cli/live_commands.h"
#include "model/plan_yaml.h"
#include "model/report.h"
#include "model/runner.h"
#include "model/scenario.h"
#include "scenarios/embedded.h"
#include "sim/rng.h"
#include "sim/sim_driver.h"

namespace po = boost::program_options;
using namespace clawsim;

namespace {

constexpr int kExitPass = 0;
constexpr int kExitFail = 1;
constexpr int kExitUsage = 2;

const char* const kUsage = R"(usage: clawsim COMMAND [options]

commands:
  scenarios                 list the built-in scenarios
  plan default              print the embedded default plan (the runbook's cluster) as YAML
  scenario NAME|FILE.yaml   run a scenario in the simulator and judge its expectations
  live status               the cluster of --inventory as observed, and its differences from the plan
  live apply                converge the cluster to the plan (dry run unless --execute)
  live drill NAME|FILE      run a scenario on the real cluster: preflight, journal, guards, undo
  live recover              undo what an interrupted drill left (--journal FILE)

options:
  --plan FILE     a plan (YAML or JSON) instead of the default one
  --seed N        the run's seed (default: drawn and printed)
  --runs N        repeat over N seeds and print the distribution of each measured duration
  --json FILE     write the report as JSON ("-" for standard output)
  --verbose       show every change in the timeline (terms, placements)
  --inventory F   live: how to reach the nodes (YAML)
  --journal F     live: the drill's journal (drill: where to write it; recover: what to read)
  --allow WHAT    live drill: accept a predicted blast radius (quorum-loss)
  --execute       live apply: run the commands instead of printing them
  -h, --help      this text

exit codes: 0 every expectation holds, 1 one fails, 2 bad input or usage
)";

struct UsageError {
  std::string message;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError{path + ": cannot read the file"};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string digest(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return hex64(h);
}

struct LoadedPlan {
  std::shared_ptr<const Plan> plan;
  std::string digest;
};

LoadedPlan load_plan(const po::variables_map& vm) {
  std::string text;
  std::string file = "default-plan.yaml (embedded)";
  if (vm.count("plan")) {
    file = vm["plan"].as<std::string>();
    text = read_file(file);
  } else {
    text = std::string(default_plan_text());
  }
  Result<Plan> plan = parse_plan(text, file);
  if (!plan) throw UsageError{plan.error().to_string()};
  return {std::make_shared<const Plan>(std::move(plan).value()), digest(text)};
}

Scenario load_scenario(const std::string& ref, const Plan& plan) {
  std::string text(builtin_scenario(ref));
  std::string file = ref + ".yaml (built in)";
  if (text.empty()) {
    if (ref.find('/') == std::string::npos && ref.find(".y") == std::string::npos &&
        ref.find(".json") == std::string::npos) {
      throw UsageError{"unknown scenario '" + ref + "'; `clawsim scenarios` lists the built-in ones"};
    }
    file = ref;
    text = read_file(ref);
  }
  Result<Scenario> s = parse_scenario(text, file, plan);
  if (!s) throw UsageError{s.error().to_string()};
  return std::move(s).value();
}

void write_output(const std::string& path, const std::string& text) {
  if (path == "-") {
    std::cout << text;
    return;
  }
  std::ofstream out(path, std::ios::binary);
  if (!out || !(out << text)) throw UsageError{path + ": cannot write the report"};
}

RunResult run_once(const Scenario& scenario, const LoadedPlan& plan, std::uint64_t seed) {
  auto effective = scenario.overrides_settings
                       ? std::make_shared<const Plan>(plan_for(*plan.plan, scenario))
                       : plan.plan;
  SimDriver driver(effective, seed, scenario.observe_interval_ms);
  RunResult r = run_scenario(scenario, driver, plan.plan->name);
  r.seed = seed;
  r.plan_digest = plan.digest;
  return r;
}

int cmd_scenarios() {
  for (const EmbeddedFile& f : builtin_scenarios()) {
    Result<Plan> plan = parse_plan(default_plan_text(), "default-plan.yaml");
    Result<Scenario> s = parse_scenario(f.text, std::string(f.name) + ".yaml", plan.value());
    std::string line = std::string(f.name);
    line.append(line.size() < 24 ? 24 - line.size() : 1, ' ');
    std::cout << line << (s ? s.value().description.substr(0, s.value().description.find('.') + 1)
                            : "(does not parse: " + s.error().to_string() + ")")
              << "\n";
  }
  return kExitPass;
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
  if (runs < 1) throw UsageError{"--runs must be at least 1"};
  if (runs == 1) {
    const RunResult r = run_once(scenario, plan, seed);
    if (vm.count("json")) write_output(vm["json"].as<std::string>(), report_json(r).dump(2) + "\n");
    if (!vm.count("json") || vm["json"].as<std::string>() != "-") {
      std::cout << report_text(r, scenario, vm.count("verbose") > 0);
    }
    return r.pass() ? kExitPass : kExitFail;
  }
  std::vector<RunResult> results;
  for (int i = 0; i < runs; ++i) {
    results.push_back(run_once(scenario, plan, seed + static_cast<std::uint64_t>(i)));
  }
  std::cout << "scenario " << scenario.name << ", seeds " << seed << ".." << seed + static_cast<std::uint64_t>(runs - 1)
            << "\n" << distributions_text(results);
  bool all = true;
  for (const RunResult& r : results) {
    if (!r.pass()) {
      if (all) std::cout << "\nfailing seeds:";
      std::cout << " " << r.seed;
      all = false;
    }
  }
  if (!all) std::cout << "\n";
  if (vm.count("json")) {
    write_output(vm["json"].as<std::string>(), distributions_json(results).dump(2) + "\n");
  }
  return all ? kExitPass : kExitFail;
}

int run(int argc, char** argv) {
  po::options_description opts;
  opts.add_options()("help,h", "")("plan", po::value<std::string>(), "")(
      "seed", po::value<std::uint64_t>(), "")("runs", po::value<int>()->default_value(1), "")(
      "json", po::value<std::string>(), "")("verbose", "")(
      "inventory", po::value<std::string>(), "")("execute", "")("journal", po::value<std::string>(), "")(
      "allow", po::value<std::vector<std::string>>()->composing(), "")(
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
  if (vm.count("help") || args.empty()) {
    std::cout << kUsage;
    return args.empty() && !vm.count("help") ? kExitUsage : kExitPass;
  }
  const std::string& command = args[0];
  if (command == "scenarios" && args.size() == 1) return cmd_scenarios();
  if (command == "plan" && args.size() == 2 && args[1] == "default") {
    std::cout << default_plan_text();
    return kExitPass;
  }
  if (command == "scenario" && args.size() == 2) return cmd_scenario(args[1], vm);
  if (command == "live") {
    LiveArgs live;
    live.args.assign(args.begin() + 1, args.end());
    if (vm.count("inventory")) live.inventory = vm["inventory"].as<std::string>();
    if (vm.count("plan")) live.plan = vm["plan"].as<std::string>();
    if (vm.count("journal")) live.journal = vm["journal"].as<std::string>();
    if (vm.count("allow")) live.allow = vm["allow"].as<std::vector<std::string>>();
    if (vm.count("json")) live.json = vm["json"].as<std::string>();
    live.execute = vm.count("execute") > 0;
    return run_live(live);
  }
  throw UsageError{"unknown command '" + command + "' (or wrong arguments); see clawsim --help"};
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const UsageError& e) {
    std::cerr << "clawsim: " << e.message << "\n";
    return kExitUsage;
  }
}
