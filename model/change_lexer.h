// The change-file tokenizer: the text as sh would split it into commands and words, without
// running anything, and the located errors the change parser throws. Internal to model/ (shared
// by change.cc and change_yaml.cc), not part of the public API: parse_change in change.h is the
// way in.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace clawsim::change_detail {

// Errors are thrown inside the change parser (as the YAML parsers do) and returned at
// parse_change.
struct Where {
  const std::string* file = nullptr;
  int line = 0;
  std::string field;
};

[[noreturn]] void fail(const Where& w, const std::string& message);

bool is_blank(char c);

// A word as it would be typed: quoted when the shell would otherwise split or expand it.
std::string shell_word(const std::string& s);

struct Command {
  int line = 0;                     // where its first word is
  std::string text;                 // as written: continuations joined, comment dropped
  std::vector<std::string> words;   // quotes removed, escapes applied
  std::vector<std::size_t> starts;  // where each word begins in `text`
  std::string shell_operator;       // the first unquoted |, &, ;, ` or $( ("" when none)
};

class Lexer {
 public:
  // `fixed_line` > 0: every command is reported on that line (a YAML item).
  Lexer(std::string_view src, const std::string& file, int fixed_line)
      : src_(src), file_(&file), fixed_(fixed_line > 0), line_(fixed_ ? fixed_line : 1) {}

  std::vector<Command> run();

 private:
  char at(std::size_t i) const { return i < src_.size() ? src_[i] : '\0'; }
  // Throws at the first line that is not UTF-8 (its words would reach reports as they are).
  void check_utf8() const;
  void next_line() { line_ += fixed_ ? 0 : 1; }
  // Length of a backslash-newline at i (the shell drops it), else 0.
  std::size_t continuation(std::size_t i) const;
  [[noreturn]] void unterminated() const;
  void start_word();
  void end_word();
  void end_command();
  void note_operator(std::string op);
  void literal(char c);
  // "a \<newline>  b" is "a b"; "a\<newline>b" is the one word "ab", as in sh.
  void join_lines(std::size_t& i, std::size_t length);
  void unquoted(std::size_t& i);
  void quoted(std::size_t& i);

  std::string_view src_;
  const std::string* file_;
  bool fixed_;
  int line_;
  std::vector<Command> out_;
  Command cur_;
  std::string word_;
  bool in_word_ = false;
  char quote_ = 0;
  int quote_line_ = 0;
};

}  // namespace clawsim::change_detail
