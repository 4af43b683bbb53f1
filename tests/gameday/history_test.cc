// The history store on a real SQLite file.
#include "history/history_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

namespace clawsim {
namespace {

class History : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("clawsim-history-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "h.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
  std::string path_;
};

DrillRecord drill(const std::string& name, DurationMs ms) {
  return DrillRecord{name, "pass", "ok", {MeasureRecord{"leader_elected_after_ms", ms, 8'000, 12'000, 27'000, true},
                                          MeasureRecord{"downtime_ms.web", 0, std::nullopt, std::nullopt,
                                                        std::nullopt, true}}};
}

TEST_F(History, RunsDrillsAndMeasuresSurviveReopening) {
  std::string error;
  {
    auto store = HistoryStore::open(path_, error);
    ASSERT_TRUE(store) << error;
    EXPECT_EQ(store->schema_version(), HistoryStore::kSchemaVersion);
    RunRecord run{0, "g", "2026-12-02T10:00:00Z", "", "live", "0.1.0", "abcd", "20.10.24", "", {}};
    ASSERT_TRUE(store->begin_run(run, error)) << error;
    EXPECT_EQ(run.id, 1);
    ASSERT_TRUE(store->add_drill(run.id, 0, drill("leader-crash", 12'345), error)) << error;
    ASSERT_TRUE(store->end_run(run.id, "2026-12-02T10:05:00Z", "pass", error)) << error;
  }
  auto store = HistoryStore::open(path_, error);
  ASSERT_TRUE(store) << error;
  const std::vector<RunRecord> runs = store->runs("g", error);
  ASSERT_EQ(runs.size(), 1U) << error;
  EXPECT_EQ(runs[0].outcome, "pass");
  EXPECT_EQ(runs[0].docker_version, "20.10.24");
  ASSERT_EQ(runs[0].drills.size(), 1U);
  ASSERT_EQ(runs[0].drills[0].measures.size(), 2U);
  const MeasureRecord& m = runs[0].drills[0].measures[1];
  EXPECT_EQ(m.metric, "leader_elected_after_ms");
  EXPECT_EQ(m.observed_ms, 12'345);
  EXPECT_EQ(m.predicted_median_ms, 12'000);
  EXPECT_FALSE(runs[0].drills[0].measures[0].predicted_min_ms) << "no prediction is NULL, not 0";
  EXPECT_TRUE(store->runs("other", error).empty());
}

TEST_F(History, ARunThatNeverEndedKeepsWhatItCommitted) {
  std::string error;
  {
    auto store = HistoryStore::open(path_, error);
    RunRecord run{0, "g", "t0", "", "live", "0.1.0", "abcd", "", "", {}};
    ASSERT_TRUE(store->begin_run(run, error));
    ASSERT_TRUE(store->add_drill(run.id, 0, drill("leader-demotion", 1'000), error));
    // the process dies here: no end_run
  }
  auto store = HistoryStore::open(path_, error);
  const auto runs = store->runs("g", error);
  ASSERT_EQ(runs.size(), 1U);
  EXPECT_EQ(runs[0].outcome, "running");
  EXPECT_EQ(runs[0].drills.size(), 1U);
}

// A history written by schema version 1 (its tables as that version created them, and one run):
// opening it adds the measures' observed interval and keeps every measure it held.
TEST_F(History, AVersionOneHistoryIsMigratedAndKeepsItsMeasures) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  const char* version_one = R"(
    CREATE TABLE runs (id INTEGER PRIMARY KEY, gameday TEXT NOT NULL, started_at TEXT NOT NULL,
      ended_at TEXT, mode TEXT NOT NULL, clawsim_version TEXT NOT NULL, plan_digest TEXT NOT NULL,
      docker_version TEXT NOT NULL, outcome TEXT NOT NULL);
    CREATE INDEX runs_by_gameday ON runs (gameday, id);
    CREATE TABLE drills (id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs (id),
      position INTEGER NOT NULL, drill TEXT NOT NULL, verdict TEXT NOT NULL, detail TEXT NOT NULL);
    CREATE TABLE measures (drill_id INTEGER NOT NULL REFERENCES drills (id), metric TEXT NOT NULL,
      observed_ms INTEGER NOT NULL, predicted_min_ms INTEGER, predicted_median_ms INTEGER,
      predicted_max_ms INTEGER, inside INTEGER NOT NULL);
    INSERT INTO runs VALUES (1, 'g', 't0', 't1', 'live', '0.1.0', 'abcd', '20.10.24', 'pass');
    INSERT INTO drills VALUES (1, 1, 0, 'leader-crash', 'pass', '');
    INSERT INTO measures VALUES (1, 'leader_elected_ms', 12345, 8000, 12000, 27000, 1);
    INSERT INTO measures VALUES (1, 'downtime_ms.web', 0, NULL, NULL, NULL, 1);
    INSERT INTO measures VALUES (1, 'node_down_ms.atlanta', 40000, 35000, 42000, 60000, 1);
    PRAGMA user_version = 1;)";
  ASSERT_EQ(sqlite3_exec(db, version_one, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);
  std::string error;
  auto store = HistoryStore::open(path_, error);
  ASSERT_TRUE(store) << error;
  EXPECT_EQ(store->schema_version(), 3);
  std::vector<RunRecord> runs = store->runs("g", error);
  ASSERT_EQ(runs.size(), 1U) << error;
  ASSERT_EQ(runs[0].drills.at(0).measures.size(), 3U);
  const MeasureRecord& old = runs[0].drills[0].measures[1];
  EXPECT_EQ(old.metric, "leader_elected_after_ms") << "version 3 names instants apart from durations";
  EXPECT_EQ(runs[0].drills[0].measures[2].metric, "node_down_after_ms.atlanta");
  EXPECT_EQ(runs[0].drills[0].measures[0].metric, "downtime_ms.web");
  EXPECT_EQ(old.observed_ms, 12'345);
  EXPECT_EQ(old.predicted_max_ms, 27'000);
  EXPECT_FALSE(old.observed_low_ms) << "measured before intervals were recorded: none is made up";
  RunRecord run{0, "g", "t2", "", "live", "0.1.0", "abcd", "20.10.24", "", {}};
  ASSERT_TRUE(store->begin_run(run, error)) << error;
  DrillRecord d = drill("leader-demotion", 3'282);
  d.measures[0].observed_low_ms = 0;
  d.measures[0].observed_high_ms = 3'282;
  ASSERT_TRUE(store->add_drill(run.id, 0, d, error)) << error;
  runs = store->runs("g", error);
  const MeasureRecord& m = runs.back().drills[0].measures[1];
  ASSERT_EQ(m.metric, "leader_elected_after_ms");
  EXPECT_EQ(m.observed_low_ms, 0);
  EXPECT_EQ(m.observed_high_ms, 3'282);
}

TEST_F(History, ASchemaNewerThanThisClawsimIsRefused) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  std::string error;
  EXPECT_FALSE(HistoryStore::open(path_, error));
  EXPECT_NE(error.find("newer than this clawsim's"), std::string::npos) << error;
}

TEST_F(History, AnUnwritablePlaceIsAnError) {
  std::string error;
  EXPECT_FALSE(HistoryStore::open((dir_ / "missing" / "h.db").string(), error));
  EXPECT_NE(error.find("missing"), std::string::npos) << error;
}

}  // namespace
}  // namespace clawsim
