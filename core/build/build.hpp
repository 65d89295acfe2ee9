#pragma once
// `beaver build`: runs the service's pipeline steps in its folder, streaming their output to an
// observer as it comes and to dist/build.log without terminal escape sequences, and stops at the
// first step that fails.

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "error/error.hpp"
#include "service/manifest.hpp"

namespace beaver {

struct StepReport {
  std::string name;
  std::vector<std::string> argv;
  int exit_code = 0;
  std::chrono::milliseconds elapsed{0};
};

// Where a build's progress goes (the command line prints it; tests collect it).
class BuildObserver {
 public:
  virtual ~BuildObserver() = default;
  virtual void step_started(const std::string& name, const std::vector<std::string>& argv) = 0;
  virtual void output(std::string_view chunk) = 0;
  virtual void step_finished(const StepReport& report) = 0;
};

struct BuildReport {
  std::string version;
  std::filesystem::path jar;  // absolute, checked to exist after a good build
  std::filesystem::path log;  // dist/build.log
  std::vector<StepReport> steps;
};

// Runs every step. Errors: a tool the pipeline needs is missing (bad_input naming the Debian
// package), a step fails (refused: its name and exit code, the log kept), the jar is not where
// the manifest says (refused).
Result<BuildReport> run_build(const ServiceManifest& manifest, const std::filesystem::path& root,
                              const std::filesystem::path& data_dir, BuildObserver& observer);

}  // namespace beaver
