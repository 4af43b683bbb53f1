// A string as one word of a POSIX shell command: in single quotes, each ' written as '\''.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

namespace clawsim {

inline std::string shell_quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string_view("'\\''") : std::string_view(&c, 1);
  return out + "'";
}

// The same word for a person to read and paste: as it is when it needs no quotes (letters,
// digits and . - _ / :), else shell_quote'd.
inline std::string shell_word(std::string_view s) {
  const bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '-' ||
           c == '_' || c == '/' || c == ':';
  });
  return plain ? std::string(s) : shell_quote(s);
}

}  // namespace clawsim
