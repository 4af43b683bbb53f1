#include "live/drill_lock.h"

#include "model/shell_quote.h"

namespace clawsim {

DrillLock drill_lock(const std::string& journal, long pid, const std::string& host, const std::string& since,
                     const std::string& dir) {
  DrillLock lock;
  lock.dir = dir;
  lock.holder = "journal " + journal + ", pid " + std::to_string(pid) + " on " + host + ", since " + since;
  const std::string d = shell_quote(dir);
  const std::string holder_file = shell_quote(dir + "/holder");
  const std::string line = shell_quote(lock.holder);
  // A lock whose holder line cannot be written (a full /tmp) is not kept: no lock names nobody.
  lock.take = "mkdir " + d + " && { printf '%s\\n' " + line + " >" + holder_file + " || { rm -f " + holder_file +
              "; rmdir " + d + "; exit 1; }; }";
  // Run again by `live recover`, perhaps after another drill took the lock: only ours is freed.
  lock.release = "if grep -qxF -- " + line + " " + holder_file + " 2>/dev/null; then rm -f " + holder_file +
                 " && rmdir " + d + "; fi";
  return lock;
}

std::string drill_lock_query(const std::string& dir) {
  return "if [ -e " + shell_quote(dir) + " ]; then cat " + shell_quote(dir + "/holder") +
         " 2>/dev/null || echo 'a drill whose lock names no journal'; else exit 1; fi";
}

std::string drill_lock_refusal(const std::string& node, const std::string& holder, const std::string& take_error,
                               const std::string& dir) {
  if (holder.empty()) return "cannot take the drill lock " + dir + " on " + node + ": " + take_error;
  return "another drill holds the lock on " + node + ": " + holder +
         "; if that drill no longer runs it was killed: clawsim live recover --journal with its journal undoes what "
         "it owes and releases the lock";
}

}  // namespace clawsim
