// Creating a database for a ledger on a PostgreSQL server (beaver db copy --to, and the tests).

#include <cctype>

#include "store/pg.hpp"
#include "store/pg_store.hpp"

namespace beaver {

using pg::Connection;
using pg::PgError;

Result<DatabaseUrl> create_postgresql_database(const DatabaseUrl& admin, const std::string& name) {
  bool valid =
      !name.empty() && name.size() <= 63 && !std::isdigit(static_cast<unsigned char>(name[0]));
  for (char ch : name)
    valid = valid && ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_');
  if (!valid)
    return fail(ErrorKind::bad_input,
                "'{}' is not a database name beaver creates (a-z, 0-9 and _, 63 at most)", name);
  auto path = admin.conninfo.find('/', admin.conninfo.find("://") + 3);
  auto query = admin.conninfo.find('?');
  if (path == std::string::npos || (query != std::string::npos && query < path))
    return fail(ErrorKind::bad_input, "{} names no database to replace", admin.shown);
  std::string url = admin.conninfo.substr(0, path + 1) + name +
                    (query == std::string::npos ? "" : admin.conninfo.substr(query));
  try {
    Connection(admin.conninfo, admin.shown).exec("CREATE DATABASE " + name);
  } catch (const PgError& e) {
    return fail(e.connection_lost() ? ErrorKind::unavailable : ErrorKind::internal, "{}", e.what());
  }
  return parse_database_url(url);
}

}  // namespace beaver
