// SSH refusals that need no server (they come before anything is dialled), and the command
// as a node runs it, bounded there too.
#include "live/ssh.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "live/local_command.h"

namespace clawsim {
namespace {

TEST(Ssh, APrivateKeyOthersCanReadIsRefusedAsOpenSshDoes) {
  const std::string key = (std::filesystem::temp_directory_path() / "clawsim-ssh-test-key").string();
  { std::ofstream(key) << "not a key\n"; }
  ::chmod(key.c_str(), 0644);
  SshTarget target;
  target.name = "atlanta";
  target.host = "127.0.0.1";
  target.port = 1;  // nothing listens: a refusal that dialled would say "connection refused"
  target.key_path = key;
  std::string error;
  EXPECT_EQ(SshSession::connect(target, error), nullptr);
  EXPECT_NE(error.find("atlanta: refusing to use the private key " + key + ": others can read it (mode 0644)"),
            std::string::npos)
      << error;
  ::chmod(key.c_str(), 0600);
  error.clear();
  EXPECT_EQ(SshSession::connect(target, error), nullptr);
  EXPECT_EQ(error.find("refusing to use the private key"), std::string::npos) << "0600 is fine: " << error;
  std::filesystem::remove(key);
}

// What a node runs for a command: the wrapper is run here by /bin/sh, as sshd would.
TEST(Ssh, ANodeKillsACommandThatOutlivesItsTimeoutWithWhatItStarted) {
  const auto t0 = std::chrono::steady_clock::now();
  const CommandResult r = run_here(bounded_on_node("sleep 30 & echo $!; wait", 1000), 20'000);
  EXPECT_FALSE(r.timed_out) << "the node's own bound answers before the caller's";
  EXPECT_EQ(r.exit_status, 124) << r.describe();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10));
  const pid_t child = static_cast<pid_t>(std::stol(r.out));
  for (int i = 0; i < 200 && ::kill(child, 0) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_NE(::kill(child, 0), 0) << "the sleep the command started was left running";
}

TEST(Ssh, ANodeRunsTheCommandAsWrittenWithOrWithoutTimeout) {
  const std::string command = "printf '%s|' 'it'\\''s' \"$((1 + 2))\"; exit 3";
  const CommandResult bounded = run_here(bounded_on_node(command, 5000), 10'000);
  EXPECT_EQ(bounded.out, "it's|3|");
  EXPECT_EQ(bounded.exit_status, 3);
  const CommandResult unbounded = run_here("PATH=/nonexistent; " + bounded_on_node(command, 5000), 10'000);
  EXPECT_EQ(unbounded.out, "it's|3|") << "a node without `timeout` runs the command unbounded";
  EXPECT_EQ(unbounded.exit_status, 3);
}

TEST(Ssh, ATimeoutSaysHowLongItWaited) {
  CommandResult r;
  r.timed_out = true;
  r.timeout_ms = 10'000;
  EXPECT_EQ(r.describe(), "timed out after 10 s");
  r.timeout_ms = 2'500;
  EXPECT_EQ(r.describe(), "timed out after 2500 ms");
}

}  // namespace
}  // namespace clawsim
