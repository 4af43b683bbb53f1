#include "cli/cli_io.h"

#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "model/digest.h"
#include "model/plan_yaml.h"
#include "model/suggest.h"
#include "model/report.h"
#include "model/scenario.h"
#include "scenarios/embedded.h"

namespace clawsim::cli {

class StdoutLines::Filter final : public std::streambuf {
 public:
  Filter(std::streambuf* out, std::function<std::string(const std::string&)> transform)
      : out_(out), transform_(std::move(transform)) {}
  ~Filter() override { flush_line(); }  // the last line, if it had no newline

 protected:
  int overflow(int c) override {
    if (c == traits_type::eof()) return traits_type::not_eof(c);
    line_ += static_cast<char>(c);
    if (c == '\n') flush_line();
    return c;
  }
  int sync() override { return out_->pubsync(); }

 private:
  void flush_line() {
    if (line_.empty()) return;
    const std::string text = transform_(line_);
    out_->sputn(text.data(), static_cast<std::streamsize>(text.size()));
    line_.clear();
  }
  std::streambuf* out_;
  std::function<std::string(const std::string&)> transform_;
  std::string line_;
};

StdoutLines::StdoutLines(std::function<std::string(const std::string& line)> transform)
    : filter_(std::make_unique<Filter>(std::cout.rdbuf(), std::move(transform))),
      saved_(std::cout.rdbuf(filter_.get())) {}

StdoutLines::~StdoutLines() {
  std::cout.rdbuf(saved_);
  filter_.reset();
  std::cout.flush();
}

bool is_verdict_line(const std::string& line) {
  if (line.rfind("verdict", 0) == 0 || line.rfind("game day ", 0) == 0) return true;
  std::size_t digits = 0;
  while (digits < line.size() && std::isdigit(static_cast<unsigned char>(line[digits]))) ++digits;
  return digits > 0 && line.compare(digits, 7, " runs: ") == 0;
}

std::string coloured(const std::string& line) {
  static const std::pair<std::string_view, std::string_view> kWords[] = {
      {"KNOWN FAILURE", "33"}, {"XFAIL", "33"}, {"XPASS", "32"}, {"PASS", "32"},
      {"FAIL", "31"},          {"OUTSIDE", "31"}, {"REFUSED", "31"}};
  auto word_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  std::string out;
  for (std::size_t i = 0; i < line.size();) {
    bool matched = false;
    if (i == 0 || !word_char(line[i - 1])) {
      for (const auto& [word, colour] : kWords) {
        const std::size_t end = i + word.size();
        if (line.compare(i, word.size(), word) == 0 && (end == line.size() || !word_char(line[end]))) {
          out += "\033[1;" + std::string(colour) + "m" + std::string(word) + "\033[0m";
          i = end;
          matched = true;
          break;
        }
      }
    }
    if (!matched) out += line[i++];
  }
  return out;
}

bool colour_wanted() {
  const char* no_colour = std::getenv("NO_COLOR");
  return ::isatty(STDOUT_FILENO) && !(no_colour && *no_colour);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError{path + ": cannot read the file"};
  std::ostringstream text;
  text << in.rdbuf();
  std::string out = text.str();
  // A UTF-8 byte-order mark (some Windows editors write one) is not part of the text.
  if (out.rfind("\xEF\xBB\xBF", 0) == 0) out.erase(0, 3);
  return out;
}

void make_directory(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) throw UsageError{path + ": cannot create the directory: " + ec.message()};
}

std::string json_text(const nlohmann::ordered_json& j) {
  // Text from the input is echoed into reports; a byte that is not UTF-8 becomes U+FFFD rather
  // than aborting the report.
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

void write_output(const std::string& path, const std::string& text) {
  if (path == "-") {
    std::cout << text;
    return;
  }
  std::ofstream out(path, std::ios::binary);
  if (!out || !(out << text)) throw UsageError{path + ": cannot write the report"};
}

std::string digest(std::string_view text) { return text_digest(text); }

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string this_host() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "";
  return name;
}

LoadedPlan load_plan(const std::string& path) {
  const std::string file = path.empty() ? "default-plan.yaml (embedded)" : path;
  return plan_from_text(path.empty() ? std::string(default_plan_text()) : read_file(path), file);
}

LoadedPlan load_builtin_plan(const std::string& name) {
  return plan_from_text(std::string(builtin_plan(name)), name + " (built-in plan)");
}

LoadedPlan plan_from_text(const std::string& text, const std::string& file) {
  Result<Plan> plan = parse_plan(text, file);
  if (!plan) throw UsageError{plan.error().to_string()};
  const std::string d = digest(text);
  return {std::make_shared<const Plan>(std::move(plan).value()), file, d, builtin_plans_with_digest(d), text};
}

ScenarioSource scenario_source(const std::string& ref) {
  std::string text(builtin_scenario(ref));
  std::string file = ref + ".yaml (built in)";
  if (text.empty()) {
    if (ref.find('/') == std::string::npos && ref.find(".y") == std::string::npos &&
        ref.find(".json") == std::string::npos) {
      std::vector<std::string> names;
      for (const EmbeddedFile& f : builtin_scenarios()) names.emplace_back(f.name);
      throw UsageError{"unknown scenario '" + ref + "'" + did_you_mean(ref, names) +
                       "; `clawsim scenarios` lists the built-in ones"};
    }
    file = ref;
    text = read_file(ref);
  }
  return {text, file};
}

Scenario load_scenario(const std::string& ref, const Plan& plan) {
  return scenario_from_text(scenario_source(ref), plan);
}

Scenario scenario_from_text(const ScenarioSource& source, const Plan& plan) {
  const std::string& file = source.file;
  Result<Scenario> s = parse_scenario(source.text, file, plan);
  if (!s) throw UsageError{s.error().to_string()};
  for (const Expectation& e : s.value().expectations) {
    for (const std::string& p : e.xfail_plans) {
      if (is_text_digest(p) || !builtin_plan(p).empty()) continue;
      std::string names;
      for (const EmbeddedFile& f : builtin_plans()) names += (names.empty() ? "" : ", ") + std::string(f.name);
      throw UsageError{InputError{file, e.xfail_line, e.xfail_field,
                                  "no built-in plan is called '" + p + "'; expected one of " + names +
                                      ", or a plan's digest (16 hex digits, as reports print it)"}
                           .to_string()};
    }
  }
  return std::move(s).value();
}

}  // namespace clawsim::cli
