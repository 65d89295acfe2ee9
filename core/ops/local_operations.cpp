// The operations run by the ledger in this process.

#include <array>

#include "ops/operations.hpp"
#include "ops/ops_json.hpp"
#include "report/report_html.hpp"
#include "report/report_json.hpp"
#include "report/report_period.hpp"

namespace beaver {
namespace {

constexpr std::array<std::string_view, 4> kActionNames = {"approve", "reject", "cancel", "review"};

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

Result<ReleaseQuery> release_query(const ReleaseListRequest& r, const Policy& policy) {
  ReleaseQuery q;
  q.service = r.service;
  q.env = r.env;
  if (r.type) {
    q.type = release_type_from_string(*r.type);
    if (!q.type)
      return fail(ErrorKind::bad_input, "type '{}' is not normal, emergency or rollback", *r.type);
  }
  if (r.status) {
    q.state = release_state_from_string(*r.status);
    if (!q.state)
      return fail(ErrorKind::bad_input, "status '{}' is not a release status", *r.status);
  }
  if (r.since) {
    auto t = parse_day_or_time(*r.since, policy.zone, false);
    if (!t) return fail(ErrorKind::bad_input, "since: {}", t.error().message);
    q.since = *t;
  }
  if (r.until) {
    auto t = parse_day_or_time(*r.until, policy.zone, true);
    if (!t) return fail(ErrorKind::bad_input, "until: {}", t.error().message);
    q.until = *t;
  }
  if (r.limit < 1 || r.limit > 100000)
    return fail(ErrorKind::bad_input, "limit {} is not between 1 and 100000", r.limit);
  q.owing_review = r.owing_review;
  q.limit = r.limit;
  return q;
}

class LocalOperations final : public Operations {
 public:
  LocalOperations(Store& store, const Clock& clock, const Policy* policy, std::string actor)
      : store_(store),
        clock_(clock),
        policy_(policy),
        ledger_(store, clock, policy),
        actor_(std::move(actor)) {}

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
    if (policy_ == nullptr) return fail(ErrorKind::internal, "listing releases needs the policy");
    auto query = release_query(request, *policy_);
    if (!query) return std::unexpected(query.error());
    const Policy& policy = *policy_;
    return json_list(ledger_.list(actor_, *query), [&policy](const Release& r) {
      auto o = release_json(r);
      auto due = review_due(r, policy);
      o->set("review_due", due ? Poco::Dynamic::Var(format_utc(*due)) : Poco::Dynamic::Var());
      return o;
    });
  }
  Result<JsonArray> inbox() override { return json_list(ledger_.inbox(actor_), release_view_json); }

  Result<JsonObject> report(const ReportRequest& request) override {
    auto by = report_by_from_string(request.by);
    if (!by) return std::unexpected(by.error());
    auto p = period(request);
    if (!p) return std::unexpected(p.error());
    return json_one(ledger_.report(actor_, p->since, p->until, *by), report_json);
  }
  Result<JsonObject> report_charts(const ReportRequest& request) override {
    auto p = period(request);
    if (!p) return std::unexpected(p.error());
    auto whole = ledger_.report(actor_, p->since, p->until, ReportBy::none);
    if (!whole) return std::unexpected(whole.error());
    auto charts = ledger_.report_charts(actor_, p->since, p->until);
    if (!charts) return std::unexpected(charts.error());
    auto svgs = report_chart_svgs(*whole, *charts);
    JsonObject o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("weeks", svgs.weeks);
    o->set("ratio", svgs.ratio);
    o->set("reasons", svgs.reasons);
    o->set("heat", svgs.heat);
    return o;
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
  Result<JsonArray> list_tokens() override {
    return json_list(ledger_.list_tokens(actor_), token_json);
  }
  Result<JsonObject> revoke_token(int64_t id) override {
    return json_one(ledger_.revoke_token(actor_, id), token_json);
  }

 private:
  Result<ReportPeriod> period(const ReportRequest& r) {
    if (policy_ == nullptr) return fail(ErrorKind::internal, "a report needs the policy");
    return report_period(r.since, r.until, policy_->zone, clock_.now());
  }

  Store& store_;
  const Clock& clock_;
  const Policy* policy_;
  Ledger ledger_;
  std::string actor_;
};

}  // namespace

std::string_view to_string(ReleaseAction a) { return kActionNames[static_cast<size_t>(a)]; }

std::optional<ReleaseAction> release_action_from_string(std::string_view text) {
  for (size_t i = 0; i < kActionNames.size(); ++i)
    if (kActionNames[i] == text) return static_cast<ReleaseAction>(i);
  return std::nullopt;
}

std::unique_ptr<Operations> local_operations(Store& store, const Clock& clock, const Policy* policy,
                                             std::string actor) {
  return std::make_unique<LocalOperations>(store, clock, policy, std::move(actor));
}

}  // namespace beaver
