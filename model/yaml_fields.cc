#include "model/yaml_fields.h"

#include <charconv>
#include <limits>

namespace clawsim {

int Field::line() const {
  if (!node_.IsDefined() || node_.Mark().line < 0) return fallback_line_;
  return node_.Mark().line + 1;
}

void Field::fail(const std::string& message) const {
  throw InputErrorException{InputError{*file_, line(), path_, message}};
}

Field Field::child(const std::string& key) const {
  expect_map();
  std::string path = path_.empty() ? key : path_ + "." + key;
  Field out(node_[key], std::move(path), file_);
  out.fallback_line_ = line();  // an absent child reports the line of its parent
  return out;
}

Field Field::item(std::size_t index) const {
  expect_sequence();
  return Field(node_[index], path_ + "[" + std::to_string(index) + "]", file_);
}

std::size_t Field::size() const {
  expect_sequence();
  return node_.size();
}

void Field::expect_map() const {
  if (!present()) fail("missing: expected a mapping (key: value)");
  if (!node_.IsMap()) fail("expected a mapping (key: value)");
}

void Field::expect_sequence() const {
  if (!present()) fail("missing: expected a list");
  if (!node_.IsSequence()) fail("expected a list");
}

void Field::only_keys(std::initializer_list<std::string_view> allowed) const {
  expect_map();
  for (const auto& kv : node_) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string("(not a name)");
    bool known = false;
    for (std::string_view a : allowed) known = known || key == a;
    if (known) continue;
    std::string list;
    for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    Field bad(kv.first, path_.empty() ? key : path_ + "." + key, file_);
    bad.fail("unknown field '" + key + "'; expected one of: " + list);
  }
}

std::string Field::as_string() const {
  if (!present()) fail("missing value");
  if (!node_.IsScalar()) fail("expected a single value (a string)");
  if (!InputError::valid_utf8(node_.Scalar())) fail("the value is not valid UTF-8 text");
  return node_.Scalar();
}

long long Field::as_int(long long min, long long max) const {
  const std::string text = as_string();
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    fail("expected an integer, got '" + text + "'");
  }
  if (value < min || value > max) {
    fail("must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " +
         text);
  }
  return value;
}

bool Field::as_bool() const {
  const std::string text = as_string();
  if (text == "true" || text == "yes" || text == "on") return true;
  if (text == "false" || text == "no" || text == "off") return false;
  fail("expected true or false, got '" + text + "'");
}

DurationMs Field::as_duration_ms() const {
  const std::string text = as_string();
  DurationMs out = 0;
  if (!parse_duration_ms(text, out)) {
    fail("expected a duration such as 500ms, 30s, 2m or a number of milliseconds, got '" + text +
         "'");
  }
  return out;
}

std::vector<std::string> Field::as_string_list() const {
  std::vector<std::string> out;
  if (!present()) return out;
  if (node_.IsScalar()) return {node_.Scalar()};
  for (std::size_t i = 0; i < size(); ++i) out.push_back(item(i).as_string());
  return out;
}

InputError yaml_syntax_error(const YAML::Exception& e, const std::string& file) {
  // yaml-cpp's words name its parser's states; say what is wrong in the file, keep its words.
  static const std::pair<std::string_view, std::string_view> kPlain[] = {
      {YAML::ErrorMsg::END_OF_MAP_FLOW, "a { map } is not closed: a '}' is missing before here"},
      {YAML::ErrorMsg::END_OF_SEQ_FLOW, "a [ list ] is not closed: a ']' is missing before here"},
      {YAML::ErrorMsg::END_OF_MAP, "this line is indented unlike the other keys of its map"},
      {YAML::ErrorMsg::END_OF_SEQ, "this line is indented unlike the other items of its list"},
      {YAML::ErrorMsg::MAP_VALUE,
       "a 'key: value' where none can be: this line is indented deeper than the one above, or a "
       "value holds ': ' and needs quotes"},
      {YAML::ErrorMsg::BLOCK_ENTRY, "a '- ' list item where none can be: check its indentation"},
      {YAML::ErrorMsg::FLOW_END, "a ']' or '}' that closes nothing"},
      {YAML::ErrorMsg::EOF_IN_SCALAR, "a quoted string is not closed: the file ends inside it"},
      {"illegal tab when looking for indentation", "a tab in the indentation: YAML indents with spaces"},
      {YAML::ErrorMsg::INVALID_ESCAPE,
       "an unknown backslash escape in a double-quoted string: use single quotes for backslashes"},
      {YAML::ErrorMsg::UNKNOWN_TOKEN, "a character YAML does not expect here"},
      // yaml-cpp's depth guard says "bad file" (text is never read from a file by yaml-cpp here).
      {YAML::ErrorMsg::BAD_FILE, "lists and maps nested too deep (yaml-cpp reads at most 500 levels)"},
  };
  std::string message = e.msg;
  for (const auto& [words, plain] : kPlain) {
    if (e.msg.rfind(words, 0) == 0) {
      message = std::string(plain) + " (YAML: " + e.msg + ")";
      break;
    }
  }
  return InputError{file, e.mark.line + 1, "", "column " + std::to_string(e.mark.column + 1) + ": " + message};
}

namespace {

// yaml-cpp reads past a NUL byte as if it were not there, and other control characters as
// text; YAML allows none outside a double-quoted string's escapes (spec 1.2, 5.1).
void check_no_control_characters(std::string_view text, const std::string& file) {
  int line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++line;
      line_start = i + 1;
    } else if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      const std::string byte = {'0', 'x', kHex[c >> 4], kHex[c & 0xF]};
      throw InputErrorException{InputError{
          file, line, "",
          "column " + std::to_string(i - line_start + 1) + ": a control character (byte " + byte +
              ") in the text; YAML allows tab, line feed and carriage return, and others only "
              "as escapes in double quotes (\"\\x07\")"}};
    }
  }
}

}  // namespace

YAML::Node load_document(std::string_view text, const std::string& file) {
  check_no_control_characters(text, file);
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    throw InputErrorException{yaml_syntax_error(e, file)};
  }
}

bool parse_duration_ms(std::string_view text, DurationMs& out) {
  long long number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || number < 0) return false;
  const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  long long scale = 0;
  if (unit.empty() || unit == "ms") scale = 1;
  else if (unit == "s") scale = kSecondMs;
  else if (unit == "m") scale = kMinuteMs;
  else if (unit == "h") scale = 60 * kMinuteMs;
  else return false;
  if (number > std::numeric_limits<long long>::max() / scale) return false;
  out = number * scale;
  return true;
}

}  // namespace clawsim
