// Expected failures as values: a bad plan, scenario or command names where it went wrong
// (file, line, field) so a person can fix it. Broken invariants are bugs and assert instead.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace clawsim {

struct InputError {
  std::string file;     // "" when the text did not come from a file
  int line = 0;         // 1-based; 0 when unknown
  std::string field;    // dotted path, e.g. "services[2].constraints[0]"
  std::string message;  // what is wrong and, where it helps, what is expected

  // "plan.yaml:12: services[2].constraints[0]: expected '==' or '!='"
  std::string to_string() const {
    std::string out = file.empty() ? std::string("<input>") : file;
    if (line > 0) out += ":" + std::to_string(line);
    out += ": ";
    if (!field.empty()) out += field + ": ";
    out += message;
    return out;
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
