// A snapshot of a cluster as `docker node ls`, `docker service ps` and the services' health
// would show it. The simulator builds it from its state; live mode parses it from Docker.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "model/time.h"

namespace clawsim {

struct NodeState {
  std::string name;
  std::string status;          // ready | down | unknown
  std::string availability;    // active | pause | drain
  std::string manager_status;  // Leader | Reachable | Unreachable | "" for a worker
  std::string role;            // manager | worker
  bool host_up = true;
  bool daemon_up = true;
  std::map<std::string, std::string> labels;
  std::string id;  // Docker's node ID ("" when not known)
};

struct TaskState {
  std::string service;
  int slot = 0;
  std::string node;     // "" while pending
  std::string state;    // pending | assigned | running | shutdown | rejected | failed
  std::string desired;  // running | shutdown
  std::string message;  // Docker's message, e.g. the "no suitable node (...)" reason
  bool container_running = false;
};

struct ServiceState {
  std::string name;
  bool up = false;
  std::string reason;  // why it is down
  std::vector<std::string> constraints;  // as the service's spec has them
  int replicas = -1;                     // -1 for a global service
  int serving = -1;                      // replicas that serve now; -1: not counted
};

struct ClusterState {
  TimeMs t_ms = 0;
  std::string leader;  // "" when there is none
  bool quorum = false;
  bool nfs_up = false;
  std::vector<NodeState> nodes;
  std::vector<TaskState> tasks;
  std::vector<ServiceState> services;
};

}  // namespace clawsim
