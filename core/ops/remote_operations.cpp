// The operations sent to a beaver server: each one request to the REST API, its JSON answer
// returned as it came, and an error answer turned back into the error the server's ledger gave,
// so the command exits as it would have here.

#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <fstream>
#include <sstream>

#include "ops/operations.hpp"
#include "text/json_parse.hpp"

namespace beaver {
namespace {

using Poco::Net::HTTPRequest;

ErrorKind kind_from_name(const std::string& name, int status) {
  static const std::map<std::string, ErrorKind> kKinds = {
      {"bad_input", ErrorKind::bad_input},
      {"refused", ErrorKind::refused},
      {"not_found", ErrorKind::not_found},
      {"conflict", ErrorKind::conflict},
      {"unauthenticated", ErrorKind::unauthenticated},
      {"unavailable", ErrorKind::unavailable},
      {"internal", ErrorKind::internal}};
  if (auto found = kKinds.find(name); found != kKinds.end()) return found->second;
  return status < 500 ? ErrorKind::bad_input : ErrorKind::unavailable;
}

std::string json_text(const Poco::Dynamic::Var& v) {
  std::ostringstream out;
  Poco::JSON::Stringifier::stringify(v, out);
  return out.str();
}

Poco::JSON::Object::Ptr object() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }

void set_optional(Poco::JSON::Object::Ptr& o, const std::string& key,
                  const std::optional<std::string>& v) {
  if (v) o->set(key, *v);
}

class RemoteOperations final : public Operations {
 public:
  RemoteOperations(Poco::URI base, std::string token, std::chrono::milliseconds timeout)
      : base_(std::move(base)), token_(std::move(token)), timeout_(timeout) {}

  Result<JsonObject> whoami() override {
    return object_of(call(HTTPRequest::HTTP_GET, "/api/v1/whoami"));
  }

  Result<JsonObject> add_user(const NewUser& user) override {
    auto body = user_body(user);
    body->set("name", user.name);
    return object_of(call(HTTPRequest::HTTP_POST, "/api/v1/users", body));
  }
  Result<JsonObject> update_user(const NewUser& user) override {
    return object_of(
        call(HTTPRequest::HTTP_PUT, "/api/v1/users/" + escape(user.name), user_body(user)));
  }
  Result<JsonObject> set_password(const std::string& user, const std::string& password) override {
    auto body = object();
    body->set("password", password);
    return object_of(
        call(HTTPRequest::HTTP_PUT, "/api/v1/users/" + escape(user) + "/password", body));
  }
  Result<JsonArray> list_users() override {
    return array_of(call(HTTPRequest::HTTP_GET, "/api/v1/users"));
  }

  Result<JsonObject> add_service(const std::string& name, const std::string& team) override {
    auto body = object();
    body->set("name", name);
    body->set("team", team);
    return object_of(call(HTTPRequest::HTTP_POST, "/api/v1/services", body));
  }
  Result<JsonArray> list_services() override {
    return array_of(call(HTTPRequest::HTTP_GET, "/api/v1/services"));
  }

  Result<JsonObject> submit(const SubmitRequest& r) override {
    auto body = object();
    if (!r.service.empty()) body->set("service", r.service);
    body->set("env", r.env);
    if (!r.version.empty()) body->set("version", r.version);
    set_optional(body, "commit", r.commit);
    if (r.emergency) body->set("emergency", true);
    if (r.replace) body->set("replace", true);
    set_optional(body, "category", r.category);
    set_optional(body, "reason", r.reason);
    set_optional(body, "package_sha256", r.package_sha256);
    set_optional(body, "package_file", r.package_file);
    return object_of(call(HTTPRequest::HTTP_POST, "/api/v1/releases", body));
  }

