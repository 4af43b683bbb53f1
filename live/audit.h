// The audit log of live mode: every remote command, the node it ran on, its exit status and
// how long it took, one line each (spdlog, a file created 0600), and a note of each fault and
// each undo as it is done. Secrets never reach it: join tokens and --token arguments are
// redacted. Three levels (-q, default, -v):
//   quiet    the notes (each fault, each undo, what ran) and the commands that failed;
//   normal   and every command, except the observation that runs every second;
//   verbose  and the observations too (at debug level).
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

enum class AuditLevel { kQuiet, kNormal, kVerbose };

class AuditLog {
 public:
  // Opens (creating 0600, appending) the file; nullptr with `error` when it cannot.
  static std::unique_ptr<AuditLog> open(const std::string& path, AuditLevel level, std::string& error);
  ~AuditLog();
  void command(const std::string& node, const std::string& command, const CommandResult& result,
               DurationMs duration_ms);
  void note(const std::string& text);
  const std::string& path() const { return path_; }

 private:
  AuditLog(std::shared_ptr<spdlog::logger> logger, std::string path, AuditLevel level)
      : logger_(std::move(logger)), path_(std::move(path)), level_(level) {}
  std::shared_ptr<spdlog::logger> logger_;
  std::string path_;
  AuditLevel level_;
};

}  // namespace clawsim
