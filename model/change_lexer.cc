#include "model/change_lexer.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "model/error.h"
#include "model/yaml_fields.h"

namespace clawsim::change_detail {

void fail(const Where& w, const std::string& message) {
  throw InputErrorException{InputError{*w.file, w.line, w.field, message}};
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string shell_word(const std::string& s) {
  const bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
           std::string_view("_-.,:/=@%+<>$").find(c) != std::string_view::npos;
  });
  if (plain) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// ---------------------------------------------------------------------------------------------
// Lexing: the text as sh would split it into commands and words, without running anything.

std::vector<Command> Lexer::run() {
  check_utf8();
  for (std::size_t i = 0; i < src_.size(); ++i) {
    if (quote_ != 0) {
      quoted(i);
    } else {
      unquoted(i);
    }
  }
  if (quote_ != 0) unterminated();
  end_command();
  return std::move(out_);
}

void Lexer::check_utf8() const {
  int line = line_;
  for (std::size_t i = 0; i < src_.size();) {
    const std::size_t n = InputError::utf8_length(src_.substr(i));
    if (n == 0) fail(Where{file_, line, ""}, "the line is not valid UTF-8 text");
    if (src_[i] == '\n' && !fixed_) ++line;
    i += n;
  }
}

std::size_t Lexer::continuation(std::size_t i) const {
  if (at(i) != '\\') return 0;
  if (at(i + 1) == '\n') return 2;
  return at(i + 1) == '\r' && at(i + 2) == '\n' ? 3 : 0;
}

void Lexer::unterminated() const {
  fail(Where{file_, quote_line_, ""},
       std::string("unterminated ") + quote_ + " quote: close it on the line it opens on");
}

void Lexer::start_word() {
  if (in_word_) return;
  if (cur_.words.empty()) cur_.line = line_;
  cur_.starts.push_back(cur_.text.size());
  in_word_ = true;
}

void Lexer::end_word() {
  if (in_word_) cur_.words.push_back(word_);
  word_.clear();
  in_word_ = false;
}

void Lexer::end_command() {
  end_word();
  while (!cur_.text.empty() && is_blank(cur_.text.back())) cur_.text.pop_back();
  if (!cur_.words.empty()) out_.push_back(std::move(cur_));
  cur_ = Command{};
}

void Lexer::note_operator(std::string op) {
  if (cur_.shell_operator.empty()) cur_.shell_operator = std::move(op);
}

void Lexer::literal(char c) {
  start_word();
  word_ += c;
  cur_.text += c;
}

void Lexer::join_lines(std::size_t& i, std::size_t length) {
  i += length - 1;
  next_line();
  std::size_t j = i + 1;
  while (j < src_.size() && (src_[j] == ' ' || src_[j] == '\t')) ++j;
  if (j == i + 1 && (cur_.text.empty() || !is_blank(cur_.text.back()))) return;
  end_word();
  while (!cur_.text.empty() && is_blank(cur_.text.back())) cur_.text.pop_back();
  if (!cur_.text.empty()) cur_.text += ' ';
  i = j - 1;
}

void Lexer::unquoted(std::size_t& i) {
  const char c = src_[i];
  if (c == '\n') {
    end_command();
    next_line();
  } else if (const std::size_t n = continuation(i)) {
    join_lines(i, n);
  } else if (c == '\\') {
    start_word();
    cur_.text += c;
    if (i + 1 < src_.size()) literal(src_[++i]);
  } else if (is_blank(c)) {
    end_word();
    if (!cur_.text.empty()) cur_.text += c;
  } else if (c == '#' && !in_word_) {
    while (i + 1 < src_.size() && src_[i + 1] != '\n') ++i;
  } else if (c == '\'' || c == '"') {
    start_word();
    quote_ = c;
    quote_line_ = line_;
    cur_.text += c;
  } else {
    if (std::string_view("|&;`").find(c) != std::string_view::npos) note_operator({c});
    if (c == '$' && at(i + 1) == '(') note_operator("$(");
    literal(c);
  }
}

void Lexer::quoted(std::size_t& i) {
  const char c = src_[i];
  const char next = at(i + 1);
  if (c == quote_) {
    quote_ = 0;
    cur_.text += c;
  } else if (c == '\n') {
    unterminated();
  } else if (quote_ == '"' && continuation(i) != 0) {
    i += continuation(i) - 1;
    next_line();
  } else if (quote_ == '"' && c == '\\' &&
             std::string_view("\"\\$`").find(next) != std::string_view::npos) {
    cur_.text += c;
    literal(src_[++i]);
  } else {
    if (quote_ == '"' && (c == '`' || (c == '$' && next == '('))) {
      note_operator(c == '`' ? "`" : "$(");
    }
    literal(c);
  }
}

}  // namespace clawsim::change_detail
