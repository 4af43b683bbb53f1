#include "live/observer.h"

#include "live/local_command.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <thread>
#include <cctype>
#include <nlohmann/json.hpp>
#include <sstream>

namespace clawsim {

namespace {

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (!line.empty()) out.push_back(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string str(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

std::vector<std::string> split(std::string_view line, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= line.size(); ++i) {
    if (i == line.size() || line[i] == sep) {
      out.emplace_back(line.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

NodeState* find_node(std::vector<NodeState>& nodes, const std::string& name) {
  for (NodeState& n : nodes) {
    if (n.name == name) return &n;
  }
  return nullptr;
}

}  // namespace

bool parse_node_ls(std::string_view json_lines, std::vector<NodeState>& nodes, std::string& error) {
  for (std::string_view line : lines_of(json_lines)) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      error = "docker node ls: not JSON: " + std::string(line.substr(0, 120));
      return false;
    }
    NodeState n;
    n.name = str(j, "Hostname");
    n.id = str(j, "ID");
    n.status = lower(str(j, "Status"));
    n.availability = lower(str(j, "Availability"));
    n.manager_status = str(j, "ManagerStatus");
    n.role = n.manager_status.empty() ? "worker" : "manager";
    if (n.name.empty()) {
      error = "docker node ls: a line without Hostname: " + std::string(line.substr(0, 120));
      return false;
    }
    nodes.push_back(std::move(n));
  }
  return true;
}

bool parse_node_labels(std::string_view lines, std::vector<NodeState>& nodes, std::string& error) {
  for (std::string_view line : lines_of(lines)) {
    const auto parts = split(line, '|');
    if (parts.size() != 3) {
      error = "docker node inspect: unexpected line: " + std::string(line.substr(0, 120));
      return false;
    }
    NodeState* n = find_node(nodes, parts[0]);
    if (!n) continue;
    n->role = parts[1];
    const auto labels = nlohmann::json::parse(parts[2], nullptr, false);
    if (labels.is_object()) {
      for (const auto& [k, v] : labels.items()) n->labels[k] = v.is_string() ? v.get<std::string>() : v.dump();
    }
  }
  return true;
}

bool parse_service_ps(std::string_view json_lines, std::vector<TaskState>& tasks, std::string& error) {
  for (std::string_view line : lines_of(json_lines)) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      error = "docker service ps: not JSON: " + std::string(line.substr(0, 120));
      return false;
    }
    TaskState t;
    std::string name = str(j, "Name");
    const auto bs = name.find_first_not_of("\\_ ");  // table views prefix old tasks with "\_ "
    name = bs == std::string::npos ? name : name.substr(bs);
    const auto dot = name.rfind('.');
    t.service = name.substr(0, dot);
    if (dot != std::string::npos) {
      // A replicated task's slot ("web.3"); a global one's node ID, or digits beyond an int
      // (no swarm has that many replicas), are no slot.
      const std::string_view slot = std::string_view(name).substr(dot + 1);
      int value = 0;
      const auto [end, ec] = std::from_chars(slot.data(), slot.data() + slot.size(), value);
      t.slot = ec == std::errc() && end == slot.data() + slot.size() && value >= 0 ? value : 0;
    }
    t.node = str(j, "Node");
    const std::string current = str(j, "CurrentState");
    t.state = lower(current.substr(0, current.find(' ')));
    t.desired = lower(str(j, "DesiredState"));
    t.message = str(j, "Error");
    if (t.message.size() >= 2 && t.message.front() == '"' && t.message.back() == '"') {
      t.message = t.message.substr(1, t.message.size() - 2);
    }
    t.container_running = t.state == "running";
    tasks.push_back(std::move(t));
  }
  return true;
}

bool parse_service_specs(std::string_view lines, std::vector<ServiceState>& services,
                         std::string& error) {
  for (std::string_view line : lines_of(lines)) {
    const auto parts = split(line, '|');
    if (parts.size() != 3) {
      error = "docker service inspect: unexpected line: " + std::string(line.substr(0, 120));
      return false;
    }
    ServiceState s;
    s.name = parts[0];
    const auto constraints = nlohmann::json::parse(parts[1], nullptr, false);
    if (constraints.is_array()) {
      for (const auto& c : constraints) {
        if (c.is_string()) s.constraints.push_back(c.get<std::string>());
      }
    }
    try {
      s.replicas = std::stoi(parts[2]);
    } catch (const std::exception&) {
      s.replicas = -1;
    }
    services.push_back(std::move(s));
  }
  return true;
}

// A container runs until its task leaves the running state, whatever its desired state: a
// task on a node whose daemon died still reads Running (desired Shutdown) and its container
// still serves, as in the model.
void derive_service_availability(ClusterState& state) {
  for (ServiceState& s : state.services) {
    s.up = false;
    s.reason = "no running task";
    for (const TaskState& t : state.tasks) {
      if (t.service != s.name) continue;
      if (t.state == "running") {
        s.up = true;
        s.reason.clear();
        break;
      }
      if (t.desired == "running" && !t.message.empty()) s.reason = "no running task (" + t.message + ")";
    }
  }
}

bool observation_complete(std::string_view out) {
  const std::size_t inspect = out.find("@@inspect"), services = out.find("@@services"),
                    tasks = out.find("@@tasks");
  return inspect != std::string_view::npos && services != std::string_view::npos &&
         tasks != std::string_view::npos && inspect < services && services < tasks;
}

bool parse_observation(std::string_view out, ClusterState& state, std::string& error) {
  if (!observation_complete(out)) {
    error = "incomplete output (a section marker is missing or out of order)";
    return false;
  }
  const std::size_t inspect = out.find("@@inspect"), services = out.find("@@services"),
                    tasks = out.find("@@tasks");
  ClusterState s;
  if (!parse_node_ls(out.substr(0, inspect), s.nodes, error) ||
      !parse_node_labels(out.substr(inspect + 9, services - inspect - 9), s.nodes, error) ||
      !parse_service_specs(out.substr(services + 10, tasks - services - 10), s.services, error) ||
      !parse_service_ps(out.substr(tasks + 7), s.tasks, error)) {
    return false;
  }
  for (const NodeState& n : s.nodes) {
    if (n.manager_status == "Leader") s.leader = n.name;
  }
  s.quorum = !s.leader.empty();
  derive_service_availability(s);
  state = std::move(s);
  return true;
}

std::string observation_script(const std::string& docker) {
  // Sections are separated by marker lines; each docker call is bounded by the SSH timeout.
  return "D='" + docker + "'; set -o pipefail; "
         "$D node ls --format '{{json .}}' || exit 3; echo '@@inspect'; "
         "$D node inspect $($D node ls -q) --format "
         "'{{.Description.Hostname}}|{{.Spec.Role}}|{{json .Spec.Labels}}' || exit 4; "
         "echo '@@services'; ids=$($D service ls -q) || exit 5; "
         "if [ -n \"$ids\" ]; then $D service inspect $ids --format "
         "'{{.Spec.Name}}|{{json .Spec.TaskTemplate.Placement.Constraints}}|"
         "{{if .Spec.Mode.Replicated}}{{.Spec.Mode.Replicated.Replicas}}{{else}}-1{{end}}' || exit 6; "
         "echo '@@tasks'; $D service ps --no-trunc --format '{{json .}}' $ids || exit 7; "
         "else echo '@@tasks'; fi";
}

LiveCluster::LiveCluster(Inventory inventory)
    : inventory_(std::move(inventory)),
      sessions_(inventory_.nodes.size()),
      probe_sessions_(inventory_.nodes.size()),
      powered_off_(inventory_.nodes.size(), 0) {}

CommandResult LiveCluster::run_here(int node, const std::string& command) {
  const auto started = std::chrono::steady_clock::now();
  const CommandResult r = clawsim::run_here(command, inventory_.nodes[static_cast<std::size_t>(node)].command_timeout_ms);
  if (audit_) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    audit_->command("here, for " + inventory_.nodes[static_cast<std::size_t>(node)].name, command, r, ms.count());
  }
  return r;
}

void LiveCluster::set_powered_off(int node, bool off) {
  const auto i = static_cast<std::size_t>(node);
  powered_off_[i] = off ? 1 : 0;
  sessions_[i].reset();  // their host is gone, or booted anew: a connection of before is dead
  probe_sessions_[i].reset();
}

CommandResult LiveCluster::run(int node, const std::string& command) {
  return run(node, command, inventory_.nodes[static_cast<std::size_t>(node)].command_timeout_ms);
}

CommandResult LiveCluster::run(int node, const std::string& command, DurationMs timeout_ms) {
  return run_in(sessions_, node, command, timeout_ms);
}

CommandResult LiveCluster::run_in(Pool& pool, int node, const std::string& command,
                                  DurationMs timeout_ms) {
  const auto started = std::chrono::steady_clock::now();
  CommandResult r = run_once_in(pool, node, command, timeout_ms);
  if (audit_) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    audit_->command(inventory_.nodes[static_cast<std::size_t>(node)].name, command, r, ms.count());
  }
  return r;
}

