#include "process/process.hpp"

#include <fcntl.h>
#include <poll.h>
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
  if (pid < 0) return fail(ErrorKind::internal, "fork: {}", strerror(errno));
  if (pid == 0) {
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    dup2(out[1], STDOUT_FILENO);
    dup2(out[1], STDERR_FILENO);
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
  char buffer[16384];
  for (;;) {
    ssize_t n = read(out[0], buffer, sizeof buffer);
    if (n > 0) {
      output(std::string_view(buffer, static_cast<size_t>(n)));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    break;
  }
  close(out[0]);
  int exec_errno = 0;
  bool exec_failed = read(err[0], &exec_errno, sizeof exec_errno) == sizeof exec_errno;
  close(err[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
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
