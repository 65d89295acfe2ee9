// The route table, and the routes of what surrounds releases: users, services, packages, the
// policy, the report, the audit log and tokens.

#include "server/routes.hpp"

#include "server/json_body.hpp"
#include "server/request_params.hpp"

namespace beaver {
namespace {

// Adding, team and roles are required (the ledger says so); updating, what is absent is kept.
Result<NewUser> new_user(JsonBody& body, std::string name) {
  auto team = body.optional_text("team");
  if (!team) return std::unexpected(team.error());
  auto roles = body.optional_texts("roles");
  if (!roles) return std::unexpected(roles.error());
  auto email = body.optional_text("email");
  if (!email) return std::unexpected(email.error());
  auto im = body.optional_texts("im");
  if (!im) return std::unexpected(im.error());
  NewUser user{std::move(name), team->value_or(""), {}, *email, *im};
  for (const auto& r : *roles) {
    auto role = role_from_string(r);
    if (!role) return fail(ErrorKind::bad_input, "'{}' is not a role", r);
    user.roles.push_back(*role);
  }
  BEAVER_TRY(body.finish());
  return user;
}

// The report's parameters: since, until, team, service, env and (when `by` is taken) by, format
// and bom; no other.
Result<ReportRequest> report_request(const HttpRequest& request, bool by) {
  for (const auto& [key, value] : request.query)
    if (key != "since" && key != "until" && key != "team" && key != "service" && key != "env" &&
        ((key != "by" && key != "format" && key != "bom" && key != "why_emergencies") || !by))
      return fail(ErrorKind::bad_input, "unknown parameter '{}'", key);
  ReportRequest r;
  r.since = query_param(request, "since");
  r.until = query_param(request, "until");
  r.by = query_param(request, "by").value_or("");
  auto named = [&](const char* key) {
    auto v = query_param(request, key);
    return v && !v->empty() ? v : std::nullopt;
  };
  r.team = named("team");
  r.service = named("service");
  r.env = named("env");
  auto bom = query_param(request, "bom").value_or("false");
  if (bom != "true" && bom != "false")
    return bad_field("bom", "bom '{}' is not true or false", bom);
  r.bom = bom == "true";
  auto why = query_param(request, "why_emergencies").value_or("false");
  if (why != "true" && why != "false")
    return bad_field("why_emergencies", "why_emergencies '{}' is not true or false", why);
  r.why_emergencies = why == "true";
  return r;
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

}  // namespace

Routes api_routes() {
  Routes r;
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
  r.emplace_back("PUT /api/v1/users/{name}/password", [](Call& c) -> Result<Answer> {
    auto body = JsonBody::parse(c.request.body);
    if (!body) return std::unexpected(body.error());
    auto password = body->text("password");
    if (!password) return std::unexpected(password.error());
    BEAVER_TRY(body->finish());
    return answer(c.ops.set_password(c.params[0], *password));
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
  add_release_routes(r);
  add_alert_routes(r);
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
    BEAVER_TRY(only_parameters(c.request, {"subject"}));
    return answer(c.ops.audit_log(query_param(c.request, "subject")));
  });
  r.emplace_back("GET /api/v1/audit/verify", [](Call& c) { return answer(c.ops.audit_verify()); });
  r.emplace_back("GET /api/v1/delegations", [](Call& c) -> Result<Answer> {
    BEAVER_TRY(only_parameters(c.request, {"user", "all"}));
    auto all = query_param(c.request, "all").value_or("false");
    if (all != "true" && all != "false")
      return bad_field("all", "all '{}' is not true or false", all);
    return answer(c.ops.list_delegations(query_param(c.request, "user"), all == "true"));
  });
  r.emplace_back("POST /api/v1/delegations", [](Call& c) -> Result<Answer> {
    auto body = JsonBody::parse(c.request.body);
    if (!body) return std::unexpected(body.error());
    auto user = body->text("user");
    if (!user) return std::unexpected(user.error());
    auto to = body->text("to");
    if (!to) return std::unexpected(to.error());
    auto until = body->text("until");
    if (!until) return std::unexpected(until.error());
    auto reason = body->optional_text("reason");
    if (!reason) return std::unexpected(reason.error());
    BEAVER_TRY(body->finish());
    return answer(c.ops.delegate({*user, *to, *until, *reason}), 201);
  });
  r.emplace_back("DELETE /api/v1/delegations/{id}", [](Call& c) -> Result<Answer> {
    auto id = id_param(c.params[0], "delegation");
    if (!id) return std::unexpected(id.error());
    return answer(c.ops.revoke_delegation(*id));
  });
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

std::vector<std::string> api_route_patterns() {
  // Signing in and out (session_routes.cpp) are answered before a caller is known.
  std::vector<std::string> out = {"GET /healthz", "GET /metrics", "POST /api/v1/session",
                                  "GET /api/v1/session", "DELETE /api/v1/session"};
  for (const auto& [pattern, run] : api_routes()) out.push_back(pattern);
  return out;
}

}  // namespace beaver
