#include "cli/fidelity_commands.h"

#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>

#include "cli/cli_io.h"
#include "fidelity/compare.h"
#include "fidelity/fit.h"
#include "fidelity/recording.h"
#include "model/observed_plan.h"
#include "model/report.h"
#include "model/runner.h"
#include "sim/sim_driver.h"

namespace clawsim {

namespace {

std::string observed_text(const Observation& o) {
  return o.measured ? format_measured(o.value, o.low, o.high) : "none (every run of the model measured it)";
}

std::string ratio(int n, std::size_t of) { return std::to_string(n) + "/" + std::to_string(of); }

// One recorded trial, read once: what it measured (again, by this clawsim's rules) and the
// model's setting for predicting it.
struct Prepared {
  const Trial* trial = nullptr;
  RunResult observed;
  Scenario scenario;
  Plan plan;  // the plan as the trial found the cluster
  PlanIdentity identity{"", "", {}};
  std::string key;  // trials with the same key met the same cluster: the same prediction
};

// A plan parameter changed for --fit; none by default.
struct Tweak {
  const Knob* knob = nullptr;
  DurationMs value = 0;
};

// --fit: each plan parameter of fit_knobs() changed alone to each of its values, from the plan
// of the first trial; the best that brings observations inside is proposed as an override.
template <typename Evaluate>
nlohmann::ordered_json fit(const std::vector<std::vector<MeasureFidelity>>& base, const std::vector<std::string>& drills,
                           const Plan& reference, const Evaluate& evaluate, int seeds) {
  const FitScore given = fit_score(base);
  nlohmann::ordered_json j = {{"outside", given.outside}};
  std::cout << "\nfit: " << given.outside << " observation" << (given.outside == 1 ? "" : "s")
            << " outside the model's windows with the plan as given\n";
  if (given.outside == 0) {
    std::cout << "  nothing to fit\n";
    return j;
  }
  const Knob* best_knob = nullptr;
  DurationMs best_value = 0;
  FitScore best;
  std::vector<std::vector<MeasureFidelity>> best_result = base;
  nlohmann::ordered_json tried = nlohmann::ordered_json::array();
  for (const Knob& k : fit_knobs()) {
    for (const DurationMs v : k.values) {
      Plan probe = reference;
      k.set(probe, v);
      if (v == k.get(reference) || !fit_plan_valid(probe)) continue;
      std::vector<std::vector<MeasureFidelity>> result = evaluate(Tweak{&k, v});
      const FitScore s = fit_score(result);
      tried.push_back({{"parameter", k.name()}, {"value", k.text(v)}, {"outside", s.outside},
                       {"outside_band", s.out_of_band}, {"ks", s.ks}});
      if (s.outside < given.outside && (!best_knob || fit_better(s, best))) {
        best_knob = &k;
        best_value = v;
        best = s;
        best_result = std::move(result);
      }
    }
  }
  std::cout << "  tried " << tried.size() << " values of " << fit_knobs().size()
            << " plan parameters, one parameter at a time, over " << seeds << " seeds each\n";
  if (best_knob) {
    std::cout << "  best: " << best_knob->name() << " " << best_knob->text(best_knob->get(reference)) << " -> "
              << best_knob->text(best_value) << ": " << best.outside << " outside the windows, " << best.out_of_band
              << " outside the bands\n"
              << "  propose, in the plan:\n    " << best_knob->section << ":\n      " << best_knob->key << ": "
              << best_knob->text(best_value) << "\n";
    j["best"] = {{"parameter", best_knob->name()}, {"from", best_knob->text(best_knob->get(reference))},
                 {"to", best_knob->text(best_value)}, {"outside", best.outside}};
  } else {
    std::cout << "  no single parameter brings an observation inside: the model, not a setting, misses them\n";
  }
  const std::vector<std::string> unexplained = outside_observations(drills, best_result);
  if (!unexplained.empty()) {
    std::cout << "  not explained" << (best_knob ? " by it" : "") << ":\n";
    for (const std::string& u : unexplained) std::cout << "    " << u << "\n";
  }
  j["unexplained"] = unexplained;
  j["tried"] = std::move(tried);
  return j;
}

}  // namespace

int cmd_fidelity(const FidelityArgs& a) {
  if (a.seeds < 1) throw cli::UsageError{"--seeds must be at least 1"};
  Result<std::vector<Trial>> recording = read_recording(cli::read_file(a.recording), a.recording);
  if (!recording) throw cli::UsageError{recording.error().to_string()};
  std::optional<cli::LoadedPlan> plan_override;
  if (!a.plan.empty()) plan_override = cli::load_plan(a.plan);

  // The trials of each drill, in the order the recording first names them.
  std::vector<std::string> drills;
  std::map<std::string, std::vector<Prepared>> by_drill;
  for (const Trial& t : recording.value()) {
    if (!by_drill.count(t.observed.scenario)) drills.push_back(t.observed.scenario);
    const cli::LoadedPlan recorded = cli::plan_from_text(t.plan_text, t.plan_file + " (recorded)");
    const cli::LoadedPlan& plan = plan_override ? *plan_override : recorded;
    Prepared p;
    p.trial = &t;
    p.observed = t.observed;
    p.scenario = cli::scenario_from_text({t.scenario_text, t.scenario_file + " (recorded)"}, *recorded.plan);
    measure_into(p.observed, p.scenario, landed_instants(t.observed.timeline));
    if (plan_override) p.scenario = cli::scenario_from_text({t.scenario_text, t.scenario_file + " (recorded)"}, *plan.plan);
    p.plan = plan_for(plan_as_observed(*plan.plan, t.before, t.firewalls).plan, p.scenario);
    p.identity = plan.identity();
    p.key = plan.text + '\0' + t.scenario_text + '\0' + met_json(t).dump();
    for (TimeMs at : landed_instants(t.observed.timeline)) p.key += ' ' + std::to_string(at);
    for (TimeMs at : action_ends(t.observed.timeline)) p.key += ' ' + std::to_string(at);
    by_drill[t.observed.scenario].push_back(std::move(p));
  }

  // Every drill's measures against the model, with `tweak` made to each trial's plan.
  auto evaluate = [&](const Tweak& tweak) {
    std::map<std::string, std::vector<RunResult>> runs_of;  // trials that met the same cluster share them
    std::vector<std::vector<MeasureFidelity>> out;
    for (const std::string& drill : drills) {
      std::vector<RunResult> observed;
      std::vector<std::vector<RunResult>> predicted;
      std::vector<int> numbers;
      for (const Prepared& p : by_drill[drill]) {
        auto hit = runs_of.find(p.key);
        if (hit == runs_of.end()) {
          Plan plan = p.plan;
          if (tweak.knob) tweak.knob->set(plan, tweak.value);
          auto shared = std::make_shared<const Plan>(std::move(plan));
          // As a live drill judges it: the runs as scheduled, and as performed both ways (each
          // action where its commands began, and where they ended).
          std::vector<RunResult> runs = run_seeds(shared, p.scenario, p.identity, a.seeds, a.jobs);
          std::vector<RunResult> performed =
              run_seeds_as_performed(shared, p.scenario, p.trial->observed.timeline, p.identity, a.seeds, a.jobs);
          runs.insert(runs.end(), std::make_move_iterator(performed.begin()), std::make_move_iterator(performed.end()));
          hit = runs_of.emplace(p.key, std::move(runs)).first;
        }
        observed.push_back(p.observed);
        predicted.push_back(hit->second);
        numbers.push_back(p.trial->trial);
      }
      out.push_back(compare_trials(observed, predicted, numbers));
    }
    return out;
  };
  const std::vector<std::vector<MeasureFidelity>> base = evaluate({});

  bool outside = false;
  nlohmann::ordered_json j = {{"recording", a.recording}, {"seeds", a.seeds}, {"drills", nlohmann::ordered_json::array()}};
  for (std::size_t d = 0; d < drills.size(); ++d) {
    const std::string& drill = drills[d];
    const std::vector<Prepared>& trials = by_drill[drill];
    std::map<std::string, int> dockers;
    for (const Prepared& p : trials) ++dockers[p.trial->docker_version.empty() ? "?" : p.trial->docker_version];
    std::string docker;
    for (const auto& [version, n] : dockers) docker += (docker.empty() ? "" : ", ") + version + " x" + std::to_string(n);
    std::cout << drill << ": " << trials.size() << " trial" << (trials.size() == 1 ? "" : "s") << " (Docker " << docker
              << "), the model over " << a.seeds << " seeds of each\n";
    nlohmann::ordered_json jd = {{"drill", drill}, {"trials", trials.size()}, {"measures", nlohmann::ordered_json::array()}};
    for (const MeasureFidelity& f : base[d]) {
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
        jo.push_back({{"trial", o.trial}, {"measured", o.measured}, {"value_ms", o.value}, {"low_ms", o.low}, {"high_ms", o.high},
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
  if (a.fit) j["fit"] = fit(base, drills, by_drill[drills.front()].front().plan, evaluate, a.seeds);
  if (!a.json.empty()) cli::write_output(a.json, cli::json_text(j));
  std::cout << (outside ? "verdict FAIL  an observation lies outside the model's window\n"
                        : "verdict PASS  every observation lies within the model's window\n");
  return outside ? 1 : 0;
}

}  // namespace clawsim
