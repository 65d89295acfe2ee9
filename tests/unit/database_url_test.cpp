#include "store/database_url.hpp"

#include <doctest/doctest.h>

using namespace beaver;

TEST_CASE("a database URL's passwords are never shown") {
  CHECK(redact_database_url("postgresql://beaver:s3cret@db.internal:5432/beaver") ==
        "postgresql://beaver:***@db.internal:5432/beaver");
  CHECK(redact_database_url("postgresql://beaver:p@ss:w@rd@db/beaver") ==
        "postgresql://beaver:***@db/beaver");
  CHECK(redact_database_url("postgres://beaver@db/beaver?sslmode=require&password=x&a=b") ==
        "postgres://beaver@db/beaver?sslmode=require&password=***&a=b");
  CHECK(redact_database_url("postgresql://db:5432/beaver") == "postgresql://db:5432/beaver");
  CHECK(redact_database_url("postgresql://u:@db/x?password=") ==
        "postgresql://u:***@db/x?password=");
  CHECK(redact_database_url("/home/ann/.beaver/beaver.db") == "/home/ann/.beaver/beaver.db");
}

TEST_CASE("a database URL's passwords are found where they are, to be hidden in place") {
  using Spans = std::vector<std::pair<size_t, size_t>>;
  std::string_view url = "postgresql://beaver:s3cret@db/beaver?sslmode=require&password=x/y&a=b";
  auto spans = database_url_passwords(url);
  REQUIRE(spans.size() == 2);
  CHECK(url.substr(spans[0].first, spans[0].second) == "s3cret");
  CHECK(url.substr(spans[1].first, spans[1].second) == "x/y");
  // The user part ends at the authority's last '@'; a password's ':' is its own.
  url = "postgresql://u:p@ss:w%2Frd@db/x?password=z";
  spans = database_url_passwords(url);
  REQUIRE(spans.size() == 2);
  CHECK(url.substr(spans[0].first, spans[0].second) == "p@ss:w%2Frd");
  CHECK(url.substr(spans[1].first, spans[1].second) == "z");
  CHECK(database_url_passwords("postgresql://beaver@db/beaver") == Spans{});
  CHECK(database_url_passwords("/home/ann/.beaver/beaver.db") == Spans{});
}

TEST_CASE("a database location is PostgreSQL, a SQLite URL or a file") {
  auto pg = parse_database_url("postgresql://beaver:s3cret@127.0.0.1:5433/beaver");
  REQUIRE(pg.has_value());
  CHECK(pg->kind == DatabaseUrl::Kind::postgresql);
  CHECK(pg->conninfo == "postgresql://beaver:s3cret@127.0.0.1:5433/beaver");
  CHECK(pg->shown == "postgresql://beaver:***@127.0.0.1:5433/beaver");

  auto file = parse_database_url("sqlite:///var/lib/beaver/beaver.db");
  REQUIRE(file.has_value());
  CHECK(file->kind == DatabaseUrl::Kind::sqlite);
  CHECK(file->file == "/var/lib/beaver/beaver.db");
  CHECK(file->shown == "sqlite:///var/lib/beaver/beaver.db");
  CHECK(parse_database_url("/tmp/x/beaver.db")->file == "/tmp/x/beaver.db");

  // libpq takes a password holding '#' or '?' as it stands; what is shown comes from its parse,
  // so neither carries the password along. With '/' or '@' unencoded, libpq would read part of
  // the password as the host or port: refused below, never shown.
  for (const char* url : {"postgresql://ann:s3cr#t@db/beaver", "postgresql://ann:s3c?et@db/beaver",
                          "postgresql://ann@db/beaver?password=s3cret&sslmode=disable"}) {
    CAPTURE(url);
    auto r = parse_database_url(url);
    REQUIRE(r.has_value());
    CHECK(r->shown.find("s3c") == std::string::npos);
    CHECK(r->shown.find(":***@") != std::string::npos);
  }
  CHECK(parse_database_url("postgresql://ann:s3cr#t@db/beaver")->shown ==
        "postgresql://ann:***@db/beaver");

  for (const char* bad :
       {"", "mysql://u:s3c#ret@h/db", "sqlite://relative.db", "postgresql://u:s3cret@h/db?nosuch=1",
        "postgresql://u:s3c%zzret@h/db", "postgresql://u@h/db?password=s3c%zzret",
        "postgresql://u:s3c/ret@h/db", "postgresql://u:s3c@ret@h/db"}) {
    CAPTURE(bad);
    auto r = parse_database_url(bad);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().kind == ErrorKind::bad_input);
    CHECK(r.error().message.find("s3c") == std::string::npos);
  }
}
