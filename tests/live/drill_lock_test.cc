// The drill lock's commands, run by a real /bin/sh on a directory of the test's own.
#include "live/drill_lock.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "live/local_command.h"

namespace clawsim {
namespace {

class DrillLockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = std::filesystem::temp_directory_path() /
            ("clawsim-drill-lock-test-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(base_);
    std::filesystem::create_directories(base_);
    dir_ = (base_ / "drill.lock").string();
  }
  void TearDown() override {
    std::filesystem::permissions(base_, std::filesystem::perms::owner_all);
    std::filesystem::remove_all(base_);
  }
  static CommandResult sh(const std::string& command) { return run_here(command, 10'000); }
  DrillLock lock(const std::string& journal) { return drill_lock(journal, 4242, "ci-host", "2026-12-02T15:47:03Z", dir_); }

  std::filesystem::path base_;
  std::string dir_;
};

TEST_F(DrillLockTest, OneHolderAtATimeAndTheQueryNamesIt) {
  const DrillLock first = lock("/var/drills/a b's.journal");
  const DrillLock second = lock("/var/drills/other.journal");
  EXPECT_FALSE(sh(drill_lock_query(dir_)).ok()) << "free before anyone takes it";
  ASSERT_TRUE(sh(first.take).ok());
  EXPECT_FALSE(sh(second.take).ok());
  const CommandResult held = sh(drill_lock_query(dir_));
  ASSERT_TRUE(held.ok());
  EXPECT_EQ(held.out, first.holder + "\n");
  EXPECT_EQ(first.holder, "journal /var/drills/a b's.journal, pid 4242 on ci-host, since 2026-12-02T15:47:03Z");
}

TEST_F(DrillLockTest, ReleaseFreesOnlyItsOwnHolderAndCanRunAgain) {
  const DrillLock first = lock("/j/first.journal");
  const DrillLock second = lock("/j/second.journal");
  ASSERT_TRUE(sh(first.take).ok());
  EXPECT_TRUE(sh(second.release).ok()) << "another drill's release: nothing to do";
  EXPECT_TRUE(std::filesystem::exists(dir_)) << "and it did not free the first drill's lock";
  EXPECT_TRUE(sh(first.release).ok());
  EXPECT_FALSE(std::filesystem::exists(dir_));
  EXPECT_TRUE(sh(first.release).ok()) << "releasing a free lock again (live recover after the drill) succeeds";
  ASSERT_TRUE(sh(second.take).ok());
  EXPECT_TRUE(sh(first.release).ok());
  EXPECT_TRUE(std::filesystem::exists(dir_)) << "a late recover of the first drill leaves the second's lock";
}

TEST_F(DrillLockTest, ALockThatCannotNameItsHolderIsNotKept) {
  // A printf that fails as on a full /tmp: the directory made just before is removed again.
  EXPECT_FALSE(sh("printf() { return 1; }; " + lock("/j/x.journal").take).ok());
  EXPECT_FALSE(std::filesystem::exists(dir_));
}

TEST_F(DrillLockTest, AnOldLockWithoutAHolderIsReportedAsHeld) {
  ASSERT_TRUE(sh("mkdir " + dir_).ok());
  const CommandResult held = sh(drill_lock_query(dir_));
  ASSERT_TRUE(held.ok());
  EXPECT_EQ(held.out, "a drill whose lock names no journal\n");
  EXPECT_FALSE(sh(lock("/j/x.journal").take).ok());
}

TEST(DrillLockRefusal, NamesTheHolderOrTheReason) {
  EXPECT_EQ(drill_lock_refusal("atlanta", "journal /j/a.journal, pid 1 on h, since t", "mkdir: File exists"),
            "another drill holds the lock on atlanta: journal /j/a.journal, pid 1 on h, since t; if that drill no "
            "longer runs it was killed: clawsim live recover --journal with its journal undoes what it owes and "
            "releases the lock");
  EXPECT_EQ(drill_lock_refusal("atlanta", "", "mkdir: Permission denied"),
            "cannot take the drill lock /tmp/clawsim-drill.lock on atlanta: mkdir: Permission denied");
}

}  // namespace
}  // namespace clawsim
