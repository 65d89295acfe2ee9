#include "store/database_url.hpp"

#include <libpq-fe.h>

#include <memory>

namespace beaver {
namespace {

bool starts_with_scheme(std::string_view text, std::string_view scheme) {
  return text.size() > scheme.size() && text.substr(0, scheme.size()) == scheme;
}

}  // namespace

std::string redact_database_url(std::string_view url) {
  std::string out(url);
  auto scheme = out.find("://");
  if (scheme == std::string::npos) return out;
  size_t authority = scheme + 3;
  size_t end = out.find_first_of("/?#", authority);
  if (end == std::string::npos) end = out.size();
  // The user part ends at the last '@' of the authority (a password may hold '@' percent-encoded
  // or not); its password starts after the first ':'.
  size_t at = out.rfind('@', end == 0 ? 0 : end - 1);
  if (at != std::string::npos && at >= authority) {
    size_t colon = out.find(':', authority);
    if (colon != std::string::npos && colon < at) {
      out.replace(colon + 1, at - colon - 1, "***");
      end = out.find_first_of("/?#", authority);
      if (end == std::string::npos) end = out.size();
    }
  }
  // password=... among the parameters.
  size_t query = out.find('?', end);
  for (size_t at_param = query; at_param != std::string::npos;) {
    size_t name = at_param + 1;
    size_t next = out.find('&', name);
    size_t stop = next == std::string::npos ? out.size() : next;
    if (out.compare(name, 9, "password=") == 0 && stop > name + 9)
      out.replace(name + 9, stop - name - 9, "***");
    at_param = out.find('&', name);
  }
  return out;
}

Result<DatabaseUrl> parse_database_url(std::string_view text) {
  DatabaseUrl out;
  if (text.empty()) return fail(ErrorKind::bad_input, "the database location is empty");
  if (starts_with_scheme(text, "postgresql://") || starts_with_scheme(text, "postgres://")) {
    out.kind = DatabaseUrl::Kind::postgresql;
    out.conninfo = std::string(text);
    out.shown = redact_database_url(text);
    char* error = nullptr;
    std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(
        PQconninfoParse(out.conninfo.c_str(), &error), PQconninfoFree);
    if (!options) {
      std::string why = error != nullptr ? error : "libpq cannot read it";
      PQfreemem(error);
      while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
      // libpq quotes parts of the URL in its messages: never the password, but to be sure, the
      // message is only shown when it does not hold the URL's text.
      if (why.find(out.conninfo) != std::string::npos) why = "libpq cannot read it";
      return fail(ErrorKind::bad_input, "bad database URL {}: {}", out.shown, why);
    }
    return out;
  }
  std::string_view path = text;
  if (starts_with_scheme(text, "sqlite://")) {
    path = text.substr(9);
    if (path.empty() || path.front() != '/')
      return fail(ErrorKind::bad_input,
                  "bad database URL {}: a SQLite URL names an absolute path, as in "
                  "sqlite:///home/ann/.beaver/beaver.db",
                  redact_database_url(text));
  } else if (text.find("://") != std::string_view::npos) {
    return fail(ErrorKind::bad_input,
                "bad database URL {}: beaver keeps its ledger in postgresql:// or sqlite://",
                redact_database_url(text));
  }
  out.kind = DatabaseUrl::Kind::sqlite;
  out.file = std::filesystem::path(path);
  out.shown = "sqlite://" + std::filesystem::absolute(out.file).string();
  return out;
}

}  // namespace beaver
