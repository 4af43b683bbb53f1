// The engine's event queue: events are totally ordered by (integer time, push order), FIFO
// among equal times as ns-3's scheduler does.
//
// It is a two-level timing wheel (a calendar queue), since the engine's delays are short and
// known: Raft messages in a millisecond, ticks in a second, heartbeat deadlines in seconds.
// Time is cut into blocks of 256 ms. The current block's events wait in one bucket a
// millisecond (level 0); the next 255 blocks' events wait in one bucket a block (level 1);
// events further out wait in a binary heap by (time, push order). A bitmap a level says which
// buckets hold events, so a pop finds the earliest with a few word scans. When the current
// block is spent, the next block's events, from level 1 or from the heap, are dealt into
// level 0, and the heap's events now within level 1's reach move there.
//
// Every bucket is a list that keeps, among events of equal time, the order they were pushed
// in: pushes append; a block's events come from the heap (in order) or from level 1, never
// from both, since an event goes to the heap only when its block is out of level 1's reach; and
// the heap's events reach level 1 the moment their block comes within reach, before any push
// can append to it. So dealing never sorts. Push and pop are O(1) but for the heap, and the
// events wait in slots that are reused: steady-state pushes and pops do not allocate.
//
// Events are pushed at or after the time of the last one popped (the engine's now); a push into
// the past is a logic error.
#pragma once

#include <array>
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
  EventQueue();

  void reserve(std::size_t n);
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }

  // Throws std::logic_error for a time before the last event popped or before the block
  // pop_until moved to, std::length_error past 4 billion events pending.
  void push(const Event& event) {
    const TimeMs ahead = (event.t_ms >> kBlockBits) - block_;
    if (ahead == 0 && event.t_ms >= floor_) {
      append(now_, static_cast<std::size_t>(event.t_ms & kBucketMask), store(event));
    } else if (ahead > 0 && ahead < kBuckets) {
      append(soon_, static_cast<std::size_t>((block_ + ahead) & kBucketMask), store(event));
    } else {
      push_far(event);
    }
  }

  // The earliest event, if its time is at or before `limit`, taken off the queue into `*out`.
  // The queue never moves past `limit`: pushes at `limit` or later stay valid.
  bool pop_until(TimeMs limit, Event* out) {
    int bucket = first_bucket(now_.bits);
    while (bucket < 0) {
      if (!next_block(limit)) return false;
      bucket = first_bucket(now_.bits);
    }
    if (((block_ << kBlockBits) | bucket) > limit) return false;
    const auto b = static_cast<std::size_t>(bucket);
    const std::uint32_t slot = now_.head[b];
    now_.head[b] = next_[slot];
    if (now_.head[b] == kNone) now_.bits[b >> 6] &= ~(std::uint64_t{1} << (b & 63));
    *out = events_[slot];
    floor_ = out->t_ms;
    next_[slot] = free_;
    free_ = slot;
    --size_;
    return true;
  }

  // The earliest event, taken off the queue; the queue must not be empty.
  Event pop();

 private:
  static constexpr int kBlockBits = 8;  // a block: 256 ms; a level: 256 buckets
  static constexpr int kBuckets = 1 << kBlockBits;
  static constexpr TimeMs kBucketMask = kBuckets - 1;
  static constexpr std::uint32_t kNone = ~std::uint32_t{0};

  // A level: its buckets' lists (through next_) and which buckets hold any.
  struct Level {
    std::array<std::uint32_t, kBuckets> head;
    std::array<std::uint32_t, kBuckets> tail;
    std::array<std::uint64_t, kBuckets / 64> bits{};
  };
  // Level 1's buckets hold blocks block_+1 .. block_+255; the far heap orders (time, seq).
  struct FarKey {
    TimeMs t_ms;
    std::uint64_t seq;
    std::uint32_t slot;
  };

  static int first_bucket(const std::array<std::uint64_t, kBuckets / 64>& bits) {
    for (std::size_t w = 0; w < bits.size(); ++w) {
      if (bits[w] != 0) return static_cast<int>(w * 64) + __builtin_ctzll(bits[w]);
    }
    return -1;
  }
  void append(Level& level, std::size_t bucket, std::uint32_t slot) {
    next_[slot] = kNone;
    if (level.head[bucket] == kNone) {
      level.head[bucket] = slot;
      level.bits[bucket >> 6] |= std::uint64_t{1} << (bucket & 63);
    } else {
      next_[level.tail[bucket]] = slot;
    }
    level.tail[bucket] = slot;
  }
  std::uint32_t store(const Event& event) {
    std::uint32_t slot = free_;
    if (slot == kNone) {
      slot = grow();
    } else {
      free_ = next_[slot];
    }
    events_[slot] = event;
    events_[slot].seq = next_seq_++;
    ++size_;
    return slot;
  }

  std::uint32_t grow();
  void push_far(const Event& event);  // past level 1, or a logic error
  // Makes the next block holding events the current one, if it starts at or before `limit`.
  bool next_block(TimeMs limit);

  Level now_;    // level 0: the current block, a bucket a millisecond
  Level soon_;   // level 1: the next 255 blocks, a bucket a block
  std::vector<FarKey> far_;            // a min-heap by (time, seq): beyond level 1
  std::vector<Event> events_;          // by slot; a popped event's slot is reused
  std::vector<std::uint32_t> next_;    // by slot: the next event in its bucket's list, or free
  std::uint32_t free_ = kNone;         // the free slots' list
  TimeMs block_ = 0;                   // the current block: times block_ * 256 ...
  TimeMs floor_ = 0;                   // the last event popped's time
  std::size_t size_ = 0;
  std::uint64_t next_seq_ = 0;
};

}  // namespace clawsim