  Result<JsonObject> act(int64_t id, ReleaseAction action,
                         const std::optional<std::string>& text) override {
    auto body = object();
    set_optional(body, action == ReleaseAction::review ? "notes" : "comment", text);
    return object_of(call(HTTPRequest::HTTP_POST,
                          fmt::format("/api/v1/releases/{}/{}", id, to_string(action)), body));
  }
  Result<JsonObject> show(int64_t id) override {
    return object_of(call(HTTPRequest::HTTP_GET, fmt::format("/api/v1/releases/{}", id)));
  }
  Result<JsonArray> list(const ReleaseListRequest& r) override {
    return array_of(call(HTTPRequest::HTTP_GET, list_path("/api/v1/releases", r)));
  }
  Result<JsonObject> list_page(const ReleaseListRequest& r) override {
    return object_of(call(HTTPRequest::HTTP_GET, list_path("/api/v1/releases/page", r)));
  }
  Result<JsonArray> inbox() override {
    return array_of(call(HTTPRequest::HTTP_GET, "/api/v1/inbox"));
  }
  Result<JsonArray> open_releases(int64_t limit) override {
    return array_of(
        call(HTTPRequest::HTTP_GET, fmt::format("/api/v1/releases/open?limit={}", limit)));
  }

  Result<JsonObject> report(const ReportRequest& r) override {
    return object_of(call(HTTPRequest::HTTP_GET, report_path("/api/v1/report", r, true)));
  }
  Result<JsonObject> report_charts(const ReportRequest& r) override {
    return object_of(call(HTTPRequest::HTTP_GET, report_path("/api/v1/report/charts", r, false)));
  }

  Result<std::string> report_text(const ReportRequest& r, ReportFormat format) override {
    Poco::URI uri(report_path("/api/v1/report", r, true));
    uri.addQueryParameter("format", std::string(to_string(format)));
    return call_text(HTTPRequest::HTTP_GET, uri.getPathAndQuery());
  }

  Result<JsonObject> policy() override {
    return object_of(call(HTTPRequest::HTTP_GET, "/api/v1/policy"));
  }
  Result<JsonObject> check_policy(const std::string& name, const std::string& content) override {
    auto body = object();
    body->set("name", name);
    body->set("content", content);
    return object_of(call(HTTPRequest::HTTP_POST, "/api/v1/policy/check", body));
  }

  Result<JsonObject> put_package(const std::string& sha256,
                                 const std::filesystem::path& file) override {
    return object_of(
        call(HTTPRequest::HTTP_PUT, "/api/v1/packages/" + escape(sha256), nullptr, file));
  }
  Result<JsonObject> show_package(const std::string& sha256) override {
    return object_of(call(HTTPRequest::HTTP_GET, "/api/v1/packages/" + escape(sha256)));
  }
  Result<JsonArray> list_packages(const std::optional<std::string>& service) override {
    Poco::URI uri("/api/v1/packages");
    if (service) uri.addQueryParameter("service", *service);
    return array_of(call(HTTPRequest::HTTP_GET, uri.getPathAndQuery()));
  }

