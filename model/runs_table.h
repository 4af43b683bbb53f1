// What `scenario --runs` keeps of each run, in columns: its seed, each expectation's status and
// each metric's value (a few bytes a run and measure), so that memory grows by bytes, not by
// kilobytes, with the runs. Distributions, counts and reports are computed from it. Pure.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "model/runner.h"

namespace clawsim {

class RunsTable {
 public:
  // A metric a run did not measure.
  static constexpr DurationMs kNotMeasured = std::numeric_limits<DurationMs>::min();

  RunsTable() = default;
  explicit RunsTable(const std::vector<RunResult>& runs);

  // Runs are added in seed order; every run of one table is of the same scenario (the first
  // run names it, its expectations and why each may fail).
  void add(const RunResult& run);

  struct Expectation {
    std::string name;
    std::string why;  // why the plan is known to fail it ("" if it is not)
  };

  std::size_t size() const { return seeds_.size(); }
  bool empty() const { return seeds_.empty(); }
  const std::string& scenario() const { return scenario_; }
  const std::string& description() const { return description_; }
  const std::string& plan_name() const { return plan_name_; }
  const std::string& plan_digest() const { return plan_digest_; }
  const std::vector<std::uint64_t>& seeds() const { return seeds_; }
  const std::vector<Expectation>& expectations() const { return expectations_; }
  // Whether expectation e held in run i, and whether the plan declares it a known failure.
  bool holds(std::size_t run, std::size_t e) const { return (status(run, e) & kHolds) != 0; }
  bool known_failure(std::size_t run, std::size_t e) const { return (status(run, e) & kKnown) != 0; }
  Outcome outcome(std::size_t run) const;
  // Each metric's value in every run (kNotMeasured where it was not), by metric name.
  const std::map<std::string, std::vector<DurationMs>>& metrics() const { return metrics_; }

 private:
  static constexpr std::uint8_t kHolds = 1, kKnown = 2;
  std::uint8_t status(std::size_t run, std::size_t e) const { return statuses_[run * expectations_.size() + e]; }

  std::string scenario_, description_, plan_name_, plan_digest_;
  std::vector<Expectation> expectations_;
  std::vector<std::uint64_t> seeds_;
  std::vector<std::uint8_t> statuses_;  // run-major: run i's expectations at i * expectations
  std::map<std::string, std::vector<DurationMs>> metrics_;
};

}  // namespace clawsim
