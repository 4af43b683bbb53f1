#include "model/replica_share.h"

#include <algorithm>
#include <charconv>

namespace clawsim {

namespace {

struct Count {
  int serving = 0, desired = 0;
  std::string text;
};

bool parse_count(const std::string& detail, Count& out) {
  const auto slash = detail.find('/');
  if (slash == std::string::npos) return false;
  const char* begin = detail.data();
  const auto a = std::from_chars(begin, begin + slash, out.serving);
  const auto b = std::from_chars(begin + slash + 1, begin + detail.size(), out.desired);
  out.text = detail;
  return a.ec == std::errc() && b.ec == std::errc() && out.desired > 0;
}

}  // namespace

bool has_replica_counts(const Timeline& timeline, const std::string& service) {
  return std::any_of(timeline.begin(), timeline.end(),
                     [&](const Change& c) { return c.kind == Aspect::kReplicas && c.subject == service; });
}

ReplicaShare replica_share(const Timeline& timeline, const std::string& service, TimeMs from_ms, TimeMs to_ms) {
  const bool counted = has_replica_counts(timeline, service);
  ReplicaShare out;
  bool known = false;
  Count now;
  TimeMs since = from_ms;
  double missing = 0;  // in ms, fractional
  // The state held since `since` ends at `until`: it counts if it lasted (a state replaced at
  // the same instant was never seen from outside).
  auto close = [&](TimeMs until) {
    if (!known || until <= since) return;
    missing += static_cast<double>(until - since) * (now.desired - now.serving) / now.desired;
    const double pct = 100.0 * now.serving / now.desired;
    if (out.lowest_at_ms < 0 || pct < out.lowest_pct) {
      out.lowest_pct = pct;
      out.lowest_at_ms = since;
      out.lowest = now.text;
    }
  };
  for (const Change& c : timeline) {
    if (c.subject != service || c.t_ms >= to_ms) continue;
    Count next;
    if (counted && c.kind == Aspect::kReplicas) {
      if (!parse_count(c.detail, next)) continue;
    } else if (!counted && c.kind == Aspect::kService) {
      const bool up = c.detail == "up";
      next = Count{up ? 1 : 0, 1, up ? "1/1" : "0/1"};
    } else {
      continue;
    }
    const TimeMs t = std::max(c.t_ms, from_ms);
    close(t);
    now = std::move(next);
    known = true;
    since = t;
  }
  close(to_ms);
  out.missing_ms = static_cast<DurationMs>(missing + 0.5);
  return out;
}

}  // namespace clawsim
