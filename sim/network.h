// The simulated network between nodes: who can open a connection to whom on which port.
// A packet from A to B on port P passes when both are in the same partition group, B's ufw
// firewall (from the plan) admits A's address on P, and no injected port block drops it.
// The firewall is applied as if every connection were new: connections that a real cluster
// opened before `ufw enable` and that conntrack still admits are not modelled.
// Reachability per traffic class is cached as a bit matrix (a row of 64-bit words per sender),
// so the hot path is an index, a shift and a mask.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "model/firewall.h"
#include "model/plan.h"
#include "model/time.h"

namespace clawsim {

// The traffic the model cares about, with Docker's and NFS's ports.
enum class Traffic : std::uint8_t {
  kSwarm,    // 2377/tcp: Raft and the dispatcher (agents' sessions, heartbeats)
  kGossip,   // 7946/tcp+udp: node discovery
  kOverlay,  // 4789/udp: VXLAN data plane between containers on different nodes
  kNfs,      // 2049/tcp: NFSv4
  kCount,
};

struct PortBlock {
  int node = 0;  // inbound on this node
  int port = 0;
  Proto proto = Proto::kTcp;
  bool operator==(const PortBlock&) const = default;
};

class Network {
 public:
  Network() = default;
  Network(const Plan& plan, std::vector<Firewall> firewalls);

  bool can_send(int from, int to, Traffic traffic) const {
    const auto f = static_cast<std::size_t>(from), t = static_cast<std::size_t>(to);
    return from == to || ((reach_[static_cast<std::size_t>(traffic)][f * row_words_ + t / 64] >> (t % 64)) & 1U);
  }
  bool can_talk(int a, int b, Traffic traffic) const {
    return can_send(a, b, traffic) && can_send(b, a, traffic);
  }

  // groups[i] = partition group of node i; all zero = no partition.
  void set_partition(std::vector<int> groups);
  void heal();
  void block(PortBlock block);
  void unblock(PortBlock block);
  const std::vector<int>& groups() const { return groups_; }

  // A node's ufw state, and its replacement at run time (reachability is rebuilt at once).
  const Firewall& firewall(int node) const { return firewalls_[static_cast<std::size_t>(node)]; }
  void set_firewall(int node, Firewall fw);

  // A degraded node: extra one-way latency and a share of packets lost, both ways.
  void degrade(int node, DurationMs latency_ms, int loss_pct);
  DurationMs extra_latency_ms(int from, int to) const {
    return extra_latency_ms_.empty() ? 0
                                     : extra_latency_ms_[static_cast<std::size_t>(from)] +
                                           extra_latency_ms_[static_cast<std::size_t>(to)];
  }
  int loss_pct(int from, int to) const {
    return loss_pct_.empty() ? 0
                             : std::max(loss_pct_[static_cast<std::size_t>(from)],
                                        loss_pct_[static_cast<std::size_t>(to)]);
  }

  // Why `from` cannot reach `to` on `traffic`, in words ("" when it can).
  std::string explain(int from, int to, Traffic traffic) const;

 private:
  bool admits(int from, int to, int port, Proto proto) const;
  void recompute();

  std::vector<std::string> addresses_;
  std::vector<std::string> names_;
  std::vector<Firewall> firewalls_;
  std::vector<int> groups_;
  std::vector<PortBlock> blocks_;
  std::vector<DurationMs> extra_latency_ms_;  // empty until a node is degraded
  std::vector<int> loss_pct_;
  std::size_t row_words_ = 1;  // words per sender's row: one bit per receiver
  std::array<std::vector<std::uint64_t>, static_cast<std::size_t>(Traffic::kCount)> reach_;
};

}  // namespace clawsim
