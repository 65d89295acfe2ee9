#include "server/http_error.hpp"

#include <Poco/JSON/Object.h>
#include <fmt/core.h>

#include "ops/json_text.hpp"

namespace beaver {
namespace {

std::string_view kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::bad_input:
      return "bad_input";
    case ErrorKind::refused:
      return "refused";
    case ErrorKind::not_found:
      return "not_found";
    case ErrorKind::conflict:
      return "conflict";
    case ErrorKind::unauthenticated:
      return "unauthenticated";
    case ErrorKind::unavailable:
      return "unavailable";
    case ErrorKind::internal:
      return "internal";
  }
  return "internal";
}

}  // namespace

int http_status(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::bad_input:
      return 400;
    case ErrorKind::unauthenticated:
      return 401;
    case ErrorKind::refused:
      return 403;
    case ErrorKind::not_found:
      return 404;
    case ErrorKind::conflict:
      return 409;
    case ErrorKind::unavailable:
      return 503;
    case ErrorKind::internal:
      return 500;
  }
  return 500;
}

// On stderr, as a request's client alone would otherwise know of it.
void log_failure(std::string_view route, int status, const std::string& message) {
  fmt::print(stderr, "beaver serve: {} answered {}: {}\n", route, status, message);
}

HttpReply error_reply(const Error& error, std::string route) {
  Poco::JSON::Object::Ptr inner = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  inner->set("kind", std::string(kind_name(error.kind)));
  inner->set("message", error.message);
  if (!error.field.empty()) inner->set("field", error.field);
  Poco::JSON::Object::Ptr outer = new Poco::JSON::Object;
  outer->set("error", inner);
  HttpReply reply;
  reply.status = http_status(error.kind);
  reply.body = json_text(outer);
  reply.route = std::move(route);
  if (reply.status >= 500) log_failure(reply.route, reply.status, error.message);
  if (error.kind == ErrorKind::unauthenticated)
    reply.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"beaver\"");
  return reply;
}

}  // namespace beaver
