// The engine and the Raft plumbing of the simulated swarm: construction of the initial,
// converged cluster, the event loop, message delivery across the network, and tracking of
// who leads and whether a quorum is behind it.
#include "sim/sim_cluster.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <stdexcept>
#include <string>

#include "model/quorum.h"
#include "model/service_graph.h"

namespace clawsim {

namespace {

// grpc internal/backoff Exponential with backoff.DefaultConfig (base 1 s, multiplier 1.6,
// jitter 0.2) and the transport's maximum: the wait after failed dial number `retries` (from
// 0) is the base delay after the first, then 1 s x 1.6^retries, capped at the maximum and
// jittered by up to 20% either way. Integer arithmetic: the same bytes on every machine.
DurationMs grpc_backoff_ms(int retries, DurationMs max_ms, Rng& rng) {
  if (retries == 0) return 1000;
  DurationMs wait_ms = 1000;
  for (int i = 0; i < retries && wait_ms < max_ms; ++i) wait_ms = wait_ms * 8 / 5;
  wait_ms = std::min(wait_ms, max_ms);
  const DurationMs spread = wait_ms / 5;
  return wait_ms - spread + static_cast<DurationMs>(rng.below(static_cast<std::uint64_t>(2 * spread + 1)));
}

// Stream ids of the root seed's subsystems.
enum : std::uint64_t {
  kRaftStream = 1, kDispatcherStream = 2, kPhaseStream = 3, kLossStream = 4, kTransportStream = 5
};

// Mixes a word into the trace hash (one multiply-xorshift round, as in splitmix64).
std::uint64_t fnv(std::uint64_t h, std::uint64_t v) {
  h = (h ^ v) * 0xbf58476d1ce4e5b9ULL;
  return h ^ (h >> 31);
}

std::uint64_t fnv(std::uint64_t h, const std::string& s) {
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return fnv(h, s.size());
}

// What update_leadership() reads of a member: it need not run when none of it changed.
struct RaftView {
  RaftRole role;
  std::uint64_t term;
  int lead;
  bool operator==(const RaftView&) const = default;
};

RaftView view(const RaftMember& r) { return RaftView{r.role(), r.term(), r.lead()}; }

}  // namespace

const char* to_string(NodeStatus status) {
  switch (status) {
    case NodeStatus::kReady: return "ready";
    case NodeStatus::kDown: return "down";
    case NodeStatus::kUnknown: return "unknown";
  }
  return "?";
}

SimCluster::SimCluster(std::shared_ptr<const Plan> plan, std::uint64_t seed)
    : plan_(std::move(plan)),
      services_(plan_->services),
      seed_(seed),
      raft_rng_(derive_seed(seed, kRaftStream)),
      dispatcher_rng_(derive_seed(seed, kDispatcherStream)),
      phase_rng_(derive_seed(seed, kPhaseStream)),
      loss_rng_(derive_seed(seed, kLossStream)),
      transport_rng_(derive_seed(seed, kTransportStream)),
      network_(*plan_, plan_->firewalls.size() == plan_->nodes.size() ? plan_->firewalls
                                                                            : build_firewalls(*plan_)) {
  const Plan& p = *plan_;
  queue_.reserve(1024);
  nodes_.resize(p.nodes.size());
  api_seen_.assign(p.nodes.size(), "");
  api_settle_ms_.assign(p.nodes.size(), -1);
  tasks_of_node_.resize(p.nodes.size());
  slot_of_node_.assign(p.nodes.size(), -1);
  std::uint64_t managers = 0;
  for (std::size_t i = 0; i < p.nodes.size(); ++i) {
    SimNode& n = nodes_[i];
    n.role = p.nodes[i].role;
    n.manager = n.role == Role::kManager;
    n.availability = p.nodes[i].availability;
    n.labels = p.nodes[i].labels;
    if (!n.manager) continue;
    if (take_member_slot(static_cast<int>(i)) < 0) {
      throw std::invalid_argument("plan " + p.name + ": " + std::to_string(p.manager_count()) +
                                  " managers; the model's Raft group holds at most " + std::to_string(kMaxManagers));
    }
    managers |= member_bit(static_cast<int>(i));
  }
  const int leader = p.node_index(p.leader);
  const int leader_slot = leader >= 0 ? slot_of_node_[static_cast<std::size_t>(leader)] : RaftMember::kNone;
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (!nodes_[i].manager) continue;
    RaftConfig config{p.raft.election_tick, p.raft.heartbeat_tick, p.raft.check_quorum};
    nodes_[i].raft = RaftMember(slot_of_node_[i], managers, config, raft_rng_.next());
    nodes_[i].raft.bootstrap(1, leader_slot, 1);
    start_manager(static_cast<int>(i), false);
  }
  service_order_ = dependency_order(services_).order;
  service_up_.assign(services_.size(), 0);
  service_reason_.assign(services_.size(), "");
  service_replicas_.assign(services_.size(), "");
  service_removed_.assign(services_.size(), 0);

