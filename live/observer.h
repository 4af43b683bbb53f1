// Reading a real cluster: Docker's JSON and template outputs parsed into the model's
// ClusterState (pure functions, tested on captured output), and the LiveCluster that runs the
// commands over SSH on the nodes of an inventory. A node that does not answer is itself an
// observation: its API answer says why.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "live/audit.h"
#include "live/inventory.h"
#include "live/remote_cluster.h"
#include "live/ssh.h"
#include "model/cluster_state.h"
#include "model/observed_plan.h"

namespace clawsim {

// `docker node ls --format '{{json .}}'`
bool parse_node_ls(std::string_view json_lines, std::vector<NodeState>& nodes, std::string& error);
// `docker node inspect --format '{{.Description.Hostname}}|{{.Spec.Role}}|{{json .Spec.Labels}}'`
bool parse_node_labels(std::string_view lines, std::vector<NodeState>& nodes, std::string& error);
// `docker service ps --no-trunc --format '{{json .}}'`
bool parse_service_ps(std::string_view json_lines, std::vector<TaskState>& tasks, std::string& error);
// `docker service inspect --format '{{.Spec.Name}}|{{json ...Constraints}}|<replicas or -1>'`
bool parse_service_specs(std::string_view lines, std::vector<ServiceState>& services, std::string& error);
// Service availability as observed: a task whose container runs.
void derive_service_availability(ClusterState& state);

// The output of observation_script has each section's marker, in order (a manager cut off
// mid-way has not: another may answer).
bool observation_complete(std::string_view output);
// That output parsed, section by section; the leader and quorum read from the managers'
// status, the services' availability derived. False with `error` saying what is wrong.
bool parse_observation(std::string_view output, ClusterState& state, std::string& error);

// The shell script, run on one manager, that prints every section the parsers above read.
std::string observation_script(const std::string& docker);

class LiveCluster final : public RemoteCluster {
 public:
  // Observations must not wait out Docker's 20 s deadline: a call that hangs this long is
  // itself the observation (no leader to answer it).
  static constexpr DurationMs kObserveTimeoutMs = 2000;

  explicit LiveCluster(Inventory inventory);
  const Inventory& inventory() const override { return inventory_; }

  // Runs a command on a node: connects on first use, reconnects once if the connection broke.
  CommandResult run(int node, const std::string& command) override;
  CommandResult run(int node, const std::string& command, DurationMs timeout_ms);
  // The node's docker CLI with these arguments.
  CommandResult docker(int node, const std::string& args) override;
  // Runs a command on this machine about `node` (its power control), bounded by the node's
  // command timeout, audited like the rest.
  CommandResult run_here(int node, const std::string& command) override;
  // A node the drill powered off: nothing dials it (a dead host would cost a connect timeout
  // on every observation); its commands fail at once with "NAME: powered off". Powering it on
  // drops the connections of before. Call between observations, never during one.
  void set_powered_off(int node, bool off) override;
  bool powered_off(int node) const override { return powered_off_[static_cast<std::size_t>(node)] != 0; }

  // A full observation through the first manager (preferring `hint`) that answers. On failure
  // `error` says what each tried node answered.
  bool observe(ClusterState& state, std::string& error, int hint) override;
  bool observe(ClusterState& state, std::string& error) { return observe(state, error, -1); }
  // What `docker node ls` gets on this node now: "ok" or the error, one line, and the leader
  // it lists.
  ApiAnswer api_answer(int node);
  // The same for several nodes at once, one thread per node. Probes use their own
  // connections, so they may run while observe() or run() use the others.
  std::vector<ApiAnswer> api_answers(const std::vector<int>& nodes) override;
  // Each node's ufw as read on it (`ufw status verbose`, `ufw show added`; a node without ufw
  // has none). False with `error` naming the node that could not be read.
  bool observe_firewalls(std::vector<ObservedFirewall>& out, std::string& error);
  // Every command from now on goes to this audit log too (nullptr: none). Not owned.
  void set_audit(AuditLog* audit) { audit_ = audit; }
  // A line in the audit log, if there is one: what is being done and why (a fault, an undo).
  void note(const std::string& text) override {
    if (audit_) audit_->note(text);
  }
  // Can `node` open a TCP connection to address:port now? (bash's /dev/tcp, 2 s bound)
  bool tcp_reachable(int node, const std::string& address, int port) override;

 private:
  using Pool = std::vector<std::unique_ptr<SshSession>>;
  CommandResult run_in(Pool& pool, int node, const std::string& command, DurationMs timeout_ms);
  CommandResult run_once_in(Pool& pool, int node, const std::string& command, DurationMs timeout_ms);

  Inventory inventory_;
  AuditLog* audit_ = nullptr;
  Pool sessions_;
  Pool probe_sessions_;
  std::vector<char> powered_off_;  // per node; written only between observations
  bool none_answered_ = false;     // no node answered the last observation
};

}  // namespace clawsim
