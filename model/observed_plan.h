// The plan of a cluster as it was observed, so the model can predict from what is there rather
// than from what the plan wishes: each node's role, availability, labels and Docker ID, the
// leader, the services' constraints (as Docker holds them) and replicas, and, where it was read,
// each node's firewall. Everything the cluster does not show (addresses, NFS, dependencies,
// objectives, waivers) comes from the plan. Pure.
#pragma once

#include <string>
#include <vector>

#include "model/cluster_state.h"
#include "model/plan.h"

namespace clawsim {

// One node's ufw as read on it: `present` false when the node has no ufw at all. The commands
// rebuild its rules in ufw's own words (`ufw default ...`, the added rules, `ufw --force enable`
// when it is active).
struct ObservedFirewall {
  std::string node;
  bool present = false;
  bool active = false;
  std::vector<std::string> commands;
};

struct ObservedPlan {
  Plan plan;
  std::vector<std::string> notes;  // what could not be taken from the cluster, and what was
};

// `firewalls` empty: the plan's firewall is kept (not read). Otherwise each listed node's
// firewall is the observed one and the plan's ufw commands are dropped.
ObservedPlan plan_as_observed(const Plan& plan, const ClusterState& observed,
                              const std::vector<ObservedFirewall>& firewalls);

// Reads the output of `ufw status verbose; echo @@added; ufw show added` (or a line "@@no-ufw"
// where ufw is not installed) into an ObservedFirewall. False with `error` on text it does not
// recognise.
bool parse_ufw_observation(std::string_view text, ObservedFirewall& out, std::string& error);

}  // namespace clawsim
