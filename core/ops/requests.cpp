#include "ops/requests.hpp"

#include <fmt/format.h>

#include "deploy/deploy.hpp"

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
  q.owing_review = r.owing_review;
  q.limit = r.limit;
  return q;
}

Result<void> check_release_limit(int64_t limit) {
  if (limit < 1 || limit > ReleaseListRequest::kMostLimit)
    return bad_field("limit", "limit {} is not between 1 and {}", limit,
                     ReleaseListRequest::kMostLimit);
  return {};
}

Result<void> check_deploy_request(const DeployRequest& r) {
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
