#include "live/ssh.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <libssh2.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>

#include "model/shell_quote.h"

namespace clawsim {

namespace {

using Clock = std::chrono::steady_clock;

void init_libssh2_once() {
  static std::once_flag once;
  std::call_once(once, [] { libssh2_init(0); });
}

TimeMs remaining_ms(Clock::time_point deadline) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
}

// A TCP connection with a deadline (non-blocking connect + poll).
int connect_tcp(const SshTarget& t, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(t.port);
  if (const int rc = getaddrinfo(t.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    error = t.name + " (" + t.host + "): cannot resolve: " + gai_strerror(rc);
    return -1;
  }
  const int fd = socket(found->ai_family, found->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    freeaddrinfo(found);
    error = t.name + ": socket: " + std::strerror(errno);
    return -1;
  }
  int rc = ::connect(fd, found->ai_addr, found->ai_addrlen);
  freeaddrinfo(found);
  if (rc < 0 && errno == EINPROGRESS) {
    pollfd p{fd, POLLOUT, 0};
    rc = poll(&p, 1, static_cast<int>(t.connect_timeout_ms));
    if (rc == 0) {
      close(fd);
      error = t.name + " (" + t.host + ":" + port + "): connection timed out after " +
              std::to_string(t.connect_timeout_ms) + " ms";
      return -1;
    }
    int soerr = 0;
    socklen_t len = sizeof soerr;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
    rc = soerr == 0 ? 0 : -1;
    errno = soerr;
  }
  if (rc < 0) {
    error = t.name + " (" + t.host + ":" + port + "): cannot connect: " + std::strerror(errno);
    close(fd);
    return -1;
  }
  return fd;
}

// `timeout` answers 124 when it stopped the command (137: it had to SIGKILL it).
constexpr int kTimeoutExit = 124;
constexpr int kTimeoutKilledExit = 137;
// The node's own bound fires first; this much later the caller stops waiting for it.
constexpr DurationMs kNodeBoundMarginMs = 500;

std::string session_error(LIBSSH2_SESSION* s) {
  char* msg = nullptr;
  libssh2_session_last_error(s, &msg, nullptr, 0);
  return msg ? msg : "unknown libssh2 error";
}

}  // namespace

struct SshSession::Impl {
  int fd = -1;
  LIBSSH2_SESSION* session = nullptr;

  ~Impl() {
    if (session) {
      // In non-blocking mode disconnect and free may return EAGAIN and free nothing.
      libssh2_session_set_blocking(session, 1);
      libssh2_session_set_timeout(session, 2000);
      libssh2_session_disconnect_ex(session, SSH_DISCONNECT_BY_APPLICATION, "bye", "");
      // A peer that stopped answering (its sshd frozen, its host gone) would keep the free
      // waiting for each channel's close until the timeout, and libssh2 then frees nothing:
      // with the socket shut, every exchange fails at once and the session is freed.
      if (fd >= 0) shutdown(fd, SHUT_RDWR);
      libssh2_session_free(session);
    }
    if (fd >= 0) close(fd);
  }

