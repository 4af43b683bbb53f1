#include "model/constraint.h"

#include <cstddef>
#include <optional>
#include <string>
#include <utility>

namespace clawsim {
namespace {

constexpr std::string_view kNodeLabelPrefix = "node.labels.";
constexpr std::string_view kEngineLabelPrefix = "engine.labels.";
constexpr std::string_view kValueSymbols = ":-_.*()?+[]\\^$|/";
constexpr std::string_view kKeyRule =
    "a key is a letter or '_' followed by one or more letters, digits, '-', '_' or '.'";
constexpr std::string_view kValueRule =
    "a value may hold letters, digits, spaces and : - _ . * ( ) ? + [ ] \\ ^ $ | /";

// --- ASCII character classes (locale-free) ---

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// What Go's strings.TrimSpace removes from ASCII text.
bool is_trimmed_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// What `\s` means in Go's regexp (RE2): no '\v'.
bool is_value_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }

bool is_key_start_char(char c) { return is_letter(c) || c == '_'; }
bool is_key_char(char c) { return is_letter(c) || is_digit(c) || c == '-' || c == '_' || c == '.'; }

bool is_value_char(char c) {
  return is_letter(c) || is_digit(c) || is_value_space(c) ||
         kValueSymbols.find(c) != std::string_view::npos;
}

char to_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (to_lower(a[i]) != to_lower(b[i])) return false;
  }
  return true;
}

// True when `key` is `prefix` (ignoring case) followed by at least one more character.
bool has_prefix_ignoring_case(std::string_view key, std::string_view prefix) {
  return key.size() > prefix.size() && equals_ignoring_case(key.substr(0, prefix.size()), prefix);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_trimmed_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_trimmed_space(s.back())) s.remove_suffix(1);
  return s;
}

// --- parsing ---

bool is_valid_key(std::string_view key) {
  if (key.size() < 2 || !is_key_start_char(key.front())) return false;
  for (char c : key.substr(1)) {
    if (!is_key_char(c)) return false;
  }
  return true;
}

// "'x'" for a printable character, "byte 0x0b" otherwise.
std::string describe_char(char c) {
  if (c >= ' ' && c <= '~') return std::string("'") + c + "'";
  constexpr std::string_view kHex = "0123456789abcdef";
  const auto byte = static_cast<unsigned char>(c);
  return std::string("byte 0x") + kHex[static_cast<std::size_t>(byte >> 4)] +
         kHex[static_cast<std::size_t>(byte & 0xF)];
}

std::optional<char> first_bad_value_char(std::string_view value) {
  for (char c : value) {
    if (!is_value_char(c)) return c;
  }
  return std::nullopt;
}

InputError parse_error(std::string message) { return InputError{"", 0, "", std::move(message)}; }

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

struct Split {
  ConstraintOp op;
  std::size_t pos;  // where the operator starts
};

// swarmkit tries "==" before "!=", each at its first occurrence anywhere in the text.
std::optional<Split> find_operator(std::string_view text) {
  if (auto pos = text.find("=="); pos != std::string_view::npos)
    return Split{ConstraintOp::kEq, pos};
  if (auto pos = text.find("!="); pos != std::string_view::npos)
    return Split{ConstraintOp::kNe, pos};
  return std::nullopt;
}

std::optional<InputError> check_key(std::string_view key, ConstraintOp op, std::string_view text) {
  if (key.empty()) {
    return parse_error("missing key before '" + std::string(op_text(op)) + "' in " + quoted(text));
  }
  if (!is_valid_key(key)) {
    return parse_error("invalid key " + quoted(key) + " in " + quoted(text) + ": " +
                       std::string(kKeyRule));
  }
  return std::nullopt;
}

std::optional<InputError> check_value(std::string_view value, ConstraintOp op,
                                      std::string_view text) {
  if (value.empty()) {
    return parse_error("missing value after '" + std::string(op_text(op)) + "' in " + quoted(text));
  }
  if (auto bad = first_bad_value_char(value)) {
    return parse_error("invalid character " + describe_char(*bad) + " in value " + quoted(value) +
                       " of " + quoted(text) + "; " + std::string(kValueRule));
  }
  return std::nullopt;
}

// --- matching ---

std::string_view label_or_empty(const std::map<std::string, std::string>& labels,
                                std::string_view name) {
  auto it = labels.find(std::string(name));
  return it == labels.end() ? std::string_view() : std::string_view(it->second);
}

// The node's value for `key`, or nullopt when the matcher does not know the key.
std::optional<std::string_view> node_fact(std::string_view key, const NodeFacts& node) {
  if (equals_ignoring_case(key, "node.id")) return node.id;
  if (equals_ignoring_case(key, "node.hostname")) return node.hostname;
  if (equals_ignoring_case(key, "node.role")) return node.role;
  if (equals_ignoring_case(key, "node.platform.os")) return node.platform_os;
  if (equals_ignoring_case(key, "node.platform.arch")) return node.platform_arch;
  if (has_prefix_ignoring_case(key, kNodeLabelPrefix)) {
    return label_or_empty(node.labels, key.substr(kNodeLabelPrefix.size()));
  }
  if (has_prefix_ignoring_case(key, kEngineLabelPrefix)) {
    return label_or_empty(node.engine_labels, key.substr(kEngineLabelPrefix.size()));
  }
  return std::nullopt;
}

}  // namespace

std::string_view op_text(ConstraintOp op) { return op == ConstraintOp::kEq ? "==" : "!="; }

bool is_supported_key(std::string_view key) { return node_fact(key, NodeFacts{}).has_value(); }

Result<Constraint> parse_constraint(std::string_view text) {
  if (trim(text).empty()) {
    return parse_error("empty constraint; expected '<key>==<value>' or '<key>!=<value>'");
  }
  auto split = find_operator(text);
  if (!split) return parse_error("expected '==' or '!=' in " + quoted(text));

  std::string_view key = trim(text.substr(0, split->pos));
  if (auto error = check_key(key, split->op, text)) return *error;
  std::string_view value = trim(text.substr(split->pos + 2));
  if (auto error = check_value(value, split->op, text)) return *error;

  return Constraint{std::string(key), split->op, std::string(value), std::string(text)};
}

bool constraint_matches(const Constraint& c, const NodeFacts& node) {
  auto fact = node_fact(c.key, node);
  if (!fact) return false;  // unknown key: no node matches, whatever the operator
  bool equal = equals_ignoring_case(c.value, *fact);
  return c.op == ConstraintOp::kEq ? equal : !equal;
}

bool all_constraints_match(const std::vector<Constraint>& cs, const NodeFacts& node) {
  for (const Constraint& c : cs) {
    if (!constraint_matches(c, node)) return false;
  }
  return true;
}

}  // namespace clawsim
