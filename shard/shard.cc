#include "shard/shard.h"

#include <algorithm>
#include <charconv>
#include <map>

#include "model/report.h"

namespace clawsim {

Result<Shard> parse_shard(std::string_view text) {
  auto bad = [&](const std::string& message) {
    return InputError{"", 0, "--shard", "'" + std::string(text) + "': " + message};
  };
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) return bad("expected K/N, e.g. 2/8");
  Shard s;
  const auto number = [](std::string_view t, int& out) {
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
    return ec == std::errc() && end == t.data() + t.size() && !t.empty();
  };
  if (!number(text.substr(0, slash), s.index) || !number(text.substr(slash + 1), s.count)) {
    return bad("expected K/N, two whole numbers");
  }
  if (s.count < 1 || s.index < 1 || s.index > s.count) return bad("K must be from 1 to N");
  return s;
}

std::pair<std::size_t, std::size_t> shard_range(const Shard& s, std::size_t total) {
  const auto n = static_cast<std::size_t>(s.count);
  const auto k = static_cast<std::size_t>(s.index - 1);
  return {total * k / n, total * (k + 1) / n};
}

nlohmann::ordered_json runs_json(const RunsTable& runs, const RunsIdentity& id) {
  nlohmann::ordered_json j = distributions_json(runs);
  j["scenario"] = id.scenario;
  j["plan"] = {{"name", id.plan_name}, {"digest", id.plan_digest}};
  return j;
}

nlohmann::ordered_json shard_json(const RunsTable& runs, const RunsIdentity& id, const Shard& s,
                                  std::size_t total, std::uint64_t first_seed) {
  nlohmann::ordered_json j = runs_json(runs, id);
  j["shard"] = {{"index", s.index}, {"count", s.count}, {"runs", total}, {"first_seed", first_seed}};
  nlohmann::ordered_json statuses = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < runs.size(); ++i) {
    nlohmann::ordered_json one = nlohmann::ordered_json::array();
    for (std::size_t e = 0; e < runs.expectations().size(); ++e) {
      Verdict v;
      v.holds = runs.holds(i, e);
      v.known_failure = runs.known_failure(i, e);
      one.push_back(verdict_label(v));
    }
    statuses.push_back(std::move(one));
  }
  j["statuses"] = std::move(statuses);
  return j;
}

namespace {

// One slice's runs, rebuilt from its JSON.
Result<std::vector<RunResult>> slice_runs(const NamedJson& shard, const RunsIdentity& id) {
  const nlohmann::ordered_json& j = shard.json;
  std::vector<RunResult> runs;
  std::vector<std::string> names;
  for (const auto& [name, e] : j.at("expectations").items()) names.push_back(name);
  const auto& seeds = j.at("seeds");
  const auto& statuses = j.at("statuses");
  if (statuses.size() != seeds.size()) {
    return InputError{shard.file, 0, "statuses", "one per seed expected: " + std::to_string(seeds.size())};
  }
  for (std::size_t i = 0; i < seeds.size(); ++i) {
    RunResult r;
    r.scenario = id.scenario;
    r.plan_name = id.plan_name;
    r.plan_digest = id.plan_digest;
    r.seed = seeds[i].get<std::uint64_t>();
    if (statuses[i].size() != names.size()) {
      return InputError{shard.file, 0, "statuses[" + std::to_string(i) + "]", "one per expectation expected"};
    }
    for (std::size_t e = 0; e < names.size(); ++e) {
      const std::string status = statuses[i][e].get<std::string>();
      if (status != "PASS" && status != "FAIL" && status != "XFAIL" && status != "XPASS") {
        return InputError{shard.file, 0, "statuses[" + std::to_string(i) + "]", "unknown status '" + status + "'"};
      }
      Verdict v;
      v.name = names[e];
      v.holds = status == "PASS" || status == "XPASS";
      v.known_failure = status[0] == 'X';
      r.verdicts.push_back(std::move(v));
    }
    runs.push_back(std::move(r));
  }
  for (const auto& [metric, d] : j.at("metrics").items()) {
    const auto& values = d.at("values");
    if (values.size() != runs.size()) {
      return InputError{shard.file, 0, "metrics." + metric + ".values", "one per seed expected"};
    }
    for (std::size_t i = 0; i < runs.size(); ++i) {
      if (!values[i].is_null()) runs[i].metrics[metric] = values[i].get<DurationMs>();
    }
  }
  return runs;
}

}  // namespace

