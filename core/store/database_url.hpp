#pragma once
// Where the ledger lives: a PostgreSQL database named by a libpq URL, or a SQLite file. Read from
// --database or BEAVER_DATABASE; without either, the SQLite file in $BEAVER_HOME. A URL's
// password never leaves this file but to libpq: every message shows `shown`.

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "error/error.hpp"

namespace beaver {

struct DatabaseUrl {
  enum class Kind { sqlite, postgresql };
  Kind kind = Kind::sqlite;
  std::filesystem::path file;  // sqlite
  std::string conninfo;        // postgresql: the URL as given, for libpq only
  std::string shown;           // for messages: the URL with its password as "***"
};

// "postgresql://..." or "postgres://..." (libpq's URL form, checked by libpq), "sqlite:///path",
// or a file path. Anything else, or a URL libpq cannot read, is bad_input, named without its
// password.
Result<DatabaseUrl> parse_database_url(std::string_view text);

// Where `url`'s passwords are: that of its user part and any password parameter, as (offset,
// length) pairs in order.
std::vector<std::pair<size_t, size_t>> database_url_passwords(std::string_view url);

// `url` with the password of its user part and any password parameter replaced by "***".
std::string redact_database_url(std::string_view url);

}  // namespace beaver
