// `clawsim validate` and `clawsim check-change`: judging a plan, and a change to it, before
// anyone touches the cluster.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "shard/shard.h"

namespace clawsim {

struct PlanArgs {
  std::string plan;         // "" = the embedded default plan
  std::string change;       // check-change: the change file
  std::string json;         // write the report as JSON here ("-" = standard output)
  std::string sarif;        // validate: write SARIF here
  std::string report;       // validate: write report.json and junit.xml in this directory
  std::string then_scenario;  // check-change: a scenario to run on the end state
  int depth = 1;
  int seeds = 5;
  int jobs = 1;             // validate: sweep runs at once
  int top = 0;              // validate: show the N worst rows (0: the default view)
  std::string only;         // validate: one fault kind's rows, or one objective's
  std::string emit_scenario;  // validate: write the scenario replaying each row shown here
  std::string shard;        // validate: "K/N", sweep slice K of N of the fault sets
  std::uint64_t seed = 1;
  bool static_only = false;
  bool list_rules = false;
  bool verbose = false;
  bool quiet = false;  // no progress display
};

int cmd_validate(const PlanArgs& args);
int cmd_check_change(const PlanArgs& args);
// clawsim merge of validate's slices: the report validate would have written, from them and the
// plan they swept (args.plan); the same outputs and views as validate.
int cmd_merge_validate(const std::vector<NamedJson>& slices, const PlanArgs& args);

}  // namespace clawsim
