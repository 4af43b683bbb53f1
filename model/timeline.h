// What a run yields: every state change, time-stamped, in the order it happened. Both the
// simulator and live mode produce it; expectations and metrics are computed from it alone.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/time.h"

namespace clawsim {

// Kinds of change, and what `detail` holds for each:
//   leader     subject "cluster", detail: node name or "none"
//   term       subject "cluster", detail: the highest term any running manager has seen
//   quorum     subject "cluster", detail: "held" or "lost"
//   node       subject node, detail: "ready", "down" or "unknown" (the leader's view)
//   host       subject node, detail: "up", "down", "daemon-stopped"
//   role       subject node, detail: "manager" or "worker"
//   availability subject node, detail: "active", "pause", "drain"
//   label      subject node, detail: "key=value added" / "key removed"
//   manager    subject node, detail: raft role as that member sees it ("leader", "follower", ...)
//   task       subject service, detail: "slot N: running on X", "slot N: pending: <reason>", ...
//   placement  subject service, detail: "slot N -> X"
//   service    subject service, detail: "up" or "down: <reason>"
//   nfs        subject "nfs", detail: "up" or "down"
//   network    subject "cluster", detail: description of the partition or port block
//   api        subject node, detail: "ok" or the error a manager API call gets there
//   action     subject the action's description, detail: "ok" or Docker's refusal
//   invariant  subject what broke, detail: how (a model bug if it ever appears)
// The aspect of the cluster a change is about; its word (to_string) appears only in reports.
enum class Aspect : std::uint8_t {
  kLeader,
  kTerm,
  kQuorum,
  kNode,
  kHost,
  kRole,
  kAvailability,
  kLabel,
  kManager,
  kTask,
  kPlacement,
  kService,
  kReplicas,
  kNfs,
  kNetwork,
  kApi,
  kAction,
  kMembership,
  kServiceSpec,
  kInvariant,
};
const char* to_string(Aspect aspect);  // "leader", "service-spec", ...
std::optional<Aspect> parse_aspect(std::string_view word);

struct Change {
  TimeMs t_ms = 0;
  Aspect kind = Aspect::kAction;
  std::string subject;
  std::string detail;
  // How long before t_ms the change may have taken place. 0 in the model, which sees every
  // change at its instant. A real cluster is observed by calls that take time: a change is seen
  // at the end of the first call after it (t_ms) and took place after the start of the last call
  // that still saw the state before, so it lies in [t_ms - uncertain_ms, t_ms].
  DurationMs uncertain_ms = 0;
};

using Timeline = std::vector<Change>;

}  // namespace clawsim
