// The pure parts of deploys: reading a package back with every member checked, batches, the
// order of versions, and what may reach a remote shell.

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <sys/wait.h>

#include <cstdio>

#include "deploy/deploy.hpp"
#include "deploy/transport.hpp"
#include "model/release.hpp"
#include "package/archive.hpp"
#include "package/archive_reader.hpp"
#include "test_folder.hpp"

namespace beaver {
namespace {

namespace fs = std::filesystem;
using beaver::test::TestFolder;
using beaver::test::write_file;

const Timestamp kTime{std::chrono::seconds{1704164645}};

// A fixed command line over mkdtemp paths (no quoting needed); it must succeed.
void sh(const std::string& command) {
  int status = std::system(command.c_str());
  REQUIRE_MESSAGE((WIFEXITED(status) && WEXITSTATUS(status) == 0), command);
}

TEST_CASE("a package written by beaver reads back member by member, long paths included") {
  TestFolder dir;
  std::string deep = "lib/" + std::string(120, 'a') + "/x.jar";
  using K = ArchiveEntry::Kind;
  std::vector<ArchiveEntry> entries{{K::directory, "bin", {}, {}, 0755, true},
                                    {K::file, "bin/svc", {}, "#!/bin/sh\n", 0755, true},
                                    {K::file, deep, {}, "jar bytes", 0644, false},
                                    {K::file, "beaver.yaml", {}, "service: svc\n", 0644, true}};
  REQUIRE(write_archive(entries, dir.path() / "p.tar.gz", kTime));
  std::map<std::string, std::string> seen;
  auto members =
      read_archive(dir.path() / "p.tar.gz", "p.tar.gz",
                   [&](const ArchiveMember& m, const std::string& c) { seen[m.path] = c; });
  REQUIRE(members);
  CHECK(members->size() == 4);
  CHECK(seen[deep] == "jar bytes");
  CHECK(seen["bin/svc"] == "#!/bin/sh\n");
  auto yaml = read_archive_file(dir.path() / "p.tar.gz", "beaver.yaml");
  REQUIRE(yaml);
  CHECK(*yaml == "service: svc\n");
  CHECK(read_archive_file(dir.path() / "p.tar.gz", "MANIFEST.json").error().kind ==
        ErrorKind::not_found);
}

TEST_CASE("a member that escapes its folder, a link or a device refuses the whole package") {
  TestFolder dir;
  const std::string d = dir.path().string();
  write_file(dir.path() / "src" / "x", "pwned\n");
  struct Case {
    std::string what;
    std::string command;
    std::string message;
  };
  std::vector<Case> cases{
      {"a ../ member", "tar -czf " + d + "/bad.tar.gz -C " + d + "/src --transform 's|^x$|../x|' x",
       "would escape its folder"},
      {"a deeper ../ member",
       "tar -czf " + d + "/bad.tar.gz -C " + d + "/src --transform 's|^x$|conf/../../x|' x",
       "would escape its folder"},
      {"an absolute member", "tar -czPf " + d + "/bad.tar.gz " + d + "/src/x",
       "absolute or empty path"},
      {"a symbolic link",
       "ln -s /etc/passwd " + d + "/src/link && tar -czf " + d + "/bad.tar.gz -C " + d +
           "/src link",
       "is a symbolic link"},
      {"a hard link",
       "ln -f " + d + "/src/x " + d + "/src/y && tar -czf " + d + "/bad.tar.gz -C " + d +
           "/src x y",
       "is a hard link"},
      {"a long ../ path in a pax record",
       "tar --format=pax -czf " + d + "/bad.tar.gz -C " + d + "/src --transform 's|^x$|" +
           std::string(110, 'b') + "/../../x|' x",
       "would escape its folder"},
      {"a pax global header, which tar applies to every later member",
       "tar --format=pax --pax-option='path=../../x' -czf " + d + "/bad.tar.gz -C " + d + "/src x",
       "a pax global header"},
      {"a sparse file (GNU format)",
       "truncate -s 1M " + d + "/src/s && tar --format=gnu -S -czf " + d + "/bad.tar.gz -C " + d +
           "/src s",
       "a GNU sparse file"},
      {"a sparse file (pax format)",
       "truncate -s 1M " + d + "/src/s && tar --format=pax -S -czf " + d + "/bad.tar.gz -C " + d +
           "/src s",
       "sparse"},
      {"a setuid file",
       "cp " + d + "/src/x " + d + "/src/su && chmod 4755 " + d + "/src/su && tar -czf " + d +
           "/bad.tar.gz -C " + d + "/src su",
       "has mode 4755 (setuid)"},
      {"a file anyone may write",
       "cp " + d + "/src/x " + d + "/src/w && chmod 0666 " + d + "/src/w && tar -czf " + d +
           "/bad.tar.gz -C " + d + "/src w",
       "writable by anyone"},
      {"a member given twice",
       "tar -cf " + d + "/bad.tar -C " + d + "/src x && tar -rf " + d + "/bad.tar -C " + d +
           "/src x && gzip -f " + d + "/bad.tar",
       "appears twice"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.what);
    fs::remove(dir.path() / "bad.tar.gz");
    sh(c.command);
    auto r = read_archive(dir.path() / "bad.tar.gz", "bad.tar.gz");
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ErrorKind::bad_input);
    CHECK_MESSAGE(r.error().message.find(c.message) != std::string::npos, r.error().message);
  }
}

TEST_CASE("an archive costs no more than its limits, whatever its headers declare") {
  TestFolder dir;
  const std::string d = dir.path().string();
  write_file(dir.path() / "src" / "a", std::string(3000, 'a'));
  write_file(dir.path() / "src" / "b", std::string(3000, 'b'));
  sh("tar -czf " + d + "/two.tar.gz -C " + d + "/src a b");
  ArchiveLimits limits;
  limits.max_unpacked = 5000;
  auto big = read_archive(dir.path() / "two.tar.gz", "two.tar.gz", {}, limits);
  REQUIRE_FALSE(big);
  CHECK(big.error().message.find("member 'b' is 3000 bytes") != std::string::npos);
  limits = {};
  limits.max_members = 1;
  auto many = read_archive(dir.path() / "two.tar.gz", "two.tar.gz", {}, limits);
  REQUIRE_FALSE(many);
  CHECK(many.error().message == "two.tar.gz: more than 1 members; refused");
  limits = {};
  limits.hash_files = true;
  auto hashed = read_archive(dir.path() / "two.tar.gz", "two.tar.gz", {}, limits);
  REQUIRE(hashed);
  CHECK(hashed->at(0).sha256 == sha256_file(dir.path() / "src" / "a").value());

  // A pax header that declares a gigabyte in an archive of a few hundred bytes.
  std::string header(512, '\0');
  header.replace(0, 5, "PaxHd");
  header.replace(100, 7, "0000644");
  header.replace(124, 11, "10000000000");  // octal: 1 GiB
  header[156] = 'x';
  header.replace(257, 6, std::string("ustar\0", 6));
  header.replace(263, 2, "00");
  header.replace(148, 8, "        ");
  unsigned sum = 0;
  for (unsigned char c : header) sum += c;
  header.replace(148, 7, fmt::format("{:06o}", sum) + '\0');
  write_file(dir.path() / "pax.tar", header + std::string(1024, '\0'));
  sh("gzip -f " + d + "/pax.tar");
  auto pax = read_archive(dir.path() / "pax.tar.gz", "pax.tar.gz");
  REQUIRE_FALSE(pax);
  CHECK(pax.error().message ==
        "pax.tar.gz: a pax header of 1073741824 bytes (at most 64 KiB are read); refused");
}

TEST_CASE("a file that is not a .tar.gz is refused, not misread") {
  TestFolder dir;
  write_file(dir.path() / "plain.tar.gz", std::string(1024, 'x'));
  CHECK_FALSE(read_archive(dir.path() / "plain.tar.gz", "plain.tar.gz"));
  sh("printf 'not a tar' | gzip > " + (dir.path() / "short.tar.gz").string());
  CHECK_FALSE(read_archive(dir.path() / "short.tar.gz", "short.tar.gz"));
  CHECK_FALSE(read_archive(dir.path() / "missing.tar.gz", "missing.tar.gz"));
}

TEST_CASE("batches: counts and shares of all hosts, the rest in a last batch") {
  CHECK(*batch_sizes("1,50%,100%", 5) == std::vector<int>{1, 2, 2});
  CHECK(*batch_sizes("1,50%,100%", 1) == std::vector<int>{1});
  CHECK(*batch_sizes("100%", 7) == std::vector<int>{7});
  CHECK(*batch_sizes("2", 5) == std::vector<int>{2, 3});
  CHECK(*batch_sizes("1,1,100%", 3) == std::vector<int>{1, 2});  // a step that adds none is skipped
  CHECK(*batch_sizes("10%,100%", 10) == std::vector<int>{1, 9});
  for (const char* bad : {"", "0", "-1", "x", "50%%", "101%", "1,,2", "1.5", "1,"}) {
    CAPTURE(std::string(bad));
    auto r = batch_sizes(bad, 4);
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ErrorKind::bad_input);
  }
}

