#include "model/report.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <stdexcept>

namespace clawsim {

std::string hex64(std::uint64_t value) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(value));
  return buf;
}

nlohmann::ordered_json report_json(const RunResult& r) {
  nlohmann::ordered_json j;
  j["schema_version"] = kReportSchemaVersion;
  j["scenario"] = r.scenario;
  j["description"] = r.description;
  j["seed"] = r.seed;
  j["plan"] = {{"name", r.plan_name}, {"digest", r.plan_digest}};
  j["duration_ms"] = r.duration_ms;
  j["verdict"] = to_string(r.outcome());
  j["expectations"] = nlohmann::ordered_json::array();
  for (const Verdict& v : r.verdicts) {
    j["expectations"].push_back(
        {{"name", v.name}, {"holds", v.holds}, {"known_failure", v.known_failure},
         {"status", verdict_label(v)}, {"detail", v.detail}, {"why", v.why}});
  }
  j["timeline"] = nlohmann::ordered_json::array();
  for (const Change& c : r.timeline) {
    j["timeline"].push_back(
        {{"t_ms", c.t_ms}, {"kind", to_string(c.kind)}, {"subject", c.subject}, {"detail", c.detail}});
    if (c.uncertain_ms > 0) j["timeline"].back()["uncertain_ms"] = c.uncertain_ms;
  }
  j["metrics"] = nlohmann::ordered_json::object();
  for (const auto& [name, value] : r.metrics) j["metrics"][name] = value;
  if (!r.bounds.empty()) {
    j["metric_bounds"] = nlohmann::ordered_json::object();
    for (const auto& [name, b] : r.bounds) j["metric_bounds"][name] = {{"low_ms", b.low}, {"high_ms", b.high}};
  }
  j["fingerprint"] = hex64(r.fingerprint);
  return j;
}

Result<RunResult> run_from_json(const nlohmann::ordered_json& j, const std::string& file) {
  auto bad = [&](const std::string& field, const std::string& message) {
    return InputError{file, 0, field, message};
  };
  if (!j.is_object()) return bad("", "not a clawsim report (expected a JSON object)");
  if (!j.contains("schema_version") || !j["schema_version"].is_number_integer()) {
    return bad("schema_version", "missing: not a clawsim report");
  }
  const int version = j["schema_version"].get<int>();
  if (version != kReportSchemaVersion && version != 2) {
    return bad("schema_version", "version " + std::to_string(version) + "; this clawsim reads versions 2 and " +
                                     std::to_string(kReportSchemaVersion));
  }
  // Version 2 named instants like durations: leader_elected_ms is leader_elected_after_ms.
  auto metric_name = [version](const std::string& name) {
    if (version != 2) return name;
    if (name == "leader_elected_ms") return std::string("leader_elected_after_ms");
    if (name == "quorum_lost_ms") return std::string("quorum_lost_after_ms");
    if (name.starts_with("node_down_ms.")) return "node_down_after_ms." + name.substr(13);
    return name;
  };
  if (j.contains("runs")) return bad("runs", "a --runs summary has no single run to render");
  RunResult r;
  try {
    r.scenario = j.at("scenario").get<std::string>();
    r.description = j.value("description", "");
    r.seed = j.at("seed").get<std::uint64_t>();
    r.plan_name = j.at("plan").at("name").get<std::string>();
    r.plan_digest = j.at("plan").at("digest").get<std::string>();
    r.duration_ms = j.at("duration_ms").get<DurationMs>();
    for (const auto& e : j.at("expectations")) {
      Verdict v;
      v.name = e.at("name").get<std::string>();
      v.holds = e.at("holds").get<bool>();
      v.known_failure = e.at("known_failure").get<bool>();
      v.detail = e.at("detail").get<std::string>();
      v.why = e.value("why", "");
      r.verdicts.push_back(std::move(v));
    }
    for (const auto& c : j.at("timeline")) {
      const std::optional<Aspect> kind = parse_aspect(c.at("kind").get<std::string>());
      if (!kind) throw std::invalid_argument("timeline: unknown kind '" + c.at("kind").get<std::string>() + "'");
      r.timeline.push_back(Change{c.at("t_ms").get<TimeMs>(), *kind, c.at("subject").get<std::string>(),
                                  c.at("detail").get<std::string>(), c.value("uncertain_ms", DurationMs{0})});
    }
    for (const auto& [name, value] : j.at("metrics").items()) r.metrics[metric_name(name)] = value.get<DurationMs>();
    if (j.contains("metric_bounds")) {
      for (const auto& [name, b] : j.at("metric_bounds").items()) {
        r.bounds[metric_name(name)] = {b.at("low_ms").get<DurationMs>(), b.at("high_ms").get<DurationMs>()};
      }
    }
    r.fingerprint = std::stoull(j.at("fingerprint").get<std::string>(), nullptr, 16);
  } catch (const std::exception& e) {
    return bad("", std::string("not a clawsim run report: ") + e.what());
  }
  return r;
}

