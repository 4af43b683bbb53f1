#include "model/service_graph.h"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/strong_components.hpp>
#include <boost/graph/topological_sort.hpp>
#include <iterator>

#include "model/plan.h"

namespace clawsim {

namespace {

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;

int index_of(const std::vector<ServiceSpec>& services, const std::string& name) {
  for (std::size_t i = 0; i < services.size(); ++i) {
    if (services[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

ServiceOrder dependency_order(const std::vector<ServiceSpec>& services) {
  Graph graph(services.size());
  for (std::size_t i = 0; i < services.size(); ++i) {
    for (const std::string& dep : services[i].depends_on) {
      const int j = index_of(services, dep);
      if (j >= 0) boost::add_edge(static_cast<std::size_t>(j), i, graph);  // dep before user
    }
  }
  ServiceOrder out;
  std::vector<int> component(services.size());
  const int components = boost::strong_components(graph, component.data());
  if (static_cast<std::size_t>(components) != services.size() || [&] {
        for (std::size_t i = 0; i < services.size(); ++i) {
          if (boost::edge(i, i, graph).second) return true;
        }
        return false;
      }()) {
    std::vector<int> size(static_cast<std::size_t>(components), 0);
    for (int c : component) ++size[static_cast<std::size_t>(c)];
    for (std::size_t i = 0; i < services.size(); ++i) {
      const bool self_loop = boost::edge(i, i, graph).second;
      if (size[static_cast<std::size_t>(component[i])] > 1 || self_loop) {
        out.cycle.push_back(static_cast<int>(i));
      }
    }
    return out;
  }
  std::vector<std::size_t> reversed;
  boost::topological_sort(graph, std::back_inserter(reversed));
  for (auto it = reversed.rbegin(); it != reversed.rend(); ++it) {
    out.order.push_back(static_cast<int>(*it));
  }
  return out;
}

}  // namespace clawsim
