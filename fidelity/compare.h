// How recorded trials of a drill stand against the model: per measure, the model's distribution
// over its runs of each trial (pooled over the trials), its 5th-95th percentile band, and each
// observation (with the interval its observations allow) inside the window of its own trial's
// runs or not, inside the band or not, and a two-sample Kolmogorov-Smirnov statistic between the
// observed values and the model's. Pure.
#pragma once

#include <string>
#include <vector>

#include "model/runner.h"
#include "model/time.h"

namespace clawsim {

struct Observation {
  int trial = 0;
  // false: the trial did not measure it (no new leader seen, say) while every one of the
  // model's runs of the trial did; such an observation lies outside.
  bool measured = true;
  DurationMs value = 0, low = 0, high = 0;  // low..high: what its observations allow
  DurationMs window_min = 0, window_max = 0;  // the model's, over this trial's runs
  DurationMs band_low = 0, band_high = 0;     // ... 5th and 95th percentiles
  bool in_window = false, in_band = false;    // the interval meets the window, the band
};

struct MeasureFidelity {
  std::string metric;
  std::size_t model_runs = 0;                             // pooled over the trials
  DurationMs min = 0, p5 = 0, median = 0, p95 = 0, max = 0;  // pooled
  std::vector<Observation> observed;                      // trial order
  int in_window = 0, in_band = 0;
  double ks = 0;  // sup |F_observed - F_model|, the observed values against the pooled model
};

// Nearest-rank percentile of sorted values (p in [0, 100]); 0 for none.
DurationMs percentile(const std::vector<DurationMs>& sorted, double p);
// The two-sample Kolmogorov-Smirnov statistic D of two samples (0 when either is empty).
double ks_statistic(std::vector<DurationMs> a, std::vector<DurationMs> b);

// `observed[i]` is trial i's run on the cluster, `predicted[i]` the model's runs of that trial.
// Measures in name order; a metric the model never measured for a trial counts as outside, and
// so does one every run of the model measured and the trial did not.
std::vector<MeasureFidelity> compare_trials(const std::vector<RunResult>& observed,
                                            const std::vector<std::vector<RunResult>>& predicted,
                                            const std::vector<int>& trial_numbers);

}  // namespace clawsim
