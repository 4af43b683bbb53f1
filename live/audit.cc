#include "live/audit.h"

#include <fcntl.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

namespace clawsim {

std::string redact(const std::string& command) {
  std::string out = command;
  for (std::size_t at = out.find("SWMTKN-"); at != std::string::npos; at = out.find("SWMTKN-", at + 1)) {
    std::size_t end = at;
    while (end < out.size() && out[end] != ' ' && out[end] != '\'' && out[end] != '"') ++end;
    out.replace(at, end - at, "SWMTKN-<redacted>");
  }
  for (const std::string flag : {"--token ", "--token="}) {
    for (std::size_t at = out.find(flag); at != std::string::npos; at = out.find(flag, at + 1)) {
      const std::size_t start = at + flag.size();
      std::size_t end = start;
      while (end < out.size() && out[end] != ' ') ++end;
      out.replace(start, end - start, "<redacted>");
    }
  }
  return out;
}

std::unique_ptr<AuditLog> AuditLog::open(const std::string& path, AuditLevel level, std::string& error) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) {
    error = path + ": cannot create the audit log: " + std::strerror(errno);
    return nullptr;
  }
  ::fchmod(fd, 0600);
  ::close(fd);
  static std::atomic<int> counter{0};
  try {
    auto sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(path, false);
    auto logger = std::make_shared<spdlog::logger>("audit-" + std::to_string(counter++), sink);
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %l %v");
    logger->set_level(level == AuditLevel::kVerbose ? spdlog::level::debug : spdlog::level::info);
    logger->flush_on(spdlog::level::debug);
    return std::unique_ptr<AuditLog>(new AuditLog(std::move(logger), path, level));
  } catch (const spdlog::spdlog_ex& e) {
    error = path + ": " + e.what();
    return nullptr;
  }
}

AuditLog::~AuditLog() = default;

void AuditLog::command(const std::string& node, const std::string& command, const CommandResult& result,
                       DurationMs duration_ms) {
  // The observation script runs every second: its text is long and says nothing new.
  const bool observation = command.rfind("D='", 0) == 0 || command.find(" node ls") != std::string::npos;
  const std::string shown = observation ? "(observe)" : redact(command);
  if (level_ == AuditLevel::kQuiet && result.ok()) return;
  const std::string outcome = !result.error.empty() ? "error: " + result.error
                              : result.timed_out    ? "timed out"
                                                    : "exit " + std::to_string(result.exit_status);
  const auto level = !result.ok() && level_ == AuditLevel::kQuiet ? spdlog::level::warn
                     : observation                                 ? spdlog::level::debug
                                                                   : spdlog::level::info;
  logger_->log(level, "node={} ms={} {} cmd={}", node, duration_ms, outcome, shown);
}

void AuditLog::note(const std::string& text) { logger_->info("{}", redact(text)); }

}  // namespace clawsim
