#include "service/service_init.hpp"

#include <algorithm>
#include <fstream>
#include <map>

#include "model/names.hpp"
#include "pipeline/pipeline.hpp"
#include "service/manifest.hpp"

namespace beaver {
namespace {

namespace fs = std::filesystem;

// A pipeline matches when one of its detect files is at the root. A regular file (pom.xml) says
// more than a folder (src/, which Maven projects have too), so folder matches count only when no
// file matches.
Result<const Pipeline*> detect(const fs::path& dir, const std::vector<Pipeline>& pipelines) {
  std::vector<const Pipeline*> by_file, by_folder;
  for (const auto& p : pipelines) {
    bool file = false, folder = false;
    for (const auto& d : p.detect) {
      std::error_code ec;
      auto st = fs::status(dir / d, ec);
      file = file || fs::is_regular_file(st);
      folder = folder || fs::is_directory(st);
    }
    if (file)
      by_file.push_back(&p);
    else if (folder)
      by_folder.push_back(&p);
  }
  const auto& found = by_file.empty() ? by_folder : by_file;
  std::vector<std::string> names;
  for (const auto* p : found) names.push_back(p->name);
  if (found.size() == 1) return found.front();
  if (found.empty())
    return bad_field("pipeline",
                     "{} holds no pom.xml, build.gradle or src/: not a Java project beaver knows "
                     "(name its pipeline)",
                     dir.string());
  return bad_field("pipeline", "{} matches several pipelines ({}): name the one to use",
                   dir.string(), fmt::join(names, ", "));
}

// The characters schemas/service.schema.json allows in a path of beaver.yaml.
bool path_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("._*/+@-").find(c) != std::string_view::npos;
}

// The files under src/main/conf/, sorted, as paths from the service root. Hidden files (an
// editor's, a .gitkeep) and anything but a regular file are left out.
Result<std::vector<std::string>> conf_files(const fs::path& dir) {
  const fs::path conf_dir = dir / "src" / "main" / "conf";
  std::vector<std::string> found;
  std::error_code ec;
  if (!fs::is_directory(conf_dir, ec)) return found;
  for (auto it = fs::recursive_directory_iterator(conf_dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->path().filename().string().starts_with('.')) {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec) && !it->is_symlink(ec))
      found.push_back(fs::relative(it->path(), dir, ec).generic_string());
  }
  if (ec) return fail(ErrorKind::bad_input, "cannot list {}: {}", conf_dir.string(), ec.message());
  std::sort(found.begin(), found.end());
  std::map<std::string, std::string> by_name;
  for (const auto& path : found) {
    if (auto bad = std::find_if_not(path.begin(), path.end(), path_char); bad != path.end())
      return fail(ErrorKind::bad_input,
                  "{}: {} is not allowed in a path of beaver.yaml (letters, digits, '.', '_', "
                  "'*', '/', '+', '@', '-'); rename it",
                  path, char_named(path, static_cast<size_t>(bad - path.begin())));
    if (path.size() > 255)
      return fail(ErrorKind::bad_input,
                  "{}: longer than the 255 characters of a path of beaver.yaml; move or rename it",
                  path);
    // The package puts every conf file in one conf/ folder, by its name alone.
    auto name = fs::path(path).filename().string();
    if (auto [it, fresh] = by_name.emplace(name, path); !fresh)
      return fail(ErrorKind::bad_input,
                  "{} and {} would both be conf/{} in the package; rename one of them", it->second,
                  path, name);
  }
  return found;
}

// The name settings.gradle (or .kts) gives the root project, `rootProject.name = 'x'`: Gradle
// names the jar after it, and the service is usually called the same.
std::optional<std::string> gradle_project_name(const fs::path& dir) {
  for (const char* name : {"settings.gradle", "settings.gradle.kts"}) {
    std::ifstream in(dir / name);
    std::string line;
    while (std::getline(in, line)) {
      auto at = line.find("rootProject.name");
      if (at == std::string::npos || line.find_first_not_of(" \t") != at) continue;
      auto open = line.find_first_of("'\"", at);
      if (open == std::string::npos) continue;
      auto close = line.find(line[open], open + 1);
      if (close != std::string::npos) return line.substr(open + 1, close - open - 1);
    }
  }
  return std::nullopt;
}

// `key: value`, its comment in the column the example manifests use.
std::string commented(const std::string& setting, std::string_view comment) {
  return fmt::format("{:<32} # {}\n", setting, comment);
}

