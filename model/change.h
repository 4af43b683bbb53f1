// A change: the commands an operator intends to type, in order, as data. Parsed from a text
// file of `docker node|service|swarm ...` and `ufw ...` command lines (one per line, `#`
// comments, `\` continuations, an optional `sudo`, an optional `NODE$ ` prompt naming the node
// the command is typed on) or from a YAML list of the same operations. Every line that is not
// blank or a comment must be understood: anything else is an InputError naming the line.
// Pure: it reads only the text it is handed; node and service names are checked against the plan.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/error.h"
#include "model/plan.h"

namespace clawsim {

enum class ChangeKind {
  kNodePromote,      // docker node promote NODE
  kNodeDemote,       // docker node demote NODE
  kNodeUpdate,       // docker node update [--availability A] [--label-add k=v] [--label-rm k] NODE
  kNodeRm,           // docker node rm [--force] NODE
  kServiceCreate,    // docker service create --name S [--replicas N|--mode global] [--constraint C] IMAGE
  kServiceUpdate,    // docker service update [--constraint-add C] [--constraint-rm C] [--replicas N]
                     //                       [--image I] [--force] S
  kServiceRm,        // docker service rm S
  kForceNewCluster,  // docker swarm init --force-new-cluster (on the node it is typed on)
  kSwarmJoin,        // docker swarm join --token T ADDR:PORT (on the node it is typed on)
  kSwarmLeave,       // docker swarm leave [--force] (on the node it is typed on)
  kUfw,              // ufw ... (on the node it is typed on)
  kDaemon,           // systemctl stop|start|restart docker (on the node it is typed on)
  kRead,             // docker node ls|inspect|ps, service ls|ps|inspect|logs, swarm join-token,
                     // ufw status: changes nothing; kept so the report can show it
};

const char* to_string(ChangeKind kind);

// One operation. A command line may expand to several (`docker service scale a=1 b=2`,
// `docker node promote boston chicago`): each gets the line's number and text.
struct ChangeStep {
  int line = 0;         // 1-based line of the change file (the first line of a continuation)
  std::string text;     // the command as written, continuations joined, without the prompt
  ChangeKind kind = ChangeKind::kRead;
  std::string on_node;  // plan node name the command is typed on; "" = not said (a manager)

  std::string node;     // node operations: the plan node name (Docker also takes the node id)
  std::optional<Availability> availability;                   // node update
  std::vector<std::pair<std::string, std::string>> label_add;  // node update, in order
  std::vector<std::string> label_rm;                           // node update, in order
  bool force = false;   // node rm --force, swarm leave --force, service update --force

  std::string service;  // service operations: the plan's service name (see parse_change)
  std::optional<int> replicas;              // service create/update/scale
  bool global = false;                      // service create --mode global
  std::string image;                        // service create / update --image
  std::vector<std::string> constraint_add;  // service create --constraint / update --constraint-add
  std::vector<std::string> constraint_rm;   // service update --constraint-rm
  std::vector<std::pair<std::string, std::string>> env;  // service create --env/-e, in order

  std::string join_as;       // swarm join: "manager" or "worker" (from the token, see below)
  std::string join_address;  // swarm join: "10.0.0.1:2377"

  std::string ufw_command;   // ufw: the ufw command line ("ufw allow from ... "), for
                             // apply_ufw_command; `ufw` is typed on `on_node`
  std::string daemon_action; // daemon: stop | start | restart (docker's daemon on `on_node`)
};

struct ChangeSet {
  std::string file;
  std::vector<ChangeStep> steps;
};

// Parses a change file. YAML is recognised by a first non-comment line starting with "- ";
// anything else is read as command lines. Rules:
//  - Node arguments may be the plan node's name or id; the step holds the name.
//  - Service names may be the plan's name or CapRover's `srv-captain--NAME`; the step holds the
//    plan's name. A service created earlier in the change is known from then on; one removed is
//    unknown from then on.
//  - `ufw`, `docker swarm join|leave|init` need a node: a `NODE$ ` prompt (or `on:` in YAML).
//    The prompt `all$ ` (`on: all`) types a ufw command on every plan node: one step per node,
//    in plan order (unless a node is named "all"). A bare `$ ` prompt names no node.
//  - `docker node update --role manager|worker N` is read as a promote or demote step (after
//    the update step, if the command also changes something else).
//  - `docker service create` also accepts, and ignores, a fixed list of options that do not
//    bear on placement (--mount, --network, --publish, ...; listed in change.cc). Any other
//    option is an error, except in the reads (ls, inspect, ps, logs), which take anything.
//  - No shell: quotes and backslashes as in sh, but no variables, pipes, `;`, `&&` or `$(...)`
//    (`$VAR` and `<PLACEHOLDER>` are plain words).
//  - YAML items are command lines (strings) or maps: `op:` (a scenario's verb where a scenario
//    has the same operation: promote, demote, drain, pause, activate, label-add, label-rm,
//    service-update, force-new-cluster; otherwise docker's: node-update, node-rm,
//    service-create, service-scale, service-rm, swarm-join, swarm-leave; and ufw), `on:`, and
//    that op's fields (node, label, availability, label_add, label_rm, force, service, replicas,
//    mode, image, env, constraints,
//    constraint_add, constraint_rm, token: manager|worker, address, command). An op is read as
//    the docker command it stands for, which becomes the step's `text`.
//  - swarm join's token says what the node joins as: a literal containing "manager" or
//    "worker" (e.g. `<MANAGER_TOKEN>`, `$WORKER_TOKEN`), or any other placeholder after a
//    `docker swarm join-token manager|worker` earlier in the change, which it then refers to.
// Errors name the file, the line and the field, e.g.
//   "ha.change:7: docker node demote: unknown node 'bostn' (nodes: atlanta, boston, ...)".
Result<ChangeSet> parse_change(std::string_view text, const std::string& file, const Plan& plan);

// The plan a change is written for, if it says: a line `# clawsim-plan: REF` (a comment to sh
// and to YAML alike, so the file still pastes into a shell), REF a built-in plan's name
// (`before-ha`), a plan's digest (16 hex digits, as reports print it) or a plan file's path,
// relative to the change file. The first such line counts. A change replayed on another plan
// gives another answer; `check-change` refuses that, and uses this plan when given none.
struct PlanBinding {
  std::string ref;
  int line = 0;
};
std::optional<PlanBinding> change_plan_binding(std::string_view text);

// The plan as it is once `step` is done (change_apply.cc): roles, availability, labels,
// services and firewall rules. The static rules of `validate` judge this after every step.
void apply_to_plan(Plan& plan, const ChangeStep& step);

}  // namespace clawsim
