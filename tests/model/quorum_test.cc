#include "model/quorum.h"

#include <gtest/gtest.h>

namespace clawsim {
namespace {

// docs admin_guide ("Administer and maintain a swarm of Docker Engines"), fault-tolerance table:
// managers 1..9 tolerate 0,0,1,1,2,2,3,3,4 failures; majority = floor(N/2)+1.
TEST(Quorum, FaultToleranceTableFromDockerDocs) {
  const int tolerated[] = {0, 0, 1, 1, 2, 2, 3, 3, 4};
  const int majorities[] = {1, 2, 2, 3, 3, 4, 4, 5, 5};
  for (int n = 1; n <= 9; ++n) {
    EXPECT_EQ(tolerated_failures(n), tolerated[n - 1]) << n << " managers";
    EXPECT_EQ(majority(n), majorities[n - 1]) << n << " managers";
    EXPECT_EQ(n - tolerated_failures(n), majority(n)) << "losing one more than tolerated loses quorum";
  }
}

// etcd-io/raft quorum/majority.go VoteResult: won as soon as a majority granted; lost as soon as
// a majority can no longer be reached; pending otherwise.
TEST(Quorum, VoteResultOfThreeVoters) {
  const std::uint64_t voters = 0b111;
  EXPECT_EQ(vote_result(voters, 0b001, 0), VoteResult::kPending);
  EXPECT_EQ(vote_result(voters, 0b011, 0), VoteResult::kWon);
  EXPECT_EQ(vote_result(voters, 0b001, 0b010), VoteResult::kPending);
  EXPECT_EQ(vote_result(voters, 0b001, 0b110), VoteResult::kLost);
  EXPECT_EQ(vote_result(voters, 0b1000, 0), VoteResult::kPending) << "non-voters do not count";
}

TEST(Quorum, SingleVoterWinsAloneAndEmptyConfigWins) {
  EXPECT_EQ(vote_result(0b1, 0b1, 0), VoteResult::kWon);
  EXPECT_EQ(vote_result(0, 0, 0), VoteResult::kWon);
}

TEST(Quorum, EvenGroupsNeedMoreThanHalf) {
  EXPECT_EQ(vote_result(0b1111, 0b0011, 0b1100), VoteResult::kLost);
  EXPECT_EQ(vote_result(0b1111, 0b0111, 0), VoteResult::kWon);
}

}  // namespace
}  // namespace clawsim
