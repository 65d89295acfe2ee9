// /api/v1/session: people signing in on the web pages with a password, and out again. The
// command line and scripts keep their bearer tokens.

#include <fmt/core.h>

#include "auth/token.hpp"
#include "notify/notify_queue.hpp"
#include "ops/json_text.hpp"
#include "server/api.hpp"
#include "server/http_error.hpp"
#include "server/json_body.hpp"
#include "server/session_cookie.hpp"

namespace beaver {
namespace {

HttpReply json_reply(const JsonObject& body, std::string route) {
  HttpReply reply;
  reply.body = json_text(body);
  reply.route = std::move(route);
  return reply;
}

}  // namespace

HttpReply Api::session(const HttpRequest& request) {
  if (request.method == "POST") return start_session(request);
  bool reads = request.method == "GET" || request.method == "HEAD";
  std::string route = fmt::format("{} {}", reads ? "GET" : request.method, kSessionPath);
  if (!reads && request.method != "DELETE") {
    auto reply = error_reply({ErrorKind::bad_input,
                              fmt::format("{} is not allowed on {}", request.method, request.path)},
                             "unknown");
    reply.status = 405;
    return reply;
  }
  auto cookie = session_cookie(request.cookie);
  if (!cookie)
    return error_reply({ErrorKind::unauthenticated, "not signed in: sign in first"}, route);
  auto lease = pool_.borrow(reads ? StorePool::Use::read : StorePool::Use::other);
  if (!lease) return error_reply(lease.error(), route);
  Ledger ledger(**lease, clock_, &policy_, notification_outbox());
  auto found = ledger.session_user(*cookie, sessions_.limits);
  if (!found) return error_reply(found.error(), route);
  if (!reads) {
    if (!same_digest(request.csrf, found->session.csrf))
      return error_reply(
          {ErrorKind::refused, "signing out with the session cookie needs its X-CSRF-Token header"},
          route);
    auto ended = ledger.end_session(*cookie);
    if (!ended) return error_reply(ended.error(), route);
    JsonObject body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    body->set("signed_out", found->user.name);
    auto reply = json_reply(body, route);
    reply.headers.emplace_back("Set-Cookie", clear_session_cookie(sessions_.secure));
    return reply;
  }
  auto me = local_operations(**lease, clock_, &policy_, found->user.name)->whoami();
  if (!me) return error_reply(me.error(), route);
  JsonObject body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  body->set("user", *me);
  body->set("csrf", found->session.csrf);
  return json_reply(body, route);
}

HttpReply Api::start_session(const HttpRequest& request) {
  const std::string route = fmt::format("POST {}", kSessionPath);
  auto body = JsonBody::parse(request.body);
  if (!body) return error_reply(body.error(), route);
  auto user = body->text("user");
  if (!user) return error_reply(user.error(), route);
  auto password = body->text("password");
  if (!password) return error_reply(password.error(), route);
  if (auto done = body->finish(); !done) return error_reply(done.error(), route);

  auto now = SignInThrottle::Clock::now();
  if (auto wait = throttle_.wait(*user, request.client, now); wait.count() > 0) {
    auto reply =
        error_reply({ErrorKind::refused,
                     fmt::format("too many failed sign-ins: try again in {} s", wait.count())},
                    route);
    reply.status = 429;
    reply.headers.emplace_back("Retry-After", std::to_string(wait.count()));
    return reply;
  }
  auto lease = pool_.borrow();
  if (!lease) return error_reply(lease.error(), route);
  auto made = Ledger(**lease, clock_, &policy_, notification_outbox())
                  .start_session(*user, *password, request.client, &sessions_.directory);
  if (!made) {
    if (made.error().kind == ErrorKind::unauthenticated)
      throttle_.failed(*user, request.client, now);
    return error_reply(made.error(), route);
  }
  throttle_.succeeded(*user);
  auto me = local_operations(**lease, clock_, &policy_, *user)->whoami();
  if (!me) return error_reply(me.error(), route);
  JsonObject answer = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  answer->set("user", *me);
  answer->set("csrf", made->record.csrf);
  auto reply = json_reply(answer, route);
  reply.headers.emplace_back(
      "Set-Cookie", set_session_cookie(made->cookie, sessions_.limits.absolute, sessions_.secure));
  return reply;
}

}  // namespace beaver
