#include "report/html.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "report/markup.h"

namespace clawsim {

namespace {

constexpr int kWidth = 1100;
constexpr int kLabel = 190;
constexpr int kLane = 24;
constexpr int kAxis = 28;

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

struct Change1 {
  TimeMs t;
  std::string state, detail;
};

struct Lane {
  std::string label;
  std::string css;  // lane class: leader, quorum, node, service
  std::vector<Change1> changes;
};

std::string first_word(const std::string& detail) {
  const auto end = detail.find_first_of(" :(");
  return detail.substr(0, end);
}

// A colour for the leader lane by name (none: the "bad" colour).
std::string leader_colour(const std::string& name) {
  if (name == "none" || name.empty()) return "#d64545";
  static const char* kPalette[] = {"#3b7dd8", "#8e5bd6", "#2a9d8f", "#c27c0e", "#5a6b7b", "#b5489a"};
  std::size_t h = 0;
  for (char c : name) h = h * 31 + static_cast<unsigned char>(c);
  return kPalette[h % (sizeof kPalette / sizeof kPalette[0])];
}

std::string state_colour(const std::string& css, const std::string& state) {
  if (css == "leader") return leader_colour(state);
  if (state == "held" || state == "up" || state == "ready" || state == "active") return "#3aa657";
  if (state == "unknown" || state == "pause") return "#e0a100";
  if (state == "drain") return "#7d8fa3";
  return "#d64545";
}

std::vector<Lane> lanes_of(const RunResult& run) {
  std::vector<Lane> lanes = {{"leader", "leader", {}}, {"quorum", "quorum", {}}};
  std::map<std::string, std::size_t> node_lane, availability_lane, service_lane;
  std::vector<Lane> nodes, services;
  for (const Change& c : run.timeline) {
    if (c.kind == Aspect::kLeader) {
      lanes[0].changes.push_back({c.t_ms, c.detail.substr(0, c.detail.find(" (")), c.detail});
    } else if (c.kind == Aspect::kQuorum) {
      lanes[1].changes.push_back({c.t_ms, c.detail, c.detail});
    } else if (c.kind == Aspect::kNode || c.kind == Aspect::kAvailability) {
      auto& index = c.kind == Aspect::kNode ? node_lane : availability_lane;
      if (!index.count(c.subject)) {
        index[c.subject] = nodes.size();
        nodes.push_back({c.kind == Aspect::kNode ? c.subject : c.subject + " (availability)", "node", {}});
      }
      nodes[index[c.subject]].changes.push_back({c.t_ms, first_word(c.detail), c.detail});
    } else if (c.kind == Aspect::kService) {
      if (!service_lane.count(c.subject)) {
        service_lane[c.subject] = services.size();
        services.push_back({c.subject, "service", {}});
      }
      services[service_lane[c.subject]].changes.push_back({c.t_ms, first_word(c.detail), c.detail});
    }
  }
  std::stable_sort(nodes.begin(), nodes.end(), [](const Lane& a, const Lane& b) { return a.label < b.label; });
  lanes.insert(lanes.end(), nodes.begin(), nodes.end());
  lanes.insert(lanes.end(), services.begin(), services.end());
  return lanes;
}

std::string timeline_svg(const RunResult& run) {
  const std::vector<Lane> lanes = lanes_of(run);
  const double span = static_cast<double>(std::max<DurationMs>(run.duration_ms, 1));
  const double plot = kWidth - kLabel - 34;  // room for the last tick's label
  auto x = [&](TimeMs t) { return kLabel + plot * static_cast<double>(std::clamp<TimeMs>(t, 0, run.duration_ms)) / span; };
  const int height = kAxis + static_cast<int>(lanes.size()) * kLane + 10;
  std::string svg = "<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(kWidth) +
                    "\" height=\"" + std::to_string(height) + "\" viewBox=\"0 0 " + std::to_string(kWidth) + " " +
                    std::to_string(height) + "\" role=\"img\" aria-label=\"timeline\">\n";
  // Quorum lost: shaded across every lane.
  for (const Lane& l : lanes) {
    if (l.css != "quorum") continue;
    for (std::size_t i = 0; i < l.changes.size(); ++i) {
      if (l.changes[i].state != "lost") continue;
      const TimeMs end = i + 1 < l.changes.size() ? l.changes[i + 1].t : run.duration_ms;
      svg += "<rect class=\"no-quorum\" x=\"" + num(x(l.changes[i].t)) + "\" y=\"" + std::to_string(kAxis - 4) +
             "\" width=\"" + num(std::max(1.0, x(end) - x(l.changes[i].t))) + "\" height=\"" +
             std::to_string(static_cast<int>(lanes.size()) * kLane + 4) +
             "\" fill=\"#d64545\" opacity=\"0.08\"><title>no quorum</title></rect>\n";
    }
  }
  // Axis: a tick every tenth of the run.
  for (int k = 0; k <= 10; ++k) {
    const TimeMs t = run.duration_ms * k / 10;
    svg += "<line x1=\"" + num(x(t)) + "\" y1=\"" + std::to_string(kAxis - 6) + "\" x2=\"" + num(x(t)) + "\" y2=\"" +
           std::to_string(height - 6) + "\" stroke=\"#e3e6ea\"/>\n<text x=\"" + num(x(t)) + "\" y=\"14\" class=\"tick\">" +
           markup_escaped(format_time(t)) + "</text>\n";
  }
  for (std::size_t li = 0; li < lanes.size(); ++li) {
    const Lane& l = lanes[li];
    const int y = kAxis + static_cast<int>(li) * kLane;
    svg += "<g class=\"lane lane-" + l.css + "\" data-lane=\"" + markup_escaped(l.label) + "\">\n<text x=\"4\" y=\"" +
           std::to_string(y + 16) + "\" class=\"label\">" + markup_escaped(l.label) + "</text>\n";
    for (std::size_t i = 0; i < l.changes.size(); ++i) {
      const TimeMs from = l.changes[i].t;
      const TimeMs to = i + 1 < l.changes.size() ? l.changes[i + 1].t : run.duration_ms;
      if (to < from) continue;
      svg += "<rect class=\"segment\" x=\"" + num(x(from)) + "\" y=\"" + std::to_string(y + 3) + "\" width=\"" +
             num(std::max(1.0, x(to) - x(from))) + "\" height=\"" + std::to_string(kLane - 6) + "\" fill=\"" +
             state_colour(l.css, l.changes[i].state) + "\"><title>" + markup_escaped(l.label + ": " + l.changes[i].detail) +
             " (" + markup_escaped(format_time(from)) + " to " + markup_escaped(format_time(to)) + ")</title></rect>\n";
      if (l.css == "leader" && x(to) - x(from) > 60) {
        svg += "<text x=\"" + num(x(from) + 4) + "\" y=\"" + std::to_string(y + 16) + "\" class=\"inlabel\">" +
               markup_escaped(l.changes[i].state) + "</text>\n";
      }
    }
    svg += "</g>\n";
  }
  // Faults: a dashed line at each action, labelled.
  for (const Change& c : run.timeline) {
    if (c.kind != Aspect::kAction) continue;
    svg += "<g class=\"fault\"><line x1=\"" + num(x(c.t_ms)) + "\" y1=\"" + std::to_string(kAxis - 6) + "\" x2=\"" +
           num(x(c.t_ms)) + "\" y2=\"" + std::to_string(height - 6) +
           "\" stroke=\"#222\" stroke-dasharray=\"4 3\"/><title>" + markup_escaped(format_time(c.t_ms) + " " + c.subject + ": " + c.detail) +
           "</title></g>\n";
  }
  return svg + "</svg>\n";
}

// The model's window [min, max] with its median, and the observed value with the interval the
// observations allow, on one scale.
std::string window_svg(const Distribution& d, DurationMs observed, MetricBounds allowed, bool inside) {
  const double top = static_cast<double>(std::max({d.max, allowed.high, DurationMs{1}})) * 1.1;
  auto x = [&](DurationMs v) { return 6 + 288.0 * static_cast<double>(std::max<DurationMs>(v, 0)) / top; };
  const char* colour = inside ? "#3aa657" : "#d64545";
  std::string s = "<svg class=\"window\" xmlns=\"http://www.w3.org/2000/svg\" width=\"300\" height=\"22\">";
  s += "<rect x=\"" + num(x(d.min)) + "\" y=\"6\" width=\"" + num(std::max(1.0, x(d.max) - x(d.min))) +
       "\" height=\"10\" fill=\"#7d9cc4\"/>";
  s += "<line x1=\"" + num(x(d.median)) + "\" y1=\"4\" x2=\"" + num(x(d.median)) + "\" y2=\"18\" stroke=\"#24364b\"/>";
  s += "<line x1=\"" + num(x(allowed.low)) + "\" y1=\"11\" x2=\"" + num(x(allowed.high)) +
       "\" y2=\"11\" stroke=\"" + colour + "\" stroke-width=\"3\"/>";
  s += "<circle cx=\"" + num(x(observed)) + "\" cy=\"11\" r=\"5\" fill=\"" + colour + "\"/>";
  return s + "</svg>";
}

constexpr const char* kStyle = R"(
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#1d2733;max-width:1160px}
h1{font-size:20px;margin:0 0 4px} h2{font-size:16px;margin:24px 0 8px}
.meta{color:#56657a} code{background:#f2f4f7;padding:1px 4px;border-radius:3px}
.badge{display:inline-block;padding:2px 8px;border-radius:10px;color:#fff;font-weight:600}
.pass{background:#3aa657}.fail{background:#d64545}.known_failure{background:#e0a100}
table{border-collapse:collapse;width:100%} td,th{border-bottom:1px solid #e3e6ea;padding:5px 8px;text-align:left;vertical-align:top}
th{font-weight:600;color:#56657a}
.PASS,.XPASS{color:#2d8a47;font-weight:600}.FAIL{color:#c23434;font-weight:600}.XFAIL{color:#a87400;font-weight:600}
svg.timeline{border:1px solid #e3e6ea;border-radius:4px;background:#fff}
svg .label{font-size:12px;fill:#1d2733} svg .tick{font-size:10px;fill:#56657a;text-anchor:middle}
svg .inlabel{font-size:11px;fill:#fff} .legend span{display:inline-block;width:12px;height:12px;border-radius:2px;margin:0 4px 0 12px;vertical-align:-1px}
svg.histogram{border:1px solid #e3e6ea;border-radius:4px;background:#fff}
)";

std::string page_head(const std::string& title) {
  return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>clawsim: " + markup_escaped(title) +
         "</title><style>" + kStyle + "</style></head><body>\n";
}

constexpr const char* kTimelineLegend =
    "<h2>Timeline</h2>\n<p class=\"legend\"><span style=\"background:#3aa657\"></span>up / ready / quorum held"
    "<span style=\"background:#e0a100\"></span>unknown / paused<span style=\"background:#7d8fa3\"></span>drained"
    "<span style=\"background:#d64545\"></span>down / no leader / quorum lost; dashed: an action</p>\n";

// One measure over the runs: equal-width bins from its min to its max, the median marked.
std::string histogram_svg(const std::string& metric, const std::vector<DurationMs>& values, DurationMs median) {
  constexpr int kW = 560, kH = 120, kLeft = 8, kBottom = 20, kBins = 20;
  const Histogram hist = histogram(values, kBins);
  const DurationMs lo = hist.min, hi = hist.max;
  const int bins = static_cast<int>(hist.counts.size());
  const std::vector<std::size_t>& count = hist.counts;
  const std::size_t top = *std::max_element(count.begin(), count.end());
  const double plot = kW - 2 * kLeft, bar = plot / kBins;  // one value: one bar, mid-plot
  auto x = [&](DurationMs v) { return kLeft + (hi == lo ? plot / 2 : plot * static_cast<double>(v - lo) / static_cast<double>(hi - lo)); };
  std::string svg = "<svg class=\"histogram\" data-metric=\"" + markup_escaped(metric) +
                    "\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(kW) + "\" height=\"" +
                    std::to_string(kH) + "\" role=\"img\" aria-label=\"" + markup_escaped(metric) + " over the runs\">\n";
  for (int b = 0; b < bins; ++b) {
    const std::size_t n = count[static_cast<std::size_t>(b)];
    // A bin of one run in a thousand still shows.
    const double h = n == 0 ? 0 : std::max(2.0, (kH - kBottom - 8) * static_cast<double>(n) / static_cast<double>(top));
    const double left = bins == 1 ? kLeft + (plot - bar) / 2 : kLeft + bar * b;
    const DurationMs from = hist.from(static_cast<std::size_t>(b)), to = hist.to(static_cast<std::size_t>(b));
    svg += "<rect class=\"bin\" x=\"" + num(left + 1) + "\" y=\"" + num(kH - kBottom - h) + "\" width=\"" +
           num(std::max(1.0, bar - 2)) + "\" height=\"" + num(h) + "\" fill=\"#7d9cc4\"><title>" + std::to_string(n) +
           " run(s) from " + markup_escaped(format_time(from)) + " to " + markup_escaped(format_time(to)) + "</title></rect>\n";
  }
  svg += "<line x1=\"" + num(x(median)) + "\" y1=\"4\" x2=\"" + num(x(median)) + "\" y2=\"" + std::to_string(kH - kBottom) +
         "\" stroke=\"#24364b\" stroke-dasharray=\"3 2\"><title>median " + markup_escaped(format_time(median)) + "</title></line>\n";
  svg += "<text x=\"" + std::to_string(kLeft) + "\" y=\"" + std::to_string(kH - 5) + "\" class=\"tick\" style=\"text-anchor:start\">" +
         markup_escaped(format_time(lo)) + "</text><text x=\"" + std::to_string(kW - kLeft) + "\" y=\"" + std::to_string(kH - 5) +
         "\" class=\"tick\" style=\"text-anchor:end\">" + markup_escaped(format_time(hi)) + "</text>\n";
  return svg + "</svg>\n";
}

}  // namespace

std::string html_report(const HtmlReportInput& in) {
  const RunResult& r = *in.run;
  const std::string outcome = to_string(r.outcome());
  std::string out = page_head(r.scenario);
  out += "<h1>" + markup_escaped(r.scenario) + " <span class=\"badge " + outcome + "\">" + markup_escaped(verdict_text(r).substr(0, verdict_text(r).find(" ("))) +
         "</span></h1>\n<p>" + markup_escaped(r.description) + "</p>\n<p class=\"meta\">" + (in.live ? "live drill" : "simulated run") +
         " on plan <b>" + markup_escaped(r.plan_name) + "</b> (digest <code>" + markup_escaped(r.plan_digest) + "</code>)" +
         (in.live ? "" : ", seed " + std::to_string(r.seed)) + ", " + markup_escaped(format_time(r.duration_ms)) +
         "</p>\n<p class=\"meta\">reproduce: <code>" + markup_escaped(in.command) + "</code></p>\n";
  out += kTimelineLegend;
  out += timeline_svg(r);
  out += "<h2>Expectations</h2>\n<table><tr><th>verdict</th><th>expectation</th><th>seen</th></tr>\n";
  for (const Verdict& v : r.verdicts) {
    out += "<tr><td class=\"" + std::string(verdict_label(v)) + "\">" + verdict_label(v) + "</td><td>" + markup_escaped(v.name) +
           (v.why.empty() ? "" : "<br><small class=\"meta\">" + markup_escaped(v.why) + "</small>") + "</td><td>" + markup_escaped(v.detail) +
           "</td></tr>\n";
  }
  out += "</table>\n<h2>Measured durations</h2>\n<table><tr><th>metric</th><th>" + std::string(in.live ? "observed" : "value") +
         "</th>" + (in.prediction.empty() ? "" : "<th>the model's window (min..max, median; observed: dot, and the "
                                                "line the observations allow)</th>") + "</tr>\n";
  for (const auto& [name, value] : r.metrics) {
    const auto b = r.bounds.find(name);
    const MetricBounds allowed = b == r.bounds.end() ? MetricBounds{value, value} : b->second;
    out += "<tr><td>" + markup_escaped(name) + "</td><td>" + markup_escaped(format_time(value)) +
           (allowed.low == allowed.high ? "" : "<br><small class=\"meta\">" + markup_escaped(format_time(allowed.low)) + ".." +
                                                   markup_escaped(format_time(allowed.high)) + "</small>") + "</td>";
    if (!in.prediction.empty()) {
      const std::string& metric = name;  // a lambda may not capture a structured binding (clang 14)
      const auto d = std::find_if(in.prediction.begin(), in.prediction.end(),
                                  [&metric](const Distribution& x) { return x.metric == metric; });
      if (d == in.prediction.end()) {
        out += "<td>not predicted</td>";
      } else {
        const bool inside = allowed.high >= d->min && allowed.low <= d->max;
        out += "<td>" + window_svg(*d, value, allowed, inside) + " " + markup_escaped(format_time(d->min)) + ".." +
               markup_escaped(format_time(d->max)) + " (" + markup_escaped(format_time(d->median)) + ") " + (inside ? "within" : "<b>OUTSIDE</b>") +
               "</td>";
      }
    }
    out += "</tr>\n";
  }
  out += "</table>\n<p class=\"meta\">fingerprint <code>" + hex64(r.fingerprint) + "</code></p>\n</body></html>\n";
  return out;
}

std::uint64_t first_drawn_seed(const RunsTable& runs) {
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (runs.outcome(i) == Outcome::kFail) return runs.seeds()[i];
  }
  return runs.seeds().front();
}

std::string html_runs_report(const RunsReportInput& in) {
  const RunsTable& runs = *in.runs;
  const RunCounts counts = count_runs(runs);
  const std::string outcome = counts.failed ? "fail" : counts.known ? "known_failure" : "pass";
  const std::string verdict = counts.failed ? "FAIL" : counts.known ? "KNOWN FAILURE" : "PASS";
  std::string out = page_head(runs.scenario() + " over " + std::to_string(runs.size()) + " runs");
  out += "<h1>" + markup_escaped(runs.scenario()) + " <span class=\"badge " + outcome + "\">" + verdict + "</span></h1>\n<p>" +
         markup_escaped(runs.description()) + "</p>\n<p class=\"meta\">" + std::to_string(runs.size()) +
         " simulated runs on plan <b>" + markup_escaped(runs.plan_name()) + "</b> (digest <code>" +
         markup_escaped(runs.plan_digest()) + "</code>), seeds " + std::to_string(runs.seeds().front()) + ".." +
         std::to_string(runs.seeds().back()) + ": <b>" + std::to_string(counts.passed) + " passed, " +
         std::to_string(counts.known) + " known failures, " + std::to_string(counts.failed) + " failed</b></p>\n";
  for (const auto& [name, n] : counts.known_by_expectation) {
    out += "<p class=\"meta\">known failure of this plan in " + std::to_string(n) + " run(s): " + markup_escaped(name) + "</p>\n";
  }
  out += "<h2>Measured durations</h2>\n<table><tr><th>metric</th><th>runs</th><th>min</th><th>median</th><th>p90</th><th>p99</th><th>max</th><th>histogram (dashed: the median)</th></tr>\n";
  for (const Distribution& d : distributions(runs)) {
    std::vector<DurationMs> values;
    for (const DurationMs v : runs.metrics().at(d.metric)) {
      if (v != RunsTable::kNotMeasured) values.push_back(v);
    }
    out += "<tr><td>" + markup_escaped(d.metric) + "</td><td>" + std::to_string(d.samples) + "</td>";
    for (DurationMs v : {d.min, d.median, d.p90, d.p99, d.max}) out += "<td>" + markup_escaped(format_time(v)) + "</td>";
    out += "<td>" + histogram_svg(d.metric, std::move(values), d.median) + "</td></tr>\n";
  }
  out += "</table>\n";
  std::string failing;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (runs.outcome(i) != Outcome::kFail) continue;
    std::string failed;
    for (std::size_t e = 0; e < runs.expectations().size(); ++e) {
      if (!runs.holds(i, e) && !runs.known_failure(i, e)) failed += (failed.empty() ? "" : "; ") + runs.expectations()[e].name;
    }
    const std::string seed = std::to_string(runs.seeds()[i]);
    failing += "<tr><td>" + seed + "</td><td>" + markup_escaped(failed) + "</td><td><code>" +
               markup_escaped(in.command + " --seed " + seed) + "</code></td></tr>\n";
  }
  if (!failing.empty()) {
    out += "<h2>Failing seeds</h2>\n<table><tr><th>seed</th><th>failed</th><th>replay</th></tr>\n" + failing + "</table>\n";
  }
  const RunResult& shown = *in.drawn;
  out += "<h2>One run: seed " + std::to_string(shown.seed) + (shown.outcome() == Outcome::kFail ? ", the first that failed" : "") +
         "</h2>\n<p class=\"meta\">replay: <code>" + markup_escaped(in.command + " --seed " + std::to_string(shown.seed)) + "</code></p>\n";
  out += kTimelineLegend;
  out += timeline_svg(shown);
  out += "<table><tr><th>verdict</th><th>expectation</th><th>seen</th></tr>\n";
  for (const Verdict& v : shown.verdicts) {
    out += "<tr><td class=\"" + std::string(verdict_label(v)) + "\">" + verdict_label(v) + "</td><td>" + markup_escaped(v.name) +
           "</td><td>" + markup_escaped(v.detail) + "</td></tr>\n";
  }
  return out + "</table>\n</body></html>\n";
}

}  // namespace clawsim
