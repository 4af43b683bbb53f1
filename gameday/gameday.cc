#include "gameday/gameday.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <sstream>

#include "model/yaml_fields.h"

namespace clawsim {

namespace {

constexpr std::array<std::string_view, 7> kDays = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
constexpr std::array<std::string_view, 7> kDayNames = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.emplace_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

// "mon", "monday", "Mon" -> 1; -1 when it is not a day.
int day_of(std::string_view word) {
  const std::string w = lower(word);
  static constexpr std::array<std::string_view, 7> kFull = {"sunday",   "monday", "tuesday", "wednesday",
                                                            "thursday", "friday", "saturday"};
  for (std::size_t i = 0; i < kDays.size(); ++i) {
    if (w == kDays[i] || w == kFull[i]) return static_cast<int>(i);
  }
  return -1;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// One component of a calendar date or time: "*", or a comma list of N, N..M, each with an
// optional /STEP. Values must lie in [lo, hi].
std::string check_component(std::string_view text, int lo, int hi, const char* what) {
  if (text.empty()) return std::string("empty ") + what;
  for (const std::string& item : split(text, ',')) {
    std::string body = item;
    if (const auto slash = body.find('/'); slash != std::string::npos) {
      if (!all_digits(body.substr(slash + 1)) || std::stoi(body.substr(slash + 1)) == 0) {
        return std::string("bad repetition in ") + what + " '" + item + "'";
      }
      body = body.substr(0, slash);
    }
    if (body == "*") continue;
    std::vector<std::string> ends;
    if (const auto dots = body.find(".."); dots != std::string::npos) {
      ends = {body.substr(0, dots), body.substr(dots + 2)};
    } else {
      ends = {body};
    }
    for (const std::string& e : ends) {
      if (!all_digits(e) || e.size() > 4) return std::string("bad ") + what + " '" + item + "'";
      const int v = std::stoi(e);
      if (v < lo || v > hi) {
        return std::string(what) + " '" + e + "' is out of range " + std::to_string(lo) + ".." + std::to_string(hi);
      }
    }
  }
  return "";
}

// The calendar expression as its parts, in systemd's syntax.
struct Calendar {
  std::vector<int> weekdays;  // empty = every day
  std::string year = "*", month = "*", day = "*";
  std::string hour = "00", minute = "00", second = "00";
};

std::string parse_calendar(std::string_view expression, Calendar& c) {
  std::string text = lower(expression);
  static const std::array<std::pair<std::string_view, std::string_view>, 9> kShorthands = {{
      {"minutely", "*-*-* *:*:00"},
      {"hourly", "*-*-* *:00:00"},
      {"daily", "*-*-* 00:00:00"},
      {"monthly", "*-*-01 00:00:00"},
      {"weekly", "mon *-*-* 00:00:00"},
      {"yearly", "*-01-01 00:00:00"},
      {"annually", "*-01-01 00:00:00"},
      {"quarterly", "*-01,04,07,10-01 00:00:00"},
      {"semiannually", "*-01,07-01 00:00:00"},
  }};
  for (const auto& [word, meaning] : kShorthands) {
    if (text == word) text = meaning;
  }
  std::istringstream in(text);
  std::vector<std::string> tokens;
  for (std::string t; in >> t;) tokens.push_back(t);
  if (tokens.empty()) return "the schedule is empty";
  std::size_t i = 0;
  if (std::isalpha(static_cast<unsigned char>(tokens[0][0]))) {
    for (const std::string& item : split(tokens[0], ',')) {
      const auto dots = item.find("..");
      const int a = day_of(item.substr(0, dots));
      const int b = dots == std::string::npos ? a : day_of(item.substr(dots + 2));
      if (a < 0 || b < 0) return "'" + item + "' is not a day of the week (Mon, Tue, ... or Monday, ...)";
      for (int d = a;; d = (d + 1) % 7) {
        if (std::find(c.weekdays.begin(), c.weekdays.end(), d) == c.weekdays.end()) c.weekdays.push_back(d);
        if (d == b) break;
      }
    }
    std::sort(c.weekdays.begin(), c.weekdays.end());
    ++i;
  }
  if (i < tokens.size() && tokens[i].find('-') != std::string::npos && tokens[i].find(':') == std::string::npos) {
    std::vector<std::string> parts = split(tokens[i], '-');
    if (parts.size() == 2) parts.insert(parts.begin(), "*");
    if (parts.size() != 3) return "'" + tokens[i] + "' is not a date (YEAR-MONTH-DAY, each a number, list, range or *)";
    for (const auto& [part, lo, hi, what] :
         {std::tuple{parts[0], 1970, 2199, "year"}, std::tuple{parts[1], 1, 12, "month"},
          std::tuple{parts[2], 1, 31, "day"}}) {
      if (std::string why = check_component(part, lo, hi, what); !why.empty()) return why;
    }
    c.year = parts[0];
    c.month = parts[1];
    c.day = parts[2];
    ++i;
  }
  if (i < tokens.size() && tokens[i].find(':') != std::string::npos) {
    const std::vector<std::string> parts = split(tokens[i], ':');
    if (parts.size() != 2 && parts.size() != 3) return "'" + tokens[i] + "' is not a time (HOUR:MINUTE[:SECOND])";
    for (const auto& [part, lo, hi, what] :
         {std::tuple{parts[0], 0, 23, "hour"}, std::tuple{parts[1], 0, 59, "minute"}}) {
      if (std::string why = check_component(part, lo, hi, what); !why.empty()) return why;
    }
    if (parts.size() == 3) {
      if (std::string why = check_component(parts[2], 0, 59, "second"); !why.empty()) return why;
      c.second = parts[2];
    }
    c.hour = parts[0];
    c.minute = parts[1];
    ++i;
  }
  if (i < tokens.size() && (tokens[i] == "utc" || tokens[i].find('/') != std::string::npos)) ++i;  // a time zone
  if (i != tokens.size()) return "'" + tokens[i] + "' is not understood (expected [WEEKDAYS] [DATE] [TIME] [TIMEZONE])";
  return "";
}

// "HH:MM" -> minutes after midnight; -1 when malformed. "24:00" ends a day.
int minutes_of(std::string_view hhmm) {
  if (hhmm.size() != 5 || hhmm[2] != ':' || !all_digits(hhmm.substr(0, 2)) || !all_digits(hhmm.substr(3))) return -1;
  const int h = std::stoi(std::string(hhmm.substr(0, 2)));
  const int m = std::stoi(std::string(hhmm.substr(3)));
  if (m > 59 || h > 24 || (h == 24 && m != 0)) return -1;
  return h * 60 + m;
}

bool is_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  if (!all_digits(s.substr(0, 4)) || !all_digits(s.substr(5, 2)) || !all_digits(s.substr(8, 2))) return false;
  const int year = std::stoi(std::string(s.substr(0, 4)));
  const int month = std::stoi(std::string(s.substr(5, 2)));
  const int day = std::stoi(std::string(s.substr(8, 2)));
  if (month < 1 || month > 12) return false;
  static constexpr int kDaysInMonth[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day >= 1 && day <= kDaysInMonth[month - 1] + (month == 2 && leap ? 1 : 0);
}

GameDayWindow read_window(const Field& f) {
  f.only_keys({"days", "hours", "timezone"});
  GameDayWindow w;
  w.line = f.line();
  if (f.child("days").present()) {
    for (const std::string& d : f.child("days").as_string_list()) {
      const int n = day_of(d);
      if (n < 0) f.child("days").fail("'" + d + "' is not a day of the week; expected Mon, Tue, Wed, Thu, Fri, Sat or Sun");
      if (std::find(w.days.begin(), w.days.end(), n) == w.days.end()) w.days.push_back(n);
    }
    std::sort(w.days.begin(), w.days.end());
  } else {
    w.days = {0, 1, 2, 3, 4, 5, 6};
  }
  const std::string hours = f.child("hours").present() ? f.child("hours").as_string() : "00:00-24:00";
  const auto dash = hours.find('-');
  w.start_minute = dash == std::string::npos ? -1 : minutes_of(hours.substr(0, dash));
  w.end_minute = dash == std::string::npos ? -1 : minutes_of(hours.substr(dash + 1));
  if (w.start_minute < 0 || w.end_minute < 0 || w.end_minute <= w.start_minute) {
    f.child("hours").fail("'" + hours + "' is not a range of hours; expected HH:MM-HH:MM, e.g. 09:00-16:00");
  }
  if (f.child("timezone").present()) {
    w.timezone = f.child("timezone").as_string();
    const bool plausible = !w.timezone.empty() && w.timezone.find("..") == std::string::npos &&
                           w.timezone[0] != '/' &&
                           std::all_of(w.timezone.begin(), w.timezone.end(), [](unsigned char c) {
                             return std::isalnum(c) || c == '/' || c == '_' || c == '-' || c == '+';
                           });
    if (!plausible) f.child("timezone").fail("'" + w.timezone + "' is not a time zone name (e.g. Europe/Berlin, UTC)");
  }
  return w;
}

GameDay read(const Field& root, const std::string& file) {
  root.only_keys({"name", "plan", "inventory", "drills", "schedule", "window", "blackout",
                  "stop_on_failure", "history", "notify", "limits"});
  GameDay g;
  g.file = file;
  g.name = root.child("name").as_string();
  if (g.name.empty() || !std::all_of(g.name.begin(), g.name.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '_' || c == '.';
      })) {
    root.child("name").fail("'" + g.name + "' is not a name (letters, digits, '-', '_', '.'): it names the schedule's units");
  }
  if (root.child("plan").present()) {
    g.plan = root.child("plan").as_string();
    g.plan_line = root.child("plan").line();
  }
  if (root.child("inventory").present()) {
    g.inventory = root.child("inventory").as_string();
    g.inventory_line = root.child("inventory").line();
  }
  const Field drills = root.child("drills");
  for (std::size_t i = 0; i < drills.size(); ++i) {
    g.drills.push_back(drills.item(i).as_string());
    g.drill_lines.push_back(drills.item(i).line());
  }
  if (g.drills.empty()) drills.fail("a game day needs at least one drill");
  if (root.child("schedule").present()) {
    g.schedule = root.child("schedule").as_string();
    if (std::string why = check_calendar(g.schedule); !why.empty()) {
      root.child("schedule").fail("not a systemd OnCalendar expression: " + why);
    }
  }
  if (root.child("window").present()) g.window = read_window(root.child("window"));
  const Field blackout = root.child("blackout");
  if (blackout.present()) {
    for (std::size_t i = 0; i < blackout.size(); ++i) {
      const Field b = blackout.item(i);
      const std::string text = b.as_string();
      const auto dots = text.find("..");
      Blackout out{text.substr(0, dots), dots == std::string::npos ? text : text.substr(dots + 2), b.line()};
      if (!is_date(out.from) || !is_date(out.to) || out.to < out.from) {
        b.fail("'" + text + "' is not a date or a range of dates; expected YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD");
      }
      g.blackout.push_back(out);
    }
  }
  if (root.child("stop_on_failure").present()) g.stop_on_failure = root.child("stop_on_failure").as_bool();
  if (root.child("history").present()) {
    g.history = root.child("history").as_string();
    g.history_line = root.child("history").line();
    if (g.history.empty()) root.child("history").fail("empty path");
  }
  if (const Field notify = root.child("notify"); notify.present()) {
    notify.only_keys({"webhook", "on"});
    g.webhook = notify.child("webhook").as_string();
    if (g.webhook.rfind("http://", 0) != 0 && g.webhook.rfind("https://", 0) != 0) {
      notify.child("webhook").fail("'" + g.webhook + "' is not an http:// or https:// URL");
    }
    if (notify.child("on").present()) {
      g.notify_on = notify.child("on").as_string_list();
      for (const std::string& on : g.notify_on) {
        if (on != "failure" && on != "regression" && on != "always") {
          notify.child("on").fail("'" + on + "' is not an event; expected failure, regression or always");
        }
      }
    }
  }
  if (const Field limits = root.child("limits"); limits.present()) {
    limits.only_keys({"max_duration", "allow"});
    if (limits.child("max_duration").present()) {
      g.max_duration_ms = limits.child("max_duration").as_duration_ms();
      if (g.max_duration_ms <= 0 || g.max_duration_ms > 24 * 3'600'000LL) {
        limits.child("max_duration").fail("must be more than 0 and at most 24h");
      }
    }
    g.allow = limits.child("allow").present() ? limits.child("allow").as_string_list() : std::vector<std::string>{};
    for (const std::string& a : g.allow) {
      if (a != "quorum-loss") limits.child("allow").fail("'" + a + "' is not a blast radius clawsim knows; expected quorum-loss");
    }
  }
  return g;
}

std::string day_list(const std::vector<int>& days) {
  std::string out;
  for (int d : days) out += (out.empty() ? "" : ",") + std::string(kDayNames[static_cast<std::size_t>(d)]);
  return out;
}

std::string hhmm(int minutes) {
  std::string h = std::to_string(minutes / 60), m = std::to_string(minutes % 60);
  return (h.size() < 2 ? "0" : "") + h + ":" + (m.size() < 2 ? "0" : "") + m;
}

// A systemd component ("1..7", "01,04", "*") in cron's syntax; "" when cron cannot say it.
std::string cron_component(const std::string& c) {
  if (c.find('/') != std::string::npos) return "";
  std::string out;
  for (const std::string& item : split(c, ',')) {
    std::string x = item;
    if (const auto dots = x.find(".."); dots != std::string::npos) {
      x = std::to_string(std::stoi(x.substr(0, dots))) + "-" + std::to_string(std::stoi(x.substr(dots + 2)));
    } else if (x != "*") {
      x = std::to_string(std::stoi(x));
    }
    out += (out.empty() ? "" : ",") + x;
  }
  return out;
}

}  // namespace

Result<GameDay> parse_gameday(std::string_view text, const std::string& file) {
  return parse_document<GameDay>(text, file, "game day", [&](const Field& root) { return read(root, file); });
}

std::string check_calendar(std::string_view expression) {
  Calendar c;
  return parse_calendar(expression, c);
}

std::string format_local(const LocalTime& t) {
  auto two = [](int v) { return (v < 10 ? "0" : "") + std::to_string(v); };
  return std::to_string(t.year) + "-" + two(t.month) + "-" + two(t.day) + " " + two(t.hour) + ":" +
         two(t.minute) + " (" + std::string(kDayNames[static_cast<std::size_t>(t.weekday % 7)]) + ")";
}

std::string why_not_now(const GameDay& day, const LocalTime& now) {
  const std::string date = format_local(now).substr(0, 10);
  for (const Blackout& b : day.blackout) {
    if (date >= b.from && date <= b.to) {
      return "in the blackout " + b.from + (b.to == b.from ? "" : ".." + b.to) + " (now " + format_local(now) + ")";
    }
  }
  if (!day.window) return "";
  const GameDayWindow& w = *day.window;
  const int minute = now.hour * 60 + now.minute;
  const bool day_ok = std::find(w.days.begin(), w.days.end(), now.weekday) != w.days.end();
  if (day_ok && minute >= w.start_minute && minute < w.end_minute) return "";
  return "outside the window " + day_list(w.days) + " " + hhmm(w.start_minute) + "-" + hhmm(w.end_minute) +
         (w.timezone.empty() ? "" : " " + w.timezone) + " (now " + format_local(now) + ")";
}

SystemdUnits systemd_units(const GameDay& day, const std::string& command) {
  SystemdUnits u;
  const std::string unit = "clawsim-gameday-" + day.name;
  u.service_name = unit + ".service";
  u.timer_name = unit + ".timer";
  u.service = "[Unit]\nDescription=clawsim game day " + day.name +
              "\nWants=network-online.target\nAfter=network-online.target\n\n[Service]\nType=oneshot\n"
              "ExecStart=" + command + "\n";
  u.timer = "[Unit]\nDescription=clawsim game day " + day.name + " on its schedule\n\n[Timer]\nOnCalendar=" +
            day.schedule + "\nPersistent=true\nRandomizedDelaySec=10min\nUnit=" + u.service_name +
            "\n\n[Install]\nWantedBy=timers.target\n";
  return u;
}

std::string crontab_line(const GameDay& day, const std::string& command, std::string& why) {
  Calendar c;
  if (std::string bad = parse_calendar(day.schedule, c); !bad.empty()) {
    why = bad;
    return "";
  }
  if (c.year != "*") {
    why = "cron has no years";
    return "";
  }
  if (c.second != "00" && c.second != "0") {
    why = "cron has no seconds";
    return "";
  }
  const std::string minute = cron_component(c.minute), hour = cron_component(c.hour),
                    dom = cron_component(c.day), month = cron_component(c.month);
  if (minute.empty() || hour.empty() || dom.empty() || month.empty()) {
    why = "cron cannot say the repetition (/) of this schedule";
    return "";
  }
  std::string dow = "*", run = command;
  // `%` ends a cron command unless escaped.
  std::string escaped;
  for (char ch : run) escaped += ch == '%' ? std::string("\\%") : std::string(1, ch);
  run = escaped;
  if (!c.weekdays.empty() && c.weekdays.size() < 7) {
    std::string days;
    for (int d : c.weekdays) days += (days.empty() ? "" : ",") + std::to_string(d);
    if (dom == "*") {
      dow = days;
    } else {  // both restricted: cron would run on either; test the weekday in the command
      std::string alternatives;
      for (int d : c.weekdays) alternatives += (alternatives.empty() ? "" : "|") + std::to_string(d);
      run = "case \"$(date +\\%w)\" in " + alternatives + ") " + run + ";; esac";
    }
  }
  return minute + " " + hour + " " + dom + " " + month + " " + dow + " " + run;
}

}  // namespace clawsim
