#include "live/local_command.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>

extern char** environ;

namespace clawsim {

namespace {

struct Pipe {
  int fd[2] = {-1, -1};
  ~Pipe() {
    for (int f : fd) {
      if (f >= 0) ::close(f);
    }
  }
  void close_end(int i) {
    if (fd[i] >= 0) ::close(fd[i]);
    fd[i] = -1;
  }
};

std::string os_error(const char* what, int err) { return std::string(what) + ": " + std::strerror(err); }

}  // namespace

CommandResult run_here(const std::string& command, DurationMs timeout_ms, std::size_t max_output) {
  CommandResult r;
  Pipe out, err;
  if (::pipe2(out.fd, O_CLOEXEC) != 0 || ::pipe2(err.fd, O_CLOEXEC) != 0) {
    r.error = os_error("cannot create a pipe", errno);
    return r;
  }
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out.fd[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err.fd[1], 2);
  // A group of its own: on a timeout the command and whatever it started are killed together.
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, "/bin/sh", &actions, &attr, const_cast<char* const*>(argv), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (spawned != 0) {
    r.error = os_error("cannot run /bin/sh", spawned);
    return r;
  }
  out.close_end(1);
  err.close_end(1);

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  std::array<pollfd, 2> fds{pollfd{out.fd[0], POLLIN, 0}, pollfd{err.fd[0], POLLIN, 0}};
  std::array<std::string*, 2> sinks{&r.out, &r.err};
  int open_streams = 2;
  while (open_streams > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      r.timed_out = true;
      break;
    }
    const int n = ::poll(fds.data(), fds.size(), static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      r.error = os_error("poll", errno);
      break;
    }
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buf[4096];
      const ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {  // EOF (or an error): this stream is done
        fds[i].fd = -1;
        --open_streams;
        continue;
      }
      const std::size_t room = max_output - std::min(max_output, sinks[i]->size());
      sinks[i]->append(buf, std::min(room, static_cast<std::size_t>(got)));
      if (static_cast<std::size_t>(got) > room) r.truncated = true;
    }
  }
  // The streams closed, or time ran out. A command that runs over is killed with everything
  // it started, while it is still unreaped: its group ID cannot belong to anyone else.
  if (r.timed_out) ::kill(-pid, SIGKILL);
  int status = 0;
  for (;;) {
    const pid_t w = ::waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) {
      r.error = os_error("waitpid", errno);
      return r;
    }
    if (!r.timed_out && std::chrono::steady_clock::now() >= deadline) {  // closed its output, runs on
      r.timed_out = true;
      ::kill(-pid, SIGKILL);
    }
    ::usleep(10'000);
  }
  if (WIFEXITED(status)) r.exit_status = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.exit_status = 128 + WTERMSIG(status);
  return r;
}

}  // namespace clawsim
