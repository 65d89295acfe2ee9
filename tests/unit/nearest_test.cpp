#include "text/nearest.hpp"

#include <doctest/doctest.h>

using namespace beaver;

TEST_CASE("edit distance counts a swap of neighbours as one edit, and ignores case") {
  CHECK(edit_distance("hello-servce", "hello-service") == 1);
  CHECK(edit_distance("hlelo", "hello") == 1);
  CHECK(edit_distance("PROD", "prod") == 0);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("kitten", "sitting") == 3);
}

TEST_CASE("the nearest names are the close ones, nearest first, and none for an exact name") {
  std::vector<std::string> known{"hello-service", "hello-gateway", "billing", "prod", "pre"};
  CHECK(nearest_names("hello-servce", known) == std::vector<std::string>{"hello-service"});
  CHECK(nearest_names("prd", known) == std::vector<std::string>{"prod", "pre"});
  CHECK(nearest_names("billing", known).empty());
  // Far from everything: "register it" is the right advice then, not a guess.
  CHECK(nearest_names("payments", known).empty());
  // Short words get one edit, not two: "qa" is not "pre".
  CHECK(nearest_names("qa", known).empty());
  CHECK(nearest_names("prdo", known, 1) == std::vector<std::string>{"prod"});
}

TEST_CASE("did you mean lists the names as a person would say them") {
  CHECK(did_you_mean({}).empty());
  CHECK(did_you_mean({"prod"}) == "did you mean 'prod'?");
  CHECK(did_you_mean({"prod", "pre"}) == "did you mean 'prod' or 'pre'?");
  CHECK(did_you_mean({"a", "b", "c"}) == "did you mean 'a', 'b' or 'c'?");
}
