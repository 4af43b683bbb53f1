#include "sim/event_queue.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <utility>
#include <vector>

#include "sim/rng.h"

namespace clawsim {
namespace {

// Drives a queue and a sorted reference side by side: pushes at or after the last time popped,
// `spread` ms ahead at most (rounded up to a multiple of `grain`, for many equal times), and
// pops (some bounded by a limit) interleaved at random. Every pop is the earliest event pending
// and, among equal times, the first pushed (FIFO).
void pops_as_the_reference_does(std::uint64_t seed, TimeMs spread, int steps, TimeMs grain = 1) {
  Rng rng(seed);
  EventQueue q;
  std::vector<std::pair<TimeMs, int>> pending;  // (time, push number)
  int pushed = 0;
  TimeMs now = 0;
  for (int step = 0; step < steps; ++step) {
    if (pending.empty() || rng.next() % 3 != 0) {
      Event e;
      // Many equal times: half the pushes within 4 ms of now.
      const auto ahead = static_cast<std::uint64_t>(rng.next() % 2 == 0 ? 4 : spread);
      e.t_ms = now + static_cast<TimeMs>(rng.below(ahead + 1));
      e.t_ms = (e.t_ms + grain - 1) / grain * grain;
      e.node = pushed;
      q.push(e);
      pending.emplace_back(e.t_ms, pushed++);
      continue;
    }
    ASSERT_EQ(q.size(), pending.size());
    const auto earliest = std::min_element(pending.begin(), pending.end());
    const TimeMs limit = now + static_cast<TimeMs>(rng.below(static_cast<std::uint64_t>(spread) + 1));
    Event e;
    if (!q.pop_until(limit, &e)) {
      EXPECT_GT(earliest->first, limit) << "at step " << step;
      now = limit;  // as the engine does: time moves to the limit
      continue;
    }
    EXPECT_EQ(e.t_ms, earliest->first) << "at step " << step;
    EXPECT_EQ(e.node, earliest->second) << "at step " << step;
    now = e.t_ms;
    pending.erase(earliest);
  }
  while (!pending.empty()) {  // and drained, in order
    const auto earliest = std::min_element(pending.begin(), pending.end());
    const Event e = q.pop();
    ASSERT_EQ(e.node, earliest->second);
    pending.erase(earliest);
  }
  EXPECT_TRUE(q.empty());
}

TEST(EventQueue, PopsByTimeThenInPushOrderWithinOneBlock) { pops_as_the_reference_does(7, 50, 20000); }

TEST(EventQueue, PopsByTimeThenInPushOrderAcrossBlocks) { pops_as_the_reference_does(8, 20000, 20000); }

// Past level 1's reach (255 blocks of 256 ms): events wait in the far heap and join the
// buckets in push order among equal times.
TEST(EventQueue, PopsByTimeThenInPushOrderFromFarAhead) {
  pops_as_the_reference_does(9, 400000, 20000);
  pops_as_the_reference_does(10, 400000, 20000, 10000);  // equal times pushed from far and near
}

// One time, pushed three times as it comes nearer: from the far heap, from level 1, and into
// the current block. They come out in push order.
TEST(EventQueue, EqualTimesFromEveryLevelComeOutInPushOrder) {
  EventQueue q;
  Event e;
  Event out;
  const auto push = [&](TimeMs t, int id) {
    e.t_ms = t;
    e.node = id;
    q.push(e);
  };
  push(100'000, 0);  // 100 s ahead: the far heap
  push(50'000, -1);
  ASSERT_TRUE(q.pop_until(50'000, &out));
  push(100'000, 1);  // 50 s ahead: level 1
  push(99'990, -1);
  ASSERT_TRUE(q.pop_until(99'990, &out));
  push(100'000, 2);  // the current block
  for (int id = 0; id < 3; ++id) {
    ASSERT_TRUE(q.pop_until(100'000, &out));
    EXPECT_EQ(out.t_ms, 100'000);
    EXPECT_EQ(out.node, id);
  }
  EXPECT_TRUE(q.empty());
}

TEST(EventQueue, RefusesAnEventInThePast) {
  EventQueue q;
  Event e;
  e.t_ms = 1000;
  q.push(e);
  e.t_ms = 2000;
  q.push(e);
  Event out;
  ASSERT_TRUE(q.pop_until(1500, &out));
  EXPECT_EQ(out.t_ms, 1000);
  e.t_ms = 999;
  EXPECT_THROW(q.push(e), std::logic_error);
  // pop_until moved to 2000's block (1792-2047) and stopped short of it: 1800 is still ahead.
  EXPECT_FALSE(q.pop_until(1800, &out));
  e.t_ms = 1800;
  q.push(e);
  ASSERT_TRUE(q.pop_until(1800, &out));
  EXPECT_EQ(out.t_ms, 1800);
}

TEST(EventQueue, RefusesToPopWhenEmpty) {
  EventQueue q;
  EXPECT_THROW(q.pop(), std::logic_error);
  Event out;
  EXPECT_FALSE(q.pop_until(1'000'000, &out));
}

}  // namespace
}  // namespace clawsim
