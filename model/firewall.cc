#include "model/firewall.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cctype>
#include <charconv>
#include <utility>

namespace clawsim {
namespace {

using Words = std::vector<std::string>;

constexpr std::string_view kRuleRefused = "ufw refuses this rule: ";
constexpr std::string_view kCommandRefused = "ufw refuses this command: ";
constexpr std::string_view kNotModelled = "valid for ufw, not modelled: ";
constexpr size_t kMaxRuleWords = 12;  // ufw takes at most 13 words after `ufw`, action included
constexpr size_t kMaxPortSeparators = 14;  // iptables multiport: 15 ports, a range counting as 2

// ---------------------------------------------------------------------------------------------
// Text helpers

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

bool contains(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t pos = s.find(sep); pos != std::string_view::npos; pos = s.find(sep, start)) {
    out.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
  out.push_back(s.substr(start));
  return out;
}

// A decimal number, leading zeros allowed; nullopt when not digits or too large.
std::optional<uint32_t> parse_uint(std::string_view s) {
  if (!all_digits(s)) return std::nullopt;
  while (s.size() > 1 && s.front() == '0') s.remove_prefix(1);
  if (s.size() > 9) return std::nullopt;
  uint32_t value = 0;
  const std::from_chars_result r = std::from_chars(s.data(), s.data() + s.size(), value);
  if (r.ec != std::errc()) return std::nullopt;
  return value;
}

// ---------------------------------------------------------------------------------------------
// Shell words: whitespace-separated, with '...' and "..." quoting and backslash escapes.
// nullopt when a quote is left open.

void end_word(Words& out, std::string& word, bool& in_word) {
  if (in_word) out.push_back(word);
  word.clear();
  in_word = false;
}

std::optional<Words> split_words(std::string_view line) {
  Words out;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    const bool escapable =
        i + 1 < line.size() && (quote == 0 || line[i + 1] == '"' || line[i + 1] == '\\');
    if (quote != 0 && c == quote) {
      quote = 0;
    } else if (c == '\\' && quote != '\'' && escapable) {
      word += line[++i];
      in_word = true;
    } else if (quote == 0 && (c == '\'' || c == '"')) {
      quote = c;
      in_word = true;
    } else if (quote == 0 && is_space(c)) {
      end_word(out, word, in_word);
    } else {
      word += c;
      in_word = true;
    }
  }
  if (quote != 0) return std::nullopt;
  end_word(out, word, in_word);
  return out;
}

bool has_shell_operator(const Words& words) {
  return std::any_of(words.begin(), words.end(), [](const std::string& w) {
    return w == "&&" || w == "||" || w == "|" || w == "&" || (!w.empty() && w.back() == ';');
  });
}

// ---------------------------------------------------------------------------------------------
// IPv4 addresses and networks

struct Ipv4Net {
  uint32_t network = 0;
  int prefix = 32;
};

enum class AddrKind { kAny, kV4, kV6, kOddMask, kBad };

struct Address {
  AddrKind kind = AddrKind::kBad;
  Ipv4Net net;
};

uint32_t prefix_mask(int prefix) { return prefix == 0 ? 0u : 0xFFFFFFFFu << (32 - prefix); }

// Strict dotted quad: four decimal octets, no leading zeros (as inet_pton accepts).
std::optional<uint32_t> parse_ipv4(std::string_view s) {
  const std::vector<std::string_view> parts = split(s, '.');
  if (parts.size() != 4) return std::nullopt;
  uint32_t out = 0;
  for (std::string_view p : parts) {
    if (p.empty() || p.size() > 3 || (p.size() > 1 && p.front() == '0')) return std::nullopt;
    const std::optional<uint32_t> octet = parse_uint(p);
    if (!octet || *octet > 255) return std::nullopt;
    out = (out << 8) | *octet;
  }
  return out;
}

std::string format_ipv4(uint32_t a) {
  return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 0xFF) + "." +
         std::to_string((a >> 8) & 0xFF) + "." + std::to_string(a & 0xFF);
}

