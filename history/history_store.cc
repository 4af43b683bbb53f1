#include "history/history_store.h"

#include <sqlite3.h>

namespace clawsim {

namespace {

// Migrations, in order: migration i takes the schema from version i to i + 1.
constexpr const char* kMigrations[] = {
    R"(CREATE TABLE runs (
         id INTEGER PRIMARY KEY,
         gameday TEXT NOT NULL,
         started_at TEXT NOT NULL,
         ended_at TEXT,
         mode TEXT NOT NULL,
         clawsim_version TEXT NOT NULL,
         plan_digest TEXT NOT NULL,
         docker_version TEXT NOT NULL,
         outcome TEXT NOT NULL);
       CREATE INDEX runs_by_gameday ON runs (gameday, id);
       CREATE TABLE drills (
         id INTEGER PRIMARY KEY,
         run_id INTEGER NOT NULL REFERENCES runs (id),
         position INTEGER NOT NULL,
         drill TEXT NOT NULL,
         verdict TEXT NOT NULL,
         detail TEXT NOT NULL);
       CREATE TABLE measures (
         drill_id INTEGER NOT NULL REFERENCES drills (id),
         metric TEXT NOT NULL,
         observed_ms INTEGER NOT NULL,
         predicted_min_ms INTEGER,
         predicted_median_ms INTEGER,
         predicted_max_ms INTEGER,
         inside INTEGER NOT NULL);)",
    // 2: a live measure's interval, the least and greatest value its observations allow.
    R"(ALTER TABLE measures ADD COLUMN observed_low_ms INTEGER;
       ALTER TABLE measures ADD COLUMN observed_high_ms INTEGER;)",
    // 3: instants are named apart from durations (leader_elected_ms is leader_elected_after_ms).
    R"(UPDATE measures SET metric = 'leader_elected_after_ms' WHERE metric = 'leader_elected_ms';
       UPDATE measures SET metric = 'quorum_lost_after_ms' WHERE metric = 'quorum_lost_ms';
       UPDATE measures SET metric = 'node_down_after_ms.' || substr(metric, 14)
         WHERE substr(metric, 1, 13) = 'node_down_ms.';)",
};
constexpr int kMigrationCount = static_cast<int>(sizeof kMigrations / sizeof kMigrations[0]);
static_assert(kMigrationCount == HistoryStore::kSchemaVersion);

// A prepared statement that finalizes itself.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql, std::string& error) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) {
      error = sqlite3_errmsg(db);
      stmt_ = nullptr;
    }
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  explicit operator bool() const { return stmt_ != nullptr; }
  sqlite3_stmt* get() const { return stmt_; }
  void text(int i, const std::string& s) { sqlite3_bind_text(stmt_, i, s.c_str(), static_cast<int>(s.size()), SQLITE_TRANSIENT); }
  void integer(int i, std::int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void optional(int i, const std::optional<DurationMs>& v) {
    if (v) {
      sqlite3_bind_int64(stmt_, i, *v);
    } else {
      sqlite3_bind_null(stmt_, i);
    }
  }
  std::string column_text(int i) const {
    const unsigned char* t = sqlite3_column_text(stmt_, i);
    return t ? reinterpret_cast<const char*>(t) : "";
  }
  std::optional<DurationMs> column_optional(int i) const {
    if (sqlite3_column_type(stmt_, i) == SQLITE_NULL) return std::nullopt;
    return sqlite3_column_int64(stmt_, i);
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace

std::unique_ptr<HistoryStore> HistoryStore::open(const std::string& path, std::string& error) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    error = path + ": " + (db ? sqlite3_errmsg(db) : "cannot open");
    sqlite3_close(db);
    return nullptr;
  }
  sqlite3_busy_timeout(db, 10'000);
  std::unique_ptr<HistoryStore> store(new HistoryStore(db));
  if (!store->exec("PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;", error) ||
      !store->migrate(error)) {
    error = path + ": " + error;
    return nullptr;
  }
  return store;
}

HistoryStore::~HistoryStore() { sqlite3_close(db_); }

bool HistoryStore::exec(const std::string& sql, std::string& error) const {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    error = message ? message : sqlite3_errmsg(db_);
    sqlite3_free(message);
    return false;
  }
  return true;
}

int HistoryStore::schema_version() const {
  std::string error;
  Statement s(db_, "PRAGMA user_version", error);
  return s && sqlite3_step(s.get()) == SQLITE_ROW ? sqlite3_column_int(s.get(), 0) : -1;
}

bool HistoryStore::migrate(std::string& error) {
  if (!exec("BEGIN IMMEDIATE", error)) return false;
  const int version = schema_version();
  if (version > kSchemaVersion) {
    (void)exec("ROLLBACK", error);
    error = "the history's schema is version " + std::to_string(version) + ", newer than this clawsim's (" +
            std::to_string(kSchemaVersion) + ")";
    return false;
  }
  for (int v = version; v < kSchemaVersion; ++v) {
    if (!exec(kMigrations[v], error)) {
      std::string ignored;
      (void)exec("ROLLBACK", ignored);
      return false;
    }
  }
  if (!exec("PRAGMA user_version = " + std::to_string(kSchemaVersion), error)) return false;
  return exec("COMMIT", error);
}

