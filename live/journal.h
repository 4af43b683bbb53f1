// The append-only journal of a drill: every fault's undo is written (and fsync'd) before the
// fault is injected, and each later step (done, failed, undone) is appended as its own line.
// `clawsim live recover` reads it back and undoes whatever is still outstanding, even after
// clawsim itself was killed.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace clawsim {

enum class JournalStatus {
  kPlanned,   // the undo is written; the fault may run from now on
  kDone,      // the fault ran
  kFailed,    // the fault failed, perhaps part-way: its undo is still owed
  kUndone,    // the undo ran
  kResolved,  // nothing left to undo: healed by a later action, or applied for good
};
// The journal's words: planned, done, failed, undone, resolved.
const char* to_string(JournalStatus status);
std::optional<JournalStatus> parse_journal_status(std::string_view text);

struct JournalEntry {
  int id = 0;
  JournalStatus status = JournalStatus::kPlanned;
  std::string action;  // the action's description
  int node = -1;       // inventory index the command runs on
  std::string command;
  int undo_node = -1;
  std::string undo;    // "" when the action needs no undo
  bool here = false;   // command and undo run on this machine (power control), not on the node
};

// Where a drill's entries go. A test's sink can refuse any append, as a full disk would.
class JournalSink {
 public:
  virtual ~JournalSink() = default;
  // Appends one entry durably. False (with `error`) if it could not be written.
  virtual bool append(const JournalEntry& entry, std::string& error) = 0;
};

// The journal file: one JSON line per entry, fsync'd; created 0600.
class Journal final : public JournalSink {
 public:
  // Opens (creating) the file for appending; `error` says why when it cannot.
  bool open(const std::string& path, std::string& error);
  bool append(const JournalEntry& entry, std::string& error) override;
  const std::string& path() const { return path_; }
  ~Journal() override;

 private:
  int fd_ = -1;
  std::string path_;
};

// Reads a journal; entries in file order. A torn last line (a crash mid-write) is ignored.
bool read_journal(const std::string& path, std::vector<JournalEntry>& entries, std::string& error);

// The undos still owed, newest first: entries whose fault may have run (planned, done, or
// failed part-way) and
// that no later line marks undone or resolved.
std::vector<JournalEntry> outstanding_undos(const std::vector<JournalEntry>& entries);

}  // namespace clawsim
