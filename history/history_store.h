// The game-day history: an SQLite file, no server. One row per game-day run (when, clawsim's
// version, the plan digest, the cluster's Docker version), one per drill in it (its verdict),
// one per measured duration (observed, the model's predicted min/median/max, inside or not).
// A versioned schema migrated forward on open; every write is a transaction, so a crash mid-run
// loses nothing already committed. This is I/O: the pure core never includes it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gameday/records.h"

struct sqlite3;

namespace clawsim {

class HistoryStore {
 public:
  static constexpr int kSchemaVersion = 3;

  // Opens (creating and migrating) the file; nullptr with `error` when it cannot.
  static std::unique_ptr<HistoryStore> open(const std::string& path, std::string& error);
  ~HistoryStore();
  HistoryStore(const HistoryStore&) = delete;
  HistoryStore& operator=(const HistoryStore&) = delete;

  int schema_version() const;
  // Each of these is one transaction; false with `error` when the file refused it.
  bool begin_run(RunRecord& run, std::string& error);  // sets run.id; outcome "running"
  bool add_drill(std::int64_t run_id, int position, const DrillRecord& drill, std::string& error);
  bool set_docker_version(std::int64_t run_id, const std::string& version, std::string& error);
  bool end_run(std::int64_t run_id, const std::string& ended_at, const std::string& outcome,
               std::string& error);
  // Runs of a game day, oldest first, with their drills and measures.
  std::vector<RunRecord> runs(const std::string& gameday, std::string& error) const;

 private:
  explicit HistoryStore(sqlite3* db) : db_(db) {}
  bool exec(const std::string& sql, std::string& error) const;
  bool migrate(std::string& error);
  sqlite3* db_;
};

}  // namespace clawsim