// ufw's stored form: host bits cleared, no "/32", and 0.0.0.0/0 is "any".
std::string format_net(const Ipv4Net& net) {
  if (net.prefix == 0) return "any";
  if (net.prefix == 32) return format_ipv4(net.network);
  return format_ipv4(net.network) + "/" + std::to_string(net.prefix);
}

// The netmask after '/': a prefix length 0-32 or a dotted mask (contiguous ones only).
Address read_netmask(uint32_t addr, std::string_view mask) {
  int prefix = -1;
  if (all_digits(mask)) {
    const std::optional<uint32_t> n = parse_uint(mask);
    if (!n || *n > 32) return {};
    prefix = static_cast<int>(*n);
  } else if (const std::optional<uint32_t> dotted = parse_ipv4(mask)) {
    const uint32_t inverse = ~*dotted;
    if ((inverse & (inverse + 1)) != 0) return {AddrKind::kOddMask, {}};
    prefix = std::popcount(*dotted);
  } else {
    return {};
  }
  return {AddrKind::kV4, {addr & prefix_mask(prefix), prefix}};
}

bool looks_like_ipv6(std::string_view s) {
  return contains(s, ":") && std::all_of(s.begin(), s.end(), [](char c) {
           return std::isxdigit(static_cast<unsigned char>(c)) != 0 || c == ':' || c == '.' ||
                  c == '/';
         });
}

// An address as ufw's `from`/`to` take it (already lower case).
Address read_address(std::string_view text) {
  if (text == "any") return {AddrKind::kAny, {0, 0}};
  if (contains(text, ":")) return {looks_like_ipv6(text) ? AddrKind::kV6 : AddrKind::kBad, {}};
  const std::vector<std::string_view> parts = split(text, '/');
  if (text.size() > 31 || parts.size() > 2) return {};
  const std::optional<uint32_t> addr = parse_ipv4(parts[0]);
  if (!addr) return {};
  if (parts.size() == 1) return {AddrKind::kV4, {*addr, 32}};
  return read_netmask(*addr, parts[1]);
}

bool source_matches(const std::string& from, std::optional<uint32_t> source) {
  const Address rule = read_address(from);
  if (rule.kind == AddrKind::kAny) return true;
  if (rule.kind != AddrKind::kV4 || !source) return false;
  return (*source & prefix_mask(rule.net.prefix)) == rule.net.network;
}

// ---------------------------------------------------------------------------------------------
// Ports

struct PortItem {
  uint32_t first = 0;
  uint32_t last = 0;  // == first for a single port
};

// ufw's test for a numeric port list: digits, ',' and ':', starting and ending with a digit.
bool numeric_port_list(std::string_view s) {
  return !s.empty() && is_digit(s.front()) && is_digit(s.back()) &&
         std::all_of(s.begin(), s.end(),
                     [](char c) { return is_digit(c) || c == ',' || c == ':'; });
}

bool dash_range(std::string_view s) {
  const std::vector<std::string_view> parts = split(s, '-');
  return parts.size() == 2 && all_digits(parts[0]) && all_digits(parts[1]);
}

std::optional<uint32_t> port_number(std::string_view s) {
  const std::optional<uint32_t> n = parse_uint(s);
  if (!n || *n < 1 || *n > 65535) return std::nullopt;
  return n;
}

std::optional<PortItem> parse_port_item(std::string_view item) {
  const std::vector<std::string_view> ends = split(item, ':');
  if (ends.size() > 2) return std::nullopt;
  const std::optional<uint32_t> first = port_number(ends.front());
  const std::optional<uint32_t> last = port_number(ends.back());
  if (!first || !last || (ends.size() == 2 && *first >= *last)) return std::nullopt;
  return PortItem{*first, *last};
}

