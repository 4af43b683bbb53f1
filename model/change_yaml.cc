// The YAML form of a change: a list of command lines or `op:` mappings, each read as the docker
// or ufw command line it stands for (see change.h).
#include <algorithm>
#include <array>
#include <string>
#include <utility>
#include <vector>

#include "model/change_internal.h"
#include "model/change_lexer.h"
#include "model/yaml_fields.h"

namespace clawsim {

namespace {

using change_detail::Command;
using change_detail::Ctx;
using change_detail::join;
using change_detail::kMaxReplicas;
using change_detail::Lexer;
using change_detail::shell_word;
using change_detail::YamlArg;
using change_detail::YamlForm;
using change_detail::YamlOp;

// A scenario's verbs where a scenario has the same operation (promote, drain, label-add, ...,
// with its fields: node, label), so a drill and a change read alike; docker's own otherwise.
// clang-format off
const YamlOp kYamlOps[] = {
    {"promote", "docker node promote", {}, "node"},
    {"demote", "docker node demote", {}, "node"},
    {"drain", "docker node update --availability drain", {}, "node"},
    {"pause", "docker node update --availability pause", {}, "node"},
    {"activate", "docker node update --availability active", {}, "node"},
    {"label-add", "docker node update", {{"label", "--label-add", YamlForm::kValue}}, "node"},
    {"label-rm", "docker node update", {{"label", "--label-rm", YamlForm::kValue}}, "node"},
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
    {"ufw", "", {{"command", "", YamlForm::kValue}}, ""}};
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

}  // namespace

namespace change_detail {

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
  const auto op = std::find_if(std::begin(kYamlOps), std::end(kYamlOps),
                               [&](const YamlOp& o) { return o.name == name; });
  if (op == std::end(kYamlOps)) {
    if (name == "node-promote" || name == "node-demote") {  // the names before scenarios' were shared
      op_field.fail("op '" + name + "' is now '" + name.substr(5) + "', as in scenarios");
    }
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

}  // namespace change_detail

}  // namespace clawsim
