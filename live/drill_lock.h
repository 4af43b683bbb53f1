// The drill lock: a directory on the inventory's first node (mkdir is atomic), so two drills
// never overlap on one cluster. Inside it one line says whose it is: the journal that releases
// it, the process and host that took it, and when. A drill refused by the lock names that
// journal, so a lock left by a killed drill says how to release it.
#pragma once

#include <string>

namespace clawsim {

inline constexpr const char* kDrillLockDir = "/tmp/clawsim-drill.lock";

struct DrillLock {
  std::string dir;
  std::string holder;   // "journal J, pid P on H, since T"
  std::string take;     // fails when the lock is held (or cannot be made)
  std::string release;  // frees it only while this holder holds it; nothing to do when it is free
};

// The commands for a drill journaled at `journal` by process `pid` on `host` since `since`.
DrillLock drill_lock(const std::string& journal, long pid, const std::string& host, const std::string& since,
                     const std::string& dir = kDrillLockDir);

// Prints the holder's line and exits 0 while the lock is held; exits 1 while it is free.
std::string drill_lock_query(const std::string& dir = kDrillLockDir);

// Why a drill cannot take the lock on `node`, from what the query printed (`holder`, "" when
// the lock is free) and the take command's error.
std::string drill_lock_refusal(const std::string& node, const std::string& holder, const std::string& take_error,
                               const std::string& dir = kDrillLockDir);

}  // namespace clawsim
