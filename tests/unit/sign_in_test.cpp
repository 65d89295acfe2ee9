// People signing in: passwords kept as argon2id, sessions with their lifetimes, and failed
// sign-ins slowed down.

#include <doctest/doctest.h>

#include "auth/password.hpp"
#include "auth/sign_in_throttle.hpp"
#include "ledger_world.hpp"
#include "server/session_cookie.hpp"

namespace beaver {
namespace {

using namespace std::chrono_literals;

TEST_CASE("a password is kept as an argon2id hash that only it matches") {
  auto hash = hash_password("correct horse battery");
  REQUIRE(hash.has_value());
  CHECK(hash->starts_with("$argon2id$v=19$m=65536,t=3,p=1$"));
  CHECK(password_matches(*hash, "correct horse battery"));
  CHECK_FALSE(password_matches(*hash, "correct horse batterY"));
  CHECK_FALSE(password_matches("$argon2i$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA", "x"));
  CHECK_FALSE(password_matches("", "correct horse battery"));
  // Salted: the same password twice gives two hashes.
  CHECK(*hash_password("correct horse battery") != *hash);
}

TEST_CASE("a password is 10 to 1024 bytes of text without control characters") {
  CHECK(check_password("ten chars!").has_value());
  CHECK(check_password("密码密码密码密码").has_value());  // 24 bytes
  CHECK_FALSE(check_password("nine char").has_value());
  CHECK_FALSE(check_password(std::string(1025, 'x')).has_value());
  CHECK_FALSE(check_password("with a\nnewline").has_value());
  CHECK_FALSE(check_password("bad utf-8 \xff\xfe").has_value());
  auto message = check_password("with a\ttab inside").error().message;
  CHECK(message.find("tab inside") == std::string::npos);  // never the password itself
}

TEST_CASE("a session lasts while used, ends when idle, at its lifetime and at sign-out") {
  test::World w;
  auto l = w.ledger();
  REQUIRE(l.set_password("lea", "lea", "correct horse battery").has_value());
  SessionLimits limits{600s, 3600s};

  CHECK(l.start_session("lea", "wrong password", "10.0.0.1").error().kind ==
        ErrorKind::unauthenticated);
  CHECK(l.start_session("nobody", "correct horse battery", "10.0.0.1").error().message ==
        "unknown user or wrong password");
  CHECK(l.start_session("bob", "correct horse battery", "10.0.0.1").error().message ==
        "unknown user or wrong password");  // bob has no password

  auto made = l.start_session("lea", "correct horse battery", "10.0.0.1");
  REQUIRE(made.has_value());
  CHECK(made->cookie.starts_with("bvs_"));
  auto found = l.session_user(made->cookie, limits);
  REQUIRE(found.has_value());
  CHECK(found->user.name == "lea");
  CHECK(found->session.csrf == made->record.csrf);

  // Used every 9 minutes, it lasts past its idle time, up to its lifetime.
  for (int i = 0; i < 6; ++i) {
    w.now += 9min;
    CHECK(l.session_user(made->cookie, limits).has_value());
  }
  w.now += 9min;  // 63 minutes after signing in
  CHECK(l.session_user(made->cookie, limits).error().kind == ErrorKind::unauthenticated);

  // Unused for its idle time, it ends.
  auto other = l.start_session("lea", "correct horse battery", "10.0.0.1");
  REQUIRE(other.has_value());
  w.now += 10min;
  CHECK_FALSE(l.session_user(other->cookie, limits).has_value());

  // Signed out, it ends at once, and twice is a conflict.
  auto third = l.start_session("lea", "correct horse battery", "10.0.0.1");
  REQUIRE(third.has_value());
  REQUIRE(l.end_session(third->cookie).has_value());
  CHECK_FALSE(l.session_user(third->cookie, limits).has_value());
  CHECK(l.end_session(third->cookie).error().kind == ErrorKind::conflict);

  // A forged secret for a real session id signs nobody in.
  auto fourth = l.start_session("lea", "correct horse battery", "10.0.0.1");
  REQUIRE(fourth.has_value());
  auto forged = fmt::format("bvs_{}_{}", fourth->record.id, std::string(64, '0'));
  CHECK_FALSE(l.session_user(forged, limits).has_value());
  CHECK_FALSE(l.session_user("bvr_1_" + std::string(64, '0'), limits).has_value());

  // A new password ends every session of the user.
  REQUIRE(l.set_password("ann", "lea", "another good password").has_value());
  CHECK_FALSE(l.session_user(fourth->cookie, limits).has_value());
  CHECK(l.set_password("bob", "lea", "bob's choice for lea").error().kind == ErrorKind::refused);
}

TEST_CASE("failed sign-ins: a few are free, then each waits twice as long") {
  SignInThrottle t;
  auto now = SignInThrottle::Clock::now();
  for (int i = 0; i < SignInThrottle::kFreeFailuresPerUser; ++i) {
    CHECK(t.wait("lea", "10.0.0.1", now) == 0s);
    t.failed("lea", "10.0.0.1", now);
  }
  CHECK(t.wait("lea", "10.0.0.1", now) == 1s);
  CHECK(t.wait("lea", "10.0.0.9", now) == 1s);  // per user, from any address
  CHECK(t.wait("bob", "10.0.0.1", now) == 0s);  // the address has more to spend
  now += 1s;
  CHECK(t.wait("lea", "10.0.0.1", now) == 0s);
  t.failed("lea", "10.0.0.1", now);
  CHECK(t.wait("lea", "10.0.0.1", now) == 2s);
  t.failed("lea", "10.0.0.1", now);
  CHECK(t.wait("lea", "10.0.0.1", now) == 4s);
  // Never longer than a quarter of an hour, and forgotten a quarter of an hour on.
  for (int i = 0; i < 20; ++i) t.failed("lea", "10.0.0.1", now);
  CHECK(t.wait("lea", "10.0.0.1", now) == SignInThrottle::kLongestWait);
  CHECK(t.wait("lea", "10.0.0.1", now + SignInThrottle::kLongestWait) == 0s);
  // From one address, many users' failures add up.
  CHECK(t.wait("zed", "10.0.0.1", now) > 0s);
  CHECK(t.wait("zed", "10.0.0.2", now) == 0s);
  // A success clears the user's count.
  t.succeeded("lea");
  CHECK(t.wait("lea", "10.0.0.2", now) == 0s);
}

TEST_CASE("the session cookie is read from a Cookie header among others") {
  CHECK(session_cookie("a=1; beaver_session=bvs_1_ab; b=2") == "bvs_1_ab");
  CHECK(session_cookie("beaver_session=bvs_2_cd") == "bvs_2_cd");
  CHECK_FALSE(session_cookie("xbeaver_session=1; other=2").has_value());
  CHECK_FALSE(session_cookie("").has_value());
  CHECK(set_session_cookie("v", 60s, true) ==
        "beaver_session=v; Path=/; Max-Age=60; HttpOnly; SameSite=Lax; Secure");
  CHECK(clear_session_cookie(false) ==
        "beaver_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
}

}  // namespace
}  // namespace beaver
