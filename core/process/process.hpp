#pragma once
// Running a program: an argument vector (never a shell string), a working folder, and its output
// (stdout and stderr together) handed over as it arrives.

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "error/error.hpp"

namespace beaver {

struct ProcessResult {
  int exit_code = 0;  // the exit status, or 128 + signal when killed by one
  std::chrono::milliseconds elapsed{0};
  bool timed_out = false;  // stopped by ProcessOptions::timeout
};

using OutputSink = std::function<void(std::string_view chunk)>;

// The full path of `program` found on PATH (or itself when it holds a '/'), if executable.
std::optional<std::filesystem::path> find_program(const std::string& program);

struct ProcessOptions {
  std::filesystem::path stdin_file;  // the program's stdin; /dev/null when empty
  // Stopped (its whole process group) after this long, with exit code 128 + SIGKILL; 0: no limit.
  std::chrono::milliseconds timeout{0};
};

// Runs `argv` in `cwd` and waits for it. A program that cannot be started is an error; a program
// that runs and fails is a result with its exit code. Safe to call from several threads.
Result<ProcessResult> run_process(const std::vector<std::string>& argv,
                                  const std::filesystem::path& cwd, const OutputSink& output,
                                  const ProcessOptions& options = {});

// When process `pid` started (a field of /proc/PID/stat), or empty when there is no such process:
// with the pid, it names one process even after its pid is reused.
std::string process_start_time(int64_t pid);

// This machine's host name.
std::string machine_name();

}  // namespace beaver