// Items of a numeric port list; nullopt where ufw says "Bad port".
std::optional<std::vector<PortItem>> parse_port_items(std::string_view spec) {
  const auto separators =
      std::count(spec.begin(), spec.end(), ',') + std::count(spec.begin(), spec.end(), ':');
  if (static_cast<size_t>(separators) > kMaxPortSeparators) return std::nullopt;
  std::vector<PortItem> items;
  for (std::string_view text : split(spec, ',')) {
    const std::optional<PortItem> item = parse_port_item(text);
    if (!item) return std::nullopt;
    items.push_back(*item);
  }
  return items;
}

bool is_multi(const std::vector<PortItem>& items) {
  return items.size() > 1 || std::any_of(items.begin(), items.end(),
                                         [](const PortItem& i) { return i.first != i.last; });
}

// The items sorted and joined, so that ufw's "same rule" test can compare them.
std::string port_spec(std::vector<PortItem> items) {
  std::sort(items.begin(), items.end(), [](const PortItem& a, const PortItem& b) {
    return std::pair(a.first, a.last) < std::pair(b.first, b.last);
  });
  std::string out;
  for (const PortItem& i : items) {
    if (!out.empty()) out += ",";
    out += std::to_string(i.first);
    if (i.last != i.first) out += ":" + std::to_string(i.last);
  }
  return out;
}

std::vector<uint16_t> expand_ports(const std::vector<PortItem>& items) {
  std::vector<uint16_t> ports;
  for (const PortItem& i : items) {
    for (uint32_t p = i.first; p <= i.last; ++p) ports.push_back(static_cast<uint16_t>(p));
  }
  std::sort(ports.begin(), ports.end());
  ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
  return ports;
}

// ---------------------------------------------------------------------------------------------
// Reading a rule command (everything after `ufw`)

// A rule being read. The first refusal ends reading; an unmodelled part is noted and reading
// goes on, so that a refusal later in the command still wins (ufw would refuse it).
struct Draft {
  UfwRule rule;
  bool has_port = false;
  bool multi = false;
  bool portless = false;  // a protocol such as esp that has no ports
  bool has_interface = false;
  std::string refusal;
  std::string unmodelled;

  bool refused() const { return !refusal.empty(); }
  void refuse(const std::string& why) {
    if (refusal.empty()) refusal = std::string(kRuleRefused) + why;
  }
  void skip(const std::string& why) {
    if (unmodelled.empty()) unmodelled = std::string(kNotModelled) + why;
  }
};

bool is_portless_protocol(std::string_view p) {
  return p == "ipv6" || p == "esp" || p == "ah" || p == "igmp" || p == "gre" || p == "vrrp";
}

std::string protocol_hint(std::string_view word, std::string_view port) {
  if (!contains(word, "tcp") || !contains(word, "udp")) return "";
  if (port.empty()) return " (use a rule per protocol: proto tcp, proto udp)";
  const std::string p(port);
  return " (use a rule per protocol: " + p + "/tcp, " + p + "/udp)";
}

void read_proto(std::string_view word, std::string_view simple_port, Draft& d) {
  if (word == "tcp") {
    d.rule.proto = Proto::kTcp;
  } else if (word == "udp") {
    d.rule.proto = Proto::kUdp;
  } else if (word == "any") {
    d.rule.proto.reset();
  } else if (is_portless_protocol(word)) {
    d.portless = true;
    d.skip("protocol '" + std::string(word) + "' (only tcp and udp are modelled)");
  } else {
    d.refuse("unknown protocol '" + std::string(word) + "'" + protocol_hint(word, simple_port));
  }
}

void read_named_port(std::string_view spec, Draft& d) {
  const std::string s(spec);
  if (contains(spec, ",") || contains(spec, ":")) {
    d.refuse("port list '" + s + "' must be numeric");
  } else if (dash_range(spec)) {
    std::string range = s;
    range[range.find('-')] = ':';
    d.refuse("'" + s + "' is not a port (a range is written " + range + ")");
  } else {
    d.skip("named port '" + s + "' (resolved on the node from /etc/services or an app profile)");
  }
}

