// A game-day file, as `clawsim gameday run|schedule FILE` reads it: parsed, its schedule
// checked and rendered as systemd units and a crontab line, its window asked about a fixed
// moment, and what was parsed written as JSON.
#include <cstddef>
#include <cstdint>

#include "gameday/gameday.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

nlohmann::ordered_json gameday_json(const clawsim::GameDay& d) {
  nlohmann::ordered_json j = {
      {"name", d.name},         {"plan", d.plan},           {"inventory", d.inventory},
      {"drills", d.drills},     {"schedule", d.schedule},   {"stop_on_failure", d.stop_on_failure},
      {"history", d.history},   {"webhook", d.webhook},     {"notify_on", d.notify_on},
      {"max_duration_ms", d.max_duration_ms},               {"allow", d.allow}};
  if (d.window) {
    j["window"] = {{"days", d.window->days}, {"start_minute", d.window->start_minute},
                   {"end_minute", d.window->end_minute}, {"timezone", d.window->timezone}};
  }
  for (const clawsim::Blackout& b : d.blackout) j["blackout"].push_back({{"from", b.from}, {"to", b.to}});
  return j;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace clawsim;
  const std::string file = "fuzz-gameday.yaml";
  Result<GameDay> parsed = parse_gameday(fuzz::as_text(data, size), file);
  if (!parsed) {
    fuzz::check_error(parsed.error(), file);
    return 0;
  }
  const GameDay& day = parsed.value();
  nlohmann::ordered_json report = gameday_json(day);
  const std::string command = "clawsim gameday run /srv/fuzz.yaml";
  const SystemdUnits units = systemd_units(day, command);
  std::string why_no_cron;
  report["systemd"] = {units.service_name, units.service, units.timer_name, units.timer};
  report["crontab"] = crontab_line(day, command, why_no_cron);
  report["why_no_cron"] = why_no_cron;
  report["calendar"] = check_calendar(day.schedule);
  report["why_not_now"] = why_not_now(day, LocalTime{2026, 12, 2, 3, 10, 0});
  fuzz::check_report(report);
  return 0;
}
