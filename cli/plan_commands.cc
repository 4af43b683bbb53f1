#include "cli/plan_commands.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <optional>

#include "cli/cli_io.h"
#include "cli/progress.h"
#include "model/change.h"
#include "model/digest.h"
#include "model/lint.h"
#include "model/report.h"
#include "model/runner.h"
#include "model/scenario_writer.h"
#include "model/shell_quote.h"
#include "model/suggest.h"
#include "model/validation_report.h"
#include "report/junit.h"
#include "scenarios/embedded.h"
#include "sim/change_replay.h"
#include "sim/fault_sweep.h"
#include "shard/sweep_shard.h"
#include "sim/sim_driver.h"

namespace clawsim {

namespace {

SweepSettings sweep_settings(const PlanArgs& a, const Plan& plan, const std::optional<Shard>& shard) {
  if (a.depth < 1 || a.depth > 2) throw cli::UsageError{"--depth must be 1 or 2"};
  if (a.seeds < 1 || a.seeds > 1000) throw cli::UsageError{"--seeds must be between 1 and 1000"};
  SweepSettings s;
  s.jobs = a.jobs;
  s.depth = a.depth;
  for (const Objective& o : plan.objectives) s.depth = std::max(s.depth, o.depth);
  s.seeds.clear();
  for (int i = 0; i < a.seeds; ++i) s.seeds.push_back(a.seed + static_cast<std::uint64_t>(i));
  if (shard) {
    const std::size_t total = sweep_size(plan, s).fault_sets;
    if (static_cast<std::size_t>(shard->count) > total) {
      throw cli::UsageError{"--shard " + a.shard + ": more slices than the sweep's " + std::to_string(total) + " fault sets"};
    }
    s.slice = static_cast<std::size_t>(shard->index - 1);
    s.slices = static_cast<std::size_t>(shard->count);
  }
  // Refused before anything runs, rather than minutes into it.
  if (const std::string why = sweep_too_large(plan, s); !why.empty()) throw cli::UsageError{why};
  return s;
}

// "downtime: openclaw 1.000s, docker-proxy 1.000s" for services down while the step settled.
std::string downtime_text(const StepReport& s) {
  std::string out;
  for (const auto& [service, ms] : s.downtime_ms) {
    out += (out.empty() ? "        downtime while it settled: " : ", ") + service + " " + format_time(ms);
  }
  return out.empty() ? out : out + "\n";
}

std::string findings_delta(const StepReport& s) {
  std::string out;
  for (const Finding& f : s.new_findings) {
    out += "        now " + std::string(to_string(f.severity)) + " " + f.rule + ": " + f.message + "\n";
  }
  for (const Finding& f : s.cleared) out += "        fixed " + f.rule + " (" + f.subject + ")\n";
  return out;
}

std::string change_text(const ChangeReport& r, const std::string& plan_name) {
  std::string out = "change " + r.change_file + " on plan " + plan_name + ", seed " +
                    std::to_string(r.seed) + "; each step settles " + format_time(r.settle_ms) +
                    " before the next\n\nbefore: " + describe(r.before_quorum) + "\n";
  for (const std::string& d : r.before_down) out += "        down: " + d + "\n";
  int errors = 0;
  std::string named;
  for (const Finding& f : r.before_findings) {
    if (f.waived || f.severity != Severity::kError) continue;
    ++errors;
    named += "          " + f.rule + ": " + f.message + "\n";
  }
  out += "        validate: " + std::to_string(errors) + " error(s) before the change" + (errors ? ":\n" : "\n") + named;
  for (std::size_t i = 0; i < r.steps.size(); ++i) {
    const StepReport& s = r.steps[i];
    out += "\nstep " + std::to_string(i + 1) + "  line " + std::to_string(s.step.line) + "  " +
           (s.step.on_node.empty() ? "" : s.step.on_node + "$ ") + s.step.text + "\n";
    out += std::string(s.refused ? "        REFUSED: " : "        answer: ") + s.answer + "\n";
    if (s.quorum_lost_for_ms > 0) {
      out += "        quorum lost for " + format_time(s.quorum_lost_for_ms) + " while it settled\n";
    }
    if (s.step.kind != ChangeKind::kRead) out += "        then: " + describe(s.quorum) + "\n";
    for (const std::string& d : s.down) out += "        down: " + d + "\n";
    out += downtime_text(s);
    out += findings_delta(s);
  }
  const std::vector<std::string> on_the_way = r.down_on_the_way();
  if (!on_the_way.empty()) {
    out += "\ndown on the way, back at the end:";
    for (std::size_t i = 0; i < on_the_way.size(); ++i) out += (i ? ", " : " ") + on_the_way[i];
    out += "\n";
  }
  out += "\nverdict: ";
  if (r.pass()) return out + "PASS (every step accepted, quorum kept, nothing lost, no new error)\n";
  std::vector<std::string> why;
  if (r.refused_steps() > 0) why.push_back(std::to_string(r.refused_steps()) + " step(s) refused");
  if (r.quorum_ever_lost()) why.push_back("the quorum is lost on the way");
  for (const std::string& l : r.lost_services()) why.push_back("down at the end: " + l);
  if (r.new_errors() > 0) why.push_back(std::to_string(r.new_errors()) + " new validate error(s)");
  out += "FAIL (";
  for (std::size_t i = 0; i < why.size(); ++i) out += (i ? "; " : "") + why[i];
  return out + ")\n";
}

nlohmann::ordered_json finding_json(const Finding& f) {
  return {{"rule", f.rule}, {"severity", to_string(f.severity)}, {"subject", f.subject},
          {"message", f.message}};
}

nlohmann::ordered_json quorum_json(const QuorumMargin& q) {
  return {{"managers", q.managers}, {"majority", q.majority}, {"healthy", q.healthy},
          {"margin", q.margin()}, {"leader", q.leader}};
}

nlohmann::ordered_json change_json(const ChangeReport& r) {
  nlohmann::ordered_json j = {{"schema_version", kReportSchemaVersion},
                              {"change", r.change_file},
                              {"seed", r.seed},
                              {"settle_ms", r.settle_ms},
                              {"verdict", r.pass() ? "pass" : "fail"},
                              {"down_on_the_way", r.down_on_the_way()},
                              {"before", {{"quorum", quorum_json(r.before_quorum)},
                                          {"down", r.before_down}}}};
  j["steps"] = nlohmann::ordered_json::array();
  for (const StepReport& s : r.steps) {
    nlohmann::ordered_json added = nlohmann::ordered_json::array();
    nlohmann::ordered_json cleared = nlohmann::ordered_json::array();
    for (const Finding& f : s.new_findings) added.push_back(finding_json(f));
    for (const Finding& f : s.cleared) cleared.push_back(finding_json(f));
    j["steps"].push_back({{"line", s.step.line}, {"command", s.step.text},
                          {"kind", to_string(s.step.kind)}, {"on", s.step.on_node},
                          {"answer", s.answer}, {"refused", s.refused},
                          {"quorum_lost_for_ms", s.quorum_lost_for_ms}, {"quorum", quorum_json(s.quorum)},
                          {"down", s.down}, {"downtime_ms", s.downtime_ms}, {"new_findings", added}, {"cleared_findings", cleared}});
  }
  return j;
}

}  // namespace

// The plan a change is replayed on: --plan (or $CLAWSIM_PLAN); else the plan the change names
// (`# clawsim-plan: REF`); else the default plan. A change that names a plan is refused on any
// other: its answers would be about another cluster.
cli::LoadedPlan plan_for_change(const PlanArgs& a, const std::string& text) {
  const std::optional<PlanBinding> bound = change_plan_binding(text);
  if (!bound) return cli::load_plan(a.plan);
  const std::string where = a.change + ":" + std::to_string(bound->line) + ": clawsim-plan";
  std::vector<std::string> builtin;
  for (const EmbeddedFile& f : builtin_plans()) builtin.emplace_back(f.name);
  std::optional<cli::LoadedPlan> named;  // a digest names content only: nothing to load
  if (!builtin_plan(bound->ref).empty()) {
    named = cli::load_builtin_plan(bound->ref);
  } else if (!bound->ref.empty() && !is_text_digest(bound->ref)) {
    std::filesystem::path path(bound->ref);
    if (path.is_relative()) path = std::filesystem::path(a.change).parent_path() / path;
    if (!std::filesystem::is_regular_file(path)) {
      throw cli::UsageError{where + ": no built-in plan '" + bound->ref + "'" + did_you_mean(bound->ref, builtin) +
                            " and no file " + path.string()};
    }
    named = cli::load_plan(path.string());
  } else if (bound->ref.empty()) {
    throw cli::UsageError{where + ": names no plan (a built-in plan's name, a plan's digest or a path)"};
  }
  if (a.plan.empty() && named) return *named;
  cli::LoadedPlan given = cli::load_plan(a.plan);
  const std::string digest = named ? named->digest : bound->ref;
  if (given.digest != digest) {
    throw cli::UsageError{where + ": the change is written for " + (named ? named->file + ", digest " : "the plan of digest ") +
                          digest + "; " + given.file + " (digest " + given.digest +
                          ") is another cluster, where its answers would mean something else" +
                          (named ? "; leave out --plan to use the change's plan" : "")};
  }
  return given;
}

int cmd_check_change(const PlanArgs& a) {
  const std::string change_text_in = cli::read_file(a.change);
  const cli::LoadedPlan loaded = plan_for_change(a, change_text_in);
  Result<ChangeSet> change = parse_change(change_text_in, a.change, *loaded.plan);
  if (!change) throw cli::UsageError{change.error().to_string()};
  ReplaySettings settings;
  settings.seed = a.seed;
  const ChangeReport report = replay_change(loaded.plan, change.value(), settings);
  std::string text = change_text(report, loaded.plan->name);
  bool pass = report.pass();
  nlohmann::ordered_json json = change_json(report);
  if (!a.then_scenario.empty()) {
    for (const StepReport& s : report.steps) {
      const bool gone = s.step.kind == ChangeKind::kNodeRm || s.step.kind == ChangeKind::kSwarmLeave;
      if (gone && !s.refused) {
        throw cli::UsageError{a.change + ":" + std::to_string(s.step.line) + ": --then-scenario: `" +
                              s.step.text + "` takes a node out of the swarm, and a scenario "
                              "starts from a plan, which cannot say so yet; run the scenario on a "
                              "plan without that node"};
      }
    }
    auto end = std::make_shared<const Plan>(report.end_plan);
    const Scenario scenario = cli::load_scenario(a.then_scenario, *end);
    auto effective = scenario.overrides_settings
                         ? std::make_shared<const Plan>(plan_for(*end, scenario))
                         : end;
    SimDriver driver(effective, a.seed);
    // The changed plan is no file's text: it is no built-in plan, and has no known failures.
    RunResult run = run_scenario(scenario, driver, PlanIdentity(loaded.plan->name, "changed"));
    run.seed = a.seed;
    text += "\nthen scenario " + scenario.name + " on the cluster the change leaves:\n" +
            report_text(run, scenario, a.verbose);
    json["then_scenario"] = report_json(run);
    pass = pass && run.pass();
    json["verdict"] = pass ? "pass" : "fail";
  }
  if (!a.json.empty()) cli::write_output(a.json, cli::json_text(json));
  if (a.json != "-") std::cout << text;
  return pass ? cli::kExitPass : cli::kExitFail;
}

namespace {

// The replay of a row needs the run's applied actions; a merged slice does not carry them, so
// the row's fault set is run again on its seed (the same run: the sweep is deterministic).
FaultOutcome with_timeline(const FaultOutcome& run, const std::shared_ptr<const Plan>& plan, const SweepResult& sweep) {
  if (!run.applied.empty()) return run;
  const std::vector<Fault> faults = single_faults(*plan);
  std::vector<const Fault*> set;
  for (const std::string& id : run.faults) {
    const auto f = std::find_if(faults.begin(), faults.end(), [&](const Fault& x) { return x.id == id; });
    if (f == faults.end()) throw cli::UsageError{"the plan has no fault '" + id + "': not the plan the slices swept"};
    set.push_back(&*f);
  }
  SweepSettings settings;
  settings.fault_at_ms = sweep.fault_at_ms;
  settings.hold_ms = sweep.hold_ms;
  settings.horizon_ms = sweep.horizon_ms;
  return run_faults(plan, set, run.seed, settings);
}

// What validate writes once the plan is judged: JSON, SARIF, the report directory, the text,
// and the scenarios replaying the rows shown. Shared by validate and the merge of its slices.
int write_validation(const ValidationReport& report, const PlanArgs& a, const std::shared_ptr<const Plan>& plan) {
  if (!a.json.empty()) cli::write_output(a.json, cli::json_text(validation_json(report)));
  if (!a.sarif.empty()) cli::write_output(a.sarif, cli::json_text(validation_sarif(report)));
  if (!a.report.empty()) {
    cli::make_directory(a.report);
    cli::write_output(a.report + "/report.json", cli::json_text(validation_json(report)));
    cli::write_output(a.report + "/junit.xml", junit_xml({junit_suite(plan->name, report.objectives)}));
  }
  SweepView view;
  view.verbose = a.verbose;
  view.top = a.top;
  view.only = a.only;
  const bool text = a.json != "-" && a.sarif != "-";
  if (text) std::cout << validation_text(report, view);
  if (!a.emit_scenario.empty()) {
    const std::vector<std::size_t> rows = sweep_rows(report, view).rows;
    cli::make_directory(a.emit_scenario);
    const std::string plan_option = a.plan.empty() ? std::string() : " --plan " + shell_word(a.plan);
    std::string first;
    for (std::size_t rank = 0; rank < rows.size(); ++rank) {
      const FaultOutcome run = with_timeline(report.sweep.outcomes[rows[rank]], plan, report.sweep);
      const std::string file = (std::filesystem::path(a.emit_scenario) / replay_file_name(rank + 1, run)).string();
      const std::string label = a.plan.empty() ? "the default plan" : a.plan;
      cli::write_output(file, scenario_yaml(replay_scenario(report.sweep, run, label)));
      if (first.empty()) first = "clawsim scenario " + shell_word(file) + plan_option + " --seed " + std::to_string(run.seed);
    }
    if (text) {
      std::cout << "\nwrote " << rows.size() << " scenario" << (rows.size() == 1 ? "" : "s") << " to " << a.emit_scenario
                << ", one per row shown" << (first.empty() ? "" : "; replay the first: " + first) << "\n";
    }
  }
  return report.pass() ? cli::kExitPass : cli::kExitFail;
}

ValidationReport report_of(const cli::LoadedPlan& loaded, const PlanArgs& a) {
  ValidationReport report;
  report.plan_name = loaded.plan->name;
  report.plan_file = loaded.file;
  // The embedded plan is scenarios/default-plan.yaml of the repository.
  report.plan_uri = a.plan.empty() ? "scenarios/default-plan.yaml" : a.plan;
  report.plan_digest = loaded.digest;
  report.findings = lint_plan(*loaded.plan);
  return report;
}

void check_only(const Plan& plan, const PlanArgs& a) {
  if (a.only.empty()) return;
  bool implicit = false;
  std::vector<std::string> names;
  for (const Objective& o : objectives_of(plan, implicit)) names.push_back(o.name);
  if (const std::string why = sweep_only_problem(a.only, names); !why.empty()) throw cli::UsageError{why};
}

}  // namespace

int cmd_validate(const PlanArgs& a) {
  if (a.list_rules) {
    std::cout << lint_rules_text();
    return cli::kExitPass;
  }
  const cli::LoadedPlan loaded = cli::load_plan(a.plan);
  const Plan& plan = *loaded.plan;
  ValidationReport report = report_of(loaded, a);
  if (a.static_only) return write_validation(report, a, loaded.plan);
  std::optional<Shard> shard;
  if (!a.shard.empty()) {
    Result<Shard> parsed = parse_shard(a.shard);
    if (!parsed) throw cli::UsageError{parsed.error().field + " " + parsed.error().message};
    shard = parsed.value();
    if (a.json.empty() || a.json == "-") throw cli::UsageError{"--shard writes its slice for clawsim merge: give --json FILE"};
    for (const auto& [given, name] : {std::pair{!a.sarif.empty(), "--sarif"}, {!a.report.empty(), "--report"},
                                      {a.top > 0, "--top"}, {!a.only.empty(), "--only"},
                                      {!a.emit_scenario.empty(), "--emit-scenario"}}) {
      if (given) throw cli::UsageError{std::string("--shard: ") + name + " is for the whole sweep: give it to clawsim merge"};
    }
  }
  report.swept = true;
  SweepSettings settings = sweep_settings(a, plan, shard);
  check_only(plan, a);  // before the sweep, not minutes into it
  std::optional<cli::Progress> shown;
  settings.on_run = [&](std::size_t done, std::size_t total) {
    if (!shown) shown.emplace("fault runs", total, !a.quiet);
    shown->update(done);
  };
  report.sweep = sweep_faults(loaded.plan, settings);
  if (shard) {
    const std::size_t total = sweep_size(plan, settings).fault_sets;
    const SweepIdentity id{plan.name, loaded.file, loaded.digest};
    cli::write_output(a.json, cli::json_text(sweep_shard_json(report.sweep, id, *shard, total)));
    std::cout << "validate plan " << plan.name << ", slice " << shard->index << "/" << shard->count << ": fault sets "
              << shard->index << ", " << shard->index + shard->count << ", ... (" << report.sweep.outcomes.size()
              << " of " << total << ") x " << settings.seeds.size()
              << (settings.seeds.size() == 1 ? " seed" : " seeds") << ", written to " << a.json
              << "; clawsim merge joins the slices and judges the objectives\n";
    return cli::kExitPass;
  }
  report.objectives = judge_objectives(plan, report.sweep);
  return write_validation(report, a, loaded.plan);
}

int cmd_merge_validate(const std::vector<NamedJson>& slices, const PlanArgs& a) {
  Result<MergedSweep> merged = merge_sweep_shards(slices);
  if (!merged) throw cli::UsageError{merged.error().to_string()};
  const cli::LoadedPlan loaded = cli::load_plan(a.plan);
  const SweepIdentity& swept = merged.value().id;
  if (loaded.digest != swept.plan_digest) {
    throw cli::UsageError{"the slices swept plan " + swept.plan_name + " (" + swept.plan_file + ", digest " +
                          swept.plan_digest + "); " + (a.plan.empty() ? "the default plan" : a.plan) + " has digest " +
                          loaded.digest + ": give merge that plan with --plan"};
  }
  check_only(*loaded.plan, a);
  ValidationReport report = report_of(loaded, a);
  report.swept = true;
  report.sweep = std::move(merged.value().sweep);
  report.objectives = judge_objectives(*loaded.plan, report.sweep);
  return write_validation(report, a, loaded.plan);
}

}  // namespace clawsim
