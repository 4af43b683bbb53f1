// What the command line shares: reading input files, writing reports, loading a plan, and the
// usage error that ends a command with exit code 2.
#pragma once

#include <functional>
#include <memory>
#include <streambuf>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "model/plan.h"
#include "model/runner.h"
#include "model/scenario.h"

namespace clawsim::cli {

inline constexpr int kExitPass = 0;
inline constexpr int kExitFail = 1;
inline constexpr int kExitUsage = 2;
// Every expectation that failed is a known failure of this plan (XFAIL): the cluster is still
// broken as known, nothing new broke. Not a pass.
inline constexpr int kExitKnownFailure = 3;
// A bug in clawsim (an exception nobody expected): sysexits' EX_SOFTWARE.
inline constexpr int kExitInternal = 70;

// While it lives, each line written to standard output goes through `transform` as its newline
// comes (a last line without one, at the end); what `transform` returns is written instead, ""
// drops the line. For --quiet and for colour.
class StdoutLines {
 public:
  explicit StdoutLines(std::function<std::string(const std::string& line)> transform);
  ~StdoutLines();
  StdoutLines(const StdoutLines&) = delete;
  StdoutLines& operator=(const StdoutLines&) = delete;

 private:
  class Filter;
  std::unique_ptr<Filter> filter_;
  std::streambuf* saved_;
};

// What --quiet keeps: "verdict ...", "N runs: ...", "game day NAME: ...".
bool is_verdict_line(const std::string& line);

// The verdict words of a line in colour (ANSI): PASS and XPASS green, FAIL, OUTSIDE and
// REFUSED red, XFAIL and KNOWN FAILURE yellow; whole words only.
std::string coloured(const std::string& line);
// Standard output is a terminal and NO_COLOR is unset or empty (https://no-color.org).
bool colour_wanted();

// Bad input or usage: printed as "clawsim: MESSAGE", exit code 2.
struct UsageError {
  std::string message;
};

std::string read_file(const std::string& path);
// A report as JSON text (indented, one trailing newline); bytes that are not UTF-8 are replaced.
std::string json_text(const nlohmann::ordered_json& j);
// Creates the directory (and its parents) for --report; a usage error when it cannot.
void make_directory(const std::string& path);
// Writes `text` to `path`, or to standard output for "-".
void write_output(const std::string& path, const std::string& text);
// FNV-1a of the text, as 16 hex digits.
std::string digest(std::string_view text);
// The wall clock now, as 2026-12-02T15:47:03Z.
std::string utc_now();
// This machine's host name ("" when it has none).
std::string this_host();

struct LoadedPlan {
  std::shared_ptr<const Plan> plan;
  std::string file;    // as named in messages and reports
  std::string digest;  // of its text
  std::vector<std::string> builtin;  // the built-in plans it is a copy of
  std::string text;
  PlanIdentity identity() const { return PlanIdentity(plan->name, digest, builtin); }
};

// The plan in `path`, or the embedded default plan when `path` is empty.
LoadedPlan load_plan(const std::string& path);
// A built-in plan by name (`clawsim plan NAME` prints them).
LoadedPlan load_builtin_plan(const std::string& name);
LoadedPlan plan_from_text(const std::string& text, const std::string& file);

// A built-in scenario by name, or a scenario file (a path, or a name ending in .yaml/.json).
// Its known failures must name built-in plans or digests.
Scenario load_scenario(const std::string& ref, const Plan& plan);
// The text of that scenario and the file it comes from, as load_scenario reads them.
struct ScenarioSource {
  std::string text, file;
};
ScenarioSource scenario_source(const std::string& ref);
// A scenario from its text, checked as load_scenario checks it.
Scenario scenario_from_text(const ScenarioSource& source, const Plan& plan);

}  // namespace clawsim::cli
