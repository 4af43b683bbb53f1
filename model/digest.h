// The digest that names a plan's content in reports and known failures: FNV-1a (64 bit) of the
// text, as 16 lowercase hex digits. A plan is judged by what it says, not by what it is called.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace clawsim {

inline std::string text_digest(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4) out[static_cast<std::size_t>(i)] = kHex[h & 0xF];
  return out;
}

// True for 16 lowercase hex digits, the form of text_digest.
inline bool is_text_digest(std::string_view s) {
  if (s.size() != 16) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace clawsim