TEST_CASE("versions compare as people read them") {
  CHECK(compare_versions("1.9.0", "1.10.0") < 0);
  CHECK(compare_versions("1.4.2", "1.4.2") == 0);
  CHECK(compare_versions("2.0", "1.99") > 0);
  CHECK(compare_versions("1.4", "1.4.1") < 0);
  CHECK(compare_versions("1.04", "1.4") == 0);
  CHECK(compare_versions("v2", "v10") < 0);
}

TEST_CASE("only plain arguments reach a remote shell, single-quoted") {
  CHECK(*remote_quote("/opt/apps/hello-service") == "'/opt/apps/hello-service'");
  CHECK(*remote_quote("1.4.2-42") == "'1.4.2-42'");
  for (const char* bad : {"", "-rf", "a b", "a;b", "$(id)", "`id`", "a'b", "a\"b", "a|b", "a\nb",
                          "a&b", "a>b", "*"}) {
    CAPTURE(std::string(bad));
    CHECK_FALSE(remote_quote(bad));
  }
}

TEST_CASE("a host URL with shell metacharacters is refused before it reaches a command") {
  for (const char* bad :
       {"ssh://de;ploy@host/opt", "ssh://deploy@ho$t/opt", "ssh://deploy@-oProxyCommand=x/opt",
        "local:/opt/a b", "local:/opt/$(id)", "local:relative", "ssh://deploy@host/opt/../etc",
        "local:/opt/`id`", "ssh://deploy@host:99999/opt"}) {
    CAPTURE(std::string(bad));
    CHECK_FALSE(parse_host_url(bad));
  }
  auto ok = parse_host_url("ssh://deploy@10.0.0.11:2222/opt/apps/");
  REQUIRE(ok);
  CHECK(ok->host == "10.0.0.11");
  CHECK(ok->ssh_port == 2222);
  CHECK(ok->root == "/opt/apps");
}

}  // namespace
}  // namespace beaver
