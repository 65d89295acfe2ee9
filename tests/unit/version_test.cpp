#include "service/version.hpp"

#include <doctest/doctest.h>

#include "test_folder.hpp"

using namespace beaver;

namespace {

// The version a Gradle project in `dir` gives, or the error's message from its file name on.
std::string gradle_version_of(const test::TestFolder& dir) {
  ServiceManifest m;
  m.version_source = "gradle";
  auto v = resolve_version(m, dir.path());
  if (v) return *v;
  auto message = v.error().message;
  auto prefix = (dir.path() / "").string();
  if (auto at = message.find(prefix); at != std::string::npos) message.erase(at, prefix.size());
  return "error: " + message;
}

}  // namespace

TEST_CASE("a Gradle version is read from the build script as Gradle writes it") {
  test::TestFolder dir;
  for (const char* script : {"version = '1.4.2'\n", "version = \"1.4.2\"\n", "version '1.4.2'\n",
                             "apply plugin: 'java'\n  version = '1.4.2'   // the release\n",
                             "versionCode = 7\nversion = '1.4.2'\n"}) {
    CAPTURE(script);
    test::write_file(dir.path() / "build.gradle", script);
    CHECK(gradle_version_of(dir) == "1.4.2");
  }
}

TEST_CASE("a Gradle version the script sets wins over gradle.properties, which serves otherwise") {
  test::TestFolder dir;
  test::write_file(dir.path() / "gradle.properties", "# release\nversion=2.0.0\n");
  test::write_file(dir.path() / "build.gradle", "apply plugin: 'java'\n");
  CHECK(gradle_version_of(dir) == "2.0.0");
  test::write_file(dir.path() / "build.gradle", "apply plugin: 'java'\nversion = '2.1.0'\n");
  CHECK(gradle_version_of(dir) == "2.1.0");
  std::filesystem::remove(dir.path() / "build.gradle");
  test::write_file(dir.path() / "build.gradle.kts", "plugins { java }\nversion = \"2.2.0\"\n");
  CHECK(gradle_version_of(dir) == "2.2.0");
}

TEST_CASE("a Gradle version that is computed or missing is refused, saying where and what to do") {
  test::TestFolder dir;
  test::write_file(dir.path() / "build.gradle",
                   "apply plugin: 'java'\n  version = \"${major}.2\"\n");
  CHECK(gradle_version_of(dir) ==
        "error: build.gradle:2:3: the version is computed (version = \"${major}.2\"); beaver "
        "reads a literal like version = '1.2.3' here or in gradle.properties, or name it in "
        "beaver.yaml (version: 1.2.3)");
  test::write_file(dir.path() / "build.gradle", "version = rootProject.findProperty('v')\n");
  CHECK(gradle_version_of(dir).starts_with("error: build.gradle:1:1: the version is computed"));
  test::write_file(dir.path() / "build.gradle", "apply plugin: 'java'\n");
  CHECK(gradle_version_of(dir) ==
        "error: no version in build.gradle or gradle.properties: add a line version = '1.2.3' "
        "to build.gradle (or version=1.2.3 to gradle.properties)");
  test::write_file(dir.path() / "build.gradle", "version = '1.4 beta'\n");
  CHECK(gradle_version_of(dir).starts_with("error: version '1.4 beta' "));
}
