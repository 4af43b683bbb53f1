#include "model/runner.h"

#include <algorithm>
#include <set>

#include "model/replica_share.h"

namespace clawsim {

namespace {

// A fault's scheduled time as a metric's suffix names it: "60s", "12.5s".
std::string fault_label(TimeMs at_ms) {
  std::string out = std::to_string(at_ms / 1000);
  if (const TimeMs ms = at_ms % 1000; ms != 0) {
    std::string frac = std::to_string(1000 + ms).substr(1);
    frac.erase(frac.find_last_not_of('0') + 1);
    out += "." + frac;
  }
  return out + "s";
}

// One observable signal: its state over time, as (time, state, full detail) steps.
struct Step {
  TimeMs t_ms;
  std::string state;
  std::string detail;
};

std::string state_of(const Change& c) {
  if (c.kind == Aspect::kLeader) return c.detail.substr(0, c.detail.find(" ("));
  if (c.kind == Aspect::kNode) return c.detail.substr(0, c.detail.find(' '));
  if (c.kind == Aspect::kService) return c.detail.substr(0, c.detail.find(':'));
  return c.detail;
}

bool subject_matches(const Expectation& e, const Change& c) {
  if (e.check == "quorum") return c.kind == Aspect::kQuorum;
  if (e.check == "leader") return c.kind == Aspect::kLeader;
  if (e.check == "node") return c.kind == Aspect::kNode && c.subject == e.subject;
  if (e.check == "service" || e.check == "dashboard") {
    return c.kind == Aspect::kService && c.subject == e.subject;
  }
  if (e.check == "task") return c.kind == Aspect::kTask && c.subject == e.subject;
  if (e.check == "api") return c.kind == Aspect::kApi && c.subject == e.subject;
  if (e.check == "action") return c.kind == Aspect::kAction && c.subject.rfind(e.subject, 0) == 0;
  return false;
}

std::vector<Step> signal(const Expectation& e, const Timeline& timeline) {
  std::vector<Step> steps;
  for (const Change& c : timeline) {
    if (subject_matches(e, c)) steps.push_back(Step{c.t_ms, state_of(c), c.detail});
  }
  return steps;
}

bool state_matches(const Expectation& e, const Step& s, const std::string& previous_leader) {
  if (e.check == "leader" && e.state == "new") {
    return s.state != "none" && s.state != previous_leader;
  }
  if (e.contains) return s.detail.find(e.state) != std::string::npos;
  return s.state == e.state;
}

// Index of the step in force at t (the last one at or before t); -1 if none yet.
int in_force(const std::vector<Step>& steps, TimeMs t) {
  int idx = -1;
  for (int i = 0; i < static_cast<int>(steps.size()); ++i) {
    if (steps[static_cast<std::size_t>(i)].t_ms <= t) idx = i;
  }
  return idx;
}

// `reference`: "new" is judged against what held just before it (the instant the action the
// window follows began: a live window opens once the action has landed and been observed, by
// when a leader handing over may already be seen).
Verdict judge_becomes(const Expectation& e, const std::vector<Step>& steps, TimeMs end, TimeMs reference) {
  Verdict v;
  const int start = in_force(steps, e.after_ms);
  // An action at `after` changes the state at that same instant: what held just before.
  const int prior = reference > 0 ? in_force(steps, reference - 1) : start;
  const std::string before = prior >= 0 ? steps[static_cast<std::size_t>(prior)].state : "";
  for (int i = std::max(start, 0); i < static_cast<int>(steps.size()); ++i) {
    const Step& s = steps[static_cast<std::size_t>(i)];
    if (s.t_ms > end) break;
    if (state_matches(e, s, before)) {
      v.holds = true;
      const TimeMs at = std::max(s.t_ms, e.after_ms);
      v.detail = "'" + s.detail + "' at " + format_time(at) + " (+" +
                 format_time(at - e.after_ms) + ")";
      return v;
    }
  }
  v.detail = "not seen by " + format_time(end);
  const int last = in_force(steps, end);
  if (last >= 0) v.detail += "; last: '" + steps[static_cast<std::size_t>(last)].detail + "'";
  return v;
}

Verdict judge_stays(const Expectation& e, const std::vector<Step>& steps, TimeMs until) {
  Verdict v;
  const int start = in_force(steps, e.after_ms);
  for (int i = std::max(start, 0); i < static_cast<int>(steps.size()); ++i) {
    const Step& s = steps[static_cast<std::size_t>(i)];
    if (s.t_ms > until) break;
    if (!state_matches(e, s, "")) {
      v.detail = "'" + s.detail + "' at " + format_time(std::max(s.t_ms, e.after_ms));
      return v;
    }
  }
  if (start < 0 && steps.empty()) {
    v.detail = "never observed";
    return v;
  }
  v.holds = true;
  v.detail = "held from " + format_time(e.after_ms) + " to " + format_time(until);
  return v;
}

std::string percent(double pct) {  // one decimal, truncated: 99.96 is not 100.0
  const int tenths = static_cast<int>(pct * 10);
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + "%";
}

DurationMs up_time(const std::vector<Step>& steps, TimeMs from, TimeMs to) {
  DurationMs up = 0;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const TimeMs begin = std::max(steps[i].t_ms, from);
    const TimeMs end = std::min(i + 1 < steps.size() ? steps[i + 1].t_ms : to, to);
    if (steps[i].state == "up" && end > begin) up += end - begin;
  }
  return up;
}

Verdict judge_one(const Expectation& e, const Timeline& timeline, DurationMs duration, TimeMs reference) {
  const TimeMs until = e.until_ms.value_or(duration);
  Verdict v;
  if (e.check == "placement") {
    v.holds = true;
    v.detail = "every placement met its constraints";
    for (const Change& c : timeline) {
      if (c.kind == Aspect::kInvariant && c.t_ms >= e.after_ms && c.t_ms <= until) {
        v.holds = false;
        v.detail = c.subject + " " + c.detail + " at " + format_time(c.t_ms);
        break;
      }
    }
  } else {
    const std::vector<Step> steps = signal(e, timeline);
    switch (e.mode) {
      case ExpectMode::kBecomes:
        v = judge_becomes(e, steps, e.within_ms ? e.after_ms + *e.within_ms : duration, reference);
        break;
      case ExpectMode::kStays: v = judge_stays(e, steps, until); break;
      case ExpectMode::kAvailableAtLeast: {
        const DurationMs window = std::max<DurationMs>(until - e.after_ms, 1);
        const DurationMs up = up_time(steps, e.after_ms, until);
        const double pct = 100.0 * static_cast<double>(up) / static_cast<double>(window);
        v.holds = pct + 1e-9 >= e.min_percent;
        v.detail = "up " + std::to_string(up) + " of " + std::to_string(window) + " ms (" + percent(pct) + ")";
        break;
      }
      case ExpectMode::kReplicasAtLeast: {
        const ReplicaShare share = replica_share(timeline, e.subject, e.after_ms, until);
        v.holds = share.lowest_at_ms >= 0 && share.lowest_pct + 1e-9 >= e.min_percent;
        v.detail = share.lowest_at_ms < 0 ? "no record of its replicas"
                                          : "lowest " + share.lowest + " (" + percent(share.lowest_pct) + ") from " +
                                                format_time(share.lowest_at_ms);
        break;
      }
    }
  }
  v.name = e.name;
  v.why = e.why;
  return v;
}

}  // namespace

