// Expected failures as values: a bad plan, scenario or command names where it went wrong
// (file, line, field) so a person can fix it. Broken invariants are bugs and assert instead.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace clawsim {

struct InputError {
  std::string file;     // "" when the text did not come from a file
  int line = 0;         // 1-based; 0 when unknown
  std::string field;    // dotted path, e.g. "services[2].constraints[0]"
  std::string message;  // what is wrong and, where it helps, what is expected

  // "plan.yaml:12: services[2].constraints[0]: expected '==' or '!='". Always one line of
  // valid UTF-8: control characters and bytes that are not UTF-8 (echoed from the input) are
  // written as escapes.
  std::string to_string() const {
    std::string out = file.empty() ? std::string("<input>") : file;
    if (line > 0) out += ":" + std::to_string(line);
    out += ": ";
    if (!field.empty()) out += field + ": ";
    out += message;
    return printable(out);
  }

  // `text` with \r, \n, \t, other control characters and bytes that are not UTF-8 escaped.
  static std::string printable(std::string_view text) {
    std::string out;
    static constexpr char kHex[] = "0123456789abcdef";
    auto escape = [&](unsigned char c) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    };
    for (std::size_t i = 0; i < text.size();) {
      const auto c = static_cast<unsigned char>(text[i]);
      if (c == '\n') { out += "\\n"; ++i; continue; }
      if (c == '\r') { out += "\\r"; ++i; continue; }
      if (c == '\t') { out += "\\t"; ++i; continue; }
      if (c < 0x20 || c == 0x7f) { escape(c); ++i; continue; }
      if (c < 0x80) { out += static_cast<char>(c); ++i; continue; }
      const std::size_t n = utf8_length(text.substr(i));
      if (n == 0) { escape(c); ++i; continue; }
      out.append(text.substr(i, n));
      i += n;
    }
    return out;
  }

  // The length of the valid UTF-8 sequence at the start of `s` (1-4), or 0 when there is none.
  static std::size_t utf8_length(std::string_view s) {
    if (s.empty()) return 0;
    const auto b0 = static_cast<unsigned char>(s[0]);
    std::size_t n = 0;
    unsigned int min = 0, cp = 0;
    if (b0 < 0x80) return 1;
    if ((b0 & 0xE0) == 0xC0) { n = 2; cp = b0 & 0x1Fu; min = 0x80; }
    else if ((b0 & 0xF0) == 0xE0) { n = 3; cp = b0 & 0x0Fu; min = 0x800; }
    else if ((b0 & 0xF8) == 0xF0) { n = 4; cp = b0 & 0x07u; min = 0x10000; }
    else return 0;
    if (s.size() < n) return 0;
    for (std::size_t k = 1; k < n; ++k) {
      const auto b = static_cast<unsigned char>(s[k]);
      if ((b & 0xC0) != 0x80) return 0;
      cp = (cp << 6) | (b & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return n;
  }

  static bool valid_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
      const std::size_t n = utf8_length(s.substr(i));
      if (n == 0) return false;
      i += n;
    }
    return true;
  }
};

// Result<T>: either a value or an InputError. Deliberately small.
template <class T>
class Result {
 public:
  Result(T value) : data_(std::move(value)) {}          // NOLINT(google-explicit-constructor)
  Result(InputError error) : data_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(data_); }
  explicit operator bool() const { return ok(); }
  const T& value() const& { return std::get<T>(data_); }
  T& value() & { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  const InputError& error() const { return std::get<InputError>(data_); }

 private:
  std::variant<T, InputError> data_;
};

}  // namespace clawsim
