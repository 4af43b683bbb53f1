#include "live/journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

namespace clawsim {

namespace {

constexpr std::pair<JournalStatus, const char*> kStatusWords[] = {
    {JournalStatus::kPlanned, "planned"}, {JournalStatus::kDone, "done"},
    {JournalStatus::kFailed, "failed"},   {JournalStatus::kUndone, "undone"},
    {JournalStatus::kResolved, "resolved"},
};

}  // namespace

const char* to_string(JournalStatus status) {
  for (const auto& [s, word] : kStatusWords) {
    if (s == status) return word;
  }
  return "?";
}

std::optional<JournalStatus> parse_journal_status(std::string_view text) {
  for (const auto& [s, word] : kStatusWords) {
    if (text == word) return s;
  }
  return std::nullopt;
}

bool Journal::open(const std::string& path, std::string& error) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd_ < 0) {
    error = path + ": cannot open the journal: " + std::strerror(errno);
    return false;
  }
  path_ = path;
  return true;
}

Journal::~Journal() {
  if (fd_ >= 0) ::close(fd_);
}

bool Journal::append(const JournalEntry& e, std::string& error) {
  nlohmann::ordered_json j{{"id", e.id},           {"status", to_string(e.status)}, {"action", e.action},
                           {"node", e.node},       {"command", e.command},
                           {"undo_node", e.undo_node}, {"undo", e.undo}};
  if (e.here) j["here"] = true;
  const std::string line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::size_t written = 0;
  while (written < line.size()) {
    const ssize_t n = ::write(fd_, line.data() + written, line.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error = path_ + ": cannot write the journal: " + std::strerror(errno);
      return false;
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd_) != 0) {
    error = path_ + ": fsync failed: " + std::strerror(errno);
    return false;
  }
  return true;
}

bool read_journal(const std::string& path, std::vector<JournalEntry>& entries, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = path + ": cannot read the journal";
    return false;
  }
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      if (in.peek() == std::char_traits<char>::eof()) break;  // torn last line
      error = path + ":" + std::to_string(number) + ": not a journal entry";
      return false;
    }
    JournalEntry e;
    try {
      const std::optional<JournalStatus> status = parse_journal_status(j.value("status", ""));
      if (!status) {
        error = path + ":" + std::to_string(number) + ": status: not one of planned, done, failed, undone, resolved";
        return false;
      }
      e.id = j.value("id", 0);
      e.status = *status;
      e.action = j.value("action", "");
      e.node = j.value("node", -1);
      e.command = j.value("command", "");
      e.undo_node = j.value("undo_node", -1);
      e.undo = j.value("undo", "");
      e.here = j.value("here", false);
    } catch (const nlohmann::json::exception&) {  // a field of another type than written
      error = path + ":" + std::to_string(number) + ": not a journal entry (a field of the wrong type)";
      return false;
    }
    entries.push_back(std::move(e));
  }
  return true;
}

std::vector<JournalEntry> outstanding_undos(const std::vector<JournalEntry>& entries) {
  std::map<int, JournalEntry> planned;  // by id: the line with the undo
  std::map<int, bool> settled;
  std::vector<int> order;
  for (const JournalEntry& e : entries) {
    if (e.status == JournalStatus::kPlanned) {
      if (!planned.count(e.id)) order.push_back(e.id);
      planned[e.id] = e;
    } else if (e.status == JournalStatus::kUndone || e.status == JournalStatus::kResolved) {
      // a failed fault may have half-run: its undo stays owed
      settled[e.id] = true;
    }
  }
  std::vector<JournalEntry> out;
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const JournalEntry& e = planned[*it];
    if (!settled[*it] && !e.undo.empty()) out.push_back(e);
  }
  return out;
}

}  // namespace clawsim