bool PlanIdentity::named_by(const std::vector<std::string>& plans) const {
  for (const std::string& p : plans) {
    if (!digest.empty() && p == digest) return true;
    if (std::find(builtin.begin(), builtin.end(), p) != builtin.end()) return true;
  }
  return false;
}

const char* to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::kPass: return "pass";
    case Outcome::kKnownFailure: return "known_failure";
    case Outcome::kFail: return "fail";
  }
  return "fail";
}

Outcome RunResult::outcome() const {
  Outcome out = Outcome::kPass;
  for (const Verdict& v : verdicts) {
    if (v.holds) continue;
    if (!v.known_failure) return Outcome::kFail;
    out = Outcome::kKnownFailure;
  }
  return out;
}

std::vector<std::string> RunResult::known_failures() const {
  std::vector<std::string> out;
  for (const Verdict& v : verdicts) {
    if (!v.holds && v.known_failure) out.push_back(v.name);
  }
  return out;
}

const char* verdict_label(const Verdict& v) {
  if (v.known_failure) return v.holds ? "XPASS" : "XFAIL";
  return v.holds ? "PASS" : "FAIL";
}

std::string format_time(TimeMs t_ms) {
  const char* sign = t_ms < 0 ? "-" : "";
  const TimeMs a = t_ms < 0 ? -t_ms : t_ms;
  std::string ms = std::to_string(a % 1000);
  ms.insert(0, 3 - ms.size(), '0');
  return sign + std::to_string(a / 1000) + "." + ms + "s";
}

