#include "cli/fidelity_commands.h"

#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>

#include "cli/cli_io.h"
#include "fidelity/compare.h"
#include "fidelity/recording.h"
#include "model/observed_plan.h"
#include "model/report.h"
#include "model/runner.h"
#include "sim/sim_driver.h"

namespace clawsim {

namespace {

std::string observed_text(const Observation& o) { return format_measured(o.value, o.low, o.high); }

std::string ratio(int n, std::size_t of) { return std::to_string(n) + "/" + std::to_string(of); }

}  // namespace

int cmd_fidelity(const FidelityArgs& a) {
  if (a.seeds < 1) throw cli::UsageError{"--seeds must be at least 1"};
  Result<std::vector<Trial>> recording = read_recording(cli::read_file(a.recording), a.recording);
  if (!recording) throw cli::UsageError{recording.error().to_string()};
  std::optional<cli::LoadedPlan> plan_override;
  if (!a.plan.empty()) plan_override = cli::load_plan(a.plan);

  // The trials of each drill, in the order the recording first names them.
  std::vector<std::string> drills;
  std::map<std::string, std::vector<const Trial*>> by_drill;
  for (const Trial& t : recording.value()) {
    if (!by_drill.count(t.observed.scenario)) drills.push_back(t.observed.scenario);
    by_drill[t.observed.scenario].push_back(&t);
  }
  // Trials that met the same cluster share the model's runs.
  std::map<std::string, std::vector<RunResult>> runs_of;
  auto predict = [&](const Trial& t) -> const std::vector<RunResult>& {
    const cli::LoadedPlan plan = plan_override ? *plan_override : cli::plan_from_text(t.plan_text, t.plan_file + " (recorded)");
    // The drill as scheduled, and as the trial performed it: each action where its commands
    // began, and again where they ended (it took effect in between).
    std::string key = plan.text + '\0' + t.scenario_text + '\0' + met_json(t).dump();
    for (TimeMs at : landed_instants(t.observed.timeline)) key += ' ' + std::to_string(at);
    for (TimeMs at : action_ends(t.observed.timeline)) key += ' ' + std::to_string(at);
    const auto hit = runs_of.find(key);
    if (hit != runs_of.end()) return hit->second;
    const Scenario scenario = cli::scenario_from_text({t.scenario_text, t.scenario_file + " (recorded)"}, *plan.plan);
    const ObservedPlan observed = plan_as_observed(*plan.plan, t.before, t.firewalls);
    auto shared = std::make_shared<const Plan>(plan_for(observed.plan, scenario));
    // As a live drill judges it: the runs as scheduled, and as performed both ways.
    std::vector<RunResult> runs = run_seeds(shared, scenario, plan.identity(), a.seeds, a.jobs);
    std::vector<RunResult> performed = run_seeds_as_performed(shared, scenario, t.observed.timeline, plan.identity(), a.seeds, a.jobs);
    runs.insert(runs.end(), std::make_move_iterator(performed.begin()), std::make_move_iterator(performed.end()));
    return runs_of.emplace(key, std::move(runs)).first->second;
  };

  bool outside = false;
  nlohmann::ordered_json j = {{"recording", a.recording}, {"seeds", a.seeds}, {"drills", nlohmann::ordered_json::array()}};
  for (const std::string& drill : drills) {
    const std::vector<const Trial*>& trials = by_drill[drill];
    std::vector<RunResult> observed;
    std::vector<std::vector<RunResult>> predicted;
    std::vector<int> numbers;
    std::map<std::string, int> dockers;
    for (const Trial* t : trials) {
      // What the trial saw, measured again by this clawsim's rules from its recorded timeline.
      observed.push_back(t->observed);
      const cli::LoadedPlan plan = cli::plan_from_text(t->plan_text, t->plan_file + " (recorded)");
      const Scenario scenario = cli::scenario_from_text({t->scenario_text, t->scenario_file + " (recorded)"}, *plan.plan);
      measure_into(observed.back(), scenario, landed_instants(t->observed.timeline));
      predicted.push_back(predict(*t));
      numbers.push_back(t->trial);
      ++dockers[t->docker_version.empty() ? "?" : t->docker_version];
    }
    std::string docker;
    for (const auto& [version, n] : dockers) docker += (docker.empty() ? "" : ", ") + version + " x" + std::to_string(n);
    std::cout << drill << ": " << trials.size() << " trial" << (trials.size() == 1 ? "" : "s") << " (Docker " << docker
              << "), the model over " << a.seeds << " seeds of each\n";
    nlohmann::ordered_json jd = {{"drill", drill}, {"trials", trials.size()}, {"measures", nlohmann::ordered_json::array()}};
    for (const MeasureFidelity& f : compare_trials(observed, predicted, numbers)) {
      std::cout << "  " << f.metric << "\n    model     " << format_time(f.min) << ".." << format_time(f.max) << " (median "
                << format_time(f.median) << ", 5-95% " << format_time(f.p5) << ".." << format_time(f.p95) << ")\n    observed ";
      for (const Observation& o : f.observed) std::cout << " " << observed_text(o);
      std::cout << "\n    inside the window " << ratio(f.in_window, f.observed.size()) << ", inside the band "
                << ratio(f.in_band, f.observed.size()) << ", Kolmogorov-Smirnov D " << std::fixed;
      std::cout.precision(2);
      std::cout << f.ks << "\n";
      std::cout.unsetf(std::ios::fixed);
      nlohmann::ordered_json jo = nlohmann::ordered_json::array();
      for (const Observation& o : f.observed) {
        if (!o.in_window) {
          outside = true;
          std::cout << "    OUTSIDE  trial " << o.trial << ": " << observed_text(o) << ", its window "
                    << format_time(o.window_min) << ".." << format_time(o.window_max) << "\n";
        }
        jo.push_back({{"trial", o.trial}, {"value_ms", o.value}, {"low_ms", o.low}, {"high_ms", o.high},
                      {"window_min_ms", o.window_min}, {"window_max_ms", o.window_max},
                      {"band_low_ms", o.band_low}, {"band_high_ms", o.band_high},
                      {"in_window", o.in_window}, {"in_band", o.in_band}});
      }
      jd["measures"].push_back({{"metric", f.metric},
                                {"model", {{"runs", f.model_runs}, {"min_ms", f.min}, {"p5_ms", f.p5},
                                           {"median_ms", f.median}, {"p95_ms", f.p95}, {"max_ms", f.max}}},
                                {"observed", jo}, {"in_window", f.in_window}, {"in_band", f.in_band}, {"ks", f.ks}});
    }
    j["drills"].push_back(std::move(jd));
  }
  if (!a.json.empty()) cli::write_output(a.json, cli::json_text(j));
  std::cout << (outside ? "verdict FAIL  an observation lies outside the model's window\n"
                        : "verdict PASS  every observation lies within the model's window\n");
  return outside ? 1 : 0;
}

}  // namespace clawsim
