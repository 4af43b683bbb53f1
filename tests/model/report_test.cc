// The --runs JSON: every seed's value, a histogram and each expectation's failure rate.
#include "model/report.h"

#include <gtest/gtest.h>

namespace clawsim {
namespace {

RunResult run(std::uint64_t seed, std::map<std::string, DurationMs> metrics, bool holds) {
  RunResult r;
  r.seed = seed;
  r.metrics = std::move(metrics);
  r.verdicts.push_back({"a leader within 30 s", holds, false, "", ""});
  return r;
}

TEST(RunsJson, EverySeedsValueAHistogramAndEachExpectationsFailureRate) {
  const std::vector<RunResult> runs = {run(7, {{"leader_elected_after_ms", 10'000}}, true),
                                       run(8, {}, false),
                                       run(9, {{"leader_elected_after_ms", 30'000}}, true),
                                       run(10, {{"leader_elected_after_ms", 11'000}}, false)};
  const nlohmann::ordered_json j = distributions_json(runs);
  EXPECT_EQ(j["seeds"], nlohmann::json::parse("[7, 8, 9, 10]"));
  const auto& m = j["metrics"]["leader_elected_after_ms"];
  EXPECT_EQ(m["values"], nlohmann::json::parse("[10000, null, 30000, 11000]")) << "in the order of the seeds";
  ASSERT_EQ(m["histogram"].size(), 20U);
  EXPECT_EQ(m["histogram"][0], nlohmann::ordered_json::parse(R"({"from": 10000, "to": 11000, "runs": 1})"));
  EXPECT_EQ(m["histogram"][1]["runs"], 1) << "11 s opens the second bin";
  EXPECT_EQ(m["histogram"][19], nlohmann::ordered_json::parse(R"({"from": 29000, "to": 30000, "runs": 1})"));
  EXPECT_EQ(j["expectations"]["a leader within 30 s"]["failed"], 2);
  EXPECT_DOUBLE_EQ(j["expectations"]["a leader within 30 s"]["failure_rate"].get<double>(), 0.5);
}

// The table --runs keeps: a metric first measured in a later run was not measured before it,
// one measured earlier and not later is not measured after; statuses and outcomes as the runs'.
TEST(RunsTable, KeepsEachRunsStatusesAndMeasuresInColumns) {
  RunResult known = run(3, {{"quorum_lost_for_ms", 5'000}}, false);
  known.verdicts[0].known_failure = true;
  RunsTable t({run(1, {}, true), run(2, {{"leader_elected_after_ms", 9'000}}, false), known});
  ASSERT_EQ(t.size(), 3U);
  EXPECT_EQ(t.metrics().at("leader_elected_after_ms"),
            (std::vector<DurationMs>{RunsTable::kNotMeasured, 9'000, RunsTable::kNotMeasured}));
  EXPECT_EQ(t.metrics().at("quorum_lost_for_ms"),
            (std::vector<DurationMs>{RunsTable::kNotMeasured, RunsTable::kNotMeasured, 5'000}));
  EXPECT_EQ(t.outcome(0), Outcome::kPass);
  EXPECT_EQ(t.outcome(1), Outcome::kFail);
  EXPECT_EQ(t.outcome(2), Outcome::kKnownFailure);
  EXPECT_TRUE(t.known_failure(2, 0));
  const RunCounts c = count_runs(t);
  EXPECT_EQ(c.passed + c.failed + c.known, 3U);
  EXPECT_EQ(c.known_by_expectation.at("a leader within 30 s"), 1U);
  EXPECT_EQ(c.failed_by_expectation.at("a leader within 30 s"), 2U);
}

TEST(RunsJson, OneValueIsOneBin) {
  const Histogram h = histogram({5'000, 5'000});
  ASSERT_EQ(h.counts.size(), 1U);
  EXPECT_EQ(h.counts[0], 2U);
  EXPECT_EQ(h.from(0), 5'000);
  EXPECT_EQ(h.to(0), 5'000);
}

}  // namespace
}  // namespace clawsim
