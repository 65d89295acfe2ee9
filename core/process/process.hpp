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
};

using OutputSink = std::function<void(std::string_view chunk)>;

// The full path of `program` found on PATH (or itself when it holds a '/'), if executable.
std::optional<std::filesystem::path> find_program(const std::string& program);

// Runs `argv` in `cwd` and waits for it. A program that cannot be started is an error; a program
// that runs and fails is a result with its exit code.
Result<ProcessResult> run_process(const std::vector<std::string>& argv,
                                  const std::filesystem::path& cwd, const OutputSink& output);

}  // namespace beaver
