// The operations run by the ledger in this process.

#include <array>

#include "alerts/alertmanager.hpp"
#include "alerts/zabbix.hpp"
#include "deploy/status.hpp"
#include "model/names.hpp"
#include "notify/notify_queue.hpp"
#include "ops/operations.hpp"
#include "ops/ops_json.hpp"
#include "package/archive.hpp"
#include "package/package_intake.hpp"
#include "package/package_store.hpp"
#include "paths/paths.hpp"
#include "report/read_report.hpp"
#include "report/report_html.hpp"
#include "report/report_json.hpp"
#include "report/report_period.hpp"
#include "report/report_rows.hpp"
#include "report/report_text.hpp"
#include "report/why_emergencies.hpp"
#include "text/text_table.hpp"

namespace beaver {
namespace {

constexpr std::array<std::string_view, 4> kActionNames = {"approve", "reject", "cancel", "review"};
constexpr std::array<std::string_view, 3> kReportFormats = {"table", "csv", "html"};
constexpr std::array<std::string_view, 3> kReportTypes = {
    "text/plain; charset=utf-8", "text/csv; charset=utf-8", "text/html; charset=utf-8"};

JsonObject object() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }

template <class T, class ToJson>
Result<JsonArray> json_list(Result<std::vector<T>> items, ToJson to_json) {
  if (!items) return std::unexpected(items.error());
  JsonArray out = new Poco::JSON::Array;
  for (const auto& item : *items) out->add(to_json(item));
  return out;
}

template <class T, class ToJson>
Result<JsonObject> json_one(Result<T> item, ToJson to_json) {
  if (!item) return std::unexpected(item.error());
  return to_json(*item);
}

class LocalOperations final : public Operations {
 public:
  LocalOperations(Store& store, const Clock& clock, const Policy* policy, std::string actor,
                  const HostAccess* hosts)
      : store_(store),
        clock_(clock),
        policy_(policy),
        ledger_(store, clock, policy, notification_outbox()),
        actor_(std::move(actor)),
        hosts_(hosts) {}

  Result<JsonObject> whoami() override {
    auto users = ledger_.list_users(actor_);
    if (!users) return std::unexpected(users.error());
    for (const auto& u : *users)
      if (u.name == actor_) return user_json(u);
    return fail(ErrorKind::unauthenticated, "unknown user '{}'", actor_);
  }

  Result<JsonObject> add_user(const NewUser& user) override {
    return json_one(ledger_.add_user(actor_, user), user_json);
  }
  Result<JsonObject> set_password(const std::string& user, const std::string& password) override {
    BEAVER_TRY(ledger_.set_password(actor_, user, password));
    auto done = object();
    done->set("user", user);
    return done;
  }
  Result<JsonObject> update_user(const NewUser& user) override {
    return json_one(ledger_.update_user(actor_, user), user_json);
  }
  Result<JsonArray> list_users() override {
    return json_list(ledger_.list_users(actor_), user_json);
  }

  Result<JsonObject> add_service(const std::string& name, const std::string& team) override {
    return json_one(ledger_.add_service(actor_, name, team), service_json);
  }
  Result<JsonArray> list_services() override {
    return json_list(ledger_.list_services(actor_), service_json);
  }

  Result<JsonObject> submit(const SubmitRequest& request) override {
    return json_one(ledger_.submit(actor_, request), release_view_json);
  }

  Result<JsonObject> act(int64_t id, ReleaseAction action,
                         const std::optional<std::string>& text) override {
    // Whether a reject's comment or a review's notes may be empty is the ledger's rule.
    switch (action) {
      case ReleaseAction::approve:
        return json_one(ledger_.approve(actor_, id, text), release_view_json);
      case ReleaseAction::reject:
        return json_one(ledger_.reject(actor_, id, text.value_or("")), release_view_json);
      case ReleaseAction::cancel:
        return json_one(ledger_.cancel(actor_, id, text), release_view_json);
      case ReleaseAction::review:
        return json_one(ledger_.review(actor_, id, text.value_or("")), release_view_json);
    }
    return fail(ErrorKind::internal, "unknown release action");
  }