std::string format_measured(DurationMs value, DurationMs low, DurationMs high) {
  std::string out = format_time(value);
  if (low != high) out += " (" + format_time(low) + ".." + format_time(high) + ")";
  return out;
}

namespace {

// The expectation with its window moved by how late its action landed.
Expectation anchored(const Expectation& e, const Scenario& scenario, const std::vector<TimeMs>& landed) {
  DurationMs late = 0;
  for (std::size_t i = 0; i < scenario.timeline.size() && i < landed.size(); ++i) {
    if (scenario.timeline[i].at_ms <= e.after_ms) late = std::max<DurationMs>(0, landed[i] - scenario.timeline[i].at_ms);
  }
  Expectation out = e;
  out.after_ms += late;
  if (out.until_ms) out.until_ms = std::max(*out.until_ms, out.after_ms);
  return out;
}

}  // namespace

std::vector<Verdict> judge(const Scenario& scenario, const Timeline& timeline,
                           const PlanIdentity& plan, const std::vector<TimeMs>& landed) {
  std::vector<Verdict> out;
  const std::vector<TimeMs> began = landed_instants(timeline);
  for (const Expectation& e : scenario.expectations) {
    // `after` moved by how late the action it follows began (not by how late it was observed).
    TimeMs reference = e.after_ms;
    for (std::size_t i = 0; i < scenario.timeline.size() && i < began.size(); ++i) {
      const TimeMs at = scenario.timeline[i].at_ms;
      if (at <= e.after_ms) reference = e.after_ms + std::max<DurationMs>(0, began[i] - at);
    }
    out.push_back(judge_one(anchored(e, scenario, landed), timeline, scenario.duration_ms, reference));
    out.back().known_failure = plan.named_by(e.xfail_plans);
  }
  return out;
}