CommandResult LiveCluster::run_once_in(Pool& pool, int node, const std::string& command,
                                       DurationMs timeout_ms) {
  auto& session = pool[static_cast<std::size_t>(node)];
  const InventoryNode& n = inventory_.nodes[static_cast<std::size_t>(node)];
  if (powered_off(node)) {
    CommandResult r;
    r.error = n.name + ": powered off";
    return r;
  }
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!session || session->broken()) {
      std::string error;
      session = SshSession::connect(n.ssh, error);
      if (!session) {
        CommandResult r;
        r.error = error;
        if (attempt == 0 && error.find("refusing") == std::string::npos) continue;  // one retry
        return r;
      }
    }
    CommandResult r = session->run(command, timeout_ms);
    if (!session->broken() || attempt == 1) return r;
  }
  CommandResult r;
  r.error = n.name + ": unreachable";
  return r;
}

CommandResult LiveCluster::docker(int node, const std::string& args) {
  return run(node, inventory_.nodes[static_cast<std::size_t>(node)].commands.docker + " " + args);
}

bool LiveCluster::observe_firewalls(std::vector<ObservedFirewall>& out, std::string& error) {
  out.clear();
  for (int i = 0; i < static_cast<int>(inventory_.nodes.size()); ++i) {
    const std::string& name = inventory_.nodes[static_cast<std::size_t>(i)].name;
    const CommandResult r = run(i,
                                "if command -v ufw >/dev/null 2>&1; then ufw status verbose && "
                                "echo @@added && ufw show added; else echo @@no-ufw; fi");
    ObservedFirewall fw;
    fw.node = name;
    std::string perr;
    if (!r.ok()) {
      error = name + ": reading its firewall: " + r.describe();
      return false;
    }
    if (!parse_ufw_observation(r.out, fw, perr)) {
      error = name + ": " + perr;
      return false;
    }
    out.push_back(std::move(fw));
  }
  return true;
}

