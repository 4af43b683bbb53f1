#include "fidelity/compare.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace clawsim {

DurationMs percentile(const std::vector<DurationMs>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

double ks_statistic(std::vector<DurationMs> a, std::vector<DurationMs> b) {
  if (a.empty() || b.empty()) return 0;
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  std::size_t i = 0, j = 0;
  double d = 0;
  while (i < a.size() && j < b.size()) {
    const DurationMs x = std::min(a[i], b[j]);
    while (i < a.size() && a[i] == x) ++i;
    while (j < b.size() && b[j] == x) ++j;
    d = std::max(d, std::abs(static_cast<double>(i) / static_cast<double>(a.size()) -
                             static_cast<double>(j) / static_cast<double>(b.size())));
  }
  return d;
}

std::vector<MeasureFidelity> compare_trials(const std::vector<RunResult>& observed,
                                            const std::vector<std::vector<RunResult>>& predicted,
                                            const std::vector<int>& trial_numbers) {
  std::map<std::string, MeasureFidelity> by_metric;
  std::map<std::string, std::vector<DurationMs>> pooled, values;
  for (std::size_t i = 0; i < observed.size(); ++i) {
    for (const auto& [metric, value] : observed[i].metrics) {
      std::vector<DurationMs> model;
      for (const RunResult& r : predicted[i]) {
        if (const auto it = r.metrics.find(metric); it != r.metrics.end()) model.push_back(it->second);
      }
      std::sort(model.begin(), model.end());
      Observation o;
      o.trial = trial_numbers[i];
      o.value = o.low = o.high = value;
      if (const auto b = observed[i].bounds.find(metric); b != observed[i].bounds.end()) {
        o.low = b->second.low;
        o.high = b->second.high;
      }
      MeasureFidelity& f = by_metric[metric];
      f.metric = metric;
      if (!model.empty()) {
        o.window_min = model.front();
        o.window_max = model.back();
        o.band_low = percentile(model, 5);
        o.band_high = percentile(model, 95);
        o.in_window = o.high >= o.window_min && o.low <= o.window_max;
        o.in_band = o.high >= o.band_low && o.low <= o.band_high;
      }
      f.in_window += o.in_window ? 1 : 0;
      f.in_band += o.in_band ? 1 : 0;
      f.observed.push_back(o);
      pooled[metric].insert(pooled[metric].end(), model.begin(), model.end());
      values[metric].push_back(value);
    }
    // What every one of the model's runs measured and the trial did not.
    std::map<std::string, std::size_t> runs_measuring;
    for (const RunResult& r : predicted[i]) {
      for (const auto& [metric, value] : r.metrics) ++runs_measuring[metric];
    }
    for (const auto& [metric, n] : runs_measuring) {
      if (n < predicted[i].size() || observed[i].metrics.count(metric)) continue;
      std::vector<DurationMs> model;
      for (const RunResult& r : predicted[i]) model.push_back(r.metrics.at(metric));
      std::sort(model.begin(), model.end());
      Observation o;
      o.trial = trial_numbers[i];
      o.measured = false;
      o.window_min = model.front();
      o.window_max = model.back();
      o.band_low = percentile(model, 5);
      o.band_high = percentile(model, 95);
      MeasureFidelity& f = by_metric[metric];
      f.metric = metric;
      f.observed.push_back(o);
      pooled[metric].insert(pooled[metric].end(), model.begin(), model.end());
    }
  }
  std::vector<MeasureFidelity> out;
  for (auto& [metric, f] : by_metric) {
    std::vector<DurationMs>& model = pooled[metric];
    std::sort(model.begin(), model.end());
    f.model_runs = model.size();
    if (!model.empty()) {
      f.min = model.front();
      f.max = model.back();
      f.p5 = percentile(model, 5);
      f.median = percentile(model, 50);
      f.p95 = percentile(model, 95);
    }
    f.ks = ks_statistic(values[metric], model);
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace clawsim
