#include "model/change.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <initializer_list>
#include <map>
#include <span>

#include "model/constraint.h"
#include "model/firewall.h"
#include "model/yaml_fields.h"

namespace clawsim {

namespace {

constexpr int kMaxReplicas = 1000;
constexpr std::size_t kMaxServiceName = 63;  // swarmkit: a DNS label
constexpr std::string_view kCapRoverPrefix = "srv-captain--";
constexpr std::string_view kDefaultSwarmPort = "2377";
constexpr std::string_view kConstraintHint =
    "a placement constraint such as 'node.role == manager'";
constexpr const char* kNotACommand =
    "not a docker or ufw command; clawsim cannot judge it: remove it or comment it out with #";

// clang-format off
constexpr std::array<std::pair<ChangeKind, const char*>, 12> kKindNames{{
    {ChangeKind::kNodePromote, "node-promote"}, {ChangeKind::kNodeDemote, "node-demote"},
    {ChangeKind::kNodeUpdate, "node-update"}, {ChangeKind::kNodeRm, "node-rm"},
    {ChangeKind::kServiceCreate, "service-create"}, {ChangeKind::kServiceUpdate, "service-update"},
    {ChangeKind::kServiceRm, "service-rm"}, {ChangeKind::kForceNewCluster, "force-new-cluster"},
    {ChangeKind::kSwarmJoin, "swarm-join"}, {ChangeKind::kSwarmLeave, "swarm-leave"},
    {ChangeKind::kUfw, "ufw"}, {ChangeKind::kRead, "read"}}};
// clang-format on

// ---------------------------------------------------------------------------------------------
// Errors are thrown inside this file (as the YAML parsers do) and returned at parse_change.

struct Where {
  const std::string* file = nullptr;
  int line = 0;
  std::string field;
};

[[noreturn]] void fail(const Where& w, const std::string& message) {
  throw InputErrorException{InputError{*w.file, w.line, w.field, message}};
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

// A word as it would be typed: quoted when the shell would otherwise split or expand it.
std::string shell_word(const std::string& s) {
  const bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
           std::string_view("_-.,:/=@%+<>$").find(c) != std::string_view::npos;
  });
  if (plain) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// ---------------------------------------------------------------------------------------------
// Lexing: the text as sh would split it into commands and words, without running anything.

struct Command {
  int line = 0;                     // where its first word is
  std::string text;                 // as written: continuations joined, comment dropped
  std::vector<std::string> words;   // quotes removed, escapes applied
  std::vector<std::size_t> starts;  // where each word begins in `text`
  std::string shell_operator;       // the first unquoted |, &, ;, ` or $( ("" when none)
};

class Lexer {
 public:
  // `fixed_line` > 0: every command is reported on that line (a YAML item).
  Lexer(std::string_view src, const std::string& file, int fixed_line)
      : src_(src), file_(&file), fixed_(fixed_line > 0), line_(fixed_ ? fixed_line : 1) {}

  std::vector<Command> run() {
    for (std::size_t i = 0; i < src_.size(); ++i) {
      if (quote_ != 0) {
        quoted(i);
      } else {
        unquoted(i);
      }
    }
    if (quote_ != 0) unterminated();
    end_command();
    return std::move(out_);
  }

 private:
  char at(std::size_t i) const { return i < src_.size() ? src_[i] : '\0'; }
  void next_line() { line_ += fixed_ ? 0 : 1; }
  // Length of a backslash-newline at i (the shell drops it), else 0.
  std::size_t continuation(std::size_t i) const {
    if (at(i) != '\\') return 0;
    if (at(i + 1) == '\n') return 2;
    return at(i + 1) == '\r' && at(i + 2) == '\n' ? 3 : 0;
  }
  [[noreturn]] void unterminated() const {
    fail(Where{file_, quote_line_, ""},
         std::string("unterminated ") + quote_ + " quote: close it on the line it opens on");
  }
  void start_word() {
    if (in_word_) return;
    if (cur_.words.empty()) cur_.line = line_;
    cur_.starts.push_back(cur_.text.size());
    in_word_ = true;
  }
  void end_word() {
    if (in_word_) cur_.words.push_back(word_);
    word_.clear();
    in_word_ = false;
  }
  void end_command() {
    end_word();
    while (!cur_.text.empty() && is_blank(cur_.text.back())) cur_.text.pop_back();
    if (!cur_.words.empty()) out_.push_back(std::move(cur_));
    cur_ = Command{};
  }
  void note_operator(std::string op) {
    if (cur_.shell_operator.empty()) cur_.shell_operator = std::move(op);
  }
  void literal(char c) {
    start_word();
    word_ += c;
    cur_.text += c;
  }