bool LiveCluster::observe(ClusterState& state, std::string& error, int hint) {
  // The node asked last is asked first. If it does not answer, every other node is asked at
  // once: one manager's silence says nothing of the others' (a demoted leader hangs while it
  // hands over; a follower hangs while its connection to a new leader is not back yet).
  // While no manager answers (no leader), a sample would wait for the first, then for the
  // others: after an observation that none answered, ask them all at once until one does.
  std::vector<int> first, rest;
  for (int i = 0; i < static_cast<int>(inventory_.nodes.size()); ++i) {
    (i == hint && !none_answered_ ? first : rest).push_back(i);
  }
  std::string tried;
  none_answered_ = false;
  for (const std::vector<int>* nodes : {&first, &rest}) {
    std::vector<CommandResult> results(nodes->size());
    std::vector<std::thread> threads;
    threads.reserve(nodes->size());
    for (std::size_t i = 0; i < nodes->size(); ++i) {
      threads.emplace_back([this, &results, nodes, i] {
        const int node = (*nodes)[i];
        results[i] = run(node, observation_script(inventory_.nodes[static_cast<std::size_t>(node)].commands.docker),
                         kObserveTimeoutMs);
      });
    }
    for (std::thread& t : threads) t.join();
    for (std::size_t i = 0; i < nodes->size(); ++i) {
      const CommandResult& r = results[i];
      const std::string& name = inventory_.nodes[static_cast<std::size_t>((*nodes)[i])].name;
      if (r.error.find("refusing to connect") != std::string::npos) {  // host key: stop the run
        error = r.error;
        return false;
      }
      std::string why;
      ClusterState s;
      if (r.timed_out) {
        why = "no answer within " + std::to_string(kObserveTimeoutMs) + " ms";
      } else if (!r.ok()) {
        why = r.describe();
      } else if (!observation_complete(r.out)) {
        why = "incomplete output";
      } else if (parse_observation(r.out, s, why)) {
        state = std::move(s);
        return true;
      }
      tried += (tried.empty() ? "" : "; ") + name + ": " + why;
    }
  }
  error = "no manager answered: " + tried;
  none_answered_ = true;
  return false;
}

ApiAnswer LiveCluster::api_answer(int node) {
  const InventoryNode& n = inventory_.nodes[static_cast<std::size_t>(node)];
  const CommandResult r = run_in(probe_sessions_, node,
                                 n.commands.docker + " node ls --format '{{.Hostname}} {{.ManagerStatus}}'",
                                 kObserveTimeoutMs);
  ApiAnswer out;
  if (r.ok()) {
    out.answer = "ok";
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
      const auto space = line.find(' ');
      if (space != std::string::npos && line.compare(space + 1, std::string::npos, "Leader") == 0) {
        out.leader = line.substr(0, space);
      }
    }
    return out;
  }
  if (r.timed_out) {
    out.answer = "hangs (no answer within " + std::to_string(kObserveTimeoutMs / 1000) + " s)";
    return out;
  }
  std::string e = r.describe();
  const auto p = e.find("exit status ");
  if (p == 0) {
    const auto colon = e.find(": ");
    if (colon != std::string::npos) e = e.substr(colon + 2);
  }
  out.answer = e;
  return out;
}

}  // namespace clawsim

namespace clawsim {

bool LiveCluster::tcp_reachable(int node, const std::string& address, int port) {
  const std::string cmd = "timeout 2 bash -c '</dev/tcp/" + address + "/" + std::to_string(port) + "'";
  return run_in(probe_sessions_, node, cmd, kObserveTimeoutMs + 1000).ok();
}

std::vector<ApiAnswer> LiveCluster::api_answers(const std::vector<int>& nodes) {
  std::vector<ApiAnswer> out(nodes.size());
  std::vector<std::thread> threads;
  threads.reserve(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    threads.emplace_back([this, &out, &nodes, i] { out[i] = api_answer(nodes[i]); });
  }
  for (std::thread& t : threads) t.join();
  return out;
}

}  // namespace clawsim