  // The cluster as installed: one dispatcher epoch, every agent registered and heartbeating,
  // every task running where the scheduler puts it.
  dispatcher_epoch_ = 1;
  leader_ = leader;
  leader_term_ = 1;
  max_term_ = 1;
  quorum_ = quorum_available();
  control_plane_ = leader_can_commit();
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    SimNode& n = nodes_[i];
    n.session_epoch = dispatcher_epoch_;
    const auto offset = static_cast<DurationMs>(
        phase_rng_.below(static_cast<std::uint64_t>(p.dispatcher.heartbeat_period_ms)));
    schedule_heartbeat(static_cast<int>(i), offset);
    Event deadline{};
    deadline.t_ms = p.dispatcher.heartbeat_period_ms * p.dispatcher.grace_multiplier;
    deadline.kind = EventKind::kNodeDeadline;
    deadline.node = static_cast<int>(i);
    deadline.gen = n.deadline_gen;
    push(deadline);
  }
  fill_slots();
  schedule_pending();
  for (SimTask& t : tasks_) {
    if (t.phase != TaskPhase::kAssigned) continue;
    t.phase = TaskPhase::kRunning;
    t.container_running = true;
    ++t.start_gen;
  }
  record_initial_state();
  after_event();
  check_invariants(nullptr, "the initial state");
}

// The first entries of every timeline: the state the run starts from.
void SimCluster::record_initial_state() {
  changes_.clear();
  fingerprint_ = 0xcbf29ce484222325ULL;
  record(Aspect::kLeader, "cluster", p_name(leader_) + " (term 1)");
  record(Aspect::kQuorum, "cluster", quorum_ ? "held" : "lost");
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    record(Aspect::kNode, plan_->nodes[i].name, to_string(nodes_[i].status));
  }
  for (std::size_t t = 0; t < tasks_.size(); ++t) record_task(static_cast<int>(t));
  availability_dirty_ = true;
}

std::string SimCluster::p_name(int node) const {
  return node < 0 ? std::string("none") : plan_->nodes[static_cast<std::size_t>(node)].name;
}

void SimCluster::start_manager(int node, bool fresh) {
  SimNode& n = nodes_[static_cast<std::size_t>(node)];
  if (fresh) n.raft.restart();
  Event tick{};
  tick.t_ms = now_ms_ + 1 + static_cast<DurationMs>(phase_rng_.below(static_cast<std::uint64_t>(tick_ms())));
  tick.kind = EventKind::kRaftTick;
  tick.node = node;
  tick.gen = n.boot_gen;
  push(tick);
}

int SimCluster::take_member_slot(int node) {
  int& slot = slot_of_node_[static_cast<std::size_t>(node)];
  if (slot >= 0) return slot;
  if (node_of_slot_.size() >= kMaxManagers) return -1;
  slot = static_cast<int>(node_of_slot_.size());
  node_of_slot_.push_back(node);
  conns_.resize(node_of_slot_.size() * kMaxManagers);  // rows keep their place: the stride is fixed
  member_nodes_.insert(std::upper_bound(member_nodes_.begin(), member_nodes_.end(), node), node);
  return slot;
}

