#include "report/junit.h"

#include <cstdio>

#include "report/markup.h"

namespace clawsim {

namespace {

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s);
  return buf;
}

}  // namespace

std::string junit_xml(const std::vector<JUnitSuite>& suites) {
  std::size_t tests = 0, failures = 0, skipped = 0;
  for (const JUnitSuite& s : suites) {
    for (const JUnitCase& c : s.cases) {
      ++tests;
      failures += c.failure ? 1U : 0U;
      skipped += c.skipped ? 1U : 0U;
    }
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"clawsim\" tests=\"" +
                    std::to_string(tests) + "\" failures=\"" + std::to_string(failures) + "\" skipped=\"" +
                    std::to_string(skipped) + "\">\n";
  for (const JUnitSuite& s : suites) {
    std::size_t f = 0, k = 0;
    double total = 0;
    for (const JUnitCase& c : s.cases) {
      f += c.failure ? 1U : 0U;
      k += c.skipped ? 1U : 0U;
      total += c.seconds;
    }
    out += "  <testsuite name=\"" + markup_escaped(s.name) + "\" tests=\"" + std::to_string(s.cases.size()) +
           "\" failures=\"" + std::to_string(f) + "\" errors=\"0\" skipped=\"" + std::to_string(k) +
           "\" time=\"" + seconds(total) + "\">\n";
    for (const JUnitCase& c : s.cases) {
      out += "    <testcase classname=\"" + markup_escaped(c.classname) + "\" name=\"" + markup_escaped(c.name) +
             "\" time=\"" + seconds(c.seconds) + "\"";
      if (!c.failure && !c.skipped && c.output.empty()) {
        out += "/>\n";
        continue;
      }
      out += ">\n";
      if (c.failure) out += "      <failure message=\"" + markup_escaped(*c.failure) + "\"/>\n";
      if (c.skipped) out += "      <skipped message=\"" + markup_escaped(*c.skipped) + "\"/>\n";
      if (!c.output.empty()) out += "      <system-out>" + markup_escaped(c.output) + "</system-out>\n";
      out += "    </testcase>\n";
    }
    out += "  </testsuite>\n";
  }
  return out + "</testsuites>\n";
}

JUnitSuite junit_suite(const RunResult& run) {
  JUnitSuite s{"scenario " + run.scenario + " (plan " + run.plan_name + ", seed " + std::to_string(run.seed) + ")", {}};
  for (const Verdict& v : run.verdicts) {
    JUnitCase c{run.scenario, v.name, 0, std::nullopt, std::nullopt, v.detail};
    if (!v.holds && v.known_failure) c.skipped = "known failure of this plan: " + v.why;
    if (!v.holds && !v.known_failure) c.failure = v.detail;
    s.cases.push_back(std::move(c));
  }
  return s;
}

JUnitSuite junit_suite(const RunsTable& runs) {
  JUnitSuite s{"scenario " + runs.scenario() + " (plan " + runs.plan_name() + ", seeds " +
                   std::to_string(runs.seeds().front()) + ".." + std::to_string(runs.seeds().back()) + ")",
               {}};
  for (std::size_t e = 0; e < runs.expectations().size(); ++e) {
    std::size_t failed = 0, known = 0;
    std::string seeds;
    for (std::size_t i = 0; i < runs.size(); ++i) {
      if (runs.holds(i, e)) continue;
      if (runs.known_failure(i, e)) {
        ++known;
      } else if (++failed <= 20) {
        seeds += " " + std::to_string(runs.seeds()[i]);
      }
    }
    const std::string of = " of " + std::to_string(runs.size()) + " runs";
    const RunsTable::Expectation& x = runs.expectations()[e];
    JUnitCase c{runs.scenario(), x.name, 0, std::nullopt, std::nullopt,
                "held in " + std::to_string(runs.size() - failed - known) + of};
    if (failed) c.failure = "failed in " + std::to_string(failed) + of + " (seeds" + seeds + (failed > 20 ? " ..." : "") + ")";
    if (!failed && known) c.skipped = "known failure of this plan in " + std::to_string(known) + of + ": " + x.why;
    s.cases.push_back(std::move(c));
  }
  return s;
}

JUnitSuite junit_suite(const std::string& plan_name, const std::vector<ObjectiveVerdict>& objectives) {
  JUnitSuite s{"validate " + plan_name, {}};
  for (const ObjectiveVerdict& v : objectives) {
    JUnitCase c{"objectives", v.name, 0, std::nullopt, std::nullopt,
                "judged on " + std::to_string(v.judged) + " fault outcomes"};
    if (!v.holds) c.failure = v.failures.empty() ? "does not hold" : v.failures.front();
    s.cases.push_back(std::move(c));
  }
  return s;
}

JUnitSuite junit_suite(const RunRecord& run) {
  JUnitSuite s{"game day " + run.gameday + " run #" + std::to_string(run.id) + " (" + run.mode + ")", {}};
  for (const DrillRecord& d : run.drills) {
    JUnitCase c{run.gameday, d.drill, 0, std::nullopt, std::nullopt, d.detail};
    if (d.verdict == "known_failure") c.skipped = "known failure of this plan: " + d.detail;
    if (d.verdict == "skipped") c.skipped = d.detail;
    if (d.verdict == "fail" || d.verdict == "aborted" || d.verdict == "refused") c.failure = d.verdict + ": " + d.detail;
    s.cases.push_back(std::move(c));
  }
  return s;
}

}  // namespace clawsim
