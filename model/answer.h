// Whether an operation on a cluster took effect, and the cluster's words either way: Docker's
// answer ("Manager boston demoted in the swarm.") or its refusal ("Error response from daemon:
// ..."). Success is decided where the answer is made (the simulated swarm, the exit status of a
// remote command), never by reading the words afterwards. Text only at the edges: reports and
// timelines show text(), which is "ok" for an operation that says nothing.
#pragma once

#include <ostream>
#include <string>
#include <utility>

namespace clawsim {

class Answer {
 public:
  static Answer ok() { return Answer(true, ""); }
  // Success with the words Docker prints for it.
  static Answer ok(std::string said) { return Answer(true, std::move(said)); }
  static Answer refused(std::string why) { return Answer(false, std::move(why)); }
  // No answer came (no connection, timed out): whether it took effect is not known.
  static Answer no_answer(std::string why) {
    Answer a(false, std::move(why));
    a.unanswered_ = true;
    return a;
  }

  bool is_ok() const { return ok_; }
  bool unanswered() const { return unanswered_; }
  explicit operator bool() const { return ok_; }
  // What the operator reads: Docker's words, or "ok" when the operation says nothing.
  std::string text() const { return message_.empty() ? (ok_ ? "ok" : "refused") : message_; }
  const std::string& message() const { return message_; }

  bool operator==(const Answer&) const = default;
  friend std::ostream& operator<<(std::ostream& out, const Answer& a) {
    return out << (a.ok_ ? "ok" : "refused") << ": " << a.text();
  }

 private:
  Answer(bool ok, std::string message) : ok_(ok), message_(std::move(message)) {}
  bool ok_;
  bool unanswered_ = false;
  std::string message_;
};

}  // namespace clawsim
