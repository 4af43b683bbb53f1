#include "sim/network.h"

#include <algorithm>
#include <utility>

namespace clawsim {

namespace {

struct PortUse {
  int port;
  Proto proto;
};

// Every port a traffic class needs; it passes only if all of them pass.
std::vector<PortUse> ports_of(Traffic traffic) {
  switch (traffic) {
    case Traffic::kSwarm: return {{2377, Proto::kTcp}};
    case Traffic::kGossip: return {{7946, Proto::kTcp}, {7946, Proto::kUdp}};
    case Traffic::kOverlay: return {{4789, Proto::kUdp}};
    case Traffic::kNfs: return {{2049, Proto::kTcp}};
    case Traffic::kCount: break;
  }
  return {};
}

const char* proto_name(Proto proto) { return proto == Proto::kTcp ? "tcp" : "udp"; }

}  // namespace

Network::Network(const Plan& plan, std::vector<Firewall> firewalls)
    : firewalls_(std::move(firewalls)), groups_(plan.nodes.size(), 0) {
  for (const NodeSpec& n : plan.nodes) {
    addresses_.push_back(n.address);
    names_.push_back(n.name);
  }
  recompute();
}

bool Network::admits(int from, int to, int port, Proto proto) const {
  if (groups_[static_cast<std::size_t>(from)] != groups_[static_cast<std::size_t>(to)]) return false;
  for (const PortBlock& b : blocks_) {
    if (b.node == to && b.port == port && b.proto == proto) return false;
  }
  const Firewall& fw = firewalls_[static_cast<std::size_t>(to)];
  return incoming_verdict(fw, addresses_[static_cast<std::size_t>(from)],
                          static_cast<std::uint16_t>(port), proto) == FirewallVerdict::kAllow;
}

void Network::recompute() {
  const std::size_t n = names_.size();
  row_words_ = std::max<std::size_t>(1, (n + 63) / 64);
  for (std::size_t t = 0; t < reach_.size(); ++t) {
    auto& bits = reach_[t];
    bits.assign(n * row_words_, 0);
    const auto uses = ports_of(static_cast<Traffic>(t));
    for (std::size_t from = 0; from < n; ++from) {
      for (std::size_t to = 0; to < n; ++to) {
        bool ok = true;
        for (const PortUse& u : uses) {
          ok = ok && admits(static_cast<int>(from), static_cast<int>(to), u.port, u.proto);
        }
        if (ok || from == to) bits[from * row_words_ + to / 64] |= std::uint64_t{1} << (to % 64);
      }
    }
  }
}

void Network::set_partition(std::vector<int> groups) {
  groups_ = std::move(groups);
  recompute();
}

void Network::heal() {
  std::fill(groups_.begin(), groups_.end(), 0);
  recompute();
}

void Network::set_firewall(int node, Firewall fw) {
  firewalls_[static_cast<std::size_t>(node)] = std::move(fw);
  recompute();
}

void Network::degrade(int node, DurationMs latency_ms, int loss_pct) {
  if (extra_latency_ms_.empty()) {
    extra_latency_ms_.assign(names_.size(), 0);
    loss_pct_.assign(names_.size(), 0);
  }
  extra_latency_ms_[static_cast<std::size_t>(node)] = latency_ms;
  loss_pct_[static_cast<std::size_t>(node)] = loss_pct;
}

void Network::block(PortBlock b) {
  if (std::find(blocks_.begin(), blocks_.end(), b) == blocks_.end()) blocks_.push_back(b);
  recompute();
}

void Network::unblock(PortBlock b) {
  blocks_.erase(std::remove(blocks_.begin(), blocks_.end(), b), blocks_.end());
  recompute();
}

std::string Network::explain(int from, int to, Traffic traffic) const {
  if (can_send(from, to, traffic)) return "";
  const auto& src = names_[static_cast<std::size_t>(from)];
  const auto& dst = names_[static_cast<std::size_t>(to)];
  if (groups_[static_cast<std::size_t>(from)] != groups_[static_cast<std::size_t>(to)]) {
    return src + " and " + dst + " are partitioned";
  }
  for (const PortUse& u : ports_of(traffic)) {
    for (const PortBlock& b : blocks_) {
      if (b.node == to && b.port == u.port && b.proto == u.proto) {
        return "port " + std::to_string(u.port) + "/" + proto_name(u.proto) + " blocked on " + dst;
      }
    }
    if (!admits(from, to, u.port, u.proto)) {
      return dst + "'s firewall drops " + src + " (" + addresses_[static_cast<std::size_t>(from)] +
             ") on " + std::to_string(u.port) + "/" + proto_name(u.proto);
    }
  }
  return "unreachable";
}

}  // namespace clawsim
