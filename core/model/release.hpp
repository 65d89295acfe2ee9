#pragma once
// A release: a request to put one version of a service on one environment, its type, its
// lifecycle state and the approvals given to it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clock/clock.hpp"
#include "error/error.hpp"

namespace beaver {

enum class ReleaseType { normal, emergency, rollback };

enum class ReleaseState {
  submitted,
  approved,
  rejected,
  cancelled,
  deploying,
  deployed,
  failed,
  rolled_back,
  interrupted,
  replaced,  // deployed, then another release was deployed over it on the same environment
};

std::string_view to_string(ReleaseType t);
std::string_view to_string(ReleaseState s);
std::optional<ReleaseType> release_type_from_string(std::string_view s);
std::optional<ReleaseState> release_state_from_string(std::string_view s);
std::string all_states_text();

// True when the lifecycle allows going from `from` to `to`:
//   submitted -> approved | rejected | cancelled | deploying (an emergency breaking glass)
//   approved  -> deploying | cancelled | submitted (its approvals expired)
//   deploying -> deployed | failed | rolled_back | interrupted
//   deployed  -> rolled_back | replaced (a later release deployed on its environment)
//   interrupted | failed -> deploying (tried again)
bool can_transition(ReleaseState from, ReleaseState to);

// Moves `state` to `to`, or says which transition is illegal (a conflict).
Result<void> transition(int64_t release_id, ReleaseState& state, ReleaseState to);

struct Release {
  int64_t id = 0;
  std::string service;
  std::string env;
  std::string version;
  std::optional<std::string> commit;
  std::optional<std::string> package_sha256;
  ReleaseType type = ReleaseType::normal;
  ReleaseState state = ReleaseState::submitted;
  std::optional<std::string> category;  // emergencies only
  std::optional<std::string> reason;    // emergencies only
  std::string submitter;
  Timestamp submitted_at{};
  std::optional<Timestamp> approved_at;
  std::optional<Timestamp> deployed_at;
  std::optional<std::string> closed_by;  // who rejected or cancelled
  std::optional<std::string> close_comment;
  std::optional<Timestamp> closed_at;
  std::optional<std::string> policy_sha256;  // the policy in force at submit
  std::optional<std::string> reviewed_by;
  std::optional<Timestamp> reviewed_at;
  std::optional<std::string> review_notes;
};

// Orders versions as people read them: runs of digits compare as numbers ("1.10" after "1.9"),
// the rest as text. Negative, zero or positive, like strcmp.
int compare_versions(std::string_view a, std::string_view b);

// What an approval binds to: the release as submitted. An approval whose binding differs from the
// release's current one (say, a package linked afterwards) no longer counts.
std::string approval_binding(const Release& r);

struct Approval {
  int64_t release_id = 0;
  std::string approver;
  int step = 0;         // index into the approval chain, from 0
  std::string role;     // the role the step asked for
  std::string binding;  // approval_binding() of the release when given
  std::optional<std::string> comment;
  Timestamp approved_at{};
  // Given by `approver` as a stand-in for this user (a delegation); the approval counts as theirs.
  std::optional<std::string> for_user{};

  const std::string& principal() const { return for_user ? *for_user : approver; }
  // "leo for lea", or "lea".
  std::string approver_text() const;
};

}  // namespace beaver
