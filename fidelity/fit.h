// `clawsim fidelity --fit`: which one plan parameter, changed, brings recorded observations the
// model's windows miss inside them. The parameters are those a cluster can differ in from the
// testbed (its Raft and dispatcher settings, its network and its hosts' speed), each with the
// values tried; a candidate is scored by how many observations stay outside its windows, then
// outside its 5-95% bands, then by how far apart the observed and the model's distributions
// are (the Kolmogorov-Smirnov D, summed over the measures). Pure.
#pragma once

#include <string>
#include <vector>

#include "fidelity/compare.h"
#include "model/plan.h"

namespace clawsim {

struct Knob {
  std::string section, key;  // where it is written in a plan: `section: {key: value}`
  bool count = false;        // a number of ticks or a multiplier, not a duration
  std::vector<DurationMs> values;  // tried, in this order
  DurationMs (*get)(const Plan&) = nullptr;
  void (*set)(Plan&, DurationMs) = nullptr;
  std::string name() const { return section + "." + key; }
  std::string text(DurationMs value) const;  // "7s", "250ms", "3"
};

// Every parameter --fit tries, in the order it tries them.
const std::vector<Knob>& fit_knobs();
// Whether `plan` with one parameter changed is still a plan the parser would accept.
bool fit_plan_valid(const Plan& plan);

struct FitScore {
  int outside = 0;       // observations outside their trial's window
  int out_of_band = 0;   // ... outside its 5-95% band
  double ks = 0;         // Kolmogorov-Smirnov D, summed over every measure
};
FitScore fit_score(const std::vector<std::vector<MeasureFidelity>>& drills);
// Fewer outside the windows first, then fewer outside the bands, then the smaller D.
bool fit_better(const FitScore& a, const FitScore& b);

// An observation outside its window: "drill metric trial N".
std::vector<std::string> outside_observations(const std::vector<std::string>& drill_names,
                                              const std::vector<std::vector<MeasureFidelity>>& drills);

}  // namespace clawsim
