#include "live/journal.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "live/inventory.h"
#include "live/live_driver.h"

namespace clawsim {
namespace {

std::string temp_path(const char* name) {
  return ::testing::TempDir() + name + std::to_string(getpid());
}

TEST(Journal, OutstandingUndosNewestFirst) {
  const std::string path = temp_path("journal");
  std::remove(path.c_str());
  {
    Journal j;
    std::string error;
    ASSERT_TRUE(j.open(path, error)) << error;
    ASSERT_TRUE(j.append({1, JournalStatus::kPlanned, "stop-daemon boston", 1, "stop", 1, "start"}, error));
    ASSERT_TRUE(j.append({1, JournalStatus::kDone, "stop-daemon boston", 1, "stop", 1, "start"}, error));
    ASSERT_TRUE(j.append({2, JournalStatus::kPlanned, "drain chicago", -1, "drain", -1, "activate"}, error));
    ASSERT_TRUE(j.append({3, JournalStatus::kPlanned, "label-rm chicago k", -1, "rm", -1, "add"}, error));
    ASSERT_TRUE(j.append({3, JournalStatus::kUndone, "label-rm chicago k", -1, "rm", -1, "add"}, error));
  }
  std::vector<JournalEntry> entries;
  std::string error;
  ASSERT_TRUE(read_journal(path, entries, error)) << error;
  EXPECT_EQ(entries.size(), 5U);
  const auto owed = outstanding_undos(entries);
  ASSERT_EQ(owed.size(), 2U);
  EXPECT_EQ(owed[0].id, 2) << "planned but never confirmed: it may have run, so it is owed";
  EXPECT_EQ(owed[1].id, 1);
  std::remove(path.c_str());
}

TEST(Journal, PowerControlRunsHereAndSurvivesTheRoundTrip) {
  const std::string path = temp_path("power");
  std::remove(path.c_str());
  {
    Journal j;
    std::string error;
    ASSERT_TRUE(j.open(path, error)) << error;
    ASSERT_TRUE(j.append({1, JournalStatus::kPlanned, "crash-node @leader", 0, "power-off a", 0, "power-on a", true}, error));
    ASSERT_TRUE(j.append({2, JournalStatus::kPlanned, "drain b", -1, "drain", -1, "activate"}, error));
  }
  std::vector<JournalEntry> entries;
  std::string error;
  ASSERT_TRUE(read_journal(path, entries, error)) << error;
  ASSERT_EQ(entries.size(), 2U);
  EXPECT_TRUE(entries[0].here) << "power_on must be run on this machine again by `live recover`";
  EXPECT_FALSE(entries[1].here);
  std::remove(path.c_str());
}

TEST(Journal, TornLastLineIsIgnored) {
  const std::string path = temp_path("torn");
  {
    std::ofstream out(path);
    out << R"({"id":1,"status":"planned","action":"a","node":0,"command":"c","undo_node":0,"undo":"u"})" << "\n";
    out << R"({"id":2,"status":"pla)";
  }
  std::vector<JournalEntry> entries;
  std::string error;
  ASSERT_TRUE(read_journal(path, entries, error)) << error;
  EXPECT_EQ(entries.size(), 1U);
  std::remove(path.c_str());
}

TEST(Journal, AnEntryOfAnotherShapeIsAnErrorNamingItsLine) {
  const std::string path = temp_path("shape");
  for (const char* second : {R"({"id":2,"status":"maybe","action":"a","node":0,"command":"c","undo_node":0,"undo":"u"})",
                             R"({"id":"two","status":"planned","action":"a","node":0,"command":"c"})"}) {
    {
      std::ofstream out(path);
      out << R"({"id":1,"status":"planned","action":"a","node":0,"command":"c","undo_node":0,"undo":"u"})" << "\n"
          << second << "\n{}\n";
    }
    std::vector<JournalEntry> entries;
    std::string error;
    EXPECT_FALSE(read_journal(path, entries, error)) << second;
    EXPECT_EQ(error.rfind(path + ":2: ", 0), 0U) << error;
  }
  std::remove(path.c_str());
}

TEST(Inventory, ParsesAndResolvesRelativePaths) {
  const char* text = R"(known_hosts: kh
defaults: {user: root, key: keys/id, command_timeout: 10s}
nodes:
  - {name: atlanta, host: 10.0.0.1}
  - name: denver
    host: 10.0.0.4
    port: 2222
    commands: {daemon_stop: "kill 1", nfs_start: "start-nfs"}
)";
  Result<Inventory> inv = parse_inventory(text, "inv.yaml", "/etc/clawsim");
  ASSERT_TRUE(inv.ok()) << inv.error().to_string();
  const auto& d = inv.value().nodes[1];
  EXPECT_EQ(d.ssh.known_hosts, "/etc/clawsim/kh");
  EXPECT_EQ(d.ssh.key_path, "/etc/clawsim/keys/id");
  EXPECT_EQ(d.ssh.port, 2222);
  EXPECT_EQ(d.commands.daemon_stop, "kill 1");
  EXPECT_EQ(d.commands.daemon_start, "systemctl start docker") << "the default";
  EXPECT_EQ(d.command_timeout_ms, 10'000);
}

TEST(Inventory, ErrorsNameTheField) {
  Result<Inventory> inv = parse_inventory("known_hosts: kh\nnodes:\n  - {name: a, host: h}\n", "inv.yaml", "");
  ASSERT_FALSE(inv.ok());
  EXPECT_EQ(inv.error().line, 3);
  EXPECT_NE(inv.error().message.find("no SSH key"), std::string::npos);
  Result<Inventory> bad = parse_inventory("known_hosts: kh\nnodes:\n  - {name: a, host: h, key: k, colour: red}\n", "inv.yaml", "");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "nodes[0].colour");
}

