#include "service/manifest.hpp"

#include <doctest/doctest.h>

#include "service/service_init.hpp"
#include "test_folder.hpp"

using namespace beaver;

namespace {

std::string error_in(const test::TestFolder& dir, const std::string& yaml) {
  test::write_file(dir.path() / "beaver.yaml", yaml);
  auto m = load_service_manifest(dir.path() / "beaver.yaml", test::source_dir());
  REQUIRE_FALSE(m.has_value());
  CHECK(m.error().kind == ErrorKind::bad_input);
  auto msg = m.error().message;
  auto prefix = (dir.path() / "").string();
  if (msg.starts_with(prefix)) msg.erase(0, prefix.size());
  return msg;
}

const std::string kHead = "service: hello\nteam: payments\npipeline: java-maven\n";

}  // namespace

TEST_CASE("the three standard pipelines load, each with steps and a jar") {
  auto all = load_pipelines(test::source_dir());
  REQUIRE_MESSAGE(all.has_value(), all.error().message);
  std::vector<std::string> names;
  for (const auto& p : *all) {
    names.push_back(p.name);
    CHECK_FALSE(p.steps.empty());
    CHECK_FALSE(p.jar.empty());
  }
  CHECK(names == std::vector<std::string>{"java-gradle", "java-jdk", "java-maven"});
}

TEST_CASE("step variables expand to zero, one or several words, never through a shell") {
  PipelineStep step{"package", {"mvn", "-B", "${maven_args}", "-Dx=${service}", "package"}};
  auto offline = expand_step(step, {{"maven_args", {"-o", "-s", "s.xml"}}, {"service", {"a b"}}});
  REQUIRE(offline.has_value());
  CHECK(*offline ==
        std::vector<std::string>{"mvn", "-B", "-o", "-s", "s.xml", "-Dx=a b", "package"});
  auto online = expand_step(step, {{"maven_args", {}}, {"service", {"hello"}}});
  CHECK(*online == std::vector<std::string>{"mvn", "-B", "-Dx=hello", "package"});
  auto unknown = expand_step(step, {{"service", {"hello"}}});
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().message == "step 'package': unknown variable '${maven_args}'");
}

TEST_CASE("the example service's manifest loads with its hosts") {
  auto m = load_service_manifest(test::source_dir() / "examples/hello-service/beaver.yaml",
                                 test::source_dir());
  REQUIRE_MESSAGE(m.has_value(), m.error().message);
  CHECK(m->service == "hello-service");
  CHECK(m->pipeline.name == "java-maven");
  CHECK(m->version_source == "pom");
  CHECK(m->jar == "target/hello-service.jar");
  CHECK(m->health.path == "/health");
  const auto& prod = m->environments.at("prod");
  REQUIRE(prod.hosts.size() == 2);
  CHECK(prod.hosts[0].kind == HostSpec::Kind::ssh);
  CHECK(prod.hosts[0].user == "deploy");
  CHECK(prod.hosts[0].host == "10.0.0.11");
  CHECK(prod.hosts[0].root == "/opt/apps");
  CHECK(prod.hosts[1].kind == HostSpec::Kind::local);
  CHECK(prod.hosts[1].port == 18080);
  CHECK(prod.batches == std::vector<std::string>{"1", "50%", "100%"});
}

TEST_CASE("bad manifests point at the file, line and column") {
  test::TestFolder dir;
  CHECK(error_in(dir, "service: hello\nteam: payments\npipeline: java-mavn\n") ==
        "beaver.yaml:3:11: unknown pipeline 'java-mavn' (known: java-gradle, java-jdk, "
        "java-maven)");
  CHECK(error_in(dir, kHead + "package: {jar: ../escape.jar}\n").starts_with("beaver.yaml:4:16: "));
  CHECK(error_in(dir, kHead + "jvm_option: []\n") ==
        "beaver.yaml:4:1: unknown key 'jvm_option' (did you mean 'jvm_options'?)");
  CHECK(error_in(dir, kHead + "environments:\n  prod:\n    hosts: [\"ftp://x/y\"]\n")
            .starts_with("beaver.yaml:6:13: "));
  CHECK(error_in(dir, "service: ../x\nteam: t\npipeline: java-maven\n")
            .starts_with("beaver.yaml:1:10: "));
  CHECK(error_in(dir, kHead + "jvm_options: [\"-Xmx1g; rm -rf /\"]\n")
            .starts_with("beaver.yaml:4:15: "));
}

