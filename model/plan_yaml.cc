#include "model/plan_yaml.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "model/service_graph.h"
#include "model/yaml_fields.h"

namespace clawsim {

namespace {


Role parse_role(const Field& f) {
  const std::string v = f.as_string();
  if (v == "manager") return Role::kManager;
  if (v == "worker") return Role::kWorker;
  f.fail("expected manager or worker, got '" + v + "'");
}

Availability parse_availability(const Field& f) {
  const std::string v = f.as_string();
  if (v == "active") return Availability::kActive;
  if (v == "pause") return Availability::kPause;
  if (v == "drain") return Availability::kDrain;
  f.fail("expected active, pause or drain, got '" + v + "'");
}

std::map<std::string, std::string> parse_string_map(const Field& f) {
  std::map<std::string, std::string> out;
  if (!f.present()) return out;
  f.expect_map();
  for (const auto& kv : f.node()) {
    const std::string key = kv.first.as<std::string>();
    out[key] = f.child(key).as_string();
  }
  return out;
}

// A node's labels (or its engine's): what Docker takes, checked before any command holds them.
std::map<std::string, std::string> parse_labels(const Field& f) {
  std::map<std::string, std::string> labels = parse_string_map(f);
  for (const auto& [key, value] : labels) {
    if (const std::string why = docker_label_problem(key, value); !why.empty()) f.child(key).fail(why);
  }
  return labels;
}

NodeSpec parse_node(const Field& f) {
  f.only_keys({"name", "id", "address", "role", "availability", "labels", "engine_labels",
               "platform_os", "platform_arch", "failure_domain"});
  NodeSpec n;
  n.line = f.line();
  n.name = f.child("name").as_string();
  n.id = f.child("id").present() ? f.child("id").as_string() : n.name;
  n.address = f.child("address").as_string();
  if (!is_ipv4_address(n.address)) {
    f.child("address").fail("'" + n.address + "' is not an IPv4 address (the address the node advertises, e.g. 10.0.0.1)");
  }
  n.role = parse_role(f.child("role"));
  if (f.child("availability").present()) n.availability = parse_availability(f.child("availability"));
  n.labels = parse_labels(f.child("labels"));
  n.engine_labels = parse_labels(f.child("engine_labels"));
  if (f.child("platform_os").present()) n.platform_os = f.child("platform_os").as_string();
  if (f.child("platform_arch").present()) n.platform_arch = f.child("platform_arch").as_string();
  if (f.child("failure_domain").present()) n.failure_domain = f.child("failure_domain").as_string();
  return n;
}

void parse_raft(const Field& f, RaftSettings& r) {
  if (!f.present()) return;
  f.only_keys({"tick", "heartbeat_tick", "election_tick", "check_quorum", "pre_vote",
               "transport_backoff_max"});
  if (f.child("tick").present()) r.tick_ms = f.child("tick").as_duration_ms();
  if (f.child("transport_backoff_max").present()) {
    r.transport_backoff_max_ms = f.child("transport_backoff_max").as_duration_ms();
  }
  if (f.child("heartbeat_tick").present()) {
    r.heartbeat_tick = static_cast<int>(f.child("heartbeat_tick").as_int(1, 1000));
  }
  if (f.child("election_tick").present()) {
    r.election_tick = static_cast<int>(f.child("election_tick").as_int(1, 1000));
  }
  if (f.child("check_quorum").present()) r.check_quorum = f.child("check_quorum").as_bool();
  if (f.child("pre_vote").present()) r.pre_vote = f.child("pre_vote").as_bool();
  if (r.tick_ms <= 0) f.child("tick").fail("must be positive");
  // gRPC's first retry comes after its base delay, 1 s, whatever the maximum
  if (r.transport_backoff_max_ms < 1000) f.child("transport_backoff_max").fail("must be at least 1s");
  if (r.heartbeat_tick >= r.election_tick) {
    f.child("heartbeat_tick")
        .fail("heartbeat_tick (" + std::to_string(r.heartbeat_tick) +
              ") must be smaller than election_tick (" + std::to_string(r.election_tick) +
              "): followers would call elections between heartbeats");
  }
  if (r.pre_vote) f.child("pre_vote").fail("pre_vote is not modelled (swarmkit leaves it off)");
}

void parse_dispatcher(const Field& f, DispatcherSettings& d) {
  if (!f.present()) return;
  f.only_keys({"heartbeat_period", "heartbeat_epsilon", "grace_multiplier",
               "unknown_grace_multiplier"});
  if (f.child("heartbeat_period").present()) {
    d.heartbeat_period_ms = f.child("heartbeat_period").as_duration_ms();
  }
  if (f.child("heartbeat_epsilon").present()) {
    d.heartbeat_epsilon_ms = f.child("heartbeat_epsilon").as_duration_ms();
  }
  if (f.child("grace_multiplier").present()) {
    d.grace_multiplier = static_cast<int>(f.child("grace_multiplier").as_int(1, 100));
  }
  if (f.child("unknown_grace_multiplier").present()) {
    d.unknown_grace_multiplier =
        static_cast<int>(f.child("unknown_grace_multiplier").as_int(1, 100));
  }
  if (d.heartbeat_period_ms <= 0) f.child("heartbeat_period").fail("must be positive");
  if (d.heartbeat_epsilon_ms >= d.heartbeat_period_ms) {
    f.child("heartbeat_epsilon").fail("must be smaller than heartbeat_period");
  }
}

void parse_world(const Field& f, WorldSettings& w) {
  if (!f.present()) return;
  f.only_keys({"link_latency", "container_start", "agent_reconnect", "promote_join",
               "api_deadline", "api_no_leader_fast_fail_ticks"});
  if (f.child("promote_join").present()) w.promote_join_ms = f.child("promote_join").as_duration_ms();
  if (f.child("link_latency").present()) w.link_latency_ms = f.child("link_latency").as_duration_ms();
  if (f.child("container_start").present()) {
    w.container_start_ms = f.child("container_start").as_duration_ms();
  }
  if (f.child("agent_reconnect").present()) {
    w.agent_reconnect_ms = f.child("agent_reconnect").as_duration_ms();
  }
  if (f.child("api_deadline").present()) w.api_deadline_ms = f.child("api_deadline").as_duration_ms();
  if (f.child("api_no_leader_fast_fail_ticks").present()) {
    w.api_no_leader_fast_fail_ticks =
        static_cast<int>(f.child("api_no_leader_fast_fail_ticks").as_int(0, 100000));
  }
  if (w.link_latency_ms <= 0) f.child("link_latency").fail("must be at least 1ms");
}

Dependency parse_need(const Field& f) {
  const std::string v = f.as_string();
  if (v == "nfs") return Dependency::kNfs;
  if (v == "quorum") return Dependency::kQuorum;
  if (v == "docker-daemon") return Dependency::kDockerDaemon;
  f.fail("expected nfs, quorum or docker-daemon, got '" + v + "'");
}

void parse_restart(const Field& f, RestartPolicy& r) {
  if (!f.present()) return;
  f.only_keys({"condition", "delay", "max_attempts"});
  if (f.child("condition").present()) {
    const std::string c = f.child("condition").as_string();
    if (c == "any") r.condition = RestartPolicy::Condition::kAny;
    else if (c == "on-failure") r.condition = RestartPolicy::Condition::kOnFailure;
    else if (c == "none") r.condition = RestartPolicy::Condition::kNone;
    else f.child("condition").fail("expected any, on-failure or none, got '" + c + "'");
  }
  if (f.child("delay").present()) r.delay_ms = f.child("delay").as_duration_ms();
  if (f.child("max_attempts").present()) {
    r.max_attempts = static_cast<int>(f.child("max_attempts").as_int(0, 1000000));
  }
}

ServiceSpec parse_service(const Field& f) {
  f.only_keys({"name", "image", "mode", "replicas", "constraints", "env", "depends_on", "needs",
               "manager_only", "restart", "stop_grace", "settings", "volumes"});
  ServiceSpec s;
  s.line = f.line();
  s.name = f.child("name").as_string();
  s.image = f.child("image").as_string();
  if (f.child("mode").present()) {
    const std::string mode = f.child("mode").as_string();
    if (mode == "global") s.global = true;
    else if (mode != "replicated") f.child("mode").fail("expected replicated or global");
  }
  if (f.child("replicas").present()) {
    if (s.global) f.child("replicas").fail("a global service has no replica count");
    s.replicas = static_cast<int>(f.child("replicas").as_int(0, 1000));
  }
  const Field constraints = f.child("constraints");
  if (constraints.present()) {
    for (std::size_t i = 0; i < constraints.size(); ++i) {
      const Field c = constraints.item(i);
      Result<Constraint> parsed = parse_constraint(c.as_string());
      if (!parsed) c.fail(parsed.error().message);
      s.constraints.push_back(std::move(parsed).value());
    }
  }
  s.env = parse_string_map(f.child("env"));
  s.depends_on = f.child("depends_on").as_string_list();
  const Field needs = f.child("needs");
  if (needs.present()) {
    for (std::size_t i = 0; i < needs.size(); ++i) s.needs.push_back(parse_need(needs.item(i)));
  }
  if (f.child("manager_only").present()) s.manager_only = f.child("manager_only").as_bool();
  parse_restart(f.child("restart"), s.restart);
  if (f.child("stop_grace").present()) s.stop_grace_ms = f.child("stop_grace").as_duration_ms();
  s.settings = parse_string_map(f.child("settings"));
  s.volumes = f.child("volumes").as_string_list();
  return s;
}

NfsSpec parse_nfs(const Field& f) {
  f.only_keys({"server", "path", "export_options", "clients", "mount_options"});
  NfsSpec n;
  n.line = f.line();
  n.server = f.child("server").as_string();
  if (f.child("path").present()) n.path = f.child("path").as_string();
  if (f.child("export_options").present()) n.export_options = f.child("export_options").as_string();
  n.clients = f.child("clients").as_string_list();
  if (f.child("mount_options").present()) n.mount_options = f.child("mount_options").as_string();
  return n;
}

FirewallStep parse_firewall_step(const Field& f, const Plan& plan) {
  f.only_keys({"on", "run"});
  FirewallStep step;
  step.line = f.line();
  const Field on = f.child("on");
  for (const std::string& name : on.as_string_list()) {
    if (name == "all") {
      for (const NodeSpec& n : plan.nodes) step.nodes.push_back(n.name);
    } else if (plan.node_index(name) < 0) {
      on.fail("unknown node '" + name + "'");
    } else {
      step.nodes.push_back(name);
    }
  }
  if (step.nodes.empty()) on.fail("name the nodes this runs on, or 'all'");
  const Field run = f.child("run");
  for (std::size_t i = 0; i < run.size(); ++i) {
    const Field cmd = run.item(i);
    Firewall probe;
    Result<bool> applied = apply_ufw_command(probe, cmd.as_string());
    if (!applied) cmd.fail(applied.error().message);
    step.commands.push_back(cmd.as_string());
    step.command_lines.push_back(cmd.line());
  }
  return step;
}

SshAccess parse_ssh(const Field& f, const std::string& admin_address) {
  SshAccess ssh;
  if (!f.present()) {
    if (!admin_address.empty()) ssh.clients.push_back({"admin", admin_address});
    return ssh;
  }
  f.only_keys({"port", "clients"});
  ssh.line = f.line();
  if (f.child("port").present()) ssh.port = static_cast<int>(f.child("port").as_int(1, 65535));
  const Field clients = f.child("clients");
  if (clients.present()) {
    clients.expect_map();
    for (const auto& kv : clients.node()) {
      const std::string name = kv.first.as<std::string>();
      const Field address = clients.child(name);
      if (!is_ipv4_address(address.as_string())) address.fail("expected an IPv4 address");
      ssh.clients.push_back({name, address.as_string()});
    }
  } else if (!admin_address.empty()) {
    ssh.clients.push_back({"admin", admin_address});
  }
  return ssh;
}

std::vector<Waiver> parse_waivers(const Field& f) {
  std::vector<Waiver> out;
  if (!f.present()) return out;
  for (std::size_t i = 0; i < f.size(); ++i) {
    const Field w = f.item(i);
    w.only_keys({"rule", "subject", "reason"});
    Waiver waiver;
    waiver.line = w.line();
    waiver.rule = w.child("rule").as_string();
    if (w.child("subject").present()) waiver.subject = w.child("subject").as_string();
    waiver.reason = w.child("reason").as_string();
    if (waiver.reason.empty()) w.child("reason").fail("a waiver needs its reason");
    out.push_back(std::move(waiver));
  }
  return out;
}

Objective parse_objective(const Field& f, const Plan& plan) {
  f.only_keys({"name", "quorum", "service", "max_downtime", "replicas_pct_at_least", "recovers_within", "faults",
               "except"});
  Objective o;
  o.line = f.line();
  o.name = f.child("name").as_string();
  const bool quorum = f.child("quorum").present();
  const bool downtime = f.child("max_downtime").present();
  const bool replicas = f.child("replicas_pct_at_least").present();
  const bool recovery = f.child("recovers_within").present();
  if (int(quorum) + int(downtime) + int(replicas) + int(recovery) != 1) {
    f.fail("an objective states exactly one of quorum: held, max_downtime (with service), "
           "replicas_pct_at_least (with service) or recovers_within");
  }
  if (quorum) {
    if (f.child("quorum").as_string() != "held") f.child("quorum").fail("expected 'held'");
    o.kind = Objective::Kind::kQuorumHeld;
  } else if (downtime || replicas) {
    o.kind = downtime ? Objective::Kind::kMaxDowntime : Objective::Kind::kMinReplicas;
    if (downtime) o.limit_ms = f.child("max_downtime").as_duration_ms();
    if (replicas) o.min_replicas_pct = static_cast<int>(f.child("replicas_pct_at_least").as_int(0, 100));
    o.service = f.child("service").as_string();
    if (plan.service_index(o.service) < 0) {
      f.child("service").fail("unknown service '" + o.service + "'");
    }
  } else {
    o.kind = Objective::Kind::kRecoversWithin;
    o.limit_ms = f.child("recovers_within").as_duration_ms();
  }
  if (!downtime && !replicas && f.child("service").present()) {
    f.child("service").fail("only a max_downtime or replicas_pct_at_least objective names a service");
  }
  if (f.child("faults").present()) {
    const std::string faults = f.child("faults").as_string();
    if (faults == "single") o.depth = 1;
    else if (faults == "pairs") o.depth = 2;
    else f.child("faults").fail("expected single or pairs, got '" + faults + "'");
  }
  o.except = f.child("except").as_string_list();
  for (const std::string& name : o.except) {
    if (plan.node_index(name) < 0) f.child("except").fail("unknown node '" + name + "'");
  }
  return o;
}

// Docker's rule for a service name, as the swarm answers it: letters and digits, with - or _
// between them, at most 63 ("name must be valid as a DNS name component": a dot is refused,
// an underscore is not).
bool docker_service_name(const std::string& name) {
  if (name.empty() || name.size() > 63) return false;
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  if (!alnum(name.front()) || !alnum(name.back())) return false;
  return std::all_of(name.begin(), name.end(), [&](char c) { return alnum(c) || c == '-' || c == '_'; });
}

// A node's name is its hostname (RFC 1123): dot-separated labels of letters, digits and inner
// hyphens, each at most 63, all at most 253.
bool is_hostname(const std::string& name) {
  if (name.empty() || name.size() > 253) return false;
  std::size_t start = 0;
  while (start <= name.size()) {
    const std::size_t end = std::min(name.find('.', start), name.size());
    const std::string label = name.substr(start, end - start);
    auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
    if (label.empty() || label.size() > 63 || !alnum(label.front()) || !alnum(label.back()) ||
        !std::all_of(label.begin(), label.end(), [&](char c) { return alnum(c) || c == '-'; })) {
      return false;
    }
    start = end + 1;
  }
  return true;
}

void check_nodes(const Field& nodes, const Plan& plan) {
  std::set<std::string> names, ids, addresses;
  for (std::size_t i = 0; i < plan.nodes.size(); ++i) {
    const NodeSpec& n = plan.nodes[i];
    const Field f = nodes.item(i);
    if (!names.insert(n.name).second) f.child("name").fail("duplicate node name '" + n.name + "'");
    if (!is_hostname(n.name)) {
      f.child("name").fail("'" + n.name + "' is not a hostname (a node's name in Docker): letters, digits and "
                           "inner hyphens, in labels separated by dots");
    }
    if (!ids.insert(n.id).second) f.child("id").fail("duplicate node id '" + n.id + "'");
    if (!addresses.insert(n.address).second) {
      f.child("address").fail("duplicate address '" + n.address + "'");
    }
  }
  if (plan.nodes.empty()) nodes.fail("a plan needs at least one node");
  if (plan.nodes.size() > kMaxNodes) {
    nodes.fail("at most " + std::to_string(kMaxNodes) + " nodes are supported");
  }
  if (plan.manager_count() == 0) nodes.fail("a swarm needs at least one manager; none declared");
  if (static_cast<std::size_t>(plan.manager_count()) > kMaxManagers) {
    nodes.fail(std::to_string(plan.manager_count()) + " managers: the model's Raft group holds at most " +
               std::to_string(kMaxManagers) + " (workers are not limited; Docker advises at most 7 managers)");
  }
}

void check_services(const Field& services, const Plan& plan) {
  std::set<std::string> names;
  for (std::size_t i = 0; i < plan.services.size(); ++i) {
    const ServiceSpec& s = plan.services[i];
    const Field f = services.item(i);
    if (!names.insert(s.name).second) f.child("name").fail("duplicate service '" + s.name + "'");
    if (!docker_service_name(s.name)) {
      f.child("name").fail("'" + s.name + "' is not a name Docker accepts for a service: letters and digits, "
                           "with - or _ between them, at most 63");
    }
    const Field deps = f.child("depends_on");
    for (std::size_t d = 0; d < s.depends_on.size(); ++d) {
      if (plan.service_index(s.depends_on[d]) < 0) {
        (deps.node().IsSequence() ? deps.item(d) : deps)
            .fail("unknown service '" + s.depends_on[d] + "'");
      }
    }
    for (Dependency need : s.needs) {
      if (need == Dependency::kNfs && !plan.nfs) {
        f.child("needs").fail("service needs nfs but the plan has no nfs section");
      }
    }
  }
  const ServiceOrder order = dependency_order(plan.services);
  if (!order.cycle.empty()) {
    std::string names_on_cycle;
    for (int i : order.cycle) {
      names_on_cycle += (names_on_cycle.empty() ? "" : ", ") + plan.services[static_cast<std::size_t>(i)].name;
    }
    services.item(static_cast<std::size_t>(order.cycle.front()))
        .child("depends_on")
        .fail("dependency cycle between services: " + names_on_cycle);
  }
}

Plan parse_plan_fields(const Field& root) {
  root.only_keys({"name", "description", "admin_address", "leader", "dashboard_service", "nodes",
                  "raft", "dispatcher", "world", "nfs", "services", "firewall", "ssh",
                  "waivers", "objectives"});
  Plan plan;
  if (root.child("name").present()) plan.name = root.child("name").as_string();
  if (root.child("description").present()) plan.description = root.child("description").as_string();
  if (root.child("admin_address").present()) {
    plan.admin_address = root.child("admin_address").as_string();
    if (!is_ipv4_address(plan.admin_address)) {
      root.child("admin_address").fail("'" + plan.admin_address + "' is not an IPv4 address");
    }
  }
  const Field nodes = root.child("nodes");
  plan.nodes_line = nodes.line();
  for (std::size_t i = 0; i < nodes.size(); ++i) plan.nodes.push_back(parse_node(nodes.item(i)));
  check_nodes(nodes, plan);
  parse_settings(root, plan.raft, plan.dispatcher, plan.world);
  if (root.child("nfs").present()) {
    const Field nfs = root.child("nfs");
    plan.nfs = parse_nfs(nfs);
    if (plan.node_index(plan.nfs->server) < 0) {
      nfs.child("server").fail("unknown node '" + plan.nfs->server + "'");
    }
    for (const std::string& c : plan.nfs->clients) {
      if (plan.node_index(c) < 0) nfs.child("clients").fail("unknown node '" + c + "'");
    }
  }
  const Field services = root.child("services");
  if (services.present()) {
    for (std::size_t i = 0; i < services.size(); ++i) {
      plan.services.push_back(parse_service(services.item(i)));
    }
    check_services(services, plan);
  }
  const Field firewall = root.child("firewall");
  if (firewall.present()) {
    for (std::size_t i = 0; i < firewall.size(); ++i) {
      plan.firewall.push_back(parse_firewall_step(firewall.item(i), plan));
    }
  }
  const Field leader = root.child("leader");
  if (leader.present()) {
    plan.leader = leader.as_string();
    const int li = plan.node_index(plan.leader);
    if (li < 0) leader.fail("unknown node '" + plan.leader + "'");
    if (plan.nodes[static_cast<std::size_t>(li)].role != Role::kManager) {
      leader.fail("'" + plan.leader + "' is not a manager");
    }
  } else {
    for (const NodeSpec& n : plan.nodes) {
      if (n.role == Role::kManager) { plan.leader = n.name; break; }
    }
  }
  if (root.child("dashboard_service").present()) {
    plan.dashboard_service = root.child("dashboard_service").as_string();
  }
  plan.ssh = parse_ssh(root.child("ssh"), plan.admin_address);
  plan.waivers = parse_waivers(root.child("waivers"));
  const Field objectives = root.child("objectives");
  if (objectives.present()) {
    for (std::size_t i = 0; i < objectives.size(); ++i) {
      plan.objectives.push_back(parse_objective(objectives.item(i), plan));
    }
  }
  plan.firewalls = build_firewalls(plan);
  return plan;
}

}  // namespace

void parse_settings(const Field& f, RaftSettings& raft, DispatcherSettings& dispatcher,
                    WorldSettings& world) {
  parse_raft(f.child("raft"), raft);
  parse_dispatcher(f.child("dispatcher"), dispatcher);
  parse_world(f.child("world"), world);
}

Result<Plan> parse_plan(std::string_view text, const std::string& file) {
  return parse_document<Plan>(text, file, "plan", parse_plan_fields);
}

}  // namespace clawsim
