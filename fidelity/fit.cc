#include "fidelity/fit.h"

#include "model/runner.h"

namespace clawsim {

std::string Knob::text(DurationMs value) const {
  if (count) return std::to_string(value);
  if (value % 1000 == 0) return std::to_string(value / 1000) + "s";
  return std::to_string(value) + "ms";
}

const std::vector<Knob>& fit_knobs() {
  static const std::vector<Knob> knobs = {
      {"raft", "election_tick", true, {3, 5, 7, 10, 15, 20, 30},
       [](const Plan& p) -> DurationMs { return p.raft.election_tick; },
       [](Plan& p, DurationMs v) { p.raft.election_tick = static_cast<int>(v); }},
      {"raft", "heartbeat_tick", true, {1, 2, 3},
       [](const Plan& p) -> DurationMs { return p.raft.heartbeat_tick; },
       [](Plan& p, DurationMs v) { p.raft.heartbeat_tick = static_cast<int>(v); }},
      {"raft", "transport_backoff_max", false, {1'000, 2'000, 4'000, 8'000, 16'000, 30'000},
       [](const Plan& p) { return p.raft.transport_backoff_max_ms; },
       [](Plan& p, DurationMs v) { p.raft.transport_backoff_max_ms = v; }},
      {"dispatcher", "heartbeat_period", false, {2'000, 3'000, 5'000, 7'000, 10'000, 15'000, 20'000},
       [](const Plan& p) { return p.dispatcher.heartbeat_period_ms; },
       [](Plan& p, DurationMs v) { p.dispatcher.heartbeat_period_ms = v; }},
      {"dispatcher", "grace_multiplier", true, {2, 3, 4, 5},
       [](const Plan& p) -> DurationMs { return p.dispatcher.grace_multiplier; },
       [](Plan& p, DurationMs v) { p.dispatcher.grace_multiplier = static_cast<int>(v); }},
      {"dispatcher", "unknown_grace_multiplier", true, {3, 4, 6, 8, 10},
       [](const Plan& p) -> DurationMs { return p.dispatcher.unknown_grace_multiplier; },
       [](Plan& p, DurationMs v) { p.dispatcher.unknown_grace_multiplier = static_cast<int>(v); }},
      {"world", "link_latency", false, {1, 5, 20, 100},
       [](const Plan& p) { return p.world.link_latency_ms; },
       [](Plan& p, DurationMs v) { p.world.link_latency_ms = v; }},
      {"world", "container_start", false, {250, 500, 1'000, 2'000, 3'000, 5'000},
       [](const Plan& p) { return p.world.container_start_ms; },
       [](Plan& p, DurationMs v) { p.world.container_start_ms = v; }},
      {"world", "agent_reconnect", false, {250, 500, 1'000, 2'000, 4'000},
       [](const Plan& p) { return p.world.agent_reconnect_ms; },
       [](Plan& p, DurationMs v) { p.world.agent_reconnect_ms = v; }},
      {"world", "promote_join", false, {1'000, 2'000, 5'000, 10'000},
       [](const Plan& p) { return p.world.promote_join_ms; },
       [](Plan& p, DurationMs v) { p.world.promote_join_ms = v; }},
      {"world", "api_no_leader_fast_fail_ticks", true, {2, 5, 10, 20},
       [](const Plan& p) -> DurationMs { return p.world.api_no_leader_fast_fail_ticks; },
       [](Plan& p, DurationMs v) { p.world.api_no_leader_fast_fail_ticks = static_cast<int>(v); }},
  };
  return knobs;
}

// The parser's cross-field rules (model/plan_yaml.cc) for the parameters above.
bool fit_plan_valid(const Plan& plan) {
  return plan.raft.heartbeat_tick < plan.raft.election_tick &&
         plan.dispatcher.heartbeat_epsilon_ms < plan.dispatcher.heartbeat_period_ms;
}

FitScore fit_score(const std::vector<std::vector<MeasureFidelity>>& drills) {
  FitScore s;
  for (const std::vector<MeasureFidelity>& measures : drills) {
    for (const MeasureFidelity& f : measures) {
      for (const Observation& o : f.observed) {
        s.outside += o.in_window ? 0 : 1;
        s.out_of_band += o.in_band ? 0 : 1;
      }
      s.ks += f.ks;
    }
  }
  return s;
}

bool fit_better(const FitScore& a, const FitScore& b) {
  if (a.outside != b.outside) return a.outside < b.outside;
  if (a.out_of_band != b.out_of_band) return a.out_of_band < b.out_of_band;
  return a.ks < b.ks;
}

std::vector<std::string> outside_observations(const std::vector<std::string>& drill_names,
                                              const std::vector<std::vector<MeasureFidelity>>& drills) {
  std::vector<std::string> out;
  for (std::size_t d = 0; d < drills.size(); ++d) {
    for (const MeasureFidelity& f : drills[d]) {
      for (const Observation& o : f.observed) {
        if (!o.in_window) {
          out.push_back(drill_names[d] + " " + f.metric + " trial " + std::to_string(o.trial) + " (" +
                        (o.measured ? format_measured(o.value, o.low, o.high) : "not measured") + ")");
        }
      }
    }
  }
  return out;
}

}  // namespace clawsim
