// The simulated swarm's safety invariants, checked after every event of every run in every
// build (as TigerBeetle's state checker runs after every step of its simulator): Raft's
// election safety (at most one leader per term), terms and commit indexes that never go back,
// a commit index never beyond the last index of the log, role changes only along Raft's edges,
// and a task slot running on at most one node unless the model says why the other copy still
// runs. A broken invariant is a bug in the model, never an outcome of a plan: the engine turns
// it into an InvariantViolation naming the seed, the time and the event, and the run stops.
//
// Pure: it reads a snapshot the engine fills (InvariantState) and remembers only what the
// checks compare with (each member's last term, commit and role; the leader of each term).
// No assert: nothing here is compiled out of a Release build.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/time.h"
#include "sim/raft_member.h"

namespace clawsim {

enum class Invariant : std::uint8_t {
  kOneLeaderPerTerm,      // Raft election safety
  kTermNeverDecreases,    // a member's current term
  kCommitNeverDecreases,  // a member's commit index
  kCommitWithinLog,       // commit index <= last index
  kRoleTransition,        // follower->candidate->leader, candidate->follower, leader->follower
  kOneTaskPerSlot,        // one desired task per slot; one running copy unless the model says why
  kNoContainerOnDownHost,
};
const char* to_string(Invariant invariant);

// A node's Raft member as the engine sees it after an event.
struct MemberView {
  std::string_view name;  // the node's name (points into the plan)
  bool member = false;    // a manager of the current group, in the swarm, not removed: its Raft
                          // state counts; a node that is none starts afresh when it becomes one
  RaftRole role = RaftRole::kFollower;
  std::uint64_t term = 0;
  std::uint64_t commit = 0;
  std::uint64_t last_index = 0;
  std::uint64_t voters = 0;  // the member's view of the group (a bit per node)
};

// A task the orchestrator wants running or whose container still runs.
struct TaskView {
  int service = 0;
  int slot = 0;
  std::string_view service_name;
  std::string_view node_name;  // "" when not assigned to a node
  bool desired_running = false;
  bool container_running = false;
  // Why a container whose task is desired shut down may still run (the model's own reasons):
  bool stop_pending = false;  // a stop is under way
  bool host_up = true;
  bool daemon_up = true;     // false: dockerd is dead and its containers outlive it
  bool agent_synced = true;  // false: the node's agent has not synced with the dispatcher
                             // since the task was shut down, so it has not heard of it
};

struct InvariantState {
  // Bumped by `docker swarm init --force-new-cluster`: a new Raft group, whose terms may repeat
  // the old group's.
  std::uint32_t raft_group = 0;
  std::vector<MemberView> members;  // one per node of the plan
  std::vector<TaskView> tasks;
};

struct Violation {
  Invariant invariant = Invariant::kOneLeaderPerTerm;
  std::string detail;  // e.g. "two leaders in term 3: a and b"
};

// A broken invariant, as it ends a run.
class InvariantViolation : public std::logic_error {
 public:
  InvariantViolation(Violation violation, std::uint64_t seed, TimeMs t_ms, std::string event);
  const Violation& violation() const { return violation_; }
  std::uint64_t seed() const { return seed_; }
  TimeMs t_ms() const { return t_ms_; }
  const std::string& event() const { return event_; }

 private:
  Violation violation_;
  std::uint64_t seed_;
  TimeMs t_ms_;
  std::string event_;
};

class InvariantChecker {
 public:
  // The first invariant `now` breaks, given the states checked before; nullopt when all hold.
  // The first call only checks what needs no history.
  std::optional<Violation> check(const InvariantState& now);
  // The same for one member after a Raft event (a tick or a message), which changes nothing
  // but that member's state: checking it alone keeps the cost per event independent of the
  // plan's size. Needs a check() before, on the same nodes and group.
  // Most Raft events (a tick, a heartbeat answered) change nothing checked: a member seen in
  // exactly this state passed every check then and passes them now.
  std::optional<Violation> check_member(std::size_t node, const MemberView& now) {
    if (node < last_.size() && last_[node].same(now)) return std::nullopt;
    return check_changed_member(node, now);
  }

 private:
  std::optional<Violation> check_changed_member(std::size_t node, const MemberView& now);
  std::optional<Violation> check_one(std::size_t node, const MemberView& now, bool new_group);
  std::optional<Violation> check_history(std::size_t node, const MemberView& now, bool new_group);
  std::optional<Violation> check_leader(std::size_t node, const MemberView& now);
  std::optional<Violation> check_tasks(const InvariantState& now);

  struct LastSeen {
    std::string_view name;
    bool member = false;
    RaftRole role = RaftRole::kFollower;
    std::uint64_t term = 0;
    std::uint64_t commit = 0;
    std::uint64_t last_index = 0;
    std::uint64_t voters = 0;
    bool same(const MemberView& now) const {
      return member == now.member && role == now.role && term == now.term && commit == now.commit &&
             last_index == now.last_index && voters == now.voters;
    }
  };
  std::vector<LastSeen> last_;
  std::uint32_t raft_group_ = 0;
  // (term, node) of every leader seen in the current group, sorted by term.
  std::vector<std::pair<std::uint64_t, std::size_t>> leaders_;
  std::vector<std::uint32_t> order_;  // scratch: tasks sorted by slot (kept to avoid allocating)
};

}  // namespace clawsim