std::map<std::string, DurationMs> measure(const Scenario& scenario, const Timeline& timeline,
                                          const std::vector<TimeMs>& landed, Bound bound) {
  // A period's start and its end, placed within the change's uncertainty as `bound` asks.
  auto start_of = [bound](const Change& c) { return bound == Bound::kHigh ? c.t_ms - c.uncertain_ms : c.t_ms; };
  auto end_of = [bound](const Change& c) { return bound == Bound::kLow ? c.t_ms - c.uncertain_ms : c.t_ms; };
  auto span = [](TimeMs from, TimeMs to) { return std::max<DurationMs>(0, to - from); };
  std::map<std::string, DurationMs> m;
  const bool has_fault = !scenario.timeline.empty();
  const TimeMs fault = !has_fault ? 0 : landed.empty() ? scenario.timeline[0].at_ms : landed[0];
  std::string leader_at_fault = "none";
  std::map<std::string, TimeMs> service_down_since;
  std::map<std::string, std::pair<TimeMs, std::string>> node_failed_at;  // when, after which fault
  std::set<std::string> replicated;  // services with replica counts of their own
  TimeMs leaderless_since = -1;
  TimeMs quorum_lost_since = -1;
  std::string leader = "none";
  // An instant is measured from the fault it follows: the latest action that landed before it.
  // Actions scheduled at the same instant are one fault. The first fault's instants have the
  // plain name; a later one's carry its scheduled time: leader_elected_after_ms@60s.
  std::vector<TimeMs> faults = landed;
  if (faults.empty()) {
    for (const Action& a : scenario.timeline) faults.push_back(a.at_ms);
  }
  faults.resize(std::min(faults.size(), scenario.timeline.size()));
  std::size_t next_fault = 0;
  TimeMs latest_fault = fault;
  std::string fault_suffix;
  std::set<std::string> elected_after;  // the faults after which a new leader was seen
  for (const Change& c : timeline) {
    // Changes stamped at the fault's instant but recorded before it still describe the past.
    const auto passed = [&c](TimeMs f) { return c.t_ms > f || (c.t_ms == f && c.kind != Aspect::kLeader); };
    const bool after_fault = has_fault && passed(fault);
    while (next_fault < faults.size() && passed(faults[next_fault])) {
      const TimeMs at = scenario.timeline[next_fault].at_ms;
      const std::string suffix = at == scenario.timeline[0].at_ms ? "" : "@" + fault_label(at);
      if (suffix != fault_suffix || next_fault == 0) leader_at_fault = leader;
      fault_suffix = suffix;
      latest_fault = faults[next_fault++];
    }
    if (c.kind == Aspect::kLeader) {
      const std::string name = state_of(c);
      // One leader seen after another: between two terms there was none, for as long as the
      // change's uncertainty allows.
      if (bound == Bound::kHigh && has_fault && c.t_ms > fault && leader != "none" && name != "none" && name != leader) {
        m["leaderless_ms"] += span(std::max(c.t_ms - c.uncertain_ms, fault), c.t_ms);
      }
      leader = name;
      if (has_fault && name == "none" && leaderless_since < 0) {
        leaderless_since = std::max(start_of(c), fault);
      } else if (has_fault && name != "none" && leaderless_since >= 0) {
        if (c.t_ms > fault) m["leaderless_ms"] += span(leaderless_since, end_of(c));
        leaderless_since = -1;
      }
      if (!after_fault) {
        leader_at_fault = name;
      } else if (name != "none" && name != leader_at_fault && elected_after.insert(fault_suffix).second) {
        m["leader_elected_after_ms" + fault_suffix] = span(latest_fault, end_of(c));
      }
    } else if (c.kind == Aspect::kQuorum) {
      const std::string key = "quorum_lost_after_ms" + fault_suffix;
      if (c.detail == "lost" && after_fault && !m.count(key)) m[key] = span(latest_fault, end_of(c));
      if (c.detail == "lost" && after_fault && quorum_lost_since < 0) {
        quorum_lost_since = std::max(start_of(c), fault);
        m.emplace("quorum_lost_for_ms", 0);
      } else if (c.detail == "held" && quorum_lost_since >= 0) {
        m["quorum_lost_for_ms"] += span(quorum_lost_since, end_of(c));
        quorum_lost_since = -1;
      }
    } else if (c.kind == Aspect::kHost && c.detail != "up") {
      node_failed_at.emplace(c.subject, std::pair{start_of(c), fault_suffix});
    } else if (c.kind == Aspect::kHost) {
      node_failed_at.erase(c.subject);
    } else if (c.kind == Aspect::kNode && state_of(c) == "down") {
      const auto it = node_failed_at.find(c.subject);
      if (it != node_failed_at.end()) {
        m.emplace("node_down_after_ms." + c.subject + it->second.second, span(it->second.first, end_of(c)));
      }
    } else if (c.kind == Aspect::kReplicas) {
      replicated.insert(c.subject);
    } else if (c.kind == Aspect::kService) {
      const std::string key = "downtime_ms." + c.subject;
      m.emplace(key, 0);
      const bool up = state_of(c) == "up";
      const auto it = service_down_since.find(c.subject);
      if (up && it != service_down_since.end()) {
        m[key] += span(it->second, end_of(c));
        service_down_since.erase(it);
      } else if (!up && it == service_down_since.end()) {
        service_down_since[c.subject] = start_of(c);
      }
    }
  }
  // A period still open at the end is counted to the end. A real action lands late, so a real
  // run ends sooner after its fault than the model's: what it did not see of that last stretch
  // may have been down too (kHigh counts it).
  const TimeMs end = scenario.duration_ms + (bound == Bound::kHigh && has_fault ? fault - scenario.timeline[0].at_ms : 0);
  if (has_fault) m.emplace("leaderless_ms", 0);
  if (leaderless_since >= 0) m["leaderless_ms"] += span(leaderless_since, end);
  if (quorum_lost_since >= 0) m["quorum_lost_for_ms"] += span(quorum_lost_since, end);
  for (const auto& [service, since] : service_down_since) {
    m["downtime_ms." + service] += span(since, end);
  }
  for (const std::string& service : replicated) {
    m["replica_downtime_ms." + service] = replica_share(timeline, service, 0, scenario.duration_ms).missing_ms;
  }
  return m;
}

