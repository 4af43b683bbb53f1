#include "model/runs_table.h"

#include <cassert>

namespace clawsim {

RunsTable::RunsTable(const std::vector<RunResult>& runs) {
  for (const RunResult& r : runs) add(r);
}

void RunsTable::add(const RunResult& run) {
  if (seeds_.empty()) {
    scenario_ = run.scenario;
    description_ = run.description;
    plan_name_ = run.plan_name;
    plan_digest_ = run.plan_digest;
    for (const Verdict& v : run.verdicts) expectations_.push_back({v.name, v.why});
  }
  assert(run.verdicts.size() == expectations_.size());
  const std::size_t row = seeds_.size();
  seeds_.push_back(run.seed);
  for (std::size_t e = 0; e < expectations_.size(); ++e) {
    const Verdict* v = e < run.verdicts.size() ? &run.verdicts[e] : nullptr;
    statuses_.push_back(static_cast<std::uint8_t>((!v || v->holds ? kHolds : 0) | (v && v->known_failure ? kKnown : 0)));
  }
  for (const auto& [name, value] : run.metrics) {
    std::vector<DurationMs>& column = metrics_[name];
    column.resize(row, kNotMeasured);  // a metric first measured now was not before
    column.push_back(value);
  }
  for (auto& [name, column] : metrics_) column.resize(row + 1, kNotMeasured);
}

Outcome RunsTable::outcome(std::size_t run) const {
  Outcome out = Outcome::kPass;
  for (std::size_t e = 0; e < expectations_.size(); ++e) {
    if (holds(run, e)) continue;
    if (!known_failure(run, e)) return Outcome::kFail;
    out = Outcome::kKnownFailure;
  }
  return out;
}

}  // namespace clawsim
