// The engine's event queue: a binary min-heap keyed by (integer time, sequence number), so
// events are totally ordered and FIFO among equal times (as ns-3's scheduler does). The heap
// holds small keys and the events wait in slots beside it; its vectors keep their capacity:
// steady-state pushes and pops do not allocate.
#pragma once

#include <algorithm>
#include <cstdint>
#include <stdexcept>
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
  void reserve(std::size_t n) {
    keys_.reserve(n);
    events_.reserve(n);
    free_.reserve(n);
  }
  bool empty() const { return keys_.empty(); }
  std::size_t size() const { return keys_.size(); }
  const Event& top() const { return events_[slot_of(keys_.front())]; }

  void push(const Event& event) {
    const std::uint64_t seq = next_seq_++;
    if (seq >> (64 - kSlotBits) != 0) throw std::length_error("over a trillion events in one simulation");
    std::uint64_t slot = events_.size();
    if (free_.empty()) {
      if (slot > kMaxSlot) throw std::length_error("over 16 million events pending in the simulation");
      events_.push_back(event);
    } else {
      slot = free_.back();
      free_.pop_back();
      events_[slot] = event;
    }
    events_[slot].seq = seq;
    keys_.push_back(Key{event.t_ms, seq << kSlotBits | slot});
    std::push_heap(keys_.begin(), keys_.end(), Later{});
  }

  Event pop() {
    std::pop_heap(keys_.begin(), keys_.end(), Later{});
    const std::uint32_t slot = slot_of(keys_.back());
    keys_.pop_back();
    free_.push_back(slot);
    return events_[slot];
  }

 private:
  // The heap orders 16-byte keys, not the events: (time, then sequence number, which is unique
  // and in the high bits) and, in the low bits, where the event waits in `events_`.
  struct Key {
    TimeMs t_ms;
    std::uint64_t seq_slot;
  };
  static constexpr int kSlotBits = 24;
  static constexpr std::uint64_t kMaxSlot = (std::uint64_t{1} << kSlotBits) - 1;
  static std::uint32_t slot_of(const Key& k) { return static_cast<std::uint32_t>(k.seq_slot & kMaxSlot); }
  struct Later {  // a type, not a function pointer, so the heap's comparisons inline
    bool operator()(const Key& a, const Key& b) const {
      return a.t_ms != b.t_ms ? a.t_ms > b.t_ms : a.seq_slot > b.seq_slot;
    }
  };
  std::vector<Key> keys_;
  std::vector<Event> events_;         // by slot; a popped event's slot is reused
  std::vector<std::uint32_t> free_;
  std::uint64_t next_seq_ = 0;        // 40 bits of it order the keys
};

}  // namespace clawsim
