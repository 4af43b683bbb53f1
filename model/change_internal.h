// What the change parser's two readers share: the parse state, and the YAML operation tables
// that docker command reading consults for its error locations. change.cc reads command lines;
// change_yaml.cc reads a YAML op list as the command lines it stands for. Internal to model/,
// not part of the public API: parse_change in change.h is the way in.
#pragma once

#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/change.h"
#include "model/change_lexer.h"
#include "model/plan.h"
#include "model/yaml_fields.h"

namespace clawsim::change_detail {

inline constexpr int kMaxReplicas = 1000;

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

// ---------------------------------------------------------------------------------------------
// A YAML operation is read as the docker command that does the same (yaml_command in
// change_yaml.cc), so it gets the same checks and the same `text`; its errors name the YAML field
// a word came from.

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

// change.cc

std::string join(const std::vector<std::string>& items);
// `all` names every node unless a node is called that.
Target target_of(const Ctx& ctx, const std::string& name, bool allow_all, const Where& w);
bool is_program(const std::string& word, std::string_view name);
// `on`: the node a YAML operation names; a prompt may not name another.
void run_command(Ctx& ctx, const Command& cmd, Target on, const YamlSource* yaml);

// change_yaml.cc

// One item of a YAML change: a command line (a string) or an operation (a mapping with op:).
void yaml_item(Ctx& ctx, const Field& item);
// A first non-comment line starting with "- ".
bool looks_like_yaml(std::string_view text);

}  // namespace clawsim::change_detail
