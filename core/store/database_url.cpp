#include "store/database_url.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <memory>

namespace beaver {
namespace {

bool starts_with_scheme(std::string_view text, std::string_view scheme) {
  return text.size() > scheme.size() && text.substr(0, scheme.size()) == scheme;
}

}  // namespace

std::vector<std::pair<size_t, size_t>> database_url_passwords(std::string_view url) {
  std::vector<std::pair<size_t, size_t>> spans;
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return spans;
  size_t authority = scheme + 3;
  size_t end = url.find_first_of("/?#", authority);
  if (end == std::string_view::npos) end = url.size();
  // The user part ends at the last '@' of the authority (a password may hold '@' percent-encoded
  // or not); its password starts after the first ':'.
  size_t at = url.rfind('@', end == 0 ? 0 : end - 1);
  if (at != std::string_view::npos && at >= authority) {
    size_t colon = url.find(':', authority);
    if (colon != std::string_view::npos && colon < at) {
      spans.emplace_back(colon + 1, at - colon - 1);
      end = url.find_first_of("/?#", at);
      if (end == std::string_view::npos) end = url.size();
    }
  }
  // password=... among the parameters.
  for (size_t param = url.find('?', end); param != std::string_view::npos;) {
    size_t name = param + 1;
    size_t next = url.find('&', name);
    size_t stop = next == std::string_view::npos ? url.size() : next;
    if (url.substr(name, 9) == "password=" && stop > name + 9)
      spans.emplace_back(name + 9, stop - name - 9);
    param = next;
  }
  return spans;
}

std::string redact_database_url(std::string_view url) {
  std::string out(url);
  auto spans = database_url_passwords(url);
  for (auto it = spans.rbegin(); it != spans.rend(); ++it)
    out.replace(it->first, it->second, "***");
  return out;
}

Result<DatabaseUrl> parse_database_url(std::string_view text) {
  DatabaseUrl out;
  if (text.empty()) return fail(ErrorKind::bad_input, "the database location is empty");
  if (starts_with_scheme(text, "postgresql://") || starts_with_scheme(text, "postgres://")) {
    out.kind = DatabaseUrl::Kind::postgresql;
    out.conninfo = std::string(text);
    char* error = nullptr;
    std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(
        PQconninfoParse(out.conninfo.c_str(), &error), PQconninfoFree);
    PQfreemem(error);
    // libpq's own message may quote any part of the URL, the password too: never shown.
    auto unreadable = [] {
      return fail(ErrorKind::bad_input,
                  "bad database URL (not shown: it may hold a password): libpq cannot read it; "
                  "write it as postgresql://USER[:PASSWORD]@HOST[:PORT]/DB[?PARAM=VALUE&...] "
                  "with reserved characters percent-encoded");
    };
    if (!options) return unreadable();
    // What libpq will connect to, written again from its parse, never by editing the text: a
    // password holding '#', '?', '/' or '@' cannot slip past.
    std::string user, host, port, dbname;
    bool password = false;
    for (auto* o = options.get(); o->keyword != nullptr; ++o) {
      if (o->val == nullptr) continue;
      std::string_view key = o->keyword;
      if (key == "user") user = o->val;
      if (key == "host" || (key == "hostaddr" && host.empty())) host = o->val;
      if (key == "port") port = o->val;
      if (key == "dbname") dbname = o->val;
      if (key == "password") password = true;
    }
    // A password with an unencoded '/' or '@' ends up in libpq's host or port instead: such a
    // URL cannot connect, and is refused here rather than shown.
    auto only = [](std::string_view part, std::string_view allowed_punctuation) {
      return std::all_of(part.begin(), part.end(), [&](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) ||
               allowed_punctuation.find(c) != std::string_view::npos;
      });
    };
    if (!only(port, ",") || !only(host, ".-_:,[]%") || dbname.find('@') != std::string::npos)
      return unreadable();
    out.shown = "postgresql://";
    if (!user.empty() || password) out.shown += user + (password ? ":***" : "") + "@";
    out.shown += host;
    if (!port.empty()) out.shown += ":" + port;
    if (!dbname.empty()) out.shown += "/" + dbname;
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
  } else if (auto scheme = text.find("://"); scheme != std::string_view::npos) {
    return fail(ErrorKind::bad_input,
                "bad database URL {}://…: beaver keeps its ledger in postgresql:// or sqlite://",
                text.substr(0, scheme));
  }
  out.kind = DatabaseUrl::Kind::sqlite;
  out.file = std::filesystem::path(path);
  out.shown = "sqlite://" + std::filesystem::absolute(out.file).string();
  return out;
}

}  // namespace beaver