  // "a \<newline>  b" is "a b"; "a\<newline>b" is the one word "ab", as in sh.
  void join_lines(std::size_t& i, std::size_t length) {
    i += length - 1;
    next_line();
    std::size_t j = i + 1;
    while (j < src_.size() && (src_[j] == ' ' || src_[j] == '\t')) ++j;
    if (j == i + 1 && (cur_.text.empty() || !is_blank(cur_.text.back()))) return;
    end_word();
    while (!cur_.text.empty() && is_blank(cur_.text.back())) cur_.text.pop_back();
    if (!cur_.text.empty()) cur_.text += ' ';
    i = j - 1;
  }

  void unquoted(std::size_t& i) {
    const char c = src_[i];
    if (c == '\n') {
      end_command();
      next_line();
    } else if (const std::size_t n = continuation(i)) {
      join_lines(i, n);
    } else if (c == '\\') {
      start_word();
      cur_.text += c;
      if (i + 1 < src_.size()) literal(src_[++i]);
    } else if (is_blank(c)) {
      end_word();
      if (!cur_.text.empty()) cur_.text += c;
    } else if (c == '#' && !in_word_) {
      while (i + 1 < src_.size() && src_[i + 1] != '\n') ++i;
    } else if (c == '\'' || c == '"') {
      start_word();
      quote_ = c;
      quote_line_ = line_;
      cur_.text += c;
    } else {
      if (std::string_view("|&;`").find(c) != std::string_view::npos) note_operator({c});
      if (c == '$' && at(i + 1) == '(') note_operator("$(");
      literal(c);
    }
  }

  void quoted(std::size_t& i) {
    const char c = src_[i];
    const char next = at(i + 1);
    if (c == quote_) {
      quote_ = 0;
      cur_.text += c;
    } else if (c == '\n') {
      unterminated();
    } else if (quote_ == '"' && continuation(i) != 0) {
      i += continuation(i) - 1;
      next_line();
    } else if (quote_ == '"' && c == '\\' &&
               std::string_view("\"\\$`").find(next) != std::string_view::npos) {
      cur_.text += c;
      literal(src_[++i]);
    } else {
      if (quote_ == '"' && (c == '`' || (c == '$' && next == '('))) {
        note_operator(c == '`' ? "`" : "$(");
      }
      literal(c);
    }
  }

  std::string_view src_;
  const std::string* file_;
  bool fixed_;
  int line_;
  std::vector<Command> out_;
  Command cur_;
  std::string word_;
  bool in_word_ = false;
  char quote_ = 0;
  int quote_line_ = 0;
};

// ---------------------------------------------------------------------------------------------
// What the parse knows as it goes: the plan, the services that exist so far, the join token.

struct Ctx {
  Ctx(const std::string& f, const Plan& p) : file(f), plan(p) {
    for (const ServiceSpec& s : p.services) services.push_back(s.name);
  }
  Where where(int line, std::string field) const { return Where{&file, line, std::move(field)}; }
  Where where(const Field& f) const { return Where{&file, f.line(), f.path()}; }

  const std::string& file;
  const Plan& plan;
  std::vector<std::string> services;      // plan names of the services that exist at this point
  std::map<std::string, int> removed_on;  // service -> line of the `rm` that removed it
  std::string join_token_kind;            // from the last `docker swarm join-token`
  std::vector<ChangeStep> steps;
};

// Where a command is typed: nothing said, one node, or (ufw only) every node.
struct Target {
  std::vector<std::string> nodes;
  bool all = false;
};

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
  fail(w, "unknown node '" + name + "' (nodes: " + join(node_names(ctx.plan)) + ")");
}

// `all` names every node unless a node is called that.
Target target_of(const Ctx& ctx, const std::string& name, bool allow_all, const Where& w) {
  if (name == "all" && ctx.plan.node_index("all") < 0) {
    if (!allow_all) fail(w, "'all' is for ufw commands only: type this on one node");
    return Target{node_names(ctx.plan), true};
  }
  return Target{{resolve_node(ctx, name, w)}, false};
}

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
  fail(w, message + " (services: " + join(ctx.services) + ")");
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
  if (service_known(ctx, name)) {
    fail(w, "service '" + name + "' already exists; to change it use docker service update");
  }
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

// ---------------------------------------------------------------------------------------------
// A YAML operation is read as the docker command that does the same (yaml_command below), so it
// gets the same checks and the same `text`; its errors name the YAML field a word came from.

enum class YamlForm { kValue, kNumber, kScale, kList, kMap, kFlag, kToken };

struct YamlArg {
  std::string_view key;     // "availability"
  std::string_view option;  // "--availability"
  YamlForm form;
};

struct YamlOp {
  std::string_view name;     // "node-update"
  std::string_view command;  // "docker node update"; "" for ufw
  std::initializer_list<YamlArg> args;
  std::string_view positional;  // the key of the trailing argument(s): "node", "service", ...
};

struct YamlSource {
  const Field* item;
  const YamlOp* op;

