#include "build/build.hpp"

#include <cstdlib>
#include <fstream>
#include <map>

#include "git/git.hpp"
#include "process/process.hpp"
#include "service/version.hpp"
#include "text/escape_stripper.hpp"

namespace beaver {
namespace {

namespace fs = std::filesystem;

std::string debian_package_for(const std::string& tool) {
  static const std::map<std::string, std::string> packages{{"mvn", "maven"},
                                                           {"gradle", "gradle"},
                                                           {"java", "openjdk-17-jdk-headless"},
                                                           {"javac", "openjdk-17-jdk-headless"},
                                                           {"jar", "openjdk-17-jdk-headless"}};
  auto p = packages.find(tool);
  return p != packages.end() ? p->second : tool;
}

// Without Maven repository access, Maven must use Debian's packaged plugins. BEAVER_MAVEN_OFFLINE
// (1 or 0) decides; otherwise a machine with Debian's repository and no Maven settings of its own
// is taken to be offline (beaver never probes the network to find out).
std::vector<std::string> maven_args(const fs::path& data_dir) {
  std::vector<std::string> offline{
      "-o", "-s", (data_dir / "pipelines" / "maven-offline-settings.xml").string()};
  if (const char* v = std::getenv("BEAVER_MAVEN_OFFLINE"); v != nullptr && *v != '\0')
    return std::string_view(v) == "0" ? std::vector<std::string>{} : offline;
  const char* home = std::getenv("HOME");
  std::error_code ec;
  bool own_settings = home != nullptr && fs::exists(fs::path(home) / ".m2" / "settings.xml", ec);
  return !own_settings && fs::is_directory("/usr/share/maven-repo", ec)
             ? offline
             : std::vector<std::string>{};
}

}  // namespace

Result<BuildReport> run_build(const ServiceManifest& m, const fs::path& root,
                              const fs::path& data_dir, BuildObserver& observer) {
  for (const auto& tool : m.pipeline.tools)
    if (!find_program(tool))
      return fail(ErrorKind::bad_input,
                  "the {} pipeline needs {}, which is not installed here (Debian package: {})",
                  m.pipeline.name, tool, debian_package_for(tool));
  BuildReport report;
  auto version = resolve_version(m, root);
  if (!version) return std::unexpected(version.error());
  report.version = *version;
  // Tools that stamp times into their output (jar --date) get the commit time, so one commit
  // builds to the same bytes.
  auto git = read_git_facts(root);
  std::string source_date =
      format_utc(git ? git->commit_time : Timestamp{std::chrono::seconds{315532800}});
  StepVariables vars{{"service", {m.service}},
                     {"version", {report.version}},
                     {"source_date", {source_date}},
                     {"maven_args", maven_args(data_dir)},
                     {"pipelines", {(data_dir / "pipelines").string()}}};
  auto jar = expand_text(m.jar, vars);
  if (!jar) return std::unexpected(jar.error());
  report.jar = root / *jar;

  std::error_code ec;
  fs::create_directories(root / "dist", ec);
  report.log = root / "dist" / "build.log";
  std::ofstream log(report.log, std::ios::binary | std::ios::trunc);
  if (!log) return fail(ErrorKind::bad_input, "cannot write {}", report.log.string());
  for (const auto& step : m.pipeline.steps) {
    auto argv = expand_step(step, vars);
    if (!argv) return std::unexpected(argv.error());
    observer.step_started(step.name, *argv);
    log << "$ " << fmt::format("{}", fmt::join(*argv, " ")) << '\n';
    // The log is read in editors and browsers, where colour codes are noise; the terminal keeps
    // whatever the tool chose to draw.
    EscapeStripper plain;
    auto result = run_process(*argv, root, [&](std::string_view chunk) {
      std::string text = plain.strip(chunk);
      log.write(text.data(), static_cast<std::streamsize>(text.size()));
      observer.output(chunk);
    });
    log.flush();
    if (!result) return std::unexpected(result.error());
    StepReport step_report{step.name, *argv, result->exit_code, result->elapsed};
    report.steps.push_back(step_report);
    observer.step_finished(step_report);
    if (result->exit_code != 0)
      return fail(ErrorKind::refused, "build step '{}' failed with exit code {} (log: {})",
                  step.name, result->exit_code, report.log.string());
  }
  if (!fs::is_regular_file(report.jar, ec))
    return fail(ErrorKind::refused,
                "the build finished but the jar is not where the manifest says: {} (log: {})", *jar,
                report.log.string());
  return report;
}

}  // namespace beaver
