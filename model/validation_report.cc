#include "model/validation_report.h"

#include <algorithm>
#include <cctype>

#include "model/report.h"
#include "model/runner.h"

namespace clawsim {

namespace {

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  else s += ' ';
  return s;
}

std::string location(const ValidationReport& r, const Finding& f) {
  std::string out = r.plan_file;
  if (f.line > 0) out += ":" + std::to_string(f.line);
  if (!f.field.empty()) out += " " + f.field;
  return out;
}

std::string plural(int n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

std::string findings_text(const ValidationReport& r) {
  int counts[3] = {0, 0, 0};
  int waived = 0;
  for (const Finding& f : r.findings) {
    if (f.waived) ++waived;
    else ++counts[static_cast<int>(f.severity)];
  }
  std::string out = "static analysis: " + plural(counts[0], "error") + ", " +
                    plural(counts[1], "warning") + ", " + plural(counts[2], "note") +
                    (waived ? ", " + std::to_string(waived) + " waived" : "") + "\n";
  const char* headings[3] = {"errors", "warnings", "notes"};
  for (int sev = 0; sev < 3; ++sev) {
    if (counts[sev] == 0) continue;
    out += "\n" + std::string(headings[sev]) + "\n";
    for (const Finding& f : r.findings) {
      if (f.waived || static_cast<int>(f.severity) != sev) continue;
      out += "  " + f.rule + "  " + location(r, f) + "\n    " + f.message + "\n";
      if (!f.fix.empty()) out += "    fix: " + f.fix + "\n";
    }
  }
  if (waived) {
    out += "\nwaived\n";
    for (const Finding& f : r.findings) {
      if (f.waived) out += "  " + f.rule + " (" + f.subject + "): " + f.waiver_reason + "\n";
    }
  }
  return out;
}

std::string outcome_effects(const FaultOutcome& o) {
  std::string out;
  for (const auto& [service, ms] : o.downtime_ms) {
    if (ms > 0) out += (out.empty() ? "" : ", ") + service + " " + format_time(ms);
  }
  if (!o.refused.empty()) out += std::string(out.empty() ? "" : "; ") + "refused: " + o.refused.front();
  return out.empty() ? "-" : out;
}

std::string fault_name(const FaultOutcome& o) {
  std::string name;
  for (const std::string& f : o.faults) name += (name.empty() ? "" : " + ") + f;
  return name;
}

// A name wider than its column gets a line of its own, the numbers under the column.
std::string outcome_row(const FaultOutcome& o, std::size_t width) {
  const std::string name = fault_name(o);
  const std::string quorum = o.quorum_lost ? "lost " + format_time(o.quorum_lost_for_ms) : "held";
  const std::string recovery = o.recovery_ms ? format_time(*o.recovery_ms) : "never";
  const std::string numbers = pad(quorum, 16) + pad(recovery, 11) + pad(std::to_string(o.seed), 6) + outcome_effects(o);
  if (name.size() + 1 > width) return "  " + name + "\n  " + std::string(width, ' ') + numbers + "\n";
  return "  " + pad(name, width) + numbers + "\n";
}

bool notable(const FaultOutcome& o) {
  if (o.quorum_lost || !o.recovery_ms) return true;
  return std::any_of(o.downtime_ms.begin(), o.downtime_ms.end(),
                     [](const auto& kv) { return kv.second > 0; });
}

std::string joined_counts(const std::vector<std::pair<std::string, int>>& counts) {
  std::string out;
  for (const auto& [what, n] : counts) {
    if (n > 0) out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + what;
  }
  return out;
}

// "4 crash, 3 demote, 2 pairs": the fault sets among `indices`, singles by kind.
std::string by_kind(const SweepResult& s, const std::vector<std::size_t>& indices) {
  std::vector<std::pair<std::string, int>> counts;
  for (const std::string& k : fault_kinds()) counts.emplace_back(k, 0);
  int pairs = 0;
  for (const std::size_t i : indices) {
    const FaultOutcome& o = s.outcomes[i];
    if (o.kinds.size() != 1) {
      ++pairs;
      continue;
    }
    for (auto& [kind, n] : counts) n += kind == o.kinds.front() ? 1 : 0;
  }
  counts.emplace_back(pairs == 1 ? "pair" : "pairs", pairs);
  return joined_counts(counts);
}

// Per outcome of the sweep: does it break one of the objectives?
std::vector<bool> breaking(const ValidationReport& r) {
  std::vector<bool> out(r.sweep.outcomes.size(), false);
  for (const ObjectiveVerdict& v : r.objectives) {
    for (const std::size_t i : v.broken_by) out[i] = true;
  }
  return out;
}

std::string summary_text(const ValidationReport& r) {
  const SweepResult& s = r.sweep;
  std::vector<std::size_t> all(s.outcomes.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  const std::vector<bool> breaks = breaking(r);
  const auto breaking = static_cast<int>(std::count(breaks.begin(), breaks.end(), true));
  const auto quorum = static_cast<int>(
      std::count_if(s.outcomes.begin(), s.outcomes.end(), [](const FaultOutcome& o) { return o.quorum_lost; }));
  std::string out = "summary: " + plural(static_cast<int>(all.size()), "fault set") + " (" + by_kind(s, all) +
                    "); " + std::to_string(breaking) + (breaking == 1 ? " breaks" : " break") +
                    " an objective, " + std::to_string(quorum) + (quorum == 1 ? " loses" : " lose") + " the quorum\n";
  for (const ObjectiveVerdict& v : r.objectives) {
    if (!v.broken_by.empty()) {
      out += "  '" + v.name + "' broken by " + std::to_string(v.broken_by.size()) + ": " + by_kind(s, v.broken_by) + "\n";
    } else if (!v.holds && !v.failures.empty()) {
      out += "  '" + v.name + "' fails without a fault: " + v.failures.front() + "\n";
    }
  }
  return out;
}

bool concerns(const ValidationReport& r, std::size_t i, const std::string& only) {
  for (const ObjectiveVerdict& v : r.objectives) {
    if (v.name == only) return std::find(v.broken_by.begin(), v.broken_by.end(), i) != v.broken_by.end();
  }
  const std::vector<std::string>& kinds = r.sweep.outcomes[i].kinds;
  return std::find(kinds.begin(), kinds.end(), only) != kinds.end();
}

std::string sweep_text(const ValidationReport& r, const SweepView& view) {
  const SweepResult& s = r.sweep;
  int singles = 0;
  for (const FaultOutcome& o : s.outcomes) singles += o.faults.size() == 1 ? 1 : 0;
  const int pairs = static_cast<int>(s.outcomes.size()) - singles;
  std::string seeds = s.seeds.empty() ? "-" : std::to_string(s.seeds.front());
  if (s.seeds.size() > 1) seeds += ".." + std::to_string(s.seeds.back());
  std::string out = "\nfault sweep: " + plural(singles, "single fault") +
                    (s.depth >= 2 ? ", " + plural(pairs, "pair") : "") + ", seeds " + seeds +
                    "; each fault held " + format_time(s.hold_ms) + ", then undone and watched " +
                    format_time(s.horizon_ms) + " (worst seed shown)\n";
  for (const std::string& note : s.notes) out += note + "\n";
  std::vector<std::string> down_before;
  for (const FaultOutcome& o : s.outcomes) {
    for (const std::string& d : o.down_before) {
      if (std::find(down_before.begin(), down_before.end(), d) == down_before.end()) {
        down_before.push_back(d);
      }
    }
  }
  if (!down_before.empty()) {
    std::string list;
    for (const std::string& d : down_before) list += (list.empty() ? "" : ", ") + d;
    out += "down before any fault: " + list + " (not counted as downtime)\n";
  }
  out += summary_text(r);
  const SweepRows shown = sweep_rows(r, view);
  const std::vector<std::size_t>& rows = shown.rows;
  const std::size_t candidates = shown.candidates;
  const int hidden = shown.hidden;
  const std::size_t top = shown.ranked ? rows.size() : 0;
  std::size_t width = 24;
  for (const std::size_t i : rows) width = std::max(width, fault_name(s.outcomes[i]).size() + 2);
  width = std::min<std::size_t>(width, 64);
  out += "\n  " + pad(top > 0 ? "fault (worst first)" : "fault", width) + pad("quorum", 16) + pad("recovery", 11) +
         pad("seed", 6) + "downtime\n";
  for (const std::size_t i : rows) out += outcome_row(s.outcomes[i], width);
  if (rows.empty()) out += "  (none" + (view.only.empty() ? std::string() : " concerns '" + view.only + "'") + ")\n";
  if (rows.size() < candidates) {
    out += "  (the " + std::to_string(rows.size()) + " worst of " + std::to_string(candidates) + " rows; --top N " +
           (view.top > 0 ? "shows more" : "chooses how many") + ")\n";
  }
  if (hidden > 0) {
    out += "  (" + plural(hidden, "pair") + " without downtime or quorum loss not shown; "
           "--verbose shows them)\n";
  }
  return out;
}

std::string objectives_text(const ValidationReport& r) {
  std::string out = "\nobjectives\n";
  for (const ObjectiveVerdict& v : r.objectives) {
    out += std::string("  ") + (v.holds ? "PASS  " : "FAIL  ") + v.name +
           (v.implicit ? " (default: the plan declares no objectives)" : "") + "\n";
    out += "        judged on " + plural(v.judged, "fault outcome") +
           (v.excepted ? ", " + std::to_string(v.excepted) + " excepted" : "") + "\n";
    const std::size_t shown = std::min<std::size_t>(v.failures.size(), 8);
    for (std::size_t i = 0; i < shown; ++i) out += "        " + v.failures[i] + "\n";
    if (v.failures.size() > shown) {
      out += "        ... and " + std::to_string(v.failures.size() - shown) + " more\n";
    }
  }
  return out;
}

const char* sarif_level(Severity s) {
  switch (s) {
    case Severity::kError: return "error";
    case Severity::kWarning: return "warning";
    case Severity::kNote: return "note";
  }
  return "none";
}

// A relative URI reference (RFC 3986) for a path: unreserved characters and '/' as they are,
// every other byte percent-encoded.
std::string uri_of(const std::string& path) {
  std::string out;
  for (const char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
      out += ch;
    } else {
      static const char* const kHex = "0123456789ABCDEF";
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

nlohmann::ordered_json sarif_location(const ValidationReport& r, int line) {
  nlohmann::ordered_json physical = {
      {"artifactLocation", {{"uri", uri_of(r.plan_uri.empty() ? r.plan_file : r.plan_uri)}}}};
  if (line > 0) physical["region"] = {{"startLine", line}};
  return nlohmann::ordered_json::array({{{"physicalLocation", physical}}});
}

}  // namespace

SweepRows sweep_rows(const ValidationReport& r, const SweepView& view) {
  // Every single fault and each pair with an effect (every pair with --verbose), narrowed by
  // --only (an objective: the fault sets that break it, pairs with no effect too).
  const SweepResult& s = r.sweep;
  const std::vector<bool> breaks = breaking(r);
  SweepRows out;
  for (std::size_t i = 0; i < s.outcomes.size(); ++i) {
    const FaultOutcome& o = s.outcomes[i];
    if (!view.only.empty() && !concerns(r, i, view.only)) continue;
    if (o.faults.size() > 1 && !view.verbose && !notable(o) && !breaks[i]) {
      ++out.hidden;
      continue;
    }
    out.rows.push_back(i);
  }
  out.candidates = out.rows.size();
  const std::size_t top = view.top > 0 ? static_cast<std::size_t>(view.top)
                                       : (out.rows.size() > kRowsShownWhole ? static_cast<std::size_t>(kDefaultTop) : 0);
  if (top > 0) {  // the worst first; among equals, the sweep's order
    out.ranked = true;
    std::stable_sort(out.rows.begin(), out.rows.end(),
                     [&](std::size_t a, std::size_t b) { return worse_outcome(s.outcomes[a], s.outcomes[b]); });
    if (out.rows.size() > top) out.rows.resize(top);
  }
  return out;
}

int ValidationReport::static_errors() const {
  return static_cast<int>(std::count_if(findings.begin(), findings.end(), [](const Finding& f) {
    return !f.waived && f.severity == Severity::kError;
  }));
}

int ValidationReport::failed_objectives() const {
  return static_cast<int>(std::count_if(objectives.begin(), objectives.end(),
                                        [](const ObjectiveVerdict& v) { return !v.holds; }));
}

std::string validation_text(const ValidationReport& r, bool verbose) {
  SweepView view;
  view.verbose = verbose;
  return validation_text(r, view);
}

std::string sweep_only_problem(const std::string& only, const std::vector<std::string>& objectives) {
  const std::vector<std::string>& kinds = fault_kinds();
  if (std::find(kinds.begin(), kinds.end(), only) != kinds.end()) return "";
  if (std::find(objectives.begin(), objectives.end(), only) != objectives.end()) return "";
  std::string known;
  for (const std::string& k : kinds) known += (known.empty() ? "" : ", ") + k;
  for (const std::string& o : objectives) known += ", '" + o + "'";
  return "--only '" + only + "' is neither a fault kind nor an objective of the plan (one of: " + known + ")";
}

std::string validation_text(const ValidationReport& r, const SweepView& view) {
  std::string out = "plan " + r.plan_name + " (" + r.plan_file + ", digest " + r.plan_digest +
                    ")\n\n" + findings_text(r);
  if (r.swept) out += sweep_text(r, view) + objectives_text(r);
  out += "\nverdict: ";
  if (r.pass()) {
    out += "PASS (no errors";
    out += r.swept ? ", every objective holds)\n" : "; faults not swept)\n";
  } else {
    out += "FAIL (" + plural(r.static_errors(), "error") +
           (r.swept ? ", " + plural(r.failed_objectives(), "failed objective") : "") + ")\n";
  }
  return out;
}

nlohmann::ordered_json validation_json(const ValidationReport& r) {
  nlohmann::ordered_json j;
  j["schema_version"] = kReportSchemaVersion;
  j["plan"] = {{"name", r.plan_name}, {"file", r.plan_file}, {"digest", r.plan_digest}};
  j["verdict"] = r.pass() ? "pass" : "fail";
  j["findings"] = nlohmann::ordered_json::array();
  for (const Finding& f : r.findings) {
    j["findings"].push_back({{"rule", f.rule}, {"severity", to_string(f.severity)},
                             {"subject", f.subject}, {"message", f.message}, {"fix", f.fix},
                             {"line", f.line}, {"field", f.field}, {"waived", f.waived},
                             {"waiver_reason", f.waiver_reason}});
  }
  if (!r.swept) return j;
  nlohmann::ordered_json sweep = {{"depth", r.sweep.depth}, {"seeds", r.sweep.seeds},
                                  {"fault_at_ms", r.sweep.fault_at_ms},
                                  {"hold_ms", r.sweep.hold_ms}, {"horizon_ms", r.sweep.horizon_ms},
                                  {"notes", r.sweep.notes}};
  sweep["outcomes"] = nlohmann::ordered_json::array();
  for (const FaultOutcome& o : r.sweep.outcomes) {
    nlohmann::ordered_json downtime = nlohmann::ordered_json::object();
    for (const auto& [service, ms] : o.downtime_ms) downtime[service] = ms;
    sweep["outcomes"].push_back(
        {{"faults", o.faults}, {"involves", o.involves}, {"refused", o.refused},
         {"quorum_lost", o.quorum_lost}, {"quorum_lost_for_ms", o.quorum_lost_for_ms},
         {"downtime_ms", downtime}, {"down_before", o.down_before},
         {"recovery_ms", o.recovery_ms ? nlohmann::ordered_json(*o.recovery_ms) : nullptr},
         {"seed", o.seed}});
  }
  j["sweep"] = sweep;
  j["objectives"] = nlohmann::ordered_json::array();
  for (const ObjectiveVerdict& v : r.objectives) {
    j["objectives"].push_back({{"name", v.name}, {"implicit", v.implicit}, {"holds", v.holds},
                               {"judged", v.judged}, {"excepted", v.excepted},
                               {"failures", v.failures}, {"line", v.line}});
  }
  return j;
}

nlohmann::ordered_json validation_sarif(const ValidationReport& r) {
  nlohmann::ordered_json rules = nlohmann::ordered_json::array();
  for (const LintRule& rule : lint_rules()) {
    rules.push_back({{"id", rule.id},
                     {"shortDescription", {{"text", rule.explanation}}},
                     {"defaultConfiguration", {{"level", sarif_level(rule.severity)}}},
                     {"properties", {{"family", rule.family}}}});
  }
  rules.push_back({{"id", "objective.failed"},
                   {"shortDescription", {{"text", "an objective of the plan fails under a fault"}}},
                   {"defaultConfiguration", {{"level", "error"}}},
                   {"properties", {{"family", "objective"}}}});
  auto rule_index = [&](const std::string& id) -> int {
    for (std::size_t i = 0; i < rules.size(); ++i) {
      if (rules[i]["id"] == id) return static_cast<int>(i);
    }
    return -1;
  };
  nlohmann::ordered_json results = nlohmann::ordered_json::array();
  for (const Finding& f : r.findings) {
    nlohmann::ordered_json res = {{"ruleId", f.rule}};
    if (const int i = rule_index(f.rule); i >= 0) res["ruleIndex"] = i;
    res["level"] = sarif_level(f.severity);
    res["message"] = {{"text", f.message + (f.fix.empty() ? "" : " Fix: " + f.fix)}};
    res["locations"] = sarif_location(r, f.line);
    if (f.waived) {
      res["suppressions"] = {{{"kind", "inSource"}, {"justification", f.waiver_reason}}};
    }
    results.push_back(res);
  }
  for (const ObjectiveVerdict& v : r.objectives) {
    if (v.holds) continue;
    std::string text = "objective '" + v.name + "' fails: ";
    for (std::size_t i = 0; i < v.failures.size() && i < 5; ++i) {
      text += (i ? "; " : "") + v.failures[i];
    }
    results.push_back({{"ruleId", "objective.failed"},
                       {"ruleIndex", rule_index("objective.failed")},
                       {"level", "error"},
                       {"message", {{"text", text}}},
                       {"locations", sarif_location(r, v.line)}});
  }
  nlohmann::ordered_json run = {
      {"tool", {{"driver", {{"name", "clawsim"}, {"version", "0.1.0"}, {"rules", rules}}}}},
      {"results", results}};
  return {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
          {"version", "2.1.0"},
          {"runs", nlohmann::ordered_json::array({run})}};
}

std::string lint_rules_text() {
  std::string out;
  for (const LintRule& rule : lint_rules()) {
    out += pad(std::string(rule.id), 38) + pad(to_string(rule.severity), 9) +
           std::string(rule.explanation) + "\n";
  }
  return out;
}

}  // namespace clawsim