  Result<JsonObject> show(int64_t id) override {
    return json_one(ledger_.show(actor_, id), release_view_json);
  }
  Result<JsonArray> list(const ReleaseListRequest& request) override {
    auto query = list_query(request);
    if (!query) return std::unexpected(query.error());
    return json_list(ledger_.list(actor_, *query),
                     [this](const Release& r) { return listed_json(r); });
  }
  Result<JsonObject> list_page(const ReleaseListRequest& request) override {
    auto query = list_query(request);
    if (!query) return std::unexpected(query.error());
    auto page = ledger_.list_page(actor_, *query);
    if (!page) return std::unexpected(page.error());
    JsonArray releases = new Poco::JSON::Array;
    for (const auto& r : page->releases) releases->add(listed_json(r));
    JsonObject o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("releases", releases);
    o->set("total", page->total);
    o->set("offset", query->offset);
    o->set("limit", query->limit);
    return o;
  }
  Result<JsonArray> inbox() override { return json_list(ledger_.inbox(actor_), release_view_json); }
  Result<JsonArray> open_releases(int64_t limit) override {
    BEAVER_TRY(check_release_limit(limit));
    return json_list(ledger_.open_releases(actor_, limit), release_json);
  }

  Result<JsonObject> report(const ReportRequest& request) override {
    if (request.why_emergencies) {
      auto why = read_why(request);
      if (!why) return std::unexpected(why.error());
      return why_emergencies_json(*why);
    }
    auto by = report_by_from_string(request.by);
    if (!by) return std::unexpected(by.error());
    auto p = period(request);
    if (!p) return std::unexpected(p.error());
    auto scope = report_scope(request);
    if (!scope) return std::unexpected(scope.error());
    return json_one(read_report(ledger_, actor_, p->since, p->until, *by, *scope), report_json);
  }
  Result<JsonObject> report_charts(const ReportRequest& request) override {
    auto p = period(request);
    if (!p) return std::unexpected(p.error());
    auto scope = report_scope(request);
    if (!scope) return std::unexpected(scope.error());
    auto whole = read_report(ledger_, actor_, p->since, p->until, ReportBy::none, *scope);
    if (!whole) return std::unexpected(whole.error());
    auto charts = read_report_charts(ledger_, actor_, p->since, p->until, *scope);
    if (!charts) return std::unexpected(charts.error());
    auto words = ReportWords::read(data_dir() / "templates/web/report-text.json");
    if (!words) return std::unexpected(words.error());
    auto svgs = report_chart_svgs(*whole, *charts, *words);
    JsonObject o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("weeks", svgs.weeks);
    o->set("ratio", svgs.ratio);
    o->set("reasons", svgs.reasons);
    o->set("approvers", svgs.approvers);
    o->set("heat", svgs.heat);
    return o;
  }

  Result<std::string> report_text(const ReportRequest& request, ReportFormat format) override {
    if (request.why_emergencies) {
      if (format != ReportFormat::table)
        return bad_field("why_emergencies", "is shown as a table or as JSON, not as {}",
                         to_string(format));
      auto why = read_why(request);
      if (!why) return std::unexpected(why.error());
      return why_emergencies_text(*why);
    }
    auto by = report_by_from_string(request.by);
    if (!by) return std::unexpected(by.error());
    auto p = period(request);
    if (!p) return std::unexpected(p.error());
    auto scope = report_scope(request);
    if (!scope) return std::unexpected(scope.error());
    auto r = read_report(ledger_, actor_, p->since, p->until, *by, *scope);
    if (!r) return std::unexpected(r.error());
    switch (format) {
      case ReportFormat::table:
        return report_terminal_text(*r);
      case ReportFormat::csv: {
        auto t = report_csv_table(*r);
        auto text = csv_text({std::move(t.headers), std::move(t.rows)});
        return request.bom ? with_byte_order_mark(text) : text;
      }
      case ReportFormat::html: {
        auto charts = read_report_charts(ledger_, actor_, p->since, p->until, *scope);
        if (!charts) return std::unexpected(charts.error());
        return report_html(data_dir() / "templates", *r, *charts);
      }
    }
    return fail(ErrorKind::internal, "unknown report format");
  }