TEST_CASE("a bad character in a host URL is named, at its own line and column") {
  test::TestFolder dir;
  const std::string envs = kHead + "environments:\n  prod:\n    hosts:\n";
  CHECK(error_in(dir, envs + "      - {url: \"local:/tmp/my apps\", port: 18080}\n") ==
        "beaver.yaml:7:29: 'local:/tmp/my apps': a space is not allowed in the deploy root: each "
        "folder may hold only letters, digits, '.', '_' and '-'");
  CHECK(error_in(dir, envs + "      - local:/srv/apps/caf\xc3\xa9\n") ==
        "beaver.yaml:7:28: 'local:/srv/apps/caf\xc3\xa9': '\xc3\xa9' (U+00E9) is not allowed in "
        "the deploy root: each folder may hold only letters, digits, '.', '_' and '-'");
  CHECK(error_in(dir, envs + "      - local:/srv/$HOME\n") ==
        "beaver.yaml:7:20: 'local:/srv/$HOME': '$' is not allowed in the deploy root: each "
        "folder may hold only letters, digits, '.', '_' and '-'");
  CHECK(error_in(dir, kHead + "environments:\n  prod:\n    hosts: [ssh://Deploy@10.0.0.1/opt]\n") ==
        "beaver.yaml:6:19: 'ssh://Deploy@10.0.0.1/opt': 'D' is not allowed: the user may hold "
        "only lower-case letters, digits, '_' and '-', and starts with a letter or '_'");
  CHECK(error_in(dir, envs + "      - \"ssh://deploy@host:80x/opt\"\n") ==
        "beaver.yaml:7:28: 'ssh://deploy@host:80x/opt': '80x' is not a port (1 to 65535)");
  // Where the file spells the text otherwise (an escape before the character), the error points
  // at the text.
  CHECK(error_in(dir, envs + "      - \"local:/t\\x6Dp/a b\"\n") ==
        "beaver.yaml:7:9: 'local:/tmp/a b': a space is not allowed in the deploy root: each "
        "folder may hold only letters, digits, '.', '_' and '-'");
  CHECK(error_in(dir, envs + "      - local:/srv/../etc\n") ==
        "beaver.yaml:7:20: 'local:/srv/../etc': the deploy root's folder '..' must start with a "
        "letter or digit");
}

TEST_CASE("text yaml-cpp would read as documents without end is refused at once") {
  // Found by fuzzing: yaml-cpp's LoadAll() finds empty documents here until memory runs out.
  const std::string text(",\xec\0\0wrM] [\n", 11);
  auto m = parse_service_manifest(text, "beaver.yaml", test::source_dir());
  REQUIRE_FALSE(m);
  CHECK(m.error().message == "beaver.yaml:1:1: the file holds more than one YAML document");
  auto two =
      parse_service_manifest("service: a\n---\nservice: b\n", "beaver.yaml", test::source_dir());
  REQUIRE_FALSE(two);
  CHECK(two.error().message == "beaver.yaml:2:1: the file holds more than one YAML document");
}

TEST_CASE("init detects the pipeline from the project's files") {
  struct Case {
    std::vector<std::string> files;
    const char* pipeline;
  };
  for (const auto& c :
       {Case{{"pom.xml", "src/Main.java"}, "java-maven"}, Case{{"build.gradle"}, "java-gradle"},
        Case{{"src/Main.java"}, "java-jdk"}}) {
    test::TestFolder dir;
    for (const auto& f : c.files) test::write_file(dir.path() / f, "");
    auto file =
        init_service(dir.path(), {"hello", "payments", std::nullopt, false}, test::source_dir());
    REQUIRE_MESSAGE(file.has_value(), file.error().message);
    auto m = load_service_manifest(file->file, test::source_dir());
    REQUIRE(m.has_value());
    CHECK(m->pipeline.name == c.pipeline);
  }
}

