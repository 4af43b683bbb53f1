// `validate --shard K/N` sweeps one slice of the fault sets (singles, then pairs), dealt round;
// `clawsim merge` puts the slices back together into the sweep one process would have run, and
// the objectives are judged on it as `validate` judges them. A slice keeps every seed's outcome
// of each of its fault sets, which the judging needs (the report shows only the worst). Pure:
// JSON in, JSON out.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/error.h"
#include "model/validation.h"
#include "shard/shard.h"

namespace clawsim {

// What a validate slice's JSON says it is a slice of.
struct SweepIdentity {
  std::string plan_name, plan_file, plan_digest;
};

// The slice's JSON: `shard` {command: "validate", index, count, fault_sets (of the whole sweep)},
// the plan, the sweep's settings and notes, and `runs`: per fault set of the slice (positions
// index-1, index-1+count, ... of the whole sweep's), every seed's outcome.
nlohmann::ordered_json sweep_shard_json(const SweepResult& slice, const SweepIdentity& id, const Shard& s,
                                        std::size_t total_sets);

// Is this JSON a slice of validate (not of scenario --runs)?
bool is_sweep_shard(const nlohmann::ordered_json& j);

struct MergedSweep {
  SweepIdentity id;
  SweepResult sweep;  // every slice's fault sets, in order; each one's worst seed picked again
};
// Every slice of one sweep, each once, in any order; errors name the file and the field.
Result<MergedSweep> merge_sweep_shards(const std::vector<NamedJson>& shards);

}  // namespace clawsim
