// A string as one word of a POSIX shell command: in single quotes, each ' written as '\''.
#pragma once

#include <string>
#include <string_view>

namespace clawsim {

inline std::string shell_quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string_view("'\\''") : std::string_view(&c, 1);
  return out + "'";
}

}  // namespace clawsim
