#include "sim/invariant_checker.h"

#include <algorithm>
#include <bit>

namespace clawsim {

namespace {

std::string text(std::string_view s) { return std::string(s); }

// The role changes one event may show, as etcd raft allows them (raft.go becomeFollower,
// becomeCandidate: "invalid transition [leader -> candidate]", becomeLeader: "invalid
// transition [follower -> leader]"). PreVote is off in swarmkit, so there is no pre-candidate.
// A follower may show up as leader after one event only when it is its group's only voter:
// its campaign wins at once, follower -> candidate -> leader within the step.
bool allowed_transition(RaftRole from, RaftRole to, std::uint64_t voters) {
  if (from == to) return true;
  switch (from) {
    case RaftRole::kFollower:
      return to == RaftRole::kCandidate || std::popcount(voters) == 1;
    case RaftRole::kCandidate:
      return true;  // to leader (won) or follower (lost, newer term)
    case RaftRole::kLeader:
      return to == RaftRole::kFollower;
  }
  return false;
}

std::string slot_name(const TaskView& t) {
  return std::string(t.service_name) + " slot " + std::to_string(t.slot);
}

std::string node_name(const TaskView& t) {
  return t.node_name.empty() ? std::string("no node") : std::string(t.node_name);
}

// The reason the model gives for a container that runs although its task is desired shut
// down; nullptr when it gives none.
const char* why_still_running(const TaskView& t) {
  if (t.desired_running) return nullptr;
  if (!t.daemon_up) return "its daemon is dead";  // the dead-daemon double run
  if (t.stop_pending) return "its stop is under way";
  if (!t.agent_synced) return "its agent has not heard of the shutdown yet";
  return nullptr;
}

}  // namespace

const char* to_string(Invariant invariant) {
  switch (invariant) {
    case Invariant::kOneLeaderPerTerm:
      return "one leader per term";
    case Invariant::kTermNeverDecreases:
      return "terms never decrease";
    case Invariant::kCommitNeverDecreases:
      return "commit indexes never decrease";
    case Invariant::kCommitWithinLog:
      return "commit never beyond the last index";
    case Invariant::kRoleTransition:
      return "role changes along Raft's edges";
    case Invariant::kOneTaskPerSlot:
      return "a task slot runs on one node";
    case Invariant::kNoContainerOnDownHost:
      return "no container on a host that is down";
  }
  return "?";
}

InvariantViolation::InvariantViolation(Violation violation, std::uint64_t seed, TimeMs t_ms,
                                       std::string event)
    : std::logic_error("invariant broken (" + std::string(to_string(violation.invariant)) +
                       "): " + violation.detail + "; seed " + std::to_string(seed) + ", at " +
                       std::to_string(t_ms) + " ms, after " + event),
      violation_(std::move(violation)),
      seed_(seed),
      t_ms_(t_ms),
      event_(std::move(event)) {}

std::optional<Violation> InvariantChecker::check(const InvariantState& now) {
  const bool new_group = now.raft_group != raft_group_;
  if (new_group) {  // a new group's terms may repeat the old group's
    raft_group_ = now.raft_group;
    leaders_.clear();
  }
  if (last_.size() != now.members.size()) last_.assign(now.members.size(), LastSeen{});
  for (std::size_t i = 0; i < now.members.size(); ++i) {
    if (std::optional<Violation> v = check_one(i, now.members[i], new_group)) return v;
  }
  return check_tasks(now);
}

std::optional<Violation> InvariantChecker::check_changed_member(std::size_t node, const MemberView& now) {
  if (node >= last_.size()) throw std::logic_error("a member checked before its cluster");
  return check_one(node, now, false);
}

std::optional<Violation> InvariantChecker::check_one(std::size_t node, const MemberView& now,
                                                     bool new_group) {
  std::optional<Violation> v = check_history(node, now, new_group);
  if (!v && now.member && now.role == RaftRole::kLeader) v = check_leader(node, now);
  if (!v) last_[node] = LastSeen{now.name, now.member, now.role, now.term, now.commit, now.last_index, now.voters};
  return v;
}

std::optional<Violation> InvariantChecker::check_history(std::size_t node, const MemberView& now,
                                                         bool new_group) {
  if (!now.member) return std::nullopt;
  const auto name = [&] { return std::string(now.name); };  // only for a violation
  if (now.commit > now.last_index) {
    return Violation{Invariant::kCommitWithinLog,
                     name() + " has commit index " + std::to_string(now.commit) +
                         " beyond its last index " + std::to_string(now.last_index)};
  }
  const LastSeen& before = last_[node];
  if (!before.member) return std::nullopt;  // a new member (or the first look): no history
  if (now.term < before.term) {
    return Violation{Invariant::kTermNeverDecreases, name() + "'s term went from " +
                                                         std::to_string(before.term) + " to " +
                                                         std::to_string(now.term)};
  }
  if (now.commit < before.commit) {
    return Violation{Invariant::kCommitNeverDecreases, name() + "'s commit index went from " +
                                                           std::to_string(before.commit) + " to " +
                                                           std::to_string(now.commit)};
  }
  if (new_group) return std::nullopt;  // force-new-cluster: leader of a group of one at once
  const bool leader_kept_term = !(before.role == RaftRole::kLeader &&
                                  now.role == RaftRole::kLeader && now.term != before.term);
  if (!allowed_transition(before.role, now.role, now.voters) || !leader_kept_term) {
    return Violation{Invariant::kRoleTransition, name() + " went from " + to_string(before.role) +
                                                     " in term " + std::to_string(before.term) +
                                                     " to " + to_string(now.role) + " in term " +
                                                     std::to_string(now.term)};
  }
  return std::nullopt;
}

// Election safety over the whole run of a group: the first leader seen for a term is its only one.
std::optional<Violation> InvariantChecker::check_leader(std::size_t node, const MemberView& now) {
  const auto at = std::lower_bound(leaders_.begin(), leaders_.end(),
                                   std::pair<std::uint64_t, std::size_t>{now.term, 0});
  if (at == leaders_.end() || at->first != now.term) {
    leaders_.insert(at, {now.term, node});
    return std::nullopt;
  }
  if (at->second == node) return std::nullopt;
  return Violation{Invariant::kOneLeaderPerTerm, "two leaders in term " + std::to_string(now.term) +
                                                     ": " + text(last_[at->second].name) + " and " +
                                                     text(now.name)};
}

std::optional<Violation> InvariantChecker::check_tasks(const InvariantState& now) {
  const std::vector<TaskView>& tasks = now.tasks;
  order_.clear();
  for (std::uint32_t t = 0; t < tasks.size(); ++t) {
    const TaskView& task = tasks[t];
    if (task.container_running && !task.host_up) {
      return Violation{Invariant::kNoContainerOnDownHost,
                       slot_name(task) + " runs on " + node_name(task) + ", whose host is down"};
    }
    order_.push_back(t);
  }
  const auto slot_of = [&](std::uint32_t t) { return std::pair{tasks[t].service, tasks[t].slot}; };
  std::sort(order_.begin(), order_.end(),
            [&](std::uint32_t a, std::uint32_t b) { return slot_of(a) < slot_of(b); });
  for (std::size_t first = 0; first < order_.size();) {
    std::size_t end = first;
    const TaskView* desired = nullptr;
    const TaskView* running_unexplained = nullptr;
    for (; end < order_.size() && slot_of(order_[end]) == slot_of(order_[first]); ++end) {
      const TaskView& t = tasks[order_[end]];
      if (t.desired_running && desired != nullptr) {
        return Violation{Invariant::kOneTaskPerSlot,
                         slot_name(t) + " has two tasks desired running, on " +
                             node_name(*desired) + " and " + node_name(t)};
      }
      if (t.desired_running) desired = &t;
      if (!t.container_running || why_still_running(t) != nullptr) continue;
      if (running_unexplained != nullptr) {
        return Violation{Invariant::kOneTaskPerSlot,
                         slot_name(t) + " runs on " + node_name(*running_unexplained) + " and " +
                             node_name(t) + " and the model gives no reason for either"};
      }
      running_unexplained = &t;
    }
    first = end;
  }
  return std::nullopt;
}

}  // namespace clawsim
