// The engine's event queue: a binary min-heap keyed by (integer time, sequence number), so
// events are totally ordered and FIFO among equal times (as ns-3's scheduler does). The heap
// is a vector that keeps its capacity: steady-state pushes and pops do not allocate.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "model/time.h"
#include "sim/raft_member.h"

namespace clawsim {

enum class EventKind : std::uint8_t {
  kRaftTick,         // node: a manager's Raft clock ticks
  kRaftDeliver,      // msg: a Raft message arrives at msg.to
  kAgentHeartbeat,   // node: the agent sends its heartbeat to the dispatcher
  kNodeDeadline,     // node, gen: the dispatcher's heartbeat deadline for a node
  kContainerStart,   // task, gen: a container finished starting
  kContainerStop,    // task: a container finished stopping
  kReconcile,        // the orchestrator and scheduler run (e.g. a restart delay elapsed)
  kPromoteDone,      // node: a promoted node's manager joins the Raft group
  kRedial,           // node, peer, gen: a manager's Raft transport dials a member it lost
                     // (gen: the connection's chain)
  kApiFastFail,      // node: a leaderless manager's API stops waiting for a leader
  kApiSettle,        // node: a manager's API stopped answering one poll period ago
};

struct Event {
  TimeMs t_ms = 0;
  std::uint64_t seq = 0;
  EventKind kind = EventKind::kReconcile;
  std::int16_t peer = -1;  // kRedial: the member dialled (a node index; kMaxNodes fits)
  std::int32_t node = -1;
  std::uint32_t gen = 0;
  std::int32_t task = -1;
  RaftMsg msg;
};

class EventQueue {
 public:
  void reserve(std::size_t n) { heap_.reserve(n); }
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  const Event& top() const { return heap_.front(); }

  void push(Event event) {
    event.seq = next_seq_++;
    heap_.push_back(event);
    std::push_heap(heap_.begin(), heap_.end(), Later{});
  }

  Event pop() {
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    Event e = heap_.back();
    heap_.pop_back();
    return e;
  }

 private:
  struct Later {  // a type, not a function pointer, so the heap's comparisons inline
    bool operator()(const Event& a, const Event& b) const {
      return a.t_ms != b.t_ms ? a.t_ms > b.t_ms : a.seq > b.seq;
    }
  };
  std::vector<Event> heap_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace clawsim
