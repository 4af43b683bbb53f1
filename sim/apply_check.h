// What `clawsim live apply` asks the model before it touches a cluster: the plan's own verdict
// (the static rules and the objectives of `validate`), and the converging steps replayed as a
// change on the cluster as observed, each with Docker's predicted answer, the quorum margin and
// what is down. Pure and deterministic: the same plan, observation and seed give the same
// answer.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "model/lint.h"
#include "model/observed_plan.h"
#include "model/plan_diff.h"
#include "model/validation.h"
#include "sim/change_replay.h"

namespace clawsim {

// The plan judged as `validate` judges it. An error or a failed objective blocks an apply
// unless the plan waives it or the operator accepts it by name (a rule id, or an objective's
// name).
struct PlanGate {
  std::vector<Finding> errors;                // unwaived errors, accepted or not
  int warnings = 0;
  std::vector<ObjectiveVerdict> failed;       // objectives that do not hold
  std::vector<std::string> blocking;          // "rule-id: message" / "objective NAME: failure"
  std::vector<std::string> accepted;          // the same, accepted by the operator
  std::vector<std::string> unused_accepts;    // names given to accept that match nothing
  bool pass() const { return blocking.empty(); }
};

// The sweep runs on `jobs` threads (the verdict is the same whatever the number).
PlanGate gate_plan(const std::shared_ptr<const Plan>& plan, const std::vector<std::string>& accept, int jobs = 1);

struct ApplyPrediction {
  ObservedPlan start;   // the model's starting point: the cluster as observed
  ConvergePlan todo;    // the steps, in their order
  ChangeReport replay;  // the steps replayed on `start`
  // Why --execute must not run the steps ("" when it may): a refused step, a lost quorum, a
  // service left down, a new validate error, or a difference converge cannot close.
  std::string refusal() const;
};

// `error` is set (and the prediction empty) when the steps cannot be read as a change: a bug
// in converge, reported rather than run.
ApplyPrediction predict_apply(const Plan& plan, const ClusterState& observed,
                              const std::vector<ObservedFirewall>& firewalls, std::string& error,
                              std::uint64_t seed = 1);

}  // namespace clawsim
