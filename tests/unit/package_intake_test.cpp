// A package that arrives from elsewhere: what inspect_package believes of it, what it refuses,
// and keeping it under its checksum.

#include "package/package_intake.hpp"

#include <doctest/doctest.h>

#include "deploy/deploy.hpp"
#include "digest/sha256.hpp"
#include "package/archive.hpp"
#include "package/package_store.hpp"
#include "test_folder.hpp"

namespace beaver {
namespace {

namespace fs = std::filesystem;
using test::TestFolder;

const Timestamp kTime{std::chrono::seconds{1704164645}};

ArchiveEntry memory_entry(std::string path, std::string content) {
  ArchiveEntry entry;
  entry.path = std::move(path);
  entry.content = std::move(content);
  return entry;
}

std::string spec(const std::string& service) {
  return "service: " + service + "\nteam: payments\npipeline: java-maven\n";
}

// A MANIFEST.json for these files, as 'beaver package' writes it.
std::string manifest(const std::string& service, const std::vector<ArchiveEntry>& files) {
  std::string listed;
  for (const auto& f : files)
    listed +=
        fmt::format(R"({}{{"path": "{}", "sha256": "{}", "size": {}}})", listed.empty() ? "" : ", ",
                    f.path, sha256_hex(f.content), f.content.size());
  return R"({"format": 1, "service": ")" + service +
         R"(", "version": "1.4.2", "team": "payments",
            "git": {"commit": "abcdef1", "branch": "main", "tag": null,
                    "commit_time": "2024-01-02T03:04:05Z", "dirty": false},
            "build": {"allow_dirty": true}, "files": [)" +
         listed + "]}";
}

// A package file of these members; its SHA-256.
std::string package(const fs::path& file, std::vector<ArchiveEntry> entries) {
  auto written = write_archive(std::move(entries), file, kTime);
  REQUIRE_MESSAGE(written, written.error().message);
  return written->sha256;
}

// A package as 'beaver package' makes one: a beaver.yaml, these files, all listed.
std::string good_package(const fs::path& file, const std::string& service = "hello",
                         std::vector<ArchiveEntry> files = {}) {
  files.push_back(memory_entry("beaver.yaml", spec(service)));
  auto listed = manifest(service, files);
  files.push_back(memory_entry("MANIFEST.json", listed));
  return package(file, std::move(files));
}

IntakeOptions intake() {
  IntakeOptions o;
  o.label = "p.tar.gz";
  o.data_dir = test::source_dir();
  return o;
}

}  // namespace

TEST_CASE("a package's checksum, manifest and spec make the record it is registered with") {
  TestFolder folder;
  fs::path file = folder.path() / "p.tar.gz";
  auto sha = good_package(file, "hello", {memory_entry("lib/hello.jar", "jar bytes")});
  auto facts = inspect_package(file, sha, intake());
  REQUIRE_MESSAGE(facts, facts.error().message);
  CHECK(facts->team == "payments");
  CHECK(facts->record.sha256 == sha);
  CHECK(facts->record.service == "hello");
  CHECK(facts->record.version == "1.4.2");
  CHECK(facts->record.file_name == "hello-1.4.2.tar.gz");
  CHECK(facts->record.commit == "abcdef1");
  CHECK(facts->record.branch == "main");
  CHECK_FALSE(facts->record.tag);
  CHECK(facts->record.allow_dirty);
  CHECK(facts->record.size == static_cast<int64_t>(fs::file_size(file)));
}

TEST_CASE("a package under another checksum, without its manifest or with a bad name is refused") {
  TestFolder folder;
  fs::path file = folder.path() / "p.tar.gz";
  auto sha = good_package(file);
  auto other = std::string(64, 'a');
  auto wrong = inspect_package(file, other, intake());
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().kind == ErrorKind::bad_input);
  CHECK(wrong.error().message.find("SHA-256 is " + sha + ", not the " + other) !=
        std::string::npos);
  CHECK(inspect_package(file, "../../etc/passwd", intake()).error().kind == ErrorKind::bad_input);

  auto bare = package(file, {memory_entry("beaver.yaml", spec("hello"))});
  CHECK(inspect_package(file, bare, intake()).error().message.find("no MANIFEST.json") !=
        std::string::npos);
  auto escaping = package(file, {memory_entry("MANIFEST.json", manifest("../etc", {})),
                                 memory_entry("beaver.yaml", spec("hello"))});
  CHECK(inspect_package(file, escaping, intake()).error().kind == ErrorKind::bad_input);

  test::write_file(file, "not a package");
  auto junk = sha256_file(file);
  REQUIRE(junk);
  CHECK(inspect_package(file, *junk, intake()).error().kind == ErrorKind::bad_input);
}

