#include "server/api.hpp"

#include <fmt/core.h>

#include "auth/token.hpp"
#include "notify/notify_queue.hpp"
#include "ops/json_text.hpp"
#include "package/package_intake.hpp"
#include "server/http_error.hpp"
#include "server/monitoring.hpp"
#include "server/request_params.hpp"
#include "server/routes.hpp"
#include "server/session_cookie.hpp"
#include "server/web_pages.hpp"

namespace beaver {

struct Api::Route {
  std::string method;
  std::vector<std::string> parts;
  std::string pattern;
  Handler run;
};

Api::Api(StorePool& pool, const Clock& clock, const Policy& policy, Metrics& metrics,
         std::function<ServerGauges()> server_gauges, std::filesystem::path web_dir,
         std::function<void()> changed, const HostAccess* hosts, SessionOptions sessions)
    : pool_(pool),
      clock_(clock),
      policy_(policy),
      metrics_(metrics),
      server_gauges_(std::move(server_gauges)),
      web_dir_(std::move(web_dir)),
      changed_(std::move(changed)),
      hosts_(hosts),
      sessions_(sessions) {
  for (auto& [pattern, run] : api_routes()) {
    auto space = pattern.find(' ');
    routes_.push_back(
        {pattern.substr(0, space), split_path(pattern.substr(space + 1)), pattern, std::move(run)});
  }
}

Api::~Api() = default;

HttpReply Api::handle(const HttpRequest& request) {
  try {
    if (request.path == "/healthz") return health_reply(pool_);
    if (request.path == "/metrics") return metrics(request);
    if (request.path == "/api" || request.path.starts_with("/api/")) return api(request);
    return web_page(request, web_dir_);
  } catch (const std::exception& e) {
    return error_reply({ErrorKind::internal, fmt::format("internal error: {}", e.what())},
                       "internal");
  }
}

HttpReply Api::api(const HttpRequest& request) {
  if (request.path == kSessionPath) return session(request);
  auto parts = split_path(request.path);
  const Route* match = nullptr;
  bool path_known = false;
  std::vector<std::string> params;
  for (const auto& route : routes_) {
    if (route.parts.size() != parts.size()) continue;
    std::vector<std::string> found;
    bool same = true;
    for (size_t i = 0; i < parts.size() && same; ++i) {
      if (route.parts[i].starts_with('{'))
        found.push_back(parts[i]);
      else
        same = route.parts[i] == parts[i];
    }
    if (!same) continue;
    path_known = true;
    // HEAD is GET without the body (the HTTP layer leaves it out): a client may ask for the size.
    bool head_of_get = request.method == "HEAD" && route.method == "GET";
    if (route.method != request.method && !head_of_get) continue;
    match = &route;
    params = std::move(found);
    break;
  }
  if (match == nullptr) {
    if (!path_known) {
      // A client of an API without the version in its paths is told where this one is, and is
      // answered nothing else.
      bool versioned = parts.size() >= 2 && parts[1] == "v1";
      return error_reply(
          {ErrorKind::not_found, fmt::format("no API route {}{}", request.path,
                                             versioned ? "" : " (the API is under /api/v1)")},
          "unknown");
    }
    auto reply = error_reply({ErrorKind::bad_input,
                              fmt::format("{} is not allowed on {}", request.method, request.path)},
                             "unknown");
    reply.status = 405;
    return reply;
  }

  bool reads = request.method == "GET" || request.method == "HEAD";
  auto lease = pool_.borrow(reads ? StorePool::Use::read : StorePool::Use::other);
  if (!lease) return error_reply(lease.error(), match->pattern);
  auto user = sign_in(**lease, request);
  if (!user) return error_reply(user.error(), match->pattern);
  auto ops = local_operations(**lease, clock_, &policy_, *user, hosts_);
  Call call{request, std::move(params), *ops, *user};
  auto result = match->run(call);
  // After the revocation committed: no request signed in before it may remember the token.
  if (match->method == "DELETE" && match->pattern.starts_with("DELETE /api/v1/tokens/"))
    tokens_.forget_all();
  if (!result) return error_reply(result.error(), match->pattern);
  if (request.method != "GET" && request.method != "HEAD") changed_();
  HttpReply reply;
  reply.status = result->status;
  if (result->text) {
    reply.body = std::move(*result->text);
    reply.content_type = result->content_type;
  } else {
    reply.body = json_text(result->json);
  }
  reply.route = match->pattern;
  return reply;
}

bool Api::is_upload(const HttpRequest& request) {
  auto parts = split_path(request.path);
  return request.method == "PUT" && parts.size() == 4 && parts[0] == "api" && parts[1] == "v1" &&
         parts[2] == "packages";
}

bool Api::is_long(const HttpRequest& request) {
  if (is_upload(request)) return true;
  if (request.method != "GET" && request.method != "HEAD") return false;
  const auto& path = request.path;
  return path == "/api/v1/report" || path == "/api/v1/report/charts" || path == "/api/v1/status" ||
         path == "/api/v1/audit" || path == "/api/v1/audit/verify";
}

std::optional<HttpReply> Api::admit(const HttpRequest& request) {
  bool api_path = request.path == "/api" || request.path.starts_with("/api/");
  if (!api_path && request.path != "/metrics") {
    // Nothing else takes a body: answered as it would be, before a byte of it is read.
    return handle(request);
  }
  // Signing in is what a stranger may do: its body is small, and read without a token.
  if (request.path == kSessionPath && request.method == "POST") return std::nullopt;
  auto lease = pool_.borrow(StorePool::Use::read);
  if (!lease) return error_reply(lease.error(), "unknown");
  auto user = sign_in(**lease, request);
  if (!user) return error_reply(user.error(), "unknown");
  return std::nullopt;
}

std::optional<HttpReply> Api::admit_upload(const HttpRequest& request) {
  const std::string route = "PUT /api/v1/packages/{sha256}";
  auto lease = pool_.borrow();
  if (!lease) return error_reply(lease.error(), route);
  auto user = sign_in(**lease, request);
  if (!user) return error_reply(user.error(), route);
  auto name = split_path(request.path).back();
  if (!is_package_name(name))
    return error_reply(
        {ErrorKind::bad_input, fmt::format("'{}' is not a package name (its SHA-256: 64 lowercase "
                                           "hexadecimal digits)",
                                           name)},
        route);
  // Who may not register packages sends no byte of one to this server's disk.
  auto may = Ledger(**lease, clock_, &policy_, notification_outbox()).check_can_register(*user);
  if (!may) return error_reply(may.error(), route);
  return std::nullopt;
}

Result<std::string> Api::sign_in(Store& store, const HttpRequest& request) {
  constexpr std::string_view kBearer = "Bearer ";
  if (request.authorization.empty()) {
    if (auto cookie = session_cookie(request.cookie)) {
      auto found = Ledger(store, clock_, &policy_, notification_outbox())
                       .session_user(*cookie, sessions_.limits);
      if (!found) return std::unexpected(found.error());
      bool changes = request.method != "GET" && request.method != "HEAD";
      if (changes && !same_digest(request.csrf, found->session.csrf))
        return fail(ErrorKind::refused,
                    "a change made with the session cookie needs its X-CSRF-Token header (GET "
                    "/api/v1/session gives it)");
      return found->user.name;
    }
  }
  if (!request.authorization.starts_with(kBearer))
    return fail(ErrorKind::unauthenticated,
                "sign in: send 'Authorization: Bearer TOKEN' (beaver token create)");
  auto token = std::string_view(request.authorization).substr(kBearer.size());
  auto now = TokenCache::Clock::now();
  if (auto name = tokens_.user_of(token, now)) return *name;
  auto checked = tokens_.generation();
  auto user = Ledger(store, clock_, &policy_, notification_outbox()).authenticate(token);
  if (!user) return std::unexpected(user.error());
  tokens_.remember(token, user->name, now, checked);
  return user->name;
}

HttpReply Api::metrics(const HttpRequest& request) {
  auto lease = pool_.borrow(StorePool::Use::read);
  if (!lease) return error_reply(lease.error(), "GET /metrics");
  auto user = sign_in(**lease, request);
  if (!user) return error_reply(user.error(), "GET /metrics");
  // Monitoring's account posts alerts and nothing else, not even this.
  Result<void> may_read = (*lease)->read([&](StoreTransaction& tx) -> Result<void> {
    auto u = tx.find_user(*user);
    if (u && u->has(Role::alerts))
      return fail(ErrorKind::refused,
                  "{} holds the alerts role: it posts alerts and does nothing else", *user);
    return {};
  });
  if (!may_read) return error_reply(may_read.error(), "GET /metrics");
  return metrics_reply(**lease, metrics_, server_gauges_());
}

}  // namespace beaver