const char* const kBadPortHelp =
    " (ports are 1-65535, a range A:B needs A < B, at most 15 ports with a range counting "
    "as two)";

// A destination (`to`) or source (`from`) port list.
void read_ports(std::string_view spec, bool destination, Draft& d) {
  d.has_port = true;
  if (!numeric_port_list(spec)) return read_named_port(spec, d);
  const std::optional<std::vector<PortItem>> items = parse_port_items(spec);
  if (!items) return d.refuse("bad port '" + std::string(spec) + "'" + kBadPortHelp);
  d.multi = d.multi || is_multi(*items);
  if (!destination) return d.skip("source ports ('port' after 'from ADDRESS')");
  d.rule.ports = expand_ports(*items);
  d.rule.port_spec = port_spec(*items);
}

// The simple form: `ufw allow PORT[/PROTO]`.
void read_simple(std::string_view arg, Draft& d) {
  const std::vector<std::string_view> parts = split(arg, '/');
  const std::string_view port = parts.front();
  if (parts.size() > 2) {
    const std::string_view proto = arg.substr(port.size() + 1);
    return d.refuse("bad port '" + std::string(arg) + "'" + protocol_hint(proto, port));
  }
  if (parts.size() == 2 && is_portless_protocol(parts[1])) {
    return d.refuse("protocol '" + std::string(parts[1]) + "' takes no port");
  }
  read_ports(port, /*destination=*/true, d);
  if (!d.refused()) read_proto(parts.size() == 2 ? parts[1] : "any", port, d);
}

void read_from(std::string_view value, Draft& d) {
  const std::string text = lower(value);
  const Address a = read_address(text);
  switch (a.kind) {
    case AddrKind::kAny:
    case AddrKind::kV4:
      d.rule.from = format_net(a.net);
      return;
    case AddrKind::kV6:
      return d.skip("IPv6 source '" + text + "' (only IPv4 is modelled)");
    case AddrKind::kOddMask:
      return d.skip("non-contiguous netmask in '" + text + "'");
    case AddrKind::kBad:
      return d.refuse("bad source address '" + std::string(value) + "'");
  }
}

void read_to(std::string_view value, Draft& d) {
  const std::string text = lower(value);
  const AddrKind kind = read_address(text).kind;
  if (kind == AddrKind::kAny) return;
  if (kind == AddrKind::kBad)
    return d.refuse("bad destination address '" + std::string(value) + "'");
  d.skip("destination address '" + text + "' (node addresses are not modelled; use 'to any')");
}

size_t count_word(const Words& args, std::string_view word) {
  return static_cast<size_t>(std::count(args.begin(), args.end(), word));
}

bool repeated_clauses(const Words& args) {
  return count_word(args, "to") > 1 || count_word(args, "from") > 1 ||
         count_word(args, "proto") > 1 || count_word(args, "port") > 2 ||
         count_word(args, "app") > 2 ||
         (count_word(args, "app") > 0 && count_word(args, "proto") > 0);
}

// One `KEY VALUE` pair of the full form; `loc` is "from" or "to" once one was seen.
void read_pair(const std::string& key, const std::string& value, std::string& loc, Draft& d) {
  if (key == "proto") return read_proto(value, "", d);
  if (key == "from" || key == "to") {
    loc = key;
    return key == "from" ? read_from(value, d) : read_to(value, d);
  }
  if (key != "port" && key != "app") {
    return d.refuse("unexpected word '" + key + "' (expected from, to, port, proto or app)");
  }
  if (loc.empty()) return d.refuse("'" + key + "' must follow 'from ADDRESS' or 'to ADDRESS'");
  if (key == "app") return d.skip("application profile '" + value + "'");
  read_ports(value, /*destination=*/loc == "to", d);
}

