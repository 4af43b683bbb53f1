#include <gtest/gtest.h>

#include "shard/shard.h"
#include "shard/sweep_shard.h"

namespace clawsim {
namespace {

TEST(Shard, ParsesKOfN) {
  const Result<Shard> s = parse_shard("2/8");
  ASSERT_TRUE(s);
  EXPECT_EQ(s.value().index, 2);
  EXPECT_EQ(s.value().count, 8);
  for (const char* bad : {"", "3", "0/2", "3/2", "1/0", "a/2", "1/2x", "-1/2", "1/"}) {
    const Result<Shard> r = parse_shard(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().field, "--shard") << bad;
  }
}

// The slices tile the runs in order, none empty while there are runs enough, sizes within one.
TEST(Shard, SlicesTileTheRunsInOrder) {
  for (std::size_t total : {1U, 7U, 50U, 1000U}) {
    for (int n = 1; n <= 9 && static_cast<std::size_t>(n) <= total; ++n) {
      std::size_t next = 0, smallest = total, largest = 0;
      for (int k = 1; k <= n; ++k) {
        const auto [first, last] = shard_range(Shard{k, n}, total);
        EXPECT_EQ(first, next) << k << "/" << n << " of " << total;
        next = last;
        smallest = std::min(smallest, last - first);
        largest = std::max(largest, last - first);
      }
      EXPECT_EQ(next, total);
      EXPECT_GE(smallest, 1U);
      EXPECT_LE(largest - smallest, 1U);
    }
  }
}

// Two slices of a sweep of three fault sets on two seeds: an outcome keeps every field the
// report and the objectives read (a share that is not a round number, no recovery), and each
// fault set's outcome is its worst seed again.
TEST(SweepShard, MergesTheSlicesOutcomeForOutcome) {
  auto outcome = [](const std::string& fault, std::uint64_t seed, DurationMs lost) {
    FaultOutcome o;
    o.faults = {fault};
    o.kinds = {"crash"};
    o.involves = {"atlanta"};
    o.quorum_lost = lost > 0;
    o.quorum_lost_for_ms = lost;
    o.downtime_ms = {{"web", 1234}};
    o.lowest_replicas_pct = {{"web", 100.0 / 3.0}};
    o.lowest_replicas = {{"web", "1/3"}};
    o.seed = seed;
    if (fault != "crash c" || seed != 1) o.recovery_ms = 4567;
    return o;
  };
  SweepResult whole;
  whole.seeds = {1, 2};
  for (const std::string f : {"crash a", "crash b", "crash c"}) {
    whole.add_fault_set({outcome(f, 1, 0), outcome(f, 2, f == "crash b" ? 9000 : 0)});
  }
  const SweepIdentity id{"p", "p.yaml", "d1"};
  auto slice = [&](int k) {  // dealt round: slice 1 has sets 0 and 2, slice 2 set 1
    SweepResult s = whole;
    s.runs.clear();
    for (std::size_t i = static_cast<std::size_t>(k - 1); i < whole.runs.size(); i += 2) s.runs.push_back(whole.runs[i]);
    return NamedJson{"s" + std::to_string(k) + ".json", sweep_shard_json(s, id, Shard{k, 2}, 3)};
  };
  const Result<MergedSweep> merged = merge_sweep_shards({slice(2), slice(1)});
  ASSERT_TRUE(merged) << merged.error().to_string();
  const SweepResult& got = merged.value().sweep;
  ASSERT_EQ(got.runs.size(), 3U);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(got.runs[i][0].faults, whole.runs[i][0].faults);
  EXPECT_EQ(got.outcomes[0].seed, 1U);  // alike: the first
  EXPECT_EQ(got.outcomes[1].seed, 2U);  // the quorum lost
  EXPECT_EQ(got.outcomes[2].seed, 1U);  // no recovery
  const FaultOutcome& o = got.runs[0][0];
  EXPECT_EQ(o.lowest_replicas_pct.at("web"), 100.0 / 3.0);
  EXPECT_EQ(o.recovery_ms, std::optional<DurationMs>(4567));
  EXPECT_FALSE(got.runs[2][0].recovery_ms.has_value());
  EXPECT_EQ(o.downtime_ms.at("web"), 1234);

  NamedJson short_slice = slice(1);
  short_slice.json["runs"].erase(0);
  const Result<MergedSweep> refused = merge_sweep_shards({short_slice, slice(2)});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().file, "s1.json");
  EXPECT_EQ(refused.error().field, "runs");
}

}  // namespace
}  // namespace clawsim