Answer SimCluster::member_slot_gate(int node) const {
  if (slot_of_node_[static_cast<std::size_t>(node)] >= 0 || node_of_slot_.size() < kMaxManagers) return Answer::ok();
  return Answer::refused("the model's Raft group has had " + std::to_string(kMaxManagers) +
                         " members in this run, its most (a limit of clawsim, not of Docker)");
}

bool SimCluster::raft_running(int node) const {
  const SimNode& n = nodes_[static_cast<std::size_t>(node)];
  return n.manager && n.daemon_up && n.host_up && n.in_swarm;
}

void SimCluster::run_until(TimeMs t_ms) {
  // Time must move: events that keep scheduling each other at one instant are a livelock in
  // the model, reported as such rather than spun on for ever.
  constexpr std::uint64_t kMaxEventsAtOneInstant = 1'000'000;
  std::uint64_t at_this_instant = 0;
  Event e;
  while (queue_.pop_until(t_ms, &e)) {
    at_this_instant = e.t_ms == now_ms_ ? at_this_instant + 1 : 0;
    if (at_this_instant > kMaxEventsAtOneInstant) {
      throw std::logic_error("the simulation does not advance: over " + std::to_string(kMaxEventsAtOneInstant) +
                             " events at " + std::to_string(now_ms_) + " ms (seed " + std::to_string(seed_) + ")");
    }
    now_ms_ = e.t_ms;
    dispatch(e);
    after_event();
    check_invariants(&e, {});
  }
  now_ms_ = t_ms;
}

void SimCluster::dispatch(const Event& e) {
  ++events_processed_;
  fingerprint_ = fnv(fingerprint_, static_cast<std::uint64_t>(e.t_ms));
  fingerprint_ = fnv(fingerprint_, (static_cast<std::uint64_t>(e.kind) << 32) |
                                       static_cast<std::uint32_t>(e.node));
  switch (e.kind) {
    case EventKind::kRaftTick: on_raft_tick(e); break;
    case EventKind::kRaftDeliver: on_raft_deliver(e); break;
    case EventKind::kAgentHeartbeat: on_agent_heartbeat(e); break;
    case EventKind::kNodeDeadline: on_node_deadline(e); break;
    case EventKind::kContainerStart: on_container_start(e); break;
    case EventKind::kContainerStop: on_container_stop(e); break;
    case EventKind::kReconcile:
      reconcile_queued_ = false;
      reconcile();
      break;
    case EventKind::kRedial: on_redial(e); break;
    case EventKind::kApiFastFail:
    case EventKind::kApiSettle: api_dirty_ = true; break;
    case EventKind::kPromoteDone: {
      SimNode& n = nodes_[static_cast<std::size_t>(e.node)];
      if (n.role != Role::kManager || n.manager || !n.daemon_up || !n.host_up || !n.in_swarm ||
          n.removed || take_member_slot(e.node) < 0) {
        break;
      }
      RaftConfig config{plan_->raft.election_tick, plan_->raft.heartbeat_tick,
                        plan_->raft.check_quorum};
      const std::uint64_t v = voters() | member_bit(e.node);
      n.raft = RaftMember(slot_of_node_[static_cast<std::size_t>(e.node)], v, config, raft_rng_.next());
      n.manager = true;
      set_voters_everywhere(v);
      start_manager(e.node, false);
      raft_changed_ = true;
      break;
    }
  }
}

void SimCluster::after_event() {
  api_dirty_ = api_dirty_ || raft_changed_ || availability_dirty_;
  if (raft_changed_) {
    raft_changed_ = false;
    update_leadership();
  }
  // A commit index moves without a change of role, term or leader.
  if (!pending_downs_.empty()) settle_pending_downs();
  // The API's answers first: a service that needs the quorum reads them.
  if (api_dirty_) {
    api_dirty_ = false;
    record_api_answers();
  }
  if (availability_dirty_) {
    availability_dirty_ = false;
    recompute_availability();
  }
}

