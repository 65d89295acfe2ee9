#include "ops/requests.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "deploy/deploy.hpp"
#include "text/nearest.hpp"

namespace beaver {

Result<ReleaseType> read_release_type(std::string_view text) {
  auto type = release_type_from_string(text);
  if (!type) return bad_field("type", "type '{}' is not normal, emergency or rollback", text);
  return *type;
}

Result<ReleaseState> read_release_status(std::string_view text) {
  auto state = release_state_from_string(text);
  if (!state)
    return bad_field("status", "status '{}' is not a release status ({})", text, all_states_text());
  return *state;
}

Result<ReleaseQuery> read_release_list(const ReleaseListRequest& r, const Policy& policy) {
  ReleaseQuery q;
  q.service = r.service;
  q.env = r.env;
  if (r.type) {
    auto type = read_release_type(*r.type);
    if (!type) return std::unexpected(type.error());
    q.type = *type;
  }
  if (r.status) {
    auto state = read_release_status(*r.status);
    if (!state) return std::unexpected(state.error());
    q.state = *state;
  }
  if (r.live) {
    // A release deployed over is `replaced`, so the deployed ones are what runs now.
    if (q.state && *q.state != ReleaseState::deployed)
      return bad_field("live", "live releases are deployed ones, not {}", to_string(*q.state));
    q.state = ReleaseState::deployed;
  }
  if (r.since) {
    auto t = parse_day_or_time(*r.since, policy.zone, false);
    if (!t) return bad_field("since", "{}", t.error().message);
    q.since = *t;
  }
  if (r.until) {
    auto t = parse_day_or_time(*r.until, policy.zone, true);
    if (!t) return bad_field("until", "{}", t.error().message);
    q.until = *t;
  }
  BEAVER_TRY(check_release_limit(r.limit));
  if (r.offset < 0) return bad_field("offset", "offset {} is negative", r.offset);
  if (r.q) {
    if (r.q->size() > kMostSearchText)
      return bad_field("q", "the search text is {} bytes long; at most {}", r.q->size(),
                       kMostSearchText);
    if (r.q->find_first_not_of(" \t") == std::string::npos)
      return bad_field("q", "the search text is blank");
  }
  q.owing_review = r.owing_review;
  q.owing_signature = r.owing_signature;
  q.team = r.team;
  q.submitter = r.submitter;
  q.text = r.q;
  q.limit = r.limit;
  q.offset = r.offset;
  return q;
}

Result<void> check_release_limit(int64_t limit) {
  if (limit < 1 || limit > ReleaseListRequest::kMostLimit)
    return bad_field("limit", "limit {} is not between 1 and {}", limit,
                     ReleaseListRequest::kMostLimit);
  return {};
}

namespace {

// bad_input for `field` unless `name` is one of `known`.
Result<void> known_name(const std::string& field, std::string_view what, const std::string& name,
                        const std::vector<std::string>& known) {
  if (std::find(known.begin(), known.end(), name) != known.end()) return {};
  auto near = did_you_mean(nearest_names(name, known));
  return bad_field(field, "no {} '{}'{}", what, name, near.empty() ? "" : " (" + near + ")");
}

}  // namespace

Result<void> check_submitter_name(const std::optional<std::string>& submitter,
                                  const std::vector<User>& users) {
  if (!submitter) return {};
  std::vector<std::string> names;
  for (const auto& u : users) names.push_back(u.name);
  return known_name("submitter", "user", *submitter, names);
}

Result<void> check_scope_names(const std::optional<std::string>& team,
                               const std::optional<std::string>& service,
                               const std::optional<std::string>& env,
                               const std::vector<Service>& services, const Policy& policy) {
  std::vector<std::string> teams, names, envs;
  for (const auto& s : services) {
    names.push_back(s.name);
    if (std::find(teams.begin(), teams.end(), s.team) == teams.end()) teams.push_back(s.team);
  }
  for (const auto& [name, e] : policy.environments) envs.push_back(name);
  if (team) BEAVER_TRY(known_name("team", "team with a service named", *team, teams));
  if (service) BEAVER_TRY(known_name("service", "service", *service, names));
  if (env) BEAVER_TRY(known_name("env", "environment in the policy named", *env, envs));
  return {};
}

Result<void> check_deploy_request(const DeployRequest& r) {
  if (r.break_glass && r.repair)
    return bad_field("break_glass",
                     "a repair puts the live release back; break glass deploys a new emergency");
  if (r.batches && r.repair)
    return bad_field("batches",
                     "a repair puts every drifted host back in one batch; batches are for deploys");
  if (r.batches) BEAVER_TRY(in_field("batches", batch_sizes(*r.batches, 1)));
  if (r.parallel < 1 || r.parallel > DeployRequest::kMostParallel)
    return bad_field("parallel", "parallel {} is not between 1 and {}", r.parallel,
                     DeployRequest::kMostParallel);
  return {};
}

}  // namespace beaver
