// Raft member tests in the spirit of etcd-io/raft's raft_test.go: members driven by hand,
// messages delivered (or dropped) one batch at a time.
#include "sim/raft_member.h"

#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <vector>

namespace clawsim {
namespace {

constexpr RaftConfig kSwarmkit{10, 1, true};  // swarmkit: ElectionTick 10, HeartbeatTick 1

struct Group {
  std::vector<RaftMember> members;
  std::function<bool(const RaftMsg&)> drop = [](const RaftMsg&) { return false; };

  explicit Group(int n, std::uint64_t seed = 1, RaftConfig config = kSwarmkit) {
    const std::uint64_t voters = (std::uint64_t{1} << n) - 1;
    for (int i = 0; i < n; ++i) members.emplace_back(i, voters, config, seed * 100 + static_cast<std::uint64_t>(i));
  }
  RaftMember& operator[](int i) { return members[static_cast<std::size_t>(i)]; }

  // Delivers every queued message, and the replies they cause, until none is left.
  void settle() {
    for (int round = 0; round < 100; ++round) {
      std::vector<RaftMsg> batch;
      for (auto& m : members) {
        batch.insert(batch.end(), m.outbox().begin(), m.outbox().end());
        m.clear_outbox();
      }
      if (batch.empty()) return;
      for (const RaftMsg& msg : batch) {
        if (!drop(msg)) members[msg.to].step(msg);
      }
    }
    FAIL() << "messages did not settle";
  }
  void tick_all(int times) {
    for (int t = 0; t < times; ++t) {
      for (auto& m : members) m.tick();
      settle();
    }
  }
  int leaders() const {
    int n = 0;
    for (const auto& m : members) n += m.role() == RaftRole::kLeader ? 1 : 0;
    return n;
  }
};

// etcd raft.go resetRandomizedElectionTimeout: [electiontimeout, 2*electiontimeout).
TEST(RaftMember, RandomizedElectionTimeoutCoversTenToNineteenTicks) {
  std::set<int> seen;
  for (std::uint64_t seed = 0; seed < 500; ++seed) {
    RaftMember m(0, 0b111, kSwarmkit, seed);
    const int t = m.randomized_election_timeout();
    ASSERT_GE(t, 10);
    ASSERT_LE(t, 19);
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 10U) << "every value of [10, 19] occurs";
}

TEST(RaftMember, FollowerCampaignsExactlyAtItsTimeout) {
  RaftMember m(0, 0b111, kSwarmkit, 9);
  const int timeout = m.randomized_election_timeout();
  for (int i = 1; i < timeout; ++i) {
    m.tick();
    ASSERT_EQ(m.role(), RaftRole::kFollower) << "tick " << i;
  }
  m.tick();
  EXPECT_EQ(m.role(), RaftRole::kCandidate);
  EXPECT_EQ(m.term(), 1U);
  EXPECT_EQ(m.vote(), 0) << "votes for itself";
  EXPECT_EQ(m.outbox().size(), 2U) << "asks both peers for their vote";
  for (const RaftMsg& msg : m.outbox()) EXPECT_EQ(msg.type, RaftMsgType::kVote);
}

TEST(RaftMember, ThreeMembersElectExactlyOneLeader) {
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    Group g(3, seed);
    g.tick_all(40);
    EXPECT_EQ(g.leaders(), 1) << "seed " << seed;
    const int lead = g[0].lead();
    for (auto& m : g.members) EXPECT_EQ(m.lead(), lead);
  }
}

TEST(RaftMember, OneVotePerTerm) {
  RaftMember voter(2, 0b111, kSwarmkit, 1);
  RaftMsg a{RaftMsgType::kVote, 0, 2, false, false, 1, 0, 0, 0};
  RaftMsg b = a;
  b.from = 1;
  voter.step(a);
  voter.step(b);
  ASSERT_EQ(voter.outbox().size(), 2U);
  EXPECT_FALSE(voter.outbox()[0].reject);
  EXPECT_TRUE(voter.outbox()[1].reject) << "already voted for 0 in term 1";
}

TEST(RaftMember, StaleLogLosesTheVote) {
  RaftMember voter(2, 0b111, kSwarmkit, 1);
  voter.bootstrap(3, RaftMember::kNone, 7);  // log up to index 7 of term 3
  RaftMsg behind{RaftMsgType::kVote, 0, 2, false, false, 4, 5, 3, 0};
  voter.step(behind);
  ASSERT_EQ(voter.outbox().size(), 1U);
  EXPECT_TRUE(voter.outbox()[0].reject);
  EXPECT_EQ(voter.term(), 4U) << "a higher term is adopted even when the vote is refused";
}

void tick_until_candidate(RaftMember& m) {
  for (int i = 0; i < 40 && m.role() != RaftRole::kCandidate; ++i) m.tick();
  ASSERT_EQ(m.role(), RaftRole::kCandidate);
}

TEST(RaftMember, CandidateLosesWhenAMajorityRejects) {
  RaftMember c(0, 0b111, kSwarmkit, 1);
  tick_until_candidate(c);
  const std::uint64_t term = c.term();
  c.clear_outbox();
  c.step(RaftMsg{RaftMsgType::kVoteResp, 1, 0, true, false, term, 0, 0, 0});
  EXPECT_EQ(c.role(), RaftRole::kCandidate) << "one rejection of three is not yet a loss";
  c.step(RaftMsg{RaftMsgType::kVoteResp, 2, 0, true, false, term, 0, 0, 0});
  EXPECT_EQ(c.role(), RaftRole::kFollower);
}

TEST(RaftMember, CandidateWinsWithOneGrantOfThree) {
  RaftMember c(0, 0b111, kSwarmkit, 1);
  tick_until_candidate(c);
  c.clear_outbox();
  c.step(RaftMsg{RaftMsgType::kVoteResp, 2, 0, false, false, c.term(), 0, 0, 0});
  EXPECT_EQ(c.role(), RaftRole::kLeader);
  EXPECT_EQ(c.last_term(), c.term()) << "a new leader appends an entry of its term";
}

// etcd raft.go tickHeartbeat + quorumActive: with CheckQuorum a leader that hears from no
// majority for an election timeout steps down.
TEST(RaftMember, IsolatedLeaderStepsDownAfterAnElectionTimeout) {
  Group g(3);
  g.tick_all(40);
  int lead = g[0].lead();
  ASSERT_GE(lead, 0);
  g.drop = [lead](const RaftMsg& m) { return m.from == lead || m.to == lead; };
  int ticks = 0;
  while (g[lead].role() == RaftRole::kLeader && ticks < 100) {
    g[lead].tick();
    g.settle();
    ++ticks;
  }
  EXPECT_EQ(g[lead].role(), RaftRole::kFollower);
  EXPECT_GE(ticks, 1);
  EXPECT_LE(ticks, 2 * kSwarmkit.election_tick) << "one or two CheckQuorum rounds";
}

// etcd raft.go Step: with CheckQuorum, a member that heard from its leader within the election
// timeout ignores MsgVote of a higher term, unless the vote comes from a leadership transfer.
TEST(RaftMember, LeaseIgnoresDisruptiveVotesButNotTransfers) {
  Group g(3);
  g.tick_all(40);
  const int lead = g[0].lead();
  const int other = (lead + 1) % 3;
  const std::uint64_t term = g[other].term();
  RaftMsg vote{RaftMsgType::kVote, static_cast<std::uint8_t>((lead + 2) % 3),
               static_cast<std::uint8_t>(other), false, false, term + 5, 100, term + 4, 0};
  g[other].step(vote);
  EXPECT_TRUE(g[other].outbox().empty()) << "ignored, not even rejected";
  EXPECT_EQ(g[other].term(), term) << "and the term does not move";
  vote.transfer = true;
  g[other].step(vote);
  EXPECT_EQ(g[other].term(), term + 5);
  ASSERT_EQ(g[other].outbox().size(), 1U);
  EXPECT_FALSE(g[other].outbox()[0].reject);
}

// etcd raft.go Step: a heartbeat from a leader of a lower term is answered with our term, so a
// stale leader learns it and steps down (the source of the post-heal leaderless period).
TEST(RaftMember, HigherTermReplyDeposesALeader) {
  Group g(3);
  g.tick_all(40);
  const int lead = g[0].lead();
  const int rejoiner = (lead + 1) % 3;
  g[rejoiner].bootstrap(g[lead].term() + 3, RaftMember::kNone, 1);
  for (int i = 0; i < 5; ++i) {
    g[lead].tick();
    g.settle();
  }
  EXPECT_NE(g[lead].role(), RaftRole::kLeader);
  EXPECT_GE(g[lead].term(), g[rejoiner].term());
}

TEST(RaftMember, LeadershipTransferHandsOverWithinATick) {
  Group g(3);
  g.tick_all(40);
  const int lead = g[0].lead();
  const int target = (lead + 1) % 3;
  g[lead].transfer_leadership(target);
  g.settle();
  EXPECT_EQ(g[target].role(), RaftRole::kLeader);
  EXPECT_EQ(g[lead].role(), RaftRole::kFollower);
}

TEST(RaftMember, ProposalsCommitWithAMajority) {
  Group g(3);
  g.tick_all(40);
  const int lead = g[0].lead();
  const int down = (lead + 1) % 3;
  g.drop = [down](const RaftMsg& m) { return m.to == down || m.from == down; };
  const std::uint64_t index = g[lead].propose();
  g.settle();
  EXPECT_GE(g[lead].commit(), index) << "two of three hold it";
  const int also_down = (lead + 2) % 3;
  g.drop = [down, also_down](const RaftMsg& m) {
    return m.to == down || m.from == down || m.to == also_down || m.from == also_down;
  };
  const std::uint64_t alone = g[lead].propose();
  g.settle();
  EXPECT_LT(g[lead].commit(), alone) << "a leader alone cannot commit";
}

TEST(RaftMember, RestartKeepsTermVoteAndLog) {
  Group g(3);
  g.tick_all(40);
  RaftMember& m = g[(g[0].lead() + 1) % 3];
  const auto term = m.term();
  const auto index = m.last_index();
  m.restart();
  EXPECT_EQ(m.term(), term);
  EXPECT_EQ(m.last_index(), index);
  EXPECT_EQ(m.lead(), RaftMember::kNone);
  EXPECT_EQ(m.role(), RaftRole::kFollower);
}

TEST(RaftMember, ForceNewClusterLeadsAlone) {
  Group g(3);
  g.tick_all(40);
  RaftMember& m = g[(g[0].lead() + 1) % 3];
  m.force_new_cluster();
  EXPECT_EQ(m.role(), RaftRole::kLeader);
  EXPECT_EQ(m.voters(), std::uint64_t{1} << m.id());
}

}  // namespace
}  // namespace clawsim