// Each manager's answer to `docker node ls`, recorded when it changes, at the instant it does
// (a node that was once a manager goes on being followed: its answer says what it became).
// A call that finds no leader waits for one, asking again every second (swarmkit's LeaderConn):
// a manager that stops answering is recorded so once it has not answered for that long; the
// instants of an election, when no member knows a leader for a few milliseconds, are not seen.
void SimCluster::record_api_answers() {
  for (const int m : member_nodes_) {
    if (api_seen_[static_cast<std::size_t>(m)].empty() &&
        std::find(api_watch_.begin(), api_watch_.end(), m) == api_watch_.end()) {
      api_watch_.push_back(m);
    }
  }
  for (const int node : api_watch_) {
    const auto i = static_cast<std::size_t>(node);
    std::string& seen = api_seen_[i];
    std::string answer = api_answer(static_cast<int>(i), false);
    TimeMs& settle = api_settle_ms_[i];
    if (answer == seen) {
      settle = -1;
      continue;
    }
    if (seen == "ok" && nodes_[i].daemon_up && nodes_[i].host_up && now_ms_ < settle) continue;
    if (seen == "ok" && nodes_[i].daemon_up && nodes_[i].host_up && settle < 0) {
      settle = now_ms_ + tick_ms();
      Event e{};
      e.t_ms = settle;
      e.kind = EventKind::kApiSettle;
      e.node = static_cast<std::int32_t>(i);
      push(e);
      continue;
    }
    settle = -1;
    seen = answer;
    availability_dirty_ = true;
    record(Aspect::kApi, plan_->nodes[i].name, std::move(answer));
  }
}

bool SimCluster::some_api_answers() const {
  return std::any_of(api_watch_.begin(), api_watch_.end(),
                     [&](int m) { return api_seen_[static_cast<std::size_t>(m)] == "ok"; });
}

MemberView SimCluster::member_view(int node) const {
  const SimNode& n = nodes_[static_cast<std::size_t>(node)];
  const RaftMember& r = n.raft;
  return MemberView{plan_->nodes[static_cast<std::size_t>(node)].name,
                    n.manager && n.in_swarm && !n.removed, r.role(), r.term(), r.commit(),
                    r.last_index(), r.voters()};
}

void SimCluster::check_invariants(const Event* event, std::string_view action) {
  std::optional<Violation> broken;
  // Every change of a task's state is recorded (record_task) or adds a task; the world the
  // task checks read (hosts, daemons) changes only through actions.
  const bool tasks_changed = task_records_ != task_records_checked_ ||
                             tasks_.size() != tasks_checked_;
  if (event != nullptr &&
      (event->kind == EventKind::kRaftTick || event->kind == EventKind::kRaftDeliver)) {
    broken = checker_.check_member(static_cast<std::size_t>(event->node), member_view(event->node));
  } else if (event != nullptr && event->kind != EventKind::kPromoteDone && !tasks_changed) {
    // A control-plane event (heartbeat, deadline, container, reconcile) that changed no task
    // changed nothing checked here: the dispatcher, orchestrator and scheduler never touch a
    // Raft member. Checking would cost a pass over every node per event.
  } else {
    broken = checker_.check(full_invariant_state());
    task_records_checked_ = task_records_;
    tasks_checked_ = tasks_.size();
  }
  if (broken) {
    throw InvariantViolation(std::move(*broken), seed_, now_ms_,
                             event != nullptr ? describe(*event) : std::string(action));
  }
}

