#include "model/scenario.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include "model/digest.h"
#include "model/plan_yaml.h"
#include "model/suggest.h"
#include "model/yaml_fields.h"

namespace clawsim {

namespace {

std::vector<std::string> node_names(const Plan& plan) {
  std::vector<std::string> out;
  for (const NodeSpec& n : plan.nodes) out.push_back(n.name);
  return out;
}

std::vector<std::string> service_names(const Plan& plan) {
  std::vector<std::string> out;
  for (const ServiceSpec& s : plan.services) out.push_back(s.name);
  return out;
}

constexpr std::array<std::pair<ActionKind, const char*>, 21> kActionNames{{
    {ActionKind::kCrashNode, "crash-node"},       {ActionKind::kRestartNode, "restart-node"},
    {ActionKind::kStopDaemon, "stop-daemon"},     {ActionKind::kStartDaemon, "start-daemon"},
    {ActionKind::kDemote, "demote"},              {ActionKind::kPromote, "promote"},
    {ActionKind::kDrain, "drain"},                {ActionKind::kPause, "pause"},
    {ActionKind::kActivate, "activate"},          {ActionKind::kLabelAdd, "label-add"},
    {ActionKind::kLabelRm, "label-rm"},           {ActionKind::kPartition, "partition"},
    {ActionKind::kHeal, "heal"},                  {ActionKind::kBlockPort, "block-port"},
    {ActionKind::kUnblockPort, "unblock-port"},   {ActionKind::kNfsStop, "nfs-stop"},
    {ActionKind::kNfsStart, "nfs-start"},         {ActionKind::kServiceUpdate, "service-update"},
    {ActionKind::kForceNewCluster, "force-new-cluster"}, {ActionKind::kDegrade, "degrade"},
    {ActionKind::kRestore, "restore"},
}};

constexpr std::array<const char*, 6> kNodeRefs{"@leader",     "@follower",  "@worker",
                                               "@nfs-server", "@dashboard", "@crashed"};

constexpr std::array<const char*, 9> kChecks{"quorum", "leader", "node",  "service",  "dashboard",
                                             "task",   "api",    "action", "placement"};

void check_node_ref(const Field& f, const std::string& ref, const Plan& plan) {
  if (!ref.empty() && ref[0] == '@') {
    for (const char* known : kNodeRefs) {
      if (ref == known) return;
    }
    f.fail("unknown node reference '" + ref +
           "'; expected a node name or one of @leader, @follower, @worker, @nfs-server, "
           "@dashboard, @crashed");
  }
  if (plan.node_index(ref) < 0) f.fail("unknown node '" + ref + "'" + did_you_mean(ref, node_names(plan)));
}

bool needs_node(ActionKind k) {
  return k != ActionKind::kPartition && k != ActionKind::kHeal && k != ActionKind::kNfsStop &&
         k != ActionKind::kNfsStart && k != ActionKind::kServiceUpdate;
}

Action parse_action(const Field& f, const Plan& plan) {
  f.only_keys({"at", "do", "node", "via", "label", "groups", "port", "proto", "service",
               "constraint_add", "constraint_rm", "replicas", "latency", "loss_pct"});
  Action a;
  a.line = f.line();
  a.at_ms = f.child("at").as_duration_ms();
  const Field verb = f.child("do");
  if (!parse_action_kind(verb.as_string(), a.kind)) {
    std::string list;
    for (const auto& [kind, name] : kActionNames) list += (list.empty() ? "" : ", ") + std::string(name);
    verb.fail("unknown action '" + verb.as_string() + "'; expected one of: " + list);
  }
  if (needs_node(a.kind)) {
    a.node = f.child("node").as_string();
    check_node_ref(f.child("node"), a.node, plan);
  }
  if (f.child("via").present()) {
    a.via = f.child("via").as_string();
    check_node_ref(f.child("via"), a.via, plan);
  }
  if (a.kind == ActionKind::kLabelAdd || a.kind == ActionKind::kLabelRm) {
    const Field label = f.child("label");
    const std::string text = label.as_string();
    const auto eq = text.find('=');
    a.label_key = text.substr(0, eq);
    if (a.kind == ActionKind::kLabelAdd) {
      if (eq == std::string::npos) label.fail("expected key=value, got '" + text + "'");
      a.label_value = text.substr(eq + 1);
    } else if (eq != std::string::npos) {
      label.fail("label-rm takes a key only, got '" + text + "'");
    }
    if (const std::string why = docker_label_problem(a.label_key, a.label_value); !why.empty()) label.fail(why);
  }
  if (a.kind == ActionKind::kPartition) {
    const Field groups = f.child("groups");
    for (std::size_t g = 0; g < groups.size(); ++g) {
      const Field group = groups.item(g);
      a.groups.push_back(group.as_string_list());
      for (const std::string& ref : a.groups.back()) {
        check_node_ref(group, ref, plan);
        for (std::size_t other = 0; other + 1 < a.groups.size(); ++other) {
          const auto& earlier = a.groups[other];
          if (std::find(earlier.begin(), earlier.end(), ref) != earlier.end()) {
            group.fail("'" + ref + "' is in groups " + std::to_string(other) + " and " + std::to_string(g) +
                       ": a partition's groups do not overlap (a node is on one side)");
          }
        }
      }
    }
    if (a.groups.empty()) groups.fail("a partition needs at least one group of nodes");
  }
  if (a.kind == ActionKind::kBlockPort || a.kind == ActionKind::kUnblockPort) {
    a.port = static_cast<int>(f.child("port").as_int(1, 65535));
    if (f.child("proto").present()) {
      a.proto = f.child("proto").as_string();
      if (a.proto != "tcp" && a.proto != "udp") f.child("proto").fail("expected tcp or udp");
    }
  }
  if (a.kind == ActionKind::kDegrade) {
    if (f.child("latency").present()) a.latency_ms = f.child("latency").as_duration_ms();
    if (f.child("loss_pct").present()) a.loss_pct = static_cast<int>(f.child("loss_pct").as_int(0, 100));
    if (a.latency_ms == 0 && a.loss_pct == 0) f.fail("degrade needs a latency or a loss_pct");
  }
  if (a.kind == ActionKind::kServiceUpdate) {
    a.service = f.child("service").as_string();
    if (plan.service_index(a.service) < 0) {
      f.child("service").fail("unknown service '" + a.service + "'" + did_you_mean(a.service, service_names(plan)));
    }
    a.constraint_add = f.child("constraint_add").as_string_list();
    for (const std::string& c : a.constraint_add) {
      Result<Constraint> parsed = parse_constraint(c);
      if (!parsed) f.child("constraint_add").fail(parsed.error().message);
    }
    a.constraint_rm = f.child("constraint_rm").as_string_list();
    if (f.child("replicas").present()) {
      a.replicas = static_cast<int>(f.child("replicas").as_int(0, 1000));
    }
  }
  return a;
}

// The states a check can be in; text checks (task, api, action) take any text.
void check_state(const Field& f, const Expectation& e, const Plan& plan) {
  const Field state = f.child(e.mode == ExpectMode::kStays ? "stays" : "becomes");
  auto one_of = [&](std::initializer_list<const char*> states) {
    std::string list;
    for (const char* x : states) {
      if (e.state == x) return;
      list += std::string(list.empty() ? "" : ", ") + x;
    }
    state.fail("'" + e.state + "' is not a state of check '" + e.check + "'; expected " + list);
  };
  if (e.check == "quorum") one_of({"held", "lost"});
  if (e.check == "node") one_of({"ready", "down", "unknown"});
  if (e.check == "service" || e.check == "dashboard") one_of({"up", "down"});
  if (e.check == "placement") {
    if (e.mode != ExpectMode::kStays) f.child("becomes").fail("placement is judged with stays: respected");
    one_of({"respected"});
  }
  if (e.check == "leader" && e.state != "none" && e.state != "new" && plan.node_index(e.state) < 0) {
    std::string nodes;
    for (const NodeSpec& n : plan.nodes) nodes += ", " + n.name;
    state.fail("'" + e.state + "' is not a state of check 'leader'; expected none, new" + nodes);
  }
  if (e.state.empty()) state.fail("the state is empty");
}

Expectation parse_expectation(const Field& f, const Plan& plan) {
  f.only_keys({"name", "check", "subject", "becomes", "stays", "available_pct_at_least",
               "replicas_pct_at_least", "contains", "after", "within", "until", "why", "fails_on_plan"});
  Expectation e;
  e.line = f.line();
  const Field check = f.child("check");
  e.check = check.as_string();
  if (std::find_if(kChecks.begin(), kChecks.end(), [&](const char* c) { return e.check == c; }) ==
      kChecks.end()) {
    check.fail("unknown check '" + e.check +
               "'; expected quorum, leader, node, service, dashboard, task, api, action or "
               "placement");
  }
  if (f.child("subject").present()) e.subject = f.child("subject").as_string();
  const bool node_subject = e.check == "node" || e.check == "api";
  const bool service_subject = e.check == "service" || e.check == "task";
  if ((node_subject || service_subject || e.check == "action") && e.subject.empty()) {
    f.child("subject").fail("check '" + e.check + "' needs a subject");
  }
  if (node_subject && plan.node_index(e.subject) < 0) {
    f.child("subject").fail("unknown node '" + e.subject + "'" + did_you_mean(e.subject, node_names(plan)));
  }
  if (service_subject && plan.service_index(e.subject) < 0) {
    f.child("subject").fail("unknown service '" + e.subject + "'" + did_you_mean(e.subject, service_names(plan)));
  }
  if (e.check == "dashboard") e.subject = plan.dashboard_service;
  const int modes = (f.child("becomes").present() ? 1 : 0) + (f.child("stays").present() ? 1 : 0) +
                    (f.child("available_pct_at_least").present() ? 1 : 0) +
                    (f.child("replicas_pct_at_least").present() ? 1 : 0);
  if (modes != 1) f.fail("give exactly one of becomes, stays, available_pct_at_least, replicas_pct_at_least");
  if (f.child("becomes").present()) {
    e.mode = ExpectMode::kBecomes;
    e.state = f.child("becomes").as_string();
  } else if (f.child("stays").present()) {
    e.mode = ExpectMode::kStays;
    e.state = f.child("stays").as_string();
  } else {
    const bool replicas = f.child("replicas_pct_at_least").present();
    const Field pct = f.child(replicas ? "replicas_pct_at_least" : "available_pct_at_least");
    e.mode = replicas ? ExpectMode::kReplicasAtLeast : ExpectMode::kAvailableAtLeast;
    e.min_percent = static_cast<double>(pct.as_int(0, 100));
    if (e.check != "service" && e.check != "dashboard") {
      pct.fail(replicas ? "only a service or the dashboard has replicas" : "only a service or the dashboard has an availability");
    }
  }
  if (e.mode == ExpectMode::kBecomes || e.mode == ExpectMode::kStays) check_state(f, e, plan);
  if (f.child("contains").present()) {
    e.contains = f.child("contains").as_bool();
    if (e.contains && e.check != "task" && e.check != "api" && e.check != "action") {
      f.child("contains").fail("contains goes with the checks that compare text: task, api, action");
    }
  }
  if (f.child("after").present()) e.after_ms = f.child("after").as_duration_ms();
  if (f.child("within").present()) e.within_ms = f.child("within").as_duration_ms();
  if (f.child("until").present()) e.until_ms = f.child("until").as_duration_ms();
  if (e.within_ms && e.mode != ExpectMode::kBecomes) f.child("within").fail("within goes with becomes");
  if (f.child("why").present()) e.why = f.child("why").as_string();
  if (const Field xfail = f.child("fails_on_plan"); xfail.present()) {
    e.xfail_plans = xfail.as_string_list();
    e.xfail_line = xfail.line();
    e.xfail_field = xfail.path();
    if (e.why.empty()) xfail.fail("a known failure needs a `why`");
    for (const std::string& p : e.xfail_plans) {
      const bool name = !p.empty() && std::all_of(p.begin(), p.end(), [](unsigned char c) {
        return std::islower(c) || std::isdigit(c) || c == '-';
      });
      if (!name && !is_text_digest(p)) {
        xfail.fail("'" + p + "' is neither a built-in plan's name nor a plan's digest (16 hex "
                   "digits, as reports print it)");
      }
    }
  }
  e.name = f.child("name").present() ? f.child("name").as_string()
                                     : e.check + (e.subject.empty() ? "" : " " + e.subject) + " " +
                                           (e.mode == ExpectMode::kStays ? "stays " : "becomes ") +
                                           e.state;
  return e;
}

Scenario parse_fields(const Field& root, const std::string& file, const Plan& plan) {
  root.only_keys(
      {"name", "description", "duration", "observe_interval", "plan", "timeline", "expect"});
  Scenario s;
  s.file = file;
  s.raft = plan.raft;
  s.dispatcher = plan.dispatcher;
  s.world = plan.world;
  const Field overrides = root.child("plan");
  if (overrides.present()) {
    overrides.only_keys({"raft", "dispatcher", "world"});
    parse_settings(overrides, s.raft, s.dispatcher, s.world);
    s.overrides_settings = true;
  }
  s.name = root.child("name").as_string();
  if (root.child("description").present()) s.description = root.child("description").as_string();
  if (root.child("duration").present()) {
    s.duration_ms = root.child("duration").as_duration_ms();
    if (s.duration_ms > kMaxScenarioDurationMs) {
      root.child("duration").fail("at most 1000h (about 2 s of simulation per run); split a longer "
                                  "rehearsal into scenarios");
    }
  }
  if (root.child("observe_interval").present()) {
    s.observe_interval_ms = root.child("observe_interval").as_duration_ms();
    if (s.observe_interval_ms <= 0) root.child("observe_interval").fail("must be positive");
  }
  if (s.duration_ms <= 0) root.child("duration").fail("must be positive");
  if (s.duration_ms / s.observe_interval_ms > kMaxObservations) {
    root.child("observe_interval")
        .fail("every " + std::to_string(s.observe_interval_ms) + " ms for " + std::to_string(s.duration_ms) +
              " ms is " + std::to_string(s.duration_ms / s.observe_interval_ms) + " observations; at most " +
              std::to_string(kMaxObservations) + " (every 1s for 1000h): observe less often");
  }
  const Field timeline = root.child("timeline");
  if (timeline.present()) {
    for (std::size_t i = 0; i < timeline.size(); ++i) {
      Action a = parse_action(timeline.item(i), plan);
      if (a.at_ms > s.duration_ms) timeline.item(i).child("at").fail("is after the end of the run");
      s.timeline.push_back(std::move(a));
    }
  }
  std::stable_sort(s.timeline.begin(), s.timeline.end(),
                   [](const Action& a, const Action& b) { return a.at_ms < b.at_ms; });
  const Field expect = root.child("expect");
  if (expect.present()) {
    for (std::size_t i = 0; i < expect.size(); ++i) {
      s.expectations.push_back(parse_expectation(expect.item(i), plan));
    }
  }
  return s;
}

}  // namespace

const char* to_string(ActionKind kind) {
  for (const auto& [k, name] : kActionNames) {
    if (k == kind) return name;
  }
  return "?";
}

bool parse_action_kind(std::string_view text, ActionKind& out) {
  for (const auto& [k, name] : kActionNames) {
    if (text == name) {
      out = k;
      return true;
    }
  }
  return false;
}

std::string Action::describe() const {
  std::string out = to_string(kind);
  if (!node.empty()) out += " " + node;
  if (kind == ActionKind::kLabelAdd) out += " " + label_key + "=" + label_value;
  if (kind == ActionKind::kLabelRm) out += " " + label_key;
  if (kind == ActionKind::kBlockPort || kind == ActionKind::kUnblockPort) {
    out += " " + std::to_string(port) + "/" + proto;
  }
  if (kind == ActionKind::kDegrade) {
    if (latency_ms > 0) out += " +" + std::to_string(latency_ms) + "ms";
    if (loss_pct > 0) out += " loss " + std::to_string(loss_pct) + "%";
  }
  for (const auto& group : groups) {
    out += " [";
    for (std::size_t i = 0; i < group.size(); ++i) out += (i ? " " : "") + group[i];
    out += "]";
  }
  if (kind == ActionKind::kServiceUpdate) {
    out += " " + service;
    for (const auto& c : constraint_add) out += " +constraint '" + c + "'";
    for (const auto& c : constraint_rm) out += " -constraint '" + c + "'";
    if (replicas) out += " replicas=" + std::to_string(*replicas);
  }
  return out;
}

Plan plan_for(const Plan& plan, const Scenario& scenario) {
  Plan out = plan;
  if (scenario.overrides_settings) {
    out.raft = scenario.raft;
    out.dispatcher = scenario.dispatcher;
    out.world = scenario.world;
  }
  return out;
}

Result<Scenario> parse_scenario(std::string_view text, const std::string& file, const Plan& plan) {
  return parse_document<Scenario>(text, file, "scenario",
                                  [&](const Field& root) { return parse_fields(root, file, plan); });
}

}  // namespace clawsim
