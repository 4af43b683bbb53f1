#include "sim/parallel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

namespace clawsim {
namespace {

TEST(ParallelFor, RunsEachIndexOnceAndReportsEveryCompletion) {
  for (int jobs : {1, 2, 7}) {
    std::vector<int> ran(1000, 0);
    std::vector<std::size_t> done;
    parallel_for(ran.size(), jobs, [&](std::size_t i) { ++ran[i]; }, [&](std::size_t d) { done.push_back(d); });
    EXPECT_EQ(std::count(ran.begin(), ran.end(), 1), 1000) << jobs << " jobs";
    ASSERT_EQ(done.size(), 1000U);
    for (std::size_t k = 0; k < done.size(); ++k) EXPECT_EQ(done[k], k + 1);
  }
}

TEST(ParallelFor, TheLowestIndexThatThrowsIsTheFailureWhateverTheJobs) {
  for (int jobs : {1, 2, 4}) {
    std::vector<int> ran(100, 0);
    try {
      parallel_for(ran.size(), jobs, [&](std::size_t i) {
        ++ran[i];
        if (i % 30 == 17) throw std::runtime_error("run " + std::to_string(i));
      });
      FAIL() << "no exception";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "run 17") << jobs << " jobs";
    }
    EXPECT_EQ(std::count(ran.begin(), ran.end(), 1), 100) << "every other run still finishes";
  }
}

TEST(ParallelFor, NothingToDoIsFine) {
  parallel_for(0, 4, [](std::size_t) { FAIL(); });
  EXPECT_GE(default_jobs(), 1);
}

}  // namespace
}  // namespace clawsim
