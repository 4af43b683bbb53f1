// A real cluster behind the ClusterDriver interface: actions become docker, iptables and
// daemon-control commands run over SSH, each with its undo journaled (fsync) before it runs;
// time is the wall clock; the timeline is derived from successive observations. Guards abort
// the drill (unexpected quorum loss, a pinned service on a node that does not meet its
// constraints, the time limit, SIGINT/SIGTERM); rollback() then undoes what is outstanding.
// The cluster, the clock and the journal are interfaces (RemoteCluster, Clock, JournalSink):
// the CLI passes the SSH cluster, the steady clock and the journal file; tests pass fakes.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "live/clock.h"
#include "live/journal.h"
#include "live/remote_cluster.h"
#include "model/cluster_driver.h"
#include "model/plan.h"

namespace clawsim {

struct LiveGuards {
  bool allow_quorum_loss = false;
  DurationMs time_limit_ms = 0;              // 0: none
  const std::atomic<bool>* stop = nullptr;  // set by a signal handler
};

// "" when a live cluster of this inventory can perform and undo the action, otherwise why not.
std::string live_cannot_perform(const Action& action, const Inventory& inventory);

// Changes between two observations, stamped t_ms (prev == nullptr: the first observation).
Timeline changes_between(const ClusterState* prev, const ClusterState& cur, TimeMs t_ms);

class LiveDriver final : public ClusterDriver {
 public:
  LiveDriver(RemoteCluster& cluster, const Plan& plan, JournalSink& journal, LiveGuards guards,
             DurationMs observe_interval_ms, Clock& clock);

  TimeMs now() const override;
  void advance_to(TimeMs t_ms) override;
  std::string cannot_perform(const Action& action) const override;
  Answer apply(const Action& action) override;
  ClusterState observe() const override { return last_; }
  Timeline take_changes() override;

  // What apply(action) would run now, each command with its undo, and runs nothing: one line
  // per command ("on boston: COMMAND; undo: ..."), or why it cannot be done. References such as
  // @leader are resolved against the latest observation.
  std::vector<std::string> dry_run(const Action& action) const;

  // Called after each observation with the drill's time: for a progress display.
  void set_on_sample(std::function<void(TimeMs now_ms)> on_sample) { on_sample_ = std::move(on_sample); }

  bool aborted() const { return !abort_reason_.empty(); }
  const std::string& abort_reason() const { return abort_reason_; }
  // Undoes every outstanding fault, newest first; one line per step in `log`. True if all
  // undos succeeded.
  bool rollback(std::vector<std::string>& log);

 private:
  struct Step {
    int node = -1;  // inventory index; -1: any manager (docker commands)
    std::string command;
    int undo_node = -1;
    std::string undo;
    bool here = false;  // command and undo run on this machine (power control of `node`)
  };
  void sample();
  void check_guards();
  // What each node can reach of what the services need, as probed at this observation.
  struct NodeView {
    std::string api;             // the node's own API answer ("ok" or the error)
    bool host_up = true;         // false while the drill has the node powered off
    bool daemon_up = true;
    int nfs_reachable = -1;      // -1 not probed, 0 no, 1 yes
  };
  void apply_dependencies(ClusterState& s, const std::map<std::string, NodeView>& view) const;
  void probe_nfs(const ClusterState& s, std::map<std::string, NodeView>& view);
  void abort(const std::string& reason);
  int resolve(const std::string& ref) const;
  int manager_for_api() const;
  std::vector<Step> steps_for(const Action& action, std::string& why_not) const;
  Answer run_step(const Step& step);
  std::string iptables_partition(int node, const std::vector<int>& others, bool add) const;

  RemoteCluster& cluster_;
  const Plan& plan_;
  JournalSink& journal_;
  LiveGuards guards_;
  DurationMs observe_interval_ms_;
  Clock& clock_;
  TimeMs start_ms_;
  ClusterState last_;
  bool have_last_ = false;
  std::vector<std::string> api_seen_;
  Timeline changes_;
  std::string abort_reason_;
  TimeMs last_began_ = 0;           // when the last observation started
  TimeMs last_observed_began_ = 0;  // ... the last one through which a manager answered
  int next_id_ = 1;
  std::vector<JournalEntry> outstanding_;  // planned undos not yet run or resolved
  std::vector<int> stopped_;               // nodes whose daemon the drill stopped
  std::function<void(TimeMs)> on_sample_;
};

// How to run a journaled undo by hand, for when clawsim could not: where, and the exact
// command ("on boston: systemctl start docker", "on any manager: docker node update ...").
std::string manual_step(const Inventory& inventory, const JournalEntry& entry);

// Runs the journal's outstanding undos (for `clawsim live recover`).
bool recover_from_journal(RemoteCluster& cluster, const std::string& journal_path,
                          std::vector<std::string>& log, std::string& error);

}  // namespace clawsim
