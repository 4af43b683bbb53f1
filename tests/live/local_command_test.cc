#include "live/local_command.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

namespace clawsim {
namespace {

// Running, not a zombie waiting for init to reap it.
bool alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  const auto close = line.rfind(") ");
  return close != std::string::npos && line.compare(close + 2, 1, "Z") != 0;
}

TEST(RunHere, ExitStatusAndBothStreams) {
  const CommandResult r = run_here("echo out; echo err >&2; exit 3", 5000);
  EXPECT_EQ(r.exit_status, 3);
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "err\n");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.describe(), "exit status 3: err");
  EXPECT_TRUE(run_here("true", 5000).ok());
}

TEST(RunHere, StdinIsEmpty) {
  const CommandResult r = run_here("cat; echo done", 5000);
  EXPECT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(r.out, "done\n") << "a command reading stdin must not wait for a terminal";
}

TEST(RunHere, ATimeoutKillsTheCommandAndWhatItStarted) {
  // The background sleep's pid comes out first; then the shell waits past the deadline.
  const CommandResult r = run_here("sleep 30 & echo $!; wait", 300);
  EXPECT_TRUE(r.timed_out);
  EXPECT_FALSE(r.ok());
  const pid_t child = static_cast<pid_t>(std::stol(r.out));
  for (int i = 0; i < 100 && alive(child); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_FALSE(alive(child)) << "the sleep the command started was left running";
}

TEST(RunHere, ACommandThatClosesItsOutputAndRunsOnStillTimesOut) {
  const auto t0 = std::chrono::steady_clock::now();
  const CommandResult r = run_here("exec >/dev/null 2>&1; sleep 30", 300);
  EXPECT_TRUE(r.timed_out);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10));
}

TEST(RunHere, OutputBeyondTheLimitIsDropped) {
  const CommandResult r = run_here("head -c 100000 /dev/zero", 5000, 1000);
  EXPECT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(r.out.size(), 1000U);
  EXPECT_TRUE(r.truncated);
}

TEST(RunHere, ASignalIsReportedAsTheShellWould) {
  const CommandResult r = run_here("kill -KILL $$", 5000);
  EXPECT_EQ(r.exit_status, 128 + SIGKILL);
}

}  // namespace
}  // namespace clawsim
