// A run as Markdown, for a pull-request comment: the verdict, the expectations and the measured
// durations (beside the model's window for a live drill). Pure formatting.
#pragma once

#include <string>
#include <vector>

#include "model/report.h"
#include "model/runner.h"

namespace clawsim {

std::string markdown_report(const RunResult& run, const std::vector<Distribution>& prediction = {});

}  // namespace clawsim
