#include "server/api.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <set>
#include <sstream>

#include "model/names.hpp"
#include "ops/json_text.hpp"
#include "ops/operations.hpp"
#include "package/package_intake.hpp"
#include "server/json_body.hpp"

namespace beaver {
namespace {

struct Call {
  const HttpRequest& request;
  std::vector<std::string> params;  // the route's {placeholders}, in order
  Operations& ops;
  const std::string& actor;
};

struct Answer {
  int status = 200;
  Poco::Dynamic::Var json;
  std::optional<std::string> text;  // a text answer instead (a report), with its type
  std::string content_type;
};

using Handler = std::function<Result<Answer>(Call&)>;

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> parts;
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) parts.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

template <class T>
Result<Answer> answer(Result<T> result, int status = 200) {
  if (!result) return std::unexpected(result.error());
  return Answer{status, *result, {}, {}};
}

Result<int64_t> id_param(const std::string& text, std::string_view what) {
  int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || end != text.data() + text.size() || id <= 0)
    return fail(ErrorKind::not_found, "no {} '{}' (ids are positive numbers)", what, text);
  return id;
}

std::optional<std::string> query_param(const HttpRequest& r, const std::string& key) {
  auto found = r.query.find(key);
  if (found == r.query.end()) return std::nullopt;
  return found->second;
}

Result<NewUser> new_user(JsonBody& body, std::string name) {
  auto team = body.text("team");
  if (!team) return std::unexpected(team.error());
  auto roles = body.texts("roles");
  if (!roles) return std::unexpected(roles.error());
  auto email = body.optional_text("email");
  if (!email) return std::unexpected(email.error());
  NewUser user{std::move(name), *team, {}, *email};
  for (const auto& r : *roles) {
    auto role = role_from_string(r);
    if (!role) return fail(ErrorKind::bad_input, "'{}' is not a role", r);
    user.roles.push_back(*role);
  }
  BEAVER_TRY(body.finish());
  return user;
}

Result<Answer> list_releases(Call& c) {
  static const std::set<std::string> kKnown = {"service", "env",   "type",  "status",
                                               "since",   "until", "limit", "owing_review"};
  for (const auto& [key, value] : c.request.query)
    if (!kKnown.contains(key)) return fail(ErrorKind::bad_input, "unknown parameter '{}'", key);
  ReleaseListRequest r;
  r.service = query_param(c.request, "service");
  r.env = query_param(c.request, "env");
  r.type = query_param(c.request, "type");
  r.status = query_param(c.request, "status");
  r.since = query_param(c.request, "since");
  r.until = query_param(c.request, "until");
  if (auto owing = query_param(c.request, "owing_review")) {
    if (*owing != "true" && *owing != "false")
      return fail(ErrorKind::bad_input, "owing_review is true or false");
    r.owing_review = *owing == "true";
  }
  if (auto limit = query_param(c.request, "limit")) {
    auto [end, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), r.limit);
    if (ec != std::errc{} || end != limit->data() + limit->size())
      return fail(ErrorKind::bad_input, "limit '{}' is not a number", *limit);
  }
  return answer(c.ops.list(r));
}

// The report's parameters: since, until and (when `by` is taken) by and format; no other.
Result<ReportRequest> report_request(const HttpRequest& request, bool by) {
  for (const auto& [key, value] : request.query)
    if (key != "since" && key != "until" && ((key != "by" && key != "format") || !by))
      return fail(ErrorKind::bad_input, "unknown parameter '{}'", key);
  ReportRequest r;
  r.since = query_param(request, "since");
  r.until = query_param(request, "until");
  r.by = query_param(request, "by").value_or("");
  return r;
}

