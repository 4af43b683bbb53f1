#include "cli/gameday_commands.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <memory>

#include "cli/cli_io.h"
#include "cli/live_commands.h"
#include "gameday/gameday.h"
#include "gameday/trend.h"
#include "history/history_store.h"
#include "model/report.h"
#include "model/runner.h"
#include "notify/webhook.h"
#include "report/junit.h"
#include "scenarios/embedded.h"
#include "sim/parallel.h"
#include "sim/sim_driver.h"

namespace clawsim {

namespace {

using cli::UsageError;

struct LoadedGameDay {
  GameDay day;
  std::string dir;  // paths in the file are relative to it
  std::string path(const std::string& p) const { return p.empty() || p[0] == '/' ? p : dir + "/" + p; }
};

[[noreturn]] void bad(const GameDay& d, int line, const std::string& field, const std::string& message) {
  throw UsageError{InputError{d.file, line, field, message}.to_string()};
}

LoadedGameDay load(const std::string& file) {
  Result<GameDay> parsed = parse_gameday(cli::read_file(file), file);
  if (!parsed) throw UsageError{parsed.error().to_string()};
  LoadedGameDay g{std::move(parsed).value(), std::filesystem::path(file).parent_path().string()};
  if (g.dir.empty()) g.dir = ".";
  const GameDay& d = g.day;
  if (!d.plan.empty() && !std::filesystem::is_regular_file(g.path(d.plan))) {
    bad(d, d.plan_line, "plan", "cannot read '" + g.path(d.plan) + "'");
  }
  if (!d.inventory.empty() && !std::filesystem::is_regular_file(g.path(d.inventory))) {
    bad(d, d.inventory_line, "inventory", "cannot read '" + g.path(d.inventory) + "'");
  }
  const std::string history = g.path(d.history.empty() ? d.name + ".history.db" : d.history);
  const auto parent = std::filesystem::path(history).parent_path();
  if (!parent.empty() && !std::filesystem::is_directory(parent)) {
    bad(d, d.history_line, "history", "the directory of '" + history + "' does not exist");
  }
  if (d.window && !d.window->timezone.empty() &&
      !std::filesystem::exists("/usr/share/zoneinfo/" + d.window->timezone)) {
    bad(d, d.window->line, "window.timezone", "no time zone '" + d.window->timezone + "' in /usr/share/zoneinfo");
  }
  return g;
}

// A drill: a built-in scenario's name, or a file relative to the game-day file.
std::string drill_ref(const LoadedGameDay& g, std::size_t i) {
  const std::string& d = g.day.drills[i];
  return builtin_scenario(d).empty() ? g.path(d) : d;
}

std::string history_path(const LoadedGameDay& g) {
  return g.path(g.day.history.empty() ? g.day.name + ".history.db" : g.day.history);
}

// The wall clock in the window's time zone (the process's TZ is set for the call, then restored).
LocalTime local_now(const std::string& timezone) {
  const char* old = std::getenv("TZ");
  const std::string saved = old ? old : "";
  if (!timezone.empty()) setenv("TZ", timezone.c_str(), 1);
  tzset();
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  if (!timezone.empty()) {
    if (old) {
      setenv("TZ", saved.c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }
  return LocalTime{tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_wday, tm.tm_hour, tm.tm_min};
}

// A drill in the model: the prediction over many seeds, and one run (the game day's "observed"
// in --simulate) with its own seed.
DrillRecord simulate_drill(const cli::LoadedPlan& plan, const std::string& ref, std::uint64_t seed, int& code) {
  DrillRecord record;
  record.drill = ref;
  const Scenario scenario = cli::load_scenario(ref, *plan.plan);
  record.drill = scenario.name;
  auto effective = std::make_shared<const Plan>(plan_for(*plan.plan, scenario));
  const std::vector<RunResult> predicted = run_seeds(effective, scenario, plan.identity(), kPredictionRuns, default_jobs());
  SimDriver d(effective, seed);
  RunResult observed = run_scenario(scenario, d, plan.identity());
  observed.seed = seed;
  record.verdict = to_string(observed.outcome());
  record.detail = "seed " + std::to_string(seed);
  for (const std::string& k : observed.known_failures()) record.detail += "; known failure: " + k;
  record.measures = compare_with_prediction(observed, distributions(predicted));
  code = observed.outcome() == Outcome::kPass ? cli::kExitPass
         : observed.outcome() == Outcome::kKnownFailure ? cli::kExitKnownFailure
                                                         : cli::kExitFail;
  return record;
}

nlohmann::ordered_json run_json(const RunRecord& run, const std::vector<Trend>& trend) {
  nlohmann::ordered_json j = {{"schema_version", kReportSchemaVersion}, {"gameday", run.gameday},
                              {"run", run.id}, {"mode", run.mode}, {"started_at", run.started_at},
                              {"ended_at", run.ended_at}, {"outcome", run.outcome},
                              {"clawsim_version", run.clawsim_version}, {"plan_digest", run.plan_digest},
                              {"docker_version", run.docker_version}};
  j["drills"] = nlohmann::ordered_json::array();
  for (const DrillRecord& d : run.drills) {
    nlohmann::ordered_json measures = nlohmann::ordered_json::array();
    for (const MeasureRecord& m : d.measures) {
      measures.push_back({{"metric", m.metric}, {"observed_ms", m.observed_ms},
                          {"observed_low_ms", m.observed_low_ms.value_or(m.observed_ms)},
                          {"observed_high_ms", m.observed_high_ms.value_or(m.observed_ms)},
                          {"predicted_min_ms", m.predicted_min_ms.value_or(-1)},
                          {"predicted_median_ms", m.predicted_median_ms.value_or(-1)},
                          {"predicted_max_ms", m.predicted_max_ms.value_or(-1)}, {"inside", m.inside}});
    }
    j["drills"].push_back({{"drill", d.drill}, {"verdict", d.verdict}, {"detail", d.detail}, {"measures", measures}});
  }
  j["regressions"] = nlohmann::ordered_json::array();
  for (const Trend& t : trend) {
    if (!t.regression.empty()) j["regressions"].push_back({{"drill", t.drill}, {"metric", t.metric}, {"why", t.regression}});
  }
  return j;
}

std::string ms_or_dash(const std::optional<DurationMs>& v) { return v ? format_time(*v) : "-"; }

std::string trend_text(const std::vector<Trend>& trend) {
  std::string out;
  for (const Trend& t : trend) {
    std::string previous;
    for (DurationMs p : t.previous_ms) previous += (previous.empty() ? "" : " ") + format_time(p);
    out += "  " + t.drill + "  " + t.metric + ": now " + format_time(t.latest_ms) + ", model " +
           ms_or_dash(t.predicted_min_ms) + ".." + ms_or_dash(t.predicted_max_ms) +
           (previous.empty() ? "" : ", before " + previous) +
           (t.regression.empty() ? "" : "  REGRESSION: " + t.regression) + "\n";
  }
  return out;
}

}  // namespace

int cmd_gameday(const GameDayArgs& a) {
  if (a.args.size() != 2) {
    throw UsageError{"usage: clawsim gameday run|schedule|history FILE (see clawsim --help)"};
  }
  const std::string& what = a.args[0];
  const LoadedGameDay g = load(a.args[1]);
  const GameDay& day = g.day;
  const std::string self = std::filesystem::absolute(a.argv0).string();

  if (what == "schedule") {
    if (a.output.empty()) throw UsageError{"gameday schedule needs --output DIR"};
    if (day.schedule.empty()) bad(day, 0, "schedule", "the game day has no schedule");
    std::filesystem::create_directories(a.output);
    const std::string command = self + " gameday run " + std::filesystem::absolute(a.args[1]).string();
    const SystemdUnits units = systemd_units(day, command);
    cli::write_output(a.output + "/" + units.service_name, units.service);
    cli::write_output(a.output + "/" + units.timer_name, units.timer);
    std::cout << "wrote " << a.output << "/" << units.service_name << " and " << a.output << "/" << units.timer_name
              << "\ninstall: cp them to /etc/systemd/system/ && systemctl daemon-reload && systemctl enable --now "
              << units.timer_name << "\n";
    std::string why;
    const std::string cron = crontab_line(day, command, why);
    std::cout << (cron.empty() ? "no crontab line: " + why : "or, with cron: " + cron) << "\n";
    return cli::kExitPass;
  }

  std::string error;
  std::unique_ptr<HistoryStore> store = HistoryStore::open(history_path(g), error);
  if (!store) throw UsageError{"history: " + error};

  if (what == "history") {
    const std::vector<RunRecord> runs = store->runs(day.name, error);
    if (!error.empty()) throw UsageError{"history: " + error};
    const std::vector<Trend> trend = trends(runs, a.drill);
    if (!a.json.empty()) {
      nlohmann::ordered_json j = {{"schema_version", kReportSchemaVersion}, {"gameday", day.name}};
      j["runs"] = nlohmann::ordered_json::array();
      for (const RunRecord& r : runs) j["runs"].push_back(run_json(r, {}));
      j["trend"] = run_json(runs.empty() ? RunRecord{} : runs.back(), trend)["regressions"];
      cli::write_output(a.json, cli::json_text(j));
      if (a.json == "-") return cli::kExitPass;
    }
    std::cout << "game day " << day.name << ": " << runs.size() << " run(s) in " << history_path(g) << "\n";
    for (const RunRecord& r : runs) {
      std::cout << "  #" << r.id << "  " << r.started_at << "  " << r.mode << "  " << r.outcome << "  plan "
                << r.plan_digest << "  docker " << (r.docker_version.empty() ? "?" : r.docker_version) << "\n";
      for (const DrillRecord& d : r.drills) {
        if (a.drill.empty() || a.drill == d.drill) std::cout << "      " << d.drill << ": " << d.verdict << "\n";
      }
    }
    if (!trend.empty()) std::cout << "\ntrend (the latest run beside the model and the runs before it)\n" << trend_text(trend);
    bool regressed = false;
    for (const Trend& t : trend) regressed = regressed || !t.regression.empty();
    return regressed ? cli::kExitFail : cli::kExitPass;
  }

  if (what != "run") throw UsageError{"unknown gameday command '" + what + "'; expected run, schedule or history"};
  if (!a.simulate && day.inventory.empty()) {
    bad(day, 0, "inventory", "a live game day needs an inventory (or run it with --simulate)");
  }
  if (!a.now) {
    const std::string why = why_not_now(day, local_now(day.window ? day.window->timezone : ""));
    if (!why.empty()) {
      std::cerr << "clawsim: game day " << day.name << " refused: " << why << " (--now runs it anyway)\n";
      return cli::kExitFail;
    }
  }
  const cli::LoadedPlan plan = cli::load_plan(g.path(day.plan));
  for (std::size_t i = 0; i < day.drills.size(); ++i) {  // every drill reads before any runs
    try {
      (void)cli::load_scenario(drill_ref(g, i), *plan.plan);
    } catch (const UsageError& e) {
      bad(day, day.drill_lines[i], "drills[" + std::to_string(i) + "]", e.message);
    }
  }
  RunRecord run;
  run.gameday = day.name;
  run.started_at = cli::utc_now();
  run.mode = a.simulate ? "simulate" : "live";
  run.clawsim_version = CLAWSIM_VERSION;
  run.plan_digest = plan.digest;
  run.docker_version = a.simulate ? "model" : "";
  if (!store->begin_run(run, error)) throw UsageError{"history: " + error};
  std::cout << "game day " << day.name << " (" << run.mode << "), run #" << run.id << ", " << day.drills.size()
            << " drill(s), plan " << plan.plan->name << " (" << plan.digest << ")\n";
  const auto started = std::chrono::steady_clock::now();
  bool failed = false, known = false;
  for (std::size_t i = 0; i < day.drills.size(); ++i) {
    const DurationMs elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    DrillRecord record;
    int code = 0;
    if (elapsed > day.max_duration_ms) {
      record = DrillRecord{day.drills[i], "skipped", "limits.max_duration " + format_time(day.max_duration_ms) + " reached", {}};
      code = cli::kExitFail;
    } else if (failed && day.stop_on_failure) {
      record = DrillRecord{day.drills[i], "skipped", "stop_on_failure: an earlier drill failed", {}};
    } else if (a.simulate) {
      record = simulate_drill(plan, drill_ref(g, i), static_cast<std::uint64_t>(run.id), code);
    } else {
      LiveArgs live;
      live.inventory = g.path(day.inventory);
      live.plan = g.path(day.plan);
      live.allow = day.allow;
      live.log_level = a.log_level;
      if (!a.report.empty()) live.report = a.report + "/drill-" + std::to_string(i + 1);
      // Each drill's journal beside the history, named for the run: `live recover` finds it there.
      live.journal = (std::filesystem::path(history_path(g)).parent_path() /
                      (day.name + "-run" + std::to_string(run.id) + "-" + std::to_string(i + 1) + ".journal"))
                         .string();
      code = run_live_drill(live, drill_ref(g, i), record);
    }
    failed = failed || (code != cli::kExitPass && code != cli::kExitKnownFailure) || record.verdict == "fail";
    known = known || record.verdict == "known_failure";
    std::cout << "  " << record.drill << ": " << record.verdict << (record.detail.empty() ? "" : " (" + record.detail + ")") << "\n";
    if (!store->add_drill(run.id, static_cast<int>(i), record, error)) throw UsageError{"history: " + error};
    if (run.docker_version.empty() && !record.docker_version.empty()) {
      run.docker_version = record.docker_version;
      if (!store->set_docker_version(run.id, run.docker_version, error)) throw UsageError{"history: " + error};
    }
    run.drills.push_back(std::move(record));
  }
  run.ended_at = cli::utc_now();
  run.outcome = failed ? "fail" : known ? "known_failure" : "pass";
  if (!store->end_run(run.id, run.ended_at, run.outcome, error)) throw UsageError{"history: " + error};
  const std::vector<RunRecord> runs = store->runs(day.name, error);
  const std::vector<Trend> trend = trends(runs);
  bool regressed = false;
  for (const Trend& t : trend) regressed = regressed || !t.regression.empty();
  std::cout << "\ntrend\n" << trend_text(trend) << "game day " << day.name << ": " << run.outcome
            << (regressed ? ", with regressions" : "") << "\n";
  nlohmann::ordered_json report = run_json(run, trend);
  const bool tell = !day.webhook.empty() &&
                    std::any_of(day.notify_on.begin(), day.notify_on.end(), [&](const std::string& on) {
                      return on == "always" || (on == "failure" && failed) || (on == "regression" && regressed);
                    });
  if (tell) {
    nlohmann::ordered_json body = report;
    body["text"] = "clawsim game day " + day.name + " run #" + std::to_string(run.id) + ": " + run.outcome +
                   (regressed ? " (regressions: see the trend)" : "");
    const WebhookResult sent = post_webhook(day.webhook, body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
    report["notification"] = {{"delivered", sent.delivered}, {"attempts", sent.attempts}, {"error", sent.error}};
    std::cout << (sent.delivered ? "notified " + webhook_shown(day.webhook) + "\n"
                                 : "WARNING: the notification failed after " + std::to_string(sent.attempts) +
                                       " attempt(s): " + sent.error + "\n");
  }
  if (!a.report.empty()) {
    std::filesystem::create_directories(a.report);
    cli::write_output(a.report + "/report.json", cli::json_text(report));
    cli::write_output(a.report + "/junit.xml", junit_xml({junit_suite(run)}));
  }
  if (failed || regressed) return cli::kExitFail;
  return known ? cli::kExitKnownFailure : cli::kExitPass;
}

}  // namespace clawsim
