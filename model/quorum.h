// Quorum arithmetic of a Raft group, as Docker documents it (docs admin_guide: "An N manager
// cluster tolerates the loss of at most (N-1)/2 managers") and etcd-raft computes it
// (quorum/majority.go). Pure and constexpr.
#pragma once

#include <bit>
#include <cstdint>

namespace clawsim {

constexpr int majority(int voters) { return voters / 2 + 1; }
constexpr int tolerated_failures(int voters) { return voters <= 0 ? 0 : (voters - 1) / 2; }

enum class VoteResult { kPending, kWon, kLost };

// etcd-raft's MajorityConfig.VoteResult over bit sets of voter ids.
constexpr VoteResult vote_result(std::uint64_t voters, std::uint64_t granted,
                                 std::uint64_t rejected) {
  const int n = std::popcount(voters);
  if (n == 0) return VoteResult::kWon;  // etcd: an empty config wins every vote
  const int yes = std::popcount(granted & voters);
  const int no = std::popcount(rejected & voters);
  const int need = majority(n);
  if (yes >= need) return VoteResult::kWon;
  if (n - no >= need) return VoteResult::kPending;
  return VoteResult::kLost;
}

}  // namespace clawsim
