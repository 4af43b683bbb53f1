// `clawsim live ...`: status, drill and recover against a real cluster over SSH.
#pragma once

#include <string>
#include <vector>

#include "gameday/records.h"
#include "live/audit.h"

namespace clawsim {

struct LiveArgs {
  std::vector<std::string> args;  // after "live"
  std::string inventory;
  std::string plan;          // "" = the default plan
  std::string journal;       // drill: where to write it; recover: what to read
  std::vector<std::string> allow;  // blast radius the operator accepts, e.g. "quorum-loss"
  std::vector<std::string> accept;  // apply: validate errors (rule ids) and objectives accepted
  std::string json;
  bool execute = false;  // apply: run the steps (default: print them)
  bool dry_run = false;  // drill: preflight and the commands that would run, no fault
  std::string log_file;  // drill, apply: the audit log (default: beside the journal)
  std::string report;    // drill: report.json, junit.xml and report.html in this directory
  AuditLevel log_level = AuditLevel::kNormal;  // -q, -v: what the audit log records
  int trials = 0;        // measure: how many times to run the drill
  std::string out;       // measure: the recording (JSON Lines) the trials are appended to
  bool seed_given = false;
  unsigned long long seed = 1;
};

int run_live(const LiveArgs& args);

// `live drill` for a game day: runs the drill `ref` with every safety of `live drill` and fills
// `record` (a preflight refusal included); returns the drill's exit code.
int run_live_drill(const LiveArgs& args, const std::string& ref, DrillRecord& record);

}  // namespace clawsim
