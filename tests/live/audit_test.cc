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
    auto log = AuditLog::open(path, false, error);
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

}  // namespace
}  // namespace clawsim
