#pragma once
// A release as its readers need it: the stored record with its approvals, what its chain still
// waits for and who may give it, whether its approval expired, and its review status.

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <vector>

#include "ledger/release_context.hpp"
#include "model/release.hpp"
#include "policy/approval_chain.hpp"
#include "policy/policy.hpp"
#include "store/store.hpp"

namespace beaver {

struct DeployView {
  DeployRecord record;
  std::vector<DeployStep> steps;                 // in the order they ended
  std::optional<std::string> stop_requested_by;  // running, and asked to stop (on its lease)
};

struct ReleaseView {
  Release release;
  std::string team;                 // the service's team
  std::string submitted_local;      // the submit time in the environment's zone, or empty
  std::vector<Approval> approvals;  // every approval given, oldest first
  std::vector<bool> counts;         // per approval: does it still count (bound and unexpired)
  ChainStatus chain;                // over the approvals that count
  bool approval_expired = false;    // approved, but the approvals no longer hold
  // An emergency deployed before its approvals, and whether they are still owed (its chain is
  // waited for whatever its state).
  std::optional<BreakGlass> break_glass;
  bool owes_signature = false;
  bool signature_overdue = false;        // owed past its deadline
  std::vector<std::string> may_approve;  // who may give the next approval now, stand-ins included
  std::vector<std::string> stand_ins;    // of those, the stand-ins: "leo for lea"
  // When it waits and nobody may give the next approval: why, and what would unblock it.
  std::string nobody_can_approve;
  std::optional<Timestamp> review_due;  // emergencies once approved
  bool owing_review = false;
  std::vector<DeployView> deploys;  // oldest first
  // What runs on its environment and what it changes: read for one release shown, not for lists.
  std::optional<ReleaseContext> context;
  // The alerts attributed to it, by when they fired: read for one release shown.
  std::optional<std::vector<AlertRecord>> alerts;

  // "step 2 of 2: 1 approval by a leader of team payments", or empty when nothing is awaited.
  std::string waiting_for() const;
  // Whether its approval chain is waited for: submitted, approved but expired, or owed.
  bool waiting() const;
};

// When an emergency's post-release review is due: the review deadline after its deploy, or after
// its approval while beaver has seen no deploy. None for other releases or before approval.
std::optional<Timestamp> review_due(const Release& r, const Policy& policy);

// Reads what the view needs inside `tx` and evaluates it at `now`.
ReleaseView build_release_view(StoreTransaction& tx, const Policy& policy, Release release,
                               Timestamp now);

// The release as the JSON object the CLI prints and the API returns (stable field names).
Poco::JSON::Object::Ptr release_json(const Release& r);
Poco::JSON::Object::Ptr release_view_json(const ReleaseView& view);
// An alert as the release view and `beaver alerts list` show it.
Poco::JSON::Object::Ptr alert_json(const AlertRecord& a);
// One recorded deploy step, as the release view and the deploy records show it.
Poco::JSON::Object::Ptr deploy_step_json(const DeployStep& step);

}  // namespace beaver
