#include "service/service_init.hpp"

#include <fstream>

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

}  // namespace

Result<fs::path> init_service(const fs::path& dir, const InitOptions& options,
                              const fs::path& data_dir) {
  fs::path file = dir / "beaver.yaml";
  std::error_code ec;
  if (fs::exists(file, ec) && !options.force)
    return std::unexpected(Error{
        ErrorKind::conflict,
        fmt::format("{} already exists; it is replaced only when forced", file.string()), "force"});
  std::string service =
      options.service.value_or(fs::weakly_canonical(fs::absolute(dir)).filename().string());
  BEAVER_TRY(check_name("service", service));
  BEAVER_TRY(check_name("team", options.team));
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
  std::string text = fmt::format(
      "# The service's manifest for beaver: how it is built, packaged and where it runs.\n"
      "# Check it with `beaver validate`; schemas/service.schema.json describes every key.\n"
      "service: {}\n"
      "team: {}\n"
      "pipeline: {}          # {}\n"
      "version: {}                 # pom | gradle | git | a literal like 1.4.2\n"
      "package:\n"
      "  jar: {}\n"
      "  conf: []                   # configuration files for conf/\n"
      "jvm_options: [-Xms64m, -Xmx256m]\n"
      "health: {{port: 8080, path: /health, timeout: 30s}}\n"
      "# environments:\n"
      "#   prod:\n"
      "#     batches: [1, 50%, 100%]\n"
      "#     keep: 5\n"
      "#     hosts:\n"
      "#       - ssh://deploy@10.0.0.11:22/opt/apps\n"
      "#       - {{url: \"local:/srv/apps\", port: 18080}}\n",
      service, options.team, pipeline.name, pipeline.description, pipeline.version_source,
      expand_text(pipeline.jar, {{"service", {service}}, {"version", {"${version}"}}})
          .value_or(pipeline.jar));
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
  return file;
}

}  // namespace beaver