// A commented `environments` to fill in, one entry per environment of the policy.
std::string environments_skeleton(const std::vector<std::string>& names) {
  std::string out =
      "# Where it runs, one entry per environment of the policy: uncomment, and name the hosts.\n"
      "# A host is \"local:/absolute/path\" (a folder on the machine that deploys) or\n"
      "# \"ssh://user@host[:port]/absolute/path\"; {url: ..., port: N} when the service listens\n"
      "# there on another port than health.port.\n"
      "# environments:\n";
  bool first = true;
  for (const auto& env : names) {
    out += fmt::format("#   {}:\n", env);
    out += first ? "#     batches: [1, 50%, 100%]      # one host first, then half, then the rest\n"
                   "#     keep: 5                      # releases kept on each host\n"
                 : "#     batches: [1, 50%, 100%]\n"
                   "#     keep: 5\n";
    out +=
        "#     hosts:\n"
        "#       - ssh://deploy@app1.example.com:22/opt/apps\n"
        "#       - {url: \"local:/srv/apps\", port: 18080}\n";
    first = false;
  }
  return out;
}

}  // namespace

Result<InitResult> init_service(const fs::path& dir, const InitOptions& options,
                                const fs::path& data_dir) {
  fs::path file = dir / "beaver.yaml";
  std::error_code ec;
  if (fs::exists(file, ec) && !options.force)
    return std::unexpected(Error{
        ErrorKind::conflict,
        fmt::format("{} already exists; it is replaced only when forced", file.string()), "force"});
  Pipeline pipeline;
  if (options.pipeline) {
    auto p = load_pipeline(*options.pipeline, data_dir);
    if (!p) return std::unexpected(p.error());
    pipeline = std::move(*p);
  } else {
    auto all = load_pipelines(data_dir);
    if (!all) return std::unexpected(all.error());
    auto found = detect(dir, *all);
    if (!found) return std::unexpected(found.error());
    pipeline = **found;
  }
  // A Gradle build names its jar after its project, which may not be the folder's name.
  std::optional<std::string> project;
  if (pipeline.version_source == "gradle") project = gradle_project_name(dir);
  bool project_named = project && check_name("service", *project);
  std::string service = options.service.value_or(
      project_named ? *project : fs::weakly_canonical(fs::absolute(dir)).filename().string());
  BEAVER_TRY(check_name("service", service));
  BEAVER_TRY(check_name("team", options.team));
  auto conf = conf_files(dir);
  if (!conf) return std::unexpected(conf.error());
  std::string conf_text =
      conf->empty() ? commented("  conf: []", "files for the package's conf/")
                    : commented("  conf:", "for the package's conf/, from src/main/conf/");
  for (const auto& path : *conf) conf_text += fmt::format("    - {}\n", path);
  std::string jar = expand_text(pipeline.jar, {{"service", {project.value_or(service)}},
                                               {"version", {"${version}"}}})
                        .value_or(pipeline.jar);
  std::string text = fmt::format(
      "# The service's manifest for beaver: how it is built, packaged and where it runs.\n"
      "# Check it with `beaver validate`; schemas/service.schema.json describes every key.\n"
      "service: {}\n"
      "team: {}\n"
      "{}{}"
      "package:\n"
      "  jar: {}\n"
      "{}"
      "jvm_options: [-Xms64m, -Xmx256m]\n"
      "health: {{port: 8080, path: /health, timeout: 30s}}\n"
      "{}",
      service, options.team, commented("pipeline: " + pipeline.name, pipeline.description),
      commented("version: " + pipeline.version_source, "pom | gradle | git | a literal like 1.4.2"),
      jar, conf_text,
      environments_skeleton(options.environments.empty() ? std::vector<std::string>{"test", "prod"}
                                                         : options.environments));
  // Written beside, checked, then renamed: a manifest that would not validate is never left.
  fs::path draft = dir / ".beaver.yaml.new";
  {
    std::ofstream out(draft, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) return fail(ErrorKind::bad_input, "cannot write {}", draft.string());
  }
  auto checked = load_service_manifest(draft, data_dir);
  if (!checked) {
    fs::remove(draft, ec);
    return std::unexpected(checked.error());
  }
  fs::rename(draft, file, ec);
  if (ec) {
    fs::remove(draft, ec);
    return fail(ErrorKind::bad_input, "cannot write {}: {}", file.string(), ec.message());
  }
  return InitResult{file, std::move(*conf)};
}

}  // namespace beaver
