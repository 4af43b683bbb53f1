#include "sim/raft_member.h"

#include <algorithm>
#include <bit>
#include <cassert>

#include "model/quorum.h"

namespace clawsim {

namespace {

constexpr std::uint64_t bit(int id) { return std::uint64_t{1} << id; }

}  // namespace

const char* to_string(RaftRole role) {
  switch (role) {
    case RaftRole::kFollower: return "follower";
    case RaftRole::kCandidate: return "candidate";
    case RaftRole::kLeader: return "leader";
  }
  return "?";
}

RaftMember::RaftMember(int id, std::uint64_t voters, RaftConfig config, std::uint64_t seed)
    : id_(id), voters_(voters), config_(config), rng_(seed) {
  assert(id >= 0 && id < kMaxMembers);
  outbox_.reserve(2 * kMaxMembers);
  reset(0);
}

// etcd raft.go resetRandomizedElectionTimeout: electiontimeout + rand[0, electiontimeout).
void RaftMember::reset(std::uint64_t term) {
  if (term != term_) {
    term_ = term;
    vote_ = kNone;
  }
  lead_ = kNone;
  election_elapsed_ = 0;
  heartbeat_elapsed_ = 0;
  randomized_timeout_ =
      config_.election_tick +
      static_cast<int>(rng_.below(static_cast<std::uint64_t>(config_.election_tick)));
  votes_granted_ = 0;
  votes_rejected_ = 0;
  transferee_ = kNone;
}

void RaftMember::become_follower(std::uint64_t term, int lead) {
  reset(term);
  role_ = RaftRole::kFollower;
  lead_ = lead;
}

void RaftMember::become_candidate() {
  reset(term_ + 1);
  role_ = RaftRole::kCandidate;
  vote_ = id_;
}

void RaftMember::become_leader() {
  reset(term_);
  role_ = RaftRole::kLeader;
  lead_ = id_;
  recent_active_ = bit(id_);
  match_.fill(0);
  // etcd appends an empty entry at the start of every term; it commits the term.
  ++last_index_;
  last_term_ = term_;
  term_start_index_ = last_index_;
  match_[static_cast<std::size_t>(id_)] = last_index_;
  maybe_commit();
  broadcast_append();
}

void RaftMember::campaign(bool transfer) {
  become_candidate();
  votes_granted_ = bit(id_);
  if (vote_result(voters_, votes_granted_, 0) == VoteResult::kWon) {
    become_leader();
    return;
  }
  RaftMsg m;
  m.type = RaftMsgType::kVote;
  m.index = last_index_;
  m.log_term = last_term_;
  m.transfer = transfer;
  send_to_peers(m);
}

void RaftMember::send_to_peers(RaftMsg msg) {
  for (std::uint64_t peers = voters_ & ~bit(id_); peers != 0; peers &= peers - 1) {
    msg.to = static_cast<std::uint8_t>(std::countr_zero(peers));
    send(msg);
  }
}

void RaftMember::tick() {
  if (role_ == RaftRole::kLeader) {
    tick_heartbeat();
  } else {
    tick_election();
  }
}

void RaftMember::tick_election() {
  ++election_elapsed_;
  if (is_voter() && election_elapsed_ >= randomized_timeout_) {
    election_elapsed_ = 0;
    campaign(false);
  }
}

// etcd raft.go tickHeartbeat: CheckQuorum every election timeout; heartbeat every tick.
void RaftMember::tick_heartbeat() {
  ++heartbeat_elapsed_;
  ++election_elapsed_;
  if (election_elapsed_ >= config_.election_tick) {
    election_elapsed_ = 0;
    if (config_.check_quorum) {
      if (!quorum_active()) {
        become_follower(term_, kNone);
        return;
      }
      recent_active_ = bit(id_);
    }
    transferee_ = kNone;  // a transfer that did not finish within an election timeout aborts
  }
  if (heartbeat_elapsed_ >= config_.heartbeat_tick) {
    heartbeat_elapsed_ = 0;
    broadcast_append();
  }
}

bool RaftMember::quorum_active() const {
  return std::popcount(recent_active_ & voters_) >= majority(std::popcount(voters_));
}

void RaftMember::step(const RaftMsg& msg) {
  if (msg.term > term_) {
    if (msg.type == RaftMsgType::kVote) {
      // etcd: with CheckQuorum, a member that heard from a leader within the election timeout
      // ignores a vote request from a higher term, unless it comes from a leadership transfer.
      const bool in_lease =
          config_.check_quorum && lead_ != kNone && election_elapsed_ < config_.election_tick;
      if (in_lease && !msg.transfer) return;
    }
    const bool from_leader = msg.type == RaftMsgType::kApp;
    become_follower(msg.term, from_leader ? msg.from : kNone);
  } else if (msg.term < term_) {
    // etcd: a stale leader's heartbeat is answered with our term, so it learns of it and
    // steps down (needed with CheckQuorum since its vote requests may be ignored).
    if (config_.check_quorum && msg.type == RaftMsgType::kApp) {
      RaftMsg resp;
      resp.type = RaftMsgType::kAppResp;
      resp.to = msg.from;
      send(resp);
    }
    return;
  }

  if (msg.type == RaftMsgType::kVote) {
    handle_vote_request(msg);
    return;
  }
  switch (role_) {
    case RaftRole::kLeader: step_leader(msg); break;
    case RaftRole::kCandidate: step_candidate(msg); break;
    case RaftRole::kFollower: step_follower(msg); break;
  }
}

void RaftMember::handle_vote_request(const RaftMsg& msg) {
  const bool can_vote = vote_ == msg.from || (vote_ == kNone && lead_ == kNone);
  const bool up_to_date =
      msg.log_term > last_term_ || (msg.log_term == last_term_ && msg.index >= last_index_);
  RaftMsg resp;
  resp.type = RaftMsgType::kVoteResp;
  resp.to = msg.from;
  if (can_vote && up_to_date) {
    election_elapsed_ = 0;
    vote_ = msg.from;
  } else {
    resp.reject = true;
  }
  send(resp);
}

void RaftMember::step_leader(const RaftMsg& msg) {
  if (msg.type != RaftMsgType::kAppResp) return;
  recent_active_ |= bit(msg.from);
  auto& match = match_[msg.from];
  match = std::max(match, msg.index);
  maybe_commit();
  if (transferee_ == msg.from && match == last_index_) {
    RaftMsg timeout;
    timeout.type = RaftMsgType::kTimeoutNow;
    timeout.to = msg.from;
    send(timeout);
  }
}

void RaftMember::step_candidate(const RaftMsg& msg) {
  if (msg.type == RaftMsgType::kApp) {
    become_follower(term_, msg.from);
    handle_append(msg);
    return;
  }
  if (msg.type != RaftMsgType::kVoteResp) return;
  if (msg.reject) {
    votes_rejected_ |= bit(msg.from);
  } else {
    votes_granted_ |= bit(msg.from);
  }
  switch (vote_result(voters_, votes_granted_, votes_rejected_)) {
    case VoteResult::kWon: become_leader(); break;
    case VoteResult::kLost: become_follower(term_, kNone); break;
    case VoteResult::kPending: break;
  }
}

void RaftMember::step_follower(const RaftMsg& msg) {
  switch (msg.type) {
    case RaftMsgType::kApp:
      election_elapsed_ = 0;
      lead_ = msg.from;
      handle_append(msg);
      break;
    case RaftMsgType::kTimeoutNow:
      if (is_voter()) campaign(true);
      break;
    default:
      break;
  }
}

// The leader's log wins: a follower takes the leader's last (index, term), which is what log
// matching and truncation of a divergent suffix amount to for a payload-free log.
//
// Messages can arrive out of order (a link's latency changes in flight), so an older append of
// the same term may come after a newer one. etcd answers an append below its commit index with
// that index and changes nothing; an older append of the same leader's log (same last term,
// lower index) is already contained in ours. Neither moves the log backwards.
void RaftMember::handle_append(const RaftMsg& msg) {
  const bool stale = msg.index < commit_ || (msg.log_term == last_term_ && msg.index < last_index_);
  if (!stale) {
    last_index_ = msg.index;
    last_term_ = msg.log_term;
    commit_ = std::max(commit_, std::min(msg.commit, last_index_));
  }
  RaftMsg resp;
  resp.type = RaftMsgType::kAppResp;
  resp.to = msg.from;
  resp.index = msg.index < commit_ ? commit_ : last_index_;
  send(resp);
}

void RaftMember::broadcast_append() {
  RaftMsg m;
  m.type = RaftMsgType::kApp;
  m.index = last_index_;
  m.log_term = last_term_;
  m.commit = commit_;
  send_to_peers(m);
}

// Commit the highest index a majority of voters holds, if it is of the leader's own term.
void RaftMember::maybe_commit() {
  std::array<std::uint64_t, kMaxMembers> held{};
  int n = 0;
  for (std::uint64_t v = voters_; v != 0; v &= v - 1) {
    held[static_cast<std::size_t>(n++)] = match_[static_cast<std::size_t>(std::countr_zero(v))];
  }
  if (n == 0) return;
  std::sort(held.begin(), held.begin() + n, std::greater<>());
  const std::uint64_t candidate = held[static_cast<std::size_t>(majority(n) - 1)];
  if (candidate > commit_ && candidate >= term_start_index_) commit_ = candidate;
}

void RaftMember::send(RaftMsg msg) {
  msg.from = static_cast<std::uint8_t>(id_);
  msg.term = term_;
  outbox_.push_back(msg);
}

void RaftMember::transfer_leadership(int target) {
  if (role_ != RaftRole::kLeader || target < 0 || target == id_ || !((voters_ >> target) & 1U)) return;
  transferee_ = target;
  election_elapsed_ = 0;
  if (match_[static_cast<std::size_t>(target)] == last_index_) {
    RaftMsg timeout;
    timeout.type = RaftMsgType::kTimeoutNow;
    timeout.to = static_cast<std::uint8_t>(target);
    send(timeout);
  } else {
    broadcast_append();
  }
}

std::uint64_t RaftMember::propose() {
  assert(role_ == RaftRole::kLeader);
  ++last_index_;
  last_term_ = term_;
  match_[static_cast<std::size_t>(id_)] = last_index_;
  maybe_commit();
  broadcast_append();
  return last_index_;
}

void RaftMember::set_voters(std::uint64_t voters) {
  voters_ = voters;
  recent_active_ &= voters_;
  if (role_ == RaftRole::kLeader) maybe_commit();
}

void RaftMember::bootstrap(std::uint64_t term, int lead, std::uint64_t index) {
  reset(term);
  last_index_ = index;
  last_term_ = term;
  commit_ = index;
  term_start_index_ = index;
  vote_ = lead;
  lead_ = lead;
  role_ = lead == id_ ? RaftRole::kLeader : RaftRole::kFollower;
  match_.fill(0);
  if (role_ == RaftRole::kLeader) {
    // A leader that has led for a while stands anywhere in its CheckQuorum round: a partition
    // that cuts it off is noticed after 10 to 20 ticks, not at one fixed instant of every run.
    election_elapsed_ = static_cast<int>(rng_.below(static_cast<std::uint64_t>(config_.election_tick)));
    recent_active_ = voters_;
    for (int peer = 0; peer < kMaxMembers; ++peer) {
      if ((voters_ >> peer) & 1U) match_[static_cast<std::size_t>(peer)] = index;
    }
  }
}

void RaftMember::restart() {
  const std::uint64_t term = term_;
  const int vote = vote_;
  role_ = RaftRole::kFollower;
  reset(term);
  vote_ = vote;
  recent_active_ = 0;
  match_.fill(0);
}

void RaftMember::force_new_cluster() {
  voters_ = bit(id_);
  role_ = RaftRole::kFollower;
  reset(term_);
  campaign(false);  // a single voter wins at once
}

}  // namespace clawsim
