#include "process/process.hpp"

#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

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
                                  const OutputSink& output) {
  if (argv.empty()) return fail(ErrorKind::internal, "no program to run");
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
  pid_t pid = fork();
  if (pid < 0) {
    int e = errno;
    for (int fd : {out[0], out[1], err[0], err[1]}) close(fd);
    return fail(ErrorKind::internal, "fork: {}", strerror(e));
  }
  if (pid == 0) {
    // Its own process group, so whatever the step leaves running can be stopped with it.
    setpgid(0, 0);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) {
      dup2(devnull, STDIN_FILENO);
      close(devnull);
    }
    dup2(out[1], STDOUT_FILENO);
    dup2(out[1], STDERR_FILENO);
    // Nothing else of beaver's (the build log, the database) reaches the program.
    close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
    int e = 0;
    if (chdir(cwd.c_str()) != 0) {
      e = errno;
    } else {
      execvp(args[0], args.data());
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
  pollfd pfd{out[0], POLLIN, 0};
  while (!exited) {
    int ready = poll(&pfd, 1, 100);
    if (ready > 0) {
      ssize_t n = read(out[0], buffer, sizeof buffer);
      if (n > 0) {
        output(std::string_view(buffer, static_cast<size_t>(n)));
        continue;
      }
      if (n == 0) pfd.fd = -1;  // closed: only the exit is left to wait for
    }
    pid_t done = waitpid(pid, &status, WNOHANG);
    exited = done == pid || (done < 0 && errno != EINTR);
  }
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
  r.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  return r;
}

}  // namespace beaver
