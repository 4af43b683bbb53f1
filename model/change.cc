#include "model/change.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <span>

#include "model/change_internal.h"
#include "model/change_lexer.h"
#include "model/suggest.h"
#include "model/constraint.h"
#include "model/firewall.h"
#include "model/yaml_fields.h"

namespace clawsim {

namespace {

using change_detail::Command;
using change_detail::Ctx;
using change_detail::fail;
using change_detail::join;
using change_detail::kMaxReplicas;
using change_detail::Lexer;
using change_detail::looks_like_yaml;
using change_detail::run_command;
using change_detail::Target;
using change_detail::Where;
using change_detail::yaml_item;
using change_detail::YamlSource;

constexpr std::size_t kMaxServiceName = 63;  // swarmkit: a DNS label
constexpr std::string_view kCapRoverPrefix = "srv-captain--";
constexpr std::string_view kDefaultSwarmPort = "2377";
constexpr std::string_view kConstraintHint =
    "a placement constraint such as 'node.role == manager'";
constexpr const char* kNotACommand =
    "not a docker, ufw or `systemctl stop|start|restart docker` command; clawsim cannot judge it: "
    "remove it or comment it out with #";

// clang-format off
constexpr std::array<std::pair<ChangeKind, const char*>, 13> kKindNames{{
    {ChangeKind::kNodePromote, "promote"}, {ChangeKind::kNodeDemote, "demote"},
    {ChangeKind::kNodeUpdate, "node-update"}, {ChangeKind::kNodeRm, "node-rm"},
    {ChangeKind::kServiceCreate, "service-create"}, {ChangeKind::kServiceUpdate, "service-update"},
    {ChangeKind::kServiceRm, "service-rm"}, {ChangeKind::kForceNewCluster, "force-new-cluster"},
    {ChangeKind::kSwarmJoin, "swarm-join"}, {ChangeKind::kSwarmLeave, "swarm-leave"},
    {ChangeKind::kUfw, "ufw"}, {ChangeKind::kDaemon, "daemon"}, {ChangeKind::kRead, "read"}}};
// clang-format on

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

namespace change_detail {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace change_detail

namespace {

std::vector<std::string> node_names(const Plan& plan) {
  std::vector<std::string> out;
  for (const NodeSpec& n : plan.nodes) out.push_back(n.name);
  return out;
}

// A node's name, or its id when no node has that name.
std::string resolve_node(const Ctx& ctx, const std::string& name, const Where& w) {
  if (ctx.plan.node_index(name) >= 0) return name;
  for (const NodeSpec& n : ctx.plan.nodes) {
    if (n.id == name) return n.name;
  }
  fail(w, "unknown node '" + name + "'" + did_you_mean(name, node_names(ctx.plan)) + " (nodes: " +
              join(node_names(ctx.plan)) + ")");
}

}  // namespace

namespace change_detail {

// `all` names every node unless a node is called that.
Target target_of(const Ctx& ctx, const std::string& name, bool allow_all, const Where& w) {
  if (name == "all" && ctx.plan.node_index("all") < 0) {
    if (!allow_all) fail(w, "'all' is for ufw commands only: type this on one node");
    return Target{node_names(ctx.plan), true};
  }
  return Target{{resolve_node(ctx, name, w)}, false};
}

}  // namespace change_detail

namespace {

bool service_known(const Ctx& ctx, std::string_view name) {
  return std::find(ctx.services.begin(), ctx.services.end(), name) != ctx.services.end();
}

std::string without_caprover_prefix(const std::string& name) {
  const bool prefixed = name.starts_with(kCapRoverPrefix) && name.size() > kCapRoverPrefix.size();
  return prefixed ? name.substr(kCapRoverPrefix.size()) : name;
}

std::string resolve_service(const Ctx& ctx, const std::string& name, const Where& w) {
  if (service_known(ctx, name)) return name;
  const std::string plain = without_caprover_prefix(name);
  if (service_known(ctx, plain)) return plain;
  std::string message = "unknown service '" + name + "'";
  if (const auto removed = ctx.removed_on.find(plain); removed != ctx.removed_on.end()) {
    message += ": it was removed on line " + std::to_string(removed->second);
  }
  fail(w, message + did_you_mean(plain, ctx.services) + " (services: " + join(ctx.services) + ")");
}

// swarmkit's isValidDNSName: letters and digits, '-' and '_' only between them.
bool valid_service_name(const std::string& name) {
  const auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  if (name.empty() || name.size() > kMaxServiceName || !alnum(name.front()) ||
      !alnum(name.back())) {
    return false;
  }
  return std::all_of(name.begin(), name.end(),
                     [&](char c) { return alnum(c) || c == '-' || c == '_'; });
}

std::string create_service(Ctx& ctx, const std::string& written, const Where& w) {
  if (!valid_service_name(written)) {
    fail(w, "docker refuses the name '" + written +
                "': a service name is letters and digits with '-' or '_' between them, at most 63 "
                "characters");
  }
  const std::string name = without_caprover_prefix(written);
  // One that exists already is a command Docker refuses (AlreadyExists): the replay says so.
  if (service_known(ctx, name)) return name;
  ctx.services.push_back(name);
  ctx.removed_on.erase(name);
  return name;
}

void remove_service(Ctx& ctx, const std::string& name, int line) {
  ctx.services.erase(std::find(ctx.services.begin(), ctx.services.end(), name));
  ctx.removed_on[name] = line;
}

int replicas_of(const std::string& text, const Where& w) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (!all_digits(text) || ec != std::errc() || value > kMaxReplicas) {
    fail(w, "expected a number of replicas from 0 to " + std::to_string(kMaxReplicas) + ", got '" +
                text + "'");
  }
  return value;
}

Availability availability_of(const std::string& text, const Where& w) {
  if (text == "active") return Availability::kActive;
  if (text == "pause") return Availability::kPause;
  if (text == "drain") return Availability::kDrain;
  fail(w, "expected active, pause or drain, got '" + text + "'");
}

bool global_mode(const std::string& text, const Where& w) {
  if (text == "replicated" || text == "global") return text == "global";
  fail(w, "expected replicated or global, got '" + text + "'");
}

std::string constraint_of(const std::string& text, const Where& w) {
  const Result<Constraint> parsed = parse_constraint(text);
  if (!parsed) fail(w, parsed.error().message);
  return text;
}

// KEY=VALUE, or KEY alone for an empty value.
std::pair<std::string, std::string> pair_of(const std::string& text, const Where& w) {
  const std::size_t eq = text.find('=');
  if (eq == 0 || text.empty()) fail(w, "expected KEY=VALUE or KEY, got '" + text + "'");
  if (eq == std::string::npos) return {text, ""};
  return {text.substr(0, eq), text.substr(eq + 1)};
}

std::string label_key_of(const std::string& text, const Where& w) {
  if (text.empty() || text.find('=') != std::string::npos) {
    fail(w, "expected a label key (no =value), got '" + text + "'");
  }
  return text;
}

// What a `swarm join` token joins as (see change.h).
std::string join_kind_of(const Ctx& ctx, const std::string& token, const Where& w) {
  const std::string t = lower(token);
  const bool manager = t.find("manager") != std::string::npos;
  const bool worker = t.find("worker") != std::string::npos;
  if (manager != worker) return manager ? "manager" : "worker";
  if (manager) fail(w, "token '" + token + "' names both manager and worker");
  if (!ctx.join_token_kind.empty()) return ctx.join_token_kind;
  fail(w, "cannot tell whether token '" + token +
              "' joins as a manager or a worker: write <MANAGER_TOKEN> or <WORKER_TOKEN>, or run "
              "`docker swarm join-token manager|worker` earlier in the change");
}

// ADDR[:PORT], the port defaulting to swarm's 2377.
std::string join_address_of(const std::string& address, const Where& w) {
  const std::size_t colon = address.rfind(':');
  const std::size_t bracket = address.rfind(']');
  const bool has_port =
      colon != std::string::npos && (bracket == std::string::npos || colon > bracket);
  if (address.empty() || (has_port && colon == 0)) {
    fail(w, "expected ADDRESS[:PORT], got '" + address + "'");
  }
  if (!has_port) return address + ":" + std::string(kDefaultSwarmPort);
  const std::string port = address.substr(colon + 1);
  int value = 0;
  const bool number =
      all_digits(port) && port.size() <= 5 &&
      std::from_chars(port.data(), port.data() + port.size(), value).ec == std::errc();
  if (port.empty() || (all_digits(port) && (!number || value < 1 || value > 65535))) {
    fail(w, "expected a port from 1 to 65535 after ':', got '" + address + "'");
  }
  return address;  // a placeholder port (<PORT>) is kept as written
}

[[noreturn]] void fail_needs_node(const Ctx& ctx, const Where& w, const std::string& how) {
  fail(w, "needs the node it is typed on: " + how + " (nodes: " + join(node_names(ctx.plan)) + ")");
}

// ---------------------------------------------------------------------------------------------
// docker options, as Docker's CLI (pflag) reads them: --opt value, --opt=value, -o value, -ovalue,
// -abc for several flags; `--` ends the options.

struct OptionSpec {
  std::string_view name;  // "--availability"
  char short_name;        // 'f', or 0
  bool takes_value;
  std::string_view expects;  // what the value is, for messages
};

struct ParsedOption {
  std::string_view name;  // the spec's long name
  std::string value;      // "true" or "false" for a flag
};

struct Args {
  std::vector<ParsedOption> options;  // in order
  std::vector<std::string> positional;
};

// One docker command being read.
struct Invocation {
  const Command* cmd;
  std::size_t first;  // index of the first word after the subcommand
  std::string path;   // "docker node update"
  ChangeStep base;    // kind, line, text and on_node filled in
  const std::string* file;
  const YamlSource* yaml;  // nullptr for a command line

