// A placement constraint, as a plan, a scenario or a change gives one: parsed, matched
// against a node, and written as JSON.
#include <cstddef>
#include <cstdint>

#include "model/constraint.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace clawsim;
  Result<Constraint> parsed = parse_constraint(fuzz::as_text(data, size));
  if (!parsed) {
    fuzz::check_error(parsed.error(), "<input>");
    return 0;
  }
  const Constraint& c = parsed.value();
  NodeFacts node;
  node.id = "atlanta";
  node.hostname = "atlanta";
  node.role = "manager";
  node.platform_os = "linux";
  node.platform_arch = "x86_64";
  node.labels = {{"openclaw.trusted", "true"}, {"zone", "a"}};
  node.engine_labels = {{"storage", "ssd"}};
  const bool matches = constraint_matches(c, node);
  if (matches && !is_supported_key(c.key)) fuzz::fail("an unknown key matched", c.text);
  fuzz::check_report({{"key", c.key}, {"op", std::string(op_text(c.op))}, {"value", c.value},
                      {"text", c.text}, {"supported", is_supported_key(c.key)}, {"matches", matches}});
  return 0;
}
