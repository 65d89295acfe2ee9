#pragma once
// What a front end asks of the ledger, answered as the JSON documents of the REST API
// (schemas/openapi.yaml). The local implementation runs the ledger in this process: the command
// line in local mode, and the server behind each request. The remote one sends the same request
// to a beaver server. Both answer with the same documents, so a command prints the same thing
// either way, and the server holds no rule of its own.

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <memory>
#include <optional>
#include <string>

#include "error/error.hpp"
#include "ledger/ledger.hpp"

namespace beaver {

using JsonObject = Poco::JSON::Object::Ptr;
using JsonArray = Poco::JSON::Array::Ptr;

// What a leader, a submitter or a reviewer does to a release.
enum class ReleaseAction { approve, reject, cancel, review };
std::string_view to_string(ReleaseAction a);
std::optional<ReleaseAction> release_action_from_string(std::string_view text);

// A release listing as a person asks for it: the words and dates as typed, read by the side
// that holds the policy (dates are days in the policy's time zone).
struct ReleaseListRequest {
  std::optional<std::string> service, env, type, status;
  std::optional<std::string> since, until;  // YYYY-MM-DD or ISO 8601
  bool owing_review = false;
  int64_t limit = 1000;
};

// A report as a person asks for it: the days as typed (read in the policy's zone by the side that
// holds the policy; the last 30 days by default) and the group's name ("" for none).
struct ReportRequest {
  std::optional<std::string> since, until;
  std::string by;
};

class Operations {
 public:
  virtual ~Operations() = default;

  // The acting user.
  virtual Result<JsonObject> whoami() = 0;

  virtual Result<JsonObject> add_user(const NewUser& user) = 0;
  virtual Result<JsonObject> update_user(const NewUser& user) = 0;
  virtual Result<JsonArray> list_users() = 0;

  virtual Result<JsonObject> add_service(const std::string& name, const std::string& team) = 0;
  virtual Result<JsonArray> list_services() = 0;

  virtual Result<JsonObject> submit(const SubmitRequest& request) = 0;
  // `text` is the comment (approve, reject, cancel) or the review's notes; reject and review
  // need one.
  virtual Result<JsonObject> act(int64_t id, ReleaseAction action,
                                 const std::optional<std::string>& text) = 0;
  virtual Result<JsonObject> show(int64_t id) = 0;
  virtual Result<JsonArray> list(const ReleaseListRequest& request) = 0;
  virtual Result<JsonArray> inbox() = 0;

  // The report as `beaver report -o json` prints it (schemas/report.schema.json).
  virtual Result<JsonObject> report(const ReportRequest& request) = 0;
  // The HTML report's charts for the period as SVG texts: {weeks, ratio, reasons, heat}.
  virtual Result<JsonObject> report_charts(const ReportRequest& request) = 0;

  // The whole audit log, or the entries about `subject` ("release/42") only.
  virtual Result<JsonArray> audit_log(const std::optional<std::string>& subject) = 0;
  // {entries, head: {seq, hash}, whole, first_bad, problem}.
  virtual Result<JsonObject> audit_verify() = 0;

  // {token: {...}, text}: the text only here.
  virtual Result<JsonObject> create_token(const std::string& user, const std::string& label) = 0;
  virtual Result<JsonArray> list_tokens() = 0;
  virtual Result<JsonObject> revoke_token(int64_t id) = 0;
};

// The ledger in this process, acting as `actor`. `policy` may be null for what needs none.
std::unique_ptr<Operations> local_operations(Store& store, const Clock& clock, const Policy* policy,
                                             std::string actor);

// The operations of the beaver server at `url` (http or https), signing in with `token`.
Result<std::unique_ptr<Operations>> remote_operations(const std::string& url,
                                                      const std::string& token);

}  // namespace beaver
