#include "package/package_intake.hpp"

#include <Poco/JSON/Parser.h>

#include <algorithm>

#include "model/names.hpp"
#include "package/archive.hpp"
#include "package/archive_reader.hpp"
#include "package/package_store.hpp"

namespace beaver {
namespace {

namespace fs = std::filesystem;

Result<std::string> manifest_text(const Poco::JSON::Object::Ptr& o, const std::string& key) {
  if (!o || !o->has(key) || !o->get(key).isString())
    return fail(ErrorKind::bad_input, "the package's MANIFEST.json has no '{}'", key);
  return o->getValue<std::string>(key);
}

}  // namespace

bool is_package_name(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

Result<PackageFacts> inspect_package(const fs::path& file, const std::string& sha256) {
  if (!is_package_name(sha256))
    return fail(ErrorKind::bad_input,
                "'{}' is not a package name (its SHA-256: 64 lowercase hexadecimal digits)",
                sha256);
  auto actual = sha256_file(file);
  if (!actual) return std::unexpected(actual.error());
  if (*actual != sha256)
    return fail(ErrorKind::bad_input,
                "the package's SHA-256 is {}, not the {} it was sent as: it changed on the way, or "
                "names another package",
                *actual, sha256);
  std::string manifest;
  bool has_spec = false;
  auto members = read_archive(file, [&](const ArchiveMember& m, const std::string& content) {
    if (m.path == "MANIFEST.json") manifest = content;
    if (m.path == "beaver.yaml") has_spec = true;
  });
  if (!members)
    return fail(ErrorKind::bad_input, "the package is refused: {}", members.error().message);
  if (manifest.empty() || !has_spec)
    return fail(ErrorKind::bad_input,
                "the package holds no {}: it is not one 'beaver package' made",
                manifest.empty() ? "MANIFEST.json" : "beaver.yaml");
  Poco::JSON::Object::Ptr root, git, build;
  try {
    root = Poco::JSON::Parser().parse(manifest).extract<Poco::JSON::Object::Ptr>();
    git = root->getObject("git");
    build = root->getObject("build");
  } catch (const Poco::Exception&) {
    return fail(ErrorKind::bad_input, "the package's MANIFEST.json is not a JSON object");
  }
  PackageFacts facts;
  PackageRecord& p = facts.record;
  auto text = [&](const Poco::JSON::Object::Ptr& o, const char* key, std::string& out) {
    auto v = manifest_text(o, key);
    if (!v) return Result<void>(std::unexpected(v.error()));
    out = *v;
    return Result<void>{};
  };
  BEAVER_TRY(text(root, "service", p.service));
  BEAVER_TRY(text(root, "version", p.version));
  BEAVER_TRY(text(root, "team", facts.team));
  BEAVER_TRY(text(git, "commit", p.commit));
  std::string commit_time;
  BEAVER_TRY(text(git, "commit_time", commit_time));
  BEAVER_TRY(check_name("service", p.service));
  BEAVER_TRY(check_name("version", p.version));
  BEAVER_TRY(check_name("team", facts.team));
  BEAVER_TRY(check_commit(p.commit));
  auto when = parse_iso8601(commit_time);
  if (!when)
    return fail(ErrorKind::bad_input, "the package's MANIFEST.json: commit_time: {}",
                when.error().message);
  p.commit_time = *when;
  for (auto [key, out] : {std::pair{"branch", &p.branch}, std::pair{"tag", &p.tag}})
    if (git->has(key) && git->get(key).isString()) *out = git->getValue<std::string>(key);
  p.allow_dirty = build && build->optValue<bool>("allow_dirty", false);
  p.sha256 = sha256;
  p.file_name = fmt::format("{}-{}.tar.gz", p.service, p.version);
  std::error_code ec;
  p.size = static_cast<int64_t>(fs::file_size(file, ec));
  p.manifest_json = manifest;
  return facts;
}

Result<bool> store_package_file(const fs::path& home, const fs::path& file,
                                const std::string& sha256) {
  if (!is_package_name(sha256))
    return fail(ErrorKind::bad_input, "'{}' is not a package name", sha256);
  fs::path target = stored_package(home, sha256);
  std::error_code ec;
  if (fs::exists(target, ec)) return false;
  fs::create_directories(target.parent_path(), ec);
  fs::rename(file, target, ec);
  if (!ec) return true;
  // Another file system: keep_package copies through a temporary file.
  BEAVER_TRY(keep_package(home, file, sha256));
  return true;
}

Result<bool> copy_package_file(const fs::path& home, const fs::path& file,
                               const std::string& sha256) {
  if (!is_package_name(sha256))
    return fail(ErrorKind::bad_input, "'{}' is not a package name", sha256);
  std::error_code ec;
  if (fs::exists(stored_package(home, sha256), ec)) return false;
  BEAVER_TRY(keep_package(home, file, sha256));
  return true;
}

}  // namespace beaver
