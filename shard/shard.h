// Past one machine: `--shard K/N` runs one deterministic slice of `scenario --runs`, and
// `clawsim merge` puts the slices' JSON back together into exactly what one process would have
// written. A slice is a contiguous range of the seeds, so merging is concatenating in order. The
// slice's JSON is the --runs JSON of its own runs, with `shard` (which slice of what) and each
// run's expectation statuses, which the summary alone does not keep. Pure: JSON in, JSON out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/error.h"
#include "model/runner.h"
#include "model/runs_table.h"

namespace clawsim {

struct Shard {
  int index = 1;  // 1-based, as written: K of K/N
  int count = 1;  // N
};

// "K/N" with 1 <= K <= N; else an error naming what is wrong.
Result<Shard> parse_shard(std::string_view text);
// The runs [first, last) of `total` that shard `s` takes: contiguous, in order, their sizes
// differing by at most one.
std::pair<std::size_t, std::size_t> shard_range(const Shard& s, std::size_t total);

// What `scenario --runs` writes as JSON for `runs` (in seed order).
struct RunsIdentity {
  std::string scenario, plan_name, plan_digest;
};
nlohmann::ordered_json runs_json(const RunsTable& runs, const RunsIdentity& id);

// A slice's JSON: runs_json of its runs, with `shard` {index, count, runs (of the whole),
// first_seed (of the whole)} and `statuses`, each run's expectations' PASS/FAIL/XFAIL/XPASS.
nlohmann::ordered_json shard_json(const RunsTable& runs, const RunsIdentity& id, const Shard& s,
                                  std::size_t total, std::uint64_t first_seed);

struct NamedJson {
  std::string file;
  nlohmann::ordered_json json;
};
// A slice as merging sees it first: which of how many.
struct SliceIndex {
  const NamedJson* shard = nullptr;
  int index = 0, count = 0;
};
// Is each of slices 1..count there exactly once? The error names the file at fault.
std::optional<InputError> slice_missing_or_repeated(std::vector<SliceIndex> slices);

struct MergedRuns {
  RunsIdentity id;
  RunsTable runs;  // every slice's, in seed order
};
// Every slice of one --runs, each once, in any order; errors name the file and the field.
Result<MergedRuns> merge_shards(const std::vector<NamedJson>& shards);

}  // namespace clawsim
