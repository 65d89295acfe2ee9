#pragma once
// What a front end asks for, and the one validator of each: the command line, the server and the
// operations read a request through these, so that a range, a default or a list of values is
// written once. Errors name the request's field at fault (Error::field), which each front end
// says its own way: the command line as its flag, the API as the JSON field.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "error/error.hpp"
#include "ledger/ledger.hpp"
#include "policy/policy.hpp"

namespace beaver {

// A release listing as a person asks for it: the words and dates as typed, read by the side
// that holds the policy (dates are days in the policy's time zone).
struct ReleaseListRequest {
  static constexpr int64_t kDefaultLimit = 1000;
  static constexpr int64_t kMostLimit = 100000;

  std::optional<std::string> service, env, type, status;
  std::optional<std::string> since, until;  // YYYY-MM-DD or ISO 8601
  bool owing_review = false;
  bool owing_signature = false;  // deployed by break glass, approvals still owed
  bool live = false;             // what runs on each environment now: the releases still deployed
  std::optional<std::string> team, submitter;
  std::optional<std::string> q;  // text in the reason, the version or the submitter
  int64_t limit = kDefaultLimit;
  int64_t offset = 0;  // the newest this many left out: where a page starts
};

// The longest text a listing searches for.
inline constexpr size_t kMostSearchText = 200;

// The ledger's query for `request`: its type and status among the ledger's, its limit from 1 to
// kMostLimit, its offset not negative, its search text at most kMostSearchText bytes and not
// blank, its days read in the policy's time zone (`until` included).
Result<ReleaseQuery> read_release_list(const ReleaseListRequest& request, const Policy& policy);

// How many releases a listing may answer: 1 to ReleaseListRequest::kMostLimit.
Result<void> check_release_limit(int64_t limit);

// A release type or status as typed ("emergency", "rolled_back").
Result<ReleaseType> read_release_type(std::string_view text);
Result<ReleaseState> read_release_status(std::string_view text);

// A report as a person asks for it: the days as typed (read in the policy's zone by the side that
// holds the policy; the last 30 days by default) and the group's name ("" for none).
struct ReportRequest {
  std::optional<std::string> since, until;
  std::string by;
  std::optional<std::string> team, service, env;  // only the releases of these
  bool bom = false;  // CSV: starts with the byte-order mark (with_byte_order_mark)
  // Instead of the figures, why emergencies come (why_emergencies.hpp): JSON or the table only,
  // over every team.
  bool why_emergencies = false;
};

// The submitter a listing is narrowed to, a registered user; else bad input naming the nearest.
Result<void> check_submitter_name(const std::optional<std::string>& submitter,
                                  const std::vector<User>& users);

// The names a listing or a report is narrowed to, each one the ledger or the policy knows: a team
// that has a service, a registered service, an environment of the policy. A name it does not know
// is bad input naming the field and the nearest known names ("did you mean 'payments'?").
Result<void> check_scope_names(const std::optional<std::string>& team,
                               const std::optional<std::string>& service,
                               const std::optional<std::string>& env,
                               const std::vector<Service>& services, const Policy& policy);

// A deploy as a person asks for it.
struct DeployRequest {
  static constexpr int64_t kDefaultParallel = 10;
  static constexpr int64_t kMostParallel = 100;

  std::optional<std::string> batches;   // "1,50%,100%"; else beaver.yaml's
  int64_t parallel = kDefaultParallel;  // hosts of a batch deployed at once
  bool dry_run = false;
  // Puts the live release's package back on the hosts whose status shows drift, in one batch.
  bool repair = false;
  // Deploys a submitted emergency before its approvals, for this reason (break glass).
  std::optional<std::string> break_glass{};
};

// The batches' form (host counts or shares) and parallel from 1 to kMostParallel; no batches
// for a repair.
Result<void> check_deploy_request(const DeployRequest& request);

// A rollback of a service on an environment, to `to` or to the version deployed before.
struct RollbackRequest {
  std::string service, env;
  std::optional<std::string> to;
};

}  // namespace beaver
