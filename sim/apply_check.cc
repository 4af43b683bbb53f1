#include "sim/apply_check.h"

#include <algorithm>
#include <memory>

#include "model/change.h"
#include "sim/fault_sweep.h"

namespace clawsim {

PlanGate gate_plan(const std::shared_ptr<const Plan>& plan, const std::vector<std::string>& accept, int jobs) {
  PlanGate g;
  std::vector<bool> used(accept.size(), false);
  auto accepted = [&](const std::string& name) {
    const auto it = std::find(accept.begin(), accept.end(), name);
    if (it == accept.end()) return false;
    used[static_cast<std::size_t>(it - accept.begin())] = true;
    return true;
  };
  for (const Finding& f : lint_plan(*plan)) {
    if (f.waived) continue;
    if (f.severity == Severity::kWarning) ++g.warnings;
    if (f.severity != Severity::kError) continue;
    g.errors.push_back(f);
    (accepted(f.rule) ? g.accepted : g.blocking).push_back(f.rule + ": " + f.message);
  }
  SweepSettings settings;
  settings.jobs = jobs;
  for (const Objective& o : plan->objectives) settings.depth = std::max(settings.depth, o.depth);
  const SweepResult sweep = sweep_faults(plan, settings);
  for (const ObjectiveVerdict& v : judge_objectives(*plan, sweep)) {
    if (v.holds) continue;
    g.failed.push_back(v);
    const std::string first = v.failures.empty() ? "judged on no fault" : v.failures.front();
    (accepted(v.name) ? g.accepted : g.blocking).push_back("objective '" + v.name + "': " + first);
  }
  for (std::size_t i = 0; i < accept.size(); ++i) {
    if (!used[i]) g.unused_accepts.push_back(accept[i]);
  }
  return g;
}

std::string ApplyPrediction::refusal() const {
  std::vector<std::string> why;
  if (replay.refused_steps() > 0) {
    why.push_back("the model predicts Docker refuses " + std::to_string(replay.refused_steps()) + " step(s)");
  }
  if (replay.quorum_ever_lost()) why.push_back("the model predicts a quorum loss on the way");
  for (const std::string& l : replay.lost_services()) why.push_back("down at the end: " + l);
  if (replay.new_errors() > 0) {
    why.push_back(std::to_string(replay.new_errors()) + " new validate error(s) on the way");
  }
  std::string out;
  for (const std::string& w : why) out += (out.empty() ? "" : "; ") + w;
  return out;
}

ApplyPrediction predict_apply(const Plan& plan, const ClusterState& observed,
                              const std::vector<ObservedFirewall>& firewalls, std::string& error,
                              std::uint64_t seed) {
  ApplyPrediction p{plan_as_observed(plan, observed, firewalls), converge(plan, observed), {}};
  if (p.todo.steps.empty()) return p;
  std::string text;
  for (const ConvergeStep& s : p.todo.steps) text += "docker " + s.docker_args + "\n";
  const Result<ChangeSet> change = parse_change(text, "converge", p.start.plan);
  if (!change) {
    error = "the converging steps do not read as a change: " + change.error().to_string();
    return p;
  }
  ReplaySettings settings;
  settings.seed = seed;
  p.replay = replay_change(std::make_shared<const Plan>(p.start.plan), change.value(), settings);
  return p;
}

}  // namespace clawsim