  Result<JsonObject> policy() override {
    if (policy_ == nullptr) return fail(ErrorKind::internal, "no policy is loaded");
    BEAVER_TRY(whoami());
    auto warnings = ledger_.policy_warnings(*policy_);
    if (!warnings) return std::unexpected(warnings.error());
    return policy_json(*policy_, *warnings);
  }
  Result<JsonObject> check_policy(const std::string& name, const std::string& content) override {
    BEAVER_TRY(check_text("name", name, 200, false));
    BEAVER_TRY(whoami());
    auto p = parse_policy(content, name, data_dir());
    if (!p) return std::unexpected(p.error());
    auto warnings = ledger_.policy_warnings(*p);
    if (!warnings) return std::unexpected(warnings.error());
    return policy_json(*p, *warnings);
  }

  Result<JsonObject> put_package(const std::string& sha256,
                                 const std::filesystem::path& file) override {
    auto hosts = host_access();
    if (!hosts) return std::unexpected(hosts.error());
    BEAVER_TRY(ledger_.check_can_register(actor_));
    IntakeOptions intake;
    // A user's own file is named as they named it; a server's upload file is its own business.
    if (!(*hosts)->take_files) intake.label = file.filename().string();
    intake.data_dir = data_dir();
    intake.max_unpacked = (*hosts)->max_unpacked;
    auto facts = inspect_package(file, sha256, intake);
    if (!facts) return std::unexpected(facts.error());
    // Refused before the file is kept, so a refusal leaves nothing behind.
    BEAVER_TRY(ledger_.check_can_register(actor_, facts->record.service, facts->team));
    const auto& home = (*hosts)->options.home;
    auto placed = (*hosts)->take_files ? store_package_file(home, file, sha256)
                                       : copy_package_file(home, file, sha256);
    if (!placed) return std::unexpected(placed.error());
    bool registered = false;
    auto record = ledger_.register_package(actor_, facts->record, facts->team, registered);
    if (!record) {
      std::error_code ec;
      if (*placed) std::filesystem::remove(stored_package(home, sha256), ec);
      return std::unexpected(record.error());
    }
    auto o = package_json(*record, true);
    o->set("registered", registered);
    return o;
  }
  Result<JsonObject> show_package(const std::string& sha256) override {
    if (!is_package_name(sha256))
      return fail(ErrorKind::not_found,
                  "no package '{}' (a package is named by its SHA-256: 64 lowercase hexadecimal "
                  "digits)",
                  sha256);
    auto record = ledger_.package(actor_, sha256);
    if (!record) return std::unexpected(record.error());
    return package_json(*record, stored(sha256));
  }
  Result<JsonArray> list_packages(const std::optional<std::string>& service) override {
    return json_list(ledger_.packages(actor_, service, 1000),
                     [this](const PackageRecord& p) { return package_json(p, stored(p.sha256)); });
  }

