// The dependency graph between services (Boost.Graph): an order in which each service comes
// after everything it depends on, or the cycle that makes such an order impossible.
#pragma once

#include <string>
#include <vector>

namespace clawsim {

struct ServiceSpec;

struct ServiceOrder {
  std::vector<int> order;     // service indices, dependencies first
  std::vector<int> cycle;     // non-empty when there is no such order: the services on a cycle
};

// `depends_on` names must already be known services (the plan parser checks that first).
ServiceOrder dependency_order(const std::vector<ServiceSpec>& services);

}  // namespace clawsim