TEST_CASE("init lists the files of src/main/conf/ and sketches the policy's environments") {
  test::TestFolder dir;
  test::write_file(dir.path() / "pom.xml", "");
  test::write_file(dir.path() / "src/main/conf/application.properties", "greeting=hi\n");
  test::write_file(dir.path() / "src/main/conf/logging/logback.xml", "<configuration/>\n");
  test::write_file(dir.path() / "src/main/conf/.application.properties.swp", "");
  InitOptions options{"hello", "payments", std::nullopt, false, {"prod", "staging"}};
  auto made = init_service(dir.path(), options, test::source_dir());
  REQUIRE_MESSAGE(made.has_value(), made.error().message);
  CHECK(made->conf == std::vector<std::string>{"src/main/conf/application.properties",
                                               "src/main/conf/logging/logback.xml"});
  auto m = load_service_manifest(made->file, test::source_dir());
  REQUIRE_MESSAGE(m.has_value(), m.error().message);
  CHECK(m->conf == made->conf);
  CHECK(m->environments.empty());
  // Uncommented, the skeleton is a valid manifest with one entry per environment.
  std::string text = m->content, uncommented;
  for (size_t at = 0; at < text.size();) {
    size_t end = text.find('\n', at);
    std::string line = text.substr(at, end - at);
    if (line.starts_with("# environments:") || line.starts_with("#  ")) line.erase(0, 2);
    uncommented += line + "\n";
    at = end + 1;
  }
  auto sketched = parse_service_manifest(uncommented, "beaver.yaml", test::source_dir());
  REQUIRE_MESSAGE(sketched.has_value(), sketched.error().message);
  REQUIRE(sketched->environments.size() == 2);
  CHECK(sketched->environments.at("prod").hosts.size() == 2);
  CHECK(sketched->environments.at("staging").keep == 5);
  // Without a policy's names: test and prod.
  auto plain =
      init_service(dir.path(), {"hello", "payments", std::nullopt, true}, test::source_dir());
  REQUIRE(plain.has_value());
  auto again = load_service_manifest(plain->file, test::source_dir());
  REQUIRE(again.has_value());
  CHECK(again->content.find("#   test:\n") != std::string::npos);
  CHECK(again->content.find("#   prod:\n") != std::string::npos);
}

TEST_CASE("init names a Gradle service and its jar after the project settings.gradle names") {
  test::TestFolder dir;
  test::write_file(dir.path() / "build.gradle", "version = '1.0.0'\n");
  test::write_file(dir.path() / "settings.gradle",
                   "// the jar's name\nrootProject.name = 'orders'\n");
  auto made =
      init_service(dir.path(), {std::nullopt, "payments", std::nullopt, false}, test::source_dir());
  REQUIRE_MESSAGE(made.has_value(), made.error().message);
  auto m = load_service_manifest(made->file, test::source_dir());
  REQUIRE(m.has_value());
  CHECK(m->service == "orders");
  CHECK(m->jar == "build/libs/orders-${version}.jar");
  // Another service name keeps the jar Gradle makes.
  auto named = init_service(dir.path(), {"order-service", "payments", std::nullopt, true},
                            test::source_dir());
  REQUIRE(named.has_value());
  auto n = load_service_manifest(named->file, test::source_dir());
  REQUIRE(n.has_value());
  CHECK(n->service == "order-service");
  CHECK(n->jar == "build/libs/orders-${version}.jar");
}

TEST_CASE("init refuses conf files the package could not hold as they are, naming them") {
  test::TestFolder dir;
  test::write_file(dir.path() / "pom.xml", "");
  test::write_file(dir.path() / "src/main/conf/my app.properties", "");
  auto spaced =
      init_service(dir.path(), {"hello", "payments", std::nullopt, false}, test::source_dir());
  REQUIRE_FALSE(spaced.has_value());
  CHECK(spaced.error().kind == ErrorKind::bad_input);
  CHECK(spaced.error().message ==
        "src/main/conf/my app.properties: a space is not allowed in a path of beaver.yaml "
        "(letters, digits, '.', '_', '*', '/', '+', '@', '-'); rename it");
  std::filesystem::remove(dir.path() / "src/main/conf/my app.properties");
  test::write_file(dir.path() / "src/main/conf/a/app.properties", "");
  test::write_file(dir.path() / "src/main/conf/b/app.properties", "");
  auto twice =
      init_service(dir.path(), {"hello", "payments", std::nullopt, false}, test::source_dir());
  REQUIRE_FALSE(twice.has_value());
  CHECK(twice.error().message ==
        "src/main/conf/a/app.properties and src/main/conf/b/app.properties would both be "
        "conf/app.properties in the package; rename one of them");
  CHECK_FALSE(std::filesystem::exists(dir.path() / "beaver.yaml"));
}