// The full form: `ufw allow [proto P] [from A [port P]] [to A [port P]]`, pairs in any order.
void read_full(const Words& args, Draft& d) {
  if (args.size() % 2 != 0) {
    return d.refuse(
        "wrong number of arguments (the full form is pairs such as 'from ADDRESS', "
        "'to any', 'port PORTS', 'proto tcp')");
  }
  if (!d.has_interface && count_word(args, "from") == 0 && count_word(args, "to") == 0) {
    return d.refuse("needs a 'from' or 'to' clause");
  }
  if (repeated_clauses(args)) return d.refuse("a clause is repeated");
  std::string loc;
  for (size_t i = 0; i + 1 < args.size() && !d.refused(); i += 2) {
    read_pair(args[i], args[i + 1], loc, d);
  }
}

bool is_direction(const std::string& w) { return w == "in" || w == "out"; }

void set_direction(const std::string& w, Draft& d) {
  d.rule.direction = w == "out" ? UfwRule::Direction::kOut : UfwRule::Direction::kIn;
}

// `in`/`out` right after the action: a direction, or `in on IFACE` (an interface clause).
void read_direction(Words& args, Draft& d) {
  if (args.size() >= 3 && is_direction(args[0]) && args[1] == "on") {
    set_direction(args[0], d);
    d.has_interface = true;
    d.skip("interface clause '" + args[0] + " on " + args[2] + "'");
    args.erase(args.begin(), args.begin() + 3);
  } else if (args.size() >= 2 && is_direction(args[0]) && args[1] != "on") {
    set_direction(args[0], d);
    args.erase(args.begin());
  }
  if (count_word(args, "in") + count_word(args, "out") > 0) d.refuse("invalid interface clause");
}

void read_log(Words& args, Draft& d) {
  if (args.size() >= 2 && (args[0] == "log" || args[0] == "log-all")) {
    d.rule.logtype = args[0];
    args.erase(args.begin());
  }
  if (count_word(args, "log") + count_word(args, "log-all") > 0) {
    d.refuse("'log' and 'log-all' belong right after the action (or after 'in on IFACE')");
  }
}

void read_comment(Words& args, Draft& d) {
  const auto it = std::find(args.begin(), args.end(), "comment");
  if (it == args.end()) return;
  if (it + 1 == args.end()) return d.refuse("'comment' needs a text");
  if (contains(*(it + 1), "'")) return d.refuse("a comment may not contain \"'\"");
  d.rule.comment = *(it + 1);
  args.erase(it, it + 2);
}

// Everything after the action word.
void read_rule_args(Words args, Draft& d) {
  read_direction(args, d);
  if (!d.refused()) read_log(args, d);
  if (!d.refused()) read_comment(args, d);
  if (d.refused()) return;
  if (args.empty() && !d.has_interface) {
    return d.refuse("nothing after the action (expected PORT[/PROTO] or a from/to clause)");
  }
  if (args.size() > kMaxRuleWords) return d.refuse("too many words");
  if (args.size() == 1 && !d.has_interface) return read_simple(args[0], d);
  read_full(args, d);
}

// Checks that need the whole rule.
void check_rule(Draft& d) {
  if (d.refused()) return;
  if (d.portless && d.has_port) return d.refuse("a protocol other than tcp/udp takes no port");
  if (d.multi && !d.rule.proto && !d.portless) {
    d.refuse(
        "a port list or range needs 'proto tcp' or 'proto udp' (ufw refuses multiple ports "
        "for both protocols at once)");
  }
}