std::vector<Distribution> distributions_from_json(const nlohmann::ordered_json& j) {
  std::vector<Distribution> out;
  if (!j.is_object() || !j.contains("metrics") || !j["metrics"].is_object()) return out;
  for (const auto& [name, d] : j["metrics"].items()) {
    if (!d.is_object()) continue;
    out.push_back(Distribution{name, d.value("runs", std::size_t{0}), d.value("min", DurationMs{0}),
                               d.value("median", DurationMs{0}), d.value("p90", DurationMs{0}),
                               d.value("p99", DurationMs{0}), d.value("max", DurationMs{0})});
  }
  return out;
}

namespace {

bool shown(const Change& c, bool verbose) {
  if (verbose) return true;
  return c.kind != Aspect::kTerm && c.kind != Aspect::kPlacement;
}

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

}  // namespace

std::string verdict_text(const RunResult& r) {
  switch (r.outcome()) {
    case Outcome::kPass: return "PASS";
    case Outcome::kFail: return "FAIL";
    case Outcome::kKnownFailure: {
      const auto known = r.known_failures();
      std::string out = "KNOWN FAILURE (" + std::to_string(known.size()) +
                        (known.size() == 1 ? " expectation fails" : " expectations fail") +
                        " as this plan is known to: ";
      for (std::size_t i = 0; i < known.size(); ++i) out += (i ? "; " : "") + known[i];
      return out + ")";
    }
  }
  return "FAIL";
}

std::string report_text(const RunResult& r, const Scenario& scenario, bool verbose) {
  std::string out = "scenario " + r.scenario + ": " + scenario.description + "\n";
  out += "plan " + r.plan_name + " (digest " + r.plan_digest + "), seed " +
         std::to_string(r.seed) + "\n\ntimeline\n";
  for (const Change& c : r.timeline) {
    if (!shown(c, verbose)) continue;
    std::string t = format_time(c.t_ms);
    out += "  " + std::string(t.size() < 9U ? 9U - t.size() : 0U, ' ') + t + "  " + pad(to_string(c.kind), 12) +
           " " + pad(c.subject, 16) + " " + c.detail + "\n";
  }
  out += "\nexpectations\n";
  for (const Verdict& v : r.verdicts) {
    out += "  " + pad(verdict_label(v), 6) + v.name + "\n        " + v.detail + "\n";
    if (!v.why.empty()) out += "        why: " + v.why + "\n";
  }
  out += "\nmetrics\n";
  for (const auto& [name, value] : r.metrics) {
    out += "  " + pad(name, 40) + " " + format_time(value) + "\n";
  }
  out += "\nverdict " + verdict_text(r) + "  seed " + std::to_string(r.seed) + "  fingerprint " +
         hex64(r.fingerprint) + "\n";
  for (const Verdict& v : r.verdicts) {
    if (v.known_failure && v.holds) {
      out += "note: '" + v.name + "' holds although it is a known failure of this plan: the plan no "
             "longer has that defect\n";
    }
  }
  return out;
}

std::vector<Distribution> distributions(const RunsTable& runs) {
  std::vector<Distribution> out;
  for (const auto& [name, column] : runs.metrics()) {
    std::vector<DurationMs> v;
    for (DurationMs x : column) {
      if (x != RunsTable::kNotMeasured) v.push_back(x);
    }
    if (v.empty()) continue;
    std::sort(v.begin(), v.end());
    auto rank = [&v](int pct) {
      const std::size_t n = v.size();
      std::size_t idx = (static_cast<std::size_t>(pct) * n + 99) / 100;  // nearest rank, 1-based
      idx = std::clamp<std::size_t>(idx, 1, n);
      return v[idx - 1];
    };
    out.push_back(Distribution{name, v.size(), v.front(), rank(50), rank(90), rank(99), v.back()});
  }
  return out;
}

std::vector<Distribution> distributions(const std::vector<RunResult>& runs) { return distributions(RunsTable(runs)); }

RunCounts count_runs(const RunsTable& runs) {
  RunCounts c;
  const std::vector<RunsTable::Expectation>& expectations = runs.expectations();
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const Outcome outcome = runs.outcome(i);
    switch (outcome) {
      case Outcome::kPass: ++c.passed; break;
      case Outcome::kFail: ++c.failed; break;
      case Outcome::kKnownFailure: ++c.known; break;
    }
    for (std::size_t e = 0; e < expectations.size(); ++e) {
      if (runs.holds(i, e)) continue;
      ++c.failed_by_expectation[expectations[e].name];
      if (outcome == Outcome::kKnownFailure && runs.known_failure(i, e)) ++c.known_by_expectation[expectations[e].name];
    }
  }
  return c;
}

