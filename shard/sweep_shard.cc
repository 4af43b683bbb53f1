#include "shard/sweep_shard.h"

#include <algorithm>
#include <cstdint>
#include <optional>

#include "model/report.h"

namespace clawsim {

namespace {

using Json = nlohmann::ordered_json;

// Every field of an outcome the report and the judging read; `applied` (the replay's
// timeline) is left out: `merge --emit-scenario` runs a row's fault set again for it.
Json outcome_json(const FaultOutcome& o) {
  Json downtime = Json::object();
  for (const auto& [service, ms] : o.downtime_ms) downtime[service] = ms;
  Json pct = Json::object();
  for (const auto& [service, share] : o.lowest_replicas_pct) pct[service] = share;
  Json lowest = Json::object();
  for (const auto& [service, text] : o.lowest_replicas) lowest[service] = text;
  return {{"faults", o.faults},
          {"kinds", o.kinds},
          {"involves", o.involves},
          {"refused", o.refused},
          {"quorum_before", o.quorum_before},
          {"quorum_lost", o.quorum_lost},
          {"quorum_lost_for_ms", o.quorum_lost_for_ms},
          {"downtime_ms", downtime},
          {"lowest_replicas_pct", pct},
          {"lowest_replicas", lowest},
          {"down_before", o.down_before},
          {"recovery_ms", o.recovery_ms ? Json(*o.recovery_ms) : Json(nullptr)},
          {"seed", o.seed}};
}

FaultOutcome outcome_from(const Json& j) {
  FaultOutcome o;
  o.faults = j.at("faults").get<std::vector<std::string>>();
  o.kinds = j.at("kinds").get<std::vector<std::string>>();
  o.involves = j.at("involves").get<std::vector<std::string>>();
  o.refused = j.at("refused").get<std::vector<std::string>>();
  o.quorum_before = j.at("quorum_before").get<bool>();
  o.quorum_lost = j.at("quorum_lost").get<bool>();
  o.quorum_lost_for_ms = j.at("quorum_lost_for_ms").get<DurationMs>();
  for (const auto& [service, ms] : j.at("downtime_ms").items()) o.downtime_ms[service] = ms.get<DurationMs>();
  for (const auto& [service, share] : j.at("lowest_replicas_pct").items()) o.lowest_replicas_pct[service] = share.get<double>();
  for (const auto& [service, text] : j.at("lowest_replicas").items()) o.lowest_replicas[service] = text.get<std::string>();
  o.down_before = j.at("down_before").get<std::vector<std::string>>();
  if (!j.at("recovery_ms").is_null()) o.recovery_ms = j.at("recovery_ms").get<DurationMs>();
  o.seed = j.at("seed").get<std::uint64_t>();
  return o;
}

Json settings_json(const SweepResult& s) {
  return {{"depth", s.depth},         {"seeds", s.seeds},           {"fault_at_ms", s.fault_at_ms},
          {"hold_ms", s.hold_ms},     {"horizon_ms", s.horizon_ms}, {"notes", s.notes}};
}

struct Slice {
  SliceIndex index;
  std::size_t total_sets = 0;
};

}  // namespace

nlohmann::ordered_json sweep_shard_json(const SweepResult& slice, const SweepIdentity& id, const Shard& s,
                                        std::size_t total_sets) {
  Json j;
  j["schema_version"] = kReportSchemaVersion;
  j["shard"] = {{"command", "validate"}, {"index", s.index}, {"count", s.count},
                {"fault_sets", total_sets}};
  j["plan"] = {{"name", id.plan_name}, {"file", id.plan_file}, {"digest", id.plan_digest}};
  j["sweep"] = settings_json(slice);
  Json runs = Json::array();
  for (const std::vector<FaultOutcome>& set : slice.runs) {
    Json seeds = Json::array();
    for (const FaultOutcome& o : set) seeds.push_back(outcome_json(o));
    runs.push_back(std::move(seeds));
  }
  j["runs"] = std::move(runs);
  return j;
}

bool is_sweep_shard(const nlohmann::ordered_json& j) {
  return j.is_object() && j.contains("shard") && j["shard"].is_object() && j["shard"].value("command", "") == "validate";
}

Result<MergedSweep> merge_sweep_shards(const std::vector<NamedJson>& shards) {
  if (shards.empty()) return InputError{"", 0, "", "no slices to merge"};
  std::vector<Slice> slices;
  MergedSweep out;
  for (const NamedJson& s : shards) {
    const Json& j = s.json;
    try {
      if (!is_sweep_shard(j)) return InputError{s.file, 0, "shard", "not a slice of clawsim validate --shard"};
      if (j.at("schema_version").get<int>() != kReportSchemaVersion) {
        return InputError{s.file, 0, "schema_version", "version " + std::to_string(j.at("schema_version").get<int>()) +
                                                          "; this clawsim merges version " +
                                                          std::to_string(kReportSchemaVersion)};
      }
      const Json& sh = j.at("shard");
      const Slice slice{{&s, sh.at("index").get<int>(), sh.at("count").get<int>()},
                        sh.at("fault_sets").get<std::size_t>()};
      const SweepIdentity id{j.at("plan").at("name").get<std::string>(), j.at("plan").at("file").get<std::string>(),
                             j.at("plan").at("digest").get<std::string>()};
      if (slices.empty()) {
        out.id = id;
        const Json& sw = j.at("sweep");
        out.sweep.depth = sw.at("depth").get<int>();
        out.sweep.seeds = sw.at("seeds").get<std::vector<std::uint64_t>>();
        out.sweep.fault_at_ms = sw.at("fault_at_ms").get<DurationMs>();
        out.sweep.hold_ms = sw.at("hold_ms").get<DurationMs>();
        out.sweep.horizon_ms = sw.at("horizon_ms").get<DurationMs>();
        out.sweep.notes = sw.at("notes").get<std::vector<std::string>>();
      } else {
        const NamedJson& first = *slices.front().index.shard;
        auto differs = [&](const std::string& field, const std::string& a, const std::string& b) {
          return InputError{s.file, 0, field, "'" + b + "', but " + first.file + " has '" + a +
                                                  "': slices of different sweeps"};
        };
        if (id.plan_digest != out.id.plan_digest) return differs("plan.digest", out.id.plan_digest, id.plan_digest);
        if (j.at("sweep") != first.json.at("sweep")) {
          return differs("sweep", first.json.at("sweep").dump(), j.at("sweep").dump());
        }
        const Slice& one = slices.front();
        if (slice.index.count != one.index.count) {
          return differs("shard.count", std::to_string(one.index.count), std::to_string(slice.index.count));
        }
        if (slice.total_sets != one.total_sets) {
          return differs("shard.fault_sets", std::to_string(one.total_sets), std::to_string(slice.total_sets));
        }
      }
      slices.push_back(slice);
    } catch (const std::exception& e) {
      return InputError{s.file, 0, "", std::string("not a slice of clawsim validate: ") + e.what()};
    }
  }
  std::vector<SliceIndex> indices;
  for (const Slice& slice : slices) indices.push_back(slice.index);
  if (std::optional<InputError> wrong = slice_missing_or_repeated(indices)) return *wrong;
  std::sort(slices.begin(), slices.end(), [](const Slice& a, const Slice& b) { return a.index.index < b.index.index; });
  // Each slice's fault sets, read whole first; then dealt back: position i is slice i % N's
  // (i / N)th.
  std::vector<std::vector<std::vector<FaultOutcome>>> dealt;
  for (const Slice& slice : slices) {
    const NamedJson& file = *slice.index.shard;
    const std::size_t expected = fault_sets_in_slice(slice.total_sets, static_cast<std::size_t>(slice.index.index - 1),
                                                     static_cast<std::size_t>(slice.index.count));
    try {
      const Json& runs = file.json.at("runs");
      if (runs.size() != expected) {
        return InputError{file.file, 0, "runs", std::to_string(runs.size()) + " fault sets, but slice " +
                                                    std::to_string(slice.index.index) + " of " +
                                                    std::to_string(slice.index.count) + " of " +
                                                    std::to_string(slice.total_sets) + " has " + std::to_string(expected)};
      }
      std::vector<std::vector<FaultOutcome>>& sets = dealt.emplace_back();
      for (std::size_t i = 0; i < runs.size(); ++i) {
        const Json& set = runs[i];
        if (set.size() != out.sweep.seeds.size()) {
          return InputError{file.file, 0, "runs[" + std::to_string(i) + "]", "one outcome per seed expected: " +
                                                                                 std::to_string(out.sweep.seeds.size())};
        }
        std::vector<FaultOutcome>& outcomes = sets.emplace_back();
        for (const Json& o : set) outcomes.push_back(outcome_from(o));
      }
    } catch (const std::exception& e) {
      return InputError{file.file, 0, "runs", std::string("not a slice of clawsim validate: ") + e.what()};
    }
  }
  const std::size_t count = dealt.size();
  for (std::size_t i = 0; i < slices.front().total_sets; ++i) {
    out.sweep.add_fault_set(std::move(dealt[i % count][i / count]));
  }
  return out;
}

}  // namespace clawsim