std::optional<UfwRule::Action> rule_action(std::string_view word) {
  if (word == "allow") return UfwRule::Action::kAllow;
  if (word == "deny") return UfwRule::Action::kDeny;
  if (word == "reject") return UfwRule::Action::kReject;
  if (word == "limit") return UfwRule::Action::kLimit;
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Applying commands

bool record_rejected(Firewall& fw, const std::string& text, std::string reason) {
  fw.rejected.push_back({text, std::move(reason)});
  return false;
}

bool record_unmodelled(Firewall& fw, const std::string& text, std::string reason) {
  fw.unmodelled.push_back({text, std::move(reason)});
  return false;
}

bool record_ignored(Firewall& fw, const std::string& text) {
  fw.ignored.push_back(text);
  return false;
}

// ufw's "same rule": everything but action, log type and comment.
bool same_match(const UfwRule& a, const UfwRule& b) {
  return a.direction == b.direction && a.from == b.from && a.port_spec == b.port_spec &&
         a.proto == b.proto;
}

bool same_outcome(const UfwRule& a, const UfwRule& b) {
  return a.action == b.action && a.logtype == b.logtype && a.comment == b.comment;
}

// Appends the rule, replaces a rule it only updates, or returns false when already present.
bool add_rule(Firewall& fw, UfwRule rule) {
  for (UfwRule& existing : fw.rules) {
    if (!same_match(existing, rule)) continue;
    if (same_outcome(existing, rule)) return false;
    existing = std::move(rule);
    return true;
  }
  fw.rules.push_back(std::move(rule));
  return true;
}

bool apply_rule(Firewall& fw, UfwRule::Action action, const Words& args, const std::string& text) {
  Draft d;
  d.rule.action = action;
  d.rule.from = "any";
  d.rule.text = text;
  read_rule_args(Words(args.begin() + 1, args.end()), d);
  check_rule(d);
  if (d.refused()) return record_rejected(fw, text, d.refusal);
  if (!d.unmodelled.empty()) return record_unmodelled(fw, text, d.unmodelled);
  if (!add_rule(fw, std::move(d.rule))) return record_ignored(fw, text);
  return true;
}

// `enable`, `disable`, `reset`.
bool apply_basic(Firewall& fw, const std::string& cmd, const Words& args, const std::string& text) {
  if (args.size() != 1) {
    return record_rejected(fw, text,
                           std::string(kCommandRefused) + "'" + cmd + "' takes no arguments");
  }
  if (cmd == "reset") fw.rules.clear();
  fw.enabled = cmd == "enable";
  return true;
}

std::optional<FirewallVerdict> policy_verdict(const std::string& policy) {
  if (policy == "allow") return FirewallVerdict::kAllow;
  if (policy == "deny" || policy == "reject") return FirewallVerdict::kDeny;
  return std::nullopt;
}

// `default allow|deny|reject [incoming|outgoing|routed]` (incoming when no direction is given).
bool apply_default(Firewall& fw, const Words& args, const std::string& text) {
  const std::string usage = std::string(kCommandRefused) +
                            "expected 'default allow|deny|reject [incoming|outgoing|routed]'";
  const std::optional<FirewallVerdict> verdict =
      args.size() >= 2 ? policy_verdict(lower(args[1])) : std::nullopt;
  if (!verdict) return record_rejected(fw, text, usage);
  const std::string direction = args.size() >= 3 ? lower(args[2]) : "incoming";
  if (direction == "incoming" || direction == "input") {
    fw.default_incoming = *verdict;
  } else if (direction == "outgoing" || direction == "output") {
    fw.default_outgoing = *verdict;
  } else if (direction == "routed" || direction == "forward") {
    return record_ignored(fw, text);
  } else {
    return record_rejected(fw, text, usage);
  }
  return true;
}

bool is_reporting_command(const std::string& cmd) {
  static const char* const kCommands[] = {"status",  "show",      "logging", "reload", "app",
                                          "version", "--version", "help",    "--help", "-h"};
  return std::any_of(std::begin(kCommands), std::end(kCommands),
                     [&](const char* c) { return cmd == c; });
}

bool is_rule_edit(const std::string& cmd) {
  return cmd == "delete" || cmd == "insert" || cmd == "prepend" || cmd == "route";
}

// `args` is everything after `ufw`, global options included.
bool apply_ufw_args(Firewall& fw, Words args, const std::string& text) {
  if (!args.empty() && args[0] == "--dry-run") return record_ignored(fw, text);
  if (!args.empty() && (args[0] == "--force" || args[0] == "-f")) args.erase(args.begin());
  if (!args.empty() && args[0] == "rule" && args.size() > 1) args.erase(args.begin());
  if (args.empty()) return record_rejected(fw, text, std::string(kCommandRefused) + "no command");
  if (const std::optional<UfwRule::Action> action = rule_action(args[0])) {
    return apply_rule(fw, *action, args, text);
  }
  const std::string cmd = lower(args[0]);
  if (cmd == "enable" || cmd == "disable" || cmd == "reset")
    return apply_basic(fw, cmd, args, text);
  if (cmd == "default") return apply_default(fw, args, text);
  if (is_reporting_command(cmd)) return record_ignored(fw, text);
  if (is_rule_edit(cmd)) {
    return record_unmodelled(fw, text, std::string(kNotModelled) + "'" + cmd + "' of rules");
  }
  return record_rejected(fw, text,
                         std::string(kCommandRefused) + "unknown command '" + args[0] + "'");
}

bool is_ufw(const std::string& word) {
  return word == "ufw" || (word.size() > 4 && word.ends_with("/ufw"));
}

// `words` is the whole line; strips `sudo` and hands ufw commands on.
bool apply_words(Firewall& fw, Words words, const std::string& text) {
  if (has_shell_operator(words)) {
    return record_unmodelled(
        fw, text,
        std::string(kNotModelled) + "several shell commands on one line (give one per line)");
  }
  if (!words.empty() && words.front() == "sudo") words.erase(words.begin());
  if (words.empty()) return record_rejected(fw, text, "not a command: 'sudo' with nothing to run");
  if (words.front().starts_with("-")) {
    return record_unmodelled(fw, text, std::string(kNotModelled) + "sudo options");
  }
  if (!is_ufw(words.front())) return record_ignored(fw, text);
  return apply_ufw_args(fw, Words(words.begin() + 1, words.end()), text);
}

}  // namespace