  Result<JsonObject> deploy(int64_t release_id, const DeployRequest& r) override {
    auto body = object();
    set_optional(body, "batches", r.batches);
    if (r.parallel != DeployRequest{}.parallel) body->set("parallel", r.parallel);
    if (r.dry_run) body->set("dry_run", true);
    if (r.repair) body->set("repair", true);
    if (r.break_glass) body->set("break_glass", *r.break_glass);
    return object_of(
        call(HTTPRequest::HTTP_POST, fmt::format("/api/v1/releases/{}/deploy", release_id), body));
  }
  Result<JsonObject> rollback(const RollbackRequest& r) override {
    auto body = object();
    body->set("service", r.service);
    body->set("env", r.env);
    set_optional(body, "to", r.to);
    return object_of(call(HTTPRequest::HTTP_POST, "/api/v1/rollbacks", body));
  }
  Result<JsonObject> show_deploy(int64_t deploy_id) override {
    return object_of(call(HTTPRequest::HTTP_GET, fmt::format("/api/v1/deploys/{}", deploy_id)));
  }
  Result<JsonObject> stop_deploy(int64_t deploy_id) override {
    return object_of(
        call(HTTPRequest::HTTP_POST, fmt::format("/api/v1/deploys/{}/stop", deploy_id)));
  }
  Result<JsonObject> receive_alerts(const std::string& source, const std::string& body) override {
    if (source != "alertmanager" && source != "zabbix")
      return fail(ErrorKind::not_found,
                  "beaver takes alerts from alertmanager and zabbix, not from '{}'", source);
    auto parsed = parse_json_object(body, "the webhook's body");
    if (!parsed) return std::unexpected(parsed.error());
    return object_of(call(HTTPRequest::HTTP_POST, "/api/v1/alerts/" + source, *parsed));
  }
  Result<JsonArray> list_alerts(const AlertFilter& f) override {
    Poco::URI uri("/api/v1/alerts");
    if (f.service) uri.addQueryParameter("service", *f.service);
    if (f.env) uri.addQueryParameter("env", *f.env);
    if (f.unattributed) uri.addQueryParameter("unattributed", "true");
    uri.addQueryParameter("limit", std::to_string(f.limit));
    return array_of(call(HTTPRequest::HTTP_GET, uri.getPathAndQuery()));
  }
  Result<JsonArray> list_deploys(const std::optional<std::string>& service,
                                 const std::optional<std::string>& env) override {
    Poco::URI uri("/api/v1/deploys");
    if (service) uri.addQueryParameter("service", *service);
    if (env) uri.addQueryParameter("env", *env);
    return array_of(call(HTTPRequest::HTTP_GET, uri.getPathAndQuery()));
  }
  Result<JsonObject> env_status(const std::string& service, const std::string& env) override {
    Poco::URI uri("/api/v1/status");
    uri.addQueryParameter("service", service);
    uri.addQueryParameter("env", env);
    return object_of(call(HTTPRequest::HTTP_GET, uri.getPathAndQuery()));
  }

  Result<JsonArray> audit_log(const std::optional<std::string>& subject) override {
    Poco::URI uri("/api/v1/audit");
    if (subject) uri.addQueryParameter("subject", *subject);
    return array_of(call(HTTPRequest::HTTP_GET, uri.getPathAndQuery()));
  }
  Result<JsonObject> audit_verify() override {
    return object_of(call(HTTPRequest::HTTP_GET, "/api/v1/audit/verify"));
  }

  Result<JsonObject> create_token(const std::string& user, const std::string& label) override {
    auto body = object();
    body->set("user", user);
    if (!label.empty()) body->set("label", label);
    return object_of(call(HTTPRequest::HTTP_POST, "/api/v1/tokens", body));
  }
  Result<JsonObject> delegate(const DelegateRequest& r) override {
    auto body = object();
    body->set("user", r.user);
    body->set("to", r.to);
    body->set("until", r.until);
    if (r.reason) body->set("reason", *r.reason);
    return object_of(call(HTTPRequest::HTTP_POST, "/api/v1/delegations", body));
  }
  Result<JsonArray> list_delegations(const std::optional<std::string>& user, bool all) override {
    Poco::URI uri("/api/v1/delegations");
    if (user) uri.addQueryParameter("user", *user);
    if (all) uri.addQueryParameter("all", "true");
    return array_of(call(HTTPRequest::HTTP_GET, uri.getPathAndQuery()));
  }
  Result<JsonObject> revoke_delegation(int64_t id) override {
    return object_of(call(HTTPRequest::HTTP_DELETE, fmt::format("/api/v1/delegations/{}", id)));
  }
  Result<JsonArray> list_tokens() override {
    return array_of(call(HTTPRequest::HTTP_GET, "/api/v1/tokens"));
  }
  Result<JsonObject> revoke_token(int64_t id) override {
    return object_of(call(HTTPRequest::HTTP_DELETE, fmt::format("/api/v1/tokens/{}", id)));
  }

 private:
  static std::string escape(const std::string& part) {
    std::string out;
    Poco::URI::encode(part, "/?#", out);
    return out;
  }

  static std::string list_path(const std::string& path, const ReleaseListRequest& r) {
    Poco::URI uri(path);
    auto add = [&uri](const char* key, const std::optional<std::string>& v) {
      if (v) uri.addQueryParameter(key, *v);
    };
    add("service", r.service);
    add("env", r.env);
    add("type", r.type);
    add("status", r.status);
    add("since", r.since);
    add("until", r.until);
    add("team", r.team);
    add("submitter", r.submitter);
    add("q", r.q);
    if (r.owing_review) uri.addQueryParameter("owing_review", "true");
    if (r.owing_signature) uri.addQueryParameter("owing_signature", "true");
    if (r.live) uri.addQueryParameter("live", "true");
    uri.addQueryParameter("limit", std::to_string(r.limit));
    if (r.offset != 0) uri.addQueryParameter("offset", std::to_string(r.offset));
    return uri.getPathAndQuery();
  }

