#include "package/package.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>
#include <fnmatch.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <sstream>

#include "git/commit_json.hpp"
#include "git/git.hpp"
#include "package/config_text.hpp"
#include "package/jar.hpp"
#include "process/process.hpp"
#include "schema/yaml_file.hpp"

namespace beaver {
namespace {

namespace fs = std::filesystem;

// Fills @NAME@ placeholders in one pass, so a value holding '@' is never filled again.
std::string fill_template(const std::string& text,
                          const std::vector<std::pair<std::string, std::string>>& values) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    bool filled = false;
    for (const auto& [name, value] : values)
      if (text.compare(i, name.size(), name) == 0) {
        out += value;
        i += name.size();
        filled = true;
        break;
      }
    if (!filled) out += text[i++];
  }
  return out;
}

bool already_compressed(const fs::path& p) {
  auto ext = p.extension().string();
  return ext == ".jar" || ext == ".zip" || ext == ".war" || ext == ".gz";
}

// A file the package takes must really be inside the service: a symlink to /etc/shadow in conf/
// is refused, not packaged.
Result<void> check_inside(const fs::path& root, const fs::path& file) {
  std::error_code ec;
  auto real_root = fs::canonical(root, ec);
  auto real_file = fs::canonical(file, ec);
  auto rel = real_file.lexically_relative(real_root);
  if (ec || rel.empty() || *rel.begin() == "..")
    return fail(ErrorKind::refused, "{} leads outside the service folder {}", file.string(),
                root.string());
  return {};
}

// The files a package.libs entry names: a path, or a glob in its last part.
Result<std::vector<fs::path>> expand_lib(const fs::path& root, const std::string& pattern) {
  fs::path rel(pattern);
  std::vector<fs::path> out;
  std::error_code ec;
  if (pattern.find_first_of("*?[") == std::string::npos) {
    if (fs::is_regular_file(root / rel, ec)) out.push_back(root / rel);
  } else {
    for (const auto& e : fs::directory_iterator(root / rel.parent_path(), ec))
      if (e.is_regular_file() &&
          fnmatch(rel.filename().c_str(), e.path().filename().c_str(), 0) == 0)
        out.push_back(e.path());
  }
  if (out.empty())
    return fail(ErrorKind::refused, "package.libs: '{}' matches no file in {}", pattern,
                root.string());
  std::sort(out.begin(), out.end());
  return out;
}

// "17.0.15" from `java -version`, or "unknown".
std::string jdk_version() {
  std::string text;
  auto r = run_process({"java", "-version"}, fs::current_path(),
                       [&](std::string_view chunk) { text += chunk; });
  if (!r || r->exit_code != 0) return "unknown";
  auto open = text.find('"'), close = text.find('"', open + 1);
  if (open == std::string::npos || close == std::string::npos) return "unknown";
  return text.substr(open + 1, close - open - 1);
}

Result<Timestamp> build_time(Timestamp commit_time) {
  const char* epoch = std::getenv("SOURCE_DATE_EPOCH");
  if (epoch == nullptr || *epoch == '\0') return commit_time;
  long long s = 0;
  std::string_view v(epoch);
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), s);
  if (ec != std::errc{} || end != v.data() + v.size() || s < 0)
    return fail(ErrorKind::bad_input, "SOURCE_DATE_EPOCH: '{}' is not a number of seconds", v);
  return Timestamp{std::chrono::seconds{s}};
}

Poco::Dynamic::Var optional(const std::optional<std::string>& s) {
  return s ? Poco::Dynamic::Var(*s) : Poco::Dynamic::Var();
}

std::string manifest_json(const ServiceManifest& m, const BuildReport& build, const GitFacts& git,
                          const std::string& main_class, const std::string& main_jar,
                          const PackageOptions& options, Timestamp built,
                          std::vector<ArchivedFile> files, const std::vector<ConfigText>& config) {
  using Poco::JSON::Object;
  Object::Ptr git_json = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  git_json->set("commit", git.commit);
  git_json->set("branch", optional(git.branch));
  git_json->set("tag", optional(git.tag));
  git_json->set("describe", git.describe);
  git_json->set("commit_time", format_utc(git.commit_time));
  git_json->set("dirty", !git.dirty.empty());
  git_json->set("history", commits_json(git.history));
  Object::Ptr build_json = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  build_json->set("time", format_utc(built));
  build_json->set("builder", options.builder);
  build_json->set("jdk", jdk_version());
  build_json->set("pipeline", m.pipeline.name);
  build_json->set("allow_dirty", options.allow_dirty && !git.dirty.empty());
  std::sort(files.begin(), files.end(),
            [](const ArchivedFile& a, const ArchivedFile& b) { return a.path < b.path; });
  Poco::JSON::Array::Ptr files_json = new Poco::JSON::Array;
  for (const auto& f : files) {
    Object::Ptr j = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    j->set("path", f.path);
    j->set("sha256", f.sha256);
    j->set("size", f.size);
    files_json->add(j);
  }
  Object::Ptr root = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  root->set("format", 1);
  root->set("service", m.service);
  root->set("version", build.version);
  root->set("team", m.team);
  root->set("main_jar", main_jar);
  root->set("main_class", main_class);
  root->set("git", git_json);
  root->set("build", build_json);
  root->set("files", files_json);
  Poco::JSON::Array::Ptr config_json = new Poco::JSON::Array;
  for (const auto& c : config) {
    Object::Ptr j = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    j->set("path", c.path);
    j->set("text", c.text);
    config_json->add(j);
  }
  root->set("config", config_json);
  std::ostringstream out;
  Poco::JSON::Stringifier::stringify(root, out, 2);
  return out.str() + "\n";
}

}  // namespace

