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
