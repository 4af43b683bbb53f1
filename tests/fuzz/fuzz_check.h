// What every fuzz target checks besides "no crash, no leak, no undefined behaviour": a rejected
// input gets the one-line error the command line prints (valid UTF-8, naming the file), and an
// accepted one a JSON report written as the command line writes it. A broken check aborts, so
// libFuzzer keeps the input as a crash.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "model/error.h"

namespace clawsim::fuzz {

[[noreturn]] inline void fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "fuzz check failed: %s: %.*s\n", what, static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

// The error as `clawsim` prints it: one line of valid UTF-8 that starts with the file's name.
inline void check_error(const InputError& error, std::string_view file) {
  const std::string line = error.to_string();
  if (line.find('\n') != std::string::npos) fail("error spans lines", line);
  if (!InputError::valid_utf8(line)) fail("error is not UTF-8", line);
  if (line.rfind(file, 0) != 0) fail("error does not start with the file's name", line);
  if (error.message.empty()) fail("error without a message", line);
}

// The report as the command line writes it (cli::json_text: indented, a byte that is not UTF-8
// replaced); the result must be valid UTF-8 and parse back as JSON.
inline void check_report(const nlohmann::ordered_json& report) {
  const std::string text =
      report.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
  if (!InputError::valid_utf8(text)) fail("report is not UTF-8", text);
  if (!nlohmann::ordered_json::accept(text)) fail("report does not parse back", text);
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace clawsim::fuzz
