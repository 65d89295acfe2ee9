#include "package/archive.hpp"

#include <doctest/doctest.h>
#include <fmt/ranges.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>

#include "test_folder.hpp"

namespace beaver {
namespace {

namespace fs = std::filesystem;
using beaver::test::TestFolder;
using beaver::test::write_file;

// 2024-01-02T03:04:05Z, in the past so tar does not warn on extraction
const Timestamp kTime{std::chrono::seconds{1704164645}};

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs a fixed shell command line (paths come from mkdtemp, so they need no quoting) and gives
// its standard output; a failing command fails the test.
std::string run(const std::string& command) {
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string output;
  char buffer[4096];
  while (size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  int status = ::pclose(pipe);
  REQUIRE_MESSAGE((WIFEXITED(status) && WEXITSTATUS(status) == 0), command);
  return output;
}

// Incompressible bytes, as in a jar.
std::string random_bytes(size_t size) {
  std::mt19937_64 random(42);
  std::string bytes(size, '\0');
  for (char& c : bytes) c = static_cast<char>(random());
  return bytes;
}

// Entries built by assignment: GCC 12 warns on designated initializers that skip members.
ArchiveEntry file_entry(std::string path, fs::path source, unsigned mode = 0644,
                        bool compress = true) {
  ArchiveEntry entry;
  entry.path = std::move(path);
  entry.source = std::move(source);
  entry.mode = mode;
  entry.compress = compress;
  return entry;
}

ArchiveEntry memory_entry(std::string path, std::string content) {
  ArchiveEntry entry;
  entry.path = std::move(path);
  entry.content = std::move(content);
  return entry;
}

ArchiveEntry directory_entry(std::string path) {
  ArchiveEntry entry;
  entry.kind = ArchiveEntry::Kind::directory;
  entry.path = std::move(path);
  entry.mode = 0755;
  return entry;
}

const std::string kLongPath = "lib/" + std::string(60, 'a') + "/" + std::string(60, 'b') + ".txt";

// A package mixing text, an (incompressible) jar larger than a read chunk, a directory, a long
// path, an empty file and an in-memory entry, given out of order.
std::vector<ArchiveEntry> sample_entries(const fs::path& src) {
  write_file(src / "app.jar", random_bytes(3'000'000));
  write_file(src / "run.sh", "#!/bin/sh\nexec java -jar lib/app.jar\n");
  write_file(src / "config.yaml", "port: 8080\n");
  write_file(src / "empty", "");
  write_file(src / "long.txt", "far down\n");
  return {
      file_entry("lib/app.jar", src / "app.jar", 0644, false),
      file_entry("bin/run.sh", src / "run.sh", 0755),
      directory_entry("lib"),
      file_entry("config/app.yaml", src / "config.yaml"),
      file_entry("config/empty", src / "empty"),
      file_entry(kLongPath, src / "long.txt"),
      memory_entry("VERSION", "1.2.3\n"),
      directory_entry("bin"),
  };
}

TEST_CASE("the same entries give the same bytes and SHA-256, even after the sources are touched") {
  TestFolder folder;
  auto entries = sample_entries(folder.path() / "src");
  auto first = write_archive(entries, folder.path() / "a.tar.gz", kTime);
  REQUIRE(first);
  for (const auto& entry : entries) {
    if (!entry.source.empty()) {
      fs::last_write_time(entry.source, fs::last_write_time(entry.source) + std::chrono::hours(1));
    }
  }
  auto second = write_archive(entries, folder.path() / "b.tar.gz", kTime);
  REQUIRE(second);
  CHECK(read_file(folder.path() / "a.tar.gz") == read_file(folder.path() / "b.tar.gz"));
  CHECK(first->sha256 == second->sha256);
  CHECK(first->size == fs::file_size(folder.path() / "a.tar.gz"));
  CHECK(run("sha256sum " + (folder.path() / "a.tar.gz").string()).substr(0, 64) == first->sha256);
}

TEST_CASE("tar lists sorted paths owned by root/root with the fixed time and the given modes") {
  TestFolder folder;
  fs::path archive = folder.path() / "p.tar.gz";
  REQUIRE(write_archive(sample_entries(folder.path() / "src"), archive, kTime));
  std::vector<std::string> expected = {
      "-rw-r--r-- root/root 6 2024-01-02 03:04:05 VERSION",
      "drwxr-xr-x root/root 0 2024-01-02 03:04:05 bin/",
      "-rwxr-xr-x root/root 37 2024-01-02 03:04:05 bin/run.sh",
      "-rw-r--r-- root/root 11 2024-01-02 03:04:05 config/app.yaml",
      "-rw-r--r-- root/root 0 2024-01-02 03:04:05 config/empty",
      "drwxr-xr-x root/root 0 2024-01-02 03:04:05 lib/",
      "-rw-r--r-- root/root 9 2024-01-02 03:04:05 " + kLongPath,
      "-rw-r--r-- root/root 3000000 2024-01-02 03:04:05 lib/app.jar",
  };
  // tr squeezes tar's column padding so the lines compare plainly.
  std::string listed = run("TZ=UTC tar --full-time -tvzf " + archive.string() + " | tr -s ' '");
  CHECK(listed == fmt::format("{}\n", fmt::join(expected, "\n")));
}

TEST_CASE("tar extracts contents equal to the sources, long paths and empty files included") {
  TestFolder folder;
  fs::path src = folder.path() / "src";
  fs::path archive = folder.path() / "p.tar.gz";
  auto entries = sample_entries(src);
  REQUIRE(write_archive(entries, archive, kTime));
  fs::path out = folder.path() / "out";
  fs::create_directories(out);
  run("tar -xzf " + archive.string() + " -C " + out.string());
  for (const auto& entry : entries) {
    if (entry.kind == ArchiveEntry::Kind::directory) {
      CHECK(fs::is_directory(out / entry.path));
    } else {
      CHECK_MESSAGE(read_file(out / entry.path) ==
                        (entry.source.empty() ? entry.content : read_file(entry.source)),
                    entry.path);
    }
  }
  CHECK(fs::file_size(out / "config/empty") == 0);
  CHECK(read_file(out / "VERSION") == "1.2.3\n");
}

TEST_CASE("hash_entries gives sha256sum's hashes and the sizes, skipping directories") {
  TestFolder folder;
  auto entries = sample_entries(folder.path() / "src");
  auto files = hash_entries(entries);
  REQUIRE(files);
  REQUIRE(files->size() == entries.size() - 2);
  size_t i = 0;
  for (const auto& entry : entries) {
    if (entry.kind == ArchiveEntry::Kind::directory) continue;
    const ArchivedFile& file = (*files)[i++];
    CHECK(file.path == entry.path);
    if (entry.source.empty()) {
      CHECK(file.size == entry.content.size());
      // `printf '1.2.3\n' | sha256sum`
      CHECK(file.sha256 == "d82f34ae9aa41bc4a0cb529a1ac0898fed09d6b479fb1cc44cb66c34f15ee84d");
    } else {
      CHECK(file.size == fs::file_size(entry.source));
      CHECK(run("sha256sum " + entry.source.string()).substr(0, 64) == file.sha256);
    }
  }
}

TEST_CASE("paths with '..', an absolute path and other unsafe paths are refused") {
  TestFolder folder;
  fs::path archive = folder.path() / "p.tar.gz";
  for (const std::string& path :
       std::vector<std::string>{"lib/../../etc/passwd", "/etc/passwd", "./lib/a", "lib//a", "lib/",
                                "", std::string("lib/a\0b", 7)}) {
    auto result = write_archive({memory_entry(path, "x")}, archive, kTime);
    REQUIRE_FALSE(result);
    CHECK(result.error().kind == ErrorKind::bad_input);
  }
  CHECK(fs::is_empty(folder.path()));
}

TEST_CASE("the same path twice is refused") {
  TestFolder folder;
  auto result = write_archive({memory_entry("a", "1"), memory_entry("a", "2")},
                              folder.path() / "p.tar.gz", kTime);
  REQUIRE_FALSE(result);
  CHECK(result.error().kind == ErrorKind::bad_input);
}

TEST_CASE("a missing source is refused by name and leaves no file behind") {
  TestFolder folder;
  fs::path missing = folder.path() / "src" / "gone.jar";
  auto entries = sample_entries(folder.path() / "src");
  entries.push_back(file_entry("lib/gone.jar", missing, 0644, false));
  auto written = write_archive(entries, folder.path() / "p.tar.gz", kTime);
  REQUIRE_FALSE(written);
  CHECK(written.error().kind == ErrorKind::bad_input);
  CHECK(written.error().message.find(missing.string()) != std::string::npos);
  std::vector<fs::path> left;
  for (const auto& item : fs::directory_iterator(folder.path())) left.push_back(item.path());
  CHECK(left == std::vector<fs::path>{folder.path() / "src"});

  auto hashed = hash_entries(entries);
  REQUIRE_FALSE(hashed);
  CHECK(hashed.error().kind == ErrorKind::bad_input);
}

TEST_CASE("an archive of only an in-memory entry lists back and replaces an older archive") {
  TestFolder folder;
  fs::path archive = folder.path() / "p.tar.gz";
  write_file(archive, "old");
  REQUIRE(write_archive({memory_entry("note.txt", "hello\n")}, archive, kTime));
  CHECK(run("tar -xzOf " + archive.string() + " note.txt") == "hello\n");
  CHECK((fs::status(archive).permissions() & fs::perms::all) ==
        (fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
         fs::perms::others_read));
}

}  // namespace
}  // namespace beaver