const InvariantState& SimCluster::full_invariant_state() {
  InvariantState& s = invariant_state_;
  s.raft_group = raft_group_;
  s.members.resize(nodes_.size());
  for (std::size_t i = 0; i < nodes_.size(); ++i) s.members[i] = member_view(static_cast<int>(i));
  // A task that is neither desired running nor running stays so: only live ones are visited.
  for (; tasks_seen_ < tasks_.size(); ++tasks_seen_) {
    live_tasks_.push_back(static_cast<std::uint32_t>(tasks_seen_));
  }
  std::erase_if(live_tasks_, [&](std::uint32_t i) {
    return !tasks_[i].desired_running && !tasks_[i].container_running;
  });
  s.tasks.clear();
  for (const std::uint32_t i : live_tasks_) {
    const SimTask& t = tasks_[i];
    TaskView v{t.service, t.slot, services_[static_cast<std::size_t>(t.service)].name, {},
               t.desired_running, t.container_running, t.stop_pending};
    if (t.node >= 0) {
      const SimNode& n = nodes_[static_cast<std::size_t>(t.node)];
      v.node_name = plan_->nodes[static_cast<std::size_t>(t.node)].name;
      v.host_up = n.host_up;
      v.daemon_up = n.daemon_up;
      v.agent_synced = n.agent_syncs != t.shut_down_at_sync;
    }
    s.tasks.push_back(v);
  }
  return s;
}

std::string SimCluster::describe(const Event& e) const {
  static constexpr const char* kMsgNames[] = {"vote", "vote response", "append",
                                              "append response", "timeout-now"};
  switch (e.kind) {
    case EventKind::kRaftTick: return "a raft tick on " + p_name(e.node);
    case EventKind::kRaftDeliver:
      return "raft " + std::string(kMsgNames[static_cast<std::size_t>(e.msg.type)]) + " from " +
             p_name(member_node(e.msg.from)) + " to " + p_name(e.node) + " (term " +
             std::to_string(e.msg.term) + ")";
    case EventKind::kAgentHeartbeat: return "a heartbeat of " + p_name(e.node);
    case EventKind::kNodeDeadline: return "the heartbeat deadline of " + p_name(e.node);
    case EventKind::kContainerStart:
    case EventKind::kContainerStop: {
      const SimTask& t = tasks_[static_cast<std::size_t>(e.task)];
      const bool start = e.kind == EventKind::kContainerStart;
      return std::string(start ? "a container start" : "a container stop") + " of " +
             services_[static_cast<std::size_t>(t.service)].name + " slot " +
             std::to_string(t.slot) + " on " + p_name(t.node);
    }
    case EventKind::kReconcile: return "a reconcile of the orchestrator";
    case EventKind::kPromoteDone: return p_name(e.node) + " joining the raft after its promotion";
    case EventKind::kRedial: return p_name(e.node) + " dialling " + p_name(e.peer);
    case EventKind::kApiFastFail: return "the API of " + p_name(e.node) + " giving up on a leader";
    case EventKind::kApiSettle: return "the API of " + p_name(e.node) + " waiting a poll period for a leader";
  }
  return "an event";
}

void SimCluster::record(Aspect kind, std::string subject, std::string detail) {
  fingerprint_ = fnv(fingerprint_, static_cast<std::uint64_t>(now_ms_));
  fingerprint_ = fnv(fingerprint_, std::string(to_string(kind)));
  fingerprint_ = fnv(fingerprint_, subject);
  fingerprint_ = fnv(fingerprint_, detail);
  changes_.push_back(Change{now_ms_, kind, std::move(subject), std::move(detail)});
}

Timeline SimCluster::take_changes() {
  Timeline out;
  out.swap(changes_);
  return out;
}

void SimCluster::on_raft_tick(const Event& e) {
  SimNode& n = nodes_[static_cast<std::size_t>(e.node)];
  if (e.gen != n.boot_gen || !raft_running(e.node)) return;
  const RaftView before = view(n.raft);
  n.raft.tick();
  flush_outbox(e.node);
  raft_changed_ = raft_changed_ || before != view(n.raft);
  Event next = e;
  next.t_ms = now_ms_ + tick_ms();
  push(next);
}

