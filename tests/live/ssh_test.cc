// SSH refusals that need no server: they come before anything is dialled.
#include "live/ssh.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

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

}  // namespace
}  // namespace clawsim
