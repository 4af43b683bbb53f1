// A plan, as `clawsim validate --static-only --json` reads it: parsed, linted, and its
// validation report written as JSON and SARIF (the fault sweep is the simulator's, not the
// parser's, and too slow for a fuzzer's run).
#include <cstddef>
#include <cstdint>

#include "model/lint.h"
#include "model/plan_yaml.h"
#include "model/validation_report.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace clawsim;
  const std::string file = "fuzz-plan.yaml";
  Result<Plan> plan = parse_plan(fuzz::as_text(data, size), file);
  if (!plan) {
    fuzz::check_error(plan.error(), file);
    return 0;
  }
  ValidationReport report;
  report.plan_name = plan.value().name;
  report.plan_file = file;
  report.plan_uri = file;
  report.plan_digest = "0000000000000000";
  report.findings = lint_plan(plan.value());
  fuzz::check_report(validation_json(report));
  fuzz::check_report(validation_sarif(report));
  (void)validation_text(report, true);
  return 0;
}
