// schemas/openapi.yaml describes exactly the routes the server answers: none missing, none
// described that the server does not serve; and it carries beaver's version.

#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "beaver_version.hpp"
#include "server/routes.hpp"

namespace {

const std::filesystem::path kDataDir = BEAVER_SOURCE_DATA_DIR;

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

}  // namespace

TEST_CASE("the OpenAPI description names every route the server serves, and only those") {
  YAML::Node doc = YAML::LoadFile((kDataDir / "schemas/openapi.yaml").string());
  REQUIRE(doc["openapi"].as<std::string>().starts_with("3."));
  std::set<std::string> described;
  for (const auto& path : doc["paths"]) {
    for (const auto& op : path.second) {
      auto method = op.first.as<std::string>();
      if (method == "parameters") continue;
      described.insert(upper(method) + " " + path.first.as<std::string>());
      CHECK_MESSAGE(op.second["responses"].IsMap(), method, " ", path.first.as<std::string>());
    }
  }
  auto patterns = beaver::api_route_patterns();
  std::set<std::string> served(patterns.begin(), patterns.end());
  for (const auto& route : served)
    CHECK_MESSAGE(described.contains(route), "not described: ", route);
  for (const auto& route : described) CHECK_MESSAGE(served.contains(route), "not served: ", route);
}

TEST_CASE("the OpenAPI description carries the version that CMake's project() declares") {
  YAML::Node doc = YAML::LoadFile((kDataDir / "schemas/openapi.yaml").string());
  CHECK(doc["info"]["version"].as<std::string>() == beaver::kVersion);
}
