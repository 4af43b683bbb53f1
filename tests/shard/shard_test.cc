#include <gtest/gtest.h>

#include "shard/shard.h"

namespace clawsim {
namespace {

TEST(Shard, ParsesKOfN) {
  const Result<Shard> s = parse_shard("2/8");
  ASSERT_TRUE(s);
  EXPECT_EQ(s.value().index, 2);
  EXPECT_EQ(s.value().count, 8);
  for (const char* bad : {"", "3", "0/2", "3/2", "1/0", "a/2", "1/2x", "-1/2", "1/"}) {
    const Result<Shard> r = parse_shard(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().field, "--shard") << bad;
  }
}

// The slices tile the runs in order, none empty while there are runs enough, sizes within one.
TEST(Shard, SlicesTileTheRunsInOrder) {
  for (std::size_t total : {1U, 7U, 50U, 1000U}) {
    for (int n = 1; n <= 9 && static_cast<std::size_t>(n) <= total; ++n) {
      std::size_t next = 0, smallest = total, largest = 0;
      for (int k = 1; k <= n; ++k) {
        const auto [first, last] = shard_range(Shard{k, n}, total);
        EXPECT_EQ(first, next) << k << "/" << n << " of " << total;
        next = last;
        smallest = std::min(smallest, last - first);
        largest = std::max(largest, last - first);
      }
      EXPECT_EQ(next, total);
      EXPECT_GE(smallest, 1U);
      EXPECT_LE(largest - smallest, 1U);
    }
  }
}

}  // namespace
}  // namespace clawsim