std::uint64_t timeline_fingerprint(const Timeline& timeline) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  auto mix = [&h](const std::string& s) {
    for (char ch : s) {
      h ^= static_cast<unsigned char>(ch);
      h *= 0x100000001b3ULL;
    }
    h ^= 0xff;
    h *= 0x100000001b3ULL;
  };
  for (const Change& c : timeline) {
    mix(std::to_string(c.t_ms));
    mix(to_string(c.kind));
    mix(c.subject);
    mix(c.detail);
  }
  return h;
}

void measure_into(RunResult& r, const Scenario& scenario, const std::vector<TimeMs>& landed) {
  r.metrics = measure(scenario, r.timeline, landed);
  r.bounds.clear();
  const bool uncertain =
      std::any_of(r.timeline.begin(), r.timeline.end(), [](const Change& c) { return c.uncertain_ms > 0; });
  if (!uncertain) return;
  const auto low = measure(scenario, r.timeline, landed, Bound::kLow);
  const auto high = measure(scenario, r.timeline, landed, Bound::kHigh);
  for (const auto& [name, value] : r.metrics) {
    const auto lo = low.find(name), hi = high.find(name);
    r.bounds[name] = {lo == low.end() ? value : std::min(value, lo->second),
                      hi == high.end() ? value : std::max(value, hi->second)};
  }
}

std::vector<TimeMs> landed_instants(const Timeline& timeline) {
  std::vector<TimeMs> out;
  for (const Change& c : timeline) {
    if (c.kind == Aspect::kAction && c.subject != "abort") out.push_back(c.t_ms - c.uncertain_ms);
  }
  return out;
}

std::vector<TimeMs> action_ends(const Timeline& timeline) {
  std::vector<TimeMs> out;
  for (const Change& c : timeline) {
    if (c.kind == Aspect::kAction && c.subject != "abort") out.push_back(c.t_ms);
  }
  return out;
}

Scenario as_performed(Scenario scenario, const std::vector<TimeMs>& landed) {
  if (landed.size() != scenario.timeline.size()) return scenario;
  for (std::size_t i = 0; i < landed.size(); ++i) scenario.timeline[i].at_ms = landed[i];
  return scenario;
}

RunResult run_scenario(const Scenario& scenario, ClusterDriver& driver, const PlanIdentity& plan) {
  RunResult r;
  r.plan_name = plan.name;
  r.plan_digest = plan.digest;
  r.scenario = scenario.name;
  r.description = scenario.description;
  r.duration_ms = scenario.duration_ms;
  auto collect = [&] {
    Timeline t = driver.take_changes();
    r.timeline.insert(r.timeline.end(), t.begin(), t.end());
  };
  collect();
  // Per action: when the driver had done it and observed the result (the window of what follows
  // opens then), and when the action itself took place (durations count from there).
  std::vector<TimeMs> observed_after, acted;
  for (const Action& a : scenario.timeline) {
    driver.advance_to(a.at_ms);
    collect();
    const std::size_t from = r.timeline.size();
    driver.apply(a);
    observed_after.push_back(driver.now());
    collect();
    acted.push_back(observed_after.back());
    for (std::size_t i = from; i < r.timeline.size(); ++i) {
      const Change& c = r.timeline[i];
      if (c.kind == Aspect::kAction) acted.back() = c.t_ms - c.uncertain_ms;  // when its commands began
    }
  }
  driver.advance_to(scenario.duration_ms);
  collect();
  r.verdicts = judge(scenario, r.timeline, plan, observed_after);
  measure_into(r, scenario, acted);
  r.fingerprint = timeline_fingerprint(r.timeline);
  return r;
}

}  // namespace clawsim
