// A COPY waits for the server no longer than the connection's wait limit, as every other answer
// does: when the server stops answering (here its backend is stopped with SIGSTOP) before the
// COPY begins or in the middle of its rows, the read gives up, closes the connection and says
// so. The report reads PostgreSQL through COPY, so a stopped database never holds a request for
// good. Runs only with BEAVER_TEST_POSTGRESQL (integration.unit_postgresql).

#include <doctest/doctest.h>
#include <signal.h>

#include <chrono>

#include "ledger_world.hpp"
#include "store/pg.hpp"

using namespace beaver;

namespace {

using Steady = std::chrono::steady_clock;
// Long enough for a loaded machine to answer a live server, short enough for the test.
constexpr auto kLimit = std::chrono::milliseconds(1000);

// A server process, stopped until this is destroyed, whatever the test does meanwhile.
class StoppedBackend {
 public:
  explicit StoppedBackend(pid_t pid) : pid_(pid) { REQUIRE(kill(pid_, SIGSTOP) == 0); }
  ~StoppedBackend() { kill(pid_, SIGCONT); }
  StoppedBackend(const StoppedBackend&) = delete;
  StoppedBackend& operator=(const StoppedBackend&) = delete;

 private:
  pid_t pid_;
};

}  // namespace

TEST_CASE("on PostgreSQL, a COPY the server stops answering gives up within the wait limit" *
          doctest::skip(test::World::postgresql_admin() == nullptr)) {
  test::World w;
  const auto& url = *w.database;
  pg::Connection c(url.conninfo, url.shown);
  c.set_wait_limit(kLimit);
  auto backend = static_cast<pid_t>(c.exec("SELECT pg_backend_pid()").integer(0, 0));

  SUBCASE("before it begins") {
    StoppedBackend stopped(backend);
    auto start = Steady::now();
    bool timed_out = false;
    try {
      c.copy_out_begin("COPY (SELECT 1) TO STDOUT");
    } catch (const pg::PgError& e) {
      timed_out = e.timed_out();
      CHECK(std::string(e.what()).find("no answer from") != std::string::npos);
    }
    CHECK(timed_out);
    CHECK(Steady::now() - start < std::chrono::seconds(5));
    CHECK_FALSE(c.ok());
  }

  SUBCASE("in the middle of its rows") {
    // More rows than the socket's buffers hold: the server is still sending when it stops. In
    // the select list the series streams (in FROM it would be gathered whole first).
    c.copy_out_begin("COPY (SELECT generate_series(1, 50000000)) TO STDOUT");
    std::string_view line;
    REQUIRE(c.copy_out_next(line));
    CHECK(line == "1");
    StoppedBackend stopped(backend);
    auto start = Steady::now();
    int64_t lines = 1;
    bool timed_out = false;
    try {
      while (c.copy_out_next(line)) ++lines;
    } catch (const pg::PgError& e) {
      timed_out = e.timed_out();
    }
    CHECK(timed_out);
    CHECK(lines < 50000000);
    CHECK(Steady::now() - start < std::chrono::seconds(5));
    CHECK_FALSE(c.ok());
  }
}

TEST_CASE(
    "on PostgreSQL, a COPY refused leaves the connection usable; one begun the other way "
    "closes it" *
    doctest::skip(test::World::postgresql_admin() == nullptr)) {
  test::World w;
  const auto& url = *w.database;
  pg::Connection c(url.conninfo, url.shown);
  c.set_wait_limit(kLimit);

  CHECK_THROWS_WITH_AS(c.copy_out_begin("COPY (SELECT * FROM no_such_table) TO STDOUT"),
                       doctest::Contains("no_such_table"), pg::PgError);
  CHECK(c.exec("SELECT 41 + 1").integer(0, 0) == 42);

  // The caller's mistake: libpq would answer "copying" to every later call.
  auto start = Steady::now();
  CHECK_THROWS_WITH_AS(c.copy_in_begin("COPY (SELECT 1) TO STDOUT"),
                       doctest::Contains("began no COPY FROM STDIN"), pg::PgError);
  CHECK(Steady::now() - start < std::chrono::seconds(5));
  CHECK_FALSE(c.ok());
}
