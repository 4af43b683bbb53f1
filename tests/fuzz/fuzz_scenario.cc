// A scenario, as `clawsim scenario FILE --json -` reads it: parsed against the default plan
// and, when it is short enough to keep the fuzzer fast, run in the simulator and reported as
// JSON, the run's timeline echoing the scenario's names and texts.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "model/report.h"
#include "model/runner.h"
#include "model/scenario.h"
#include "sim/sim_driver.h"
#include "tests/fuzz/default_plan.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

// Longer scenarios are parsed but not run: a fuzzer's input must take milliseconds.
constexpr clawsim::DurationMs kRunAtMostMs = 10 * clawsim::kMinuteMs;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace clawsim;
  const std::string file = "fuzz-scenario.yaml";
  const Plan& plan = fuzz::default_plan();
  Result<Scenario> parsed = parse_scenario(fuzz::as_text(data, size), file, plan);
  if (!parsed) {
    fuzz::check_error(parsed.error(), file);
    return 0;
  }
  const Scenario& scenario = parsed.value();
  for (const Action& a : scenario.timeline) (void)a.describe();
  if (scenario.duration_ms > kRunAtMostMs) return 0;
  auto effective = std::make_shared<const Plan>(plan_for(plan, scenario));
  SimDriver driver(effective, 1);
  RunResult run = run_scenario(scenario, driver, PlanIdentity(plan.name, "0000000000000000", {}));
  fuzz::check_report(report_json(run));
  (void)report_text(run, scenario, true);
  return 0;
}
