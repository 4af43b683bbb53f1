// The recording's format and the comparison of trials with the model's runs.
#include <gtest/gtest.h>

#include "fidelity/compare.h"
#include "fidelity/fit.h"
#include "fidelity/recording.h"

namespace clawsim {
namespace {

RunResult run_with(std::map<std::string, DurationMs> metrics, std::map<std::string, MetricBounds> bounds = {}) {
  RunResult r;
  r.scenario = "leader-partition-live";
  r.plan_name = "testbed";
  r.duration_ms = 100'000;
  r.metrics = std::move(metrics);
  r.bounds = std::move(bounds);
  return r;
}

TEST(Fidelity, KolmogorovSmirnovStatistic) {
  EXPECT_DOUBLE_EQ(ks_statistic({1, 2, 3}, {1, 2, 3}), 0.0);
  EXPECT_DOUBLE_EQ(ks_statistic({1, 2}, {3, 4}), 1.0) << "disjoint samples";
  // F_a jumps to 1/2 at 1 and 1 at 3; F_b to 1/4 at 2, 1/2 at 4, 1 at 5 and 6: largest gap 3/4 at 3.
  EXPECT_DOUBLE_EQ(ks_statistic({1, 3}, {2, 4, 5, 6}), 0.75);
  EXPECT_DOUBLE_EQ(ks_statistic({}, {1}), 0.0);
}

TEST(Fidelity, NearestRankPercentiles) {
  const std::vector<DurationMs> v = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
  EXPECT_EQ(percentile(v, 5), 10);
  EXPECT_EQ(percentile(v, 50), 50);
  EXPECT_EQ(percentile(v, 95), 100);
  EXPECT_EQ(percentile({}, 50), 0);
}

// Each observation is judged against the runs of its own trial (the clusters the trials met
// differ: another leader, another window); the model's figures pool every trial's runs.
TEST(Fidelity, EachTrialAgainstItsOwnWindow) {
  std::vector<RunResult> first, second;
  for (DurationMs v = 0; v <= 20'000; v += 1'000) first.push_back(run_with({{"leaderless_ms", v}}));
  for (DurationMs v = 40'000; v <= 60'000; v += 1'000) second.push_back(run_with({{"leaderless_ms", v}}));
  const std::vector<RunResult> observed = {
      run_with({{"leaderless_ms", 45'000}}, {{"leaderless_ms", {44'000, 46'000}}}),  // first's window: outside
      run_with({{"leaderless_ms", 45'000}}, {{"leaderless_ms", {44'000, 46'000}}}),  // second's: inside
  };
  const std::vector<MeasureFidelity> f = compare_trials(observed, {first, second}, {3, 4});
  ASSERT_EQ(f.size(), 1U);
  EXPECT_EQ(f[0].metric, "leaderless_ms");
  EXPECT_EQ(f[0].model_runs, 42U);
  EXPECT_EQ(f[0].min, 0);
  EXPECT_EQ(f[0].max, 60'000);
  ASSERT_EQ(f[0].observed.size(), 2U);
  EXPECT_EQ(f[0].observed[0].trial, 3);
  EXPECT_FALSE(f[0].observed[0].in_window);
  EXPECT_EQ(f[0].observed[0].window_max, 20'000);
  EXPECT_TRUE(f[0].observed[1].in_window);
  EXPECT_EQ(f[0].in_window, 1);
  EXPECT_EQ(f[0].observed[1].band_low, 41'000) << "the 5th percentile of 21 runs is the 2nd";
  EXPECT_EQ(f[0].observed[1].band_high, 59'000) << "and the 95th the 20th";
}

TEST(Fidelity, AnIntervalThatMeetsTheWindowIsInside) {
  std::vector<RunResult> model;
  for (DurationMs v = 8'000; v <= 27'000; v += 1'000) model.push_back(run_with({{"leader_elected_after_ms", v}}));
  const std::vector<RunResult> observed = {
      run_with({{"leader_elected_after_ms", 29'000}}, {{"leader_elected_after_ms", {26'000, 29'000}}}),
      run_with({{"leader_elected_after_ms", 29'000}}),
  };
  const auto f = compare_trials(observed, {model, model}, {1, 2});
  EXPECT_TRUE(f[0].observed[0].in_window) << "the change may have come at 26 s";
  EXPECT_FALSE(f[0].observed[1].in_window) << "an exact 29 s lies after the window";
}

// A leader demoted whose hand-over failed: no new leader was seen, while every run of the model
// elected one. The trial's absence is an observation outside; a metric only some runs measure
// (a rare election) may be absent.
TEST(Fidelity, WhatEveryRunMeasuredAndTheTrialDidNotLiesOutside) {
  std::vector<RunResult> always, sometimes;
  for (DurationMs v = 1; v <= 10; ++v) always.push_back(run_with({{"leader_elected_after_ms", v}, {"leaderless_ms", 0}}));
  sometimes = always;
  sometimes[3].metrics.erase("leader_elected_after_ms");
  const std::vector<RunResult> observed = {run_with({{"leaderless_ms", 0}}), run_with({{"leaderless_ms", 0}})};
  const auto f = compare_trials(observed, {always, sometimes}, {8, 9});
  ASSERT_EQ(f.size(), 2U);
  ASSERT_EQ(f[0].metric, "leader_elected_after_ms");
  ASSERT_EQ(f[0].observed.size(), 1U) << "trial 9's runs did not all measure it";
  EXPECT_EQ(f[0].observed[0].trial, 8);
  EXPECT_FALSE(f[0].observed[0].measured);
  EXPECT_FALSE(f[0].observed[0].in_window);
  EXPECT_EQ(f[0].observed[0].window_max, 10);
  EXPECT_EQ(f[0].in_window, 0);
  EXPECT_EQ(f[1].in_window, 2);
}

TEST(Fidelity, ATrialSurvivesItsLine) {
  Trial t;
  t.trial = 7;
  t.started_at = "2026-12-03T03:20:00Z";
  t.clawsim_version = "0.9.0";
  t.docker_version = "20.10.24";
  t.plan_file = "testbed-plan.yaml";
  t.plan_text = "name: testbed\n";
  t.plan_digest = "0123456789abcdef";
  t.scenario_file = "leader-partition.yaml";
  t.scenario_text = "name: x\n";
  t.before.leader = "chicago";
  t.before.quorum = true;
  t.before.nodes.push_back({"chicago", "ready", "active", "Leader", "manager", true, true, {{"openclaw.trusted", "true"}}, "abc"});
  t.before.services.push_back({"captain-captain", true, "", {"node.hostname == atlanta"}, 1, -1});
  t.before.tasks.push_back({"captain-captain", 1, "atlanta", "running", "running", "", true});
  t.firewalls.push_back({"atlanta", true, true, {"ufw default deny incoming"}});
  t.verdict = "fail";
  t.restored = true;
  t.observed = run_with({{"leaderless_ms", 49'407}}, {{"leaderless_ms", {40'100, 50'200}}});
  t.observed.timeline.push_back({53'617, Aspect::kLeader, "cluster", "none", 3'100});
  const Result<Trial> back = trial_from_json(trial_json(t), "r.jsonl", 1);
  ASSERT_TRUE(back) << back.error().to_string();
  const Trial& b = back.value();
  EXPECT_EQ(b.trial, 7);
  EXPECT_EQ(b.docker_version, "20.10.24");
  EXPECT_EQ(b.plan_text, t.plan_text);
  EXPECT_EQ(b.before.leader, "chicago");
  EXPECT_EQ(b.before.nodes[0].labels.at("openclaw.trusted"), "true");
  EXPECT_EQ(b.before.services[0].constraints[0], "node.hostname == atlanta");
  EXPECT_TRUE(b.before.tasks[0].container_running);
  EXPECT_EQ(b.firewalls[0].commands[0], "ufw default deny incoming");
  EXPECT_EQ(b.observed.metrics.at("leaderless_ms"), 49'407);
  EXPECT_EQ(b.observed.bounds.at("leaderless_ms").low, 40'100);
  EXPECT_EQ(b.observed.timeline[0].uncertain_ms, 3'100);
  EXPECT_EQ(trial_json(b).dump(), trial_json(t).dump());
}

TEST(Fidelity, BadLinesNameTheirLineAndField) {
  auto error = [](std::string_view text) {
    const Result<std::vector<Trial>> r = read_recording(text, "r.jsonl");
    return r ? std::string("ok") : r.error().to_string();
  };
  EXPECT_EQ(error(""), "r.jsonl: no trial recorded");
  EXPECT_EQ(error("\n{not json\n"), "r.jsonl:2: not JSON");
  EXPECT_EQ(error("{\"recording_version\": 9}"), "r.jsonl:1: recording_version: version 9; this clawsim reads version 1");
  const std::string partial = R"({"recording_version": 1, "trial": 1, "started_at": "t"})";
  EXPECT_NE(error(partial).find("r.jsonl:1: clawsim_version: "), std::string::npos) << error(partial);
}


// --fit's score: fewer observations outside the windows first, then outside the bands, then
// the closer distributions.
TEST(Fidelity, FitPrefersFewerOutsideThenInsideTheBandThenCloser) {
  auto measures = [](std::vector<std::pair<bool, bool>> inside, double ks) {
    MeasureFidelity f;
    f.metric = "leader_elected_after_ms";
    for (auto [window, band] : inside) {
      Observation o;
      o.trial = 1;
      o.in_window = window;
      o.in_band = band;
      f.observed.push_back(o);
    }
    f.ks = ks;
    return std::vector<std::vector<MeasureFidelity>>{{f}};
  };
  const FitScore one_out = fit_score(measures({{false, false}, {true, true}}, 0.1));
  const FitScore all_in = fit_score(measures({{true, false}, {true, false}}, 0.9));
  const FitScore in_band = fit_score(measures({{true, true}, {true, false}}, 0.9));
  const FitScore closer = fit_score(measures({{true, true}, {true, false}}, 0.2));
  EXPECT_EQ(one_out.outside, 1);
  EXPECT_EQ(all_in.out_of_band, 2);
  EXPECT_TRUE(fit_better(all_in, one_out));
  EXPECT_TRUE(fit_better(in_band, all_in));
  EXPECT_TRUE(fit_better(closer, in_band));
  EXPECT_FALSE(fit_better(closer, closer));
  EXPECT_EQ(outside_observations({"leader-partition"}, measures({{false, false}}, 0)),
            std::vector<std::string>{"leader-partition leader_elected_after_ms trial 1 (0.000s)"});
}

// Each parameter --fit tries is read and written where a plan says it, in the plan's words.
TEST(Fidelity, FitKnobsSetWhatTheyName) {
  Plan plan;
  for (const Knob& k : fit_knobs()) {
    ASSERT_FALSE(k.values.empty()) << k.name();
    Plan changed = plan;
    const DurationMs v = k.values.back() == k.get(plan) ? k.values.front() : k.values.back();
    k.set(changed, v);
    EXPECT_EQ(k.get(changed), v) << k.name();
    EXPECT_NE(k.get(plan), v) << k.name();
  }
  const Knob& election = fit_knobs().front();
  EXPECT_EQ(election.name(), "raft.election_tick");
  EXPECT_EQ(election.text(10), "10");
  EXPECT_EQ(fit_knobs()[3].text(7'000), "7s");
  EXPECT_EQ(fit_knobs()[7].text(250), "250ms");
  plan.raft.election_tick = 1;
  EXPECT_FALSE(fit_plan_valid(plan)) << "heartbeat_tick must stay below election_tick";
}

}  // namespace
}  // namespace clawsim