Result<Answer> submit(Call& c) {
  auto body = JsonBody::parse(c.request.body);
  if (!body) return std::unexpected(body.error());
  SubmitRequest r;
  auto text = [&](const char* key, std::string& out) -> Result<void> {
    auto v = body->text(key);
    if (!v) return std::unexpected(v.error());
    out = *v;
    return {};
  };
  auto optional = [&](const char* key, std::optional<std::string>& out) -> Result<void> {
    auto v = body->optional_text(key);
    if (!v) return std::unexpected(v.error());
    out = *v;
    return {};
  };
  BEAVER_TRY(text("service", r.service));
  BEAVER_TRY(text("env", r.env));
  std::optional<std::string> version;
  BEAVER_TRY(optional("version", version));
  r.version = version.value_or("");
  BEAVER_TRY(optional("commit", r.commit));
  BEAVER_TRY(optional("category", r.category));
  BEAVER_TRY(optional("reason", r.reason));
  BEAVER_TRY(optional("package_sha256", r.package_sha256));
  BEAVER_TRY(optional("package_file", r.package_file));
  if (r.package_file) BEAVER_TRY(check_text("package_file", *r.package_file, 1000, false));
  auto emergency = body->flag("emergency");
  if (!emergency) return std::unexpected(emergency.error());
  r.emergency = *emergency;
  BEAVER_TRY(body->finish());
  if (r.version.empty() && !r.package_sha256)
    return fail(ErrorKind::bad_input, "a release needs a version or a package_sha256");
  return answer(c.ops.submit(r), 201);
}

Result<Answer> act(Call& c) {
  auto id = id_param(c.params[0], "release");
  if (!id) return std::unexpected(id.error());
  auto action = release_action_from_string(c.params[1]);
  if (!action) return fail(ErrorKind::not_found, "no action '{}' on a release", c.params[1]);
  auto body = JsonBody::parse(c.request.body);
  if (!body) return std::unexpected(body.error());
  auto text = body->optional_text(*action == ReleaseAction::review ? "notes" : "comment");
  if (!text) return std::unexpected(text.error());
  BEAVER_TRY(body->finish());
  return answer(c.ops.act(*id, *action, *text));
}

// A dry run answers the plan; a deploy starts on the server's executor and answers 202 once it
// holds its lease.
Result<Answer> deploy(Call& c) {
  auto id = id_param(c.params[0], "release");
  if (!id) return std::unexpected(id.error());
  auto body = JsonBody::parse(c.request.body);
  if (!body) return std::unexpected(body.error());
  DeployRequest r;
  auto batches = body->optional_text("batches");
  if (!batches) return std::unexpected(batches.error());
  r.batches = *batches;
  auto parallel = body->optional_integer("parallel");
  if (!parallel) return std::unexpected(parallel.error());
  if (*parallel && (**parallel < 1 || **parallel > 100))
    return fail(ErrorKind::bad_input, "parallel {} is not between 1 and 100", **parallel);
  r.parallel = static_cast<int>(parallel->value_or(r.parallel));
  auto dry_run = body->flag("dry_run");
  if (!dry_run) return std::unexpected(dry_run.error());
  r.dry_run = *dry_run;
  BEAVER_TRY(body->finish());
  return answer(c.ops.deploy(*id, r), r.dry_run ? 200 : 202);
}

Result<Answer> rollback(Call& c) {
  auto body = JsonBody::parse(c.request.body);
  if (!body) return std::unexpected(body.error());
  RollbackRequest r;
  auto service = body->text("service");
  if (!service) return std::unexpected(service.error());
  auto env = body->text("env");
  if (!env) return std::unexpected(env.error());
  auto to = body->optional_text("to");
  if (!to) return std::unexpected(to.error());
  BEAVER_TRY(body->finish());
  r.service = *service;
  r.env = *env;
  r.to = *to;
  auto started = c.ops.rollback(r);
  if (!started) return std::unexpected(started.error());
  bool deploying = !(*started)->isNull("deploy");
  return Answer{deploying ? 202 : 201, *started, {}, {}};
}

// Only the parameters in `known`; bad_input naming any other.
Result<void> only_parameters(const HttpRequest& r, std::initializer_list<std::string_view> known) {
  for (const auto& [key, value] : r.query)
    if (std::find(known.begin(), known.end(), key) == known.end())
      return fail(ErrorKind::bad_input, "unknown parameter '{}'", key);
  return {};
}

Result<Answer> report(Call& c) {
  auto request = report_request(c.request, true);
  if (!request) return std::unexpected(request.error());
  auto format_name = query_param(c.request, "format").value_or("json");
  if (format_name == "json") return answer(c.ops.report(*request));
  auto format = report_format_from_string(format_name);
  if (!format)
    return fail(ErrorKind::bad_input, "format '{}' is not json, table, csv or html", format_name);
  auto text = c.ops.report_text(*request, *format);
  if (!text) return std::unexpected(text.error());
  return Answer{200, {}, std::move(*text), std::string(content_type(*format))};
}

