// Lint checks of security: the NFS export, the docker-socket-proxy against what the services
// behind it need (Tecnativa/docker-socket-proxy: each API section is off unless its variable
// is a non-zero integer; EVENTS, PING and VERSION default on; without POST only GET and HEAD
// pass), the agent gateway's sandbox hardening, and image tags.
#include <algorithm>
#include <array>
#include <map>

#include "model/lint_checks.h"

namespace clawsim::lint {

namespace {

bool is_socket_proxy(const ServiceSpec& s) {
  return s.image.rfind("tecnativa/docker-socket-proxy", 0) == 0 ||
         s.image.rfind("docker.io/tecnativa/docker-socket-proxy", 0) == 0;
}

// haproxy's `-m bool`: a non-zero integer is true, anything else false.
bool flag_on(const std::string& value) {
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (value.empty() || !std::all_of(value.begin(), value.end(), digit)) return false;
  return std::any_of(value.begin(), value.end(), [](char c) { return c != '0'; });
}

bool proxy_allows(const ServiceSpec& proxy, const std::string& section) {
  const auto it = proxy.env.find(section);
  if (it != proxy.env.end()) return flag_on(it->second);
  return section == "EVENTS" || section == "PING" || section == "VERSION";
}

// The gateway: a service carrying OpenClaw's agent settings.
bool is_gateway(const ServiceSpec& s) {
  return std::any_of(s.settings.begin(), s.settings.end(),
                     [](const auto& kv) { return kv.first.rfind("agents.", 0) == 0; });
}

std::string setting(const ServiceSpec& s, const std::string& key) {
  const auto it = s.settings.find(key);
  return it == s.settings.end() ? "" : it->second;
}

bool sandboxed(const ServiceSpec& s) {
  const std::string mode = setting(s, "agents.defaults.sandbox.mode");
  return !mode.empty() && mode != "off";
}

// Does `client` send its Docker API calls to `proxy` (DOCKER_HOST=tcp://<proxy>:2375)?
bool uses_proxy(const ServiceSpec& client, const ServiceSpec& proxy) {
  const auto it = client.env.find("DOCKER_HOST");
  if (it == client.env.end()) return false;
  for (const std::string& host : {proxy.name, "srv-captain--" + proxy.name, "tasks." + proxy.name}) {
    if (it->second.rfind("tcp://" + host + ":", 0) == 0) return true;
  }
  return false;
}

struct ApiNeed {
  const char* section;
  const char* why;
};

// What an OpenClaw gateway that sandboxes its agents asks of the Docker API.
constexpr std::array kSandboxNeeds = {
    ApiNeed{"PING", "the client's handshake (/_ping)"},
    ApiNeed{"VERSION", "API version negotiation (/version)"},
    ApiNeed{"CONTAINERS", "creating, starting, inspecting and removing sandbox containers"},
    ApiNeed{"IMAGES", "checking for the sandbox image"},
    ApiNeed{"EXEC", "running agent tools inside the sandbox (docker exec)"},
    ApiNeed{"POST", "every call that changes something (create, start, exec, remove) is a POST"},
};

// Sections whose read access is low-risk: granting them unasked is not worth a warning.
bool low_risk(const std::string& section) {
  return section == "EVENTS" || section == "PING" || section == "VERSION" || section == "INFO";
}

constexpr std::array kSections = {"AUTH",     "BUILD",   "COMMIT",  "CONFIGS",      "CONTAINERS",
                                  "DISTRIBUTION", "EXEC", "GRPC",   "IMAGES",       "INFO",
                                  "NETWORKS", "NODES",   "PLUGINS", "POST",         "SECRETS",
                                  "SERVICES", "SESSION", "SWARM",   "SYSTEM",       "TASKS",
                                  "VOLUMES",  "EVENTS",  "PING",    "VERSION"};

template <class Fn>
void for_each_proxy_client(const Plan& plan, Fn fn) {
  for (const ServiceSpec& proxy : plan.services) {
    if (!is_socket_proxy(proxy)) continue;
    std::vector<const ServiceSpec*> clients;
    for (const ServiceSpec& s : plan.services) {
      if (uses_proxy(s, proxy)) clients.push_back(&s);
    }
    fn(proxy, clients);
  }
}

bool mounts_docker_socket(const ServiceSpec& s) {
  return std::any_of(s.volumes.begin(), s.volumes.end(), [](const std::string& v) {
    return v.find("/var/run/docker.sock") != std::string::npos ||
           v.find("/run/docker.sock") != std::string::npos;
  });
}

}  // namespace

void check_nfs_export_hosts(const Plan& plan, std::vector<Finding>& out) {
  if (!plan.nfs) return;
  const std::string& opts = plan.nfs->export_options;
  if (opts.rfind("*", 0) != 0 && opts.find(" *") == std::string::npos) return;
  out.push_back(finding(plan.nfs->path,
                        "`" + plan.nfs->path + " " + opts + "` exports CapRover's data to any host "
                            "that reaches " + plan.nfs->server + ":2049; only the firewall stands "
                            "between it and the network",
                        "name the clients: one `ADDRESS(rw,sync,no_subtree_check)` entry per node "
                        "that mounts it",
                        plan.nfs->line, "nfs.export_options"));
}

void check_nfs_root_squash(const Plan& plan, std::vector<Finding>& out) {
  if (!plan.nfs || plan.nfs->export_options.find("no_root_squash") == std::string::npos) return;
  out.push_back(finding(plan.nfs->path,
                        "no_root_squash: root on any client that may mount " + plan.nfs->path +
                            " is root on its files (CapRover's configuration and certificates)",
                        "keep no_root_squash only if CapRover must write as root there, and then "
                        "restrict the export to the managers' addresses",
                        plan.nfs->line, "nfs.export_options"));
}

void check_proxy_missing(const Plan& plan, std::vector<Finding>& out) {
  for_each_proxy_client(plan, [&](const ServiceSpec& proxy, const auto& clients) {
    for (const ServiceSpec* c : clients) {
      if (!is_gateway(*c) || !sandboxed(*c)) continue;
      for (const ApiNeed& need : kSandboxNeeds) {
        if (proxy_allows(proxy, need.section)) continue;
        const std::string s = need.section;
        out.push_back(finding(proxy.name + ":" + s,
                              proxy.name + " refuses " + s + " (" + need.why + "), which " +
                                  c->name + " needs for sandbox mode '" +
                                  setting(*c, "agents.defaults.sandbox.mode") +
                                  "': it answers 403 and no sandbox can start",
                              "set " + s + ": \"1\" in " + proxy.name + "'s environment (and see "
                                  "security.proxy-root-equivalent for what that opens)",
                              proxy.line, service_field(plan, proxy) + ".env"));
      }
    }
  });
}

void check_proxy_excess(const Plan& plan, std::vector<Finding>& out) {
  for_each_proxy_client(plan, [&](const ServiceSpec& proxy, const auto& clients) {
    // Only judged when every client's needs are known.
    if (clients.empty()) return;
    for (const ServiceSpec* c : clients) {
      if (!is_gateway(*c)) return;
    }
    for (const char* section : kSections) {
      const std::string s = section;
      if (low_risk(s) || !proxy_allows(proxy, s)) continue;
      bool needed = false;
      for (const ServiceSpec* c : clients) {
        for (const ApiNeed& need : kSandboxNeeds) needed = needed || (sandboxed(*c) && need.section == s);
      }
      if (needed) continue;
      out.push_back(finding(proxy.name + ":" + s,
                            proxy.name + " allows " + s + ", which no service behind it needs",
                            "remove " + s + " from " + proxy.name + "'s environment", proxy.line,
                            service_field(plan, proxy) + ".env." + s));
    }
  });
}

void check_proxy_root(const Plan& plan, std::vector<Finding>& out) {
  for (const ServiceSpec& proxy : plan.services) {
    if (!is_socket_proxy(proxy) || !proxy_allows(proxy, "POST") ||
        !proxy_allows(proxy, "CONTAINERS")) {
      continue;
    }
    out.push_back(finding(proxy.name,
                          proxy.name + " allows POST and CONTAINERS: any container that reaches "
                              "srv-captain--" + proxy.name + ":2375 can create a privileged "
                              "container with the host's / mounted, i.e. become root on its node",
                          "keep the proxy on a network only the gateway joins, and the gateway's "
                          "own sandbox settings strict",
                          proxy.line, service_field(plan, proxy) + ".env"));
  }
}

void check_proxy_bypassed(const Plan& plan, std::vector<Finding>& out) {
  for (const ServiceSpec& s : plan.services) {
    if (!is_gateway(s)) continue;
    const auto host = s.env.find("DOCKER_HOST");
    const bool socket_env = host != s.env.end() && host->second.rfind("unix://", 0) == 0;
    if (!socket_env && !mounts_docker_socket(s)) continue;
    out.push_back(finding(s.name,
                          s.name + " talks to the docker daemon directly (" +
                              (socket_env ? "DOCKER_HOST=" + host->second : "docker.sock mounted") +
                              "): the proxy's limits do not apply to it",
                          "remove the socket mount and set DOCKER_HOST=tcp://srv-captain--<proxy>:2375",
                          s.line, service_field(plan, s)));
  }
}

void check_sandbox_off(const Plan& plan, std::vector<Finding>& out) {
  for (const ServiceSpec& s : plan.services) {
    if (!is_gateway(s) || sandboxed(s)) continue;
    const std::string mode = setting(s, "agents.defaults.sandbox.mode");
    out.push_back(finding(s.name,
                          s.name + "'s agents run their tools in the gateway itself (sandbox mode " +
                              (mode.empty() ? "not set" : "'" + mode + "'") + ")",
                          "`openclaw config set agents.defaults.sandbox.mode \"all\"`", s.line,
                          service_field(plan, s) + ".settings"));
  }
}

void check_gateway_hardening(const Plan& plan, std::vector<Finding>& out) {
  for (const ServiceSpec& s : plan.services) {
    if (!is_gateway(s) || !sandboxed(s)) continue;
    const std::string field = service_field(plan, s) + ".settings";
    const std::string network = setting(s, "agents.defaults.sandbox.docker.network");
    if (network != "none") {
      out.push_back(finding(s.name + ":network",
                            s.name + "'s sandboxes get network '" +
                                (network.empty() ? std::string("(default)") : network) +
                                "': an agent's tools can reach the network from inside",
                            "`openclaw config set agents.defaults.sandbox.docker.network \"none\"`",
                            s.line, field));
    }
    if (setting(s, "agents.defaults.sandbox.docker.capDrop").find("ALL") == std::string::npos) {
      out.push_back(finding(s.name + ":capDrop",
                            s.name + "'s sandboxes keep Docker's default capabilities",
                            "`openclaw config set agents.defaults.sandbox.docker.capDrop '[\"ALL\"]'`",
                            s.line, field));
    }
    if (setting(s, "agents.defaults.tools.deny").empty()) {
      out.push_back(finding(s.name + ":tools", s.name + " denies no tool to its agents",
                            "deny what the agents do not need, e.g. `openclaw config set "
                            "agents.defaults.tools.deny '[\"process\", \"browser\"]'`",
                            s.line, field));
    }
  }
}

void check_settings_persistence(const Plan& plan, std::vector<Finding>& out) {
  for (const ServiceSpec& s : plan.services) {
    if (s.settings.empty() || !s.volumes.empty()) continue;
    out.push_back(finding(s.name,
                          s.name + "'s " + std::to_string(s.settings.size()) +
                              " settings live in its container (set with `docker exec ... config "
                              "set`), and it has no volume: the next task (a `service update "
                              "--force`, a reschedule, a node restart) starts without them",
                          "keep the configuration on a volume (CapRover: a persistent directory), "
                          "or bake it into the image",
                          s.line, service_field(plan, s) + ".settings"));
  }
}

void check_unpinned_images(const Plan& plan, std::vector<Finding>& out) {
  for (const ServiceSpec& s : plan.services) {
    if (s.name == plan.dashboard_service) continue;  // CapRover updates its own image
    if (s.image.rfind("img-captain--", 0) == 0) continue;  // built and numbered by CapRover
    if (s.image.find('@') != std::string::npos) continue;  // by digest
    const std::size_t slash = s.image.rfind('/');
    const std::size_t colon = s.image.rfind(':');
    const bool tagged = colon != std::string::npos && (slash == std::string::npos || colon > slash);
    const std::string tag = tagged ? s.image.substr(colon + 1) : "";
    if (tagged && tag != "latest") continue;
    out.push_back(finding(s.name,
                          s.name + " runs " + s.image +
                              (tagged ? "" : " (no tag: latest)") +
                              ": the image a rescheduled task pulls may differ from the reviewed one",
                          "pin a version tag or a digest (image@sha256:...)", s.line,
                          service_field(plan, s) + ".image"));
  }
}

}  // namespace clawsim::lint
