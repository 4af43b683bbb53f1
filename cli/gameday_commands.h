// `clawsim gameday run|schedule|history FILE`: scheduled drills with a history, a trend and
// notifications.
#pragma once

#include <string>
#include <vector>

#include "live/audit.h"

namespace clawsim {

struct GameDayArgs {
  std::vector<std::string> args;  // after "gameday": the subcommand and the file
  std::string argv0;              // how clawsim was called, for the schedule's command line
  bool simulate = false;          // run: in the model only
  bool now = false;               // run: ignore the window and the blackouts
  std::string report;             // run: write report.json here
  std::string output;             // schedule: where the units go
  std::string drill;              // history: only this drill
  std::string json;               // history: the runs and the trend as JSON ("-": standard output)
  AuditLevel log_level = AuditLevel::kNormal;  // run: what each drill's audit log records (-q, -v)
};

int cmd_gameday(const GameDayArgs& args);

}  // namespace clawsim
