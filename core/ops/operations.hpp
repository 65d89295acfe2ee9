#pragma once
// What a front end asks of the ledger, answered as the JSON documents of the REST API
// (schemas/openapi.yaml). The local implementation runs the ledger in this process: the command
// line in local mode, and the server behind each request. The remote one sends the same request
// to a beaver server. Both answer with the same documents, so a command prints the same thing
// either way, and the server holds no rule of its own.

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "deploy/deploy.hpp"
#include "error/error.hpp"
#include "ledger/ledger.hpp"
#include "ops/requests.hpp"

namespace beaver {

using JsonObject = Poco::JSON::Object::Ptr;
using JsonArray = Poco::JSON::Array::Ptr;

// What a leader, a submitter or a reviewer does to a release.
enum class ReleaseAction { approve, reject, cancel, review };
std::string_view to_string(ReleaseAction a);
std::optional<ReleaseAction> release_action_from_string(std::string_view text);

// The report as text: the terminal's tables, RFC 4180 CSV, or the self-contained HTML page.
enum class ReportFormat { table, csv, html };
std::string_view to_string(ReportFormat f);
std::optional<ReportFormat> report_format_from_string(std::string_view text);
// The content type each form is served with.
std::string_view content_type(ReportFormat f);

// How this process reaches hosts and package files, for deploys, status and packages. The
// command line has it from its environment; the server from its options, with `start` handing
// deploys to its executor.
struct HostAccess {
  DeployOptions options;  // home (its packages/), transports
  // Starts the deploy of a release in the background; the plan and its id once it holds the
  // lease. Empty where deploys run in the foreground (the command line in local mode): told to
  // `observer` as they go, stopped between steps when options.stop is set.
  std::function<Result<JsonObject>(const std::string& actor, int64_t release_id,
                                   const DeployRequest& request)>
      start;
  DeployObserver* observer = nullptr;  // of a foreground deploy; none: it goes quietly
  // Whether put_package may move the files it is given (a server's uploads, which are its own)
  // rather than copy them (a user's file on the command line stays where it is).
  bool take_files = false;
  // The most a package may unpack to (beaver serve --max-unpacked-mib).
  uint64_t max_unpacked = uint64_t{2048} << 20;
  // Asks a deploy this process runs in the background to stop between steps; a conflict when it
  // does not run it. Empty where none run in the background.
  std::function<Result<void>(int64_t deploy_id)> stop;
};

struct DelegateRequest {
  std::string user;  // who is away
  std::string to;    // the stand-in
  std::string until;
  std::optional<std::string> reason;
};

class Operations {
 public:
  virtual ~Operations() = default;

  // The acting user.
  virtual Result<JsonObject> whoami() = 0;

  virtual Result<JsonObject> add_user(const NewUser& user) = 0;
  virtual Result<JsonObject> update_user(const NewUser& user) = 0;
  virtual Result<JsonArray> list_users() = 0;
  // Sets a user's password for the web pages (their own, or an admin anyone's): {user}.
  virtual Result<JsonObject> set_password(const std::string& user, const std::string& password) = 0;

  // Stand-ins (Ledger::delegate): `until` is a day (its end, in the policy's zone) or an ISO
  // 8601 time. Each answers a delegation's JSON, the list an array of them.
  virtual Result<JsonObject> delegate(const DelegateRequest& request) = 0;
  virtual Result<JsonArray> list_delegations(const std::optional<std::string>& user, bool all) = 0;
  virtual Result<JsonObject> revoke_delegation(int64_t id) = 0;

  virtual Result<JsonObject> add_service(const std::string& name, const std::string& team) = 0;
  virtual Result<JsonArray> list_services() = 0;

  virtual Result<JsonObject> submit(const SubmitRequest& request) = 0;
  // `text` is the comment (approve, reject, cancel) or the review's notes; reject and review
  // need one.
  virtual Result<JsonObject> act(int64_t id, ReleaseAction action,
                                 const std::optional<std::string>& text) = 0;
  virtual Result<JsonObject> show(int64_t id) = 0;
  virtual Result<JsonArray> list(const ReleaseListRequest& request) = 0;
  // The same listing a page at a time: {releases, total, offset, limit}, total counting every
  // release that matches.
  virtual Result<JsonObject> list_page(const ReleaseListRequest& request) = 0;
  virtual Result<JsonArray> inbox() = 0;
  // Releases still in flight, submitted or approved, newest first, at most `limit` (1 to
  // ReleaseListRequest::kMostLimit): what a deploy or an approval may name.
  virtual Result<JsonArray> open_releases(int64_t limit) = 0;

