#pragma once
// The approval chain of a release: its steps are met in order, a step opens when the one before
// it is complete, one person counts toward one step only, and the submitter never counts.

#include <optional>
#include <string>
#include <vector>

#include "model/release.hpp"
#include "model/user.hpp"
#include "policy/policy.hpp"

namespace beaver {

struct StepStatus {
  ApprovalRule rule;
  // Who counted toward this step, in order: for a stand-in's approval, whom it was given for.
  std::vector<std::string> approvers;
  bool complete() const { return static_cast<int>(approvers.size()) >= rule.count; }
  int missing() const { return rule.count - static_cast<int>(approvers.size()); }
};

struct ChainStatus {
  std::vector<StepStatus> steps;
  std::optional<size_t> open_step;  // the first incomplete step; none when complete
  bool complete() const { return !open_step.has_value(); }
};

// The approvals that still count: bound to the release as it is now and not older than
// `expires` at `now`.
std::vector<Approval> live_approvals(const Release& release, const std::vector<Approval>& all,
                                     Timestamp now, std::chrono::seconds expires);

// Sorts live approvals into the chain's steps; an approval counts toward its step only when it
// was given for the role that step asks for now.
ChainStatus evaluate_chain(const std::vector<ApprovalRule>& chain,
                           const std::vector<Approval>& live);

// Whether `user` meets `rule` for a release of `service_team` submitted by `submitter`; when not,
// the reason in words ("bob is in team core; the step wants team payments").
std::optional<std::string> why_not_eligible(const ApprovalRule& rule, const User& user,
                                            const std::string& service_team,
                                            const std::string& submitter);

// Decides whether `approver` may approve now, and for which step. Refuses the submitter, a
// second approval by the same person, a step not open yet, a missing role or team.
Result<size_t> approval_step_for(const Release& release, const ChainStatus& status,
                                 const User& approver, const std::string& service_team);

// "1 approval by a leader of team payments": what a step still needs.
std::string describe_need(const StepStatus& step, const std::string& service_team);

// Why nobody may give the open step `index` of a release of `service_team` submitted by
// `submitter`, where `holders` hold the step's role (of the team, when the step names it) and
// `approved` have approved the release already, and what would unblock it: "nobody can approve
// step 1: it needs 1 approval by an ops, and olga submitted the release. To unblock it, an admin
// gives the ops role to another user ... or the policy's prod rollback chain asks for less".
// `chain` names the chain ("prod rollback").
std::string nobody_can_approve(const StepStatus& step, size_t index,
                               const std::vector<User>& holders, const std::string& service_team,
                               const std::string& submitter,
                               const std::vector<std::string>& approved, const std::string& chain);

}  // namespace beaver
