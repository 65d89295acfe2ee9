// The routes of releases and their deploys. Each reads its parameters strictly (an unknown field
// or parameter is an error) and leaves every rule to the operations it calls.

#include <charconv>
#include <set>

#include "model/names.hpp"
#include "server/json_body.hpp"
#include "server/request_params.hpp"
#include "server/routes.hpp"

namespace beaver {
namespace {

// The query's number `key` (limit, offset), else `fallback`; its range is the operations' to check.
Result<int64_t> number_param(const Call& c, const char* key, int64_t fallback) {
  auto text = query_param(c.request, key);
  if (!text) return fallback;
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (ec != std::errc{} || end != text->data() + text->size())
    return bad_field(key, "{} '{}' is not a number", key, *text);
  return n;
}

Result<int64_t> limit_param(const Call& c, int64_t fallback) {
  return number_param(c, "limit", fallback);
}

// A listing's parameters, the same for the whole list and for a page of it.
Result<ReleaseListRequest> list_request(const Call& c) {
  static const std::set<std::string> kKnown = {
      "service", "env",  "type",      "status", "since",        "until",           "limit",
      "offset",  "team", "submitter", "q",      "owing_review", "owing_signature", "live"};
  for (const auto& [key, value] : c.request.query)
    if (!kKnown.contains(key)) return fail(ErrorKind::bad_input, "unknown parameter '{}'", key);
  ReleaseListRequest r;
  auto named = [&](const char* key) {
    auto v = query_param(c.request, key);
    return v && !v->empty() ? v : std::nullopt;
  };
  r.service = query_param(c.request, "service");
  r.env = query_param(c.request, "env");
  r.type = query_param(c.request, "type");
  r.status = query_param(c.request, "status");
  r.since = query_param(c.request, "since");
  r.until = query_param(c.request, "until");
  r.team = named("team");
  r.submitter = named("submitter");
  r.q = named("q");
  if (auto owing = query_param(c.request, "owing_review")) {
    if (*owing != "true" && *owing != "false")
      return fail(ErrorKind::bad_input, "owing_review is true or false");
    r.owing_review = *owing == "true";
  }
  if (auto owing = query_param(c.request, "owing_signature")) {
    if (*owing != "true" && *owing != "false")
      return fail(ErrorKind::bad_input, "owing_signature is true or false");
    r.owing_signature = *owing == "true";
  }
  if (auto live = query_param(c.request, "live")) {
    if (*live != "true" && *live != "false")
      return fail(ErrorKind::bad_input, "live is true or false");
    r.live = *live == "true";
  }
  auto limit = limit_param(c, r.limit);
  if (!limit) return std::unexpected(limit.error());
  r.limit = *limit;
  auto offset = number_param(c, "offset", 0);
  if (!offset) return std::unexpected(offset.error());
  r.offset = *offset;
  return r;
}

Result<Answer> list_releases(Call& c) {
  auto r = list_request(c);
  if (!r) return std::unexpected(r.error());
  return answer(c.ops.list(*r));
}

Result<Answer> list_page(Call& c) {
  auto r = list_request(c);
  if (!r) return std::unexpected(r.error());
  return answer(c.ops.list_page(*r));
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
  std::optional<std::string> service;
  BEAVER_TRY(optional("service", service));  // a package names its own
  r.service = service.value_or("");
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
  auto replace = body->flag("replace");
  if (!replace) return std::unexpected(replace.error());
  r.replace = *replace;
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
  r.parallel = parallel->value_or(r.parallel);
  auto dry_run = body->flag("dry_run");
  if (!dry_run) return std::unexpected(dry_run.error());
  r.dry_run = *dry_run;
  auto repair = body->flag("repair");
  if (!repair) return std::unexpected(repair.error());
  r.repair = *repair;
  auto glass = body->optional_text("break_glass");
  if (!glass) return std::unexpected(glass.error());
  r.break_glass = *glass;
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

}  // namespace

void add_release_routes(Routes& r) {
  r.emplace_back("GET /api/v1/releases", list_releases);
  r.emplace_back("GET /api/v1/releases/page", list_page);
  r.emplace_back("POST /api/v1/releases", submit);
  // Before a release's own route, which would take "open" for an id.
  r.emplace_back("GET /api/v1/releases/open", [](Call& c) -> Result<Answer> {
    BEAVER_TRY(only_parameters(c.request, {"limit"}));
    auto limit = limit_param(c, ReleaseListRequest::kDefaultLimit);
    if (!limit) return std::unexpected(limit.error());
    return answer(c.ops.open_releases(*limit));
  });
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
}

}  // namespace beaver