bool HistoryStore::begin_run(RunRecord& run, std::string& error) {
  Statement s(db_,
              "INSERT INTO runs (gameday, started_at, mode, clawsim_version, plan_digest, docker_version, outcome) "
              "VALUES (?, ?, ?, ?, ?, ?, 'running')",
              error);
  if (!s) return false;
  s.text(1, run.gameday);
  s.text(2, run.started_at);
  s.text(3, run.mode);
  s.text(4, run.clawsim_version);
  s.text(5, run.plan_digest);
  s.text(6, run.docker_version);
  if (sqlite3_step(s.get()) != SQLITE_DONE) {
    error = sqlite3_errmsg(db_);
    return false;
  }
  run.id = sqlite3_last_insert_rowid(db_);
  run.outcome = "running";
  return true;
}

bool HistoryStore::add_drill(std::int64_t run_id, int position, const DrillRecord& drill, std::string& error) {
  if (!exec("BEGIN IMMEDIATE", error)) return false;
  auto fail = [&] {
    error = sqlite3_errmsg(db_);
    std::string ignored;
    (void)exec("ROLLBACK", ignored);
    return false;
  };
  {
    Statement s(db_, "INSERT INTO drills (run_id, position, drill, verdict, detail) VALUES (?, ?, ?, ?, ?)", error);
    if (!s) return fail();
    s.integer(1, run_id);
    s.integer(2, position);
    s.text(3, drill.drill);
    s.text(4, drill.verdict);
    s.text(5, drill.detail);
    if (sqlite3_step(s.get()) != SQLITE_DONE) return fail();
  }
  const std::int64_t drill_id = sqlite3_last_insert_rowid(db_);
  for (const MeasureRecord& m : drill.measures) {
    Statement s(db_,
                "INSERT INTO measures (drill_id, metric, observed_ms, predicted_min_ms, predicted_median_ms, "
                "predicted_max_ms, inside, observed_low_ms, observed_high_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                error);
    if (!s) return fail();
    s.integer(1, drill_id);
    s.text(2, m.metric);
    s.integer(3, m.observed_ms);
    s.optional(4, m.predicted_min_ms);
    s.optional(5, m.predicted_median_ms);
    s.optional(6, m.predicted_max_ms);
    s.integer(7, m.inside ? 1 : 0);
    s.optional(8, m.observed_low_ms);
    s.optional(9, m.observed_high_ms);
    if (sqlite3_step(s.get()) != SQLITE_DONE) return fail();
  }
  return exec("COMMIT", error);
}

bool HistoryStore::set_docker_version(std::int64_t run_id, const std::string& version, std::string& error) {
  Statement s(db_, "UPDATE runs SET docker_version = ? WHERE id = ?", error);
  if (!s) return false;
  s.text(1, version);
  s.integer(2, run_id);
  if (sqlite3_step(s.get()) != SQLITE_DONE) {
    error = sqlite3_errmsg(db_);
    return false;
  }
  return true;
}

bool HistoryStore::end_run(std::int64_t run_id, const std::string& ended_at, const std::string& outcome,
                           std::string& error) {
  Statement s(db_, "UPDATE runs SET ended_at = ?, outcome = ? WHERE id = ?", error);
  if (!s) return false;
  s.text(1, ended_at);
  s.text(2, outcome);
  s.integer(3, run_id);
  if (sqlite3_step(s.get()) != SQLITE_DONE) {
    error = sqlite3_errmsg(db_);
    return false;
  }
  return true;
}

std::vector<RunRecord> HistoryStore::runs(const std::string& gameday, std::string& error) const {
  std::vector<RunRecord> out;
  Statement r(db_,
              "SELECT id, started_at, COALESCE(ended_at, ''), mode, clawsim_version, plan_digest, docker_version, "
              "outcome FROM runs WHERE gameday = ? ORDER BY id",
              error);
  if (!r) return out;
  r.text(1, gameday);
  while (sqlite3_step(r.get()) == SQLITE_ROW) {
    RunRecord run;
    run.id = sqlite3_column_int64(r.get(), 0);
    run.gameday = gameday;
    run.started_at = r.column_text(1);
    run.ended_at = r.column_text(2);
    run.mode = r.column_text(3);
    run.clawsim_version = r.column_text(4);
    run.plan_digest = r.column_text(5);
    run.docker_version = r.column_text(6);
    run.outcome = r.column_text(7);
    out.push_back(std::move(run));
  }
  for (RunRecord& run : out) {
    Statement d(db_, "SELECT id, drill, verdict, detail FROM drills WHERE run_id = ? ORDER BY position", error);
    if (!d) return out;
    d.integer(1, run.id);
    while (sqlite3_step(d.get()) == SQLITE_ROW) {
      DrillRecord drill;
      const std::int64_t drill_id = sqlite3_column_int64(d.get(), 0);
      drill.drill = d.column_text(1);
      drill.verdict = d.column_text(2);
      drill.detail = d.column_text(3);
      Statement m(db_,
                  "SELECT metric, observed_ms, predicted_min_ms, predicted_median_ms, predicted_max_ms, inside, "
                  "observed_low_ms, observed_high_ms "
                  "FROM measures WHERE drill_id = ? ORDER BY metric",
                  error);
      if (!m) return out;
      m.integer(1, drill_id);
      while (sqlite3_step(m.get()) == SQLITE_ROW) {
        MeasureRecord rec;
        rec.metric = m.column_text(0);
        rec.observed_ms = sqlite3_column_int64(m.get(), 1);
        rec.predicted_min_ms = m.column_optional(2);
        rec.predicted_median_ms = m.column_optional(3);
        rec.predicted_max_ms = m.column_optional(4);
        rec.inside = sqlite3_column_int(m.get(), 5) != 0;
        rec.observed_low_ms = m.column_optional(6);
        rec.observed_high_ms = m.column_optional(7);
        drill.measures.push_back(std::move(rec));
      }
      run.drills.push_back(std::move(drill));
    }
  }
  return out;
}

}  // namespace clawsim