TEST_CASE("init refuses an ambiguous or unknown project and an existing manifest") {
  test::TestFolder dir;
  auto none =
      init_service(dir.path(), {"hello", "payments", std::nullopt, false}, test::source_dir());
  REQUIRE_FALSE(none.has_value());
  CHECK(none.error().message.find("not a Java project beaver knows") != std::string::npos);
  test::write_file(dir.path() / "pom.xml", "");
  test::write_file(dir.path() / "build.gradle", "");
  auto both =
      init_service(dir.path(), {"hello", "payments", std::nullopt, false}, test::source_dir());
  REQUIRE_FALSE(both.has_value());
  CHECK(both.error().message.find("matches several pipelines (java-gradle, java-maven)") !=
        std::string::npos);
  REQUIRE(init_service(dir.path(), {"hello", "payments", "java-maven", false}, test::source_dir())
              .has_value());
  auto again =
      init_service(dir.path(), {"hello", "payments", "java-maven", false}, test::source_dir());
  REQUIRE_FALSE(again.has_value());
  CHECK(again.error().kind == ErrorKind::conflict);
}

TEST_CASE("a bad pipeline file is refused with its file, line and column") {
  test::TestFolder data;
  std::filesystem::create_directories(data.path() / "schemas");
  std::filesystem::copy_file(test::source_dir() / "schemas/pipeline.schema.json",
                             data.path() / "schemas/pipeline.schema.json");
  test::write_file(data.path() / "pipelines/java-ant.yaml",
                   "name: java-ant\ndescription: Ant\ntools: [ant]\ndetect: [build.xml]\n"
                   "jar: dist/${service}.jar\nsteps:\n  - name: build\n    run: ant jar\n");
  auto p = load_pipeline("java-ant", data.path());
  REQUIRE_FALSE(p.has_value());
  CHECK(
      p.error().message.ends_with("pipelines/java-ant.yaml:8:10: expected the command as a list "
                                  "of words (never through a shell); ${service}, ${version}, "
                                  "${source_date} (the commit time), ${maven_args} and "
                                  "${pipelines} (the folder of the pipeline files) are "
                                  "replaced, got 'ant jar'"));
  test::write_file(data.path() / "pipelines/java-ant.yaml",
                   "name: java-ant\ndescription: Ant\ntools: [ant]\ndetect: [build.xml]\n"
                   "jar: dist/${service}.jar\nsteps:\n  - name: build\n    run: [ant, jar]\n");
  auto good = load_pipeline("java-ant", data.path());
  REQUIRE_MESSAGE(good.has_value(), good.error().message);
  CHECK(good->steps.front().run == std::vector<std::string>{"ant", "jar"});
  auto unknown = load_pipeline("java-maven", data.path());
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().message == "unknown pipeline 'java-maven' (known: java-ant)");
}

TEST_CASE("a pause between batches is read, and a bad or overlong one is pointed at") {
  test::TestFolder dir;
  const std::string hosts = "    hosts: [\"local:/srv/a\", \"local:/srv/b\"]\n";
  test::write_file(dir.path() / "beaver.yaml",
                   kHead + "environments:\n  prod:\n    pause: 5m\n" + hosts + "  test:\n" + hosts);
  auto m = load_service_manifest(dir.path() / "beaver.yaml", test::source_dir());
  REQUIRE(m.has_value());
  CHECK(m->environments.at("prod").pause == std::chrono::minutes(5));
  CHECK(m->environments.at("test").pause == std::chrono::seconds(0));
  CHECK(error_in(dir, kHead + "environments:\n  prod:\n    pause: 2h\n" + hosts) ==
        "beaver.yaml:6:12: pause 2h is longer than 1h");
  CHECK(error_in(dir, kHead + "environments:\n  prod:\n    pause: 5 minutes\n" + hosts)
            .starts_with("beaver.yaml:6:12: "));
  CHECK(error_in(dir, kHead + "environments:\n  prod:\n    pause: 0s\n" + hosts)
            .starts_with("beaver.yaml:6:12: "));
}