  // Waits until the socket is ready in the direction libssh2 is blocked on; false on timeout.
  bool wait(Clock::time_point deadline) const {
    const TimeMs left = remaining_ms(deadline);
    if (left <= 0) return false;
    const int dir = libssh2_session_block_directions(session);
    pollfd p{fd, 0, 0};
    if (dir & LIBSSH2_SESSION_BLOCK_INBOUND) p.events |= POLLIN;
    if (dir & LIBSSH2_SESSION_BLOCK_OUTBOUND) p.events |= POLLOUT;
    if (p.events == 0) p.events = POLLIN;
    return poll(&p, 1, static_cast<int>(std::min<TimeMs>(left, 1000))) >= 0;
  }
};

std::string bounded_on_node(const std::string& command, DurationMs timeout_ms) {
  const std::string quoted = shell_quote(command);
  const std::string seconds = std::to_string((timeout_ms + 999) / 1000);
  return "c=" + quoted + "; if command -v timeout >/dev/null 2>&1; then exec timeout -k 2 " + seconds +
         " \"${SHELL:-/bin/sh}\" -c \"$c\"; fi; exec \"${SHELL:-/bin/sh}\" -c \"$c\"";
}

std::string CommandResult::describe() const {
  if (!error.empty()) return error;
  if (timed_out) {
    if (timeout_ms <= 0) return "timed out";
    return timeout_ms % 1000 == 0 ? "timed out after " + std::to_string(timeout_ms / 1000) + " s"
                                  : "timed out after " + std::to_string(timeout_ms) + " ms";
  }
  std::string out_text = "exit status " + std::to_string(exit_status);
  std::string e = err;
  while (!e.empty() && (e.back() == '\n' || e.back() == '\r')) e.pop_back();
  if (!e.empty()) out_text += ": " + e;
  return out_text;
}

std::unique_ptr<SshSession> SshSession::connect(const SshTarget& target, std::string& error) {
  // As OpenSSH: a private key that others can read is not used (before anything is dialled).
  struct stat key_file {};
  if (::stat(target.key_path.c_str(), &key_file) == 0 && (key_file.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(key_file.st_mode & 07777));
    error = target.name + ": refusing to use the private key " + target.key_path + ": others can read it (mode " +
            mode + "); chmod 600 " + target.key_path + ", as OpenSSH requires";
    return nullptr;
  }
  init_libssh2_once();
  std::unique_ptr<SshSession> s(new SshSession());
  s->target_ = target;
  s->impl_ = std::make_unique<Impl>();
  Impl& impl = *s->impl_;
  impl.fd = connect_tcp(target, error);
  if (impl.fd < 0) return nullptr;
  impl.session = libssh2_session_init_ex(nullptr, nullptr, nullptr, nullptr);
  if (!impl.session) {
    error = target.name + ": cannot create an SSH session";
    return nullptr;
  }
  libssh2_session_set_blocking(impl.session, 1);
  libssh2_session_set_timeout(impl.session, static_cast<long>(target.connect_timeout_ms));
  if (libssh2_session_handshake(impl.session, impl.fd) != 0) {
    error = target.name + " (" + target.host + "): SSH handshake failed: " + session_error(impl.session);
    return nullptr;
  }
  // Host key: must be in known_hosts and match. Unknown and changed keys are refused.
  LIBSSH2_KNOWNHOSTS* known = libssh2_knownhost_init(impl.session);
  if (!known || libssh2_knownhost_readfile(known, target.known_hosts.c_str(),
                                           LIBSSH2_KNOWNHOST_FILE_OPENSSH) < 0) {
    if (known) libssh2_knownhost_free(known);
    error = target.known_hosts + ": cannot read the known_hosts file";
    return nullptr;
  }
  std::size_t key_len = 0;
  int key_type = 0;
  const char* key = libssh2_session_hostkey(impl.session, &key_len, &key_type);
  libssh2_knownhost* entry = nullptr;
  const int check = key == nullptr ? LIBSSH2_KNOWNHOST_CHECK_FAILURE
                                   : libssh2_knownhost_checkp(
                                         known, target.host.c_str(), target.port, key, key_len,
                                         LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW,
                                         &entry);
  libssh2_knownhost_free(known);
  if (check == LIBSSH2_KNOWNHOST_CHECK_MISMATCH) {
    error = target.name + " (" + target.host + "): HOST KEY MISMATCH: the key offered differs "
            "from the one in " + target.known_hosts + "; refusing to connect";
    return nullptr;
  }
  if (check != LIBSSH2_KNOWNHOST_CHECK_MATCH) {
    error = target.name + " (" + target.host + "): unknown host key: not in " +
            target.known_hosts + "; refusing to connect";
    return nullptr;
  }
  const std::string pub = target.key_path + ".pub";
  if (libssh2_userauth_publickey_fromfile_ex(
          impl.session, target.user.c_str(), static_cast<unsigned int>(target.user.size()),
          pub.c_str(), target.key_path.c_str(), nullptr) != 0) {
    error = target.name + " (" + target.host + "): public-key login as " + target.user +
            " failed with key " + target.key_path + ": " + session_error(impl.session);
    return nullptr;
  }
  libssh2_session_set_blocking(impl.session, 0);
  return s;
}

SshSession::~SshSession() = default;

CommandResult SshSession::run(const std::string& command, DurationMs timeout_ms,
                              std::size_t max_output) {
  CommandResult r;
  r.timeout_ms = timeout_ms;
  if (broken_) {
    r.error = target_.name + ": the SSH connection is broken";
    return r;
  }
  Impl& impl = *impl_;
  const auto started = Clock::now();
  const auto deadline = started + std::chrono::milliseconds(timeout_ms + kNodeBoundMarginMs);
  const std::string remote = bounded_on_node(command, timeout_ms);
  LIBSSH2_CHANNEL* ch = nullptr;
  while (!(ch = libssh2_channel_open_ex(impl.session, "session", 7, LIBSSH2_CHANNEL_WINDOW_DEFAULT,
                                        LIBSSH2_CHANNEL_PACKET_DEFAULT, nullptr, 0))) {
    if (libssh2_session_last_errno(impl.session) != LIBSSH2_ERROR_EAGAIN || !impl.wait(deadline)) {
      broken_ = remaining_ms(deadline) > 0;
      r.timed_out = !broken_;  // the server does not answer: no channel within the bound
      if (broken_) r.error = target_.name + ": cannot open a channel: " + session_error(impl.session);
      return r;
    }
  }
  int rc = 0;
  while ((rc = libssh2_channel_process_startup(ch, "exec", 4, remote.data(),
                                               static_cast<unsigned int>(remote.size()))) ==
         LIBSSH2_ERROR_EAGAIN) {
    if (!impl.wait(deadline)) break;
  }
  char buf[16384];
  bool done = rc != 0;
  if (rc != 0 && rc != LIBSSH2_ERROR_EAGAIN) r.error = target_.name + ": exec failed: " + session_error(impl.session);
  while (!done) {
    bool progressed = false;
    for (int stream : {0, SSH_EXTENDED_DATA_STDERR}) {
      for (;;) {
        const ssize_t n = libssh2_channel_read_ex(ch, stream, buf, sizeof buf);
        if (n == LIBSSH2_ERROR_EAGAIN) break;
        if (n < 0) {
          r.error = target_.name + ": read failed: " + session_error(impl.session);
          broken_ = true;
          done = true;
          break;
        }
        if (n == 0) break;
        progressed = true;
        std::string& dst = stream == 0 ? r.out : r.err;
        const std::size_t keep = std::min(static_cast<std::size_t>(n), max_output - std::min(max_output, dst.size()));
        dst.append(buf, keep);
        r.truncated = r.truncated || keep < static_cast<std::size_t>(n);
      }
    }
    if (done || libssh2_channel_eof(ch)) break;
    if (remaining_ms(deadline) <= 0) {
      r.timed_out = true;
      break;
    }
    if (!progressed) impl.wait(deadline);
  }
  if (r.timed_out) {
    // The remote command is still running and the server will not close the channel before
    // it ends: drop the whole connection (its owner reconnects) instead of waiting for it.
    broken_ = true;
    return r;
  }
  // Close the channel, briefly bounded; a hung close marks the connection broken.
  const auto close_deadline = Clock::now() + std::chrono::milliseconds(2000);
  while (libssh2_channel_close(ch) == LIBSSH2_ERROR_EAGAIN) {
    if (!impl.wait(close_deadline)) {
      broken_ = true;
      break;
    }
  }
  if (!r.timed_out && r.error.empty()) {
    while (libssh2_channel_wait_closed(ch) == LIBSSH2_ERROR_EAGAIN) {
      if (!impl.wait(close_deadline)) break;
    }
    r.exit_status = libssh2_channel_get_exit_status(ch);
    const bool outlived = Clock::now() - started >= std::chrono::milliseconds(timeout_ms);
    r.timed_out = outlived && (r.exit_status == kTimeoutExit || r.exit_status == kTimeoutKilledExit);
  }
  const auto free_deadline = Clock::now() + std::chrono::milliseconds(2000);
  while (libssh2_channel_free(ch) == LIBSSH2_ERROR_EAGAIN) {
    if (!impl.wait(free_deadline)) {
      broken_ = true;  // the session frees what is left when it goes
      break;
    }
  }
  return r;
}

}  // namespace clawsim
