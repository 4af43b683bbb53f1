// Every built-in scenario's expectations hold (or fail as declared, with their reason) on the
// default plan, for many seeds; reports are byte-identical for one seed.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "model/digest.h"
#include "model/plan_yaml.h"
#include "model/report.h"
#include "model/runner.h"
#include "scenarios/embedded.h"
#include "sim/sim_driver.h"

namespace clawsim {
namespace {

std::shared_ptr<const Plan> default_plan() {
  return std::make_shared<const Plan>(parse_plan(default_plan_text(), "default-plan.yaml").value());
}

// Who the plan is: known failures are declared on the built-in plans by name.
PlanIdentity identity(const Plan& plan) {
  for (const EmbeddedFile& f : builtin_plans()) {
    if (parse_plan(f.text, "x").value().name == plan.name) {
      return PlanIdentity(plan.name, text_digest(f.text), builtin_plans_with_digest(text_digest(f.text)));
    }
  }
  return PlanIdentity(plan.name);
}

// The runbook's cluster with only its firewall corrected (scenarios/plans/).
std::shared_ptr<const Plan> corrected_plan() {
  const std::string path = std::string(CLAWSIM_SOURCE_DIR) + "/scenarios/plans/corrected-firewall.yaml";
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), builtin_plan("corrected-firewall")) << "the built-in plan is this file";
  Result<Plan> p = parse_plan(text.str(), path);
  EXPECT_TRUE(p.ok()) << p.error().to_string();
  return std::make_shared<const Plan>(std::move(p).value());
}

RunResult run(const Scenario& s, const std::shared_ptr<const Plan>& plan, std::uint64_t seed) {
  SimDriver driver(plan, seed);
  RunResult r = run_scenario(s, driver, identity(*plan));
  r.seed = seed;
  return r;
}

class BuiltIn : public ::testing::TestWithParam<std::string> {};

// Every seed: no invariant breaks, and every expectation holds or fails as declared.
void expect_holds_for_seeds(const std::string& name, const std::shared_ptr<const Plan>& plan) {
  const Scenario s = parse_scenario(builtin_scenario(name), name, *plan).value();
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    const RunResult r = run(s, plan, seed);
    for (const Change& c : r.timeline) {
      ASSERT_NE(c.kind, Aspect::kInvariant) << "seed " << seed << ": " << c.subject << " " << c.detail;
    }
    if (r.outcome() != Outcome::kFail) continue;
    for (const Verdict& v : r.verdicts) {
      EXPECT_TRUE(v.holds || v.known_failure) << "seed " << seed << ": " << v.name << ": " << v.detail;
    }
    FAIL() << "scenario " << name << " fails on plan " << plan->name << " with seed " << seed;
  }
}

TEST_P(BuiltIn, HoldsOnTheDefaultPlanForManySeeds) { expect_holds_for_seeds(GetParam(), default_plan()); }

TEST_P(BuiltIn, HoldsOnTheCorrectedPlanForManySeeds) {
  expect_holds_for_seeds(GetParam(), corrected_plan());
}

TEST_P(BuiltIn, SameSeedSameBytes) {
  const auto plan = default_plan();
  const Scenario s = parse_scenario(builtin_scenario(GetParam()), GetParam(), *plan).value();
  const std::string a = report_json(run(s, plan, 77)).dump();
  const std::string b = report_json(run(s, plan, 77)).dump();
  EXPECT_EQ(a, b);
  EXPECT_NE(a, report_json(run(s, plan, 78)).dump()) << "the seed matters";
}

std::vector<std::string> names() {
  std::vector<std::string> out;
  for (const EmbeddedFile& f : builtin_scenarios()) out.emplace_back(f.name);
  return out;
}

INSTANTIATE_TEST_SUITE_P(Scenarios, BuiltIn, ::testing::ValuesIn(names()),
                         [](const auto& param_info) {
                           std::string n = param_info.param;
                           for (char& c : n) c = c == '-' ? '_' : c;
                           return n;
                         });

TEST(Report, JsonHasTheVersionedFields) {
  const auto plan = default_plan();
  const Scenario s = parse_scenario(builtin_scenario("quorum-loss"), "q", *plan).value();
  const auto j = report_json(run(s, plan, 5));
  for (const char* key : {"schema_version", "scenario", "seed", "plan", "verdict", "expectations",
                          "timeline", "metrics", "fingerprint"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["schema_version"], kReportSchemaVersion);
  EXPECT_EQ(j["verdict"], "pass");
  EXPECT_TRUE(j["metrics"].contains("quorum_lost_after_ms"));
  EXPECT_TRUE(j["metrics"].contains("downtime_ms.openclaw"));
}

TEST(Report, Distributions) {
  RunResult a, b, c;
  a.metrics["x"] = 10;
  b.metrics["x"] = 30;
  c.metrics["x"] = 20;
  c.metrics["y"] = 5;
  const auto d = distributions({a, b, c});
  ASSERT_EQ(d.size(), 2U);
  EXPECT_EQ(d[0].metric, "x");
  EXPECT_EQ(d[0].min, 10);
  EXPECT_EQ(d[0].median, 20);
  EXPECT_EQ(d[0].max, 30);
  EXPECT_EQ(d[1].samples, 1U);
}

}  // namespace
}  // namespace clawsim