std::vector<std::pair<std::string, Handler>> api_routes() {
  std::vector<std::pair<std::string, Handler>> r;
  r.emplace_back("GET /api/v1/whoami", [](Call& c) { return answer(c.ops.whoami()); });
  r.emplace_back("GET /api/v1/users", [](Call& c) { return answer(c.ops.list_users()); });
  r.emplace_back("POST /api/v1/users", [](Call& c) -> Result<Answer> {
    auto body = JsonBody::parse(c.request.body);
    if (!body) return std::unexpected(body.error());
    auto name = body->text("name");
    if (!name) return std::unexpected(name.error());
    auto user = new_user(*body, *name);
    if (!user) return std::unexpected(user.error());
    return answer(c.ops.add_user(*user), 201);
  });
  r.emplace_back("PUT /api/v1/users/{name}", [](Call& c) -> Result<Answer> {
    auto body = JsonBody::parse(c.request.body);
    if (!body) return std::unexpected(body.error());
    auto user = new_user(*body, c.params[0]);
    if (!user) return std::unexpected(user.error());
    return answer(c.ops.update_user(*user));
  });
  r.emplace_back("GET /api/v1/services", [](Call& c) { return answer(c.ops.list_services()); });
  r.emplace_back("POST /api/v1/services", [](Call& c) -> Result<Answer> {
    auto body = JsonBody::parse(c.request.body);
    if (!body) return std::unexpected(body.error());
    auto name = body->text("name");
    if (!name) return std::unexpected(name.error());
    auto team = body->text("team");
    if (!team) return std::unexpected(team.error());
    BEAVER_TRY(body->finish());
    return answer(c.ops.add_service(*name, *team), 201);
  });
  r.emplace_back("GET /api/v1/releases", list_releases);
  r.emplace_back("POST /api/v1/releases", submit);
  r.emplace_back("GET /api/v1/releases/{id}", [](Call& c) -> Result<Answer> {
    auto id = id_param(c.params[0], "release");
    if (!id) return std::unexpected(id.error());
    return answer(c.ops.show(*id));
  });
  // Before the actions' route, which would take "deploy" for an action.
  r.emplace_back("POST /api/v1/releases/{id}/deploy", deploy);
  r.emplace_back("POST /api/v1/releases/{id}/{action}", act);
  r.emplace_back("POST /api/v1/rollbacks", rollback);
  r.emplace_back("GET /api/v1/deploys", [](Call& c) -> Result<Answer> {
    BEAVER_TRY(only_parameters(c.request, {"service", "env"}));
    return answer(
        c.ops.list_deploys(query_param(c.request, "service"), query_param(c.request, "env")));
  });
  r.emplace_back("GET /api/v1/deploys/{id}", [](Call& c) -> Result<Answer> {
    auto id = id_param(c.params[0], "deploy");
    if (!id) return std::unexpected(id.error());
    return answer(c.ops.show_deploy(*id));
  });
  // 202: the deploy stops at its next step, and records how it ended.
  r.emplace_back("POST /api/v1/deploys/{id}/stop", [](Call& c) -> Result<Answer> {
    auto id = id_param(c.params[0], "deploy");
    if (!id) return std::unexpected(id.error());
    auto body = JsonBody::parse(c.request.body);  // none, or {}
    if (!body) return std::unexpected(body.error());
    BEAVER_TRY(body->finish());
    return answer(c.ops.stop_deploy(*id), 202);
  });
  r.emplace_back("GET /api/v1/status", [](Call& c) -> Result<Answer> {
    BEAVER_TRY(only_parameters(c.request, {"service", "env"}));
    auto service = query_param(c.request, "service");
    auto env = query_param(c.request, "env");
    if (!service || !env)
      return fail(ErrorKind::bad_input, "status needs ?service=SERVICE&env=ENV");
    return answer(c.ops.env_status(*service, *env));
  });
  r.emplace_back("GET /api/v1/packages", [](Call& c) -> Result<Answer> {
    BEAVER_TRY(only_parameters(c.request, {"service"}));
    return answer(c.ops.list_packages(query_param(c.request, "service")));
  });
  r.emplace_back("GET /api/v1/packages/{sha256}",
                 [](Call& c) { return answer(c.ops.show_package(c.params[0])); });
  r.emplace_back("PUT /api/v1/packages/{sha256}", [](Call& c) -> Result<Answer> {
    if (c.request.body_file.empty())
      return fail(ErrorKind::bad_input, "send the package's .tar.gz as the body");
    auto kept = c.ops.put_package(c.params[0], c.request.body_file);
    if (!kept) return std::unexpected(kept.error());
    bool registered = (*kept)->getValue<bool>("registered");
    return Answer{registered ? 201 : 200, *kept, {}, {}};
  });
  r.emplace_back("GET /api/v1/policy", [](Call& c) { return answer(c.ops.policy()); });
  r.emplace_back("POST /api/v1/policy/check", [](Call& c) -> Result<Answer> {
    auto body = JsonBody::parse(c.request.body);
    if (!body) return std::unexpected(body.error());
    auto content = body->text("content");
    if (!content) return std::unexpected(content.error());
    auto name = body->optional_text("name");
    if (!name) return std::unexpected(name.error());
    BEAVER_TRY(body->finish());
    return answer(c.ops.check_policy(name->value_or("policy.yaml"), *content));
  });
  r.emplace_back("GET /api/v1/inbox", [](Call& c) { return answer(c.ops.inbox()); });
  r.emplace_back("GET /api/v1/report", report);
  r.emplace_back("GET /api/v1/report/charts", [](Call& c) -> Result<Answer> {
    auto request = report_request(c.request, false);
    if (!request) return std::unexpected(request.error());
    return answer(c.ops.report_charts(*request));
  });
  r.emplace_back("GET /api/v1/audit", [](Call& c) -> Result<Answer> {
    for (const auto& [key, value] : c.request.query)
      if (key != "subject") return fail(ErrorKind::bad_input, "unknown parameter '{}'", key);
    return answer(c.ops.audit_log(query_param(c.request, "subject")));
  });
  r.emplace_back("GET /api/v1/audit/verify", [](Call& c) { return answer(c.ops.audit_verify()); });
  r.emplace_back("GET /api/v1/tokens", [](Call& c) { return answer(c.ops.list_tokens()); });
  r.emplace_back("POST /api/v1/tokens", [](Call& c) -> Result<Answer> {
    auto body = JsonBody::parse(c.request.body);
    if (!body) return std::unexpected(body.error());
    auto user = body->text("user");
    if (!user) return std::unexpected(user.error());
    auto label = body->optional_text("label");
    if (!label) return std::unexpected(label.error());
    BEAVER_TRY(body->finish());
    return answer(c.ops.create_token(*user, label->value_or("")), 201);
  });
  r.emplace_back("DELETE /api/v1/tokens/{id}", [](Call& c) -> Result<Answer> {
    auto id = id_param(c.params[0], "token");
    if (!id) return std::unexpected(id.error());
    return answer(c.ops.revoke_token(*id));
  });
  return r;
}

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