  static std::string report_path(const std::string& path, const ReportRequest& r, bool by) {
    Poco::URI uri(path);
    if (r.since) uri.addQueryParameter("since", *r.since);
    if (r.until) uri.addQueryParameter("until", *r.until);
    if (r.team) uri.addQueryParameter("team", *r.team);
    if (r.service) uri.addQueryParameter("service", *r.service);
    if (r.env) uri.addQueryParameter("env", *r.env);
    if (by && !r.by.empty()) uri.addQueryParameter("by", r.by);
    if (by && r.bom) uri.addQueryParameter("bom", "true");
    if (by && r.why_emergencies) uri.addQueryParameter("why_emergencies", "true");
    return uri.getPathAndQuery();
  }

  static Poco::JSON::Object::Ptr user_body(const NewUser& user) {
    auto body = object();
    body->set("team", user.team);
    Poco::JSON::Array::Ptr roles = new Poco::JSON::Array;
    for (Role r : user.roles) roles->add(std::string(to_string(r)));
    body->set("roles", roles);
    if (user.email) body->set("email", *user.email);
    if (!user.im.empty()) {
      Poco::JSON::Array::Ptr im = new Poco::JSON::Array;
      for (const auto& entry : user.im) im->add(entry);
      body->set("im", im);
    }
    return body;
  }

  static Result<JsonObject> object_of(Result<Poco::Dynamic::Var> v) {
    if (!v) return std::unexpected(v.error());
    if (v->type() != typeid(Poco::JSON::Object::Ptr))
      return fail(ErrorKind::unavailable, "the server's answer is not a JSON object");
    return v->extract<Poco::JSON::Object::Ptr>();
  }

  static Result<JsonArray> array_of(Result<Poco::Dynamic::Var> v) {
    if (!v) return std::unexpected(v.error());
    if (v->type() != typeid(Poco::JSON::Array::Ptr))
      return fail(ErrorKind::unavailable, "the server's answer is not a JSON array");
    return v->extract<Poco::JSON::Array::Ptr>();
  }

  struct Reply {
    int status = 0;
    std::string reason;
    std::string body;
  };

  // One request: a JSON text or a file as its body (or none). The answer whatever its status.
  Result<Reply> exchange(const std::string& method, const std::string& path,
                         const std::string& text, const std::filesystem::path& file = {},
                         const std::string& content_type = "application/json") {
    std::string where = base_.toString();
    try {
      std::unique_ptr<Poco::Net::HTTPClientSession> session;
      if (base_.getScheme() == "https") {
        Poco::Net::Context::Ptr tls = new Poco::Net::Context(
            Poco::Net::Context::TLS_CLIENT_USE, "", Poco::Net::Context::VERIFY_STRICT, 9, true);
        session =
            std::make_unique<Poco::Net::HTTPSClientSession>(base_.getHost(), base_.getPort(), tls);
      } else {
        session = std::make_unique<Poco::Net::HTTPClientSession>(base_.getHost(), base_.getPort());
      }
      session->setTimeout(Poco::Timespan(std::chrono::microseconds(timeout_).count()));
      std::string prefix = base_.getPath();
      while (prefix.ends_with('/')) prefix.pop_back();
      HTTPRequest request(method, prefix + path, Poco::Net::HTTPMessage::HTTP_1_1);
      request.set("Authorization", "Bearer " + token_);
      request.set("Accept", "application/json");
      std::ifstream in;
      if (!file.empty()) {
        in.open(file, std::ios::binary);
        std::error_code ec;
        auto size = std::filesystem::file_size(file, ec);
        if (!in || ec) return fail(ErrorKind::bad_input, "cannot read {}", file.string());
        request.setContentType(content_type);
        request.setContentLength64(static_cast<Poco::Int64>(size));
      } else if (!text.empty()) {
        request.setContentType(content_type);
        request.setContentLength64(static_cast<Poco::Int64>(text.size()));
      }
      Poco::Net::HTTPResponse response;
      try {
        std::ostream& out = session->sendRequest(request);
        if (!file.empty())
          Poco::StreamCopier::copyStream64(in, out);
        else
          out << text;
      } catch (const Poco::Exception&) {
        // A server refusing a large body answers and closes before it is all sent: its answer
        // says why, where the broken pipe would not.
      }
      std::istream& answer_in = session->receiveResponse(response);
      Reply reply;
      reply.status = static_cast<int>(response.getStatus());
      reply.reason = response.getReason();
      reply.body.assign(std::istreambuf_iterator<char>(answer_in),
                        std::istreambuf_iterator<char>());
      return reply;
    } catch (const Poco::Exception& e) {
      return fail(ErrorKind::unavailable, "cannot reach the beaver server at {}: {}", where,
                  e.displayText());
    }
  }