  Where at(const std::string* file, std::string_view key) const {
    const Field f = key.empty() ? *item : item->child(std::string(key));
    return Where{file, f.line(), f.path()};
  }
  std::string_view key_of(std::string_view option) const {
    for (const YamlArg& a : op->args) {
      if (a.option == option) return a.key;
    }
    return "";
  }
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

bool is_program(const std::string& word, std::string_view name) {
  return word == name || (word.ends_with(name) && word[word.size() - name.size() - 1] == '/');
}

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

// NODE$ (a hostname or id), or a bare $.
bool is_prompt(const std::string& word) {
  return word.ends_with('$') && std::all_of(word.begin(), word.end() - 1, [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' ||
                  c == '.';
         });
}

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
  if (!is_program(program, "docker")) fail(ctx.where(cmd.line, program), kNotACommand);
  if (on.all) {
    fail(ctx.where(cmd.line, "prompt"),
         "`all$` is for ufw commands: type docker commands on one node");
  }
  docker_command(ctx, cmd, i, std::move(base), yaml);
}

// ---------------------------------------------------------------------------------------------
// YAML operations

// clang-format off
const std::array<YamlOp, 12> kYamlOps{{
    {"node-promote", "docker node promote", {}, "node"},
    {"node-demote", "docker node demote", {}, "node"},
    {"node-update", "docker node update", {{"availability", "--availability", YamlForm::kValue},
                                           {"label_add", "--label-add", YamlForm::kMap},
                                           {"label_rm", "--label-rm", YamlForm::kList}}, "node"},
    {"node-rm", "docker node rm", {{"force", "--force", YamlForm::kFlag}}, "node"},
    {"service-create", "docker service create", {{"service", "--name", YamlForm::kValue},
                                                 {"mode", "--mode", YamlForm::kValue},
                                                 {"replicas", "--replicas", YamlForm::kNumber},
                                                 {"constraints", "--constraint", YamlForm::kList},
                                                 {"env", "--env", YamlForm::kMap}}, "image"},
    {"service-update", "docker service update",
     {{"constraint_add", "--constraint-add", YamlForm::kList},
      {"constraint_rm", "--constraint-rm", YamlForm::kList},
      {"replicas", "--replicas", YamlForm::kNumber}, {"image", "--image", YamlForm::kValue},
      {"force", "--force", YamlForm::kFlag}}, "service"},
    {"service-scale", "docker service scale", {{"replicas", "", YamlForm::kScale}}, "service"},
    {"service-rm", "docker service rm", {}, "service"},
    {"force-new-cluster", "docker swarm init --force-new-cluster", {}, ""},
    {"swarm-join", "docker swarm join", {{"token", "--token", YamlForm::kToken}}, "address"},
    {"swarm-leave", "docker swarm leave", {{"force", "--force", YamlForm::kFlag}}, ""},
    {"ufw", "", {{"command", "", YamlForm::kValue}}, ""}}};
// clang-format on

// Field::only_keys, for a list of keys known at run time.
void check_keys(const Ctx& ctx, const Field& item, const YamlOp& op) {
  std::vector<std::string> allowed{"op", "on"};
  for (const YamlArg& a : op.args) allowed.emplace_back(a.key);
  if (!op.positional.empty()) allowed.emplace_back(op.positional);
  for (const auto& kv : item.node()) {
    const std::string key = kv.first.as<std::string>();
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    Field(kv.first, item.path() + "." + key, &ctx.file)
        .fail("unknown field '" + key + "'; expected one of: " + join(allowed));
  }
}

void add_option(std::vector<std::string>& words, std::string_view option, std::string value) {
  words.emplace_back(option);
  words.push_back(std::move(value));
}

// The words one YAML field stands for; kScale's "=N" goes to the end of the positional word.
void yaml_words(const Field& f, const YamlArg& a, std::vector<std::string>& words,
                std::string& scale) {
  switch (a.form) {
    case YamlForm::kValue:
      add_option(words, a.option, f.as_string());
      break;
    case YamlForm::kNumber:
      add_option(words, a.option, std::to_string(f.as_int(0, kMaxReplicas)));
      break;
    case YamlForm::kScale:
      scale = "=" + std::to_string(f.as_int(0, kMaxReplicas));
      break;
    case YamlForm::kList:
      for (const std::string& v : f.as_string_list()) add_option(words, a.option, v);
      break;
    case YamlForm::kMap:
      f.expect_map();
      for (const auto& kv : f.node()) {
        const std::string key = kv.first.as<std::string>();
        const Field value = f.child(key);
        const std::string v = value.present() ? value.as_string() : "";
        add_option(words, a.option, v.empty() ? key : key + "=" + v);
      }
      break;
    case YamlForm::kFlag:
      if (f.as_bool()) words.emplace_back(a.option);
      break;
    case YamlForm::kToken: {
      const std::string kind = f.as_string();
      if (kind != "manager" && kind != "worker") {
        f.fail("expected manager or worker, got '" + kind + "'");
      }
      add_option(words, a.option, kind == "manager" ? "<MANAGER_TOKEN>" : "<WORKER_TOKEN>");
      break;
    }
  }
}

// The docker command line a YAML operation stands for.
Command yaml_command(const Ctx& ctx, const Field& item, const YamlOp& op) {
  std::vector<std::string> words = Lexer(op.command, ctx.file, item.line()).run()[0].words;
  std::string scale;
  for (const YamlArg& a : op.args) {
    const Field f = item.child(std::string(a.key));
    if (f.present() || a.form == YamlForm::kScale) yaml_words(f, a, words, scale);
  }
  if (!op.positional.empty()) {
    const Field f = item.child(std::string(op.positional));
    const std::vector<std::string> names = f.as_string_list();
    if (names.empty()) f.fail("missing value");
    words.insert(words.end(), names.begin(), names.end());
    words.back() += scale;
  }
  Command cmd;
  cmd.line = item.line();
  for (const std::string& w : words) {
    if (!cmd.text.empty()) cmd.text += ' ';
    cmd.starts.push_back(cmd.text.size());
    cmd.text += shell_word(w);
  }
  cmd.words = std::move(words);
  return cmd;
}

void yaml_item(Ctx& ctx, const Field& item) {
  if (item.node().IsScalar()) {
    const std::vector<Command> cmds = Lexer(item.as_string(), ctx.file, item.line()).run();
    if (cmds.size() != 1) item.fail("expected one command line");
    run_command(ctx, cmds[0], Target{}, nullptr);
    return;
  }
  if (!item.node().IsMap()) {
    item.fail("expected a command line (a string) or an operation (a mapping with op:)");
  }
  const Field op_field = item.child("op");
  const std::string name = op_field.as_string();
  const auto op = std::find_if(kYamlOps.begin(), kYamlOps.end(),
                               [&](const YamlOp& o) { return o.name == name; });
  if (op == kYamlOps.end()) {
    std::vector<std::string> names;
    for (const YamlOp& o : kYamlOps) names.emplace_back(o.name);
    op_field.fail("unknown op '" + name + "'; expected one of: " + join(names));
  }
  check_keys(ctx, item, *op);
  const bool ufw = op->command.empty();
  const YamlSource source{&item, &*op};
  const Field on = item.child("on");
  const Target target =
      on.present() ? target_of(ctx, on.as_string(), ufw, ctx.where(on)) : Target{};
  if (!ufw) return run_command(ctx, yaml_command(ctx, item, *op), target, &source);
  const Field command = item.child("command");
  const std::vector<Command> cmds = Lexer(command.as_string(), ctx.file, command.line()).run();
  const std::size_t i = !cmds.empty() && cmds[0].words[0] == "sudo" ? 1 : 0;
  if (cmds.size() != 1 || i >= cmds[0].words.size() || !is_program(cmds[0].words[i], "ufw")) {
    command.fail("expected one ufw command line, such as 'ufw allow 22/tcp'");
  }
  run_command(ctx, cmds[0], target, &source);
}

bool looks_like_yaml(std::string_view text) {
  while (!text.empty()) {
    const std::size_t end = std::min(text.find('\n'), text.size());
    std::string_view line = text.substr(0, end);
    while (!line.empty() && is_blank(line.front())) line.remove_prefix(1);
    while (!line.empty() && is_blank(line.back())) line.remove_suffix(1);
    if (!line.empty() && line.front() != '#') return line == "-" || line.starts_with("- ");
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  return false;
}

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

}  // namespace clawsim