  // The report as `beaver report -o json` prints it (schemas/report.schema.json).
  virtual Result<JsonObject> report(const ReportRequest& request) = 0;
  // The HTML report's charts for the period as SVG texts: {weeks, ratio, reasons, heat}.
  virtual Result<JsonObject> report_charts(const ReportRequest& request) = 0;
  // The report as `beaver report -o table|csv|html` prints it, drawn where the ledger is.
  virtual Result<std::string> report_text(const ReportRequest& request, ReportFormat format) = 0;

  // The policy in force: {path, sha256, timezone, environments, warnings, content}; warnings
  // name the rules the registered users cannot meet.
  virtual Result<JsonObject> policy() = 0;
  // The same for a policy text sent to be checked against the ledger's users; `name` labels
  // its errors ("policy.yaml:12:5: ...").
  virtual Result<JsonObject> check_policy(const std::string& name, const std::string& content) = 0;

  // Package files. put_package takes in the .tar.gz at `file` whose SHA-256 the caller names:
  // checked (checksum, members, manifest) and registered as `beaver package` does, then kept for
  // deploys; the same package again changes nothing. {package..., registered, stored}.
  virtual Result<JsonObject> put_package(const std::string& sha256,
                                         const std::filesystem::path& file) = 0;
  virtual Result<JsonObject> show_package(const std::string& sha256) = 0;
  virtual Result<JsonArray> list_packages(const std::optional<std::string>& service) = 0;

  // Deploys. A dry run answers the plan and changes nothing; otherwise the deploy starts (in the
  // background: follow it with show_deploy, see follow_deploy) and the answer holds its id and
  // plan. Where deploys run in the foreground, the answer is how it ended (deploy_result_json).
  virtual Result<JsonObject> deploy(int64_t release_id, const DeployRequest& request) = 0;
  // Submits a rollback release; when it needs no approval it is deployed at once, as deploy
  // does: {release, deploy (as deploy answers; null when it waits for approval or could not
  // start), deploy_error (why it could not start, when it could not)}.
  virtual Result<JsonObject> rollback(const RollbackRequest& request) = 0;
  // A deploy with its steps, what happened on each host as it happened (events) and, once
  // ended, each host's outcome.
  virtual Result<JsonObject> show_deploy(int64_t deploy_id) = 0;
  // Asks a running deploy to stop between steps, as Ctrl-C does (ops or an admin): only where it
  // runs, a server's deploy through that server; else the error names the process that runs it.
  // The deploy as show_deploy answers it; how it ended is recorded once it has.
  virtual Result<JsonObject> stop_deploy(int64_t deploy_id) = 0;
  // Deploys newest first, of one service and environment when given.
  virtual Result<JsonArray> list_deploys(const std::optional<std::string>& service,
                                         const std::optional<std::string>& env) = 0;
  // What runs on each host of an environment, as seen from where the ledger is.
  virtual Result<JsonObject> env_status(const std::string& service, const std::string& env) = 0;

  // Monitoring's alerts: a webhook body from `source` (alertmanager), read strictly and kept:
  // {events, added, resolved, attributed}. For a user holding the alerts role.
  virtual Result<JsonObject> receive_alerts(const std::string& source, const std::string& body) = 0;
  // Alerts newest first, as alert_json shows them.
  virtual Result<JsonArray> list_alerts(const AlertFilter& filter) = 0;

  // The whole audit log, or the entries about `subject` ("release/42") only.
  virtual Result<JsonArray> audit_log(const std::optional<std::string>& subject) = 0;
  // {entries, head: {seq, hash}, whole, first_bad, problem}.
  virtual Result<JsonObject> audit_verify() = 0;

  // {token: {...}, text}: the text only here.
  virtual Result<JsonObject> create_token(const std::string& user, const std::string& label) = 0;
  virtual Result<JsonArray> list_tokens() = 0;
  virtual Result<JsonObject> revoke_token(int64_t id) = 0;
};

// The ledger in this process, acting as `actor`. `policy` may be null for what needs none;
// `hosts` too, for what touches no host and no package file.
std::unique_ptr<Operations> local_operations(Store& store, const Clock& clock, const Policy* policy,
                                             std::string actor, const HostAccess* hosts = nullptr);

// The operations of the beaver server at `url` (http or https), signing in with `token`. A
// request that gets no answer within `timeout` (connecting, sending, or between bytes of the
// answer) fails as unavailable.
Result<std::unique_ptr<Operations>> remote_operations(
    const std::string& url, const std::string& token,
    std::chrono::milliseconds timeout = std::chrono::seconds(60));

}  // namespace beaver