  Result<JsonObject> deploy(int64_t release_id, const DeployRequest& request) override {
    auto hosts = host_access();
    if (!hosts) return std::unexpected(hosts.error());
    BEAVER_TRY(check_deploy_request(request));
    if (!request.dry_run) {
      if ((*hosts)->start) return (*hosts)->start(actor_, release_id, request);
      return deploy_here(**hosts, release_id, request);
    }
    DeployOptions options = (*hosts)->options;
    options.batches = request.batches;
    options.parallel = static_cast<int>(request.parallel);
    options.repair = request.repair;
    options.break_glass = request.break_glass;
    auto plan = plan_deploy(ledger_, actor_, release_id, options);
    if (!plan) return std::unexpected(plan.error());
    auto sha = sha256_file(plan->package_file);
    if (!sha) return std::unexpected(sha.error());
    DeployClaim claim;
    claim.package_sha256 = *sha;
    claim.batches = plan->batches_text;
    claim.break_glass = plan->break_glass;
    auto notes = ledger_.check_deploy(actor_, release_id, claim);
    if (!notes) return std::unexpected(notes.error());
    auto o = deploy_plan_json(*plan);
    JsonArray lines = new Poco::JSON::Array;
    for (const auto& n : *notes) lines->add(n);
    o->set("notes", lines);
    return o;
  }
  Result<JsonObject> rollback(const RollbackRequest& request) override {
    auto view = ledger_.rollback(actor_, request.service, request.env, request.to, true);
    if (!view) return std::unexpected(view.error());
    auto o = object();
    o->set("release", release_view_json(*view));
    o->set("deploy", Poco::Dynamic::Var());
    if (view->release.state == ReleaseState::approved && hosts_ != nullptr) {
      auto deployed = hosts_->start ? hosts_->start(actor_, view->release.id, {})
                                    : deploy_here(*hosts_, view->release.id, {});
      // The rollback release is recorded either way: the answer says so, and why its deploy
      // did not start.
      if (deployed)
        o->set("deploy", *deployed);
      else
        o->set("deploy_error", deployed.error().message);
    }
    return o;
  }
  Result<JsonObject> show_deploy(int64_t deploy_id) override {
    return json_one(ledger_.deploy(actor_, deploy_id), deploy_detail_json);
  }
  Result<JsonObject> stop_deploy(int64_t deploy_id) override {
    std::function<Result<void>()> deliver;
    if (hosts_ != nullptr && hosts_->stop) deliver = [&] { return hosts_->stop(deploy_id); };
    return json_one(ledger_.stop_deploy(actor_, deploy_id, deliver), deploy_detail_json);
  }
  Result<JsonObject> receive_alerts(const std::string& source, const std::string& body) override {
    if (source != "alertmanager" && source != "zabbix")
      return fail(ErrorKind::not_found,
                  "beaver takes alerts from alertmanager and zabbix, not from '{}'", source);
    auto events = source == "zabbix" ? read_zabbix(body) : read_alertmanager(body);
    if (!events) return std::unexpected(events.error());
    auto intake = ledger_.receive_alerts(actor_, *events);
    if (!intake) return std::unexpected(intake.error());
    auto o = object();
    o->set("events", intake->events);
    o->set("added", intake->added);
    o->set("resolved", intake->resolved);
    o->set("attributed", intake->attributed);
    return o;
  }
  Result<JsonArray> list_alerts(const AlertFilter& filter) override {
    return json_list(ledger_.list_alerts(actor_, filter), alert_json);
  }
  Result<JsonArray> list_deploys(const std::optional<std::string>& service,
                                 const std::optional<std::string>& env) override {
    return json_list(ledger_.deploys(actor_, service, env, 1000),
                     [](const std::pair<DeployRecord, Release>& d) {
                       return deploy_record_json(d.first, d.second);
                     });
  }
  Result<JsonObject> env_status(const std::string& service, const std::string& env) override {
    auto hosts = host_access();
    if (!hosts) return std::unexpected(hosts.error());
    return json_one(beaver::env_status(ledger_, actor_, service, env, (*hosts)->options),
                    env_status_json);
  }

  Result<JsonArray> audit_log(const std::optional<std::string>& subject) override {
    return json_list(ledger_.audit_log(actor_, subject), audit_entry_json);
  }
  Result<JsonObject> audit_verify() override {
    BEAVER_TRY(whoami());
    return json_one(verify_audit(store_, std::nullopt), audit_verdict_json);
  }

  Result<JsonObject> create_token(const std::string& user, const std::string& label) override {
    auto made = ledger_.create_token(actor_, user, label);
    if (!made) return std::unexpected(made.error());
    JsonObject o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("token", token_json(made->record));
    o->set("text", made->text);
    return o;
  }
  Result<JsonObject> delegate(const DelegateRequest& r) override {
    auto until = parse_day_or_time(r.until, policy_ ? policy_->zone : nullptr, true);
    if (!until) return bad_field("until", "{}", until.error().message);
    return json_one(ledger_.delegate(actor_, r.user, r.to, *until, r.reason), delegation_json);
  }
  Result<JsonArray> list_delegations(const std::optional<std::string>& user, bool all) override {
    return json_list(ledger_.list_delegations(actor_, user, all), delegation_json);
  }
  Result<JsonObject> revoke_delegation(int64_t id) override {
    return json_one(ledger_.revoke_delegation(actor_, id), delegation_json);
  }
  Result<JsonArray> list_tokens() override {
    return json_list(ledger_.list_tokens(actor_), token_json);
  }
  Result<JsonObject> revoke_token(int64_t id) override {
    return json_one(ledger_.revoke_token(actor_, id), token_json);
  }

 private:
  // The deploy of `release_id` in this process, in the foreground, told to `hosts.observer`:
  // how it ended (deploy_result_json).
  Result<JsonObject> deploy_here(const HostAccess& hosts, int64_t release_id,
                                 const DeployRequest& request) {
    DeployOptions options = hosts.options;
    options.batches = request.batches;
    options.parallel = static_cast<int>(request.parallel);  // checked: 1 to 100
    options.repair = request.repair;
    options.break_glass = request.break_glass;
    auto plan = plan_deploy(ledger_, actor_, release_id, options);
    if (!plan) return std::unexpected(plan.error());
    DeployObserver quiet;
    auto result = run_deploy(ledger_, clock_, actor_, *plan, options,
                             hosts.observer != nullptr ? *hosts.observer : quiet);
    if (!result) return std::unexpected(result.error());
    return deploy_result_json(*result, release_id);
  }

