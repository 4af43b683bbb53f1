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

TEST(RunsJson, OneValueIsOneBin) {
  const Histogram h = histogram({5'000, 5'000});
  ASSERT_EQ(h.counts.size(), 1U);
  EXPECT_EQ(h.counts[0], 2U);
  EXPECT_EQ(h.from(0), 5'000);
  EXPECT_EQ(h.to(0), 5'000);
}

}  // namespace
}  // namespace clawsim
