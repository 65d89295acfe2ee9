#include "process/process.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>

#include "test_folder.hpp"

using namespace beaver;

TEST_CASE("a program's output and exit code come back, in its own folder") {
  test::TestFolder dir;
  std::string out;
  auto r = run_process({"sh", "-c", "pwd; echo oops >&2; exit 3"}, dir.path(),
                       [&](std::string_view c) { out += c; });
  REQUIRE(r.has_value());
  CHECK(r->exit_code == 3);
  CHECK(out == dir.path().string() + "\noops\n");
}

TEST_CASE("a step that leaves a background process does not hang, and the process is stopped") {
  test::TestFolder dir;
  std::string out;
  auto r = run_process({"sh", "-c", "sleep 300 & echo $! > bg.pid; echo started"}, dir.path(),
                       [&](std::string_view c) { out += c; });
  REQUIRE(r.has_value());
  CHECK(r->exit_code == 0);
  CHECK(out == "started\n");
  CHECK(r->elapsed < std::chrono::seconds(30));
  std::ifstream pid_file(dir.path() / "bg.pid");
  int pid = 0;
  REQUIRE(static_cast<bool>(pid_file >> pid));
  // SIGKILL was sent to its group; wait for the kernel to be done with it.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  bool gone = false;
  while (!gone && std::chrono::steady_clock::now() < deadline) {
    std::ifstream stat(fmt::format("/proc/{}/stat", pid));
    std::string line;
    gone = !std::getline(stat, line) || line.find(") Z") != std::string::npos;
  }
  CHECK(gone);
}

TEST_CASE("a program that does not exist is an error naming it") {
  test::TestFolder dir;
  auto r = run_process({"no-such-program-beaver"}, dir.path(), [](std::string_view) {});
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().message.find("cannot run no-such-program-beaver") == 0);
  CHECK_FALSE(find_program("no-such-program-beaver").has_value());
  CHECK(find_program("sh").has_value());
}

TEST_CASE("beaver's own open files do not reach the program") {
  test::TestFolder dir;
  std::string out;
  auto r = run_process({"sh", "-c", "ls /proc/self/fd | wc -l"}, dir.path(),
                       [&](std::string_view c) { out += c; });
  REQUIRE(r.has_value());
  // stdin, stdout, stderr and the one `ls` opens to read the folder.
  CHECK(std::stoi(out) <= 4);
}

TEST_CASE("beaver's secrets in its environment do not reach the program") {
  test::TestFolder dir;
  setenv("BEAVER_DATABASE", "postgresql://beaver:s3cret@db/beaver", 1);
  setenv("BEAVER_TOKEN", "bvr_1_0123", 1);
  setenv("BEAVER_PROCESS_TEST", "kept", 1);
  std::string out;
  auto r = run_process({"env"}, dir.path(), [&](std::string_view c) { out += c; });
  unsetenv("BEAVER_DATABASE");
  unsetenv("BEAVER_TOKEN");
  unsetenv("BEAVER_PROCESS_TEST");
  REQUIRE(r.has_value());
  CHECK(out.find("s3cret") == std::string::npos);
  CHECK(out.find("BEAVER_TOKEN") == std::string::npos);
  CHECK(out.find("BEAVER_PROCESS_TEST=kept") != std::string::npos);
  CHECK(out.find("PATH=") != std::string::npos);
}
