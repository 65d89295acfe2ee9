#include "build/build.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "test_folder.hpp"
#include "text/escape_stripper.hpp"

using namespace beaver;

namespace {

class CollectedBuild final : public BuildObserver {
 public:
  void step_started(const std::string&, const std::vector<std::string>&) override {}
  void output(std::string_view chunk) override { text += chunk; }
  void step_finished(const StepReport&) override {}
  std::string text;
};

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("colours, titles and cursor moves are taken out of text, and nothing else") {
  CHECK(strip_escapes("\x1b[1;31mERROR\x1b[m build failed\n") == "ERROR build failed\n");
  CHECK(strip_escapes("\x1b]0;mvn package\x07[INFO] ok") == "[INFO] ok");
  CHECK(strip_escapes("\x1b]8;;https://x.example\x1b\\link\x1b]8;;\x1b\\.") == "link.");
  CHECK(strip_escapes("50%\x1b[K\r\x1b[2A\x1b(Bdone \xe2\x9c\x93\n") == "50%\rdone \xe2\x9c\x93\n");
  CHECK(strip_escapes("\x1b=keypad\x1b>") == "keypad");
  CHECK(strip_escapes("plain text, [brackets] and ]s stay\n") ==
        "plain text, [brackets] and ]s stay\n");
}

TEST_CASE("a sequence split across chunks is removed whole") {
  EscapeStripper s;
  std::string out = s.strip("[INFO] \x1b[");
  out += s.strip("1;3");
  out += s.strip("2mBUILD SUCCESS\x1b");
  out += s.strip("[0m\n\x1b]0;ti");
  out += s.strip("tle\x1b");
  out += s.strip("\\end\n");
  CHECK(out == "[INFO] BUILD SUCCESS\nend\n");
}

TEST_CASE("the build log holds a step's output without its colours; the terminal gets them") {
  test::TestFolder dir;
  ServiceManifest m;
  m.service = "colours";
  m.version_source = "1.0.0";
  m.jar = "out/${service}.jar";
  m.pipeline.name = "coloured";
  m.pipeline.tools = {"sh"};
  m.pipeline.steps = {
      {"build",
       {"sh", "-c",
        "printf '\\033[1;34m[INFO]\\033[m compiling\\n\\033]0;title\\007\\033[1;32mdone\\033[0m\\n'"
        " && mkdir -p out && : > out/colours.jar"}}};
  CollectedBuild observer;
  auto report = run_build(m, dir.path(), test::source_dir(), observer);
  REQUIRE_MESSAGE(report.has_value(), report.error().message);
  CHECK(observer.text ==
        "\x1b[1;34m[INFO]\x1b[m compiling\n\x1b]0;title\x07\x1b[1;32mdone\x1b[0m\n");
  std::string log = read_file(dir.path() / "dist/build.log");
  CHECK(log.ends_with("\n[INFO] compiling\ndone\n"));
  CHECK(log.find('\x1b') == std::string::npos);
}
