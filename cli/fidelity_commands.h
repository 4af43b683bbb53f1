// `clawsim fidelity RECORDING.jsonl`: the trials `live measure` recorded, each predicted again by
// the model from the cluster it met, and how the observations stand against the predictions.
#pragma once

#include <string>

namespace clawsim {

struct FidelityArgs {
  std::string recording;
  std::string plan;  // "" = each trial's recorded plan
  int seeds = 500;  // a live drill's prediction has kPredictionRuns (sim/sim_driver.h)
  int jobs = 0;  // threads for the model's runs (0: every core); the output is the same bytes
  std::string json;
  bool fit = false;  // also try one plan parameter at a time for the observations outside
};

// 0 every observation lies within its trial's window, 1 one does not; bad input throws UsageError.
int cmd_fidelity(const FidelityArgs& args);

}  // namespace clawsim