  // Where the arguments are wrong (or the YAML field they came from).
  Where where() const {
    return yaml ? yaml->at(file, yaml->op->positional) : Where{file, cmd->line, path};
  }
  Where where(std::string_view option) const {
    if (yaml) return yaml->at(file, yaml->key_of(option));
    return Where{file, cmd->line, path + " " + std::string(option)};
  }
};

std::string option_list(std::span<const OptionSpec> specs) {
  if (specs.empty()) return "it takes no options";
  std::string out;
  for (const OptionSpec& s : specs) {
    out += (out.empty() ? "" : ", ") + std::string(s.name);
    if (s.short_name != 0) out += std::string(" (-") + s.short_name + ")";
  }
  return "expected one of: " + out;
}

std::string option_value(const Invocation& inv, const OptionSpec& spec,
                         const std::optional<std::string>& given, std::size_t& i) {
  const Where w = inv.where(spec.name);
  if (!spec.takes_value) {
    if (!given || *given == "true" || *given == "false") return given.value_or("true");
    fail(w, "expected true or false, got '" + *given + "'");
  }
  if (given) return *given;
  if (i + 1 >= inv.cmd->words.size()) {
    fail(w, "missing value: expected " + std::string(spec.expects));
  }
  return inv.cmd->words[++i];
}

void read_long(const Invocation& inv, std::span<const OptionSpec> specs, std::size_t& i,
               Args& out) {
  const std::string& word = inv.cmd->words[i];
  const std::size_t eq = word.find('=');
  const std::string name = word.substr(0, eq);
  const auto spec =
      std::find_if(specs.begin(), specs.end(), [&](const OptionSpec& s) { return s.name == name; });
  if (spec == specs.end()) {
    fail(inv.where(), "unknown option '" + name + "'; " + option_list(specs));
  }
  std::optional<std::string> given;
  if (eq != std::string::npos) given = word.substr(eq + 1);
  out.options.push_back({spec->name, option_value(inv, *spec, given, i)});
}

void read_shorts(const Invocation& inv, std::span<const OptionSpec> specs, std::size_t& i,
                 Args& out) {
  const std::string word = inv.cmd->words[i];
  for (std::size_t j = 1; j < word.size(); ++j) {
    const auto spec = std::find_if(specs.begin(), specs.end(),
                                   [&](const OptionSpec& s) { return s.short_name == word[j]; });
    if (spec == specs.end()) {
      fail(inv.where(), "unknown option '-" + std::string(1, word[j]) + "'; " + option_list(specs));
    }
    std::optional<std::string> given;  // -e=FOO, -eFOO
    if (j + 1 < word.size() && word[j + 1] == '=') {
      given = word.substr(j + 2);
    } else if (spec->takes_value && j + 1 < word.size()) {
      given = word.substr(j + 1);
    }
    out.options.push_back({spec->name, option_value(inv, *spec, given, i)});
    if (given || spec->takes_value) return;
  }
}

// `interspersed` false: options end at the first positional word (service create's IMAGE).
Args parse_args(const Invocation& inv, std::span<const OptionSpec> specs,
                bool interspersed = true) {
  Args out;
  const std::vector<std::string>& words = inv.cmd->words;
  bool options_done = false;
  for (std::size_t i = inv.first; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (options_done || w.size() < 2 || w[0] != '-') {
      out.positional.push_back(w);
      options_done = options_done || !interspersed;
    } else if (w == "--") {
      options_done = true;
    } else if (w[1] == '-') {
      read_long(inv, specs, i, out);
    } else {
      read_shorts(inv, specs, i, out);
    }
  }
  return out;
}

void expect_args(const Invocation& inv, const Args& args, std::size_t min, std::size_t max,
                 const std::string& usage) {
  const std::size_t n = args.positional.size();
  if (n < min) fail(inv.where(), "missing argument: expected " + inv.path + " " + usage);
  if (n > max) {
    fail(inv.where(),
         "unexpected argument '" + args.positional[max] + "': expected " + inv.path + " " + usage);
  }
}

constexpr std::size_t kMany = static_cast<std::size_t>(-1);

// ---------------------------------------------------------------------------------------------
// docker node ...

// clang-format off
constexpr std::array<OptionSpec, 4> kNodeUpdateOptions{{
    {"--availability", 0, true, "active, pause or drain"},
    {"--label-add", 0, true, "KEY=VALUE or KEY"}, {"--label-rm", 0, true, "a label KEY"},
    {"--role", 0, true, "manager or worker"}}};
// clang-format on
constexpr std::array<OptionSpec, 1> kForceOption{{{"--force", 'f', false, ""}}};

// promote, demote, rm: one step per node.
void node_each(Ctx& ctx, const Invocation& inv) {
  const bool rm = inv.base.kind == ChangeKind::kNodeRm;
  const Args args = parse_args(
      inv, rm ? std::span<const OptionSpec>(kForceOption) : std::span<const OptionSpec>());
  expect_args(inv, args, 1, kMany, rm ? "[--force] NODE [NODE...]" : "NODE [NODE...]");
  ChangeStep s = inv.base;
  for (const ParsedOption& o : args.options) s.force = o.value == "true";
  for (const std::string& name : args.positional) {
    s.node = resolve_node(ctx, name, inv.where());
    ctx.steps.push_back(s);
  }
}

void node_update(Ctx& ctx, const Invocation& inv) {
  const Args args = parse_args(inv, kNodeUpdateOptions);
  expect_args(inv, args, 1, 1, "[OPTIONS] NODE");
  ChangeStep s = inv.base;
  s.node = resolve_node(ctx, args.positional[0], inv.where());
  std::optional<ChangeKind> role;
  bool updates = args.options.empty();
  for (const ParsedOption& o : args.options) {
    const Where w = inv.where(o.name);
    if (o.name == "--availability") s.availability = availability_of(o.value, w);
    if (o.name == "--label-add") s.label_add.push_back(pair_of(o.value, w));
    if (o.name == "--label-rm") s.label_rm.push_back(label_key_of(o.value, w));
    if (o.name == "--role") {
      if (o.value != "manager" && o.value != "worker") {
        fail(w, "expected manager or worker, got '" + o.value + "'");
      }
      role = o.value == "manager" ? ChangeKind::kNodePromote : ChangeKind::kNodeDemote;
    }
    updates = updates || o.name != "--role";
  }
  if (updates) ctx.steps.push_back(s);
  if (role) {
    ChangeStep r = inv.base;
    r.kind = *role;
    r.node = s.node;
    ctx.steps.push_back(std::move(r));
  }
}

// ls, inspect, ps, logs, ...: they change nothing, so their arguments are not judged.
void read_only(Ctx& ctx, const Invocation& inv) { ctx.steps.push_back(inv.base); }

// ---------------------------------------------------------------------------------------------
// docker service ...

// clang-format off
constexpr std::array<OptionSpec, 24> kServiceCreateOptions{{
    {"--name", 0, true, "a service name"}, {"--replicas", 0, true, "a number of replicas"},
    {"--mode", 0, true, "replicated or global"}, {"--constraint", 0, true, kConstraintHint},
    {"--env", 'e', true, "KEY=VALUE"}, {"--detach", 'd', false, ""}, {"--quiet", 'q', false, ""},
    {"--with-registry-auth", 0, false, ""},
    // Accepted and ignored: none of these bears on where or whether the model runs a task.
    {"--label", 'l', true, "KEY=VALUE"}, {"--container-label", 0, true, "KEY=VALUE"},
    {"--mount", 0, true, "a mount"}, {"--network", 0, true, "a network"},
    {"--publish", 'p', true, "a port"}, {"--secret", 0, true, "a secret"},
    {"--config", 0, true, "a config"}, {"--hostname", 0, true, "a hostname"},
    {"--user", 'u', true, "a user"}, {"--workdir", 'w', true, "a directory"},
    {"--entrypoint", 0, true, "a command"}, {"--env-file", 0, true, "a file"},
    {"--log-driver", 0, true, "a log driver"}, {"--log-opt", 0, true, "KEY=VALUE"},
    {"--tty", 't', false, ""}, {"--init", 0, false, ""}}};
// clang-format on

// clang-format off
constexpr std::array<OptionSpec, 8> kServiceUpdateOptions{{
    {"--constraint-add", 0, true, kConstraintHint},
    {"--constraint-rm", 0, true, "a constraint as it was added"},
    {"--replicas", 0, true, "a number of replicas"}, {"--image", 0, true, "an image"},
    {"--force", 0, false, ""}, {"--detach", 'd', false, ""}, {"--quiet", 'q', false, ""},
    {"--with-registry-auth", 0, false, ""}}};
// clang-format on
constexpr std::array<OptionSpec, 1> kDetachOption{{{"--detach", 'd', false, ""}}};

void service_create(Ctx& ctx, const Invocation& inv) {
  const Args args = parse_args(inv, kServiceCreateOptions, /*interspersed=*/false);
  ChangeStep s = inv.base;
  std::string name;
  for (const ParsedOption& o : args.options) {
    const Where w = inv.where(o.name);
    if (o.name == "--name") name = o.value;
    if (o.name == "--replicas") s.replicas = replicas_of(o.value, w);
    if (o.name == "--mode") s.global = global_mode(o.value, w);
    if (o.name == "--constraint") s.constraint_add.push_back(constraint_of(o.value, w));
    if (o.name == "--env") s.env.push_back(pair_of(o.value, w));
  }
  if (name.empty()) {
    fail(inv.where("--name"), "missing: clawsim needs the name of the service it creates");
  }
  expect_args(inv, args, 1, kMany, "--name NAME [OPTIONS] IMAGE [COMMAND...]");
  s.image = args.positional[0];
  if (s.global && s.replicas) {
    fail(inv.where("--replicas"), "docker refuses --replicas with --mode global");
  }
  s.service = create_service(ctx, name, inv.where("--name"));
  ctx.steps.push_back(std::move(s));
}

void service_update(Ctx& ctx, const Invocation& inv) {
  const Args args = parse_args(inv, kServiceUpdateOptions);
  expect_args(inv, args, 1, 1, "[OPTIONS] SERVICE");
  ChangeStep s = inv.base;
  s.service = resolve_service(ctx, args.positional[0], inv.where());
  for (const ParsedOption& o : args.options) {
    const Where w = inv.where(o.name);
    if (o.name == "--constraint-add") s.constraint_add.push_back(constraint_of(o.value, w));
    if (o.name == "--constraint-rm") s.constraint_rm.push_back(o.value);
    if (o.name == "--replicas") s.replicas = replicas_of(o.value, w);
    if (o.name == "--image") s.image = o.value;
    if (o.name == "--force") s.force = o.value == "true";
  }
  ctx.steps.push_back(std::move(s));
}

void service_scale(Ctx& ctx, const Invocation& inv) {
  const Args args = parse_args(inv, kDetachOption);
  expect_args(inv, args, 1, kMany, "SERVICE=REPLICAS [SERVICE=REPLICAS...]");
  for (const std::string& pair : args.positional) {
    const std::size_t eq = pair.find('=');
    if (eq == std::string::npos) fail(inv.where(), "expected SERVICE=REPLICAS, got '" + pair + "'");
    ChangeStep s = inv.base;
    s.service = resolve_service(ctx, pair.substr(0, eq), inv.where());
    s.replicas = replicas_of(pair.substr(eq + 1), inv.where());
    ctx.steps.push_back(std::move(s));
  }
}

void service_rm(Ctx& ctx, const Invocation& inv) {
  const Args args = parse_args(inv, {});
  expect_args(inv, args, 1, kMany, "SERVICE [SERVICE...]");
  for (const std::string& name : args.positional) {
    ChangeStep s = inv.base;
    s.service = resolve_service(ctx, name, inv.where());
    remove_service(ctx, s.service, inv.base.line);
    ctx.steps.push_back(std::move(s));
  }
}

// ---------------------------------------------------------------------------------------------
// docker swarm ...

constexpr std::array<OptionSpec, 3> kSwarmInitOptions{{{"--force-new-cluster", 0, false, ""},
                                                       {"--advertise-addr", 0, true, "an address"},
                                                       {"--listen-addr", 0, true, "an address"}}};
constexpr std::array<OptionSpec, 3> kSwarmJoinOptions{{{"--token", 0, true, "a join token"},
                                                       {"--advertise-addr", 0, true, "an address"},
                                                       {"--listen-addr", 0, true, "an address"}}};
constexpr std::array<OptionSpec, 1> kQuietOption{{{"--quiet", 'q', false, ""}}};

void need_node(const Ctx& ctx, const Invocation& inv) {
  if (!inv.base.on_node.empty()) return;
  if (inv.yaml) fail_needs_node(ctx, inv.yaml->at(inv.file, "on"), "add `on: NODE`");
  fail_needs_node(ctx, inv.where(), "write `NODE$ " + inv.path + " ...`");
}

void swarm_init(Ctx& ctx, const Invocation& inv) {
  const Args args = parse_args(inv, kSwarmInitOptions);
  expect_args(inv, args, 0, 0, "--force-new-cluster [--advertise-addr A] [--listen-addr A]");
  const bool force = std::any_of(
      args.options.begin(), args.options.end(),
      [](const ParsedOption& o) { return o.name == "--force-new-cluster" && o.value == "true"; });
  if (!force) {
    fail(inv.where(),
         "the swarm already exists: only `docker swarm init --force-new-cluster` (on a "
         "surviving manager, after losing the quorum) changes it");
  }
  need_node(ctx, inv);
  ctx.steps.push_back(inv.base);
}

void swarm_join(Ctx& ctx, const Invocation& inv) {
  const Args args = parse_args(inv, kSwarmJoinOptions);
  expect_args(inv, args, 1, 1, "--token TOKEN ADDRESS[:PORT]");
  ChangeStep s = inv.base;
  std::string token;
  for (const ParsedOption& o : args.options) token = o.name == "--token" ? o.value : token;
  if (token.empty()) fail(inv.where("--token"), "missing: expected --token TOKEN");
  need_node(ctx, inv);
  s.join_as = join_kind_of(ctx, token, inv.where("--token"));
  s.join_address = join_address_of(args.positional[0], inv.where());
  ctx.steps.push_back(std::move(s));
}

void swarm_join_token(Ctx& ctx, const Invocation& inv) {
  const Args args = parse_args(inv, kQuietOption);
  expect_args(inv, args, 1, 1, "[-q] manager|worker");
  const std::string& kind = args.positional[0];
  if (kind != "manager" && kind != "worker") {
    fail(inv.where(), "expected manager or worker, got '" + kind + "'");
  }
  ctx.join_token_kind = kind;
  ctx.steps.push_back(inv.base);
}

void swarm_leave(Ctx& ctx, const Invocation& inv) {
  const Args args = parse_args(inv, kForceOption);
  expect_args(inv, args, 0, 0, "[--force]");
  need_node(ctx, inv);
  ChangeStep s = inv.base;
  for (const ParsedOption& o : args.options) s.force = o.value == "true";
  ctx.steps.push_back(std::move(s));
}

// ---------------------------------------------------------------------------------------------
// Command lines

struct Subcommand {
  std::string_view group, name, alias;
  ChangeKind kind;
  void (*read)(Ctx&, const Invocation&);
};

// clang-format off
constexpr std::array<Subcommand, 19> kSubcommands{{
    {"node", "promote", "", ChangeKind::kNodePromote, node_each},
    {"node", "demote", "", ChangeKind::kNodeDemote, node_each},
    {"node", "update", "", ChangeKind::kNodeUpdate, node_update},
    {"node", "rm", "remove", ChangeKind::kNodeRm, node_each},
    {"node", "ls", "list", ChangeKind::kRead, read_only},
    {"node", "inspect", "", ChangeKind::kRead, read_only},
    {"node", "ps", "", ChangeKind::kRead, read_only},
    {"service", "create", "", ChangeKind::kServiceCreate, service_create},
    {"service", "update", "", ChangeKind::kServiceUpdate, service_update},
    {"service", "scale", "", ChangeKind::kServiceUpdate, service_scale},
    {"service", "rm", "remove", ChangeKind::kServiceRm, service_rm},
    {"service", "ls", "list", ChangeKind::kRead, read_only},
    {"service", "ps", "", ChangeKind::kRead, read_only},
    {"service", "inspect", "", ChangeKind::kRead, read_only},
    {"service", "logs", "", ChangeKind::kRead, read_only},
    {"swarm", "init", "", ChangeKind::kForceNewCluster, swarm_init},
    {"swarm", "join", "", ChangeKind::kSwarmJoin, swarm_join},
    {"swarm", "join-token", "", ChangeKind::kRead, swarm_join_token},
    {"swarm", "leave", "", ChangeKind::kSwarmLeave, swarm_leave}}};
// clang-format on

}  // namespace

namespace change_detail {

bool is_program(const std::string& word, std::string_view name) {
  return word == name || (word.ends_with(name) && word[word.size() - name.size() - 1] == '/');
}

}  // namespace change_detail

namespace {

void docker_command(Ctx& ctx, const Command& cmd, std::size_t i, ChangeStep base,
                    const YamlSource* yaml) {
  const std::vector<std::string>& words = cmd.words;
  const std::string group = i + 1 < words.size() ? words[i + 1] : "";
  if (group.starts_with("-")) {
    fail(ctx.where(cmd.line, "docker"),
         "docker's global options ('" + group + "') are not supported");
  }
  if (group != "node" && group != "service" && group != "swarm") {
    fail(ctx.where(cmd.line, group.empty() ? "docker" : "docker " + group),
         "expected docker node, docker service or docker swarm; clawsim cannot judge other docker "
         "commands: remove it or comment it out with #");
  }
  const std::string path = "docker " + group;
  const std::string name = i + 2 < words.size() ? words[i + 2] : "";
  std::vector<std::string> known;
  for (const Subcommand& sub : kSubcommands) {
    if (sub.group != group) continue;
    known.emplace_back(sub.name);
    if (name.empty() || (sub.name != name && sub.alias != name)) continue;
    base.kind = sub.kind;
    const Invocation inv{&cmd, i + 3, path + " " + name, std::move(base), &ctx.file, yaml};
    return sub.read(ctx, inv);
  }
  fail(ctx.where(cmd.line, name.empty() ? path : path + " " + name),
       (name.empty() ? "missing command" : "unknown command '" + name + "'") +
           "; expected one of: " + join(known));
}

void ufw_command(Ctx& ctx, const Command& cmd, std::size_t i, const Target& on, ChangeStep base,
                 const YamlSource* yaml) {
  const Where w = yaml ? yaml->at(&ctx.file, "command") : ctx.where(cmd.line, "ufw");
  if (on.nodes.empty() && yaml) {
    fail_needs_node(ctx, yaml->at(&ctx.file, "on"), "add `on: NODE` (or `on: all`)");
  }
  if (on.nodes.empty()) {
    fail_needs_node(ctx, w, "write `NODE$ ufw ...`, or `all$ ufw ...` for every node");
  }
  base.ufw_command = cmd.text.substr(cmd.starts[i]);
  Firewall scratch;
  const Result<bool> applied = apply_ufw_command(scratch, base.ufw_command);
  if (!applied) fail(w, applied.error().message);
  const bool status = i + 1 < cmd.words.size() && lower(cmd.words[i + 1]) == "status";
  base.kind = status ? ChangeKind::kRead : ChangeKind::kUfw;
  for (const std::string& node : on.nodes) {
    base.on_node = node;
    ctx.steps.push_back(base);
  }
}

// `systemctl stop|start|restart docker[.service]` (or `service docker stop|start|restart`): the
// node's docker daemon, on the node it is typed on (`all$`: every node, one step each).
void daemon_command(Ctx& ctx, const Command& cmd, std::size_t i, const Target& on, ChangeStep base) {
  const std::vector<std::string>& w = cmd.words;
  const bool systemctl = change_detail::is_program(w[i], "systemctl");
  const std::string verb = i + (systemctl ? 1 : 2) < w.size() ? w[i + (systemctl ? 1 : 2)] : "";
  const std::string unit = i + (systemctl ? 2 : 1) < w.size() ? w[i + (systemctl ? 2 : 1)] : "";
  const Where where = ctx.where(cmd.line, w[i]);
  if (unit != "docker" && unit != "docker.service") fail(where, kNotACommand);
  if (verb != "stop" && verb != "start" && verb != "restart") {
    fail(where, "'" + verb + "' docker: clawsim replays stop, start and restart");
  }
  if (w.size() != i + 3) fail(where, "expected `" + w[i] + " " + (systemctl ? verb + " " + unit : unit + " " + verb) + "` and nothing more");
  if (on.nodes.empty()) fail_needs_node(ctx, where, "write `NODE$ sudo systemctl " + verb + " docker`");
  base.kind = ChangeKind::kDaemon;
  base.daemon_action = verb;
  for (const std::string& node : on.nodes) {
    base.on_node = node;
    ctx.steps.push_back(base);
  }
}

// NODE$ (a hostname or id), or a bare $.
bool is_prompt(const std::string& word) {
  return word.ends_with('$') && std::all_of(word.begin(), word.end() - 1, [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' ||
                  c == '.';
         });
}

}  // namespace

namespace change_detail {

// `on`: the node a YAML operation names; a prompt may not name another.
void run_command(Ctx& ctx, const Command& cmd, Target on, const YamlSource* yaml) {
  std::size_t i = 0;
  if (is_prompt(cmd.words[0])) {
    const std::string name = cmd.words[0].substr(0, cmd.words[0].size() - 1);
    const Where w = ctx.where(cmd.line, "prompt");
    if (!on.nodes.empty()) fail(w, "the node is given by `on:`; leave out the prompt");
    if (!name.empty()) on = target_of(ctx, name, /*allow_all=*/true, w);
    i = 1;
  }
  ChangeStep base;
  base.line = cmd.line;
  base.text = i < cmd.words.size() ? cmd.text.substr(cmd.starts[i]) : "";
  base.on_node = on.nodes.size() == 1 && !on.all ? on.nodes[0] : "";
  const bool sudo = i < cmd.words.size() && cmd.words[i] == "sudo";
  i += sudo ? 1 : 0;
  if (i >= cmd.words.size()) {
    fail(ctx.where(cmd.line, sudo ? "sudo" : "prompt"),
         "nothing to run: expected a docker or ufw command");
  }
  const std::string& program = cmd.words[i];
  if (sudo && program.starts_with("-")) {
    fail(ctx.where(cmd.line, "sudo"), "sudo options are not supported: write `sudo COMMAND`");
  }
  if (!cmd.shell_operator.empty()) {
    fail(ctx.where(cmd.line, program), "shell operator '" + cmd.shell_operator +
                                           "': clawsim reads one plain command per line (no "
                                           "pipes, &&, ;, & or $(...))");
  }
  if (is_program(program, "ufw")) return ufw_command(ctx, cmd, i, on, std::move(base), yaml);
  if (is_program(program, "systemctl") || is_program(program, "service")) {
    return daemon_command(ctx, cmd, i, on, std::move(base));
  }
  if (!is_program(program, "docker")) fail(ctx.where(cmd.line, program), kNotACommand);
  if (on.all) {
    fail(ctx.where(cmd.line, "prompt"),
         "`all$` is for ufw commands: type docker commands on one node");
  }
  docker_command(ctx, cmd, i, std::move(base), yaml);
}

}  // namespace change_detail

namespace {

ChangeSet finish(Ctx& ctx) {
  if (ctx.steps.empty()) {
    fail(ctx.where(0, ""), "the change has no commands: expected docker or ufw command lines");
  }
  return ChangeSet{ctx.file, std::move(ctx.steps)};
}

}  // namespace

const char* to_string(ChangeKind kind) {
  for (const auto& [k, name] : kKindNames) {
    if (k == kind) return name;
  }
  return "?";
}

Result<ChangeSet> parse_change(std::string_view text, const std::string& file, const Plan& plan) {
  Ctx ctx(file, plan);
  if (looks_like_yaml(text)) {
    return parse_document<ChangeSet>(text, file, "change", [&](const Field& root) {
      root.expect_sequence();
      for (std::size_t i = 0; i < root.size(); ++i) yaml_item(ctx, root.item(i));
      return finish(ctx);
    });
  }
  try {
    for (const Command& cmd : Lexer(text, file, 0).run()) run_command(ctx, cmd, Target{}, nullptr);
    return finish(ctx);
  } catch (const InputErrorException& e) {
    return e.error;
  }
}

std::optional<PlanBinding> change_plan_binding(std::string_view text) {
  constexpr std::string_view kDirective = "clawsim-plan:";
  int number = 0;
  for (std::size_t at = 0; at <= text.size();) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    std::string_view line = text.substr(at, end - at);
    ++number;
    at = end + 1;
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] != '#') continue;
    line.remove_prefix(first + 1);
    line.remove_prefix(std::min(line.find_first_not_of(" \t"), line.size()));
    if (line.substr(0, kDirective.size()) != kDirective) continue;
    line.remove_prefix(kDirective.size());
    const auto b = line.find_first_not_of(" \t"), e = line.find_last_not_of(" \t\r");
    if (b == std::string_view::npos) return PlanBinding{"", number};
    return PlanBinding{std::string(line.substr(b, e - b + 1)), number};
  }
  return std::nullopt;
}

}  // namespace clawsim
