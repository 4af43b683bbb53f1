#include "model/timeline.h"

#include <array>
#include <utility>

namespace clawsim {

namespace {

constexpr std::array<std::pair<Aspect, const char*>, 20> kWords{{
    {Aspect::kLeader, "leader"},
    {Aspect::kTerm, "term"},
    {Aspect::kQuorum, "quorum"},
    {Aspect::kNode, "node"},
    {Aspect::kHost, "host"},
    {Aspect::kRole, "role"},
    {Aspect::kAvailability, "availability"},
    {Aspect::kLabel, "label"},
    {Aspect::kManager, "manager"},
    {Aspect::kTask, "task"},
    {Aspect::kPlacement, "placement"},
    {Aspect::kService, "service"},
    {Aspect::kReplicas, "replicas"},
    {Aspect::kNfs, "nfs"},
    {Aspect::kNetwork, "network"},
    {Aspect::kApi, "api"},
    {Aspect::kAction, "action"},
    {Aspect::kMembership, "membership"},
    {Aspect::kServiceSpec, "service-spec"},
    {Aspect::kInvariant, "invariant"},
}};

}  // namespace

const char* to_string(Aspect aspect) {
  for (const auto& [a, word] : kWords) {
    if (a == aspect) return word;
  }
  return "?";
}

std::optional<Aspect> parse_aspect(std::string_view word) {
  for (const auto& [a, w] : kWords) {
    if (word == w) return a;
  }
  return std::nullopt;
}

}  // namespace clawsim
