#include "model/replica_share.h"

#include <gtest/gtest.h>

namespace clawsim {
namespace {

TEST(ReplicaShare, CountsWeighTheTimeByTheShareMissing) {
  const Timeline t = {{0, Aspect::kReplicas, "web", "3/3"},      {0, Aspect::kService, "web", "up"},
                      {10'000, Aspect::kReplicas, "web", "2/3"}, {10'000, Aspect::kReplicas, "web", "1/3"},
                      {40'000, Aspect::kReplicas, "web", "3/3"}, {5'000, Aspect::kReplicas, "db", "0/2"}};
  const ReplicaShare s = replica_share(t, "web", 0, 60'000);
  EXPECT_EQ(s.missing_ms, 20'000) << "two thirds missing for 30 s";
  EXPECT_NEAR(s.lowest_pct, 100.0 / 3, 1e-9);
  EXPECT_EQ(s.lowest, "1/3");
  EXPECT_EQ(s.lowest_at_ms, 10'000) << "2/3 lasted no time: never seen";
  const ReplicaShare later = replica_share(t, "web", 45'000, 60'000);
  EXPECT_EQ(later.missing_ms, 0);
  EXPECT_EQ(later.lowest, "3/3") << "the state at the window's start is the last change before it";
  EXPECT_EQ(later.lowest_at_ms, 45'000);
}

TEST(ReplicaShare, OneReplicaIsTheServiceUpOrDown) {
  const Timeline t = {{0, Aspect::kService, "vault", "up"}, {10'000, Aspect::kService, "vault", "down: node is down"},
                      {25'000, Aspect::kService, "vault", "up"}};
  EXPECT_FALSE(has_replica_counts(t, "vault"));
  const ReplicaShare s = replica_share(t, "vault", 0, 60'000);
  EXPECT_EQ(s.missing_ms, 15'000);
  EXPECT_EQ(s.lowest_pct, 0);
  EXPECT_EQ(s.lowest, "0/1");
}

TEST(ReplicaShare, NoRecordIsNoAnswer) {
  const ReplicaShare s = replica_share({{0, Aspect::kService, "web", "up"}}, "db", 0, 1000);
  EXPECT_LT(s.lowest_at_ms, 0);
  EXPECT_EQ(s.missing_ms, 0);
}

}  // namespace
}  // namespace clawsim
