#include "model/lint.h"

#include <algorithm>
#include <array>

#include "model/lint_checks.h"

namespace clawsim {

namespace {

using S = Severity;
namespace l = lint;

constexpr std::array kRules = {
    // quorum
    LintRule{"quorum.no-fault-tolerance", "quorum", S::kError,
             "fewer than three managers: losing any one manager loses the Raft quorum",
             l::check_manager_count},
    LintRule{"quorum.even-managers", "quorum", S::kWarning,
             "an even number of managers tolerates no more losses than one manager fewer",
             l::check_even_managers},
    LintRule{"quorum.too-many-managers", "quorum", S::kWarning,
             "more than seven managers slow every Raft write; Docker advises at most seven",
             l::check_too_many_managers},
    LintRule{"quorum.shared-failure-domain", "quorum", S::kWarning,
             "one failure domain holds more managers than the swarm can lose", l::check_failure_domains},
    // single points of failure
    LintRule{"spof.dashboard-pinned", "spof", S::kWarning,
             "the dashboard is pinned to one node: it cannot fail over, NFS or not",
             l::check_dashboard_pinned},
    LintRule{"spof.nfs-server", "spof", S::kNote,
             "one node serves the NFS export: what needs it goes down with that node",
             l::check_nfs_server},
    LintRule{"spof.nfs-server-is-manager", "spof", S::kWarning,
             "the NFS server is a manager: one node failure costs a manager and the export at once",
             l::check_nfs_server_manager},
    // placement
    LintRule{"placement.unsatisfiable", "placement", S::kError,
             "no node meets the service's constraints: its tasks stay pending",
             l::check_unsatisfiable},
    LintRule{"placement.single-node", "placement", S::kNote,
             "only one node meets the service's constraints: it cannot move when that node fails",
             l::check_single_node},
    LintRule{"placement.nfs-client-missing", "placement", S::kError,
             "a service that needs the NFS export may be placed on a node that does not mount it",
             l::check_nfs_client_missing},
    LintRule{"placement.dependency-unreachable", "placement", S::kError,
             "a service and a service it depends on can only run where they cannot reach each other",
             l::check_dependency_unreachable},
    // firewall
    LintRule{"firewall.rule-refused", "firewall", S::kError,
             "ufw refuses the command as written: the rule it was meant to add never exists",
             l::check_rule_refused},
    LintRule{"firewall.rule-wiped", "firewall", S::kWarning,
             "a later `ufw reset` deletes a rule added earlier", l::check_rule_wiped},
    LintRule{"firewall.swarm-traffic", "firewall", S::kError,
             "a node does not admit the Swarm traffic of another (2377/tcp, 7946/tcp+udp, 4789/udp)",
             l::check_swarm_traffic},
    LintRule{"firewall.nfs-traffic", "firewall", S::kError,
             "the NFS server does not admit a client on 2049/tcp: its mount hangs",
             l::check_nfs_traffic},
    LintRule{"firewall.ssh-lockout", "firewall", S::kError,
             "the firewall refuses SSH from the admin or from clawsim: nobody can log in to fix it",
             l::check_ssh_lockout},
    LintRule{"firewall.ssh-open", "firewall", S::kWarning,
             "a rule admits SSH from any address, whatever the admin-only rule says",
             l::check_ssh_open},
    LintRule{"firewall.not-enabled", "firewall", S::kWarning,
             "ufw is never enabled on the node: none of its rules apply", l::check_not_enabled},
    LintRule{"firewall.docker-restart-all-managers", "firewall", S::kWarning,
             "docker is restarted on every manager in one step: the control plane goes down and, "
             "without live-restore, every container is restarted",
             l::check_docker_restart},
    LintRule{"firewall.unmodelled", "firewall", S::kNote,
             "a ufw command clawsim does not model: its effect is not judged", l::check_unmodelled},
    // security
    LintRule{"security.nfs-export-any-host", "security", S::kWarning,
             "the NFS export admits any host, not only the nodes that mount it",
             l::check_nfs_export_hosts},
    LintRule{"security.nfs-no-root-squash", "security", S::kWarning,
             "the export maps a client's root to root on the server", l::check_nfs_root_squash},
    LintRule{"security.proxy-missing-permission", "security", S::kError,
             "the docker-socket-proxy refuses API calls a service behind it needs",
             l::check_proxy_missing},
    LintRule{"security.proxy-excess-permission", "security", S::kWarning,
             "the docker-socket-proxy allows API sections no service behind it needs",
             l::check_proxy_excess},
    LintRule{"security.proxy-root-equivalent", "security", S::kWarning,
             "the proxy lets its clients create containers: a privileged one with the host's / "
             "mounted is root on the node",
             l::check_proxy_root},
    LintRule{"security.proxy-bypassed", "security", S::kError,
             "the agent gateway reaches the docker daemon without the proxy", l::check_proxy_bypassed},
    LintRule{"security.gateway-sandbox-off", "security", S::kError,
             "the agent gateway runs agents' tools without a sandbox", l::check_sandbox_off},
    LintRule{"security.gateway-hardening", "security", S::kWarning,
             "a hardening setting of the agent gateway's sandbox is missing or weaker than advised",
             l::check_gateway_hardening},
    LintRule{"security.settings-not-persistent", "security", S::kWarning,
             "settings applied inside a running container are lost when its task is replaced",
             l::check_settings_persistence},
    LintRule{"security.unpinned-image", "security", S::kWarning,
             "an image by a moving tag: a reschedule may run different code than was reviewed",
             l::check_unpinned_images},
};

int severity_rank(Severity s) { return static_cast<int>(s); }

bool waiver_matches(const Waiver& w, const Finding& f) {
  return w.rule == f.rule && (w.subject.empty() || w.subject == f.subject);
}

}  // namespace

const char* to_string(Severity severity) {
  switch (severity) {
    case Severity::kError: return "error";
    case Severity::kWarning: return "warning";
    case Severity::kNote: return "note";
  }
  return "?";
}

std::span<const LintRule> lint_rules() { return kRules; }

const LintRule* find_lint_rule(std::string_view id) {
  for (const LintRule& r : kRules) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

std::vector<Finding> run_lint_rule(const LintRule& rule, const Plan& plan) {
  std::vector<Finding> out;
  rule.check(plan, out);
  for (Finding& f : out) {
    f.rule = std::string(rule.id);
    f.severity = rule.severity;
  }
  return out;
}

std::vector<Finding> check_waivers(const Plan& plan) {
  std::vector<Finding> out;
  for (std::size_t i = 0; i < plan.waivers.size(); ++i) {
    const Waiver& w = plan.waivers[i];
    if (find_lint_rule(w.rule) != nullptr) continue;
    Finding f = lint::finding(w.rule, "waiver of an unknown rule '" + w.rule + "'",
                              "name a rule `clawsim validate --rules` lists", w.line,
                              "waivers[" + std::to_string(i) + "].rule");
    f.rule = "plan.unknown-waiver";
    f.severity = Severity::kError;
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<Finding> lint_plan(const Plan& plan) {
  std::vector<Finding> all = check_waivers(plan);
  for (const LintRule& rule : kRules) {
    std::vector<Finding> found = run_lint_rule(rule, plan);
    all.insert(all.end(), std::make_move_iterator(found.begin()),
               std::make_move_iterator(found.end()));
  }
  std::vector<bool> used(plan.waivers.size(), false);
  for (Finding& f : all) {
    for (std::size_t w = 0; w < plan.waivers.size(); ++w) {
      if (!waiver_matches(plan.waivers[w], f)) continue;
      f.waived = true;
      f.waiver_reason = plan.waivers[w].reason;
      used[w] = true;
      break;
    }
  }
  for (std::size_t w = 0; w < plan.waivers.size(); ++w) {
    const Waiver& waiver = plan.waivers[w];
    if (used[w] || find_lint_rule(waiver.rule) == nullptr) continue;
    Finding f = lint::finding(waiver.rule,
                              "the waiver of " + waiver.rule +
                                  (waiver.subject.empty() ? "" : " for " + waiver.subject) +
                                  " matches no finding",
                              "remove it, or correct its subject", waiver.line,
                              "waivers[" + std::to_string(w) + "]");
    f.rule = "plan.unused-waiver";
    f.severity = Severity::kWarning;
    all.push_back(std::move(f));
  }
  std::stable_sort(all.begin(), all.end(), [](const Finding& a, const Finding& b) {
    if (a.severity != b.severity) return severity_rank(a.severity) < severity_rank(b.severity);
    if (a.line != b.line) return a.line < b.line;
    return a.rule < b.rule;
  });
  return all;
}

std::vector<Finding> new_findings(const std::vector<Finding>& now, const std::vector<Finding>& before) {
  std::vector<Finding> out;
  for (const Finding& f : now) {
    if (f.waived) continue;
    const bool known = std::any_of(before.begin(), before.end(), [&](const Finding& b) {
      return b.rule == f.rule && b.subject == f.subject;
    });
    if (!known) out.push_back(f);
  }
  return out;
}

}  // namespace clawsim