void SimCluster::on_raft_deliver(const Event& e) {
  const int to = e.node;
  if (!raft_running(to) || !network_.can_send(member_node(e.msg.from), to, Traffic::kSwarm)) return;
  fingerprint_ = fnv(fingerprint_, e.msg.term * 8 + static_cast<std::uint64_t>(e.msg.type));
  RaftMember& raft = nodes_[static_cast<std::size_t>(to)].raft;
  const RaftView before = view(raft);
  raft.step(e.msg);
  flush_outbox(to);
  raft_changed_ = raft_changed_ || before != view(raft);
}

void SimCluster::flush_outbox(int node) {
  RaftMember& raft = nodes_[static_cast<std::size_t>(node)].raft;
  for (const RaftMsg& m : raft.outbox()) {
    const int to = member_node(m.to);
    if (!raft_link(node, to) || lost(node, to)) continue;
    Event deliver{};
    deliver.t_ms = now_ms_ + plan_->world.link_latency_ms + network_.extra_latency_ms(node, to);
    deliver.kind = EventKind::kRaftDeliver;
    deliver.node = to;
    deliver.msg = m;
    push(deliver);
  }
  raft.clear_outbox();
}

bool SimCluster::raft_link(int from, int to) const {
  if (!network_.can_send(from, to, Traffic::kSwarm)) return false;
  const int a = slot_of_node_[static_cast<std::size_t>(from)];
  const int b = slot_of_node_[static_cast<std::size_t>(to)];
  return a < 0 || b < 0 || !conns_[static_cast<std::size_t>(a) * kMaxManagers + static_cast<std::size_t>(b)].down;
}

void SimCluster::reset_conns_to(int node) {
  for (const int peer : member_nodes_) {
    if (peer == node || !raft_running(peer)) continue;
    PeerConn& c = conn(peer, node);
    if (c.down) continue;  // already redialling: gRPC's loop goes on as it was
    c = PeerConn{true, 0, static_cast<std::uint16_t>(c.chain + 1)};
    redial(peer, node, 0);  // the first dial comes at once, and finds nobody listening
  }
}

void SimCluster::reset_conns_from(int node) {
  for (const int peer : member_nodes_) {
    if (peer == node) continue;
    PeerConn& c = conn(node, peer);
    const auto chain = static_cast<std::uint16_t>(c.chain + 1);
    if (raft_running(peer)) {
      c = PeerConn{false, 0, chain};
    } else {  // a peer that is down: the new connection's first dial fails, and it backs off
      c = PeerConn{true, 0, chain};
      redial(node, peer, 0);
    }
  }
}

// The dial of `to` by `from` after delay_ms; the connection's chain lets a later outage or a
// restart of `from` drop it.
void SimCluster::redial(int from, int to, DurationMs delay_ms) {
  Event e{};
  e.t_ms = now_ms_ + delay_ms;
  e.kind = EventKind::kRedial;
  e.node = from;
  e.peer = static_cast<std::int16_t>(to);
  e.gen = conn(from, to).chain;
  push(e);
}

void SimCluster::on_redial(const Event& e) {
  PeerConn& c = conn(e.node, e.peer);
  if (!c.down || c.chain != e.gen || !raft_running(e.node)) return;
  if (raft_running(e.peer) && network_.can_send(e.node, e.peer, Traffic::kSwarm)) {
    c.down = false;  // connected: the next message (a heartbeat within a tick) gets through
    raft_changed_ = true;
    availability_dirty_ = true;
    return;
  }
  redial(e.node, e.peer, grpc_backoff_ms(c.retries, plan_->raft.transport_backoff_max_ms, transport_rng_));
  if (c.retries < 255) ++c.retries;
}

bool SimCluster::lost(int from, int to) {
  const int pct = network_.loss_pct(from, to);
  return pct > 0 && loss_rng_.below(100) < static_cast<std::uint64_t>(pct);
}

