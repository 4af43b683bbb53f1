// SSH to the cluster's nodes over libssh2: one connection per node, reused for every command;
// the host key always checked against a known_hosts file (unknown or changed keys refuse the
// connection); public-key login; every command bounded in time and in output. Nothing here
// logs secrets: keys are read by libssh2 from their files and never pass through this code.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "model/time.h"

namespace clawsim {

struct SshTarget {
  std::string name;  // the node's name, for messages
  std::string host;  // IPv4 address or name
  int port = 22;
  std::string user = "root";
  std::string key_path;     // private key; the public key is key_path + ".pub"
  std::string known_hosts;  // OpenSSH format
  DurationMs connect_timeout_ms = 5000;
};

struct CommandResult {
  int exit_status = -1;
  std::string out;
  std::string err;
  bool timed_out = false;
  DurationMs timeout_ms = 0;  // the bound it ran under, for messages
  bool truncated = false;  // output beyond the limit was read and dropped
  std::string error;       // a transport failure, "" if the command ran
  bool ok() const { return error.empty() && !timed_out && exit_status == 0; }
  // One line for messages: the error, the timeout, or the exit status and stderr.
  std::string describe() const;
};

// The command as a node runs it: under coreutils `timeout` when the node has it (killed, with
// what it started, once it outlives timeout_ms, rounded up to seconds; SIGKILL 2 s later if it
// ignores SIGTERM; exit 124 or 137 then), in the user's shell as sshd would run it.
std::string bounded_on_node(const std::string& command, DurationMs timeout_ms);

class SshSession {
 public:
  // Connects, verifies the host key and logs in; on failure `error` says why, naming the host.
  static std::unique_ptr<SshSession> connect(const SshTarget& target, std::string& error);
  ~SshSession();
  SshSession(const SshSession&) = delete;
  SshSession& operator=(const SshSession&) = delete;

  // Runs `command` through the node's shell. Gives up after timeout_ms (the channel is closed;
  // the session stays usable unless the transport broke). The node bounds it too (coreutils
  // `timeout`, where the node has it): a command that hangs is killed there, so it cannot take
  // effect after its caller gave up on it (a frozen daemon resumed later). Keeps at most
  // max_output bytes of each stream.
  CommandResult run(const std::string& command, DurationMs timeout_ms,
                    std::size_t max_output = 1 << 20);
  bool broken() const { return broken_; }
  const SshTarget& target() const { return target_; }

 private:
  SshSession() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  SshTarget target_;
  bool broken_ = false;
};

}  // namespace clawsim
