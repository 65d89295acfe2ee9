// A package that arrives from elsewhere: what inspect_package believes of it, what it refuses,
// and keeping it under its checksum.

#include "package/package_intake.hpp"

#include <doctest/doctest.h>

#include "deploy/deploy.hpp"
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

std::string manifest(const std::string& service) {
  return R"({"format": 1, "service": ")" + service +
         R"(", "version": "1.4.2", "team": "payments",
            "git": {"commit": "abcdef1", "branch": "main", "tag": null,
                    "commit_time": "2024-01-02T03:04:05Z", "dirty": false},
            "build": {"allow_dirty": true}, "files": []})";
}

// A package file of these members; its SHA-256.
std::string package(const fs::path& file, std::vector<ArchiveEntry> entries) {
  auto written = write_archive(std::move(entries), file, kTime);
  REQUIRE_MESSAGE(written, written.error().message);
  return written->sha256;
}

}  // namespace

TEST_CASE("a package's checksum, manifest and spec make the record it is registered with") {
  TestFolder folder;
  fs::path file = folder.path() / "p.tar.gz";
  auto sha = package(file, {memory_entry("MANIFEST.json", manifest("hello")),
                            memory_entry("beaver.yaml", "service: hello\n")});
  auto facts = inspect_package(file, sha);
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
  auto sha = package(file, {memory_entry("MANIFEST.json", manifest("hello")),
                            memory_entry("beaver.yaml", "service: hello\n")});
  auto other = std::string(64, 'a');
  auto wrong = inspect_package(file, other);
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().kind == ErrorKind::bad_input);
  CHECK(wrong.error().message.find("SHA-256 is " + sha + ", not the " + other) !=
        std::string::npos);
  CHECK(inspect_package(file, "../../etc/passwd").error().kind == ErrorKind::bad_input);

  auto bare = package(file, {memory_entry("beaver.yaml", "service: hello\n")});
  CHECK(inspect_package(file, bare).error().message.find("no MANIFEST.json") != std::string::npos);
  auto escaping = package(file, {memory_entry("MANIFEST.json", manifest("../etc")),
                                 memory_entry("beaver.yaml", "service: hello\n")});
  CHECK(inspect_package(file, escaping).error().kind == ErrorKind::bad_input);

  test::write_file(file, "not a package");
  auto junk = sha256_file(file);
  REQUIRE(junk);
  CHECK(inspect_package(file, *junk).error().kind == ErrorKind::bad_input);
}

TEST_CASE("a checked package is kept once under its checksum") {
  TestFolder folder;
  fs::path file = folder.path() / "upload";
  auto sha = package(file, {memory_entry("MANIFEST.json", manifest("hello")),
                            memory_entry("beaver.yaml", "service: hello\n")});
  fs::path home = folder.path() / "home";
  auto first = store_package_file(home, file, sha);
  REQUIRE(first);
  CHECK(*first);
  CHECK_FALSE(fs::exists(file));
  CHECK(sha256_file(stored_package(home, sha)).value() == sha);
  package(file, {memory_entry("MANIFEST.json", manifest("hello")),
                 memory_entry("beaver.yaml", "service: hello\n")});
  auto again = store_package_file(home, file, sha);
  REQUIRE(again);
  CHECK_FALSE(*again);
  CHECK(store_package_file(home, file, "nope").error().kind == ErrorKind::bad_input);
}

}  // namespace beaver
