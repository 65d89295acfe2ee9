#include "model/names.hpp"

#include <doctest/doctest.h>

using namespace beaver;

TEST_CASE("names of letters, digits, dots, underscores and dashes are accepted") {
  for (const char* ok : {"hello-service", "prod", "1.4.2", "v2_0", "A", "payments.eu-1"})
    CHECK(check_name("service", ok).has_value());
}

TEST_CASE("names that could escape a path or reach a command line are refused") {
  for (const char* bad : {"", "../etc", "a/b", "-rf", ".hidden", "a b", "a;b", "$(x)", "é"}) {
    CAPTURE(bad);
    auto r = check_name("service", bad);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().kind == ErrorKind::bad_input);
  }
  CHECK_FALSE(check_name("version", std::string(65, 'a')).has_value());
  CHECK(check_name("version", std::string(64, 'a')).has_value());
}

TEST_CASE("commit ids are 7 to 64 lowercase hex digits") {
  CHECK(check_commit("abc1234").has_value());
  CHECK(check_commit(std::string(40, 'f')).has_value());
  CHECK_FALSE(check_commit("abc123").has_value());
  CHECK_FALSE(check_commit("ABC1234").has_value());
  CHECK_FALSE(check_commit("abc123g").has_value());
}

TEST_CASE("free text must be non-empty when required, bounded, UTF-8 and free of control codes") {
  CHECK(check_text("reason", "payment callback fails\nsince 14:00", 100, false).has_value());
  CHECK(check_text("reason", "支付回调失败", 100, false).has_value());
  CHECK_FALSE(check_text("reason", "   ", 100, false).has_value());
  CHECK(check_text("comment", "", 100, true).has_value());
  CHECK_FALSE(check_text("reason", std::string(101, 'x'), 100, false).has_value());
  CHECK_FALSE(check_text("reason", "bell\a", 100, false).has_value());
  CHECK_FALSE(check_text("reason", "\xff\xfe", 100, false).has_value());
}

TEST_CASE("free text names the control or bidirectional character it refuses") {
  auto refused = [](std::string_view text) {
    auto r = check_text("reason", text, 100, false);
    return r ? std::string("accepted") : r.error().message;
  };
  CHECK(refused("bell\a") == "reason holds the control character U+0007");
  CHECK(refused("del\x7f") == "reason holds the control character U+007F");
  CHECK(refused("c1 \xc2\x85 next line") == "reason holds the control character U+0085");
  CHECK(refused("carriage\rreturn") == "reason holds the control character U+000D");
  CHECK(refused("fix \xe2\x80\xae\x74\x78\x74\x2e\x65\x78\x65") ==
        "reason holds U+202E RIGHT-TO-LEFT OVERRIDE, which shows text in another order than it "
        "is written");
  CHECK(refused("\xe2\x81\xa6isolated\xe2\x81\xa9")
            .starts_with("reason holds U+2066 LEFT-TO-RIGHT ISOLATE"));
  // Marks that only hint at a direction, and text in any script, are fine.
  CHECK(refused("\xe2\x80\x8f\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d, 支付, tab\there") == "accepted");
}
