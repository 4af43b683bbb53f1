#include "live/journal.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "live/inventory.h"

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
    ASSERT_TRUE(j.append({1, "planned", "stop-daemon boston", 1, "stop", 1, "start"}, error));
    ASSERT_TRUE(j.append({1, "done", "stop-daemon boston", 1, "stop", 1, "start"}, error));
    ASSERT_TRUE(j.append({2, "planned", "drain chicago", -1, "drain", -1, "activate"}, error));
    ASSERT_TRUE(j.append({3, "planned", "label-rm chicago k", -1, "rm", -1, "add"}, error));
    ASSERT_TRUE(j.append({3, "undone", "label-rm chicago k", -1, "rm", -1, "add"}, error));
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

}  // namespace
}  // namespace clawsim
