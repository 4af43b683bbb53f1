#include "sim/event_queue.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "sim/rng.h"

namespace clawsim {
namespace {

// Pushes and pops interleaved at random, with many equal times: every pop is the earliest
// event pending, and among equal times the first pushed (FIFO), as a sorted reference says.
TEST(EventQueue, PopsByTimeThenInPushOrder) {
  Rng rng(7);
  EventQueue q;
  std::vector<std::pair<TimeMs, int>> pending;  // (time, push number)
  int pushed = 0;
  for (int step = 0; step < 20000; ++step) {
    if (pending.empty() || rng.next() % 3 != 0) {
      Event e;
      e.t_ms = static_cast<TimeMs>(rng.next() % 50);
      e.node = pushed;
      q.push(e);
      pending.emplace_back(e.t_ms, pushed++);
      continue;
    }
    const auto earliest = std::min_element(pending.begin(), pending.end());
    ASSERT_EQ(q.size(), pending.size());
    const Event e = q.pop();
    EXPECT_EQ(e.t_ms, earliest->first);
    EXPECT_EQ(e.node, earliest->second) << "at step " << step;
    pending.erase(earliest);
  }
}

}  // namespace
}  // namespace clawsim
