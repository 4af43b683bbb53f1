// What the simulated cluster looks like from outside: whether each service is available
// (computed from the dependency graph, never declared) and the ClusterState snapshot.
#include "sim/sim_cluster.h"

#include <algorithm>

namespace clawsim {

bool SimCluster::nfs_reachable_from(int node) const {
  if (!plan_->nfs || !nfs_running_) return false;
  const int server = plan_->node_index(plan_->nfs->server);
  if (!nodes_[static_cast<std::size_t>(server)].host_up) return false;
  return network_.can_send(node, server, Traffic::kNfs);
}

namespace {

const std::string& node_name(const Plan& plan, int node) {
  return plan.nodes[static_cast<std::size_t>(node)].name;
}

// Why a running container of `service` on `node` cannot serve; "" when it can.
// `up` holds the availability of the services computed so far (dependencies come first).
std::string blocker(const SimCluster& c, const ServiceSpec& service, int node,
                           const std::vector<char>& up) {
  const Plan& plan = c.plan();
  const SimNode& n = c.nodes()[static_cast<std::size_t>(node)];
  for (Dependency need : service.needs) {
    if (need == Dependency::kDockerDaemon && !n.daemon_up) {
      return "docker daemon stopped on " + node_name(plan, node);
    }
    if (need == Dependency::kNfs && !c.nfs_reachable_from(node)) {
      return "NFS export " + plan.nfs->server + ":" + plan.nfs->path + " unreachable from " +
             node_name(plan, node);
    }
    if (need == Dependency::kQuorum) {
      // It uses the API of its own node, judged as the live observer judges it: by the answers
      // a poll gets (a leadership transfer's few milliseconds without a leader are not seen),
      // and a manager that does not know the leader yet (just restarted) makes it wait. On a
      // worker, it needs a manager whose API answers.
      const bool answers = n.manager ? c.api_seen(node) == "ok" : c.some_api_answers();
      if (!answers) {
        if (!c.control_plane_up()) {
          return c.has_quorum() ? "the swarm has no leader yet" : "the swarm has no quorum";
        }
        return n.manager ? "the API on " + node_name(plan, node) + " answers: " + c.api_seen(node)
                         : "no manager's API answers yet";
      }
    }
  }
  if (service.manager_only && n.role != Role::kManager) {
    return "runs on " + node_name(plan, node) + ", which is not a manager";
  }
  for (const std::string& dep : service.depends_on) {
    const int d = c.service_index(dep);  // a removed service counts as down
    if (d < 0 || !up[static_cast<std::size_t>(d)]) return "depends on " + dep + ", which is down";
  }
  return "";
}

}  // namespace

void SimCluster::recompute_availability() {
  for (int s : service_order_) {
    if (service_removed(s)) continue;  // no longer reported up or down
    const ServiceSpec& spec = services_[static_cast<std::size_t>(s)];
    std::string reason;
    int serving = 0;
    bool any_container = false;
    for (const int i : tasks_of_service(s)) {
      const SimTask& t = tasks_[static_cast<std::size_t>(i)];
      if (!t.container_running) continue;
      const SimNode& host = nodes_[static_cast<std::size_t>(t.node)];
      if (!host.host_up || host.removed) continue;  // a removed node serves nothing
      any_container = true;
      const std::string why = blocker(*this, spec, t.node, service_up_);
      if (why.empty()) {
        ++serving;
      } else if (reason.empty()) {
        reason = why;
      }
    }
    const bool up = serving > 0;
    // A service of several replicas is up while one serves; how many do is its own record.
    if (!spec.global && spec.replicas > 1) {
      std::string replicas = std::to_string(std::min(serving, spec.replicas)) + "/" + std::to_string(spec.replicas);
      if (replicas != service_replicas_[static_cast<std::size_t>(s)]) {
        service_replicas_[static_cast<std::size_t>(s)] = replicas;
        record(Aspect::kReplicas, spec.name, std::move(replicas));
      }
    }
    if (!any_container) {
      reason = "no running task";
      for (const int i : tasks_of_service(s)) {
        const SimTask& t = tasks_[static_cast<std::size_t>(i)];
        if (t.desired_running && !t.message.empty()) {
          reason += " (" + t.message + ")";
          break;
        }
      }
    }
    service_up_[static_cast<std::size_t>(s)] = up;
    std::string& last = service_reason_[static_cast<std::size_t>(s)];
    std::string detail = up ? "up" : "down: " + reason;
    if (detail != last) {
      last = detail;
      record(Aspect::kService, spec.name, std::move(detail));
    }
  }
  if (plan_->nfs) {  // the export as its clients see it: the server process on a live host
    const int server = plan_->node_index(plan_->nfs->server);
    const bool up = nfs_running_ && nodes_[static_cast<std::size_t>(server)].host_up;
    if (up != nfs_up_ || !nfs_recorded_) {
      nfs_up_ = up;
      nfs_recorded_ = true;
      record(Aspect::kNfs, plan_->nfs->server + ":" + plan_->nfs->path, up ? "up" : "down");
    }
  }
}

ClusterState SimCluster::observe() const {
  ClusterState s;
  s.t_ms = now_ms_;
  s.leader = leader_ >= 0 ? node_name(*plan_, leader_) : "";
  s.quorum = quorum_;
  if (plan_->nfs) {
    const int server = plan_->node_index(plan_->nfs->server);
    s.nfs_up = nfs_running_ && nodes_[static_cast<std::size_t>(server)].host_up;
  }
  for (int i = 0; i < static_cast<int>(nodes_.size()); ++i) {
    const SimNode& n = nodes_[static_cast<std::size_t>(i)];
    if (n.removed) continue;  // `docker node rm` deleted it
    NodeState ns;
    ns.name = node_name(*plan_, i);
    ns.id = plan_->nodes[static_cast<std::size_t>(i)].id;
    ns.status = to_string(n.status);
    ns.availability = to_string(n.availability);
    ns.role = to_string(n.role);
    ns.host_up = n.host_up;
    ns.daemon_up = n.daemon_up;
    ns.labels = n.labels;
    if (n.manager) {
      const bool reachable = leader_ >= 0 && raft_running(i) &&
                             network_.can_talk(leader_, i, Traffic::kSwarm);
      ns.manager_status = i == leader_ ? "Leader" : reachable ? "Reachable" : "Unreachable";
    }
    s.nodes.push_back(ns);
  }
  for (const SimTask& t : tasks_) {
    if (service_removed(t.service)) continue;  // `docker service rm` deletes its tasks
    TaskState ts;
    ts.service = services_[static_cast<std::size_t>(t.service)].name;
    ts.slot = t.slot;
    ts.node = t.node >= 0 ? node_name(*plan_, t.node) : "";
    ts.state = to_string(t.phase);
    ts.desired = t.desired_running ? "running" : "shutdown";
    ts.message = t.message;
    ts.container_running = t.container_running;
    s.tasks.push_back(ts);
  }
  for (std::size_t i = 0; i < services_.size(); ++i) {
    if (service_removed_[i]) continue;
    std::string reason = service_up_[i] ? "" : service_reason_[i].substr(6);  // "down: "
    ServiceState ss{services_[i].name, service_up_[i] != 0, reason, {}, services_[i].global ? -1 : services_[i].replicas};
    for (const Constraint& c : services_[i].constraints) ss.constraints.push_back(c.text);
    s.services.push_back(std::move(ss));
  }
  return s;
}

}  // namespace clawsim
