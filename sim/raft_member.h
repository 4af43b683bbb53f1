// One member of the managers' Raft group, as etcd-raft runs it inside swarmkit: a pure state
// machine driven by tick() and step(msg) that queues the messages it wants sent in an outbox
// and never sends them itself. It models what the swarm's availability depends on: terms,
// votes, randomized election timeouts, heartbeats, CheckQuorum step-down and its lease on
// votes, leadership transfer (MsgTimeoutNow), log up-to-dateness and commitment. The log is
// kept as its last (index, term) and commit index: entries carry no payload here.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "model/plan.h"
#include "sim/rng.h"

namespace clawsim {

// A member is named by its slot in the group (SimCluster maps slots to nodes): one bit of a
// vote mask each, named in a byte.
static_assert(kMaxManagers <= 8 * sizeof(std::uint64_t), "the Raft group must fit the vote masks");
static_assert(kMaxManagers <= 256, "the Raft group must fit RaftMsg's from and to");

enum class RaftRole : std::uint8_t { kFollower, kCandidate, kLeader };
const char* to_string(RaftRole role);

enum class RaftMsgType : std::uint8_t { kVote, kVoteResp, kApp, kAppResp, kTimeoutNow };

struct RaftMsg {
  RaftMsgType type = RaftMsgType::kApp;
  std::uint8_t from = 0;
  std::uint8_t to = 0;
  bool reject = false;
  bool transfer = false;      // a vote request caused by leadership transfer ignores leases
  std::uint64_t term = 0;
  std::uint64_t index = 0;     // kVote/kApp: sender's last index; kAppResp: match index
  std::uint64_t log_term = 0;  // kVote/kApp: sender's last term
  std::uint64_t commit = 0;    // kApp: leader's commit index
};

struct RaftConfig {
  int election_tick = 10;
  int heartbeat_tick = 1;
  bool check_quorum = true;
};

class RaftMember {
 public:
  static constexpr int kNone = -1;
  static constexpr int kMaxMembers = static_cast<int>(kMaxManagers);

  RaftMember() = default;
  RaftMember(int id, std::uint64_t voters, RaftConfig config, std::uint64_t seed);

  void tick();
  void step(const RaftMsg& msg);

  // Leader only: hand leadership to `target` once it is caught up (etcd MsgTransferLeader).
  void transfer_leadership(int target);
  // Leader only: append an entry; it commits once a majority has it. Returns its index.
  std::uint64_t propose();
  // Membership as committed by the group (swarmkit applies ConfChanges on commit).
  void set_voters(std::uint64_t voters);
  // A group that already exists at the start of a run: `lead` leads `term`, everyone holds
  // the log up to (index, term) and it is committed. The leader stands at a random point of its
  // CheckQuorum round.
  void bootstrap(std::uint64_t term, int lead, std::uint64_t index);
  // Crash recovery: term, vote and log are durable; everything else starts afresh.
  void restart();
  // `docker swarm init --force-new-cluster`: this member alone, as leader of a new group.
  void force_new_cluster();

  const std::vector<RaftMsg>& outbox() const { return outbox_; }
  void clear_outbox() { outbox_.clear(); }

  int id() const { return id_; }
  RaftRole role() const { return role_; }
  std::uint64_t term() const { return term_; }
  int lead() const { return lead_; }
  int vote() const { return vote_; }
  std::uint64_t voters() const { return voters_; }
  std::uint64_t last_index() const { return last_index_; }
  std::uint64_t last_term() const { return last_term_; }
  std::uint64_t commit() const { return commit_; }
  int randomized_election_timeout() const { return randomized_timeout_; }
  bool is_voter() const { return (voters_ >> id_) & 1U; }
  // Leader's view: members it heard from since the last CheckQuorum round (self included).
  std::uint64_t recent_active() const { return recent_active_; }

 private:
  void become_follower(std::uint64_t term, int lead);
  void become_candidate();
  void become_leader();
  void campaign(bool transfer);
  void reset(std::uint64_t term);
  void tick_election();
  void tick_heartbeat();
  void step_leader(const RaftMsg& msg);
  void step_candidate(const RaftMsg& msg);
  void step_follower(const RaftMsg& msg);
  void handle_vote_request(const RaftMsg& msg);
  void handle_append(const RaftMsg& msg);
  void broadcast_append();
  void maybe_commit();
  void send(RaftMsg msg);
  void send_to_peers(RaftMsg msg);  // one copy to each other voter
  bool quorum_active() const;

  int id_ = 0;
  std::uint64_t voters_ = 0;
  RaftConfig config_;
  Rng rng_;

  RaftRole role_ = RaftRole::kFollower;
  std::uint64_t term_ = 0;
  int vote_ = kNone;
  int lead_ = kNone;
  std::uint64_t last_index_ = 0;
  std::uint64_t last_term_ = 0;
  std::uint64_t commit_ = 0;

  int election_elapsed_ = 0;
  int heartbeat_elapsed_ = 0;
  int randomized_timeout_ = 0;
  std::uint64_t votes_granted_ = 0;
  std::uint64_t votes_rejected_ = 0;
  std::uint64_t recent_active_ = 0;
  std::uint64_t term_start_index_ = 0;  // first index of the leader's own term
  int transferee_ = kNone;
  std::array<std::uint64_t, kMaxMembers> match_{};

  std::vector<RaftMsg> outbox_;
};

}  // namespace clawsim
