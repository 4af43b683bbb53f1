// The game-day file, its schedule and window, and the trend of its measures.
#include "gameday/gameday.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "gameday/trend.h"

namespace clawsim {
namespace {

std::string example() {
  std::ifstream in(std::string(CLAWSIM_SOURCE_DIR) + "/scenarios/gamedays/monthly-failover.yaml");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

InputError error_of(const std::string& text) {
  Result<GameDay> r = parse_gameday(text, "g.yaml");
  EXPECT_FALSE(r.ok());
  return r.ok() ? InputError{} : r.error();
}

TEST(GameDay, TheExampleParses) {
  Result<GameDay> g = parse_gameday(example(), "monthly-failover.yaml");
  ASSERT_TRUE(g.ok()) << g.error().to_string();
  const GameDay& d = g.value();
  EXPECT_EQ(d.name, "monthly-failover");
  EXPECT_EQ(d.drills, (std::vector<std::string>{"leader-demotion", "trusted-node-drain", "leader-crash"}));
  EXPECT_EQ(d.schedule, "Mon *-*-1..7 10:00");
  ASSERT_TRUE(d.window);
  EXPECT_EQ(d.window->days, (std::vector<int>{1, 2, 3, 4}));
  EXPECT_EQ(d.window->start_minute, 9 * 60);
  EXPECT_EQ(d.window->end_minute, 16 * 60);
  EXPECT_EQ(d.window->timezone, "Europe/Berlin");
  ASSERT_EQ(d.blackout.size(), 1U);
  EXPECT_EQ(d.blackout[0].to, "2027-01-05");
  EXPECT_TRUE(d.stop_on_failure);
  EXPECT_EQ(d.max_duration_ms, 30 * 60'000);
}

TEST(GameDay, BadInputNamesLineAndField) {
  const InputError unknown = error_of("name: g\ndrills: [leader-crash]\nschedul: daily\n");
  EXPECT_EQ(unknown.line, 3);
  EXPECT_NE(unknown.message.find("schedul"), std::string::npos) << unknown.message;
  const InputError schedule = error_of("name: g\ndrills: [leader-crash]\nschedule: \"Mon *-*-1..7 25:00\"\n");
  EXPECT_EQ(schedule.field, "schedule");
  EXPECT_EQ(schedule.message, "not a systemd OnCalendar expression: hour '25' is out of range 0..23");
  EXPECT_EQ(error_of("name: g\ndrills: [x]\nwindow: {hours: 16:00-09:00}\n").field, "window.hours");
  EXPECT_EQ(error_of("name: g\ndrills: [x]\nwindow: {days: [Moonday]}\n").field, "window.days");
  EXPECT_EQ(error_of("name: g\ndrills: [x]\nblackout: [2026-13-01]\n").field, "blackout[0]");
  EXPECT_EQ(error_of("name: g\ndrills: []\n").field, "drills");
  EXPECT_EQ(error_of("name: g\ndrills: [x]\nnotify: {webhook: ftp://x}\n").field, "notify.webhook");
  EXPECT_EQ(error_of("name: g\ndrills: [x]\nnotify: {webhook: 'http://x', on: [sometimes]}\n").field, "notify.on");
  EXPECT_EQ(error_of("name: g\ndrills: [x]\nlimits: {allow: [everything]}\n").field, "limits.allow");
  EXPECT_EQ(error_of("name: 'a b'\ndrills: [x]\n").field, "name");
}

TEST(GameDay, CalendarExpressions) {
  for (const char* ok : {"daily", "weekly", "Mon *-*-1..7 10:00", "Mon..Fri 09:30", "*-*-* 00/2:00",
                         "Sat,Sun 2027-01-* 03:00:00", "monthly", "*:0/15", "Mon 10:00 Europe/Berlin"}) {
    EXPECT_EQ(check_calendar(ok), "") << ok;
  }
  EXPECT_NE(check_calendar("Moonday 10:00"), "");
  EXPECT_NE(check_calendar("*-*-32 10:00"), "");
  EXPECT_NE(check_calendar("10:61"), "");
  EXPECT_NE(check_calendar("every day"), "");
  EXPECT_NE(check_calendar(""), "");
}

TEST(GameDay, WindowAndBlackout) {
  GameDay d = parse_gameday(example(), "g").value();
  const LocalTime monday_ten{2026, 12, 7, 1, 10, 0};
  EXPECT_EQ(why_not_now(d, monday_ten), "");
  const LocalTime friday_ten{2026, 12, 4, 5, 10, 0};
  EXPECT_EQ(why_not_now(d, friday_ten),
            "outside the window Mon,Tue,Wed,Thu 09:00-16:00 Europe/Berlin (now 2026-12-04 10:00 (Fri))");
  const LocalTime monday_four{2026, 12, 7, 1, 16, 0};
  EXPECT_NE(why_not_now(d, monday_four), "") << "the window's end is exclusive";
  const LocalTime in_blackout{2026, 12, 21, 1, 10, 0};
  EXPECT_EQ(why_not_now(d, in_blackout).rfind("in the blackout 2026-12-20..2027-01-05", 0), 0U);
}

TEST(GameDay, CrontabSaysWhatTheTimerDoes) {
  GameDay d = parse_gameday(example(), "g").value();
  std::string why;
  // cron ORs the day of the month and the day of the week: the first Monday needs a test.
  EXPECT_EQ(crontab_line(d, "clawsim gameday run g.yaml", why),
            "0 10 1-7 * * case \"$(date +\\%w)\" in 1) clawsim gameday run g.yaml;; esac");
  d.schedule = "Mon..Fri 09:30";
  EXPECT_EQ(crontab_line(d, "x", why), "30 9 * * 1,2,3,4,5 x");
  d.schedule = "daily";
  EXPECT_EQ(crontab_line(d, "date +%F", why), "0 0 * * * date +\\%F");
  d.schedule = "*:0/15";
  EXPECT_EQ(crontab_line(d, "x", why), "");
  EXPECT_NE(why.find("repetition"), std::string::npos) << why;
}

TEST(GameDay, SystemdUnits) {
  const GameDay d = parse_gameday(example(), "g").value();
  const SystemdUnits u = systemd_units(d, "/usr/bin/clawsim gameday run /etc/clawsim/g.yaml");
  EXPECT_EQ(u.timer_name, "clawsim-gameday-monthly-failover.timer");
  EXPECT_NE(u.timer.find("OnCalendar=Mon *-*-1..7 10:00\n"), std::string::npos);
  EXPECT_NE(u.timer.find("Persistent=true\n"), std::string::npos);
  EXPECT_NE(u.timer.find("RandomizedDelaySec="), std::string::npos);
  EXPECT_NE(u.service.find("Type=oneshot\nExecStart=/usr/bin/clawsim gameday run /etc/clawsim/g.yaml\n"),
            std::string::npos);
}

RunRecord run_with(DurationMs leader_ms, bool inside = true, DurationMs predicted_min = 8'000,
                   DurationMs predicted_max = 27'000) {
  MeasureRecord m{"leader_elected_after_ms", leader_ms, predicted_min, 12'000, predicted_max, inside};
  return RunRecord{0, "g", "", "", "live", "", "", "", "pass", {DrillRecord{"leader-crash", "pass", "", {m}}}};
}

TEST(Trend, ARegressionIsOutsideTheModelOrWorseThanTheMedianByAMargin) {
  std::vector<RunRecord> runs = {run_with(12'000), run_with(13'000), run_with(11'000)};
  std::vector<Trend> t = trends(runs);
  ASSERT_EQ(t.size(), 1U);
  EXPECT_EQ(t[0].previous_ms, (std::vector<DurationMs>{12'000, 13'000}));
  EXPECT_EQ(t[0].regression, "");
  runs.push_back(run_with(20'000));
  t = trends(runs);
  EXPECT_EQ(*t[0].previous_median_ms, 12'000);
  EXPECT_EQ(t[0].regression, "worse than the median of the last 3 runs (12.000s) by 8.000s");
  runs.back() = run_with(14'500);
  EXPECT_EQ(trends(runs)[0].regression, "") << "within 25% of the median";
  runs.back() = run_with(30'000, false);
  EXPECT_EQ(trends(runs)[0].regression, "outside the model's window 8.000s..27.000s");
  EXPECT_TRUE(trends(runs, "other-drill").empty());
}

// A drill on @leader crashed a node that ran nothing last time and the trusted node this time:
// the model predicted 0 then, 62 s now. Within its window, that is no regression.
TEST(Trend, OnlyRunsTheModelPredictedAlikeAreBefore) {
  std::vector<RunRecord> runs = {run_with(0, true, 0, 0), run_with(59'673, true, 62'000, 63'669)};
  std::vector<Trend> t = trends(runs);
  EXPECT_TRUE(t[0].previous_ms.empty()) << "the run before met another cluster";
  EXPECT_EQ(t[0].regression, "");
  runs.push_back(run_with(90'000, true, 60'000, 100'000));
  t = trends(runs);
  EXPECT_EQ(t[0].previous_ms, (std::vector<DurationMs>{59'673})) << "overlapping windows compare";
  EXPECT_EQ(t[0].regression, "") << "one earlier run is no baseline";
  runs.insert(runs.end() - 1, {run_with(61'000, true, 60'000, 100'000), run_with(60'500, true, 60'000, 100'000)});
  t = trends(runs);
  EXPECT_EQ(t[0].previous_ms.size(), 3U);
  EXPECT_EQ(t[0].regression, "worse than the median of the last 3 runs (60.500s) by 29.500s");
}

// The live game day's second leader crash: 13.7 s without a leader against 10.6 s the run
// before, both inside the model's 8.5-27.7 s. One earlier run says nothing of a trend.
TEST(Trend, OneOrTwoEarlierRunsAreNoBaseline) {
  std::vector<RunRecord> runs = {run_with(10'600, true, 8'500, 27'700), run_with(13'700, true, 8'500, 27'700)};
  EXPECT_EQ(trends(runs)[0].regression, "");
  runs.insert(runs.end() - 1, run_with(10'000, true, 8'500, 27'700));
  EXPECT_EQ(trends(runs)[0].regression, "");
}

}  // namespace
}  // namespace clawsim

namespace clawsim {

TEST(Trend, AMeasureIsWithinWhenWhatItsObservationsAllowMeetsTheWindow) {
  RunResult observed;
  observed.metrics = {{"a", 3'282}, {"b", 3'282}, {"c", 2'000}, {"d", 1'999}};
  observed.bounds = {{"a", {1'000, 3'282}}, {"b", {3'000, 3'282}}};
  std::vector<Distribution> predicted;
  for (const char* m : {"a", "c", "d"}) predicted.push_back({m, 200, 2'000, 2'200, 2'400, 2'500, 2'500});
  predicted.push_back({"b", 200, 0, 1'000, 2'000, 2'500, 2'500});
  const std::vector<MeasureRecord> r = compare_with_prediction(observed, predicted);
  ASSERT_EQ(r.size(), 4U);
  EXPECT_TRUE(r[0].inside) << "the value seen lies after the window, but the change may have come within it";
  EXPECT_EQ(r[0].observed_low_ms, 1'000);
  EXPECT_EQ(r[0].observed_high_ms, 3'282);
  EXPECT_FALSE(r[1].inside) << "every value the observations allow lies after the window";
  EXPECT_TRUE(r[2].inside) << "exact, at the window's edge";
  EXPECT_FALSE(r[3].inside) << "exact, a millisecond before it";
  EXPECT_FALSE(r[3].observed_low_ms.has_value());
}

}  // namespace clawsim
