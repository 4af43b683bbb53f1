// The audit log of live mode: every remote command, the node it ran on, its exit status and
// how long it took, one line each (spdlog, a file created 0600). Secrets never reach it: join
// tokens and --token arguments are redacted. Observations, which run every second, are logged
// at debug level; everything that changes or probes the cluster at info.
#pragma once

#include <memory>
#include <string>

#include "live/ssh.h"
#include "model/time.h"

namespace spdlog {
class logger;
}

namespace clawsim {

// The command with its secrets replaced by "<redacted>": swarm join tokens (SWMTKN-...) and the
// argument of --token.
std::string redact(const std::string& command);

class AuditLog {
 public:
  // Opens (creating 0600, appending) the file; nullptr with `error` when it cannot.
  static std::unique_ptr<AuditLog> open(const std::string& path, bool verbose, std::string& error);
  ~AuditLog();
  void command(const std::string& node, const std::string& command, const CommandResult& result,
               DurationMs duration_ms);
  void note(const std::string& text);
  const std::string& path() const { return path_; }

 private:
  AuditLog(std::shared_ptr<spdlog::logger> logger, std::string path)
      : logger_(std::move(logger)), path_(std::move(path)) {}
  std::shared_ptr<spdlog::logger> logger_;
  std::string path_;
};

}  // namespace clawsim