struct Api::Route {
  std::string method;
  std::vector<std::string> parts;
  std::string pattern;
  Handler run;
};

std::vector<std::string> api_route_patterns() {
  std::vector<std::string> out = {"GET /healthz", "GET /metrics"};
  for (const auto& [pattern, run] : api_routes()) out.push_back(pattern);
  return out;
}

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

// A failure of the server's own (a database down or not answering, a fault): for whoever runs it,
// on stderr, as a request's client alone would otherwise know of it.
void log_failure(std::string_view route, int status, const std::string& message) {
  fmt::print(stderr, "beaver serve: {} answered {}: {}\n", route, status, message);
}

HttpReply error_reply(const Error& error, std::string route) {
  Poco::JSON::Object::Ptr inner = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  inner->set("kind", std::string(kind_name(error.kind)));
  inner->set("message", error.message);
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

Api::Api(StorePool& pool, const Clock& clock, const Policy& policy, Metrics& metrics,
         std::function<ServerGauges()> server_gauges, std::filesystem::path web_dir,
         std::function<void()> changed, const HostAccess* hosts)
    : pool_(pool),
      clock_(clock),
      policy_(policy),
      metrics_(metrics),
      server_gauges_(std::move(server_gauges)),
      web_dir_(std::move(web_dir)),
      changed_(std::move(changed)),
      hosts_(hosts) {
  for (auto& [pattern, run] : api_routes()) {
    auto space = pattern.find(' ');
    routes_.push_back(
        {pattern.substr(0, space), split_path(pattern.substr(space + 1)), pattern, std::move(run)});
  }
}

Api::~Api() = default;

HttpReply Api::handle(const HttpRequest& request) {
  try {
    if (request.path == "/healthz") return health();
    if (request.path == "/metrics") return metrics(request);
    if (request.path == "/api" || request.path.starts_with("/api/")) return api(request);
    return web(request);
  } catch (const std::exception& e) {
    return error_reply({ErrorKind::internal, fmt::format("internal error: {}", e.what())},
                       "internal");
  }
}

HttpReply Api::api(const HttpRequest& request) {
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
      // A client written for the paths before the version was part of them is told where they
      // went, not answered as if they were still there.
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
  return std::nullopt;
}

Result<std::string> Api::sign_in(Store& store, const HttpRequest& request) {
  constexpr std::string_view kBearer = "Bearer ";
  if (!request.authorization.starts_with(kBearer))
    return fail(ErrorKind::unauthenticated,
                "sign in: send 'Authorization: Bearer TOKEN' (beaver token create)");
  auto token = std::string_view(request.authorization).substr(kBearer.size());
  auto now = TokenCache::Clock::now();
  if (auto name = tokens_.user_of(token, now)) return *name;
  auto checked = tokens_.generation();
  auto user = Ledger(store, clock_, &policy_).authenticate(token);
  if (!user) return std::unexpected(user.error());
  tokens_.remember(token, user->name, now, checked);
  return user->name;
}

HttpReply Api::health() {
  HttpReply reply;
  reply.route = "GET /healthz";
  auto lease = pool_.borrow(StorePool::Use::other);
  Result<void> ok = lease ? (*lease)->read([](StoreTransaction& tx) -> Result<void> {
    tx.last_audit_entry();
    return {};
  })
                          : Result<void>(std::unexpected(lease.error()));
  if (!ok) {
    reply.status = 503;
    // The reason is logged, not answered: /healthz needs no token.
    log_failure(reply.route, reply.status, ok.error().message);
    reply.body = R"({"status":"unavailable"})";
    return reply;
  }
  reply.body = R"({"status":"ok"})";
  return reply;
}

HttpReply Api::metrics(const HttpRequest& request) {
  const std::string route = "GET /metrics";
  auto lease = pool_.borrow(StorePool::Use::read);
  if (!lease) return error_reply(lease.error(), route);
  auto user = sign_in(**lease, request);
  if (!user) return error_reply(user.error(), route);
  LedgerGauges gauges;
  auto read = (*lease)->read([&](StoreTransaction& tx) -> Result<void> {
    for (const auto& [key, n] : tx.release_counts()) {
      gauges.releases[key] = n;
      if (key.second == "submitted") gauges.approvals_pending += n;
    }
    return {};
  });
  if (!read) return error_reply(read.error(), route);
  HttpReply reply;
  reply.route = route;
  reply.content_type = "text/plain; version=0.0.4";
  reply.body = metrics_.render(gauges, server_gauges_());
  return reply;
}

HttpReply Api::web(const HttpRequest& request) {
  HttpReply reply;
  reply.route = "GET /web";
  if (request.method != "GET" && request.method != "HEAD") {
    return error_reply({ErrorKind::not_found, "no such page"}, reply.route);
  }
  // Only files named here are served: no path from the request reaches the file system.
  static const std::map<std::string, std::pair<std::string, std::string>> kFiles = {
      {"/web/app.js", {"app.js", "text/javascript; charset=utf-8"}},
      {"/web/style.css", {"style.css", "text/css; charset=utf-8"}},
  };
  std::string file = "index.html";
  std::string type = "text/html; charset=utf-8";
  if (auto found = kFiles.find(request.path); found != kFiles.end()) {
    file = found->second.first;
    type = found->second.second;
  } else {
    auto parts = split_path(request.path);
    static const std::set<std::string> kPages = {"inbox", "releases", "dashboard", "signin"};
    bool page = parts.empty() || (kPages.contains(parts[0]) && parts.size() <= 2);
    if (!page) return error_reply({ErrorKind::not_found, "no such page"}, reply.route);
  }
  std::ifstream in(web_dir_ / file, std::ios::binary);
  if (!in)
    return error_reply({ErrorKind::internal, fmt::format("web page {} is not installed", file)},
                       reply.route);
  std::ostringstream text;
  text << in.rdbuf();
  reply.body = text.str();
  reply.content_type = type;
  reply.headers.emplace_back("Cache-Control", "no-cache");
  reply.headers.emplace_back("X-Content-Type-Options", "nosniff");
  reply.headers.emplace_back("Content-Security-Policy",
                             "default-src 'self'; img-src 'self' data:; style-src 'self' "
                             "'unsafe-inline'; frame-ancestors 'none'");
  return reply;
}

}  // namespace beaver