Result<BuiltPackage> make_package(const ServiceManifest& m, const fs::path& root,
                                  const fs::path& data_dir, const PackageOptions& options,
                                  BuildObserver& observer) {
  auto git = read_git_facts(root);
  if (!git) return std::unexpected(git.error());
  // dist/ is beaver's own output, never a change to the service (wherever the service sits in
  // its repository).
  std::string dist = (root / "dist").lexically_relative(git->workdir).generic_string() + "/";
  std::erase_if(git->dirty, [&](const std::string& p) { return p.starts_with(dist); });
  if (!git->dirty.empty() && !options.allow_dirty) {
    std::vector<std::string> shown(git->dirty.begin(),
                                   git->dirty.begin() + std::min<size_t>(3, git->dirty.size()));
    return fail(ErrorKind::refused,
                "the work tree has uncommitted changes ({}{}): commit them, or package anyway "
                "with --allow-dirty (recorded in the package and the ledger)",
                fmt::join(shown, ", "),
                git->dirty.size() > 3 ? fmt::format(" and {} more", git->dirty.size() - 3) : "");
  }
  auto built_at = build_time(git->commit_time);
  if (!built_at) return std::unexpected(built_at.error());
  auto build = run_build(m, root, data_dir, observer);
  if (!build) return std::unexpected(build.error());
  BEAVER_TRY(check_inside(root, build->jar));
  auto main_class = jar_main_class(build->jar);
  if (!main_class) return std::unexpected(main_class.error());
  auto launcher = read_small_file(data_dir / "templates" / "launcher.sh", "template", 1 << 20);
  if (!launcher) return std::unexpected(launcher.error());
  auto unit = read_small_file(data_dir / "templates" / "systemd.service", "template", 1 << 20);
  if (!unit) return std::unexpected(unit.error());

  using Kind = ArchiveEntry::Kind;
  std::string main_jar = "lib/" + build->jar.filename().string();
  std::vector<ArchiveEntry> entries;
  for (const char* dir : {"bin", "conf", "lib", "logs", "systemd"})
    entries.push_back({Kind::directory, dir, {}, {}, 0755, true});
  std::string bin = fill_template(
      *launcher,
      {{"@SERVICE@", m.service}, {"@MAIN_JAR@", main_jar}, {"@MAIN_CLASS@", *main_class}});
  entries.push_back({Kind::file, "bin/" + m.service, {}, bin, 0755, true});
  entries.push_back({Kind::file, main_jar, build->jar, {}, 0644, false});
  for (const auto& pattern : m.libs) {
    auto libs = expand_lib(root, pattern);
    if (!libs) return std::unexpected(libs.error());
    for (const auto& lib : *libs) BEAVER_TRY(check_inside(root, lib));
    for (const auto& lib : *libs)
      if (lib != build->jar)
        entries.push_back({Kind::file,
                           "lib/" + lib.filename().string(),
                           lib,
                           {},
                           0644,
                           !already_compressed(lib)});
  }
  for (const auto& conf : m.conf) {
    std::error_code ec;
    if (!fs::is_regular_file(root / conf, ec))
      return fail(ErrorKind::refused, "package.conf: {} is not a file in {}", conf, root.string());
    BEAVER_TRY(check_inside(root, root / conf));
    // An ignored or untracked conf file would put what is not in the commit into a "clean" one.
    if (!options.allow_dirty && !committed_unchanged(root / conf))
      return fail(ErrorKind::refused,
                  "package.conf: {} is not in the commit as it is on disk (untracked, ignored or "
                  "changed): commit it, or package anyway with --allow-dirty",
                  conf);
    entries.push_back(
        {Kind::file, "conf/" + fs::path(conf).filename().string(), root / conf, {}, 0644, true});
  }
  std::string jvm_options;
  for (const auto& o : m.jvm_options) jvm_options += o + "\n";
  entries.push_back({Kind::file, "conf/jvm.options", {}, jvm_options, 0644, true});
  entries.push_back({Kind::file,
                     "systemd/" + m.service + ".service",
                     {},
                     fill_template(*unit, {{"@SERVICE@", m.service}}),
                     0644,
                     true});
  entries.push_back({Kind::file, "beaver.yaml", {}, m.content, 0644, true});

  auto files = hash_entries(entries);
  if (!files) return std::unexpected(files.error());
  auto config = config_texts(entries);
  if (!config) return std::unexpected(config.error());
  std::string manifest =
      manifest_json(m, *build, *git, *main_class, main_jar, options, *built_at, *files, *config);
  entries.push_back({Kind::file, "MANIFEST.json", {}, manifest, 0644, true});
  fs::path out = root / "dist" / fmt::format("{}-{}.tar.gz", m.service, build->version);
  auto archive = write_archive(entries, out, git->commit_time);
  if (!archive) return std::unexpected(archive.error());

  BuiltPackage p;
  p.file = out;
  p.build = std::move(*build);
  p.files = std::move(*files);
  p.record.sha256 = archive->sha256;
  p.record.service = m.service;
  p.record.version = p.build.version;
  p.record.file_name = out.filename().string();
  p.record.size = static_cast<int64_t>(archive->size);
  p.record.commit = git->commit;
  p.record.branch = git->branch;
  p.record.tag = git->tag;
  p.record.commit_time = git->commit_time;
  p.record.allow_dirty = options.allow_dirty && !git->dirty.empty();
  p.record.manifest_json = std::move(manifest);
  return p;
}

}  // namespace beaver