std::optional<InputError> slice_missing_or_repeated(std::vector<SliceIndex> slices) {
  if (slices.empty()) return InputError{"", 0, "", "no slices to merge"};
  std::sort(slices.begin(), slices.end(), [](const SliceIndex& a, const SliceIndex& b) { return a.index < b.index; });
  for (std::size_t i = 1; i < slices.size(); ++i) {
    if (slices[i].index == slices[i - 1].index) {
      return InputError{slices[i].shard->file, 0, "shard.index", "slice " + std::to_string(slices[i].index) +
                                                                     " is also " + slices[i - 1].shard->file};
    }
  }
  const int count = slices.front().count;
  for (int k = 1; k <= count; ++k) {
    const auto at = static_cast<std::size_t>(k - 1);
    if (at >= slices.size() || slices[at].index != k) {
      std::string given;
      for (const SliceIndex& slice : slices) given += (given.empty() ? "" : ", ") + slice.shard->file;
      return InputError{slices.front().shard->file, 0, "shard.index",
                        "slice " + std::to_string(k) + " of " + std::to_string(count) + " is missing (given: " + given + ")"};
    }
  }
  return std::nullopt;
}

Result<MergedRuns> merge_shards(const std::vector<NamedJson>& shards) {
  if (shards.empty()) return InputError{"", 0, "", "no slices to merge"};
  struct Slice {
    const NamedJson* shard;
    int index, count;
    std::size_t total;
    std::uint64_t first_seed;
  };
  std::vector<Slice> slices;
  MergedRuns out;
  for (const NamedJson& s : shards) {
    const nlohmann::ordered_json& j = s.json;
    try {
      if (!j.is_object() || !j.contains("shard")) {
        return InputError{s.file, 0, "shard", "missing: not a slice of clawsim scenario --runs --shard"};
      }
      if (j.at("schema_version").get<int>() != kReportSchemaVersion) {
        return InputError{s.file, 0, "schema_version", "version " + std::to_string(j.at("schema_version").get<int>()) +
                                                          "; this clawsim merges version " +
                                                          std::to_string(kReportSchemaVersion)};
      }
      const RunsIdentity id{j.at("scenario").get<std::string>(), j.at("plan").at("name").get<std::string>(),
                            j.at("plan").at("digest").get<std::string>()};
      const auto& sh = j.at("shard");
      const Slice slice{&s, sh.at("index").get<int>(), sh.at("count").get<int>(), sh.at("runs").get<std::size_t>(),
                        sh.at("first_seed").get<std::uint64_t>()};
      if (slices.empty()) {
        out.id = id;
      } else {
        const Slice& first = slices.front();
        auto differs = [&](const std::string& field, const std::string& a, const std::string& b) {
          return InputError{s.file, 0, field, "'" + b + "', but " + first.shard->file + " has '" + a +
                                                  "': slices of different runs"};
        };
        if (id.scenario != out.id.scenario) return differs("scenario", out.id.scenario, id.scenario);
        if (id.plan_digest != out.id.plan_digest) return differs("plan.digest", out.id.plan_digest, id.plan_digest);
        if (slice.count != first.count) return differs("shard.count", std::to_string(first.count), std::to_string(slice.count));
        if (slice.total != first.total) return differs("shard.runs", std::to_string(first.total), std::to_string(slice.total));
        if (slice.first_seed != first.first_seed) {
          return differs("shard.first_seed", std::to_string(first.first_seed), std::to_string(slice.first_seed));
        }
      }
      slices.push_back(slice);
    } catch (const std::exception& e) {
      return InputError{s.file, 0, "", std::string("not a slice of clawsim scenario --runs: ") + e.what()};
    }
  }
  std::vector<SliceIndex> indices;
  for (const Slice& slice : slices) indices.push_back({slice.shard, slice.index, slice.count});
  if (std::optional<InputError> wrong = slice_missing_or_repeated(indices)) return *wrong;
  std::sort(slices.begin(), slices.end(), [](const Slice& a, const Slice& b) { return a.index < b.index; });
  for (const Slice& slice : slices) {
    Result<std::vector<RunResult>> runs = [&]() -> Result<std::vector<RunResult>> {
      try {
        return slice_runs(*slice.shard, out.id);
      } catch (const std::exception& e) {
        return InputError{slice.shard->file, 0, "", std::string("not a slice of clawsim scenario --runs: ") + e.what()};
      }
    }();
    if (!runs) return runs.error();
    // The slice holds the seeds shard_range gives it, and nothing else.
    const auto [first, last] = shard_range(Shard{slice.index, slice.count}, slice.total);
    std::vector<RunResult>& got = runs.value();
    bool expected = got.size() == last - first;
    for (std::size_t i = 0; expected && i < got.size(); ++i) expected = got[i].seed == slice.first_seed + first + i;
    if (!expected) {
      return InputError{slice.shard->file, 0, "seeds", "not the seeds of slice " + std::to_string(slice.index) + " of " +
                                                           std::to_string(slice.count)};
    }
    for (const RunResult& r : got) out.runs.add(r);
  }
  return out;
}

}  // namespace clawsim
