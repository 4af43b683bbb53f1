// How many of a service's replicas serve, over time, read off a timeline. A replicated service
// of more than one replica has "replicas" changes ("2/3": serving of desired); any other
// service counts as one replica, from its "service" changes (up: 1/1, down: 0/1). Pure.
#pragma once

#include <string>

#include "model/timeline.h"

namespace clawsim {

struct ReplicaShare {
  // The replica-weighted downtime: the time integral of the share of replicas not serving
  // (2 of 3 replicas gone for 30 s: 20 s). For one replica, its downtime.
  DurationMs missing_ms = 0;
  double lowest_pct = 100;  // the lowest share of replicas serving at any moment
  TimeMs lowest_at_ms = -1;  // when it was first that low (-1: no record in the window)
  std::string lowest;        // as recorded there ("1/3", "0/1")
};

// Over [from_ms, to_ms); the state at from_ms is the last change at or before it.
ReplicaShare replica_share(const Timeline& timeline, const std::string& service, TimeMs from_ms, TimeMs to_ms);

// Whether the timeline has replica counts of its own for this service ("replicas" changes).
bool has_replica_counts(const Timeline& timeline, const std::string& service);

}  // namespace clawsim