TEST(Inventory, PowerControlComesInPairs) {
  const std::string head = "known_hosts: kh\ndefaults: {key: k}\nnodes:\n  - name: a\n    host: h\n    commands:\n";
  Result<Inventory> both = parse_inventory(head + "      power_off: 'virsh destroy a'\n      power_on: 'virsh start a'\n", "inv.yaml", "");
  ASSERT_TRUE(both.ok()) << both.error().to_string();
  EXPECT_EQ(both.value().nodes[0].commands.power_off, "virsh destroy a");
  EXPECT_EQ(both.value().nodes[0].commands.power_on, "virsh start a");
  Result<Inventory> none = parse_inventory(head + "      docker: docker\n", "inv.yaml", "");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none.value().nodes[0].commands.power_off.empty()) << "no power control unless given";
  Result<Inventory> half = parse_inventory(head + "      power_off: 'virsh destroy a'\n", "inv.yaml", "");
  ASSERT_FALSE(half.ok());
  EXPECT_EQ(half.error().field, "nodes[0].commands.power_on");
  EXPECT_NE(half.error().message.find("come together"), std::string::npos) << half.error().to_string();
}

TEST(LiveCannotPerform, CrashNeedsPowerControlOfEveryNodeItMayName) {
  const std::string text = R"(known_hosts: kh
defaults: {key: k}
nodes:
  - {name: a, host: h1, commands: {power_off: "off a", power_on: "on a"}}
  - {name: b, host: h2}
)";
  const Result<Inventory> inv = parse_inventory(text, "inv.yaml", "");
  ASSERT_TRUE(inv.ok()) << inv.error().to_string();
  Action crash;
  crash.kind = ActionKind::kCrashNode;
  crash.node = "a";
  EXPECT_EQ(live_cannot_perform(crash, inv.value()), "");
  crash.node = "b";
  EXPECT_NE(live_cannot_perform(crash, inv.value()).find("b has no power_off/power_on"), std::string::npos);
  crash.node = "@leader";
  const std::string why = live_cannot_perform(crash, inv.value());
  EXPECT_NE(why.find("b has no power_off"), std::string::npos) << why;
  EXPECT_NE(why.find("@leader may name any node"), std::string::npos) << why;
  Action restart;
  restart.kind = ActionKind::kRestartNode;
  restart.node = "a";
  EXPECT_EQ(live_cannot_perform(restart, inv.value()), "");
}

}  // namespace
}  // namespace clawsim
