// The append-only journal of a drill: every fault's undo is written (and fsync'd) before the
// fault is injected, and each later step (done, failed, undone) is appended as its own line.
// `clawsim live recover` reads it back and undoes whatever is still outstanding, even after
// clawsim itself was killed.
#pragma once

#include <string>
#include <vector>

namespace clawsim {

struct JournalEntry {
  int id = 0;
  std::string status;  // planned | done | failed | undone | resolved (healed by a later action)
  std::string action;  // the action's description
  int node = -1;       // inventory index the command runs on
  std::string command;
  int undo_node = -1;
  std::string undo;    // "" when the action needs no undo
  bool here = false;   // command and undo run on this machine (power control), not on the node
};

class Journal {
 public:
  // Opens (creating) the file for appending; `error` says why when it cannot.
  bool open(const std::string& path, std::string& error);
  // Appends one line and fsyncs it. False (with `error`) if the disk refused.
  bool append(const JournalEntry& entry, std::string& error);
  const std::string& path() const { return path_; }
  ~Journal();

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
