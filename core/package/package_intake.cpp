#include "package/package_intake.hpp"

#include <Poco/JSON/Object.h>

#include <algorithm>
#include <map>
#include <optional>

#include "digest/sha256.hpp"
#include "model/names.hpp"
#include "package/archive.hpp"
#include "package/archive_reader.hpp"
#include "package/config_text.hpp"
#include "package/package_store.hpp"
#include "service/manifest.hpp"
#include "text/json_parse.hpp"

namespace beaver {
namespace {

namespace fs = std::filesystem;

Result<std::string> manifest_text(const Poco::JSON::Object::Ptr& o, const std::string& key) {
  if (!o || !o->has(key) || !o->get(key).isString())
    return fail(ErrorKind::bad_input, "the package's MANIFEST.json has no '{}'", key);
  return o->getValue<std::string>(key);
}

// A MANIFEST.json lists every file (tens of bytes each); a beaver.yaml is a page.
constexpr uint64_t kMaxManifest = 8 << 20;
constexpr uint64_t kMaxSpec = 1 << 20;

// The service, version, team and commit a MANIFEST.json names, each well formed.
Result<PackageFacts> manifest_facts(const Poco::JSON::Object::Ptr& root, const std::string& label) {
  Poco::JSON::Object::Ptr git, build;
  try {
    git = root->getObject("git");
    build = root->getObject("build");
  } catch (const Poco::Exception&) {
    return fail(ErrorKind::bad_input, "{}: MANIFEST.json: 'git' and 'build' must be objects",
                label);
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
  return facts;
}

struct Listed {
  std::string sha256;
  uint64_t size = 0;
  bool found = false;
};

// Every file but MANIFEST.json itself is listed in its "files" with its true size and SHA-256,
// and every listed file is there: what a host unpacks is what was built.
Result<void> check_listed_files(const Poco::JSON::Object::Ptr& root,
                                const std::vector<ArchiveMember>& members,
                                const std::string& label) {
  auto bad = [&](const std::string& why) {
    return fail(ErrorKind::bad_input, "{}: MANIFEST.json: {}; refused", label, why);
  };
  std::map<std::string, Listed, std::less<>> listed;
  try {
    auto files = root->getArray("files");
    if (!files) return bad("no 'files' list");
    for (size_t i = 0; i < files->size(); ++i) {
      auto f = files->getObject(static_cast<unsigned>(i));
      if (!f || !f->has("path") || !f->get("path").isString() || !f->has("sha256") ||
          !f->get("sha256").isString() || !f->has("size") || !f->get("size").isInteger())
        return bad(fmt::format("files[{}] needs a path, a sha256 and a size", i));
      auto path = f->getValue<std::string>("path");
      Listed entry{f->getValue<std::string>("sha256"), f->getValue<uint64_t>("size")};
      if (!listed.emplace(path, std::move(entry)).second)
        return bad(fmt::format("'{}' is listed twice", path));
    }
  } catch (const Poco::Exception& e) {
    return bad(e.displayText());
  }
  for (const auto& m : members) {
    if (m.kind != ArchiveMember::Kind::file || m.path == "MANIFEST.json") continue;
    auto it = listed.find(m.path);
    if (it == listed.end())
      return fail(ErrorKind::bad_input, "{}: member '{}' is not listed in MANIFEST.json; refused",
                  label, m.path);
    if (it->second.size != m.size)
      return fail(ErrorKind::bad_input,
                  "{}: member '{}' is {} bytes, MANIFEST.json says {}; refused", label, m.path,
                  m.size, it->second.size);
    if (it->second.sha256 != m.sha256)
      return fail(ErrorKind::bad_input,
                  "{}: member '{}' has SHA-256 {}, MANIFEST.json says {}; refused", label, m.path,
                  m.sha256, it->second.sha256);
    it->second.found = true;
  }
  for (const auto& [path, entry] : listed)
    if (!entry.found)
      return fail(ErrorKind::bad_input,
                  "{}: MANIFEST.json lists '{}', which the package does not hold; refused", label,
                  path);
  // The configuration texts shown to approvers are those of the files the hosts get.
  try {
    auto config = root->getArray("config");
    size_t total = 0;
    for (size_t i = 0; config && i < config->size(); ++i) {
      auto c = config->getObject(static_cast<unsigned>(i));
      if (!c || !c->has("path") || !c->get("path").isString() || !c->has("text") ||
          !c->get("text").isString())
        return bad(fmt::format("config[{}] needs a path and a text", i));
      auto path = c->getValue<std::string>("path");
      auto text = c->getValue<std::string>("text");
      auto it = listed.find(path);
      if (!is_config_path(path) || it == listed.end())
        return bad(
            fmt::format("config[{}] names '{}', not a configuration file it lists", i, path));
      if (text.size() > kMostConfigFile || sha256_hex(text) != it->second.sha256)
        return bad(fmt::format("config[{}] is not the text of '{}'", i, path));
      total += text.size();
      if (total > kMostConfigTexts)
        return bad(fmt::format("config holds more than {} KiB of text", kMostConfigTexts >> 10));
    }
  } catch (const Poco::Exception& e) {
    return bad(e.displayText());
  }
  return {};
}

}  // namespace

bool is_package_name(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

Result<PackageFacts> inspect_package(const fs::path& file, const std::string& sha256,
                                     const IntakeOptions& options) {
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
  const std::string& label = options.label;
  ArchiveLimits limits;
  limits.max_unpacked = options.max_unpacked;
  limits.max_content = kMaxManifest;
  limits.hash_files = true;
  std::optional<std::string> manifest, spec;
  auto members = read_archive(
      file, label,
      [&](const ArchiveMember& m, const std::string& content) {
        if (m.path == "MANIFEST.json") manifest = m.size <= kMaxManifest ? content : "";
        if (m.path == "beaver.yaml") spec = m.size <= kMaxSpec ? content : "";
      },
      limits);
  if (!members) return std::unexpected(members.error());
  if (!manifest || !spec)
    return fail(ErrorKind::bad_input, "{} holds no {}: it is not one 'beaver package' made", label,
                manifest ? "beaver.yaml" : "MANIFEST.json");
  if (manifest->empty() || spec->empty())
    return fail(ErrorKind::bad_input, "{}: member '{}' is empty or larger than {} KiB; refused",
                label, manifest->empty() ? "MANIFEST.json" : "beaver.yaml",
                (manifest->empty() ? kMaxManifest : kMaxSpec) >> 10);
  auto root = parse_json_object(*manifest, fmt::format("{}: MANIFEST.json", label));
  if (!root) return std::unexpected(root.error());
  auto facts = manifest_facts(*root, label);
  if (!facts) return std::unexpected(facts.error());
  BEAVER_TRY(check_listed_files(*root, *members, label));
  auto declared =
      parse_service_manifest(*spec, fmt::format("{}: beaver.yaml", label), options.data_dir);
  if (!declared) return fail(ErrorKind::bad_input, "{}", declared.error().message);
  if (declared->service != facts->record.service || declared->team != facts->team)
    return fail(ErrorKind::bad_input,
                "{}: beaver.yaml names service {} of team {}, MANIFEST.json service {} of team {}; "
                "refused",
                label, declared->service, declared->team, facts->record.service, facts->team);
  PackageRecord& p = facts->record;
  p.sha256 = sha256;
  p.file_name = fmt::format("{}-{}.tar.gz", p.service, p.version);
  std::error_code ec;
  p.size = static_cast<int64_t>(fs::file_size(file, ec));
  p.manifest_json = std::move(*manifest);
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
