#include "fidelity/recording.h"

#include "model/report.h"

namespace clawsim {

namespace {

nlohmann::ordered_json state_json(const ClusterState& s) {
  nlohmann::ordered_json j = {{"leader", s.leader}, {"quorum", s.quorum}, {"nfs_up", s.nfs_up}};
  j["nodes"] = nlohmann::ordered_json::array();
  for (const NodeState& n : s.nodes) {
    j["nodes"].push_back({{"name", n.name}, {"id", n.id}, {"status", n.status},
                          {"availability", n.availability}, {"manager_status", n.manager_status},
                          {"role", n.role}, {"labels", n.labels}});
  }
  j["tasks"] = nlohmann::ordered_json::array();
  for (const TaskState& t : s.tasks) {
    j["tasks"].push_back({{"service", t.service}, {"slot", t.slot}, {"node", t.node}, {"state", t.state},
                          {"desired", t.desired}, {"message", t.message},
                          {"container_running", t.container_running}});
  }
  j["services"] = nlohmann::ordered_json::array();
  for (const ServiceState& v : s.services) {
    j["services"].push_back({{"name", v.name}, {"up", v.up}, {"reason", v.reason},
                             {"constraints", v.constraints}, {"replicas", v.replicas}});
  }
  return j;
}

ClusterState state_from_json(const nlohmann::ordered_json& j) {
  ClusterState s;
  s.leader = j.at("leader").get<std::string>();
  s.quorum = j.at("quorum").get<bool>();
  s.nfs_up = j.at("nfs_up").get<bool>();
  for (const auto& n : j.at("nodes")) {
    NodeState x;
    x.name = n.at("name").get<std::string>();
    x.id = n.at("id").get<std::string>();
    x.status = n.at("status").get<std::string>();
    x.availability = n.at("availability").get<std::string>();
    x.manager_status = n.at("manager_status").get<std::string>();
    x.role = n.at("role").get<std::string>();
    x.labels = n.at("labels").get<std::map<std::string, std::string>>();
    s.nodes.push_back(std::move(x));
  }
  for (const auto& t : j.at("tasks")) {
    TaskState x;
    x.service = t.at("service").get<std::string>();
    x.slot = t.at("slot").get<int>();
    x.node = t.at("node").get<std::string>();
    x.state = t.at("state").get<std::string>();
    x.desired = t.at("desired").get<std::string>();
    x.message = t.at("message").get<std::string>();
    x.container_running = t.at("container_running").get<bool>();
    s.tasks.push_back(std::move(x));
  }
  for (const auto& v : j.at("services")) {
    ServiceState x;
    x.name = v.at("name").get<std::string>();
    x.up = v.at("up").get<bool>();
    x.reason = v.at("reason").get<std::string>();
    x.constraints = v.at("constraints").get<std::vector<std::string>>();
    x.replicas = v.at("replicas").get<int>();
    s.services.push_back(std::move(x));
  }
  return s;
}

}  // namespace

nlohmann::ordered_json trial_json(const Trial& t) {
  nlohmann::ordered_json j = {{"recording_version", kRecordingSchemaVersion},
                              {"trial", t.trial},
                              {"drill", t.observed.scenario},
                              {"started_at", t.started_at},
                              {"clawsim_version", t.clawsim_version},
                              {"docker_version", t.docker_version},
                              {"verdict", t.verdict},
                              {"restored", t.restored}};
  j["plan"] = {{"file", t.plan_file}, {"digest", t.plan_digest}, {"text", t.plan_text}};
  j["scenario"] = {{"file", t.scenario_file}, {"text", t.scenario_text}};
  const nlohmann::ordered_json met = met_json(t);
  j["before"] = met["before"];
  j["firewalls"] = met["firewalls"];
  j["run"] = report_json(t.observed);
  return j;
}

nlohmann::ordered_json met_json(const Trial& t) {
  nlohmann::ordered_json j = {{"before", state_json(t.before)}, {"firewalls", nlohmann::ordered_json::array()}};
  for (const ObservedFirewall& f : t.firewalls) {
    j["firewalls"].push_back({{"node", f.node}, {"present", f.present}, {"active", f.active}, {"commands", f.commands}});
  }
  return j;
}

Result<Trial> trial_from_json(const nlohmann::ordered_json& j, const std::string& file, int line) {
  auto bad = [&](const std::string& field, const std::string& message) {
    return InputError{file, line, field, message};
  };
  if (!j.is_object()) return bad("", "not a trial of clawsim live measure (expected a JSON object)");
  if (!j.contains("recording_version") || !j["recording_version"].is_number_integer()) {
    return bad("recording_version", "missing: not a recording of clawsim live measure");
  }
  if (j["recording_version"].get<int>() != kRecordingSchemaVersion) {
    return bad("recording_version", "version " + std::to_string(j["recording_version"].get<int>()) +
                                        "; this clawsim reads version " + std::to_string(kRecordingSchemaVersion));
  }
  Trial t;
  std::string field;
  try {
    field = "trial";
    t.trial = j.at("trial").get<int>();
    field = "started_at";
    t.started_at = j.at("started_at").get<std::string>();
    field = "clawsim_version";
    t.clawsim_version = j.at("clawsim_version").get<std::string>();
    field = "docker_version";
    t.docker_version = j.at("docker_version").get<std::string>();
    field = "verdict";
    t.verdict = j.at("verdict").get<std::string>();
    field = "restored";
    t.restored = j.at("restored").get<bool>();
    field = "plan";
    t.plan_file = j.at("plan").at("file").get<std::string>();
    t.plan_digest = j.at("plan").at("digest").get<std::string>();
    t.plan_text = j.at("plan").at("text").get<std::string>();
    field = "scenario";
    t.scenario_file = j.at("scenario").at("file").get<std::string>();
    t.scenario_text = j.at("scenario").at("text").get<std::string>();
    field = "before";
    t.before = state_from_json(j.at("before"));
    field = "firewalls";
    for (const auto& f : j.at("firewalls")) {
      t.firewalls.push_back({f.at("node").get<std::string>(), f.at("present").get<bool>(), f.at("active").get<bool>(),
                             f.at("commands").get<std::vector<std::string>>()});
    }
  } catch (const std::exception& e) {
    return bad(field, e.what());
  }
  if (!j.contains("run")) return bad("run", "missing");
  Result<RunResult> run = run_from_json(j["run"], file);
  if (!run) return bad("run", run.error().message);
  t.observed = std::move(run).value();
  return t;
}

Result<std::vector<Trial>> read_recording(std::string_view text, const std::string& file) {
  std::vector<Trial> out;
  int line = 0;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view l = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++line;
    if (l.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    const nlohmann::ordered_json j = nlohmann::ordered_json::parse(l, nullptr, false);
    if (j.is_discarded()) return InputError{file, line, "", "not JSON"};
    Result<Trial> t = trial_from_json(j, file, line);
    if (!t) return t.error();
    out.push_back(std::move(t).value());
  }
  if (out.empty()) return InputError{file, 0, "", "no trial recorded"};
  return out;
}

}  // namespace clawsim
