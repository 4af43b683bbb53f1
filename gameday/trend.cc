#include "gameday/trend.h"

#include <algorithm>

#include "model/runner.h"

namespace clawsim {

std::vector<MeasureRecord> compare_with_prediction(const RunResult& observed,
                                                   const std::vector<Distribution>& predicted) {
  std::vector<MeasureRecord> out;
  for (const auto& [name, value] : observed.metrics) {
    MeasureRecord m;
    m.metric = name;
    m.observed_ms = value;
    DurationMs low = value, high = value;
    if (const auto b = observed.bounds.find(name); b != observed.bounds.end()) {
      low = b->second.low;
      high = b->second.high;
      m.observed_low_ms = low;
      m.observed_high_ms = high;
    }
    const auto d = std::find_if(predicted.begin(), predicted.end(),
                                [&m](const Distribution& x) { return x.metric == m.metric; });
    if (d != predicted.end()) {
      m.predicted_min_ms = d->min;
      m.predicted_median_ms = d->median;
      m.predicted_max_ms = d->max;
      m.inside = high >= d->min && low <= d->max;
    }
    out.push_back(std::move(m));
  }
  return out;
}

namespace {

// Did the model expect the same of both runs: do their predicted windows overlap? A measure
// without a prediction is comparable with any.
bool predicted_alike(const MeasureRecord& a, const MeasureRecord& b) {
  if (!a.predicted_min_ms || !a.predicted_max_ms || !b.predicted_min_ms || !b.predicted_max_ms) return true;
  return *a.predicted_min_ms <= *b.predicted_max_ms && *b.predicted_min_ms <= *a.predicted_max_ms;
}

}  // namespace

std::vector<Trend> trends(const std::vector<RunRecord>& runs, const std::string& only_drill) {
  std::vector<Trend> out;
  if (runs.empty()) return out;
  const RunRecord& latest = runs.back();
  for (const DrillRecord& drill : latest.drills) {
    if (!only_drill.empty() && drill.drill != only_drill) continue;
    for (const MeasureRecord& m : drill.measures) {
      Trend t;
      t.drill = drill.drill;
      t.metric = m.metric;
      t.latest_ms = m.observed_ms;
      t.predicted_min_ms = m.predicted_min_ms;
      t.predicted_max_ms = m.predicted_max_ms;
      t.inside = m.inside;
      for (std::size_t i = runs.size() - 1; i-- > 0 && t.previous_ms.size() < kTrendRuns;) {
        for (const DrillRecord& d : runs[i].drills) {
          if (d.drill != drill.drill) continue;
          for (const MeasureRecord& p : d.measures) {
            if (p.metric == m.metric && predicted_alike(p, m)) t.previous_ms.insert(t.previous_ms.begin(), p.observed_ms);
          }
        }
      }
      if (!t.previous_ms.empty()) {
        std::vector<DurationMs> sorted = t.previous_ms;
        std::sort(sorted.begin(), sorted.end());
        t.previous_median_ms = sorted[(sorted.size() - 1) / 2];
      }
      if (!m.inside) {
        t.regression = "outside the model's window " + format_time(m.predicted_min_ms.value_or(0)) + ".." +
                       format_time(m.predicted_max_ms.value_or(0));
      } else if (t.previous_median_ms && t.previous_ms.size() >= kBaselineRuns) {
        const DurationMs median = *t.previous_median_ms;
        const DurationMs worse = t.latest_ms - median;
        if (worse >= kRegressionFloorMs && static_cast<double>(worse) > kRegressionMargin * static_cast<double>(median)) {
          t.regression = "worse than the median of the last " + std::to_string(t.previous_ms.size()) +
                         " runs (" + format_time(median) + ") by " + format_time(worse);
        }
      }
      out.push_back(std::move(t));
    }
  }
  return out;
}

}  // namespace clawsim
