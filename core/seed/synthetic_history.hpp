#pragma once
// A synthetic release history with a known distribution, for tests, demos and benchmarks
// (`beaver dev seed`). The same options and policy give the same history, row for row.
//
// The distribution:
//  - teams "team-01".."team-T", each with 3 services ("team-01-svc-1".."-3") and, for every role
//    an approval chain of the policy asks for, as many users as the largest step wants plus one
//    (so a submitter never stands in the way): "team-01-developer-1", "team-01-leader-1", ...,
//    and at least one ops person, "team-01-ops-1", who deploys. Existing users and services of
//    those names are kept.
//  - releases spread over the local days of [since, until) in the policy's time zone, a
//    Saturday or Sunday weighing 0.2 of a weekday; within a day, hours weigh 8 from 09:00 to
//    18:00, 3 from 07:00 to 09:00 and from 18:00 to 22:00, 1 from 22:00 to 07:00 (9 of 99 parts at
//    night); rows are written in submit-time order.
//  - service: uniform; environment: uniform over the policy's; submitter: a developer of the
//    service's team; type: 80% normal, 15% emergency, 5% rollback; an emergency's category:
//    uniform over the policy's categories.
//  - with an empty approval chain a release is approved on submit. Otherwise 4% are cancelled by
//    their submitter, 6% rejected by someone who could approve the first step, the rest approved
//    step by step by distinct people of the service's team, each approval waiting log-uniformly
//    2 minutes to 2 hours (emergencies) or 10 minutes to 2 days (others) after the one before.
//    An approval that would fall after `until` is not given: the release is still waiting.
//  - 70% of approved emergencies get their review from a leader of the team (else the
//    submitter), uniformly within the policy's review deadline, if that is before `until`.
//  - every approved release gets one deploy run by an ops person of its team, started
//    log-uniformly 1 to 30 minutes (emergencies and rollbacks) or 5 minutes to 8 hours (normal
//    releases) after its approval, lasting log-uniformly 30 seconds to 30 minutes, ending
//    deployed (90%), failed (6%) or rolled_back (4%); the release ends in that state (deployed_at
//    set when deployed), and a deployed release is then replaced by the next one deployed on its
//    service and environment. A run that would end at or after `until`, or start after the approval
//    expired, is not written: the release is still approved. Runs write no steps and hold no
//    lease, and runs of one service and environment may overlap; a rollback release's run does
//    not retire the release before it.
//  - every release ships a package of its own, built from a commit made log-uniformly 10 minutes
//    to 7 days before the release was submitted (so lead time is measured); seeded releases name
//    no policy.
// The whole history is one write transaction with one audit entry, "dev.seed", whose payload
// records the options and the ids written, so `beaver audit verify` holds.

#include <cstdint>
#include <string>

#include "clock/clock.hpp"
#include "error/error.hpp"
#include "policy/policy.hpp"
#include "store/store.hpp"

namespace beaver {

struct SeedOptions {
  int64_t releases = 0;  // 1 .. 10,000,000
  int64_t teams = 1;     // 1 .. 999
  uint64_t seed = 1;
  Timestamp since{};
  Timestamp until{};
};

struct SeedSummary {
  int64_t releases = 0;
  int64_t approvals = 0;
  int64_t deploys = 0;
  int64_t packages = 0;
  int64_t users_added = 0;
  int64_t services_added = 0;
  int64_t first_release = 0;
  int64_t last_release = 0;
  int64_t audit_seq = 0;
};

// Writes the history as `actor`, who must be an admin. Refused (conflict) when the ledger
// already holds releases: synthetic history is never mixed with real releases.
Result<SeedSummary> seed_history(Store& store, const Policy& policy, const std::string& actor,
                                 const SeedOptions& options, Timestamp now);

}  // namespace beaver
