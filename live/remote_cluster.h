// What the live driver needs of a real cluster, as one small interface (LevelDB's Env is the
// model): commands on a node, on this machine about a node, the observation of the whole
// cluster and each node's own API answer. LiveCluster implements it over SSH; tests put a fake
// behind it that injects faults (a dropped connection during a rollback, a command that fails)
// so the driver's ordering, healing, rollback and guards are tested without a testbed.
#pragma once

#include <string>
#include <vector>

#include "live/inventory.h"
#include "live/ssh.h"
#include "model/cluster_state.h"

namespace clawsim {

// A node's own answer to `docker node ls`: "ok" or the error (one line), and when it answered,
// the manager it lists as Leader ("" for none).
struct ApiAnswer {
  std::string answer;
  std::string leader;
};

class RemoteCluster {
 public:
  virtual ~RemoteCluster() = default;

  virtual const Inventory& inventory() const = 0;
  // A command through the node's shell.
  virtual CommandResult run(int node, const std::string& command) = 0;
  // The node's docker CLI with these arguments.
  virtual CommandResult docker(int node, const std::string& args) = 0;
  // A command on this machine about `node` (its power control).
  virtual CommandResult run_here(int node, const std::string& command) = 0;
  // A node powered off by the drill is not dialled until it is powered on again.
  virtual void set_powered_off(int node, bool off) = 0;
  virtual bool powered_off(int node) const = 0;
  // A full observation through the first manager (preferring `hint`) that answers.
  virtual bool observe(ClusterState& state, std::string& error, int hint) = 0;
  // What `docker node ls` gets on each of these nodes now, and the leader it names. May run
  // while observe() does (on connections of its own).
  virtual std::vector<ApiAnswer> api_answers(const std::vector<int>& nodes) = 0;
  // Can `node` open a TCP connection to address:port now?
  virtual bool tcp_reachable(int node, const std::string& address, int port) = 0;
  // A line in the audit log: what is being done and why.
  virtual void note(const std::string& text) = 0;
};

}  // namespace clawsim