bool is_ipv4_address(std::string_view text) { return parse_ipv4(text).has_value(); }

Result<bool> apply_ufw_command(Firewall& fw, std::string_view command) {
  const std::string text(trim(command));
  if (text.empty() || text.front() == '#') {
    return InputError{
        "", 0, "",
        text.empty() ? "empty command line: expected a command" : "a shell comment, not a command"};
  }
  const std::optional<Words> words = split_words(text);
  if (!words) return record_rejected(fw, text, "the shell cannot run this line: unbalanced quote");
  return apply_words(fw, *words, text);
}

const UfwRule* first_matching_rule(const Firewall& fw, std::string_view source_ip, uint16_t port,
                                   Proto proto) {
  const std::optional<uint32_t> source = parse_ipv4(source_ip);
  assert(source && "source_ip must be an IPv4 address");
  for (const UfwRule& r : fw.rules) {
    if (r.direction != UfwRule::Direction::kIn) continue;
    if (r.proto && *r.proto != proto) continue;
    if (!r.ports.empty() && !std::binary_search(r.ports.begin(), r.ports.end(), port)) continue;
    if (source_matches(r.from, source)) return &r;
  }
  return nullptr;
}

FirewallVerdict incoming_verdict(const Firewall& fw, std::string_view source_ip, uint16_t port,
                                 Proto proto) {
  if (!fw.enabled) return FirewallVerdict::kAllow;
  const UfwRule* rule = first_matching_rule(fw, source_ip, port, proto);
  if (rule == nullptr) return fw.default_incoming;
  const bool allows =
      rule->action == UfwRule::Action::kAllow || rule->action == UfwRule::Action::kLimit;
  return allows ? FirewallVerdict::kAllow : FirewallVerdict::kDeny;
}

}  // namespace clawsim