std::uint64_t SimCluster::voters() const {
  for (const int i : member_nodes_) {
    if (raft_running(i)) return nodes_[static_cast<std::size_t>(i)].raft.voters();
  }
  std::uint64_t v = 0;
  for (const int i : member_nodes_) {
    if (nodes_[static_cast<std::size_t>(i)].manager) v |= nodes_[static_cast<std::size_t>(i)].raft.voters();
  }
  return v;
}

void SimCluster::set_voters_everywhere(std::uint64_t v) {
  for (const int i : member_nodes_) {
    SimNode& n = nodes_[static_cast<std::size_t>(i)];
    if (n.manager) n.raft.set_voters(v);
  }
}

// Ground truth, not any member's opinion: the leader can commit when it can exchange messages
// with a majority of the voters (itself included) that are running.
bool SimCluster::leader_can_commit() const {
  if (leader_ < 0) return false;
  const std::uint64_t v = nodes_[static_cast<std::size_t>(leader_)].raft.voters();
  int reachable = 0;
  for (const int i : member_nodes_) {
    if (!(v & member_bit(i)) || !raft_running(i)) continue;
    if (raft_links(leader_, i)) ++reachable;
  }
  return reachable >= majority(std::popcount(v));
}

void SimCluster::update_leadership() {
  int best = -1;
  for (const int i : member_nodes_) {
    SimNode& n = nodes_[static_cast<std::size_t>(i)];
    if (!raft_running(i)) continue;
    const RaftMember& r = n.raft;
    if (r.term() > max_term_) {
      max_term_ = r.term();
      record(Aspect::kTerm, "cluster", std::to_string(max_term_));
    }
    if (r.lead() == RaftMember::kNone) {
      if (n.leaderless_since_ms < 0) {
        n.leaderless_since_ms = now_ms_;
        availability_dirty_ = true;  // its API no longer answers: services using it wait
        Event fast_fail{};
        fast_fail.t_ms = now_ms_ + plan_->world.api_no_leader_fast_fail_ticks * tick_ms();
        fast_fail.kind = EventKind::kApiFastFail;
        fast_fail.node = i;
        push(fast_fail);
      }
    } else if (n.leaderless_since_ms >= 0) {
      n.leaderless_since_ms = -1;
      availability_dirty_ = true;
    }
    if (r.role() == RaftRole::kLeader &&
        (best < 0 || r.term() > nodes_[static_cast<std::size_t>(best)].raft.term())) {
      best = i;
    }
  }
  const std::uint64_t term = best < 0 ? 0 : nodes_[static_cast<std::size_t>(best)].raft.term();
  if (best != leader_ || term != leader_term_) {
    const bool new_leader = best >= 0;
    leader_ = best;
    leader_term_ = term;
    record(Aspect::kLeader, "cluster",
           new_leader ? plan_->nodes[static_cast<std::size_t>(best)].name + " (term " +
                            std::to_string(term) + ")"
                      : "none");
    availability_dirty_ = true;
    if (new_leader) on_leader_change();
    if (pending_demotion_ >= 0) finish_demotion();
  }
  const bool quorum = quorum_available();
  if (quorum != quorum_) {
    quorum_ = quorum;
    record(Aspect::kQuorum, "cluster", quorum ? "held" : "lost");
  }
  const bool control_plane = leader_can_commit();
  if (control_plane != control_plane_) {
    control_plane_ = control_plane;
    availability_dirty_ = true;
    if (control_plane) request_reconcile(now_ms_);
  }
}

// A majority of the voters is running and can exchange messages with one of them: a leader
// is in place or can be elected. (An election in progress is not a loss of quorum.)
bool SimCluster::quorum_available() const {
  const std::uint64_t v = voters();
  const int need = majority(std::popcount(v));
  for (const int i : member_nodes_) {
    if (!(v & member_bit(i)) || !raft_running(i)) continue;
    int reachable = 0;
    for (const int j : member_nodes_) {
      if ((v & member_bit(j)) && raft_running(j) && network_.can_talk(i, j, Traffic::kSwarm)) ++reachable;
    }
    if (reachable >= need) return true;
  }
  return false;
}

}  // namespace clawsim
