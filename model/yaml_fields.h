// Typed, located access to a YAML (or JSON) document for the plan and scenario parsers.
// Every failure becomes an InputError naming the file, the line and the dotted field path.
// Reads only the text it is handed.
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "model/error.h"
#include "model/time.h"

namespace clawsim {

// Thrown inside the parsers only; converted to Result at their boundary.
struct InputErrorException {
  InputError error;
};

// A YAML node together with where it came from.
class Field {
 public:
  Field(YAML::Node node, std::string path, const std::string* file)
      : node_(std::move(node)), path_(std::move(path)), file_(file) {}

  const YAML::Node& node() const { return node_; }
  const std::string& path() const { return path_; }
  int line() const;
  bool present() const { return node_.IsDefined() && !node_.IsNull(); }

  [[noreturn]] void fail(const std::string& message) const;

  Field child(const std::string& key) const;  // may be absent
  Field item(std::size_t index) const;
  std::size_t size() const;  // of a sequence; fails otherwise

  void expect_map() const;
  void expect_sequence() const;
  // Fails on a key outside `allowed`, naming the ones that are.
  void only_keys(std::initializer_list<std::string_view> allowed) const;

  std::string as_string() const;
  long long as_int(long long min, long long max) const;
  bool as_bool() const;
  // "1500", "1500ms", "30s", "2m", "1h" -> milliseconds; must be >= 0.
  DurationMs as_duration_ms() const;
  std::vector<std::string> as_string_list() const;  // a scalar counts as a list of one

 private:
  YAML::Node node_;
  std::string path_;
  const std::string* file_;
  int fallback_line_ = 0;
};

// Parses text into a root Field, or throws InputErrorException with the parser's location.
// A control character other than tab, LF and CR is an error at its line and column.
YAML::Node load_document(std::string_view text, const std::string& file);
// A YAML syntax error in plain words, at its line and column (yaml-cpp's own words kept).
InputError yaml_syntax_error(const YAML::Exception& e, const std::string& file);

// The common shell of a parser: loads the document, hands its root to `read`, and turns every
// failure (YAML syntax, Field::fail) into an InputError. `what` names the document in the
// message for an empty one ("plan", "scenario", ...).
template <class T, class Read>
Result<T> parse_document(std::string_view text, const std::string& file, const char* what,
                         Read read) {
  try {
    const Field root(load_document(text, file), "", &file);
    if (!root.present()) root.fail(std::string("the ") + what + " is empty");
    return read(root);
  } catch (const InputErrorException& e) {
    return e.error;
  } catch (const YAML::Exception& e) {
    return yaml_syntax_error(e, file);
  }
}

// Parses a duration literal as above; returns false on a malformed one.
bool parse_duration_ms(std::string_view text, DurationMs& out);

}  // namespace clawsim
