#include "model/scenario_writer.h"

#include <nlohmann/json.hpp>

namespace clawsim {

namespace {

// A double-quoted scalar: JSON's escapes are YAML's, so any text (quotes, newlines, bytes
// that are not UTF-8 are replaced) reads back as it was written.
std::string quoted(const std::string& text) {
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string duration(DurationMs ms) {
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + "s" : std::to_string(ms) + "ms";
}

std::string list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + quoted(items[i]);
  return out + "]";
}

std::string action_yaml(const Action& a) {
  std::string out = "{at: " + duration(a.at_ms) + ", do: " + to_string(a.kind);
  if (!a.node.empty()) out += ", node: " + quoted(a.node);
  if (!a.via.empty()) out += ", via: " + quoted(a.via);
  if (a.kind == ActionKind::kLabelAdd) out += ", label: " + quoted(a.label_key + "=" + a.label_value);
  if (a.kind == ActionKind::kLabelRm) out += ", label: " + quoted(a.label_key);
  if (a.kind == ActionKind::kPartition) {
    out += ", groups: [";
    for (std::size_t g = 0; g < a.groups.size(); ++g) out += (g ? ", " : "") + list(a.groups[g]);
    out += "]";
  }
  if (a.kind == ActionKind::kBlockPort || a.kind == ActionKind::kUnblockPort) {
    out += ", port: " + std::to_string(a.port) + ", proto: " + a.proto;
  }
  if (a.kind == ActionKind::kDegrade) {
    if (a.latency_ms > 0) out += ", latency: " + duration(a.latency_ms);
    if (a.loss_pct > 0) out += ", loss_pct: " + std::to_string(a.loss_pct);
  }
  if (a.kind == ActionKind::kServiceUpdate) {
    out += ", service: " + quoted(a.service);
    if (!a.constraint_add.empty()) out += ", constraint_add: " + list(a.constraint_add);
    if (!a.constraint_rm.empty()) out += ", constraint_rm: " + list(a.constraint_rm);
    if (a.replicas) out += ", replicas: " + std::to_string(*a.replicas);
  }
  return out + "}";
}

}  // namespace

std::string scenario_yaml(const Scenario& s) {
  std::string out = "name: " + quoted(s.name) + "\n";
  if (!s.description.empty()) out += "description: " + quoted(s.description) + "\n";
  out += "duration: " + duration(s.duration_ms) + "\n";
  if (s.observe_interval_ms != kSecondMs) out += "observe_interval: " + duration(s.observe_interval_ms) + "\n";
  out += "timeline:\n";
  for (const Action& a : s.timeline) out += "  - " + action_yaml(a) + "\n";
  return out;
}

}  // namespace clawsim