TEST_CASE("a package whose MANIFEST.json does not tell the truth about its files is refused") {
  TestFolder folder;
  fs::path file = folder.path() / "p.tar.gz";
  auto jar = memory_entry("lib/hello.jar", "jar bytes");
  auto yaml = memory_entry("beaver.yaml", spec("hello"));
  struct Case {
    const char* what;
    std::vector<ArchiveEntry> listed, held;
    std::string message;
  };
  auto same_size = memory_entry("lib/hello.jar", "jar bytez");
  auto longer = memory_entry("lib/hello.jar", "jar bytes, and more");
  std::vector<Case> cases{
      {"a file it does not list",
       {yaml},
       {yaml, jar},
       "p.tar.gz: member 'lib/hello.jar' is not listed in MANIFEST.json; refused"},
      {"a file it lists and the package lacks",
       {yaml, jar},
       {yaml},
       "p.tar.gz: MANIFEST.json lists 'lib/hello.jar', which the package does not hold; refused"},
      {"other bytes of the same size",
       {yaml, jar},
       {yaml, same_size},
       "p.tar.gz: member 'lib/hello.jar' has SHA-256 "},
      {"another size",
       {yaml, longer},
       {yaml, jar},
       "p.tar.gz: member 'lib/hello.jar' is 9 bytes, MANIFEST.json says 19; refused"},
  };
  for (auto& c : cases) {
    CAPTURE(c.what);
    auto entries = c.held;
    entries.push_back(memory_entry("MANIFEST.json", manifest("hello", c.listed)));
    auto sha = package(file, entries);
    auto r = inspect_package(file, sha, intake());
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ErrorKind::bad_input);
    CHECK(r.error().message.starts_with(c.message));
  }
}

TEST_CASE("a package's beaver.yaml is checked whole at intake, hosts included") {
  TestFolder folder;
  fs::path file = folder.path() / "p.tar.gz";
  auto bad_host = spec("hello") +
                  "environments:\n  prod:\n    hosts:\n      - ssh://deploy@h1;reboot/srv/app\n";
  std::vector<ArchiveEntry> files{memory_entry("beaver.yaml", bad_host)};
  files.push_back(memory_entry("MANIFEST.json", manifest("hello", files)));
  auto sha = package(file, files);
  auto r = inspect_package(file, sha, intake());
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("p.tar.gz: beaver.yaml:7:") != std::string::npos);
  CHECK(r.error().message.find("host") != std::string::npos);

  std::vector<ArchiveEntry> other{memory_entry("beaver.yaml", spec("other"))};
  other.push_back(memory_entry("MANIFEST.json", manifest("hello", other)));
  sha = package(file, other);
  r = inspect_package(file, sha, intake());
  REQUIRE_FALSE(r);
  CHECK(r.error().message ==
        "p.tar.gz: beaver.yaml names service other of team payments, MANIFEST.json service hello "
        "of team payments; refused");
}

TEST_CASE("a checked package is kept once under its checksum") {
  TestFolder folder;
  fs::path file = folder.path() / "upload";
  auto sha = good_package(file);
  fs::path home = folder.path() / "home";
  auto first = store_package_file(home, file, sha);
  REQUIRE(first);
  CHECK(*first);
  CHECK_FALSE(fs::exists(file));
  CHECK(sha256_file(stored_package(home, sha)).value() == sha);
  good_package(file);
  auto again = store_package_file(home, file, sha);
  REQUIRE(again);
  CHECK_FALSE(*again);
  CHECK(store_package_file(home, file, "nope").error().kind == ErrorKind::bad_input);
}

}  // namespace beaver