  // The error an answer of 400 or more stands for: the server's own kind and message.
  Error error_of(const Reply& reply) const {
    std::string kind, field,
        message = fmt::format("{} answered {}", base_.toString(), reply.status);
    try {
      auto parsed = Poco::JSON::Parser().parse(reply.body);
      if (parsed.type() == typeid(Poco::JSON::Object::Ptr)) {
        auto error = parsed.extract<Poco::JSON::Object::Ptr>()->getObject("error");
        if (error) {
          kind = error->optValue<std::string>("kind", "");
          message = error->optValue<std::string>("message", message);
          field = error->optValue<std::string>("field", "");
        }
      }
    } catch (const Poco::Exception&) {
      message = fmt::format("{} answered {} {}", base_.toString(), reply.status, reply.reason);
    }
    return Error{kind_from_name(kind, reply.status), message, field};
  }

  Result<Poco::Dynamic::Var> call(const std::string& method, const std::string& path,
                                  const Poco::JSON::Object::Ptr& body = nullptr,
                                  const std::filesystem::path& file = {}) {
    auto reply = exchange(method, path, body ? json_text(body) : "", file,
                          file.empty() ? "application/json" : "application/gzip");
    if (!reply) return std::unexpected(reply.error());
    if (reply->status >= 400) return std::unexpected(error_of(*reply));
    try {
      // In the server's key order, so documents print as they would locally.
      Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
      return parser.parse(reply->body);
    } catch (const Poco::Exception&) {
      return fail(reply->status >= 500 ? ErrorKind::unavailable : ErrorKind::bad_input,
                  "{} answered {} {} without JSON", base_.toString(), reply->status, reply->reason);
    }
  }

  // A text answer (a report drawn on the server), as it came.
  Result<std::string> call_text(const std::string& method, const std::string& path) {
    auto reply = exchange(method, path, "");
    if (!reply) return std::unexpected(reply.error());
    if (reply->status >= 400) return std::unexpected(error_of(*reply));
    return std::move(reply->body);
  }

  Poco::URI base_;
  std::string token_;
  std::chrono::milliseconds timeout_;
};

}  // namespace

Result<std::unique_ptr<Operations>> remote_operations(const std::string& url,
                                                      const std::string& token,
                                                      std::chrono::milliseconds timeout) {
  Poco::URI base;
  try {
    base = Poco::URI(url);
  } catch (const Poco::Exception& e) {
    return fail(ErrorKind::bad_input, "server URL '{}' is malformed: {}", url, e.displayText());
  }
  if ((base.getScheme() != "http" && base.getScheme() != "https") || base.getHost().empty())
    return fail(ErrorKind::bad_input,
                "server URL '{}' is not http://HOST[:PORT] or https://HOST[:PORT]", url);
  if (token.empty())
    return fail(ErrorKind::unauthenticated,
                "BEAVER_TOKEN is not set: the server needs a token (an admin makes one with "
                "'beaver token create NAME')");
  return std::make_unique<RemoteOperations>(std::move(base), token, timeout);
}

}  // namespace beaver
