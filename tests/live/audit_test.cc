// The audit log: one line per remote command, a 0600 file, no secrets.
#include "live/audit.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace clawsim {
namespace {

TEST(Audit, SecretsAreRedacted) {
  EXPECT_EQ(redact("docker swarm join --token SWMTKN-1-abc-def 10.0.0.1:2377"),
            "docker swarm join --token <redacted> 10.0.0.1:2377");
  EXPECT_EQ(redact("echo 'SWMTKN-1-xyz' > t"), "echo 'SWMTKN-<redacted>' > t");
  EXPECT_EQ(redact("docker node demote boston"), "docker node demote boston");
}

TEST(Audit, EveryCommandIsALineInAPrivateFile) {
  const std::string path = (std::filesystem::temp_directory_path() / "clawsim-audit-test.log").string();
  std::filesystem::remove(path);
  std::string error;
  {
    auto log = AuditLog::open(path, AuditLevel::kNormal, error);
    ASSERT_TRUE(log) << error;
    CommandResult ok;
    ok.exit_status = 0;
    log->command("boston", "docker swarm join --token SWMTKN-1-secret 10.0.0.1:2377", ok, 42);
    CommandResult observe;
    observe.exit_status = 0;
    log->command("atlanta", "D='docker'; set -o pipefail; $D node ls", observe, 5);  // debug: not logged
  }
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600U);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("node=boston ms=42 exit 0 cmd=docker swarm join --token <redacted> 10.0.0.1:2377"),
            std::string::npos)
      << text.str();
  EXPECT_EQ(text.str().find("SWMTKN-1-secret"), std::string::npos);
  EXPECT_EQ(text.str().find("atlanta"), std::string::npos) << "observations only with --verbose";
  std::filesystem::remove(path);
}

// -q keeps what the drill did and what failed; -v adds the observations.
TEST(Audit, LevelsKeepLessOrMore) {
  const auto dir = std::filesystem::temp_directory_path();
  auto logged = [&](AuditLevel level, const char* name) {
    const std::string path = (dir / name).string();
    std::filesystem::remove(path);
    {
      std::string error;
      auto log = AuditLog::open(path, level, error);
      EXPECT_TRUE(log) << error;
      if (!log) return std::string();
      CommandResult ok, failed;
      ok.exit_status = 0;
      failed.exit_status = 1;
      failed.err = "no such node";
      log->note("fault crash-node @leader: power-off atlanta (undo journaled: power-on atlanta)");
      log->command("boston", "ufw status verbose", ok, 12);
      log->command("boston", "docker node demote paris", failed, 30);
      log->command("atlanta", "D='docker'; $D node ls", ok, 5);
    }
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    std::filesystem::remove(path);
    return text.str();
  };
  const std::string quiet = logged(AuditLevel::kQuiet, "clawsim-audit-quiet.log");
  EXPECT_NE(quiet.find("fault crash-node @leader"), std::string::npos) << quiet;
  EXPECT_NE(quiet.find("warning node=boston ms=30 exit 1 cmd=docker node demote paris"), std::string::npos) << quiet;
  EXPECT_EQ(quiet.find("ufw status"), std::string::npos) << "a read that worked is not kept with -q";
  const std::string normal = logged(AuditLevel::kNormal, "clawsim-audit-normal.log");
  EXPECT_NE(normal.find("info node=boston ms=12 exit 0 cmd=ufw status verbose"), std::string::npos) << normal;
  EXPECT_NE(normal.find("cmd=docker node demote paris"), std::string::npos);
  EXPECT_EQ(normal.find("(observe)"), std::string::npos);
  const std::string verbose = logged(AuditLevel::kVerbose, "clawsim-audit-verbose.log");
  EXPECT_NE(verbose.find("debug node=atlanta ms=5 exit 0 cmd=(observe)"), std::string::npos) << verbose;
}

}  // namespace
}  // namespace clawsim