  // A listing's query, its team and submitter names checked against the ledger's.
  Result<ReleaseQuery> list_query(const ReleaseListRequest& request) {
    if (policy_ == nullptr) return fail(ErrorKind::internal, "listing releases needs the policy");
    auto query = read_release_list(request, *policy_);
    if (!query) return std::unexpected(query.error());
    if (request.team) {
      auto services = ledger_.list_services(actor_);
      if (!services) return std::unexpected(services.error());
      BEAVER_TRY(check_scope_names(request.team, {}, {}, *services, *policy_));
    }
    if (request.submitter) {
      auto users = ledger_.list_users(actor_);
      if (!users) return std::unexpected(users.error());
      BEAVER_TRY(check_submitter_name(request.submitter, *users));
    }
    return query;
  }
  // A release as a listing shows it: with when its review is due.
  JsonObject listed_json(const Release& r) const {
    auto o = release_json(r);
    auto due = review_due(r, *policy_);
    o->set("review_due", due ? Poco::Dynamic::Var(format_utc(*due)) : Poco::Dynamic::Var());
    return o;
  }

  // Why emergencies come, over every team: a grouping or a scope is refused.
  Result<WhyEmergencies> read_why(const ReportRequest& r) {
    if (!r.by.empty() || r.team || r.service || r.env)
      return bad_field("why_emergencies",
                       "covers every team: it takes no --by, --team, "
                       "--service or --env");
    auto p = period(r);
    if (!p) return std::unexpected(p.error());
    return read_why_emergencies(ledger_, actor_, p->since, p->until);
  }

  Result<ReportScope> report_scope(const ReportRequest& r) {
    ReportScope scope{r.team, r.service, r.env};
    if (scope.empty()) return scope;
    if (policy_ == nullptr) return fail(ErrorKind::internal, "a report needs the policy");
    auto services = ledger_.list_services(actor_);
    if (!services) return std::unexpected(services.error());
    BEAVER_TRY(check_scope_names(r.team, r.service, r.env, *services, *policy_));
    return scope;
  }

  Result<ReportPeriod> period(const ReportRequest& r) {
    if (policy_ == nullptr) return fail(ErrorKind::internal, "a report needs the policy");
    return report_period(r.since, r.until, policy_->zone, clock_.now());
  }

  Result<const HostAccess*> host_access() const {
    if (hosts_ == nullptr) return fail(ErrorKind::internal, "no access to hosts and packages here");
    return hosts_;
  }
  bool stored(const std::string& sha256) const {
    std::error_code ec;
    return hosts_ != nullptr &&
           std::filesystem::is_regular_file(stored_package(hosts_->options.home, sha256), ec);
  }

  Store& store_;
  const Clock& clock_;
  const Policy* policy_;
  Ledger ledger_;
  std::string actor_;
  const HostAccess* hosts_;
};

}  // namespace

std::string_view to_string(ReleaseAction a) { return kActionNames[static_cast<size_t>(a)]; }

std::optional<ReleaseAction> release_action_from_string(std::string_view text) {
  for (size_t i = 0; i < kActionNames.size(); ++i)
    if (kActionNames[i] == text) return static_cast<ReleaseAction>(i);
  return std::nullopt;
}

std::string_view to_string(ReportFormat f) { return kReportFormats[static_cast<size_t>(f)]; }

std::optional<ReportFormat> report_format_from_string(std::string_view text) {
  for (size_t i = 0; i < kReportFormats.size(); ++i)
    if (kReportFormats[i] == text) return static_cast<ReportFormat>(i);
  return std::nullopt;
}

std::string_view content_type(ReportFormat f) { return kReportTypes[static_cast<size_t>(f)]; }

std::unique_ptr<Operations> local_operations(Store& store, const Clock& clock, const Policy* policy,
                                             std::string actor, const HostAccess* hosts) {
  return std::make_unique<LocalOperations>(store, clock, policy, std::move(actor), hosts);
}

}  // namespace beaver