namespace clawsim {
namespace {

// Issue: a stale append moved a follower's log backwards. Deliver an append with (index 5,
// commit 5), then an older one of the same term with index 3 (reordered in flight).
TEST(RaftMember, AStaleAppendNeverMovesTheLogBackwards) {
  RaftMember follower(1, 0b11, RaftConfig{10, 1, true}, 7);
  RaftMsg newer;
  newer.type = RaftMsgType::kApp;
  newer.from = 0;
  newer.to = 1;
  newer.term = 1;
  newer.index = 5;
  newer.log_term = 1;
  newer.commit = 5;
  follower.step(newer);
  ASSERT_EQ(follower.last_index(), 5U);
  ASSERT_EQ(follower.commit(), 5U);
  follower.clear_outbox();
  RaftMsg older = newer;
  older.index = 3;
  older.commit = 3;
  follower.step(older);
  EXPECT_EQ(follower.last_index(), 5U) << "the log does not move backwards";
  EXPECT_EQ(follower.commit(), 5U);
  EXPECT_LE(follower.commit(), follower.last_index());
  ASSERT_EQ(follower.outbox().size(), 1U);
  EXPECT_EQ(follower.outbox()[0].index, 5U) << "etcd answers a stale append with its commit index";
  // A newer leader's log (a later term) still wins, above the commit index.
  RaftMsg next_term = newer;
  next_term.term = 2;
  next_term.index = 6;
  next_term.log_term = 2;
  follower.step(next_term);
  EXPECT_EQ(follower.last_index(), 6U);
}

}  // namespace
}  // namespace clawsim
