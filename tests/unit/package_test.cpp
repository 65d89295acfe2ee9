#include "package/package.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <doctest/doctest.h>

#include "process/process.hpp"
#include "test_folder.hpp"

using namespace beaver;

namespace {

class QuietBuild final : public BuildObserver {
 public:
  void step_started(const std::string&, const std::vector<std::string>&) override {}
  void output(std::string_view) override {}
  void step_finished(const StepReport&) override {}
};

void run_or_fail(const std::vector<std::string>& argv, const std::filesystem::path& cwd) {
  std::string out;
  auto r = run_process(argv, cwd, [&](std::string_view c) { out += c; });
  REQUIRE_MESSAGE(r.has_value(), r.error().message);
  REQUIRE_MESSAGE(r->exit_code == 0, out);
}

// A plain-JDK service committed in a fresh git repository.
std::filesystem::path make_service(const test::TestFolder& dir) {
  auto root = dir.path() / "greeter";
  test::write_file(root / "src/demo/Main.java",
                   "package demo;\npublic class Main { public static void main(String[] a) {} }\n");
  test::write_file(root / "src/META-INF/MANIFEST.MF",
                   "Manifest-Version: 1.0\nMain-Class: demo.Main\n");
  test::write_file(root / "conf/app.properties", "greeting=hi\n");
  test::write_file(root / ".gitignore", "build/\ndist/\n");
  test::write_file(root / "beaver.yaml",
                   "service: greeter\nteam: payments\npipeline: java-jdk\nversion: 2.0.0\n"
                   "package: {conf: [conf/app.properties]}\njvm_options: [-Xmx64m, -Dx=a]\n");
  run_or_fail({"git", "init", "-q"}, root);
  run_or_fail({"git", "add", "-A"}, root);
  run_or_fail({"git", "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "c"},
              root);
  return root;
}

}  // namespace

TEST_CASE("a package holds the launcher, jar, conf, unit and a manifest of every file") {
  REQUIRE_MESSAGE((find_program("javac") && find_program("git")),
                  "this test needs a JDK and git (make test installs them)");
  // The build time is the commit time unless SOURCE_DATE_EPOCH says otherwise.
  unsetenv("SOURCE_DATE_EPOCH");
  test::TestFolder dir;
  auto root = make_service(dir);
  auto m = load_service_manifest(root / "beaver.yaml", test::source_dir());
  REQUIRE_MESSAGE(m.has_value(), m.error().message);
  QuietBuild quiet;
  auto p = make_package(*m, root, test::source_dir(), {false, "bob"}, quiet);
  REQUIRE_MESSAGE(p.has_value(), p.error().message);
  CHECK(p->file == root / "dist/greeter-2.0.0.tar.gz");
  CHECK(p->record.version == "2.0.0");
  CHECK(p->record.commit.size() == 40);
  CHECK_FALSE(p->record.allow_dirty);

  std::vector<std::string> paths;
  for (const auto& f : p->files) paths.push_back(f.path);
  std::sort(paths.begin(), paths.end());
  CHECK(paths == std::vector<std::string>{"beaver.yaml", "bin/greeter", "conf/app.properties",
                                          "conf/jvm.options", "lib/greeter.jar",
                                          "systemd/greeter.service"});
  auto json =
      Poco::JSON::Parser().parse(p->record.manifest_json).extract<Poco::JSON::Object::Ptr>();
  CHECK(json->getValue<std::string>("service") == "greeter");
  CHECK(json->getValue<std::string>("main_class") == "demo.Main");
  CHECK(json->getValue<std::string>("main_jar") == "lib/greeter.jar");
  auto git = json->getObject("git");
  CHECK(git->getValue<std::string>("commit") == p->record.commit);
  CHECK(git->getValue<bool>("dirty") == false);
  auto build = json->getObject("build");
  CHECK(build->getValue<std::string>("builder") == "bob");
  CHECK(build->getValue<std::string>("time") == git->getValue<std::string>("commit_time"));
  CHECK(json->getArray("files")->size() == paths.size());
}

TEST_CASE("a dirty work tree is refused before anything is built") {
  REQUIRE_MESSAGE((find_program("javac") && find_program("git")),
                  "this test needs a JDK and git (make test installs them)");
  test::TestFolder dir;
  auto root = make_service(dir);
  test::write_file(root / "src/demo/Extra.java", "package demo;\nclass Extra {}\n");
  auto m = load_service_manifest(root / "beaver.yaml", test::source_dir());
  REQUIRE(m.has_value());
  QuietBuild quiet;
  auto p = make_package(*m, root, test::source_dir(), {false, "bob"}, quiet);
  REQUIRE_FALSE(p.has_value());
  CHECK(p.error().message.find("uncommitted changes (src/demo/Extra.java)") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(root / "build"));
}
