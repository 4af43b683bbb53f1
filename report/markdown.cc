#include "report/markdown.h"

#include <algorithm>

namespace clawsim {

namespace {

// A table cell: no pipes or line breaks.
std::string cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string markdown_report(const RunResult& r, const std::vector<Distribution>& prediction) {
  std::string out = "### clawsim: " + cell(r.scenario) + " — " + verdict_text(r) + "\n\n";
  if (!r.description.empty()) out += cell(r.description) + "\n\n";
  out += "plan `" + r.plan_name + "` (digest `" + r.plan_digest + "`), seed " + std::to_string(r.seed) + ", " +
         format_time(r.duration_ms) + "\n\n| verdict | expectation | seen |\n|---|---|---|\n";
  for (const Verdict& v : r.verdicts) {
    out += "| **" + std::string(verdict_label(v)) + "** | " + cell(v.name) + " | " + cell(v.detail) + " |\n";
  }
  out += "\n| metric | value |" + std::string(prediction.empty() ? "" : " the model (min..max, median) |") + "\n|---|---|" +
         (prediction.empty() ? "" : "---|") + "\n";
  for (const auto& [name, value] : r.metrics) {
    out += "| " + cell(name) + " | " + format_time(value) + " |";
    if (!prediction.empty()) {
      const std::string& metric = name;  // a lambda may not capture a structured binding (clang 14)
      const auto d = std::find_if(prediction.begin(), prediction.end(),
                                  [&metric](const Distribution& x) { return x.metric == metric; });
      out += d == prediction.end() ? " not predicted |"
                                   : " " + format_time(d->min) + ".." + format_time(d->max) + " (" + format_time(d->median) + ") |";
    }
    out += "\n";
  }
  return out;
}

}  // namespace clawsim
