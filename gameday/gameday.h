// A game day: scheduled drills, as data. The file names the plan and inventory, the drills in
// order, when they may run (a systemd OnCalendar schedule, a window of days and hours in a time
// zone, blackout dates), where the history is kept and whom to tell. Parsed with file:line:field
// errors; the schedule rendered as systemd units and a crontab line. Pure: no clock, no I/O
// beyond the text it is handed (the caller resolves paths and reads the local time).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/error.h"
#include "model/time.h"

namespace clawsim {

struct GameDayWindow {
  std::vector<int> days;  // 0 = Sunday .. 6 = Saturday, sorted
  int start_minute = 0;   // minutes after midnight, inclusive
  int end_minute = 0;     // exclusive
  std::string timezone;   // an IANA name, e.g. Europe/Berlin; "" = the machine's
  int line = 0;
};

struct Blackout {
  std::string from, to;  // YYYY-MM-DD, inclusive
  int line = 0;
};

struct GameDay {
  std::string file;
  std::string name;
  std::string plan;       // a path as written ("" = the embedded default plan)
  int plan_line = 0;
  std::string inventory;  // a path as written ("" = none: only --simulate can run)
  int inventory_line = 0;
  std::vector<std::string> drills;  // built-in scenario names or scenario files
  std::vector<int> drill_lines;
  std::string schedule;   // a systemd OnCalendar expression ("" = run by hand)
  std::optional<GameDayWindow> window;
  std::vector<Blackout> blackout;
  bool stop_on_failure = true;
  std::string history;    // the SQLite file, as written
  int history_line = 0;
  std::string webhook;    // "" = no notification
  std::vector<std::string> notify_on = {"failure", "regression"};  // failure | regression | always
  DurationMs max_duration_ms = 30 * 60'000;  // the whole day's drills
  std::vector<std::string> allow;            // blast radius accepted, as `live drill --allow`
};

Result<GameDay> parse_gameday(std::string_view text, const std::string& file);

// Checks a systemd OnCalendar expression (systemd.time(7), "CALENDAR EVENTS"): the shorthands
// (minutely, hourly, daily, weekly, monthly, quarterly, semiannually, yearly) or
// "[WEEKDAYS] [DATE] [TIME]" with lists, ranges (..) and repetitions (/). "" when valid, else
// what is wrong.
std::string check_calendar(std::string_view expression);

// A local moment, as the caller read it in the window's time zone.
struct LocalTime {
  int year = 1970, month = 1, day = 1;  // calendar date
  int weekday = 4;                       // 0 = Sunday
  int hour = 0, minute = 0;
};
std::string format_local(const LocalTime& t);  // "2026-12-02 10:00 (Wed)"

// "" when a game day may run at `now`; else why not ("outside the window Mon-Thu 09:00-16:00",
// "in the blackout 2026-12-20..2027-01-05").
std::string why_not_now(const GameDay& day, const LocalTime& now);

// The systemd units that run `command` on the schedule: a oneshot service and its timer
// (OnCalendar, Persistent=true, RandomizedDelaySec).
struct SystemdUnits {
  std::string service_name, service;
  std::string timer_name, timer;
};
SystemdUnits systemd_units(const GameDay& day, const std::string& command);

// A crontab line that runs `command` when the schedule does, or "" with `why` when cron cannot
// say it (seconds, repetitions, years). Cron runs a job when the day of the month OR the day of
// the week matches; a schedule that restricts both (e.g. the first Monday, "Mon *-*-1..7") gets
// the day of the week as a test in the command.
std::string crontab_line(const GameDay& day, const std::string& command, std::string& why);

}  // namespace clawsim
