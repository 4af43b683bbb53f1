#include "sim/rng.h"

#include <gtest/gtest.h>

#include <array>

namespace clawsim {
namespace {

TEST(Rng, SameSeedSameStream) {
  Rng a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const auto x = a.next();
    EXPECT_EQ(x, b.next());
    differs = differs || x != c.next();
  }
  EXPECT_TRUE(differs);
}

TEST(Rng, KnownValuesPinTheGenerator) {
  // Reports are byte-identical across builds only if the generator never changes.
  Rng r(1);
  const std::uint64_t first = r.next();
  Rng again(1);
  EXPECT_EQ(first, again.next());
  EXPECT_EQ(derive_seed(7, 1), derive_seed(7, 1));
  EXPECT_NE(derive_seed(7, 1), derive_seed(7, 2));
  EXPECT_NE(derive_seed(7, 1), derive_seed(8, 1));
}

TEST(Rng, BelowAndBetweenStayInRangeAndCoverIt) {
  Rng r(3);
  std::array<int, 10> seen{};
  for (int i = 0; i < 10'000; ++i) {
    const auto v = r.below(10);
    ASSERT_LT(v, 10U);
    ++seen[v];
    const auto w = r.between(-2, 2);
    ASSERT_GE(w, -2);
    ASSERT_LE(w, 2);
  }
  for (int count : seen) EXPECT_GT(count, 850) << "roughly uniform";
  EXPECT_EQ(r.between(5, 5), 5);
}

}  // namespace
}  // namespace clawsim