RunCounts count_runs(const std::vector<RunResult>& runs) { return count_runs(RunsTable(runs)); }

Histogram histogram(const std::vector<DurationMs>& values, int bins) {
  Histogram h;
  if (values.empty()) return h;
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  h.min = *lo;
  h.max = *hi;
  h.counts.assign(h.min == h.max ? 1 : static_cast<std::size_t>(bins), 0);
  const double width = static_cast<double>(h.max - h.min) / static_cast<double>(h.counts.size());
  for (DurationMs v : values) {
    const std::size_t b = h.min == h.max ? 0
                                         : std::min(h.counts.size() - 1,
                                                    static_cast<std::size_t>(static_cast<double>(v - h.min) / width));
    ++h.counts[b];
  }
  return h;
}

DurationMs Histogram::from(std::size_t bin) const {
  const double width = static_cast<double>(max - min) / static_cast<double>(counts.size());
  return min + static_cast<DurationMs>(width * static_cast<double>(bin));
}

DurationMs Histogram::to(std::size_t bin) const { return bin + 1 == counts.size() ? max : from(bin + 1); }

std::string distributions_text(const std::vector<RunResult>& runs) { return distributions_text(RunsTable(runs)); }

std::string distributions_text(const RunsTable& runs) {
  const RunCounts c = count_runs(runs);
  std::string out = std::to_string(runs.size()) + " runs: " + std::to_string(c.passed) + " passed, " +
                    std::to_string(c.known) + " known failures, " + std::to_string(c.failed) + " failed\n";
  for (const auto& [name, n] : c.known_by_expectation) {
    out += "  known failure in " + std::to_string(n) + " runs: " + name + "\n";
  }
  out += "\n";
  out += pad("metric", 40) + "  runs      min   median      p90      p99      max\n";
  for (const Distribution& d : distributions(runs)) {
    auto col = [](DurationMs ms) {
      std::string s = format_time(ms);
      return std::string(s.size() < 9U ? 9U - s.size() : 0U, ' ') + s;
    };
    std::string n = std::to_string(d.samples);
    out += pad(d.metric, 40) + std::string(n.size() < 6 ? 6 - n.size() : 0, ' ') + n + col(d.min) +
           col(d.median) + col(d.p90) + col(d.p99) + col(d.max) + "\n";
  }
  return out;
}

nlohmann::ordered_json distributions_json(const std::vector<RunResult>& runs) { return distributions_json(RunsTable(runs)); }

nlohmann::ordered_json distributions_json(const RunsTable& runs) {
  nlohmann::ordered_json j;
  j["schema_version"] = kReportSchemaVersion;
  j["runs"] = runs.size();
  const RunCounts c = count_runs(runs);
  j["passed"] = c.passed;
  j["known_failures"] = c.known;
  j["failed"] = c.failed;
  j["known_failures_by_expectation"] = c.known_by_expectation;
  // Each expectation's failure rate over the runs: those that did not hold, known or not.
  j["expectations"] = nlohmann::ordered_json::object();
  if (!runs.empty()) {
    for (const RunsTable::Expectation& e : runs.expectations()) {
      const auto n = c.failed_by_expectation.count(e.name) ? c.failed_by_expectation.at(e.name) : 0;
      j["expectations"][e.name] = {{"failed", n},
                                   {"failure_rate", static_cast<double>(n) / static_cast<double>(runs.size())}};
    }
  }
  j["seeds"] = runs.seeds();
  j["metrics"] = nlohmann::ordered_json::object();
  for (const Distribution& d : distributions(runs)) {
    // Every seed's value, in the order of "seeds" (null where the run did not measure it), and
    // the histogram of those measured.
    nlohmann::ordered_json values = nlohmann::ordered_json::array();
    std::vector<DurationMs> measured;
    for (const DurationMs v : runs.metrics().at(d.metric)) {
      if (v == RunsTable::kNotMeasured) {
        values.push_back(nullptr);
      } else {
        values.push_back(v);
        measured.push_back(v);
      }
    }
    const Histogram h = histogram(measured);
    nlohmann::ordered_json bins = nlohmann::ordered_json::array();
    for (std::size_t b = 0; b < h.counts.size(); ++b) {
      bins.push_back({{"from", h.from(b)}, {"to", h.to(b)}, {"runs", h.counts[b]}});
    }
    j["metrics"][d.metric] = {{"runs", d.samples}, {"min", d.min},  {"median", d.median},
                              {"p90", d.p90},      {"p99", d.p99},  {"max", d.max},
                              {"values", values},  {"histogram", bins}};
  }
  return j;
}

}  // namespace clawsim
