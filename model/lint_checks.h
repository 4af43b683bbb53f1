// The checks behind the lint rules, and the plan facts they share. Internal to model/: the
// catalogue in lint.cc is the way in.
#pragma once

#include <string>
#include <vector>

#include "model/constraint.h"
#include "model/lint.h"

namespace clawsim::lint {

// Nodes a service's tasks may be placed on: active, meeting its constraints, a manager if it
// must run on one. Indices into plan.nodes.
std::vector<int> eligible_nodes(const Plan& plan, const ServiceSpec& service);
// "atlanta, boston and chicago"
std::string join_names(const std::vector<std::string>& names);
std::string node_names(const Plan& plan, const std::vector<int>& nodes);
// The plan field of a service: "services[2]".
std::string service_field(const Plan& plan, const ServiceSpec& service);
// A finding, ready to be filled in by a check (rule id and severity come from the catalogue).
Finding finding(std::string subject, std::string message, std::string fix, int line,
                std::string field);

// quorum and single points of failure (lint_cluster.cc)
void check_manager_count(const Plan& plan, std::vector<Finding>& out);
void check_even_managers(const Plan& plan, std::vector<Finding>& out);
void check_too_many_managers(const Plan& plan, std::vector<Finding>& out);
void check_failure_domains(const Plan& plan, std::vector<Finding>& out);
void check_dashboard_pinned(const Plan& plan, std::vector<Finding>& out);
void check_nfs_server(const Plan& plan, std::vector<Finding>& out);
void check_nfs_server_manager(const Plan& plan, std::vector<Finding>& out);
void check_unsatisfiable(const Plan& plan, std::vector<Finding>& out);
void check_single_node(const Plan& plan, std::vector<Finding>& out);
void check_nfs_client_missing(const Plan& plan, std::vector<Finding>& out);
void check_dependency_unreachable(const Plan& plan, std::vector<Finding>& out);

// firewall (lint_firewall.cc)
void check_rule_refused(const Plan& plan, std::vector<Finding>& out);
void check_rule_wiped(const Plan& plan, std::vector<Finding>& out);
void check_swarm_traffic(const Plan& plan, std::vector<Finding>& out);
void check_nfs_traffic(const Plan& plan, std::vector<Finding>& out);
void check_ssh_lockout(const Plan& plan, std::vector<Finding>& out);
void check_ssh_open(const Plan& plan, std::vector<Finding>& out);
void check_not_enabled(const Plan& plan, std::vector<Finding>& out);
void check_docker_restart(const Plan& plan, std::vector<Finding>& out);
void check_unmodelled(const Plan& plan, std::vector<Finding>& out);

// security (lint_security.cc)
void check_nfs_export_hosts(const Plan& plan, std::vector<Finding>& out);
void check_nfs_root_squash(const Plan& plan, std::vector<Finding>& out);
void check_proxy_missing(const Plan& plan, std::vector<Finding>& out);
void check_proxy_excess(const Plan& plan, std::vector<Finding>& out);
void check_proxy_root(const Plan& plan, std::vector<Finding>& out);
void check_proxy_bypassed(const Plan& plan, std::vector<Finding>& out);
void check_sandbox_off(const Plan& plan, std::vector<Finding>& out);
void check_gateway_hardening(const Plan& plan, std::vector<Finding>& out);
void check_settings_persistence(const Plan& plan, std::vector<Finding>& out);
void check_unpinned_images(const Plan& plan, std::vector<Finding>& out);

}  // namespace clawsim::lint
