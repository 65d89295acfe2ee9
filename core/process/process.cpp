#include "process/process.hpp"

#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace beaver {
namespace fs = std::filesystem;

std::optional<fs::path> find_program(const std::string& program) {
  if (program.empty()) return std::nullopt;
  if (program.find('/') != std::string::npos)
    return access(program.c_str(), X_OK) == 0 ? std::optional<fs::path>(program) : std::nullopt;
  const char* path = std::getenv("PATH");
  std::string_view dirs = path != nullptr ? path : "/usr/bin:/bin";
  while (!dirs.empty()) {
    auto colon = dirs.find(':');
    fs::path candidate = fs::path(std::string(dirs.substr(0, colon))) / program;
    if (access(candidate.c_str(), X_OK) == 0 && !fs::is_directory(candidate)) return candidate;
    if (colon == std::string_view::npos) break;
    dirs.remove_prefix(colon + 1);
  }
  return std::nullopt;
}

Result<ProcessResult> run_process(const std::vector<std::string>& argv, const fs::path& cwd,
                                  const OutputSink& output, const ProcessOptions& options) {
  if (argv.empty()) return fail(ErrorKind::internal, "no program to run");
  int input = open(options.stdin_file.empty() ? "/dev/null" : options.stdin_file.c_str(),
                   O_RDONLY | O_CLOEXEC);
  if (input < 0)
    return fail(ErrorKind::bad_input, "cannot read {}: {}", options.stdin_file.string(),
                strerror(errno));
  struct CloseInput {
    int fd;
    ~CloseInput() { close(fd); }
  } close_input{input};
  auto started = std::chrono::steady_clock::now();
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0) return fail(ErrorKind::internal, "pipe: {}", strerror(errno));
  // A second pipe reports a failed exec: it closes unread on success (CLOEXEC).
  if (pipe2(err, O_CLOEXEC) != 0) {
    close(out[0]);
    close(out[1]);
    return fail(ErrorKind::internal, "pipe: {}", strerror(errno));
  }
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  // beaver's own secrets (the ledger's URL with its password, an API token) stay with beaver: a
  // build step or a host's command is another program, and may print its environment.
  std::vector<char*> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view v(*e);
    if (!v.starts_with("BEAVER_DATABASE=") && !v.starts_with("BEAVER_TOKEN=")) env.push_back(*e);
  }
  env.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) {
    int e = errno;
    for (int fd : {out[0], out[1], err[0], err[1]}) close(fd);
    return fail(ErrorKind::internal, "fork: {}", strerror(e));
  }
  if (pid == 0) {
    // Its own process group, so whatever the step leaves running can be stopped with it.
    setpgid(0, 0);
    dup2(input, STDIN_FILENO);
    dup2(out[1], STDOUT_FILENO);
    dup2(out[1], STDERR_FILENO);
    // Nothing else of beaver's (the build log, the database) reaches the program.
    close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
    int e = 0;
    if (chdir(cwd.c_str()) != 0) {
      e = errno;
    } else {
      execvpe(args[0], args.data(), env.data());
      e = errno;
    }
    (void)!write(err[1], &e, sizeof e);
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  // Reads until the program exits, not until the pipe closes: a background process it started
  // may hold the pipe open for ever.
  char buffer[16384];
  int status = 0;
  bool exited = false;
  // The exit is waited for on a pidfd beside the pipe, so it is seen at once, not at the next
  // tick; kernels without pidfd_open fall back to looking every 100 ms.
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  pollfd fds[2] = {{out[0], POLLIN, 0}, {pidfd, POLLIN, 0}};
  auto deadline = started + options.timeout;
  bool timed_out = false;
  while (!exited) {
    int wait_ms = pidfd >= 0 ? -1 : 100;
    if (options.timeout.count() > 0) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 && !timed_out) {
        kill(-pid, SIGKILL);
        timed_out = true;
      }
      int cap = timed_out ? 100 : static_cast<int>(std::max<int64_t>(left.count(), 1));
      wait_ms = wait_ms < 0 ? cap : std::min(wait_ms, cap);
    }
    int ready = poll(fds, 2, wait_ms);
    if (ready > 0 && fds[0].revents != 0) {
      ssize_t n = read(out[0], buffer, sizeof buffer);
      if (n > 0) {
        output(std::string_view(buffer, static_cast<size_t>(n)));
        continue;
      }
      if (n == 0) fds[0].fd = -1;  // closed: only the exit is left to wait for
    }
    pid_t done = waitpid(pid, &status, WNOHANG);
    exited = done == pid || (done < 0 && errno != EINTR);
  }
  if (pidfd >= 0) close(pidfd);
  // What is already in the pipe is the program's last words; anything it left behind is stopped.
  fcntl(out[0], F_SETFL, O_NONBLOCK);
  for (ssize_t n; (n = read(out[0], buffer, sizeof buffer)) > 0;)
    output(std::string_view(buffer, static_cast<size_t>(n)));
  kill(-pid, SIGKILL);
  close(out[0]);
  int exec_errno = 0;
  bool exec_failed = read(err[0], &exec_errno, sizeof exec_errno) == sizeof exec_errno;
  close(err[0]);
  if (exec_failed)
    return fail(ErrorKind::bad_input, "cannot run {} in {}: {}", argv[0], cwd.string(),
                strerror(exec_errno));
  ProcessResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.timed_out = timed_out;
  r.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  return r;
}

std::string process_start_time(int64_t pid) {
  std::ifstream in(fmt::format("/proc/{}/stat", pid));
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The command name in parentheses may hold spaces: fields are counted after its ')'.
  auto close = stat.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream fields(stat.substr(close + 2));
  std::string field;
  for (int i = 3; i <= 22 && fields >> field; ++i)
    if (i == 22) return field;  // starttime, in clock ticks since boot
  return {};
}

std::string machine_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}

}  // namespace beaver
